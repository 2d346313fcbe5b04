"""RemoteStore: a SPARQL 1.1 query endpoint behind the few methods the app calls on a Store.

`query` (with prefixes, default_graph and named_graphs, like pyoxigraph's), `quads_for_pattern`,
`named_graphs` and iteration over every quad, all answered by SPARQL 1.1 Protocol queries. What
a query text says about itself (its form, its dataset clauses, the prefixes it leaves to the
caller) comes from kg.querytext, read once: the form chooses the Accept header (a store may
answer a CONSTRUCT in a results format otherwise, as Virtuoso does), a FROM keeps the query's
own dataset, and only the prefixes the text uses without declaring them are added to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.querytext import QueryFacts, analyse
from kg.remote.answers import RemoteSolutions, RemoteTriples, read_answer
from kg.remote.body import RemoteError
from kg.remote.dialects import refusal, timeout_params
from kg.remote.transport import Http

if TYPE_CHECKING:
    from kg.store import QueryStore

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
ACCEPT = f"{RESULTS_ACCEPT}, {GRAPH_ACCEPT}"  # for a text whose form could not be read
DEFAULT_TIMEOUT_S = 60.0  # for calls that bring no time limit of their own

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
AnyGraph = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
Answer = RemoteSolutions | RemoteTriples | ox.QueryBoolean
_OWN_SELECT = QueryFacts(form="SELECT")  # what the adapter's own queries are


def _sparql(term: Term) -> str:
    if isinstance(term, ox.BlankNode):
        raise ValueError("a blank node cannot be matched in a remote store: in a SPARQL "
                         "query it would match anything")
    return str(term)  # N-Triples syntax, which SPARQL reads


def _accept(facts: QueryFacts) -> str:
    if facts.form is None:
        return ACCEPT
    return GRAPH_ACCEPT if facts.graph_form else RESULTS_ACCEPT


def _prologue(facts: QueryFacts, prefixes: Mapping[str, str] | None) -> str:
    """PREFIX lines for the given prefixes that the text uses and does not declare itself
    (what pyoxigraph's `prefixes=` does; a remote store has to be sent them)."""
    undeclared = facts.undeclared()
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in (prefixes or {}).items()
                   if name in undeclared)


