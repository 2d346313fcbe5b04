"""OWL-RL materialisation with the inferred triples kept apart from the asserted ones.

The closure is computed on a merged copy of ontology + asserted graphs; only what
is new, and about the project's own individuals, goes into graph/inferred.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from kg.namespaces import (
    GRAPH_INFERRED,
    INSTANCE_NAMESPACES,
    OWL,
    RDF,
    RDFS,
    XSD,
    bind_prefixes,
)

# Terms that OWL-RL attaches to everything; a triple mentioning one says nothing.
_TRIVIAL_TERMS = frozenset(
    {OWL.Thing, OWL.Nothing, RDFS.Resource, RDFS.Literal, RDFS.Datatype, RDF.List}
)
# RDF's own datatypes; XSD datatypes are recognised by namespace.
_RDF_DATATYPES = frozenset(
    {RDF.langString, RDF.PlainLiteral, RDF.XMLLiteral, RDF.HTML, RDF.JSON}
)
# Properties for which "x P x" is a tautology of the semantics.
_REFLEXIVE_NOISE = frozenset(
    {
        OWL.sameAs,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        RDFS.subClassOf,
        RDFS.subPropertyOf,
    }
)


@dataclass
class ReasoningResult:
    graph: Graph  # the inferred triples only (also stored in GRAPH_INFERRED)
    added: int
    seconds: float


def _is_datatype(term: Node) -> bool:
    return isinstance(term, URIRef) and (str(term).startswith(str(XSD)) or term in _RDF_DATATYPES)


def is_noise(triple: tuple[Node, Node, Node]) -> bool:
    """True for inferred triples that carry no information about the project's things."""
    subject, predicate, obj = triple
    if not isinstance(subject, URIRef) or not str(subject).startswith(INSTANCE_NAMESPACES):
        return True  # literal/blank subjects, and schema-level closure of vocabularies
    if any(term in _TRIVIAL_TERMS or _is_datatype(term) for term in triple):
        return True
    return predicate in _REFLEXIVE_NOISE and subject == obj


def asserted_graphs(dataset: Dataset) -> list[Graph]:
    """Every named graph except graph/inferred (and rdflib's empty default graph)."""
    return [
        g for g in dataset.graphs() if g.identifier != GRAPH_INFERRED and len(g) > 0
    ]


def merge(graphs: Iterable[Graph]) -> Graph:
    """One plain graph holding the union of `graphs` (a copy; the inputs are untouched)."""
    merged = bind_prefixes(Graph())
    for graph in graphs:
        merged += graph
    return merged


def expand(graph: Graph) -> None:
    """Add the OWL 2 RL closure of `graph` to it, in place, as the build does."""
    import owlrl  # loaded only when a build reasons

    # improved_datatypes=False: otherwise owlrl swaps its own lexical converters into
    # rdflib process-wide and never fully restores them; they reject valid values such
    # as xsd:gMonthDay "--03-01", which then fail SHACL datatype checks.
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics,
        improved_datatypes=False,
        axiomatic_triples=False,
        datatype_axioms=False,
    ).expand(graph)


def infer(dataset: Dataset) -> ReasoningResult:
    """Materialise the OWL-RL closure into GRAPH_INFERRED, replacing earlier inferences."""
    started = time.perf_counter()
    asserted = merge(asserted_graphs(dataset))
    closure = Graph()
    closure += asserted
    expand(closure)
    dataset.remove_graph(GRAPH_INFERRED)
    inferred = dataset.graph(GRAPH_INFERRED)
    for triple in closure:
        if triple not in asserted and not is_noise(triple):
            inferred.add(triple)
    return ReasoningResult(inferred, len(inferred), time.perf_counter() - started)
