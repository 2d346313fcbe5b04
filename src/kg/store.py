"""The query store: the built artifact loaded once into an in-memory Oxigraph store.

The default graph is the RDF merge of every named graph, materialised once at load:
a fact stated by three sources then matches once in a plain query, as SPARQL's set
semantics require (Oxigraph's union-default-graph mode would return it three times),
while `GRAPH ?g` still tells the sources apart.
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store

from kg.errors import KgError


class StoreError(KgError):
    """The artifact is missing or cannot be loaded."""


def require_artifact(artifact: Path) -> Path:
    """The artifact's path, or a StoreError that says how to make it."""
    if not artifact.is_file():
        raise StoreError(f"no built artifact at {artifact}; run `kg build` first")
    return artifact


def damaged(artifact: Path, error: Exception) -> StoreError:
    return StoreError(f"{artifact}: not valid N-Quads ({error}); run `kg build` again")


def open_store(artifact: Path) -> Store:
    """Load the N-Quads artifact into a fresh in-memory store."""
    store = Store()
    try:
        store.load(path=str(require_artifact(artifact)), format=RdfFormat.N_QUADS)
    except SyntaxError as error:
        raise damaged(artifact, error) from None
    merged = {(q.subject, q.predicate, q.object) for q in store}
    store.extend(Quad(s, p, o, DefaultGraph()) for s, p, o in merged)
    return store


def graph_names(store: Store) -> set[str]:
    """IRIs of the store's named graphs."""
    return {g.value for g in store.named_graphs() if isinstance(g, NamedNode)}
