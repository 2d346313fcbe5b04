"""What the query page's editor completes and its results are labelled with: the prefixes, the
classes and properties of this graph, its entities by label, and a display name for every IRI
that has one (sources and their graphs by title, evidence by the start of its quote).

Read from the store once per store (a few queries, milliseconds on the real graph) and kept.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kg.namespaces import (
    BASE,
    GRAPH_ONTOLOGY,
    ID,
    KG,
    OWL,
    PREFIXES,
    RDF,
    RDFS,
    SKOS,
    SRC,
    curie,
)
from kg.read.labels import graph_titles
from kg.store import QueryStore, select

MAX_ENTITIES = 5000  # entities sent to the editor; labels of the rest come by look-up
EXCERPT_CHARS = 40  # of an evidence quote, as its display name
ENTITY_NAMESPACES = (str(ID), str(SRC))
PROPERTY_KINDS = {str(OWL.ObjectProperty): "object", str(OWL.DatatypeProperty): "datatype",
                  str(OWL.AnnotationProperty): "annotation"}


@dataclass(frozen=True)
class Term:
    iri: str
    label: str
    doc: str = ""  # the rdfs:comment, for a class or property
    count: int = 0  # instances of a class, triples of a property
    kind: str = ""  # a property's: object, datatype or annotation
    type: str = ""  # an entity's most specific kg: class, as a CURIE
    aliases: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"iri": self.iri, "name": curie(self.iri), "label": self.label}
        for key in ("doc", "count", "kind", "type"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.aliases:
            data["aliases"] = list(self.aliases)
        return data


@dataclass(frozen=True)
class Vocabulary:
    classes: list[Term]
    properties: list[Term]
    entities: list[Term]  # sorted by label
    labels: dict[str, str] = field(default_factory=dict)  # IRI -> display name

    def label(self, iri: str) -> str | None:
        return self.labels.get(iri)

    def as_json(self) -> dict[str, Any]:
        return {
            "namespace": BASE,  # the stable namespace the app serves its pages for
            "prefixes": dict(PREFIXES),
            "classes": [t.as_json() for t in self.classes],
            "properties": [t.as_json() for t in self.properties],
            "entities": [t.as_json() for t in self.entities[:MAX_ENTITIES]],
            "entities_complete": len(self.entities) <= MAX_ENTITIES,
        }


def _rows(store: QueryStore, query: str) -> list[dict[str, Any]]:
    solutions = select(store, query)
    names = [v.value for v in solutions.variables]  # type: ignore[attr-defined]
    return [{n: row[n] for n in names if row[n] is not None} for row in solutions]


def _labels(store: QueryStore) -> dict[str, str]:
    """Each IRI's rdfs:label, English preferred, then the first in code-point order (the rule
    of the linked-data pages)."""
    ranked: dict[str, tuple[int, str]] = {}
    for row in _rows(store, f"SELECT ?x ?l {{ ?x <{RDFS.label}> ?l FILTER(isIRI(?x)) }}"):
        rank = (0 if row["l"].language == "en" else 1, row["l"].value)
        iri = row["x"].value
        if iri not in ranked or rank < ranked[iri]:
            ranked[iri] = rank
    return {iri: text for iri, (_, text) in ranked.items()}


def _excerpt(quote: str) -> str:
    text = " ".join(quote.split())
    if len(text) <= EXCERPT_CHARS:
        return f"“{text}”"
    cut = text[:EXCERPT_CHARS].rsplit(" ", 1)[0]
    return f"“{cut}…”"


def _counts(store: QueryStore, query: str) -> dict[str, int]:
    return {row["x"].value: int(row["n"].value) for row in _rows(store, query) if "x" in row}


def _terms(store: QueryStore, labels: dict[str, str]) -> tuple[list[Term], list[Term]]:
    """The ontology's classes and properties, and every other class or predicate in use."""
    declared = _rows(store, f"SELECT ?x ?kind ?doc {{ GRAPH <{GRAPH_ONTOLOGY}> {{ ?x a ?kind "
                            f"OPTIONAL {{ ?x <{RDFS.comment}> ?doc }} }} FILTER(isIRI(?x)) }}")
    docs = {row["x"].value: row["doc"].value for row in declared if "doc" in row}
    classes = {row["x"].value for row in declared if row["kind"].value == str(OWL.Class)}
    kinds = {row["x"].value: PROPERTY_KINDS[row["kind"].value] for row in declared
             if row["kind"].value in PROPERTY_KINDS}
    instances = _counts(store, f"SELECT ?x (COUNT(DISTINCT ?i) AS ?n) {{ ?i <{RDF.type}> ?x }} "
                               "GROUP BY ?x")
    uses = _counts(store, "SELECT ?x (COUNT(*) AS ?n) { ?s ?x ?o } GROUP BY ?x")

    def term(iri: str, count: int) -> Term:
        return Term(iri, labels.get(iri, curie(iri)), docs.get(iri, ""), count,
                    kinds.get(iri, ""))

    class_terms = [term(c, instances.get(c, 0)) for c in classes | set(instances)]
    property_terms = [term(p, uses.get(p, 0)) for p in set(kinds) | set(uses)]
    order = _by_project_then_name
    return sorted(class_terms, key=order), sorted(property_terms, key=order)


