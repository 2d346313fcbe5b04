"""Read-only SPARQL over the query store: classify, refuse, run under a deadline.

Plain queries see the merge of all named graphs; `GRAPH ?g` still names each one.
Results come back as plain data (variables + rows of rdflib terms) for the renderers.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
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


FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

# Just enough of the SPARQL lexer to find keywords outside strings, IRIs and comments.
_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w\-:%]|\.(?=[\w\-:%]))*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<other>\S)
    """,
    re.VERBOSE,
)


@dataclass
class QueryInfo:
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE; None if not found
    update: str | None = None  # first update keyword, if any
    service: bool = False
    dataset: list[str] = field(default_factory=list)  # FROM / FROM NAMED graph IRIs


@dataclass
class QueryResult:
    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


def _expand(kind: str, text: str, prefixes: dict[str, str], base: str) -> str:
    if kind == "iri":
        iri = text[1:-1]
        return base + iri if base and not re.match(r"[A-Za-z][\w+.-]*:", iri) else iri
    prefix, _, local = text.partition(":")
    return prefixes[prefix] + local if prefix in prefixes else text


def classify(text: str) -> QueryInfo:
    """Find the query form, update keywords, SERVICE and the FROM dataset of a query."""
    tokens = [(m.lastgroup or "", m.group()) for m in _TOKEN.finditer(text)]
    tokens = [(kind, value) for kind, value in tokens if kind not in ("comment", "string")]
    info = QueryInfo(form=None)
    prefixes, base = dict(PREFIXES), ""
    for i, (kind, value) in enumerate(tokens):
        word = value.upper() if kind == "word" else ""
        following = tokens[i + 1 : i + 4]
        if word == "PREFIX" and len(following) >= 2 and following[1][0] == "iri":
            prefixes[following[0][1].rstrip(":")] = following[1][1][1:-1]
        elif word == "BASE" and following and following[0][0] == "iri":
            base = following[0][1][1:-1]
        elif word in FORMS and info.form is None:
            info.form = word
        elif word in UPDATE_KEYWORDS and info.update is None:
            info.update = word
        elif word == "SERVICE":
            info.service = True
        elif word == "FROM":
            if following and following[0][1].upper() == "NAMED":
                following = following[1:]
            if following and following[0][0] in ("iri", "pname"):
                info.dataset.append(_expand(following[0][0], following[0][1], prefixes, base))
    return info


def check_allowed(info: QueryInfo, graphs: set[str]) -> None:
    """Raise QueryRefused for anything that writes or reaches outside the store."""
    if info.update:
        raise QueryRefused(f"updates are not allowed ({info.update}): the store is read-only")
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
    """Classify, refuse or run `text`; raise QueryTimeout after `timeout_s` seconds."""
    info = classify(text)
    check_allowed(info, graph_names(store))
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
