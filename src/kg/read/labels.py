"""Names for IRIs and graphs, one rule for pages and pictures alike."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.namespaces import (
    GRAPH,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_SHAPES,
    GRAPH_SOURCES,
    RDFS,
    SRC,
    curie,
    graph_name,
)
from kg.store import QueryStore, select


def values(iris: Iterable[str]) -> str:
    """The IRIs as the body of a SPARQL VALUES block."""
    return " ".join(f"<{iri}>" for iri in iris)


def label_map(store: QueryStore, iris: Iterable[str]) -> dict[str, str]:
    """Each IRI's rdfs:label, English preferred (then the first in code-point order), else its
    CURIE."""
    wanted = sorted(set(iris))
    named = {iri: curie(iri) for iri in wanted}
    if not wanted:
        return named
    query = f"SELECT ?x ?l {{ VALUES ?x {{ {values(wanted)} }} ?x <{RDFS.label}> ?l }}"
    rows = select(store, query)
    ranked: dict[str, tuple[int, str]] = {}
    for row in rows:
        label: ox.Literal = row["l"]
        rank = (0 if label.language == "en" else 1, label.value)
        if row["x"].value not in ranked or rank < ranked[row["x"].value]:
            ranked[row["x"].value] = rank
    named.update({iri: value for iri, (_, value) in ranked.items()})
    return named


def source_titles(store: QueryStore, stems: Iterable[str]) -> dict[str, str]:
    """Source stem -> the title (label) of its source document."""
    stems = list(stems)
    labels = label_map(store, [str(SRC[s]) for s in stems])
    return {stem: labels[str(SRC[stem])] for stem in stems}


def graph_titles(store: QueryStore) -> dict[str, str]:
    """Graph IRI -> the title of its source document, or a plain name for the project graphs."""
    graphs = [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    stems = {g: graph_name(g) for g in graphs if g.startswith(str(GRAPH))}
    titles = source_titles(store, stems.values())
    names = {g: titles[stem] for g, stem in stems.items()}
    names[str(GRAPH_INFERRED)] = "OWL-RL inference"
    names[str(GRAPH_SOURCES)] = "the source descriptions"
    names[str(GRAPH_ONTOLOGY)] = "the ontology"
    names[str(GRAPH_SHAPES)] = "the SHACL shapes"
    return names


def term_labels(store: QueryStore) -> dict[str, str]:
    """Ontology term IRI -> its label."""
    query = f"SELECT ?t ?l WHERE {{ GRAPH <{GRAPH_ONTOLOGY}> {{ ?t <{RDFS.label}> ?l }} }}"
    return {row["t"].value: row["l"].value for row in select(store, query)}
