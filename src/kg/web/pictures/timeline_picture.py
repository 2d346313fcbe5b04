"""The timeline picture: one row per meeting, grouped and coloured by series, with the
meetings that cannot be placed listed below the axis."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from kg.namespaces import curie
from kg.read.timeline import ACTUAL, PLANNED, SUSPENDED, TimelineEvent
from kg.web.pictures.svg import (
    INK,
    LINKED,
    MUTED,
    Href,
    characters_in,
    clip,
    fmt,
    link,
    multiline,
    svg_root,
    tag,
    text,
    text_width,
    wrap,
)
from kg.web.pictures.timeline_axis import (
    TL_LEFT,
    TL_RIGHT,
    TL_WIDTH,
    Scale,
    axis,
    axis_labels,
    scale_for,
)
from kg.web.pictures.timeline_marks import draw_mark, draw_order, legend

TL_ROW, TL_TOP = 26.0, 74.0  # a one-line row's height; the top of the axis
DISPUTED = "#b31d28"
# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
NO_SERIES = "#6e7781"
OTHER_MEETINGS = "Other meetings"

Group = tuple[str, str, list[TimelineEvent]]  # (heading, colour, events)


def timeline_svg(events: Sequence[TimelineEvent], href: Href) -> str:
    """The events as an SVG timeline: one row per meeting, grouped and coloured by series.

    A filled dot or bar is when a meeting was held, a hollow ring when it was planned to
    begin, a cross when it was suspended; a pale band with end ticks is a date known only to
    the month or year. Each meeting's name links to its page, every mark has a tooltip naming
    its sources, and meetings that cannot be placed are listed below the axis.
    """
    groups = _groups(events)
    marks = [m for _, _, evs in groups for e in evs for m in e.marks]
    body: list[str] = [legend()]
    y = TL_TOP
    if marks:
        scale = scale_for(marks)
        rows, y = _rows(groups, scale, href, TL_TOP + 22)
        body += [axis(scale, TL_TOP - 4, y), *rows, axis_labels(scale, y + 14)]
        y += 24
    else:
        body.append(multiline(["No dated meetings to show."], TL_LEFT, y + 20, 13, fill=MUTED))
        y += 36
    notes, y = _unplaced_notes(events, href, y + 10)
    body += notes
    return svg_root(TL_WIDTH, y + 8, _label(events, groups), "".join(body))


def _groups(events: Sequence[TimelineEvent]) -> list[Group]:
    """(heading, colour, events) per series, in order of their first date; no series last."""
    placed = [e for e in events if e.marks]
    by_series: dict[str | None, list[TimelineEvent]] = defaultdict(list)
    for event in sorted(placed, key=lambda e: (e.first, e.label, e.iri)):
        by_series[event.series].append(event)
    named = sorted((s for s in by_series if s is not None),
                   key=lambda s: (by_series[s][0].first, s))
    groups = [(by_series[s][0].series_label or curie(s), PALETTE[i % len(PALETTE)],
               by_series[s]) for i, s in enumerate(named)]
    if None in by_series:
        groups.append((OTHER_MEETINGS, NO_SERIES, by_series[None]))
    return groups


def _label(events: Sequence[TimelineEvent], groups: list[Group]) -> str:
    """The picture's accessible name: what it shows, in one sentence."""
    placed = [e for _, _, evs in groups for e in evs]
    if not placed:
        return "Timeline of the talks: no dated meetings"
    years = sorted({m.first.year for e in placed for m in e.marks}
                   | {m.last.year for e in placed for m in e.marks})
    names = ", ".join(heading for heading, _, _ in groups)
    return (f"Timeline of {len(placed)} meetings of the talks, {years[0]} to {years[-1]}: "
            f"{names}; {len(events) - len(placed)} more cannot be placed in time")


