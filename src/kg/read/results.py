"""Query results as plain data for the HTML query page: columns, and rows of cells."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.namespaces import XSD_STRING, curie, local_href
from kg.query import QueryResult, Term


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


def result_table(result: QueryResult, base: str) -> dict[str, object]:
    """Columns and rows of cells for any query form (a graph shows as its triples)."""
    if result.kind == "ask":
        return {"kind": "ask", "boolean": bool(result.boolean), "columns": [], "rows": []}
    rows: list[tuple[Term | None, ...]]
    if result.kind == "graph":
        columns = ["subject", "predicate", "object"]
        rows = [(t.subject, t.predicate, t.object) for t in result.triples]
    else:
        columns, rows = result.variables, result.rows
    return {
        "kind": result.kind,
        "columns": columns,
        "rows": [[cell(term, base) for term in row] for row in rows],
        "truncated": result.truncated,
    }
