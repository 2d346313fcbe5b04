"""Query results as plain data for the HTML query page: columns, and rows of cells."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.namespaces import XSD_STRING, curie, local_href
from kg.query import Term


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None  # where an IRI's page is
    note: str | None = None  # a literal's datatype or language tag
    kind: str = "literal"  # "iri", "literal", "bnode" or "empty"


def cell(term: Term | None, base: str) -> Cell:
    if term is None:
        return Cell("", kind="empty")
    if isinstance(term, ox.NamedNode):
        return Cell(curie(term.value), local_href(term.value, base), kind="iri")
    if isinstance(term, ox.Literal):
        if term.language:
            return Cell(term.value, note=f"@{term.language}")
        datatype = term.datatype.value
        return Cell(term.value, note=None if datatype == XSD_STRING else curie(datatype))
    if isinstance(term, ox.BlankNode):
        return Cell(f"_:{term.value}", kind="bnode")
    return Cell(str(term))
