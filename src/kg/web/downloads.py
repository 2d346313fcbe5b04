"""Which downloads exist: the graph selections, their sizes and their URLs."""

from __future__ import annotations

from kg.namespaces import GRAPH, GRAPH_INFERRED, GRAPH_SHAPES, RESERVED_NAMES, graph_name
from kg.web import state


def selections() -> list[str]:
    """`all`, `asserted`, then the named graphs: `inferred`, `ontology`, `sources`, the stems."""
    names = [graph_name(iri) for iri in state().loaded.graph_triples]
    graphs = sorted((n for n in names if "/" not in n), key=lambda n: (n not in RESERVED_NAMES, n))
    return ["all", "asserted", *graphs]


def triples(selection: str) -> int:
    """Triples of the selection, counted per graph (a merged format may hold fewer)."""
    counts = {graph_name(iri): n for iri, n in state().loaded.graph_triples.items()}
    if selection == "all":
        return sum(counts.values())
    if selection == "asserted":
        return sum(counts.values()) - sum(counts.get(graph_name(str(g)), 0)
                                          for g in (GRAPH_INFERRED, GRAPH_SHAPES))
    return counts.get(selection, 0)


def download_urls(base: str) -> dict[str, str]:
    """The Turtle download of the whole dataset ("") and of each named graph, by graph IRI."""
    urls = {"": f"{base}export/all.ttl"}
    urls.update({str(GRAPH[name]): f"{base}export/{name}.ttl" for name in selections()[2:]})
    return urls
