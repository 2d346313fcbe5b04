"""What both pictures read from the store besides their own data: names for IRIs and graphs."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.namespaces import GRAPH, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SOURCES, SRC
from kg.store import LoadedStore
from kg.web.values import label_map

AnyStore = ox.Store | LoadedStore


def oxigraph(store: AnyStore) -> ox.Store:
    """The pyoxigraph store itself, whichever the caller has."""
    return store.store if isinstance(store, LoadedStore) else store


def values(iris: Iterable[str]) -> str:
    """The IRIs as the body of a SPARQL VALUES block."""
    return " ".join(f"<{iri}>" for iri in iris)


# One labelling rule for pages and pictures alike.
labels = label_map


def source_labels(store: ox.Store) -> dict[str, str]:
    """Graph IRI -> the title of its source document (or a plain name for the project graphs)."""
    graphs = [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    stems = {g: g[len(str(GRAPH)):] for g in graphs if g.startswith(str(GRAPH))}
    titles = labels(store, [str(SRC[stem]) for stem in stems.values()])
    names = {g: titles[str(SRC[stem])] for g, stem in stems.items()}
    names[str(GRAPH_INFERRED)] = "OWL-RL inference"
    names[str(GRAPH_SOURCES)] = "the source descriptions"
    names[str(GRAPH_ONTOLOGY)] = "the ontology"
    return names
