"""The query store: the built artifact loaded once into an in-memory Oxigraph store.

The default graph is the RDF merge of every named graph but graph:shapes (the SHACL shapes
are about the data, not part of it), materialised once at load:
a fact stated by three sources then matches once in a plain query, as SPARQL's set
semantics require (Oxigraph's union-default-graph mode would return it three times),
while `GRAPH ?g` still tells the sources apart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store

from kg.errors import KgError
from kg.namespaces import GRAPH_SHAPES

SHAPES = str(GRAPH_SHAPES)


class StoreError(KgError):
    """The artifact is missing or cannot be loaded."""


def require_artifact(artifact: Path) -> Path:
    """The artifact's path, or a StoreError that says how to make it."""
    if not artifact.is_file():
        raise StoreError(f"no built artifact at {artifact}; run `kg build` first")
    return artifact


def damaged(artifact: Path, error: Exception) -> StoreError:
    return StoreError(f"{artifact}: not valid N-Quads ({error}); run `kg build` again")


@dataclass(frozen=True)
class LoadedStore:
    """The query store with what the server reports about it (counts, build time)."""

    store: Store
    artifact: Path
    built: datetime  # when the artifact was written (its modification time, UTC)
    graph_triples: dict[str, int]  # named graph IRI -> its triple count
    default_triples: int  # triples in the default graph (the merge of all graphs)

    @property
    def quads(self) -> int:
        return sum(self.graph_triples.values())


def load_store(artifact: Path) -> LoadedStore:
    """Load the N-Quads artifact into a fresh in-memory store, counting as it goes."""
    store = Store()
    try:
        store.load(path=str(require_artifact(artifact)), format=RdfFormat.N_QUADS)
    except SyntaxError as error:
        raise damaged(artifact, error) from None
    per_graph: Counter[str] = Counter()
    merged = set()
    for quad in store:
        per_graph[quad.graph_name.value] += 1  # type: ignore[union-attr]
        if quad.graph_name.value != SHAPES:  # type: ignore[union-attr]
            merged.add((quad.subject, quad.predicate, quad.object))
    store.extend(Quad(s, p, o, DefaultGraph()) for s, p, o in merged)
    built = datetime.fromtimestamp(artifact.stat().st_mtime, UTC)
    return LoadedStore(store, artifact, built, dict(sorted(per_graph.items())), len(merged))


def open_store(artifact: Path) -> Store:
    """The query store alone, for one-off queries."""
    return load_store(artifact).store


def graph_names(store: Store) -> set[str]:
    """IRIs of the store's named graphs."""
    return {g.value for g in store.named_graphs() if isinstance(g, NamedNode)}
