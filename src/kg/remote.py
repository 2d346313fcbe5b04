"""A remote SPARQL store behind the few methods the app calls on pyoxigraph's Store.

`RemoteStore(url)` speaks the SPARQL 1.1 Protocol to any query endpoint and answers like an
embedded store: `query` (with prefixes, default_graph and named_graphs), `quads_for_pattern`,
`named_graphs` and iteration over every quad. Answers are read by pyoxigraph's own parsers
(`parse_query_results`, `parse`), so every term is a genuine NamedNode, Literal, BlankNode or
Triple, an ASK answer a genuine QueryBoolean, and the rows of a SELECT genuine QuerySolution
objects (in a RemoteSolutions, which has `.variables` like QuerySolutions). CONSTRUCT and
DESCRIBE answers are RemoteTriples, iterating Triples.

HTTP is the standard library's http.client over a small pool of keep-alive connections (no new
dependency; a fresh TCP connection per query costs more than many of the app's queries take).
Every call has a deadline that bounds connecting, sending and each read. An answer of up to
PREFETCH bytes is read whole and then parsed (the fastest way); a longer one is parsed as it
arrives, so memory stays bounded and a caller that stops early (a row cap) stops the download;
that connection is then closed instead of going back to the pool.

Stores differ, and a few differences are handled here: the Accept header names results formats
or RDF formats according to the query's form (Virtuoso answers a CONSTRUCT in a results format
otherwise); Virtuoso's `nodeID://b1` blank nodes are read as `_:b1`; an answer the store says
it cut short (Virtuoso's X-SQL-State and X-SPARQL-MaxRows headers) is an error, never a
silently partial answer; and the time limit goes to the stores known to take one.

`GraphStore(url)` is the write side, the SPARQL 1.1 Graph Store Protocol: PUT and DELETE a
graph. `kg load` uses both (see kg.store.push_artifact).
"""

from __future__ import annotations

import base64
import http.client
import io
import os
import re
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import quote, unquote, urlencode, urlsplit

import pyoxigraph as ox

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
# For a query whose form the prologue hides; a store may then pick a results format for a
# CONSTRUCT (Virtuoso does), so the form is read from the text whenever it can be.
ACCEPT = f"{RESULTS_ACCEPT}, {GRAPH_ACCEPT}"
USER_AGENT = "kg-remote-store/1"
DEFAULT_TIMEOUT_S = 60.0  # for calls that bring no time limit of their own
MAX_IDLE = 16  # keep-alive connections kept per store
MAX_ERROR_CHARS = 2000  # of an error answer's text, quoted in the exception
CHUNK = 64 * 1024  # bytes read from the socket at a time
# An answer up to this size is read whole, then parsed (fastest); a longer one is parsed as it
# arrives, through a buffer, so memory stays bounded and a row cap stops the download.
PREFETCH = 8 * 1024 * 1024
READ_BUFFER = 256 * 1024

Term = ox.NamedNode | ox.BlankNode | ox.Literal
AnyGraph = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


class RemoteError(OSError):
    """The store cannot be reached, or refused or failed a request (`status`: its answer's)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _deadline_passed(url: str, timeout_s: float) -> TimeoutError:
    return TimeoutError(f"the store at {url} did not answer within {timeout_s:g} s")


class _Endpoint:
    """A URL split once: where to connect, what to ask for, and its credentials."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.url = url
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.headers = {"User-Agent": USER_AGENT}
        if parts.username is not None:  # http://user:password@host/... : HTTP Basic
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            self.headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()

    def with_params(self, params: str) -> str:
        """The request target with `params` added to the URL's own query string."""
        return self.target + ("&" if "?" in self.target else "?") + params


class _NoDelay:
    """Requests leave at once: http.client sends a request's headers and body in two writes,
    and Nagle's algorithm would hold the body back until the server's delayed ACK."""

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # type: ignore[attr-defined]


class _HTTPConnection(_NoDelay, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_NoDelay, http.client.HTTPSConnection):
    pass


_POOLS: weakref.WeakSet[_Pool] = weakref.WeakSet()


