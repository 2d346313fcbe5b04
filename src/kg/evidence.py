"""What counts as a fact in a source graph, and the evidence nodes that quote it.

A source graph holds facts, the names and kinds of the things they mention, and one
rdf:Statement per fact and quote. Naming triples need no evidence; every other triple
about an entity is a fact and must be quoted.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Dataset, Graph
from rdflib.term import Node

from kg.namespaces import (
    DCTERMS,
    EV,
    GRAPH,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_SOURCES,
    RDF,
    RDFS,
    SKOS,
    SRC,
)

NAMING = frozenset({RDF.type, RDFS.label, SKOS.altLabel})
NOT_SOURCE_GRAPHS = frozenset({GRAPH_ONTOLOGY, GRAPH_SOURCES, GRAPH_INFERRED})


def is_evidence_node(node: Node) -> bool:
    return str(node).startswith(str(EV))


def evidence_nodes(graph: Graph) -> list[Node]:
    return list(graph.subjects(RDF.type, RDF.Statement))


def facts(graph: Graph) -> Iterator[tuple[Node, Node, Node]]:
    """The triples of a source graph that must carry evidence."""
    for subject, predicate, obj in graph:
        if predicate not in NAMING and not is_evidence_node(subject):
            yield subject, predicate, obj


def source_graphs(dataset: Dataset) -> dict[str, Graph]:
    """The per-source named graphs, by source stem."""
    return {
        str(graph.identifier)[len(str(GRAPH)) :]: graph
        for graph in dataset.graphs()
        if str(graph.identifier).startswith(str(GRAPH))
        and graph.identifier not in NOT_SOURCE_GRAPHS
        and len(graph)
    }


def source_counts(dataset: Dataset) -> dict[str, dict[str, object]]:
    """Title, facts and evidence nodes per source graph."""
    described = dataset.graph(GRAPH_SOURCES)
    return {
        stem: {
            "title": str(described.value(SRC[stem], DCTERMS.title) or stem),
            "facts": sum(1 for _ in facts(graph)),
            "evidence": len(evidence_nodes(graph)),
        }
        for stem, graph in sorted(source_graphs(dataset).items())
    }
