"""Server-side SVG pictures for the linked-data pages: a timeline of the talks and the
neighbourhood of one entity.

The pictures are plain SVG strings: no script, no style sheet and no `style` attribute (the
pages' Content-Security-Policy forbids inline styles), only presentation attributes. Every
text and attribute value passes through xml.sax.saxutils, so labels from the data come out as
text. Links go through the caller's `href(iri)`, which maps an IRI to its page URL.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.namespaces import (
    GRAPH,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_SOURCES,
    KG,
    OWL,
    RDF,
    RDFS,
    SRC,
    XSD,
    curie,
)
from kg.store import LoadedStore

Href = Callable[[str], str]
AnyStore = ox.Store | LoadedStore

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
INK, MUTED, GRID, DISPUTED = "#1f2328", "#57606a", "#d0d7de", "#b31d28"
# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
NO_SERIES = "#6e7781"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# XML 1.0 forbids these characters outright, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_UNSAFE_URL = re.compile(r"\s*(javascript|vbscript|data):", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# SVG helpers
# ---------------------------------------------------------------------------------------------


def text(value: str) -> str:
    """Character data for an element: escaped, with the characters XML cannot hold dropped."""
    return escape(_NOT_XML.sub("", value))


def attr(value: object) -> str:
    """A quoted attribute value, escaped (quotes, <, &, and newlines and tabs as references)."""
    return quoteattr(_NOT_XML.sub("", str(value)), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def tag(name: str, body: str = "", **attributes: object) -> str:
    """An element; attribute names take '-' for '_' (stroke_width -> stroke-width)."""
    attrs = "".join(f" {k.rstrip('_').replace('_', '-')}={attr(v)}"
                    for k, v in attributes.items() if v is not None)
    return f"<{name}{attrs}>{body}</{name}>" if body else f"<{name}{attrs}/>"


def title(value: str) -> str:
    """A <title> child: the tooltip, and the accessible name of its parent."""
    return f"<title>{text(value)}</title>"


def link(iri: str, href: Href, body: str, tooltip: str | None = None) -> str:
    """`body` inside a link to the IRI's page (left unlinked for a script or data URL)."""
    url = href(iri)
    inner = (title(tooltip) if tooltip else "") + body
    if _UNSAFE_URL.match(url):
        return tag("g", inner)
    return tag("a", inner, href=url)


def fmt(number: float) -> str:
    """Coordinates with at most one decimal: smaller output, same picture."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


def text_width(value: str, size: float) -> float:
    """Estimated width of a line of sans-serif text (no font metrics on the server)."""
    return len(value) * size * 0.56


def wrap(value: str, width: int, lines: int) -> list[str]:
    """At most `lines` lines of at most `width` characters, broken at spaces, '…' if cut."""
    words, out, current = value.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    out.append(current)
    out = [line if len(line) <= width else line[: width - 1] + "…" for line in out]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out


def multiline(lines: Sequence[str], x: float, y: float, size: float, **attributes: object) -> str:
    """A <text> of stacked lines, the first baseline at y."""
    spans = "".join(tag("tspan", text(line), x=fmt(x), dy="0" if i == 0 else fmt(size * 1.2))
                    for i, line in enumerate(lines))
    return tag("text", spans, x=fmt(x), y=fmt(y), font_size=fmt(size), **attributes)


def svg_root(width: float, height: float, label: str, body: str) -> str:
    """The root element: scales to its container by its viewBox, labelled for assistive tech."""
    return tag("svg", title(label) + body, xmlns="http://www.w3.org/2000/svg",
               viewBox=f"0 0 {fmt(width)} {fmt(height)}", role="img", aria_label=label,
               font_family=FONT, fill=INK)


# ---------------------------------------------------------------------------------------------
# Reading the store
# ---------------------------------------------------------------------------------------------


def _store(store: AnyStore) -> ox.Store:
    return store.store if isinstance(store, LoadedStore) else store


def _labels(store: ox.Store, iris: Iterable[str]) -> dict[str, str]:
    """Each IRI's rdfs:label, English preferred, else its CURIE."""
    wanted = sorted(set(iris))
    labels = {iri: curie(iri) for iri in wanted}
    if not wanted:
        return labels
    values = " ".join(f"<{iri}>" for iri in wanted)
    rows = store.query(f"SELECT ?x ?l {{ VALUES ?x {{ {values} }} ?x <{RDFS.label}> ?l }}")
    ranked: dict[str, tuple[int, str]] = {}
    for row in rows:  # type: ignore[union-attr]
        rank = (0 if row["l"].language == "en" else 1, row["l"].value)
        if row["x"].value not in ranked or rank < ranked[row["x"].value]:
            ranked[row["x"].value] = rank
    labels.update({iri: value for iri, (_, value) in ranked.items()})
    return labels


