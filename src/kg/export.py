"""The graph selections of the built dataset, and their serialization straight from a store.

A selection is `all` (every named graph), `asserted` (all but the inferences and the shapes:
the facts as written), `inferred`, or one named graph by its short name (`ontology`,
`sources`, a source's stem, `shapes`). Quad formats keep the graph names; triple formats
merge the selection into one graph. `kg export` and the downloads share these rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError
from kg.formats import lookup, serialize
from kg.namespaces import GRAPH, GRAPH_INFERRED, GRAPH_SHAPES, RESERVED_NAMES, graph_name
from kg.store import QueryStore, graph_names, read_artifact

SELECTIONS = ("all", "asserted", "inferred")
_NOT_ASSERTED = (str(GRAPH_INFERRED), str(GRAPH_SHAPES))


class ExportError(KgError):
    """The requested graph selection does not exist."""


def selections(graphs: Iterable[str]) -> list[str]:
    """`all`, `asserted`, then one per named graph: `inferred`, `ontology`, `shapes`,
    `sources`, then the sources' stems."""
    names = [graph_name(iri) for iri in graphs if iri.startswith(str(GRAPH))]
    ordered = sorted((n for n in names if "/" not in n), key=lambda n: (n not in RESERVED_NAMES, n))
    return ["all", "asserted", *ordered]


def selected_graphs(graphs: Iterable[str], selection: str) -> list[str]:
    """The IRIs of the named graphs a selection holds, sorted; ExportError if it names none."""
    known = sorted(graphs)
    if selection == "all":
        return known
    if selection == "asserted":
        return [g for g in known if g not in _NOT_ASSERTED]
    wanted = str(GRAPH[selection])
    if wanted in known or selection == "inferred":  # a build without reasoning: no inferences
        return [g for g in known if g == wanted]
    raise ExportError(f"no graph named {selection!r}; choose one of: "
                      f"{', '.join(selections(known))}")


def selection_triples(counts: dict[str, int], selection: str) -> int:
    """Triples of a selection, counted per graph (a merged format may hold fewer)."""
    return sum(counts[g] for g in selected_graphs(counts, selection))


def dump_names(graphs: Iterable[str]) -> dict[str, str]:
    """The selection name of the whole dataset ("") and of each named graph, by graph IRI."""
    return {"": "all", **{g: graph_name(g) for g in sorted(graphs) if g.startswith(str(GRAPH))
                          and "/" not in graph_name(g)}}


def graph_quads(store: QueryStore, graphs: Iterable[str]) -> Iterator[ox.Quad]:
    """Every quad of the named graphs, graph by graph."""
    for graph in graphs:
        yield from store.quads_for_pattern(None, None, None, ox.NamedNode(graph))


def export(artifact: Path, format_name: str, selection: str = "all") -> bytes:
    """The selected graphs of the artifact in the named format."""
    fmt = lookup(format_name)
    store = read_artifact(artifact)
    return serialize(graph_quads(store, selected_graphs(graph_names(store), selection)), fmt)
