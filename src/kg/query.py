"""Read-only SPARQL over the query store: classify, refuse, run under a deadline.

Plain queries see the merge of all named graphs; `GRAPH ?g` still names each one.
Results come back as plain data (variables + rows of Oxigraph terms) for the renderers.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

import pyoxigraph as ox
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.errors import KgError
from kg.guard import GuardError, check_text
from kg.namespaces import PREFIXES
from kg.querytext import analyse
from kg.remote import RemoteStore, RemoteTriples
from kg.store import graph_names


class QueryError(KgError):
    """Base of the query errors."""


class QueryRefused(QueryError):
    """The query asks for something a read-only endpoint must not do."""


class QuerySyntaxError(QueryError):
    """The query does not parse; the message is the parser's."""


class UpdateRefused(QueryRefused):
    """The text is a SPARQL Update: the store is read-only."""


class QueryTimeout(QueryError):
    """The query ran past the time limit."""


QUERY_STACK_BYTES = 256 * 2**20  # virtual: pages are committed only as the recursion uses them
_STACK_SIZE_LOCK = threading.Lock()

FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
         "DescribeQuery": "DESCRIBE"}


@dataclass
class QueryInfo:
    form: str | None  # SELECT, ASK, CONSTRUCT or DESCRIBE
    service: bool = False
    dataset: list[str] = field(default_factory=list)  # FROM / FROM NAMED graph IRIs


# Result terms are Oxigraph's own (NamedNode, BlankNode, Literal, Triple); None is unbound.
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class QueryResult:
    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False  # more rows (or triples) existed than max_rows allowed


def _nodes(node: object) -> Iterator[CompValue]:
    """Every node of an rdflib SPARQL parse tree."""
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            yield from _nodes(value)


def _parse(text: str) -> ParseResults:
    """Parse with a full SPARQL grammar; an update is refused, anything unreadable is an error.

    Safety is decided on this parse tree, never on a guess at the text: a query this parser
    cannot read is not run (Oxigraph would execute a SERVICE that a lexer missed).
    """
    try:
        return parseQuery(text)
    except RecursionError:
        raise QuerySyntaxError("SPARQL syntax error: the query nests too deeply") from None
    except (ParseException, ValueError) as error:
        try:
            request = parseUpdate(text).request
        except (ParseException, ValueError):
            raise QuerySyntaxError(f"SPARQL syntax error: {error}") from None
        names = ", ".join(op.name for op in request) or "update"
        raise UpdateRefused(f"updates are not allowed ({names}): the store is read-only") from None


def _dataset(tree: ParseResults) -> list[str]:
    """The IRIs of the FROM and FROM NAMED clauses, resolved as the query declares them."""
    prefixes, base = dict(PREFIXES), ""
    for declaration in tree[0]:
        if declaration.name == "Base":
            base = urljoin(base, str(declaration.iri))
        elif declaration.name == "PrefixDecl":
            prefixes[declaration.get("prefix") or ""] = urljoin(base, str(declaration.iri))
    iris = []
    for node in _nodes(tree[1]):
        if node.name != "DatasetClause":
            continue
        ref = node.get("default", node.get("named"))
        if isinstance(ref, CompValue):  # a prefixed name
            prefix = ref.get("prefix") or ""
            if prefix not in prefixes:
                raise QuerySyntaxError(f"SPARQL syntax error: unknown prefix {prefix}:")
            iris.append(prefixes[prefix] + (ref.get("localname") or ""))
        else:
            iris.append(urljoin(base, str(ref)))
    return iris


def classify(text: str) -> QueryInfo:
    """The form of a query, whether it calls SERVICE, and its FROM dataset."""
    tree = _parse(text)
    return QueryInfo(
        form=FORMS.get(tree[1].name),
        service=any(node.name == "ServiceGraphPattern" for node in _nodes(tree[1])),
        dataset=_dataset(tree),
    )


# Every construct the check refuses starts with one of these words, spelled out: Oxigraph
# expands no escapes in keywords, and a text with a \u escape is parsed anyway. A query
# without any of them cannot be unsafe, and skips the parse (which costs more than most
# queries take to run).
_RISKY = re.compile(
    r"(?<![\w:?$])(service|from|insert|delete|load|clear|drop|create|add|move|copy|with)"
    r"(?![\w-])|\\u",
    re.IGNORECASE,
)


def needs_check(text: str) -> bool:
    """Whether `text` must be parsed before it may run (see _RISKY)."""
    return _RISKY.search(text) is not None


