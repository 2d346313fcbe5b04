"""The query store: the built artifact loaded once into an in-memory Oxigraph store.

The default graph is the RDF merge of every named graph but graph:shapes (the SHACL shapes
are about the data, not part of it), materialised once at load:
a fact stated by three sources then matches once in a plain query, as SPARQL's set
semantics require (Oxigraph's union-default-graph mode would return it three times),
while `GRAPH ?g` still tells the sources apart.

Or a remote store (setting store_url): `kg load` (kg.remote.load) copies the artifact's named
graphs and that merged default graph into it, and `connect_store` serves from it, counting
with COUNT queries. A store without a default graph of its own (Virtuoso's is the union of
all its graphs, with duplicates) gets the merge as the named graph DEFAULT_GRAPH_STAND_IN
instead, which every query then names as its default graph (see kg.remote.RemoteStore).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, cast

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolution,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
)

from kg.errors import KgError
from kg.namespaces import DATASET_IRI, GRAPH, GRAPH_SHAPES
from kg.remote import DEFAULT_TIMEOUT_S, RemoteSolutions, RemoteStore, RemoteTriples

SHAPES = str(GRAPH_SHAPES)
# Where the merged default graph goes in a store that has no default graph of its own. It is
# outside the graph: namespace, so never one of the dataset's named graphs.
DEFAULT_GRAPH_STAND_IN = str(DATASET_IRI) + "/default-graph"


GraphName = NamedNode | BlankNode | DefaultGraph
Subject = NamedNode | BlankNode | Triple
Object = NamedNode | BlankNode | Literal | Triple
# A query's answer, from either store: rows, a boolean, or triples.
QueryAnswer = QuerySolutions | RemoteSolutions | QueryBoolean | QueryTriples | RemoteTriples


class QueryStore(Protocol):
    """What the app asks of a query store: the part of pyoxigraph's Store that it uses, which
    the embedded store (a Store) and a remote one (kg.remote.RemoteStore) both provide.

    A query's answer is the store's own: rows (QuerySolutions, or a remote store's
    equivalent, with `.variables`), triples, or a QueryBoolean. `select` reads rows.
    """

    def query(self, query: str, *, prefixes: dict[str, str] | None = None,
              default_graph: GraphName | list[GraphName] | None = None,
              named_graphs: list[NamedNode | BlankNode] | None = None) -> QueryAnswer: ...

    def quads_for_pattern(self, subject: Subject | None, predicate: NamedNode | None,
                          object: Object | None,  # noqa: A002 (pyoxigraph's name)
                          graph_name: GraphName | None = None) -> Iterator[Quad]: ...

    def named_graphs(self) -> Iterator[NamedNode | BlankNode]: ...


def select(store: QueryStore, query: str, prefixes: dict[str, str] | None = None,
           ) -> Iterable[QuerySolution]:
    """The rows of a SELECT query of the app's own."""
    answer = store.query(query, prefixes=prefixes)
    if isinstance(answer, QueryBoolean) or not hasattr(answer, "variables"):
        raise TypeError(f"not a SELECT query: {query[:80]!r}")
    return cast(Iterable[QuerySolution], answer)


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

    store: QueryStore
    artifact: Path
    built: datetime  # when the artifact was written (its modification time, UTC)
    graph_triples: dict[str, int]  # named graph IRI -> its triple count
    default_triples: int  # triples in the default graph (the merge of all graphs)

    @property
    def quads(self) -> int:
        return sum(self.graph_triples.values())

    @property
    def embedded(self) -> bool:
        """Whether queries run in this process (else a remote store answers them)."""
        return isinstance(self.store, Store)


# The merge and the counts run inside Oxigraph: a Python set of every triple took 11 GB and
# three minutes at 10^7 triples (bench/scale.py). A quad store is a set, so inserting the
# same triple from several graphs into the default graph keeps it once.
MERGE = f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{SHAPES}>) }}"
COUNT_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
COUNT_DEFAULT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def read_artifact(artifact: Path) -> Store:
    """The artifact's named graphs in a fresh in-memory store (no merged default graph)."""
    store = Store()
    try:
        store.bulk_load(path=str(require_artifact(artifact)), format=RdfFormat.N_QUADS)
    except SyntaxError as error:
        raise damaged(artifact, error) from None
    return store


def load_store(artifact: Path) -> LoadedStore:
    """Load the N-Quads artifact into a fresh in-memory store, then merge and count."""
    store = read_artifact(artifact)
    store.update(MERGE)
    per_graph = {row["g"].value: int(row["n"].value) for row in select(store, COUNT_GRAPHS)}
    (default,) = store.query(COUNT_DEFAULT)  # type: ignore[misc]
    built = datetime.fromtimestamp(artifact.stat().st_mtime, UTC)
    return LoadedStore(store, artifact, built, dict(sorted(per_graph.items())),
                       int(default["n"].value))


def open_store(artifact: Path) -> Store:
    """The query store alone, for one-off queries."""
    store = load_store(artifact).store
    assert isinstance(store, Store)  # load_store loads into an embedded store
    return store


def graph_names(store: QueryStore) -> set[str]:
    """IRIs of the store's named graphs."""
    return {g.value for g in store.named_graphs() if isinstance(g, NamedNode)}


def _dataset_graphs(counts: dict[str, int]) -> dict[str, int]:
    """The graphs of this dataset among a store's graphs (a store may hold others)."""
    return {g: n for g, n in sorted(counts.items()) if g.startswith(str(GRAPH))}


def connect_store(url: str, artifact: Path, timeout_s: float = DEFAULT_TIMEOUT_S) -> LoadedStore:
    """The remote store at `url` (a SPARQL query endpoint) as the query store.

    Its named graphs are those in the graph: namespace; the counts come from COUNT queries.
    `artifact` is the local build that was loaded into it (its time is the dataset's).
    """
    probe = RemoteStore(url, timeout_s=timeout_s)
    try:
        counts = probe.graph_counts()
    except (OSError, SyntaxError) as error:
        raise StoreError(f"cannot read the store at {url}: {error}") from None
    finally:
        probe.close()
    graphs = _dataset_graphs(counts)
    if not graphs:
        raise StoreError(f"the store at {url} holds none of this dataset's graphs; "
                         "push the build to it with `kg load` first")
    stand_in = DEFAULT_GRAPH_STAND_IN if DEFAULT_GRAPH_STAND_IN in counts else None
    store = RemoteStore(url, graphs=graphs, default_graph=stand_in, timeout_s=timeout_s)
    default = counts[stand_in] if stand_in else store.default_count()
    built = datetime.fromtimestamp(require_artifact(artifact).stat().st_mtime, UTC)
    return LoadedStore(store, artifact, built, graphs, default)
