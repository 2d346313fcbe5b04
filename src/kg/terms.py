"""Reading and showing RDF terms and dates: one home for the rules every surface shares.

- Dates: the XSD date forms the sources use (xsd:date, xsd:gYearMonth, xsd:gYear,
  xsd:gMonthDay), read into (year, month, day) and put in words, long ("23 February 2017")
  for pages and short ("23 Feb 2017") for pictures.
- Literals: their text as a reader wants it, and the language tag or datatype shown beside.
- IRIs: their display form (a CURIE where a project prefix fits).

Pure functions of lexical forms and datatype IRIs; the term classes are pyoxigraph's.
"""

from __future__ import annotations

import re
from datetime import date

import pyoxigraph as ox

from kg.namespaces import XSD, XSD_STRING, curie

Ymd = tuple[int | None, int | None, int | None]  # (year, month, day), None where not given
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_TZ = r"(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)?"
_MONTH_DAY = r"(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])"
# The lexical space of each date datatype the project uses (a time zone is allowed, and
# ignored when the date is read).
DATE_FORMS: dict[str, re.Pattern[str]] = {
    str(XSD.date): re.compile(r"(?P<y>-?\d{4,})-" + _MONTH_DAY + _TZ),
    str(XSD.gYearMonth): re.compile(r"(?P<y>-?\d{4,})-(?P<m>0[1-9]|1[0-2])" + _TZ),
    str(XSD.gYear): re.compile(r"(?P<y>-?\d{4,})" + _TZ),
    str(XSD.gMonthDay): re.compile(r"--" + _MONTH_DAY + _TZ),
}


def parse_date(lexical: str, datatype: str) -> Ymd | None:
    """(year, month, day) of a date-like literal, None if it is not one (or impossible, such
    as 30 February)."""
    pattern = DATE_FORMS.get(datatype)
    match = pattern.fullmatch(lexical) if pattern else None
    if not match:
        return None
    parts = match.groupdict()
    year, month, day = (int(parts[k]) if parts.get(k) else None for k in "ymd")
    if month is not None and day is not None:
        try:
            date(2000 if year is None else year, month, day)  # 2000: 29 February may be
        except ValueError:
            return None
    return year, month, day


def date_words(year: int | None, month: int | None, day: int | None, *,
               short: bool = False) -> str:
    """'23 February 2017' ('23 Feb 2017' when short), or as much of it as is given."""
    name = None if month is None else MONTHS[month - 1][:3] if short else MONTHS[month - 1]
    return " ".join(str(p) for p in (day, name, year) if p is not None)


def readable_date(lexical: str, datatype: str) -> str | None:
    """'2017-02-23' as '23 February 2017'; partial dates as far as they go; else None."""
    parsed = parse_date(lexical, datatype)
    return None if parsed is None else date_words(*parsed)


def literal_text(literal: ox.Literal) -> str:
    """A literal as a reader wants it: dates in words, everything else as written."""
    return readable_date(literal.value, literal.datatype.value) or literal.value


def literal_note(literal: ox.Literal) -> str | None:
    """The language tag or datatype shown beside a literal (none for plain strings)."""
    if literal.language:
        return f"@{literal.language}"
    datatype = literal.datatype.value
    return None if datatype == XSD_STRING else curie(datatype)


def covered(partial: ox.Literal, full: ox.Literal) -> bool:
    """Whether a partial date (a year, a month, a day of the year) is part of a fuller one:
    "--02-23" and "2017" say nothing against "2017-02-23"."""
    if partial == full or len(partial.value) >= len(full.value):
        return False
    part, whole = partial.value, full.value
    return whole.startswith(part) or (part.startswith("--") and whole.endswith(part[1:]))


def valid_iri(iri: str) -> bool:
    """Whether `iri` is an absolute IRI that SPARQL and N-Triples can hold."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True
