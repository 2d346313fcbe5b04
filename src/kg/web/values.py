"""How values read on a page: labels for IRIs, dates in words, literals with their type."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from kg.namespaces import RDFS, XSD, XSD_STRING, curie

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_DATE_FORMS = {
    str(XSD.date): re.compile(r"(?P<y>-?\d{4})-(?P<m>\d\d)-(?P<d>\d\d)"),
    str(XSD.gYearMonth): re.compile(r"(?P<y>-?\d{4})-(?P<m>\d\d)"),
    str(XSD.gYear): re.compile(r"(?P<y>-?\d{4})"),
    str(XSD.gMonthDay): re.compile(r"--(?P<m>\d\d)-(?P<d>\d\d)"),
}


def readable_date(lexical: str, datatype: str) -> str | None:
    """'2017-02-23' as '23 February 2017'; partial dates as far as they go; else None."""
    pattern = _DATE_FORMS.get(datatype)
    match = pattern.fullmatch(lexical) if pattern else None
    if not match:
        return None
    parts = match.groupdict()
    month = int(parts["m"]) if parts.get("m") else None
    if month is not None and not 1 <= month <= 12:
        return None
    words = [str(int(parts["d"])) if parts.get("d") else "",
             MONTHS[month - 1] if month else "", parts.get("y") or ""]
    return " ".join(w for w in words if w)


def literal_text(literal: ox.Literal) -> str:
    """A literal as a reader wants it: dates in words, everything else as written."""
    return readable_date(literal.value, literal.datatype.value) or literal.value


def literal_note(literal: ox.Literal) -> str | None:
    """The language tag or datatype shown beside a literal (none for plain strings)."""
    if literal.language:
        return f"@{literal.language}"
    datatype = literal.datatype.value
    return None if datatype == XSD_STRING else curie(datatype)


def label_map(store: ox.Store, iris: Iterable[str]) -> dict[str, str]:
    """Each IRI's rdfs:label, English preferred (then the first in code-point order), else its
    CURIE."""
    wanted = sorted(set(iris))
    named = {iri: curie(iri) for iri in wanted}
    if not wanted:
        return named
    values = " ".join(f"<{iri}>" for iri in wanted)
    rows = store.query(f"SELECT ?x ?l {{ VALUES ?x {{ {values} }} ?x <{RDFS.label}> ?l }}")
    ranked: dict[str, tuple[int, str]] = {}
    for row in rows:  # type: ignore[union-attr]
        rank = (0 if row["l"].language == "en" else 1, row["l"].value)
        if row["x"].value not in ranked or rank < ranked[row["x"].value]:
            ranked[row["x"].value] = rank
    named.update({iri: value for iri, (_, value) in ranked.items()})
    return named
