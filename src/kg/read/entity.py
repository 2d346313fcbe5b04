"""What an entity page shows, as plain data: labels, types, facts with their provenance.

Everything comes from the query store (a few SPARQL queries per page, no parsing). A fact is
asserted when a source graph holds it, and each asserting graph's evidence gives a quote;
a fact only graph:inferred holds is marked inferred.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

import pyoxigraph as ox

from kg.namespaces import (
    GRAPH_INFERRED,
    KG,
    RDF,
    RDFS,
    SKOS,
    SRC,
    XSD_STRING,
    graph_name,
    is_source_graph,
)
from kg.read.labels import label_map
from kg.store import QueryStore, select
from kg.terms import covered, literal_text

_TYPE, _LABEL, _ALT = str(RDF.type), str(RDFS.label), str(SKOS.altLabel)


@dataclass(frozen=True)
class Evidence:
    iri: str
    stem: str  # the source's stem: its page, its graph
    source: str  # the source document's IRI
    quote: str


@dataclass
class Fact:
    predicate: str
    value: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
    outgoing: bool  # the entity is the subject (else the object)
    graphs: set[str] = field(default_factory=set)  # source stems asserting it
    evidence: list[Evidence] = field(default_factory=list)
    inferred: bool = False  # only graph:inferred holds it
    described: bool = False  # stated by the ontology or the sources' descriptions


@dataclass
class EntityView:
    iri: str
    label: str | None
    aliases: list[tuple[str, list[str]]]  # alias, the stems spelling it so
    types: list[tuple[str, bool]]  # class IRI, inferred only
    facts: list[Fact]
    labels: dict[str, str]  # every IRI on the page -> its label
    disagreements: list[tuple[str, list[tuple[str, list[str]]]]]  # predicate, [(value, stems)]

    @property
    def exists(self) -> bool:
        return bool(self.facts or self.types or self.label)


def _add(facts: dict[tuple, Fact], predicate: str, value, outgoing: bool, graph: str) -> None:
    fact = facts.setdefault((predicate, value, outgoing), Fact(predicate, value, outgoing))
    if graph == str(GRAPH_INFERRED):
        return
    if is_source_graph(graph):
        fact.graphs.add(graph_name(graph))
    else:
        fact.described = True


def _evidence(store: QueryStore, iri: str, facts: dict[tuple, Fact]) -> None:
    query = f"""
        SELECT ?ev ?s ?p ?o ?quote ?source ?g WHERE {{
          GRAPH ?g {{ {{ ?ev rdf:subject <{iri}> }} UNION {{ ?ev rdf:object <{iri}> }}
                     ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                         kg:quote ?quote ; kg:source ?source }}
        }} ORDER BY ?g ?ev"""
    for row in select(store, query, {"rdf": str(RDF), "kg": str(KG)}):
        outgoing = row["s"].value == iri
        key = (row["p"].value, row["o"] if outgoing else row["s"], outgoing)
        if key in facts:
            stem = graph_name(row["g"].value)
            facts[key].evidence.append(Evidence(row["ev"].value, stem, row["source"].value,
                                                row["quote"].value))


def _disagreements(facts: list[Fact]) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """Typed values (dates, numbers) of one property that different sources give
    differently; a partial date that a fuller one contains is not a disagreement, and
    worded values (text) are not compared, since two wordings may say the same thing."""
    by_predicate: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if (fact.outgoing and isinstance(fact.value, ox.Literal) and fact.graphs
                and not fact.value.language and fact.value.datatype.value != XSD_STRING):
            by_predicate[fact.predicate].append(fact)
    found = []
    for predicate, claims in by_predicate.items():
        values = {id(c): cast(ox.Literal, c.value) for c in claims}  # literals, by the filter
        claims = [c for c in claims
                  if not any(covered(values[id(c)], values[id(o)]) for o in claims)]
        if len(claims) > 1 and not set.intersection(*(c.graphs for c in claims)):
            found.append((predicate, [(literal_text(values[id(c)]), sorted(c.graphs))
                                      for c in claims]))
    return found


def entity_view(store: QueryStore, iri: str) -> EntityView:
    node = f"<{iri}>"
    facts: dict[tuple, Fact] = {}
    types: dict[str, bool] = {}
    aliases: dict[str, list[str]] = defaultdict(list)
    label = None
    for row in select(store, f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {node} ?p ?o }} }}"):
        predicate, value, graph = row["p"].value, row["o"], row["g"].value
        if predicate == _TYPE and isinstance(value, ox.NamedNode):
            types[value.value] = types.get(value.value, True) and graph == str(GRAPH_INFERRED)
        elif predicate == _LABEL and isinstance(value, ox.Literal):
            label = label if label and value.language != "en" else value.value
        elif predicate == _ALT and isinstance(value, ox.Literal):
            aliases[value.value].append(graph_name(graph))
        else:
            _add(facts, predicate, value, True, graph)
    incoming = f"SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {node} }} FILTER(?p != rdf:subject " \
               "&& ?p != rdf:object) }"
    for row in select(store, incoming, {"rdf": str(RDF)}):
        _add(facts, row["p"].value, row["s"], False, row["g"].value)
    for fact in facts.values():
        fact.inferred = not fact.graphs and not fact.described
    _evidence(store, iri, facts)
    ordered = sorted(facts.values(), key=lambda f: (not f.outgoing, f.inferred, f.predicate,
                                                    str(f.value)))
    iris = {iri, *types, *(f.predicate for f in ordered)}
    iris |= {f.value.value for f in ordered if isinstance(f.value, ox.NamedNode)}
    iris |= {str(SRC[stem]) for f in ordered for stem in f.graphs}
    return EntityView(
        iri=iri,
        label=label,
        aliases=sorted((alias, sorted(set(stems))) for alias, stems in aliases.items()),
        types=sorted(types.items(), key=lambda item: (item[1], item[0])),
        facts=ordered,
        labels=label_map(store, iris),
        disagreements=_disagreements(ordered),
    )