class _Pool:
    """Idle keep-alive connections to one server, shared by the threads of one process."""

    def __init__(self, endpoint: _Endpoint) -> None:
        self.endpoint = endpoint
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()
        _POOLS.add(self)

    def _new(self, timeout: float) -> http.client.HTTPConnection:
        cls = _HTTPSConnection if self.endpoint.https else _HTTPConnection
        return cls(self.endpoint.host, self.endpoint.port, timeout=timeout)

    def checkout(self, timeout: float) -> tuple[http.client.HTTPConnection, bool]:
        """A connection (and whether it was used before), set to give up after `timeout`."""
        with self._lock:
            if self._pid != os.getpid():  # a forked child: those sockets are the parent's
                self._idle, self._pid = [], os.getpid()
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            return self._new(timeout), False
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn, True

    def release(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if self._pid == os.getpid() and conn.sock is not None and len(self._idle) < MAX_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def __del__(self) -> None:
        self.close()


def _close_idle_connections() -> None:
    """Before a fork (gunicorn's workers): no socket may end up shared by two processes."""
    for pool in list(_POOLS):
        pool.close()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_close_idle_connections)


class _Body(io.RawIOBase):
    """An answer's body, read under the call's deadline; its connection is pooled again once
    the body is read to its end, and closed if the reader gives up before."""

    def __init__(self, pool: _Pool, conn: http.client.HTTPConnection,
                 response: http.client.HTTPResponse, sock: object, deadline: float,
                 timeout_s: float) -> None:
        super().__init__()
        self.status, self.reason, self.headers = response.status, response.reason, response.msg
        self._pool, self._conn, self._response = pool, conn, response
        self._sock, self._deadline, self._timeout_s = sock, deadline, timeout_s
        self._pending = b""  # read ahead by prefetch, served first
        # After an error answer the connection is closed, not reused: a server that refused a
        # request may not have read all of its body, whose rest would then pass for the next.
        self.reuse = response.status < 400
        # A fix for a store's dialect, applied to whole lines (see _virtuoso_blank_nodes).
        self.rewrite: Callable[[bytes], bytes] | None = None
        self._carry = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._pending:
            count = min(len(buffer), len(self._pending))
            buffer[:count] = self._pending[:count]
            self._pending = self._pending[count:]
            return count
        data = self._receive(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _receive(self, size: int) -> bytes:
        """The next bytes of the body (b"" at its end), rewritten line by line if asked."""
        if self.rewrite is None:
            return self._read(size)
        while True:
            data = self._read(size)
            if not data:
                rest, self._carry = self._carry, b""
                return self.rewrite(rest) if rest else b""
            data = self._carry + data
            cut = data.rfind(b"\n") + 1
            self._carry = data[cut:]
            if cut:
                return self.rewrite(data[:cut])

    def _read(self, size: int) -> bytes:
        response = self._response
        if response is None:
            return b""
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            self._abort()
            raise _deadline_passed(self._pool.endpoint.url, self._timeout_s)
        try:
            self._sock.settimeout(remaining)  # type: ignore[attr-defined]
            data = response.read(size)
        except TimeoutError:
            self._abort()
            raise _deadline_passed(self._pool.endpoint.url, self._timeout_s) from None
        except (OSError, http.client.HTTPException) as error:
            self._abort()
            raise RemoteError(f"the store at {self._pool.endpoint.url} broke off its answer: "
                              f"{error}") from None
        if not data:
            self._finish()
        return data

    def prefetch(self, limit: int) -> bytes | None:
        """The whole body if it is at most `limit` bytes long; None if it is longer (what was
        read ahead is then served first by the next reads)."""
        chunks, size = [self._pending], len(self._pending)
        while size <= limit:
            chunk = self._receive(CHUNK)
            if not chunk:
                self._pending = b""
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        self._pending = b"".join(chunks)
        return None

    def drain(self) -> bytes:
        """The rest of the body (reading it to the end frees the connection)."""
        chunks = [self._pending]
        self._pending = b""
        while chunk := self._receive(CHUNK):
            chunks.append(chunk)
        return b"".join(chunks)

    def _finish(self) -> None:
        response, conn = self._response, self._conn
        self._response = self._conn = None
        if response is not None and conn is not None:
            will_close = response.will_close or not self.reuse
            response.close()
            if will_close:
                conn.close()
            else:
                self._pool.release(conn)

    def _abort(self) -> None:
        response, conn = self._response, self._conn
        self._response = self._conn = None
        if response is not None:
            response.close()
        if conn is not None:
            conn.close()

    def close(self) -> None:
        self._abort()  # a no-op once the body was read to its end
        super().close()


class _Http:
    """Requests to one endpoint: keep-alive, one retry on a connection the server dropped."""

    def __init__(self, url: str) -> None:
        self.endpoint = _Endpoint(url)
        self.pool = _Pool(self.endpoint)

    def send(self, method: str, target: str, body: bytes | None, headers: dict[str, str],
             timeout_s: float, *, query: bool = False) -> _Body:
        """The answer's body once its status is a success; a RemoteError quoting the server's
        message otherwise, a TimeoutError when `timeout_s` passes first."""
        url = self.endpoint.url
        deadline = time.monotonic() + timeout_s
        headers = {**self.endpoint.headers, **headers}
        for attempt in (1, 2):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _deadline_passed(url, timeout_s)
            conn, reused = self.pool.checkout(remaining)
            try:
                conn.request(method, target, body=body, headers=headers)
                sock = conn.sock
                response = conn.getresponse()
            except TimeoutError:
                conn.close()
                raise _deadline_passed(url, timeout_s) from None
            except (ConnectionError, http.client.BadStatusLine) as error:
                conn.close()
                if reused and attempt == 1:  # the server closed an idle connection: retry
                    continue
                raise RemoteError(f"cannot reach the store at {url}: {error}") from None
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                raise RemoteError(f"cannot reach the store at {url}: {error}") from None
            answer = _Body(self.pool, conn, response, sock, deadline, timeout_s)
            if response.status >= 400:
                raise _refusal(query, url, answer)
            return answer
        raise AssertionError("unreachable")  # pragma: no cover


# How stores say a query ran, or would run, past a time limit (Virtuoso refuses up front a
# query whose estimated time exceeds its MaxQueryCostEstimationTime).
_TIMED_OUT = re.compile(r"time ?-?out|timed out|estimated execution time", re.IGNORECASE)


def _refusal(query: bool, url: str, body: _Body) -> Exception:
    """The exception for an error answer: SyntaxError for a 400 to a query (the query is
    what the store could not read), TimeoutError for a time-out, RemoteError otherwise."""
    try:
        text = body.drain().decode("utf-8", "replace")
    except OSError as error:
        text = str(error)
    text = re.sub(r"<[^>]+>", " ", text)  # servers answer errors in HTML, too
    text = re.sub(r"\s+", " ", text).strip()[:MAX_ERROR_CHARS]
    status = f"{body.status} {body.reason}".strip()
    if body.status >= 500 and _TIMED_OUT.search(text):
        return TimeoutError(f"the store at {url} timed out: {text}")
    if body.status == 400 and query:
        return SyntaxError(f"the store refused the query ({status}): {text}")
    return RemoteError(f"the store at {url} answered {status}: {text}", body.status)


class RemoteSolutions:
    """The rows of a SELECT answer, read as they arrive; like pyoxigraph's QuerySolutions, an
    iterator of QuerySolution (index a row by variable name) with `.variables`."""

    def __init__(self, solutions: ox.QuerySolutions, body: _Body) -> None:
        self._solutions, self._body = solutions, body

    @property
    def variables(self) -> list[ox.Variable]:
        return self._solutions.variables

    def __iter__(self) -> RemoteSolutions:
        return self

    def __next__(self) -> ox.QuerySolution:
        try:
            return next(self._solutions)
        except StopIteration:
            self._body.drain()  # to the very end, so the connection can serve again
            raise

    def __del__(self) -> None:
        self._body.close()


class RemoteTriples:
    """The triples of a CONSTRUCT or DESCRIBE answer, read as they arrive (like QueryTriples)."""

    def __init__(self, source: bytes | io.BufferedReader, fmt: ox.RdfFormat,
                 body: _Body) -> None:
        self._body = body
        self._quads = ox.parse(source, fmt)

    def __iter__(self) -> RemoteTriples:
        return self

    def __next__(self) -> ox.Triple:
        try:
            return next(self._quads).triple
        except StopIteration:
            self._body.drain()
            raise

    def __del__(self) -> None:
        self._body.close()


def _sparql(term: Term) -> str:
    if isinstance(term, ox.BlankNode):
        raise ValueError("a blank node cannot be matched in a remote store: in a SPARQL "
                         "query it would match anything")
    return str(term)  # N-Triples syntax, which SPARQL reads


# The prologue (BASE, PREFIX, comments) and the keyword after it: the query's form.
_FORM = re.compile(r"(?:\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*"
                   r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def _accept(query: str) -> str:
    """The Accept header for a query: results formats, or RDF formats for a graph form."""
    form = _FORM.match(query)
    if form is None:
        return ACCEPT
    return GRAPH_ACCEPT if form.group(1).upper() in ("CONSTRUCT", "DESCRIBE") else RESULTS_ACCEPT


# A FROM or FROM NAMED clause: the query brings its own dataset.
_FROM = re.compile(r"\bFROM\s+(NAMED\s+)?(<|[A-Za-z][\w.-]*:|:)", re.IGNORECASE)


def _prologue(text: str, prefixes: dict[str, str] | None) -> str:
    """PREFIX lines for the given prefixes the query uses and does not declare itself
    (pyoxigraph's `prefixes=`; the remote store has to read them from the text)."""
    lines = []
    for name, iri in (prefixes or {}).items():
        if f"{name}:" not in text:
            continue
        if re.search(rf"PREFIX\s+{re.escape(name)}:", text, re.IGNORECASE):
            continue
        lines.append(f"PREFIX {name}: <{iri}>\n")
    return "".join(lines)


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
        self.url = url
        self.default_graph = default_graph
        self.timeout_s = timeout_s
        self._http = _Http(url)
        self._graphs = None if graphs is None else [ox.NamedNode(g) for g in graphs]
        self._server: str | None = None  # the Server header, for its own time-limit parameter
        if default_graph is not None and graphs is None:
            raise ValueError("a store with a stand-in default graph needs its list of graphs")

    def __repr__(self) -> str:
        return f"<RemoteStore {self.url}>"

    # -- queries -------------------------------------------------------------------------

    def query(self, query: str, *, prefixes: dict[str, str] | None = None,
              default_graph: AnyGraph | list[AnyGraph] | None = None,
              named_graphs: list[ox.NamedNode | ox.BlankNode] | None = None,
              timeout_s: float | None = None,
              ) -> RemoteSolutions | RemoteTriples | ox.QueryBoolean:
        """Run `query` on the store; like pyoxigraph's Store.query, plus a time limit that
        bounds the whole call (and is passed on to stores that take one)."""
        params = [("query", _prologue(query, prefixes) + query)]
        params += self._dataset(query, default_graph, named_graphs)
        limit = self.timeout_s if timeout_s is None else timeout_s
        if timeout_s is not None:
            params += self._timeout_params(timeout_s)
        return self._send_query(urlencode(params).encode(), limit, _accept(query))

    def _dataset(self, query: str, default_graph: AnyGraph | list[AnyGraph] | None,
                 named_graphs: list[ox.NamedNode | ox.BlankNode] | None) -> list[tuple[str, str]]:
        """The protocol's default-graph-uri and named-graph-uri parameters for a query."""
        if default_graph is None and named_graphs is None:
            if self.default_graph is None or _FROM.search(query):
                return []  # the store's own dataset, or the one the query names
            return [("default-graph-uri", self.default_graph)] + [
                ("named-graph-uri", g.value) for g in self.named_graphs()]
        defaults = default_graph if isinstance(default_graph, list) else (
            [] if default_graph is None else [default_graph])
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

    def _timeout_params(self, timeout_s: float) -> list[tuple[str, str]]:
        """The store's own time-limit parameter, for the stores known to take one (the
        protocol has none); the deadline of the HTTP call holds in any case."""
        server = (self._server or "").lower()
        if "virtuoso" in server:
            return [("timeout", str(max(1, int(timeout_s * 1000))))]  # milliseconds
        if "fuseki" in server or "jena" in server:
            return [("timeout", f"{timeout_s:g}")]  # seconds
        return []

    def _send_query(self, body: bytes, timeout_s: float, accept: str = RESULTS_ACCEPT,
                    ) -> RemoteSolutions | RemoteTriples | ox.QueryBoolean:
        http = self._http
        answer = http.send("POST", http.endpoint.target, body,
                           {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
                           timeout_s, query=True)
        headers = answer.headers
        self._server = headers.get("Server", "")
        _check_complete(http.endpoint.url, answer)
        media_type = headers.get("Content-Type", "")
        results = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
        rdf = ox.RdfFormat.from_media_type(media_type) if media_type else None
        if results is None and rdf is None:
            answer.close()
            raise RemoteError(f"the store at {http.endpoint.url} answered a query with "
                              f"{media_type or 'no media type'}, not SPARQL results or RDF")
        if results == ox.QueryResultsFormat.JSON and "virtuoso" in self._server.lower():
            answer.rewrite = _virtuoso_blank_nodes
        whole = answer.prefetch(PREFETCH)
        source = whole if whole is not None else io.BufferedReader(answer, READ_BUFFER)
        if rdf is not None:
            return RemoteTriples(source, rdf, answer)
        parsed = ox.parse_query_results(source, results)
        if isinstance(parsed, ox.QueryBoolean):
            answer.drain()
            return parsed
        return RemoteSolutions(parsed, answer)

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
        return {row["g"].value: int(row["n"].value) for row in rows  # type: ignore[union-attr]
                if isinstance(row["g"], ox.NamedNode)}

    def default_count(self) -> int:
        """Triples in the dataset's default graph."""
        answer = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        (row,) = list(answer)  # type: ignore[call-overload]
        return int(row["n"].value)

    def quads_for_pattern(self, subject: Term | None, predicate: Term | None,
                          object: Term | None, graph_name: AnyGraph | None = None,  # noqa: A002
                          ) -> Iterator[ox.Quad]:
        """The quads matching the pattern, like Store.quads_for_pattern: graph_name None is
        every graph (the default graph and the dataset's named graphs)."""
        terms = {"s": subject, "p": predicate, "o": object}
        pattern = " ".join("?" + k if t is None else _sparql(t) for k, t in terms.items())
        if isinstance(graph_name, ox.DefaultGraph):
            where, graphs = f"{{ {pattern} }}", None
        elif isinstance(graph_name, ox.NamedNode):
            where, graphs = f"{{ GRAPH {graph_name} {{ {pattern} }} }}", None
        elif graph_name is None:
            values = " ".join(str(g) for g in self.named_graphs())
            where = (f"{{ {{ {pattern} }} UNION "
                     f"{{ VALUES ?g {{ {values} }} GRAPH ?g {{ {pattern} }} }} }}")
            graphs = True
        else:
            raise ValueError("a blank node cannot name a graph of a remote store")
        answer = self.query(f"SELECT * WHERE {where}")
        for row in answer:  # type: ignore[union-attr]
            found = [row[k] if t is None else t for k, t in terms.items()]
            if graphs:
                graph = row["g"] or ox.DefaultGraph()
            else:
                graph = graph_name
            yield ox.Quad(*found, graph)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[ox.Quad]:
        return self.quads_for_pattern(None, None, None, None)

    def __len__(self) -> int:
        """Quads in the default graph and the dataset's named graphs (like Store's len)."""
        graphs = {g.value for g in self.named_graphs()}
        counts = self.graph_counts()
        return self.default_count() + sum(counts.get(g, 0) for g in graphs)

    def close(self) -> None:
        self._http.pool.close()


_VIRTUOSO_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')


def _virtuoso_blank_nodes(data: bytes) -> bytes:
    """Virtuoso names blank nodes `nodeID://b123` in JSON results, which is no blank node
    label (pyoxigraph refuses it); `b123` is, and stays the same node in every answer.
    Virtuoso writes one binding per line, so whole lines hold whole bindings."""
    return _VIRTUOSO_BNODE.sub(rb"\1", data)


def _check_complete(url: str, body: _Body) -> None:
    """Refuse an answer the store says it cut short: Virtuoso ends a query at its time limit
    with the rows found so far (X-SQL-State: S1TAT), and cuts answers at its ResultSetMaxRows
    (X-SPARQL-MaxRows); either would pass for a complete answer."""
    state = body.headers.get("X-SQL-State")
    if state:
        message = body.headers.get("X-SQL-Message", "")
        body.close()
        if state.startswith("S1TAT"):
            raise TimeoutError(f"the store at {url} stopped the query at its time limit "
                               f"and answered in part: {message}")
        raise RemoteError(f"the store at {url} answered in part ({state}: {message})")
    cut = body.headers.get("X-SPARQL-MaxRows")
    if cut:
        body.close()
        raise RemoteError(f"the store at {url} cut the answer at {cut} rows; raise its own "
                          "limit (Virtuoso: ResultSetMaxRows in virtuoso.ini)")


class GraphStore:
    """The SPARQL 1.1 Graph Store Protocol endpoint of a store: replace or delete a graph."""

    def __init__(self, url: str, timeout_s: float = 600.0) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self._http = _Http(url)

    def _target(self, graph: str | None) -> str:
        return self._http.endpoint.with_params(
            "default" if graph is None else "graph=" + quote(graph, safe=""))

    def put(self, graph: str | None, triples: bytes,
            media_type: str = "application/n-triples") -> None:
        """Replace the graph (None: the default graph) with these triples."""
        self._http.send("PUT", self._target(graph), triples, {"Content-Type": media_type},
                        self.timeout_s).drain()

    def delete(self, graph: str) -> bool:
        """Delete the graph; False when the store had no such graph."""
        try:
            self._http.send("DELETE", self._target(graph), None, {}, self.timeout_s).drain()
        except RemoteError as error:
            if error.status == 404:
                return False
            raise
        return True

    def close(self) -> None:
        self._http.pool.close()
