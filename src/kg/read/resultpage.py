"""One page of a query's results as the query page shows it without JavaScript: IRIs by their
label and linked, literals without noise (a language tag or datatype that every literal of a
column shares is said once, in its heading; a cell shows only one that differs), and the
numbers the page needs for its previous and next links. Plain data, no Flask."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from kg.query import QueryResult, Term
from kg.read.results import cell

PAGE_SIZE = 100  # rows a page shows; the script's table pages through all of them itself


@dataclass(frozen=True)
class Column:
    name: str
    note: str | None  # the language tag or datatype all of its literals share


@dataclass(frozen=True)
class Shown:
    text: str
    kind: str = "literal"  # "iri", "literal", "bnode" or "empty"
    href: str | None = None
    note: str | None = None  # a literal's tag or datatype where it differs from its column's
    title: str | None = None  # the full form: an IRI's CURIE, a literal's typed form


def shared_note(terms: Sequence[Term | None], base: str) -> str | None:
    """The note every literal among `terms` has, if they agree (None when any has none)."""
    notes = {cell(t, base).note for t in terms if isinstance(t, ox.Literal)}
    return notes.pop() if len(notes) == 1 else None


def shown(term: Term | None, base: str, label: Callable[[str], str | None],
          column_note: str | None) -> Shown:
    plain = cell(term, base)  # the CURIE, link and note of the term
    if isinstance(term, ox.NamedNode):
        return Shown(label(term.value) or plain.text, "iri", plain.href, title=plain.text)
    if isinstance(term, ox.Literal):
        note = plain.note
        return Shown(plain.text, note=None if note == column_note else note,
                     title=f"{plain.text} ({note})" if note else None)
    return Shown(plain.text, plain.kind)


def result_page(result: QueryResult, base: str, label: Callable[[str], str | None],
                page: int = 1, page_size: int = PAGE_SIZE) -> dict[str, object]:
    """Page `page` (from 1; clamped to the last) of any query form's results."""
    if result.kind == "ask":
        return {"kind": "ask", "boolean": bool(result.boolean), "columns": [], "rows": [],
                "total": 0, "page": 1, "pages": 1}
    if result.kind == "graph":
        names = ["subject", "predicate", "object"]
        rows: list[tuple[Term | None, ...]] = [(t.subject, t.predicate, t.object)
                                               for t in result.triples]
    else:
        names, rows = result.variables, result.rows
    columns = [Column(name, shared_note([row[i] for row in rows], base))
               for i, name in enumerate(names)]
    pages = max(1, -(-len(rows) // page_size))
    page = min(max(page, 1), pages)
    start = (page - 1) * page_size
    chosen = rows[start:start + page_size]
    return {
        "kind": result.kind, "columns": columns, "total": len(rows),
        "rows": [[shown(term, base, label, columns[i].note) for i, term in enumerate(row)]
                 for row in chosen],
        "page": page, "pages": pages, "first": start + 1, "last": start + len(chosen),
        "truncated": result.truncated,
    }