def check_allowed(info: QueryInfo, graphs: set[str]) -> None:
    """Raise QueryRefused for anything that reaches outside the store."""
    if info.service:
        raise QueryRefused("SERVICE is not allowed: queries never call other endpoints")
    for iri in info.dataset:
        if iri not in graphs:
            raise QueryRefused(
                f"FROM <{iri}> is not a graph of this dataset; remote graphs are never fetched"
            )


def _collect(answer: object, cancelled: threading.Event, max_rows: int | None) -> QueryResult:
    """Read the answer into plain data, stopping after `max_rows` rows (or triples)."""
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    limit = math.inf if max_rows is None else max_rows
    items: list = []
    truncated = False
    triples = isinstance(answer, ox.QueryTriples | RemoteTriples)
    variables = [] if triples else [v.value for v in answer.variables]  # type: ignore[attr-defined]
    for item in answer:  # type: ignore[attr-defined]
        if cancelled.is_set():
            break
        if len(items) >= limit:
            truncated = True
            break
        items.append(item if triples else tuple(item[v] for v in variables))
    if triples:
        return QueryResult("graph", triples=items, truncated=truncated)
    return QueryResult("select", variables, items, truncated=truncated)


def _graphs(iris: list[str] | None, known: set[str], parameter: str) -> list[ox.NamedNode] | None:
    if iris is None:
        return None
    for iri in iris:
        if iri not in known:
            raise QueryRefused(
                f"{parameter} <{iri}> is not a graph of this dataset; "
                "remote graphs are never fetched"
            )
    return [ox.NamedNode(iri) for iri in iris]


def _timed_out(timeout_s: float) -> QueryTimeout:
    return QueryTimeout(
        f"query exceeded the time limit of {timeout_s:g} s "
        "(setting query_timeout_s, environment KG_QUERY_TIMEOUT_S)"
    )


def run_query(
    store: ox.Store | RemoteStore,
    text: str,
    timeout_s: float,
    *,
    max_rows: int | None = None,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
) -> QueryResult:
    """Check, refuse or run `text`; raise QueryTimeout after `timeout_s` seconds.

    `default_graphs` and `named_graphs` (graph IRIs of this dataset) replace the query's own
    dataset, as the SPARQL protocol's default-graph-uri and named-graph-uri do.

    A remote store gets the query only once it passed the same checks, and the time limit
    bounds its HTTP call too (and goes to the store, for the stores that take one).
    """
    try:
        check_text(text)
    except GuardError as error:
        raise QueryRefused(str(error)) from None
    known = graph_names(store)
    options: dict[str, object] = {"prefixes": PREFIXES}
    if default_graphs is not None or named_graphs is not None:
        options["default_graph"] = _graphs(default_graphs, known, "default-graph-uri") or []
        options["named_graphs"] = _graphs(named_graphs, known, "named-graph-uri") or []
    if isinstance(store, RemoteStore):
        options.update(timeout_s=timeout_s, facts=analyse(text))
    outcome: dict[str, object] = {}
    cancelled = threading.Event()

    def work() -> None:
        try:
            if needs_check(text):  # rdflib's parse is slow on big texts: inside the deadline
                check_allowed(classify(text), known)
            # The default graph already holds the merge of all graphs (see kg.store). The
            # answer is never a local of this frame: rdflib's parser keeps exceptions whose
            # tracebacks reach this frame, and Oxigraph's results must be freed in the thread
            # that made them.
            outcome["result"] = _collect(store.query(text, **options), cancelled, max_rows)
        except SyntaxError as error:
            outcome["error"] = QuerySyntaxError(f"SPARQL syntax error: {error}")
        except TimeoutError:  # a remote store's own time limit, or its HTTP call's
            outcome["error"] = _timed_out(timeout_s)
        except OSError as error:
            outcome["error"] = QueryError(f"query failed: {error}")
        except BaseException as error:  # a bug: hand it to the caller's thread unchanged
            outcome["error"] = error

    # Oxigraph releases the GIL, so the caller can give up on a slow query. The worker is a
    # daemon that stops at its next row once cancelled; one still computing (an aggregate)
    # runs until its process ends, which is why the server recycles a worker after a time-out.
    worker = threading.Thread(target=work, name="kg-query", daemon=True)
    with _STACK_SIZE_LOCK:  # deep queries recurse in Oxigraph's parser: give it room
        previous = threading.stack_size(QUERY_STACK_BYTES)
        try:
            worker.start()
        finally:
            threading.stack_size(previous)
    worker.join(timeout_s)
    if worker.is_alive():
        cancelled.set()
        raise _timed_out(timeout_s)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]