class RemoteStore:
    """A SPARQL 1.1 query endpoint, queried like a pyoxigraph Store (read-only).

    `graphs`: the dataset's named graphs (default: every graph the store has, read once);
    `named_graphs()` lists only these, and iteration reads only these.

    `default_graph`: for stores whose default graph is not a graph of its own but the union of
    all graphs (Virtuoso, or a store configured that way), the IRI of the named graph holding
    the default graph; a query that names no dataset of its own is then sent with
    `default-graph-uri=default_graph` and a `named-graph-uri` for each of `graphs`, which gives
    it exactly the dataset an embedded store has.

    `timeout_s`: the time limit of calls that bring none (`query(..., timeout_s=...)` does).
    """

    def __init__(self, url: str, *, graphs: Iterable[str] | None = None,
                 default_graph: str | None = None,
                 timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        if default_graph is not None and graphs is None:
            raise ValueError("a store with a stand-in default graph needs its list of graphs")
        self.url = url
        self.default_graph = default_graph
        self.timeout_s = timeout_s
        self._http = Http(url)
        self._graphs = None if graphs is None else [ox.NamedNode(g) for g in graphs]
        self._server = ""  # its Server header, for its own time-limit parameter

    def __repr__(self) -> str:
        return f"<RemoteStore {self.url}>"

    # -- queries -------------------------------------------------------------------------

    def query(self, query: str, *, prefixes: Mapping[str, str] | None = None,
              default_graph: AnyGraph | Sequence[AnyGraph] | None = None,
              named_graphs: Sequence[ox.NamedNode | ox.BlankNode] | None = None,
              timeout_s: float | None = None, facts: QueryFacts | None = None) -> Answer:
        """Run `query` on the store; like pyoxigraph's Store.query, plus a time limit that
        bounds the whole call (and is passed on to stores that take one). `facts`: what
        kg.querytext.analyse read in the text, when the caller has it already."""
        facts = analyse(query) if facts is None else facts
        params = [("query", _prologue(facts, prefixes) + query)]
        params += self._dataset(facts, default_graph, named_graphs)
        if timeout_s is not None:
            params += timeout_params(self._server, timeout_s)
        limit = self.timeout_s if timeout_s is None else timeout_s
        return self._send_query(urlencode(params).encode(), limit, _accept(facts))

    def _dataset(self, facts: QueryFacts, default_graph: AnyGraph | Sequence[AnyGraph] | None,
                 named_graphs: Sequence[ox.NamedNode | ox.BlankNode] | None,
                 ) -> list[tuple[str, str]]:
        """The protocol's default-graph-uri and named-graph-uri parameters for a query."""
        if default_graph is None and named_graphs is None:
            if self.default_graph is None or facts.dataset:
                return []  # the store's own dataset, or the one the query names
            return [("default-graph-uri", self.default_graph)] + [
                ("named-graph-uri", g.value) for g in self.named_graphs()]
        defaults = [default_graph] if isinstance(default_graph, AnyGraph) else (
            list(default_graph or []))
        params = []
        for graph in defaults:
            if isinstance(graph, ox.DefaultGraph):
                if self.default_graph is None:
                    raise ValueError("the default graph of a remote store cannot be named "
                                     "as a default-graph-uri")
                params.append(("default-graph-uri", self.default_graph))
            elif isinstance(graph, ox.NamedNode):
                params.append(("default-graph-uri", graph.value))
            else:
                raise ValueError("a blank node cannot name a graph of a remote store")
        for graph in named_graphs or []:
            if not isinstance(graph, ox.NamedNode):
                raise ValueError("a blank node cannot name a graph of a remote store")
            params.append(("named-graph-uri", graph.value))
        return params

    def _send_query(self, body: bytes, timeout_s: float, accept: str = RESULTS_ACCEPT,
                    ) -> Answer:
        http = self._http
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        try:
            answer = http.send("POST", http.target, body, headers, timeout_s)
        except RemoteError as error:
            raise refusal(error, self.url, query=True) from None
        self._server = answer.headers.get("Server", "")
        return read_answer(answer)

    def _select(self, text: str) -> list[ox.QuerySolution]:
        """The rows of a query of the adapter's own, over the store's own dataset."""
        answer = self._send_query(urlencode({"query": text}).encode(), self.timeout_s)
        assert isinstance(answer, RemoteSolutions)
        return list(answer)

    # -- what the app reads besides queries ----------------------------------------------

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """The dataset's named graphs (read from the store on first use, then kept)."""
        if self._graphs is None:
            self._graphs = [ox.NamedNode(g) for g in sorted(self.graph_counts())]
        return iter(self._graphs)

    def graph_counts(self) -> dict[str, int]:
        """Every named graph the store has (whatever `graphs` says) and its triples."""
        rows = self._select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                            "GROUP BY ?g")
        return {g.value: int(n.value) for g, n in ((row["g"], row["n"]) for row in rows)
                if isinstance(g, ox.NamedNode) and isinstance(n, ox.Literal)}

    def default_count(self) -> int:
        """Triples in the dataset's default graph."""
        answer = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", facts=_OWN_SELECT)
        assert isinstance(answer, RemoteSolutions)
        (row,) = list(answer)
        count = row["n"]
        assert isinstance(count, ox.Literal)
        return int(count.value)

    def quads_for_pattern(self, subject: ox.NamedNode | ox.BlankNode | ox.Triple | None,
                          predicate: ox.NamedNode | None, object: Term | None,  # noqa: A002
                          graph_name: AnyGraph | None = None) -> Iterator[ox.Quad]:
        """The quads matching the pattern, like Store.quads_for_pattern: graph_name None is
        every graph (the default graph and the dataset's named graphs)."""
        terms: dict[str, Term | None] = {"s": subject, "p": predicate, "o": object}
        pattern = " ".join("?" + k if t is None else _sparql(t) for k, t in terms.items())
        if isinstance(graph_name, ox.DefaultGraph):
            where = f"{{ {pattern} }}"
        elif isinstance(graph_name, ox.NamedNode):
            where = f"{{ GRAPH {graph_name} {{ {pattern} }} }}"
        elif graph_name is None:
            values = " ".join(str(g) for g in self.named_graphs())
            where = (f"{{ {{ {pattern} }} UNION "
                     f"{{ VALUES ?g {{ {values} }} GRAPH ?g {{ {pattern} }} }} }}")
        else:
            raise ValueError("a blank node cannot name a graph of a remote store")
        answer = self.query(f"SELECT * WHERE {where}", facts=_OWN_SELECT)
        assert isinstance(answer, RemoteSolutions)
        for row in answer:
            s, p, o = (row[k] if t is None else t for k, t in terms.items())
            graph = graph_name if graph_name is not None else row["g"] or ox.DefaultGraph()
            yield ox.Quad(s, p, o, graph)  # type: ignore[arg-type]  # a row's terms fit

    def __iter__(self) -> Iterator[ox.Quad]:
        return self.quads_for_pattern(None, None, None, None)

    def __len__(self) -> int:
        """Quads in the default graph and the dataset's named graphs (like Store's len)."""
        graphs = {g.value for g in self.named_graphs()}
        counts = self.graph_counts()
        return self.default_count() + sum(counts.get(g, 0) for g in graphs)

    def close(self) -> None:
        """Close the idle connections (a later call connects again)."""
        self._http.close()


if TYPE_CHECKING:  # mypy checks that a RemoteStore is a QueryStore; nothing runs
    def _is_a_query_store(store: RemoteStore) -> QueryStore:
        return store
