"""The neighbourhood's data: an entity's direct links to and from other entities, each
neighbour with its kind and the links that join it to the centre."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kg.namespaces import GRAPH_INFERRED, KG, PROJECT_GRAPHS, RDF
from kg.read.labels import label_map, values
from kg.read.properties import Form, Vocabulary, vocabulary
from kg.store import QueryStore, select

KINDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (kind, colour, classes): the first kind whose class an entity has is its kind.
    ("meeting", "#0072B2", (str(KG.Meeting), str(KG.ConferenceSeries))),
    ("person", "#D55E00", (str(KG.Person),)),
    ("organisation", "#009E73", (str(KG.Organization), str(KG.Party))),
    ("document", "#CC79A7", (str(KG.Document), str(KG.Proposal), str(KG.SourceDocument))),
    ("place", "#E69F00", (str(KG.Place),)),
    ("incident", "#882255", (str(KG.Incident), str(KG.Conflict))),
)
OTHER_KIND, OTHER_COLOUR = "other", "#8c959f"
KIND_COLOURS = {kind: colour for kind, colour, _ in KINDS} | {OTHER_KIND: OTHER_COLOUR}

Found = dict[Form, set[str]]  # (property, outgoing) -> the graphs that hold the triple


@dataclass(frozen=True)
class Link:
    """One property between the centre and a neighbour."""

    prop: str  # the kg: object property
    label: str  # its rdfs:label in the ontology
    outgoing: bool  # True: centre -prop-> neighbour; False: neighbour -prop-> centre
    graphs: tuple[str, ...]  # the named graphs that hold the triple
    sources: int  # how many of them are source graphs

    @property
    def inferred(self) -> bool:
        """Only OWL-RL inferred it: no source graph (or other asserted graph) holds it."""
        return self.graphs == (str(GRAPH_INFERRED),)


@dataclass(frozen=True)
class Neighbour:
    iri: str
    label: str
    kind: str
    links: tuple[Link, ...]  # asserted first, then by how many sources state them

    @property
    def inferred(self) -> bool:
        return all(link.inferred for link in self.links)

    @property
    def sources(self) -> int:
        return max(link.sources for link in self.links)


@dataclass(frozen=True)
class Neighbourhood:
    iri: str
    label: str
    kind: str
    neighbours: tuple[Neighbour, ...]  # all of them, most telling first (see _priority)


def neighbourhood(store: QueryStore, iri: str) -> Neighbourhood:
    """The entity's direct links to and from other entities through kg: object properties.

    Left out: literals, rdf:type, evidence nodes (rdf:Statement) and properties the ontology
    does not declare as owl:ObjectProperty. A link only OWL-RL inferred is kept as `inferred`,
    unless it merely restates a link already kept between the same two entities (an inverse,
    the mirror of a symmetric property, or a super-property): "Geneva IV attendee Russia" adds
    nothing to the stated "Russia attends Geneva IV", and "HNC has member KNC" nothing to the
    inferred "KNC member of HNC".
    """
    vocab = vocabulary(store)
    found = _link_rows(store, iri)
    names = label_map(store, [iri, *found])
    kinds = _kinds(store, [iri, *found])
    neighbours = []
    for other, props in found.items():
        links = _links(props, vocab)
        if links:
            neighbours.append(Neighbour(other, names[other], kinds[other], tuple(links)))
    return Neighbourhood(iri, names[iri], kinds[iri], tuple(_priority(neighbours)))


def _link_rows(store: QueryStore, iri: str) -> dict[str, Found]:
    """Neighbour -> (property, outgoing) -> graphs, over kg: properties to other IRIs."""
    query = f"""SELECT ?x ?p ?g ?out WHERE {{
        {{ GRAPH ?g {{ <{iri}> ?p ?x }} BIND(true AS ?out) }}
        UNION {{ GRAPH ?g {{ ?x ?p <{iri}> }} BIND(false AS ?out) }}
        FILTER(isIRI(?x) && ?x != <{iri}> && STRSTARTS(STR(?p), "{KG}"))
        FILTER NOT EXISTS {{ ?x a <{RDF.Statement}> }} }}"""
    found: dict[str, Found] = defaultdict(lambda: defaultdict(set))
    for row in select(store, query):
        key = (row["p"].value, row["out"].value == "true")
        found[row["x"].value][key].add(row["g"].value)
    return found


def _kinds(store: QueryStore, iris: Iterable[str]) -> dict[str, str]:
    """Each IRI's kind: the first of KINDS it has a class of, else OTHER_KIND."""
    wanted = sorted(set(iris))
    types: dict[str, set[str]] = defaultdict(set)
    if wanted:
        query = f"SELECT ?x ?t {{ VALUES ?x {{ {values(wanted)} }} ?x a ?t }}"
        for row in select(store, query):
            types[row["x"].value].add(row["t"].value)
    return {iri: next((kind for kind, _, classes in KINDS if types[iri] & set(classes)),
                      OTHER_KIND) for iri in wanted}


def _links(props: Found, vocab: Vocabulary) -> list[Link]:
    """The neighbour's links, less the inferred ones that only restate what is kept."""
    links = [Link(p, vocab.labels[p], out, tuple(sorted(graphs)), len(graphs - PROJECT_GRAPHS))
             for (p, out), graphs in props.items() if p in vocab.labels]
    links.sort(key=lambda k: (k.inferred, -k.sources, not k.outgoing, k.label))
    kept = [k for k in links if not k.inferred]
    for k in links[len(kept):]:  # an inferred link is kept unless what is kept implies it
        if (k.prop, k.outgoing) not in vocab.entailed((c.prop, c.outgoing) for c in kept):
            kept.append(k)
    return kept


def _priority(neighbours: list[Neighbour]) -> list[Neighbour]:
    """Round robin over the relations, so a capped picture still shows every kind of link;
    within one relation, stated before inferred, then the most corroborated, then by name."""
    by_relation: dict[tuple[str, bool], list[Neighbour]] = defaultdict(list)
    for n in sorted(neighbours, key=lambda n: (n.inferred, -n.sources, n.label, n.iri)):
        by_relation[(n.links[0].label, n.links[0].outgoing)].append(n)
    queues = [by_relation[key] for key in sorted(by_relation)]
    ordered: list[Neighbour] = []
    for rank in range(max((len(q) for q in queues), default=0)):
        ordered += [q[rank] for q in queues if rank < len(q)]
    return ordered
