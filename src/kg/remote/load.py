"""`kg load`: push the built artifact into a remote store, over the Graph Store Protocol.

Each named graph is replaced by a PUT, the merged default graph too, graphs of an older build
are deleted, then the store's counts are checked against the artifact's. Loading twice gives
the same store. A store without a default graph of its own (Virtuoso's is the union of all its
graphs, with duplicates) gets the merge as the named graph kg.store.DEFAULT_GRAPH_STAND_IN,
which RemoteStore then names as the default graph of every query.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store, serialize

from kg.remote.body import RemoteError
from kg.remote.dialects import refusal
from kg.remote.sparql import RemoteStore
from kg.remote.transport import Http
from kg.settings import Settings
from kg.store import (
    DEFAULT_GRAPH_STAND_IN,
    LoadedStore,
    StoreError,
    _dataset_graphs,
    load_store,
    require_artifact,
)


class GraphStore:
    """The SPARQL 1.1 Graph Store Protocol endpoint of a store: replace or delete a graph."""

    def __init__(self, url: str, timeout_s: float = 600.0) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self._http = Http(url)

    def _send(self, method: str, graph: str | None, body: bytes | None,
              headers: dict[str, str]) -> None:
        target = self._http.with_params(
            "default" if graph is None else "graph=" + quote(graph, safe=""))
        try:
            self._http.send(method, target, body, headers, self.timeout_s).drain()
        except RemoteError as error:
            raise refusal(error, self.url, query=False) from None

    def put(self, graph: str | None, triples: bytes,
            media_type: str = "application/n-triples") -> None:
        """Replace the graph (None: the default graph) with these triples."""
        self._send("PUT", graph, triples, {"Content-Type": media_type})

    def delete(self, graph: str) -> bool:
        """Delete the graph; False when the store had no such graph."""
        try:
            self._send("DELETE", graph, None, {})
        except RemoteError as error:
            if error.status == 404:
                return False
            raise
        return True

    def close(self) -> None:
        self._http.close()


def remote_urls(store_url: str, store_update_url: str) -> tuple[str, str]:
    """The query endpoint and the Graph Store Protocol endpoint of a remote store: each as
    set, or the other's URL with /query and /store swapped (Oxigraph's layout)."""
    query, graph_store = store_url, store_update_url
    if not graph_store and query.endswith("/query"):
        graph_store = query[: -len("query")] + "store"
    if not query and graph_store.endswith("/store"):
        query = graph_store[: -len("store")] + "query"
    if not query or not graph_store:
        raise StoreError(
            "kg load needs the store's SPARQL query endpoint (setting store_url, "
            "environment KG_STORE_URL) and its Graph Store Protocol endpoint (--into, setting "
            "store_update_url); one is derived from the other only for URLs ending in "
            "/query and /store")
    return query, graph_store


@dataclass
class PushReport:
    """What `push_artifact` did, and what the store said afterwards."""

    graphs: dict[str, int]  # named graph IRI -> triples pushed
    default_triples: int  # triples of the merged default graph pushed
    default_graph: str  # "default" (the store's own), or the stand-in graph's IRI
    removed: list[str] = field(default_factory=list)  # graphs of an older build deleted
    mismatches: list[str] = field(default_factory=list)  # counts that differ afterwards
    seconds: float = 0.0
    query_url: str = ""
    graph_store_url: str = ""

    def summary(self) -> list[str]:
        """What was loaded where, one line each."""
        place = ("the store's default graph" if self.default_graph == "default"
                 else f"<{self.default_graph}>")
        return [f"Loaded {len(self.graphs)} graphs ({sum(self.graphs.values())} triples) "
                f"into {self.graph_store_url} in {self.seconds:.1f} s",
                f"Default graph: {self.default_triples} triples, in {place}",
                *(f"Deleted <{graph}>, not in this build" for graph in self.removed)]


def _ntriples(store: Store, graph: NamedNode | DefaultGraph) -> bytes:
    triples = (q.triple for q in store.quads_for_pattern(None, None, None, graph))
    return serialize(triples, format=RdfFormat.N_TRIPLES) or b""


def push_build(settings: Settings, default_graph: str = "auto") -> PushReport:
    """`kg load`: push the build of `settings` to the store its settings name."""
    query_url, graph_store_url = remote_urls(settings.store_url, settings.store_update_url)
    return push_artifact(require_artifact(settings.artifact), query_url, graph_store_url,
                         default_graph)


def push_artifact(artifact: Path, query_url: str, graph_store_url: str,
                  default_graph: str = "auto", timeout_s: float = 600.0) -> PushReport:
    """Make the remote store hold the artifact (see the module's text).

    `default_graph`: "default" puts the merge in the store's default graph, "named" in the
    named graph DEFAULT_GRAPH_STAND_IN (for stores whose default graph is the union of all
    graphs), "auto" tries the first and falls back to the second if the store refuses.
    """
    started = time.monotonic()
    loaded = load_store(artifact)
    local = loaded.store
    assert isinstance(local, Store)  # load_store loads into an embedded store
    graph_store = GraphStore(graph_store_url, timeout_s)
    remote = RemoteStore(query_url, timeout_s=timeout_s)
    try:
        before = remote.graph_counts()
        for graph in loaded.graph_triples:
            graph_store.put(graph, _ntriples(local, NamedNode(graph)))
        merged = _ntriples(local, DefaultGraph())
        where = DEFAULT_GRAPH_STAND_IN
        if default_graph in ("auto", "default"):
            try:
                graph_store.put(None, merged)
                where = "default"
            except RemoteError:
                if default_graph == "default":
                    raise
        if where == "default":
            if DEFAULT_GRAPH_STAND_IN in before:  # from an earlier load with the stand-in
                graph_store.delete(DEFAULT_GRAPH_STAND_IN)
        else:
            graph_store.put(DEFAULT_GRAPH_STAND_IN, merged)
        removed = [g for g in _dataset_graphs(before) if g not in loaded.graph_triples]
        for graph in removed:
            graph_store.delete(graph)
        report = PushReport(loaded.graph_triples, loaded.default_triples, where, removed,
                            query_url=query_url, graph_store_url=graph_store_url)
        report.mismatches = _compare(loaded, remote, where)
    finally:
        graph_store.close()
        remote.close()
    report.seconds = time.monotonic() - started
    return report


def _compare(loaded: LoadedStore, remote: RemoteStore, where: str) -> list[str]:
    """The counts the store gives that differ from the artifact's."""
    counts = remote.graph_counts()
    found = _dataset_graphs(counts)
    problems = [f"graph <{g}>: {found.get(g, 0)} triples in the store, {n} in the build"
                for g, n in loaded.graph_triples.items() if found.get(g, 0) != n]
    problems += [f"graph <{g}>: in the store, not in the build" for g in found
                 if g not in loaded.graph_triples]
    if where == "default":
        default = remote.default_count()
        hint = ("; its default graph seems to be the union of all its graphs: "
                "load with --default-graph named")
    else:
        default, hint = counts.get(where, 0), ""
    if default != loaded.default_triples:
        problems.append(f"default graph: {default} triples in the store, "
                        f"{loaded.default_triples} in the build{hint}")
    return problems
