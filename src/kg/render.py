"""Renderers for query results: plain data in, text out (no RDF library calls here
beyond reading term attributes)."""

from __future__ import annotations

import csv
import io
import json

from rdflib import BNode, Literal
from rdflib.term import Node

from kg.namespaces import curie
from kg.query import QueryResult


def _graph_text(result: QueryResult) -> str:
    assert result.graph is not None
    return result.graph.serialize(format="turtle")


def _cell(term: Node | None) -> str:
    """Readable cell: CURIE for IRIs, the text of literals (with @lang), _:id for blanks."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        return f"{term}@{term.language}" if term.language else str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return curie(str(term))


def render_table(result: QueryResult) -> str:
    if result.kind == "ask":
        return "true\n" if result.boolean else "false\n"
    if result.kind == "graph":
        return _graph_text(result)
    cells = [[_cell(term) for term in row] for row in result.rows]
    widths = [len(v) for v in result.variables]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines = [line.rstrip() for line in lines]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _csv_value(term: Node | None) -> str:
    # SPARQL 1.1 CSV: full IRIs, lexical forms of literals, _:label for blank nodes.
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def render_csv(result: QueryResult) -> str:
    if result.kind != "select":
        return render_table(result)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    writer.writerows([_csv_value(t) for t in row] for row in result.rows)
    return out.getvalue()


_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _tsv_term(term: Node) -> str:
    # A literal on one line, escaped as in N-Triples, so tabs and newlines cannot split it.
    if isinstance(term, Literal):
        text = str(term).translate(_NT_ESCAPES)
        if term.language:
            return f'"{text}"@{term.language}'
        return f'"{text}"^^<{term.datatype}>' if term.datatype else f'"{text}"'
    return term.n3()


def render_tsv(result: QueryResult) -> str:
    if result.kind != "select":
        return render_table(result)
    # SPARQL 1.1 TSV: ?var headers, terms in their Turtle/N-Triples encoding.
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if t is None else _tsv_term(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def json_term(term: Node) -> dict[str, str]:
    """One RDF term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        value = {"type": "literal", "value": str(term)}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype is not None:
            value["datatype"] = str(term.datatype)
        return value
    return {"type": "uri", "value": str(term)}


def render_json(result: QueryResult) -> str:
    if result.kind == "graph":
        return _graph_text(result)
    if result.kind == "ask":
        document: dict[str, object] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [
            {v: json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
            for row in result.rows
        ]
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
