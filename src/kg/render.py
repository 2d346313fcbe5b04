"""Renderers for query results: plain data in, bytes out.

SELECT and ASK results in the four SPARQL 1.1 result formats (JSON, XML, CSV, TSV) and a
plain-text table (CONSTRUCT and DESCRIBE answers are RDF: kg.rdfwriters). Terms are
Oxigraph's; only their attributes are read here.
"""

from __future__ import annotations

import csv
import io
import json
import re
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr as xml_quoteattr

import pyoxigraph as ox

from kg.namespaces import XSD_STRING, curie
from kg.query import QueryResult, Term
from kg.rdfwriters import ox_bytes

ASK_VARIABLE = "_askResult"  # CSV and TSV have no boolean form; one column says true or false


def _ask_as_select(result: QueryResult) -> tuple[list[str], list[tuple[Term | None, ...]]]:
    if result.kind == "ask":
        return [ASK_VARIABLE], [(ox.Literal(str(bool(result.boolean)).lower()),)]
    return result.variables, result.rows


def _cell(term: Term | None) -> str:
    """Readable cell: CURIE for IRIs, the text of literals (with @lang), _:id for blanks."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    return str(term)


def render_table(result: QueryResult) -> bytes:
    if result.kind == "graph":  # the terminal shows a graph as Turtle
        return ox_bytes(result.triples, ox.RdfFormat.TURTLE)
    if result.kind == "ask":
        return b"true\n" if result.boolean else b"false\n"
    cells = [[_cell(term) for term in row] for row in result.rows]
    widths = [len(v) for v in result.variables]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines = [line.rstrip() for line in lines]
    count = f"({len(cells)} row{'s' if len(cells) != 1 else ''}"
    lines.append(count + (", cut off at the row limit)" if result.truncated else ")"))
    return ("\n".join(lines) + "\n").encode()


def _csv_value(term: Term | None) -> str:
    # SPARQL 1.1 CSV: full IRIs, lexical forms of literals, _:label for blank nodes.
    if term is None:
        return ""
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else str(term)


def render_csv(result: QueryResult) -> bytes:
    variables, rows = _ask_as_select(result)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_csv_value(t) for t in row] for row in rows)
    return out.getvalue().encode()


def render_tsv(result: QueryResult) -> bytes:
    # SPARQL 1.1 TSV: ?var headers, terms in their N-Triples encoding (which escapes tabs
    # and newlines inside literals, so a value cannot split a row).
    variables, rows = _ask_as_select(result)
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def json_term(term: Term) -> dict[str, object]:
    """One RDF term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        value: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            value["datatype"] = term.datatype.value
        return value
    return {"type": "triple", "value": {"subject": json_term(term.subject),
                                        "predicate": json_term(term.predicate),
                                        "object": json_term(term.object)}}


def render_json(result: QueryResult) -> bytes:
    if result.kind == "ask":
        document: dict[str, object] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [
            {v: json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
            for row in result.rows
        ]
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    # Compact: an indent would turn off the C encoder (2-3x slower on big answers).
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


# Characters XML 1.0 cannot hold at all, even escaped; they become U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def escape(text: str) -> str:
    return xml_escape(_NOT_XML.sub("\ufffd", text))


def quoteattr(text: str) -> str:
    return xml_quoteattr(_NOT_XML.sub("\ufffd", text))


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (f"<literal datatype={quoteattr(term.datatype.value)}>"
                    f"{escape(term.value)}</literal>")
        return f"<literal>{escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>")


def render_xml(result: QueryResult) -> bytes:
    """SPARQL Query Results XML Format."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out.append("</head>")
    if result.kind == "ask":
        out.append(f"<boolean>{str(bool(result.boolean)).lower()}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            out += [f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                    for v, t in zip(result.variables, row, strict=True) if t is not None]
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return ("\n".join(out) + "\n").encode()
