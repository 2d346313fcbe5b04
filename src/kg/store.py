"""The query store: the built artifact loaded once into an in-memory Oxigraph store."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from kg.errors import KgError


class StoreError(KgError):
    """The artifact is missing or cannot be loaded."""


def open_store(artifact: Path) -> Store:
    """Load the N-Quads artifact into a fresh in-memory store."""
    if not artifact.is_file():
        raise StoreError(f"no built artifact at {artifact}; run `kg build` first")
    store = Store()
    try:
        store.load(path=str(artifact), format=RdfFormat.N_QUADS)
    except SyntaxError as error:
        raise StoreError(f"{artifact}: not valid N-Quads ({error}); run `kg build` again") from None
    return store


def graph_names(store: Store) -> set[str]:
    """IRIs of the store's named graphs."""
    return {g.value for g in store.named_graphs() if isinstance(g, NamedNode)}
