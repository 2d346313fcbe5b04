"""What counts as a fact in a source graph, and the evidence nodes that quote it.

A source graph holds facts, the names and kinds of the things they mention, and one
rdf:Statement per fact and quote. Naming triples need no evidence; every other triple
about an entity is a fact and must be quoted. The build counts facts by `is_fact`, and the
data tests check evidence by `facts`: one rule for both.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph
from rdflib.term import Node

from kg.namespaces import EV, RDF, RDFS, SKOS

# Naming triples: a thing's kind and names, which need no quote.
NAMING = frozenset({str(RDF.type), str(RDFS.label), str(SKOS.altLabel)})
_EV = str(EV)


def is_fact(subject: str, predicate: str) -> bool:
    """Whether a triple with this subject and predicate (IRIs, or a blank node's label) of a
    source graph is a fact that must carry evidence."""
    return predicate not in NAMING and not subject.startswith(_EV)


def evidence_nodes(graph: Graph) -> list[Node]:
    return list(graph.subjects(RDF.type, RDF.Statement))


def facts(graph: Graph) -> Iterator[tuple[Node, Node, Node]]:
    """The triples of a source graph that must carry evidence."""
    for subject, predicate, obj in graph:
        if is_fact(str(subject), str(predicate)):
            yield subject, predicate, obj