def _source_labels(store: ox.Store) -> dict[str, str]:
    """Graph IRI -> the title of its source document (or a plain name for the project graphs)."""
    graphs = [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    stems = {g: g[len(str(GRAPH)):] for g in graphs if g.startswith(str(GRAPH))}
    titles = _labels(store, [str(SRC[stem]) for stem in stems.values()])
    names = {g: titles[str(SRC[stem])] for g, stem in stems.items()}
    names[str(GRAPH_INFERRED)] = "OWL-RL inference"
    names[str(GRAPH_SOURCES)] = "the source descriptions"
    names[str(GRAPH_ONTOLOGY)] = "the ontology"
    return names


# ---------------------------------------------------------------------------------------------
# Timeline: data
# ---------------------------------------------------------------------------------------------

ACTUAL, PLANNED, SUSPENDED = "actual", "planned", "suspended"
DATE_PROPERTIES = (KG.startDate, KG.endDate, KG.plannedStartDate, KG.suspendedOn)
_DATE_FORMS = {
    str(XSD.date): re.compile(r"(?P<y>-?\d{4,})-(?P<m>\d\d)-(?P<d>\d\d)"),
    str(XSD.gYearMonth): re.compile(r"(?P<y>-?\d{4,})-(?P<m>\d\d)"),
    str(XSD.gYear): re.compile(r"(?P<y>-?\d{4,})"),
    str(XSD.gMonthDay): re.compile(r"--(?P<m>\d\d)-(?P<d>\d\d)"),
}
_ZONE = re.compile(r"(Z|[+-]\d\d:\d\d)\Z")


@dataclass(frozen=True)
class TimelineMark:
    """One thing drawn on an event's row: when it was held, planned or suspended."""

    kind: str  # ACTUAL (held, a day or a start-end span), PLANNED or SUSPENDED
    first: date  # first day the mark covers
    last: date  # last day it covers (inclusive): a span, or a month or year when vaguer
    exact: bool  # True when the ends are days; False for a month or a year only
    label: str  # the date in words: "23 Feb – 3 Mar 2017", "2014"
    sources: tuple[str, ...]  # titles of the sources that state it
    year_inferred: bool = False  # a source gave day and month only; the year is the meeting's


@dataclass(frozen=True)
class TimelineEvent:
    """A meeting with its dates, ready to draw."""

    iri: str
    label: str
    series: str | None  # the kg:ConferenceSeries it is a round of
    series_label: str | None
    marks: tuple[TimelineMark, ...]  # empty: nothing that can be placed in time
    unplaced: tuple[str, ...] = ()  # dates stated without a year, in words ("planned 16 Feb")
    disputed: bool = False  # sources give different start (or end) dates that cannot both hold

    @property
    def first(self) -> date | None:
        return min((m.first for m in self.marks), default=None)


@dataclass(frozen=True)
class _Dated:
    """A date value as the sources state it, placed on the calendar."""

    prop: str
    first: date
    last: date
    exact: bool
    label: str
    graphs: frozenset[str]
    year_inferred: bool = False


def _parse(lexical: str, datatype: str) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) of an XSD date-like literal, None where it says nothing."""
    pattern = _DATE_FORMS.get(datatype)
    match = pattern.fullmatch(_ZONE.sub("", lexical)) if pattern else None
    if not match:
        return None
    parts = match.groupdict()
    return tuple(int(parts[k]) if parts.get(k) else None for k in "ymd")  # type: ignore[return-value]


def _words(year: int | None, month: int | None, day: int | None) -> str:
    return " ".join(str(p) for p in (day, MONTHS[month - 1] if month else None, year) if p)


def _interval(year: int, month: int | None, day: int | None) -> tuple[date, date]:
    """The first and last day a date of this precision may mean (ValueError if impossible)."""
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    if day is None:
        following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return date(year, month, 1), following - timedelta(days=1)
    return date(year, month, day), date(year, month, day)


def _date_rows(store: ox.Store) -> list[ox.QuerySolution]:
    props = " ".join(f"<{p}>" for p in DATE_PROPERTIES)
    return list(store.query(f"""SELECT ?m ?p ?d ?g WHERE {{
        ?m a/<{RDFS.subClassOf}>* ?t . VALUES ?t {{ <{KG.Meeting}> <{KG.Conference}> }}
        VALUES ?p {{ {props} }} GRAPH ?g {{ ?m ?p ?d }}
        FILTER(isLiteral(?d)) }}"""))  # type: ignore[arg-type]


def _meetings(store: ox.Store) -> dict[str, str | None]:
    """Every meeting (conferences included) -> its series, if it is a round of one."""
    rows = store.query(f"""SELECT ?m (MIN(STR(?s)) AS ?series) WHERE {{
        ?m a/<{RDFS.subClassOf}>* ?t . VALUES ?t {{ <{KG.Meeting}> <{KG.Conference}> }}
        OPTIONAL {{ ?m <{KG.partOfSeries}>|^<{KG.hasRound}> ?s }} FILTER(isIRI(?m)) }}
        GROUP BY ?m""")
    return {r["m"].value: r["series"].value if r["series"] else None  # type: ignore[union-attr]
            for r in rows}  # type: ignore[union-attr]


def timeline_events(store: AnyStore) -> list[TimelineEvent]:
    """Every meeting (kg:Meeting, so every kg:Conference too) with the dates the sources give.

    Actual dates (kg:startDate to kg:endDate) become marks of kind ACTUAL, each
    kg:plannedStartDate a PLANNED mark and kg:suspendedOn a SUSPENDED one. A month or a year
    (xsd:gYearMonth, xsd:gYear) is placed as the whole month or year, marked inexact.
    A day and month without a year (xsd:gMonthDay, such as Iran Focus's "February 23") is
    placed only when all the meeting's other dates fall in one year, and the mark says the year
    was taken from them; otherwise it cannot be placed and is listed in `unplaced`. No year is
    ever taken from a label or an IRI. The same date stated by several sources is one mark
    naming them all, and a coarser date that contains a finer one ("2016" and "1 February
    2016") is folded into it; start or end dates that cannot both hold are all drawn, and the
    event is `disputed`. Meetings with no date at all come back with no marks.
    """
    db = _store(store)
    raw: dict[str, dict[tuple[str, str, str], set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in _date_rows(db):
        term = row["d"]
        raw[row["m"].value][(row["p"].value, term.value, term.datatype.value)].add(  # type: ignore[union-attr]
            row["g"].value)  # type: ignore[union-attr]
    series = _meetings(db)
    labels = _labels(db, [*series, *(s for s in series.values() if s)])
    sources = _source_labels(db)
    events = [_event(iri, labels[iri], s, labels.get(s or ""), raw.get(iri, {}), sources)
              for iri, s in series.items()]
    return sorted(events, key=lambda e: (e.first or date.max, e.label, e.iri))


def _event(iri: str, label: str, series: str | None, series_label: str | None,
           raw: dict[tuple[str, str, str], set[str]], sources: dict[str, str]) -> TimelineEvent:
    parsed = {key: _parse(key[1], key[2]) for key in raw}
    years = {p[0] for p in parsed.values() if p and p[0] is not None}
    known_year = years.pop() if len(years) == 1 else None
    dated: list[_Dated] = []
    unplaced: list[str] = []
    for (prop, lexical, _), value in sorted(parsed.items()):
        graphs = frozenset(raw[(prop, lexical, _)])
        placed = _place(prop, lexical, value, known_year, graphs)
        if placed is None:
            unplaced.append(f"{_PROP_WORDS[prop]} {_words(*value) if value else lexical}")
        else:
            dated.append(placed)
    merged = _merge(dated)
    marks = _marks(merged, sources)
    disputed = any(sum(d.prop == p for d in merged) > 1 for p in (str(KG.startDate),
                                                                      str(KG.endDate)))
    return TimelineEvent(iri, label, series, series_label, tuple(marks), tuple(unplaced),
                         disputed)


_PROP_WORDS = {str(KG.startDate): "began", str(KG.endDate): "ended",
               str(KG.plannedStartDate): "planned", str(KG.suspendedOn): "suspended"}


def _place(prop: str, lexical: str, value: tuple[int | None, int | None, int | None] | None,
           known_year: int | None, graphs: frozenset[str]) -> _Dated | None:
    """The value on the calendar, or None when it cannot be placed."""
    if value is None:
        return None
    year, month, day = value
    inferred = year is None
    year = known_year if year is None else year
    if year is None:
        return None
    try:
        first, last = _interval(year, month, day)
    except ValueError:
        return None
    return _Dated(prop, first, last, day is not None, _words(year, month, day), graphs, inferred)


def _merge(dated: list[_Dated]) -> list[_Dated]:
    """One value per date a property takes: equal dates join, coarser ones fold into finer."""
    out: list[_Dated] = []
    for d in sorted(dated, key=lambda d: (d.prop, d.last - d.first, d.first, d.year_inferred)):
        same = next((o for o in out if o.prop == d.prop and o.first >= d.first
                     and o.last <= d.last), None)
        if same is None:
            out.append(d)
        else:
            out[out.index(same)] = _Dated(same.prop, same.first, same.last, same.exact,
                                          same.label, same.graphs | d.graphs,
                                          same.year_inferred and d.year_inferred)
    return out


def _marks(merged: list[_Dated], sources: dict[str, str]) -> list[TimelineMark]:
    def of(prop: KG) -> list[_Dated]:
        return sorted((d for d in merged if d.prop == str(prop)), key=lambda d: d.first)

    def names(*values: _Dated) -> tuple[str, ...]:
        graphs = {g for v in values for g in v.graphs}
        return tuple(sorted(sources.get(g, curie(g)) for g in graphs))

    marks, ends = [], of(KG.endDate)
    unused = list(ends)
    for start in of(KG.startDate):
        end = next((e for e in ends if e.last >= start.first), None)
        if end is not None and end in unused:
            unused.remove(end)
        last = end.last if end else start.last
        label = _range_words(start, end) if end else start.label
        marks.append(TimelineMark(ACTUAL, start.first, last, start.exact and (end or start).exact,
                                  label, names(start, *([end] if end else [])),
                                  start.year_inferred))
    marks += [TimelineMark(ACTUAL, e.first, e.last, e.exact, f"ended {e.label}", names(e),
                           e.year_inferred) for e in unused]
    for kind, prop in ((PLANNED, KG.plannedStartDate), (SUSPENDED, KG.suspendedOn)):
        marks += [TimelineMark(kind, d.first, d.last, d.exact, d.label, names(d), d.year_inferred)
                  for d in of(prop)]
    return marks


def _range_words(start: _Dated, end: _Dated) -> str:
    """'23 Feb – 3 Mar 2017': the start's year left out when the end repeats it."""
    if start.label == end.label:
        return start.label
    if start.exact and end.exact and start.first.year == end.last.year:
        if start.first.month == end.last.month:
            return f"{start.first.day}–{end.label}"
        begin = _words(None, start.first.month, start.first.day)
        return f"{begin} – {end.label}"
    return f"{start.label} – {end.label}"


# ---------------------------------------------------------------------------------------------
# Timeline: drawing
# ---------------------------------------------------------------------------------------------

TL_WIDTH, TL_LEFT, TL_RIGHT, TL_ROW, TL_TOP = 1000.0, 290.0, 16.0, 26.0, 74.0
OTHER_MEETINGS = "Other meetings"


@dataclass(frozen=True)
class _Scale:
    """Year bands side by side: time runs evenly within a year, busy years get more width."""

    first_year: int
    bounds: tuple[float, ...]  # x of 1 January of each year shown, and of the year after

    @property
    def x0(self) -> float:
        return self.bounds[0]

    @property
    def x1(self) -> float:
        return self.bounds[-1]

    @property
    def years(self) -> range:
        return range(self.first_year, self.first_year + len(self.bounds) - 1)

    def x(self, day: date) -> float:
        index = min(max(day.year - self.first_year, 0), len(self.bounds) - 1)
        if index == len(self.bounds) - 1:
            return self.bounds[-1]
        start = date(day.year, 1, 1)
        fraction = (day - start).days / (date(day.year + 1, 1, 1) - start).days
        return self.bounds[index] + fraction * (self.bounds[index + 1] - self.bounds[index])

    def span(self, first: date, last: date) -> tuple[float, float]:
        """Left and right x of the days first..last (inclusive)."""
        return self.x(first), self.x(last + timedelta(days=1))


def _scale(marks: Sequence[TimelineMark]) -> _Scale:
    """A band per year from the first mark's to the last's, 1 + (marks in it, up to 6) wide."""
    first, last = min(m.first.year for m in marks), max(m.last.year for m in marks)
    weights = [1 + min(sum(m.first.year <= y <= m.last.year for m in marks), 6)
               for y in range(first, last + 1)]
    x0, x1 = TL_LEFT + 10, TL_WIDTH - TL_RIGHT
    bounds, total, acc = [x0], sum(weights), 0
    for weight in weights:
        acc += weight
        bounds.append(x0 + (x1 - x0) * acc / total)
    return _Scale(first, tuple(bounds))


def _groups(events: Sequence[TimelineEvent]) -> list[tuple[str, str, list[TimelineEvent]]]:
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


def timeline_svg(events: Sequence[TimelineEvent], href: Href) -> str:
    """The events as an SVG timeline: one row per meeting, grouped and coloured by series.

    A filled dot or bar is when a meeting was held, a hollow ring when it was planned to
    begin, a cross when it was suspended; a pale band with end ticks is a date known only to
    the month or year. Each meeting's name links to its page, every mark has a tooltip naming
    its sources, and meetings that cannot be placed are listed below the axis.
    """
    groups = _groups(events)
    marks = [m for _, _, evs in groups for e in evs for m in e.marks]
    body: list[str] = [_timeline_legend()]
    y = TL_TOP
    if marks:
        scale = _scale(marks)
        rows, y = _timeline_rows(groups, scale, href, TL_TOP + 22)
        body += [_axis(scale, TL_TOP - 4, y), *rows, _axis_labels(scale, y + 14)]
        y += 24
    else:
        body.append(multiline(["No dated meetings to show."], TL_LEFT, y + 20, 13, fill=MUTED))
        y += 36
    notes, y = _unplaced_notes(events, href, y + 10)
    body += notes
    label = _timeline_label(events, groups)
    return svg_root(TL_WIDTH, y + 8, label, "".join(body))


def _timeline_label(events: Sequence[TimelineEvent],
                    groups: list[tuple[str, str, list[TimelineEvent]]]) -> str:
    placed = [e for _, _, evs in groups for e in evs]
    if not placed:
        return "Timeline of the talks: no dated meetings"
    years = sorted({m.first.year for e in placed for m in e.marks}
                   | {m.last.year for e in placed for m in e.marks})
    names = ", ".join(heading for heading, _, _ in groups)
    return (f"Timeline of {len(placed)} meetings of the talks, {years[0]} to {years[-1]}: "
            f"{names}; {len(events) - len(placed)} more cannot be placed in time")


def _timeline_rows(groups: list[tuple[str, str, list[TimelineEvent]]], scale: _Scale,
                   href: Href, y: float) -> tuple[list[str], float]:
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


def _event_row(event: TimelineEvent, lines: list[str], colour: str, scale: _Scale, href: Href,
               row: tuple[float, float], shaded: int) -> str:
    """One meeting: its linked name on the left, its marks and their dates in words."""
    top, height = row
    mid = top + height / 2
    band = tag("rect", x="4", y=fmt(top), width=fmt(TL_WIDTH - 8), height=fmt(height),
               fill="#f6f8fa") if shaded else ""
    name = multiline(lines, 24, mid + 4 - (len(lines) - 1) * 6.6, 11, fill="#0b57d0")
    summary = _event_words(event)
    named = link(event.iri, href, name, f"{event.label}: {summary}")
    drawn = [_mark(m, colour, scale, mid, event.label) for m in _draw_order(event.marks)]
    return band + named + "".join(drawn) + _annotation(event, summary, scale, mid)


def _draw_order(marks: Iterable[TimelineMark]) -> list[TimelineMark]:
    """Bands under dots, planned rings over what was held, crosses on top."""
    order = {ACTUAL: 1, PLANNED: 2, SUSPENDED: 3}
    return sorted(marks, key=lambda m: (m.exact, order[m.kind], m.first))


def _event_words(event: TimelineEvent) -> str:
    held = [m.label for m in event.marks if m.kind == ACTUAL]
    planned = [m.label for m in event.marks if m.kind == PLANNED]
    suspended = [m.label for m in event.marks if m.kind == SUSPENDED]
    parts = ["; ".join(held)] if held else []
    parts += [f"planned {', '.join(planned)}"] if planned else []
    parts += [f"suspended {', '.join(suspended)}"] if suspended else []
    words = " · ".join(parts)
    return f"sources differ: {words}" if event.disputed else words


def _mark_tooltip(mark: TimelineMark, event_label: str) -> str:
    verb = {ACTUAL: "held", PLANNED: "planned to begin", SUSPENDED: "suspended"}[mark.kind]
    vague = "" if mark.exact else " (the sources give no day)"
    year = "; the year is from the meeting's other dates" if mark.year_inferred else ""
    return (f"{event_label}: {verb} {mark.label}{vague}{year}. "
            f"According to: {'; '.join(mark.sources)}")


def _mark(mark: TimelineMark, colour: str, scale: _Scale, y: float, event_label: str) -> str:
    left, right = scale.span(mark.first, mark.last)
    centre = (left + right) / 2
    tip = title(_mark_tooltip(mark, event_label))
    if not mark.exact:
        dash = "3 2" if mark.kind == PLANNED else None
        band = tag("rect", x=fmt(left), y=fmt(y - 5), width=fmt(max(right - left, 2)),
                   height="10", fill=colour if mark.kind == ACTUAL else "none",
                   fill_opacity="0.22", stroke=colour, stroke_width="1",
                   stroke_dasharray=dash)
        ticks = "".join(tag("line", x1=fmt(x), x2=fmt(x), y1=fmt(y - 7), y2=fmt(y + 7),
                            stroke=colour, stroke_width="2") for x in (left, right))
        return tag("g", tip + band + ticks)
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


def _annotation(event: TimelineEvent, words: str, scale: _Scale, y: float) -> str:
    """The dates in words beside the marks: right of them if there is room, else left."""
    spans = [scale.span(m.first, m.last) for m in event.marks]
    left, right = min(s[0] for s in spans) - 9, max(s[1] for s in spans) + 9
    room_right, room_left = scale.x1 + TL_RIGHT - 4 - right, left - scale.x0
    fits = int(max(room_right, room_left) / (10 * 0.56))
    shown = words if len(words) <= fits else words[: max(fits - 1, 0)] + "…"
    colour = DISPUTED if event.disputed else MUTED
    if text_width(shown, 10) <= room_right or room_right >= room_left:
        return tag("text", text(shown), x=fmt(right), y=fmt(y + 3.5), font_size="10",
                   fill=colour)
    return tag("text", text(shown), x=fmt(left), y=fmt(y + 3.5), font_size="10",
               fill=colour, text_anchor="end")


def _axis(scale: _Scale, top: float, bottom: float) -> str:
    """A line at each 1 January, with the year above, centred on its year."""
    out = []
    for x in scale.bounds:
        out.append(tag("line", x1=fmt(x), x2=fmt(x), y1=fmt(top), y2=fmt(bottom), stroke=GRID))
    return "".join(out) + _axis_labels(scale, top + 10)


def _axis_labels(scale: _Scale, y: float) -> str:
    return "".join(
        tag("text", str(year), x=fmt((left + right) / 2), y=fmt(y), font_size="11",
            text_anchor="middle", fill=MUTED, font_weight="bold")
        for year, left, right in zip(scale.years, scale.bounds, scale.bounds[1:], strict=False))


def _timeline_legend() -> str:
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
        line = tag("text", tag("tspan", text(event.label), fill="#0b57d0")
                   + tag("tspan", text(f" — {why}"), fill=MUTED),
                   x="24", y=fmt(y + 30 + index * 16), font_size="11")
        out.append(link(event.iri, href, line, f"{event.label}: {why}"))
    return out, y + 30 + len(lines) * 16


# ---------------------------------------------------------------------------------------------
# Neighbourhood: data
# ---------------------------------------------------------------------------------------------

KINDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (kind, colour, classes): the first kind whose class an entity has is its kind.
    ("meeting", "#0072B2", (str(KG.Meeting), str(KG.ConferenceSeries))),
    ("person", "#D55E00", (str(KG.Person),)),
    ("organisation", "#009E73", (str(KG.Organization), str(KG.Party))),
    ("document", "#CC79A7", (str(KG.Document), str(KG.Proposal), str(KG.SourceDocument))),
    ("place", "#E69F00", (str(KG.Place),)),
    ("incident", "#882255", (str(KG.Incident), str(KG.Conflict))),
)
OTHER_KIND, OTHER_COLOUR = "other", "#8c959f"
KIND_COLOURS = {kind: colour for kind, colour, _ in KINDS} | {OTHER_KIND: OTHER_COLOUR}


@dataclass(frozen=True)
class Link:
    """One property between the centre and a neighbour."""

    prop: str  # the kg: object property
    label: str  # its rdfs:label in the ontology
    outgoing: bool  # True: centre -prop-> neighbour; False: neighbour -prop-> centre
    graphs: tuple[str, ...]  # the named graphs that hold the triple
    sources: int  # how many of them are source graphs

    @property
    def inferred(self) -> bool:
        """Only OWL-RL inferred it: no source graph (or other asserted graph) holds it."""
        return self.graphs == (str(GRAPH_INFERRED),)


@dataclass(frozen=True)
class Neighbour:
    iri: str
    label: str
    kind: str
    links: tuple[Link, ...]  # asserted first, then by how many sources state them

    @property
    def inferred(self) -> bool:
        return all(link.inferred for link in self.links)

    @property
    def sources(self) -> int:
        return max(link.sources for link in self.links)


@dataclass(frozen=True)
class Neighbourhood:
    iri: str
    label: str
    kind: str
    neighbours: tuple[Neighbour, ...]  # all of them, most telling first (see _priority)


@dataclass(frozen=True)
class _Vocabulary:
    labels: dict[str, str]  # every kg: object property -> its label
    inverse: dict[str, str]  # both ways
    symmetric: frozenset[str]
    supers: dict[str, set[str]]  # property -> all its super-properties


def _vocabulary(store: ox.Store) -> _Vocabulary:
    graph = ox.NamedNode(str(GRAPH_ONTOLOGY))

    def pairs(predicate: str, obj: str | None = None) -> list[tuple[str, str]]:
        o = ox.NamedNode(obj) if obj else None
        return [(q.subject.value, q.object.value) for q in  # type: ignore[union-attr]
                store.quads_for_pattern(None, ox.NamedNode(predicate), o, graph)]

    props = {s for s, _ in pairs(str(RDF.type), str(OWL.ObjectProperty)) if s.startswith(str(KG))}
    inverse = dict(pairs(str(OWL.inverseOf)))
    inverse |= {b: a for a, b in inverse.items()}
    direct: dict[str, set[str]] = defaultdict(set)
    for sub, sup in pairs(str(RDFS.subPropertyOf)):
        direct[sub].add(sup)
    supers = {p: _closure(p, direct) for p in props}
    symmetric = frozenset(s for s, _ in pairs(str(RDF.type), str(OWL.SymmetricProperty)))
    return _Vocabulary(_labels(store, props), inverse, symmetric, supers)


def _closure(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return seen


def _entailed(forms: Iterable[tuple[str, bool]], vocab: _Vocabulary) -> set[tuple[str, bool]]:
    """Every (property, outgoing) the given links imply by inverses, symmetry, sub-properties."""
    done: set[tuple[str, bool]] = set()
    todo = list(forms)
    while todo:
        prop, out = todo.pop()
        if (prop, out) in done:
            continue
        done.add((prop, out))
        todo += [(sup, out) for sup in vocab.supers.get(prop, ())]
        todo += [(vocab.inverse[prop], not out)] if prop in vocab.inverse else []
        todo += [(prop, not out)] if prop in vocab.symmetric else []
    return done


def _link_rows(store: ox.Store, iri: str) -> dict[str, dict[tuple[str, bool], set[str]]]:
    """Neighbour -> (property, outgoing) -> graphs, over kg: properties to other IRIs."""
    query = f"""SELECT ?x ?p ?g ?out WHERE {{
        {{ GRAPH ?g {{ <{iri}> ?p ?x }} BIND(true AS ?out) }}
        UNION {{ GRAPH ?g {{ ?x ?p <{iri}> }} BIND(false AS ?out) }}
        FILTER(isIRI(?x) && ?x != <{iri}> && STRSTARTS(STR(?p), "{KG}"))
        FILTER NOT EXISTS {{ ?x a <{RDF.Statement}> }} }}"""
    found: dict[str, dict[tuple[str, bool], set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in store.query(query):  # type: ignore[union-attr]
        key = (row["p"].value, row["out"].value == "true")
        found[row["x"].value][key].add(row["g"].value)
    return found


def _kinds(store: ox.Store, iris: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(iris))
    types: dict[str, set[str]] = defaultdict(set)
    if wanted:
        values = " ".join(f"<{iri}>" for iri in wanted)
        for row in store.query(f"SELECT ?x ?t {{ VALUES ?x {{ {values} }} ?x a ?t }}"):  # type: ignore[union-attr]
            types[row["x"].value].add(row["t"].value)
    return {iri: next((kind for kind, _, classes in KINDS if types[iri] & set(classes)),
                      OTHER_KIND) for iri in wanted}


def neighbourhood(store: AnyStore, iri: str) -> Neighbourhood:
    """The entity's direct links to and from other entities through kg: object properties.

    Left out: literals, rdf:type, evidence nodes (rdf:Statement) and properties the ontology
    does not declare as owl:ObjectProperty. A link only OWL-RL inferred is kept as `inferred`,
    unless it merely restates a link already kept between the same two entities (an inverse,
    the mirror of a symmetric property, or a super-property): "Geneva IV attendee Russia" adds
    nothing to the stated "Russia attends Geneva IV", and "HNC has member KNC" nothing to the
    inferred "KNC member of HNC".
    """
    db = _store(store)
    vocab = _vocabulary(db)
    found = _link_rows(db, iri)
    labels = _labels(db, [iri, *found])
    kinds = _kinds(db, [iri, *found])
    neighbours = []
    for other, props in found.items():
        links = _links(props, vocab)
        if links:
            neighbours.append(Neighbour(other, labels[other], kinds[other], tuple(links)))
    return Neighbourhood(iri, labels[iri], kinds[iri], tuple(_priority(neighbours)))


def _links(props: dict[tuple[str, bool], set[str]], vocab: _Vocabulary) -> list[Link]:
    project = {str(GRAPH_INFERRED), str(GRAPH_ONTOLOGY), str(GRAPH_SOURCES)}
    links = [Link(p, vocab.labels[p], out, tuple(sorted(graphs)), len(graphs - project))
             for (p, out), graphs in props.items() if p in vocab.labels]
    links.sort(key=lambda k: (k.inferred, -k.sources, not k.outgoing, k.label))
    kept = [k for k in links if not k.inferred]
    for k in links[len(kept):]:  # an inferred link is kept unless what is kept implies it
        if (k.prop, k.outgoing) not in _entailed(((c.prop, c.outgoing) for c in kept), vocab):
            kept.append(k)
    return kept


def _priority(neighbours: list[Neighbour]) -> list[Neighbour]:
    """Round robin over the relations, so a capped picture still shows every kind of link;
    within one relation, stated before inferred, then the most corroborated, then by name."""
    by_relation: dict[tuple[str, bool], list[Neighbour]] = defaultdict(list)
    for n in sorted(neighbours, key=lambda n: (n.inferred, -n.sources, n.label, n.iri)):
        by_relation[(n.links[0].label, n.links[0].outgoing)].append(n)
    queues = [by_relation[key] for key in sorted(by_relation)]
    ordered: list[Neighbour] = []
    for rank in range(max((len(q) for q in queues), default=0)):
        ordered += [q[rank] for q in queues if rank < len(q)]
    return ordered


# ---------------------------------------------------------------------------------------------
# Neighbourhood: drawing
# ---------------------------------------------------------------------------------------------

NB_WIDTH, NB_TOP = 1000.0, 56.0
NODE_R, NODE_FONT, EDGE_FONT = 7.0, 11.0, 9.5


@dataclass
class _Placed:
    neighbour: Neighbour
    angle: float
    x: float
    y: float
    anchor: str  # text-anchor of its label
    lines: list[str]
    label_x: float
    label_y: float  # first baseline

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the label, estimated."""
        width = max(text_width(line, NODE_FONT) for line in self.lines)
        left = {"start": self.label_x, "end": self.label_x - width,
                "middle": self.label_x - width / 2}[self.anchor]
        top = self.label_y - NODE_FONT
        return left, top, left + width, top + NODE_FONT * 1.2 * len(self.lines) + 2


def _radii(count: int) -> tuple[float, float]:
    """The ellipse the neighbours sit on: larger with more of them."""
    return min(320.0, 220.0 + 5 * count), min(235.0, 150.0 + 4 * count)


def _layout(shown: Sequence[Neighbour], cx: float, cy: float) -> list[_Placed]:
    """Neighbours evenly round an ellipse, clockwise from the top, labels outward."""
    rx, ry = _radii(len(shown))
    placed = []
    for index, n in enumerate(shown):
        angle = -math.pi / 2 + (index + 0.5) * 2 * math.pi / len(shown)
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        cos, sin = math.cos(angle), math.sin(angle)
        lines = wrap(n.label, 26, 2)
        if cos > 0.05:
            anchor, lx, ly = "start", x + NODE_R + 5, y + 4 - (len(lines) - 1) * 6
        elif cos < -0.05:
            anchor, lx, ly = "end", x - NODE_R - 5, y + 4 - (len(lines) - 1) * 6
        else:
            anchor, lx = "middle", x
            ly = y - NODE_R - 6 - (len(lines) - 1) * 13 if sin < 0 else y + NODE_R + 14
        placed.append(_Placed(n, angle, x, y, anchor, lines, lx, ly))
    _separate(placed, cy)
    return placed


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _separate(placed: list[_Placed], cy: float) -> None:
    """Move labels that would overlap apart, away from the centre line (upper ones up)."""
    for upper in (True, False):
        half = [p for p in placed if (p.y < cy) == upper]
        half.sort(key=lambda p: -p.y if upper else p.y)  # nearest the centre line first
        done: list[_Placed] = []
        for p in half:
            for _ in range(len(done) + 1):
                hit = next((d for d in done if _overlap(p.box(), d.box())), None)
                if hit is None:
                    break
                mine, theirs = p.box(), hit.box()
                p.label_y += (theirs[1] - mine[3] - 1) if upper else (theirs[3] - mine[1] + 1)
            done.append(p)


def neighbourhood_svg(hood: Neighbourhood, href: Href, limit: int = 24) -> str:
    """The centre with up to `limit` neighbours round it, each link a labelled spoke.

    Spokes are solid for links a source states and dashed for links only inferred; an arrow
    points from subject to object. Nodes are coloured by kind and link to their pages; the
    footer says how many neighbours were left out.
    """
    # The most telling `limit`, then round the circle grouped by relation.
    shown = sorted(hood.neighbours[:limit], key=lambda n: (n.links[0].label,
                                                           n.links[0].outgoing, n.label, n.iri))
    _, ry = _radii(len(shown))
    cx, cy = NB_WIDTH / 2, NB_TOP + ry + 40
    placed = _layout(shown, cx, cy)
    bottom = max([cy + 60, *(p.box()[3] for p in placed)])
    body = [_defs(), _nb_legend(hood, shown)]
    centre_box = _centre_size(hood)
    body += [_spoke(p, hood, cx, cy, centre_box, href) for p in placed]
    body.append(_centre(hood, cx, cy, centre_box, href))
    body += [_node(p, hood, href) for p in placed]
    footer = _nb_footer(hood, len(shown), bottom + 24)
    body.append(footer)
    label = (f"Links of {hood.label}: {len(hood.neighbours)} linked entities"
             + (f", {len(shown)} shown" if len(shown) < len(hood.neighbours) else ""))
    return svg_root(NB_WIDTH, bottom + 40, label, "".join(body))


def _defs() -> str:
    arrow = tag("marker", tag("path", d="M0,0L10,5L0,10z", fill=MUTED), id="kg-nb-arrow",
                viewBox="0 0 10 10", refX="9", refY="5", markerWidth="7", markerHeight="7",
                orient="auto-start-reverse", markerUnits="userSpaceOnUse")
    return tag("defs", arrow)


def _centre_size(hood: Neighbourhood) -> tuple[list[str], float, float]:
    lines = wrap(hood.label, 24, 3)
    width = max(text_width(line, 13) for line in lines) + 24
    return lines, width, len(lines) * 16 + 14


def _centre(hood: Neighbourhood, cx: float, cy: float, size: tuple[list[str], float, float],
            href: Href) -> str:
    lines, width, height = size
    colour = KIND_COLOURS[hood.kind]
    box = tag("rect", x=fmt(cx - width / 2), y=fmt(cy - height / 2), width=fmt(width),
              height=fmt(height), rx="8", fill="#ffffff", stroke=colour, stroke_width="2.5")
    words = multiline(lines, cx, cy - height / 2 + 21, 13, text_anchor="middle",
                      font_weight="bold", fill=INK)
    return link(hood.iri, href, box + words, f"{hood.label} ({hood.kind})")


def _sentence(link_: Link, centre: str, other: str) -> str:
    subject, obj = (centre, other) if link_.outgoing else (other, centre)
    if link_.inferred:
        how = "inferred by OWL-RL"
    else:
        how = f"stated in {link_.sources} source{'s' if link_.sources != 1 else ''}"
    return f"{subject} — {link_.label} → {obj} ({how})"


def _spoke(p: _Placed, hood: Neighbourhood, cx: float, cy: float,
           centre: tuple[list[str], float, float], href: Href) -> str:
    """The line from the centre to one neighbour, with the relations written along it."""
    n = p.neighbour
    dx, dy = p.x - cx, p.y - cy
    length = math.hypot(dx, dy)
    ux, uy = dx / length, dy / length
    _, width, height = centre
    inner = min(width / 2 / max(abs(ux), 1e-9), height / 2 / max(abs(uy), 1e-9)) + 2
    x0, y0 = cx + ux * inner, cy + uy * inner
    x1, y1 = p.x - ux * (NODE_R + 2), p.y - uy * (NODE_R + 2)
    outs = {k.outgoing for k in n.links}
    line = tag("line", x1=fmt(x0), y1=fmt(y0), x2=fmt(x1), y2=fmt(y1), stroke=MUTED,
               stroke_width="1.3", stroke_dasharray="5 4" if n.inferred else None,
               marker_end="url(#kg-nb-arrow)" if True in outs else None,
               marker_start="url(#kg-nb-arrow)" if False in outs else None)
    tooltip = "\n".join(_sentence(k, hood.label, n.label) for k in n.links)
    room = math.hypot(x1 - x0, y1 - y0)
    lines = _spoke_lines(n, room)
    # As far out as the words fit: the spokes are furthest apart there.
    width = max(text_width("".join(part for part, _ in row), EDGE_FONT) for row in lines)
    along = max(room / 2, room - 12 - width / 2)
    words = _spoke_words(lines, x0 + ux * along, y0 + uy * along, p.angle)
    return tag("g", title(tooltip) + line + words)


def _spoke_lines(n: Neighbour, room: float) -> list[list[tuple[str, bool]]]:
    """(words, inferred) per relation, in at most two lines that fit along the spoke."""
    fits = max(int((room - 16) / (EDGE_FONT * 0.56)), 4)
    lines: list[list[tuple[str, bool]]] = [[]]
    used = 0
    for k in n.links:
        part = f" · {k.label}" if lines[-1] else k.label
        if lines[-1] and used + len(part) > fits:
            if len(lines) == 2:
                lines[-1].append((" …", False))
                return lines
            lines.append([])
            part, used = k.label, 0
        if len(part) > fits:
            part = part[: fits - 1] + "…"
        lines[-1].append((part, k.inferred))
        used += len(part)
    return lines


def _spoke_words(lines: list[list[tuple[str, bool]]], x: float, y: float, angle: float) -> str:
    """The relation names along the spoke (a second line below it), upright, inferred ones in
    italics."""
    degrees = math.degrees(angle)
    rotate = degrees + 180 if not -90 <= degrees <= 90 else degrees
    out = []
    for index, parts in enumerate(lines):
        spans = "".join(tag("tspan", text(part), font_style="italic" if inferred else None)
                        for part, inferred in parts)
        out.append(tag("text", spans, x=fmt(x), y=fmt(y - 3 + index * (EDGE_FONT + 4)),
                       font_size=fmt(EDGE_FONT), text_anchor="middle", fill=MUTED,
                       transform=f"rotate({fmt(rotate)} {fmt(x)} {fmt(y)})"))
    return "".join(out)


def _node(p: _Placed, hood: Neighbourhood, href: Href) -> str:
    n = p.neighbour
    dot = tag("circle", cx=fmt(p.x), cy=fmt(p.y), r=fmt(NODE_R), fill=KIND_COLOURS[n.kind],
              stroke="#ffffff", stroke_width="1.5")
    words = multiline(p.lines, p.label_x, p.label_y, NODE_FONT, text_anchor=p.anchor,
                      fill="#0b57d0")
    tooltip = f"{n.label} ({n.kind})\n" + "\n".join(_sentence(k, hood.label, n.label)
                                                    for k in n.links)
    return link(n.iri, href, dot + words, tooltip)


def _nb_legend(hood: Neighbourhood, shown: Sequence[Neighbour]) -> str:
    kinds = [k for k in KIND_COLOURS if k in {n.kind for n in shown} | {hood.kind}]
    out, x, y = [], 8.0, 20.0
    for kind in kinds:
        out.append(tag("circle", cx=fmt(x + 6), cy=fmt(y - 4), r="6", fill=KIND_COLOURS[kind]))
        out.append(tag("text", text(kind), x=fmt(x + 16), y=fmt(y), font_size="11", fill=MUTED))
        x += 28 + text_width(kind, 11)
    x += 10
    for dash, words in ((None, "stated by a source"), ("5 4", "inferred only (italic label)")):
        out.append(tag("line", x1=fmt(x), x2=fmt(x + 26), y1=fmt(y - 4), y2=fmt(y - 4),
                       stroke=MUTED, stroke_width="1.3", stroke_dasharray=dash))
        out.append(tag("text", text(words), x=fmt(x + 32), y=fmt(y), font_size="11",
                       fill=MUTED))
        x += 44 + text_width(words, 11)
    note = "Arrows point from subject to object. Hover a spoke for its sources."
    out.append(tag("text", text(note), x="8", y=fmt(y + 18), font_size="10", fill=MUTED))
    return "".join(out)


def _nb_footer(hood: Neighbourhood, shown: int, y: float) -> str:
    total = len(hood.neighbours)
    if total == 0:
        words = f"{hood.label} has no links to other entities."
    elif shown < total:
        words = f"Showing {shown} of {total} linked entities; {total - shown} more not shown."
    else:
        words = f"All {total} linked entities shown."
    return tag("text", text(words), x="8", y=fmt(y), font_size="11", fill=MUTED)
