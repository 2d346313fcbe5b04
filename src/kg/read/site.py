"""What the read layer reads besides the store: the build's summary and the source texts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.namespaces import graph_name
from kg.settings import Settings
from kg.store import LoadedStore, QueryStore


@dataclass(frozen=True)
class Site:
    """The published dataset as the pages see it (read once at start, never mutated)."""

    loaded: LoadedStore
    summary: dict[str, Any]  # the build summary: counts, validation, artifact checksum
    source_texts: dict[str, str]  # source stem -> its full text

    @property
    def store(self) -> QueryStore:
        return self.loaded.store

    @property
    def stems(self) -> list[str]:
        """The source stems, in graph order."""
        return [graph_name(g) for g in self.loaded.graph_triples
                if graph_name(g) in self.source_texts]


def read_source_texts(settings: Settings, loaded: LoadedStore) -> dict[str, str]:
    """The text of every source that has a named graph of facts, read once at start."""
    texts = {}
    for graph in loaded.graph_triples:
        stem = graph_name(graph)
        path = settings.sources_dir / f"{stem}.txt"
        if path.is_file():
            texts[stem] = path.read_text(encoding="utf-8")
    return texts