def _rows(groups: list[Group], scale: Scale, href: Href, y: float) -> tuple[list[str], float]:
    """The group headings and event rows from y down; the y below the last row."""
    out: list[str] = []
    for heading, colour, group in groups:
        out.append(_group_heading(heading, colour, y + 16))
        y += 24
        for index, event in enumerate(group):
            lines = wrap(event.label, 46, 2)
            height = TL_ROW + (len(lines) - 1) * 12
            out.append(_event_row(event, lines, colour, scale, href, (y, height), index % 2))
            y += height
        y += 8
    return out, y


def _group_heading(heading: str, colour: str, y: float) -> str:
    swatch = tag("rect", x="8", y=fmt(y - 9), width="10", height="10", rx="2", fill=colour)
    return swatch + tag("text", text(heading), x="24", y=fmt(y), font_size="12.5",
                        font_weight="bold", fill=INK)


def _event_row(event: TimelineEvent, lines: list[str], colour: str, scale: Scale, href: Href,
               row: tuple[float, float], shaded: int) -> str:
    """One meeting: its linked name on the left, its marks and their dates in words."""
    top, height = row
    mid = top + height / 2
    band = tag("rect", x="4", y=fmt(top), width=fmt(TL_WIDTH - 8), height=fmt(height),
               fill="#f6f8fa") if shaded else ""
    name = multiline(lines, 24, mid + 4 - (len(lines) - 1) * 6.6, 11, fill=LINKED)
    summary = _event_words(event)
    named = link(event.iri, href, name, f"{event.label}: {summary}")
    drawn = [draw_mark(m, colour, scale, mid, event.label) for m in draw_order(event.marks)]
    return band + named + "".join(drawn) + _annotation(event, summary, scale, mid)


def _event_words(event: TimelineEvent) -> str:
    """The meeting's dates in words: held, planned, suspended."""
    held = [m.label for m in event.marks if m.kind == ACTUAL]
    planned = [m.label for m in event.marks if m.kind == PLANNED]
    suspended = [m.label for m in event.marks if m.kind == SUSPENDED]
    parts = ["; ".join(held)] if held else []
    parts += [f"planned {', '.join(planned)}"] if planned else []
    parts += [f"suspended {', '.join(suspended)}"] if suspended else []
    words = " · ".join(parts)
    return f"sources differ: {words}" if event.disputed else words


def _annotation(event: TimelineEvent, words: str, scale: Scale, y: float) -> str:
    """The dates in words beside the marks: right of them if there is room, else left."""
    spans = [scale.span(m.first, m.last) for m in event.marks]
    left, right = min(s[0] for s in spans) - 9, max(s[1] for s in spans) + 9
    room_right, room_left = scale.x1 + TL_RIGHT - 4 - right, left - scale.x0
    shown = clip(words, characters_in(max(room_right, room_left), 10))
    colour = DISPUTED if event.disputed else MUTED
    if text_width(shown, 10) <= room_right or room_right >= room_left:
        return tag("text", text(shown), x=fmt(right), y=fmt(y + 3.5), font_size="10",
                   fill=colour)
    return tag("text", text(shown), x=fmt(left), y=fmt(y + 3.5), font_size="10",
               fill=colour, text_anchor="end")


def _unplaced_notes(events: Sequence[TimelineEvent], href: Href,
                    y: float) -> tuple[list[str], float]:
    """One linked line per meeting that is missing from the axis, or has dates that are."""
    lines = []
    for event in sorted(events, key=lambda e: (e.label, e.iri)):
        if event.unplaced:
            why = f"{'; '.join(event.unplaced)}, but no source gives the year"
            lines.append((event, why if event.marks else f"not shown: {why}"))
        elif not event.marks:
            lines.append((event, "not shown: no date in the sources"))
    if not lines:
        return [], y
    out = [tag("text", "Not on the axis", x="8", y=fmt(y + 12), font_size="12",
               font_weight="bold")]
    for index, (event, why) in enumerate(lines):
        line = tag("text", tag("tspan", text(event.label), fill=LINKED)
                   + tag("tspan", text(f" — {why}"), fill=MUTED),
                   x="24", y=fmt(y + 30 + index * 16), font_size="11")
        out.append(link(event.iri, href, line, f"{event.label}: {why}"))
    return out, y + 30 + len(lines) * 16
