"""Writers of RDF: quads in, bytes out, each with the project prefixes.

Turtle, N-Triples, RDF/XML, TriG and N-Quads are pyoxigraph's own writers. JSON-LD is written
here, compacted with the project prefixes as its @context: pyoxigraph writes only expanded
JSON-LD, and parsing the quads into another library to compact them costs more than the
writing. Every writer is deterministic: the same quads give the same bytes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable

import pyoxigraph as ox

from kg.namespaces import PREFIXES, RDF, XSD_STRING, curie

_TYPE = str(RDF.type)


def triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The distinct triples of the quads, their graphs merged (first seen first)."""
    return list(dict.fromkeys(q.triple for q in quads))


def ox_bytes(items: Iterable[ox.Quad] | Iterable[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    """pyoxigraph's writer of `fmt`, with the project prefixes, to bytes."""
    data = ox.serialize(items, format=fmt, prefixes=PREFIXES)
    assert data is not None  # only a call with an output file returns None
    return data


def pyoxigraph_writer(fmt: ox.RdfFormat, *, quads: bool) -> Callable[[Iterable[ox.Quad]], bytes]:
    """A writer by pyoxigraph: of quads for TriG and N-Quads, of merged triples otherwise."""

    def write(data: Iterable[ox.Quad]) -> bytes:
        return ox_bytes(list(data) if quads else triples(data), fmt)

    return write


def _compact(iri: str) -> str:
    """A CURIE where a project prefix fits, else the IRI itself (JSON-LD reads both)."""
    short = curie(iri)
    return iri if short.startswith("<") else short


def _node_id(term: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
    if isinstance(term, ox.NamedNode):
        return _compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    raise ValueError("JSON-LD 1.1 cannot hold a quoted triple")


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, str]:
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": _compact(term.datatype.value)}
    return {"@id": _node_id(term)}


def _nodes(items: Iterable[ox.Triple | ox.Quad]) -> list[dict[str, object]]:
    """Node objects, one per subject, with sorted keys and values."""
    nodes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        properties = nodes[_node_id(item.subject)]
        if item.predicate.value == _TYPE and not isinstance(item.object, ox.Literal):
            properties["@type"].append(_node_id(item.object))
        else:
            properties[_compact(item.predicate.value)].append(_value(item.object))
    out: list[dict[str, object]] = []
    for node_id in sorted(nodes):
        node: dict[str, object] = {"@id": node_id}
        for key in sorted(nodes[node_id]):
            values = nodes[node_id][key]
            node[key] = sorted(set(values)) if key == "@type" else sorted(
                {json.dumps(v, sort_keys=True): v for v in values}.values(),
                key=lambda v: json.dumps(v, sort_keys=True))
        out.append(node)
    return out


def write_jsonld(data: Iterable[ox.Quad], *, named: bool = True) -> bytes:
    """Compact JSON-LD with the project prefixes as @context; named graphs as graph objects
    when `named`, else every quad merged into the default graph."""
    by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in data:
        graph = quad.graph_name
        key = "" if not named or isinstance(graph, ox.DefaultGraph) else _node_id(graph)
        by_graph[key].append(quad)
    top: list[dict[str, object]] = _nodes(dict.fromkeys(q.triple for q in by_graph.pop("", [])))
    top += [{"@id": graph, "@graph": _nodes(dict.fromkeys(q.triple for q in quads))}
            for graph, quads in sorted(by_graph.items())]
    document = {"@context": dict(PREFIXES), "@graph": top}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