def _by_project_then_name(term: Term) -> tuple[bool, str]:
    return not term.iri.startswith(str(KG)), curie(term.iri).casefold()


def _entities(store: QueryStore, labels: dict[str, str], classes: list[Term]) -> list[Term]:
    """The labelled IRIs of the id: and src: namespaces, with aliases and their narrowest kg:
    class (the one with the fewest instances)."""
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in _rows(store, f"SELECT DISTINCT ?x ?a {{ ?x <{SKOS.altLabel}> ?a }}"):
        aliases[row["x"].value].append(row["a"].value)
    size = {c.iri: c.count for c in classes if c.iri.startswith(str(KG))}
    narrowest: dict[str, str] = {}
    for row in _rows(store, f"SELECT ?x ?t {{ ?x <{RDF.type}> ?t }}"):
        iri, cls = row["x"].value, row["t"].value
        if cls in size and (iri not in narrowest
                            or (size[cls], cls) < (size[narrowest[iri]], narrowest[iri])):
            narrowest[iri] = cls
    found = [Term(iri, label, type=curie(narrowest[iri]) if iri in narrowest else "",
                  aliases=tuple(sorted(set(aliases.get(iri, ())) - {label})))
             for iri, label in labels.items() if iri.startswith(ENTITY_NAMESPACES)]
    return sorted(found, key=lambda t: (t.label.casefold(), t.iri))


def build_vocabulary(store: QueryStore) -> Vocabulary:
    labels = _labels(store)
    classes, properties = _terms(store, labels)
    entities = _entities(store, labels, classes)
    names = dict(labels)
    for row in _rows(store, f"SELECT ?x ?q {{ ?x <{KG.quote}> ?q FILTER(isIRI(?x)) }}"):
        names.setdefault(row["x"].value, _excerpt(row["q"].value))
    names.update(graph_titles(store))
    return Vocabulary(classes, properties, entities, names)


_BUILT: dict[int, tuple[QueryStore, Vocabulary]] = {}
_LOCK = threading.Lock()
_KEPT = 4  # stores remembered (a server has one; the tests make a few)


def vocabulary_of(store: QueryStore) -> Vocabulary:
    """The vocabulary of `store`, read on first use and kept while the store is."""
    with _LOCK:
        held = _BUILT.get(id(store))
        if held is not None and held[0] is store:
            return held[1]
    built = build_vocabulary(store)
    with _LOCK:
        while len(_BUILT) >= _KEPT:
            _BUILT.pop(next(iter(_BUILT)))
        _BUILT[id(store)] = (store, built)
    return built
