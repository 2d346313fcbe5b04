"""Read-only SPARQL over the query store: classify, refuse, run under a deadline.

Plain queries see the merge of all named graphs; `GRAPH ?g` still names each one.
Results come back as plain data (variables + rows of rdflib terms) for the renderers.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

import pyoxigraph as ox
from pyparsing import ParseException, ParseResults
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from kg.errors import KgError
from kg.namespaces import PREFIXES, XSD, bind_prefixes
from kg.store import graph_names


class QueryError(KgError):
    """Base of the query errors."""


class QueryRefused(QueryError):
    """The query asks for something a read-only endpoint must not do."""


class QuerySyntaxError(QueryError):
    """The query does not parse; the message is the parser's."""


class QueryTimeout(QueryError):
    """The query ran past the time limit."""


FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
         "DescribeQuery": "DESCRIBE"}


@dataclass
class QueryInfo:
    form: str | None  # SELECT, ASK, CONSTRUCT or DESCRIBE
    service: bool = False
    dataset: list[str] = field(default_factory=list)  # FROM / FROM NAMED graph IRIs


@dataclass
class QueryResult:
    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


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
    except (ParseException, ValueError) as error:
        try:
            request = parseUpdate(text).request
        except (ParseException, ValueError):
            raise QuerySyntaxError(f"SPARQL syntax error: {error}") from None
        names = ", ".join(op.name for op in request) or "update"
        raise QueryRefused(f"updates are not allowed ({names}): the store is read-only") from None


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
    r"service|from|insert|delete|load|clear|drop|create|add|move|copy|with|\\u", re.IGNORECASE
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


def to_rdflib(term: object) -> Node:
    """Convert an Oxigraph term to the rdflib term the renderers understand."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == str(XSD.string) else Literal(
            term.value, datatype=URIRef(datatype)
        )
    return Literal(str(term))  # RDF 1.2 triple terms have no rdflib counterpart


def _collect(answer: object, cancelled: threading.Event) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        graph = bind_prefixes(Graph())
        for triple in answer:
            if cancelled.is_set():
                break
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                       to_rdflib(triple.object)))
        return QueryResult("graph", graph=graph)
    variables = [v.value for v in answer.variables]  # type: ignore[attr-defined]
    rows = []
    for solution in answer:  # type: ignore[attr-defined]
        if cancelled.is_set():
            break
        rows.append(tuple(None if solution[v] is None else to_rdflib(solution[v])
                          for v in variables))
    return QueryResult("select", variables, rows)


def run_query(store: ox.Store, text: str, timeout_s: float) -> QueryResult:
    """Check, refuse or run `text`; raise QueryTimeout after `timeout_s` seconds."""
    if needs_check(text):
        check_allowed(classify(text), graph_names(store))
    outcome: dict[str, object] = {}
    cancelled = threading.Event()

    def work() -> None:
        try:
            # The default graph already holds the merge of all graphs (see kg.store).
            answer = store.query(text, prefixes=PREFIXES)
            outcome["result"] = _collect(answer, cancelled)
        except SyntaxError as error:
            outcome["error"] = QuerySyntaxError(f"SPARQL syntax error: {error}")
        except OSError as error:
            outcome["error"] = QueryError(f"query failed: {error}")
        except BaseException as error:  # a bug: hand it to the caller's thread unchanged
            outcome["error"] = error

    # Oxigraph releases the GIL, so the caller can give up on a slow query; the worker
    # is a daemon and stops at its next row once cancelled.
    worker = threading.Thread(target=work, name="kg-query", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        cancelled.set()
        raise QueryTimeout(
            f"query exceeded the time limit of {timeout_s:g} s "
            "(setting query_timeout_s, environment KG_QUERY_TIMEOUT_S)"
        )
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]
