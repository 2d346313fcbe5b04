"""The timeline's marks: a dot or bar where a meeting was held, a ring where it was planned to
begin, a cross where it was suspended, a pale band where only the month or year is known; and
the legend that shows them."""

from __future__ import annotations

from collections.abc import Iterable

from kg.read.timeline import ACTUAL, PLANNED, SUSPENDED, TimelineMark
from kg.web.pictures.svg import INK, MUTED, fmt, tag, text, text_width, title
from kg.web.pictures.timeline_axis import Scale


def draw_order(marks: Iterable[TimelineMark]) -> list[TimelineMark]:
    """Bands under dots, planned rings over what was held, crosses on top."""
    order = {ACTUAL: 1, PLANNED: 2, SUSPENDED: 3}
    return sorted(marks, key=lambda m: (m.exact, order[m.kind], m.first))


def _tooltip(mark: TimelineMark, event_label: str) -> str:
    verb = {ACTUAL: "held", PLANNED: "planned to begin", SUSPENDED: "suspended"}[mark.kind]
    vague = "" if mark.exact else " (the sources give no day)"
    year = "; the year is from the meeting's other dates" if mark.year_inferred else ""
    return (f"{event_label}: {verb} {mark.label}{vague}{year}. "
            f"According to: {'; '.join(mark.sources)}")


def draw_mark(mark: TimelineMark, colour: str, scale: Scale, y: float, event_label: str) -> str:
    """One mark on its event's row, centred on y, with a tooltip naming its sources."""
    left, right = scale.span(mark.first, mark.last)
    tip = title(_tooltip(mark, event_label))
    if not mark.exact:
        return _vague(mark, colour, (left, right), y, tip)
    centre = (left + right) / 2
    if mark.kind == SUSPENDED:
        # Above the row, so the day the meeting began stays visible beside it.
        cross = f"M{fmt(centre - 3)},{fmt(y - 13)}l6,6m0,-6l-6,6M{fmt(centre)},{fmt(y - 7)}v2.5"
        return tag("path", tip, d=cross, stroke=INK, stroke_width="1.8", fill="none")
    if mark.kind == PLANNED:
        return tag("circle", tip, cx=fmt(centre), cy=fmt(y), r="6", fill="none", stroke=colour,
                   stroke_width="1.8", stroke_dasharray="3 1.6")
    if right - left < 9:
        return tag("circle", tip, cx=fmt(centre), cy=fmt(y), r="4.5", fill=colour)
    return tag("rect", tip, x=fmt(left), y=fmt(y - 4.5), width=fmt(right - left), height="9",
               rx="4.5", fill=colour)


def _vague(mark: TimelineMark, colour: str, span: tuple[float, float], y: float,
           tip: str) -> str:
    """A date known only to the month or year: a pale band with a tick at each end."""
    left, right = span
    dash = "3 2" if mark.kind == PLANNED else None
    band = tag("rect", x=fmt(left), y=fmt(y - 5), width=fmt(max(right - left, 2)),
               height="10", fill=colour if mark.kind == ACTUAL else "none",
               fill_opacity="0.22", stroke=colour, stroke_width="1",
               stroke_dasharray=dash)
    ticks = "".join(tag("line", x1=fmt(x), x2=fmt(x), y1=fmt(y - 7), y2=fmt(y + 7),
                        stroke=colour, stroke_width="2") for x in (left, right))
    return tag("g", tip + band + ticks)


def legend() -> str:
    """What the marks mean, in one line at the top."""
    c, y = MUTED, 22.0
    items = [
        (tag("circle", cx="14", cy=fmt(y), r="4.5", fill=c), "held (a day)"),
        (tag("rect", x="8", y=fmt(y - 4.5), width="22", height="9", rx="4.5", fill=c),
         "held (start to end)"),
        (tag("circle", cx="14", cy=fmt(y), r="6", fill="none", stroke=c, stroke_width="1.8",
             stroke_dasharray="3 1.6"), "planned to begin"),
        (tag("rect", x="8", y=fmt(y - 5), width="22", height="10", fill=c, fill_opacity="0.22",
             stroke=c), "month or year only"),
        (tag("path", d=f"M10.5,{fmt(y - 3.5)}l7,7m0,-7l-7,7", stroke=INK,
             stroke_width="1.8"), "suspended"),
    ]
    out, x = [], 8.0
    for shape, words in items:
        out.append(tag("g", shape + tag("text", text(words), x="36", y=fmt(y + 4),
                                        font_size="11", fill=MUTED),
                       transform=f"translate({fmt(x)},0)"))
        x += 44 + text_width(words, 11)
    note = tag("text", "Hover a mark for its sources. Time runs evenly within each year; years "
               "with more meetings are drawn wider.", x="8", y=fmt(y + 24), font_size="10",
               fill=MUTED)
    return "".join(out) + note
