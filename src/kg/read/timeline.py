"""The timeline's data: every meeting with the dates its sources give, as marks to draw."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from rdflib import URIRef

from kg.namespaces import KG, RDFS, curie
from kg.read.calendar import Dated, merge, place, range_words, words
from kg.read.labels import graph_titles, label_map
from kg.store import QueryStore, select
from kg.terms import parse_date

ACTUAL, PLANNED, SUSPENDED = "actual", "planned", "suspended"
DATE_PROPERTIES = (KG.startDate, KG.endDate, KG.plannedStartDate, KG.suspendedOn)
_PROP_WORDS = {str(KG.startDate): "began", str(KG.endDate): "ended",
               str(KG.plannedStartDate): "planned", str(KG.suspendedOn): "suspended"}
# A meeting: of a subclass of kg:Meeting or kg:Conference.
_A_MEETING = (f"?m a/<{RDFS.subClassOf}>* ?t . "
              f"VALUES ?t {{ <{KG.Meeting}> <{KG.Conference}> }}")

# (property, lexical form, datatype) -> the graphs that state it
Stated = dict[tuple[str, str, str], set[str]]


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


def timeline_events(store: QueryStore) -> list[TimelineEvent]:
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
    stated = _stated_dates(store)
    series = _meetings(store)
    names = label_map(store, [*series, *(s for s in series.values() if s)])
    sources = graph_titles(store)
    events = [_event(iri, names[iri], s, names.get(s or ""), stated.get(iri, {}), sources)
              for iri, s in series.items()]
    return sorted(events, key=lambda e: (e.first or date.max, e.label, e.iri))


def _stated_dates(store: QueryStore) -> dict[str, Stated]:
    """Meeting -> the literal dates stated of it, each with the graphs that state it."""
    props = " ".join(f"<{p}>" for p in DATE_PROPERTIES)
    rows = select(store, f"""SELECT ?m ?p ?d ?g WHERE {{
        {_A_MEETING}
        VALUES ?p {{ {props} }} GRAPH ?g {{ ?m ?p ?d }}
        FILTER(isLiteral(?d)) }}""")
    stated: dict[str, Stated] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        term = row["d"]
        stated[row["m"].value][(row["p"].value, term.value, term.datatype.value)].add(
            row["g"].value)
    return stated


def _meetings(store: QueryStore) -> dict[str, str | None]:
    """Every meeting (conferences included) -> its series, if it is a round of one."""
    rows = select(store, f"""SELECT ?m (MIN(STR(?s)) AS ?series) WHERE {{
        {_A_MEETING}
        OPTIONAL {{ ?m <{KG.partOfSeries}>|^<{KG.hasRound}> ?s }} FILTER(isIRI(?m)) }}
        GROUP BY ?m""")
    return {r["m"].value: r["series"].value if r["series"] else None
            for r in rows}


def _event(iri: str, label: str, series: str | None, series_label: str | None,
           stated: Stated, sources: dict[str, str]) -> TimelineEvent:
    parsed = {key: parse_date(key[1], key[2]) for key in stated}
    years = {p[0] for p in parsed.values() if p and p[0] is not None}
    known_year = years.pop() if len(years) == 1 else None
    dated: list[Dated] = []
    unplaced: list[str] = []
    for key, value in sorted(parsed.items()):
        prop, lexical, _ = key
        placed = place(prop, value, known_year, frozenset(stated[key]))
        if placed is None:
            unplaced.append(f"{_PROP_WORDS[prop]} {words(*value) if value else lexical}")
        else:
            dated.append(placed)
    merged = merge(dated)
    disputed = any(sum(d.prop == p for d in merged) > 1
                   for p in (str(KG.startDate), str(KG.endDate)))
    return TimelineEvent(iri, label, series, series_label, tuple(_marks(merged, sources)),
                         tuple(unplaced), disputed)


def _marks(merged: list[Dated], sources: dict[str, str]) -> list[TimelineMark]:
    def of(prop: URIRef) -> list[Dated]:
        return sorted((d for d in merged if d.prop == str(prop)), key=lambda d: d.first)

    def names(*values: Dated) -> tuple[str, ...]:
        graphs = {g for v in values for g in v.graphs}
        return tuple(sorted(sources.get(g, curie(g)) for g in graphs))

    marks, ends = [], of(KG.endDate)
    unused = list(ends)
    for start in of(KG.startDate):
        end = next((e for e in ends if e.last >= start.first), None)
        if end is not None and end in unused:
            unused.remove(end)
        last = end.last if end else start.last
        label = range_words(start, end) if end else start.label
        marks.append(TimelineMark(ACTUAL, start.first, last, start.exact and (end or start).exact,
                                  label, names(start, *([end] if end else [])),
                                  start.year_inferred))
    marks += [TimelineMark(ACTUAL, e.first, e.last, e.exact, f"ended {e.label}", names(e),
                           e.year_inferred) for e in unused]
    for kind, prop in ((PLANNED, KG.plannedStartDate), (SUSPENDED, KG.suspendedOn)):
        marks += [TimelineMark(kind, d.first, d.last, d.exact, d.label, names(d), d.year_inferred)
                  for d in of(prop)]
    return marks
