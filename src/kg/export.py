"""Serialize a selection of the built dataset in any registered RDF format.

Quad formats keep the graph names; triple formats merge the selection into one graph.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.exceptions import ParserError

from kg.errors import KgError
from kg.formats import RdfFormat, lookup
from kg.namespaces import (
    GRAPH,
    GRAPH_INFERRED,
    GRAPH_SHAPES,
    PREFIXES,
    bind_prefixes,
    graph_name,
)
from kg.store import damaged, require_artifact

SELECTIONS = ("all", "asserted", "inferred")


class ExportError(KgError):
    """The requested graph selection does not exist."""


def load_artifact(artifact: Path) -> Dataset:
    """The built dataset, parsed back from its N-Quads artifact."""
    dataset = Dataset()
    try:
        dataset.parse(require_artifact(artifact), format="nquads")
    except (ParserError, UnicodeDecodeError) as error:
        raise damaged(artifact, error) from None
    return dataset


def select_graphs(dataset: Dataset, selection: str) -> list[Graph]:
    """Graphs for `all`, `asserted` (all but inferred), `inferred`, or one graph name."""
    graphs = sorted((g for g in dataset.graphs() if len(g) > 0), key=lambda g: str(g.identifier))
    if selection == "all":
        return graphs
    if selection == "asserted":  # the facts as written: not the inferences, not the shapes
        return [g for g in graphs if g.identifier not in (GRAPH_INFERRED, GRAPH_SHAPES)]
    wanted = GRAPH_INFERRED if selection == "inferred" else URIRef(GRAPH[selection])
    chosen = [g for g in graphs if g.identifier == wanted]
    if not chosen and selection != "inferred":
        names = [graph_name(str(g.identifier)) for g in graphs]
        available = ", ".join([*SELECTIONS, *(n for n in names if n not in SELECTIONS)])
        raise ExportError(f"no graph named {selection!r}; choose one of: {available}")
    return chosen


def serialize(graphs: list[Graph], fmt: RdfFormat) -> bytes:
    """Serialize `graphs` in `fmt`: as named graphs for quad formats, else merged."""
    if fmt.quads:
        target: Graph = Dataset()
        for graph in graphs:
            named = target.graph(graph.identifier)
            named += graph
    else:
        target = Graph()
        for graph in graphs:
            target += graph
    bind_prefixes(target)
    options: dict[str, object] = {}
    if fmt.name == "jsonld":
        options = {"context": dict(PREFIXES), "auto_compact": True}
    return target.serialize(format=fmt.rdflib_name, encoding="utf-8", **options)


def serialize_graph(graph: Graph, fmt: RdfFormat) -> bytes:
    """One graph in `fmt`; a quad format holds it as its default graph."""
    if fmt.name in ("trig", "nq"):  # rdflib would put a plain graph in a blank-node graph
        triples = ox.parse(graph.serialize(format="nt", encoding="utf-8"),
                           format=ox.RdfFormat.N_TRIPLES)
        return ox.serialize(triples, format=fmt.ox_format, prefixes=PREFIXES)
    options: dict[str, object] = {}
    if fmt.name == "jsonld":
        options = {"context": dict(PREFIXES), "auto_compact": True}
    return bind_prefixes(graph).serialize(format=fmt.rdflib_name, encoding="utf-8", **options)


def serialize_quads(quads: list[ox.Quad], fmt: RdfFormat) -> bytes:
    """Quads in `fmt`: TriG and N-Quads keep the graph names; every other format merges
    them into one graph, so a client parsing JSON-LD into a plain graph gets every fact.
    JSON-LD goes through rdflib so it is compact, with the project prefixes as @context.
    """
    if fmt.name in ("trig", "nq"):
        return ox.serialize(quads, format=fmt.ox_format, prefixes=PREFIXES)
    triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    if fmt.name == "jsonld":
        graph = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                              format="nt")
        return serialize([graph], replace(fmt, quads=False))
    return ox.serialize(triples, format=fmt.ox_format, prefixes=PREFIXES)


def export(artifact: Path, format_name: str, selection: str = "all") -> bytes:
    """Load the artifact and serialize the selected graphs in the named format."""
    fmt = lookup(format_name)
    return serialize(select_graphs(load_artifact(artifact), selection), fmt)
