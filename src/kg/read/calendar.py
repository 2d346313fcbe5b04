"""Date literals on the calendar: the XSD date forms the sources use, placed as the first and
last day they may mean, merged where several say the same, and put in words."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from kg.terms import Ymd, date_words


@dataclass(frozen=True)
class Dated:
    """A date value as the sources state it, placed on the calendar."""

    prop: str
    first: date
    last: date
    exact: bool
    label: str
    graphs: frozenset[str]
    year_inferred: bool = False


def words(year: int | None, month: int | None, day: int | None) -> str:
    """'23 Feb 2017', or as much of it as is given."""
    return date_words(year, month, day, short=True)


def _interval(year: int, month: int | None, day: int | None) -> tuple[date, date]:
    """The first and last day a date of this precision may mean (ValueError if impossible)."""
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    if day is None:
        following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return date(year, month, 1), following - timedelta(days=1)
    return date(year, month, day), date(year, month, day)


def place(prop: str, value: Ymd | None, known_year: int | None,
          graphs: frozenset[str]) -> Dated | None:
    """The value on the calendar (a missing year taken as `known_year`), or None when it
    cannot be placed."""
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
    return Dated(prop, first, last, day is not None, words(year, month, day), graphs, inferred)


def merge(dated: list[Dated]) -> list[Dated]:
    """One value per date a property takes: equal dates join, coarser ones fold into finer."""
    out: list[Dated] = []
    for d in sorted(dated, key=lambda d: (d.prop, d.last - d.first, d.first, d.year_inferred)):
        same = next((o for o in out if o.prop == d.prop and o.first >= d.first
                     and o.last <= d.last), None)
        if same is None:
            out.append(d)
        else:
            out[out.index(same)] = replace(same, graphs=same.graphs | d.graphs,
                                           year_inferred=same.year_inferred and d.year_inferred)
    return out


def range_words(start: Dated, end: Dated) -> str:
    """'23 Feb – 3 Mar 2017': the start's year left out when the end repeats it."""
    if start.label == end.label:
        return start.label
    if start.exact and end.exact and start.first.year == end.last.year:
        if start.first.month == end.last.month:
            return f"{start.first.day}–{end.label}"
        begin = words(None, start.first.month, start.first.day)
        return f"{begin} – {end.label}"
    return f"{start.label} – {end.label}"
