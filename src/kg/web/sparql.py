"""The SPARQL 1.1 Protocol endpoint (/sparql), its service description and the query page."""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from kg.describe import service_description
from kg.examples import examples
from kg.formats import (
    HTML_TYPES,
    RDF_FORMATS,
    RESULT_FORMATS,
    RdfFormat,
    ResultFormat,
    available,
    content_type,
    negotiate,
    serialize,
    write_result,
)
from kg.namespaces import PREFIXES
from kg.query import (
    QueryError,
    QueryRefused,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    UpdateRefused,
    run_query,
)
from kg.read.results import result_table
from kg.web import base_url, plain_error, state
from kg.web.protocol import ProtocolError, QueryRequest, parse_query_request

log = logging.getLogger(__name__)
bp = Blueprint("sparql", __name__)


ENDPOINT_RESULT_FORMATS = tuple(f for f in RESULT_FORMATS if f.endpoint)
PREFIX_BLOCK = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


class Refusal(Exception):
    """An error answer: its HTTP status and the message the client reads."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def execute(query: QueryRequest) -> QueryResult:
    """Run a protocol request under the limits; errors become Refusals."""
    app = state()
    settings = app.settings
    limit = min(settings.query_timeout_s, query.timeout_s or settings.query_timeout_s)
    try:
        return run_query(app.loaded.store, query.query, limit, max_rows=settings.max_rows,
                         default_graphs=query.default_graphs, named_graphs=query.named_graphs)
    except UpdateRefused as error:
        raise Refusal(403, str(error)) from None
    except (QueryRefused, QuerySyntaxError) as error:
        raise Refusal(400, str(error)) from None
    except QueryTimeout as error:
        if not app.loaded.embedded:
            pass  # a remote store's HTTP call ended at the deadline: nothing runs here
        elif app.recycle is not None:
            app.recycle()
        else:
            log.warning("a timed-out query goes on in the background until it ends")
        raise Refusal(503, str(error), {"Retry-After": "1"}) from None
    except QueryError as error:
        raise Refusal(500, str(error)) from None


def _result_response(result: QueryResult, fmt: RdfFormat | ResultFormat) -> Response:
    response = Response(write_result(result, fmt), content_type=content_type(fmt))
    if result.truncated:
        response.headers["X-SPARQL-MaxRows"] = str(state().settings.max_rows)
    return response


def _page(query_text: str | None = None, result: QueryResult | None = None,
          error: str | None = None, status: int = 200) -> Response:
    downloads = []
    if query_text and result is not None:
        formats = RDF_FORMATS if result.kind == "graph" else ENDPOINT_RESULT_FORMATS
        for fmt in formats:
            href = "sparql?" + urlencode({"query": query_text, "format": fmt.name})
            downloads.append({"name": fmt.name, "media_type": fmt.media_type, "href": href,
                              "filename": f"results.{fmt.extension}"})
    html = render_template(
        "query.html",
        query=query_text if query_text is not None else PREFIX_BLOCK + "\n" + examples()[0].query,
        table=None if result is None else result_table(result, base_url()),
        error=error,
        examples=examples(),
        downloads=downloads,
        settings=state().settings,
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def _service_description(fmt: RdfFormat) -> Response:
    base = base_url()
    key = ("sd", base, fmt.name)
    cache = state().cache
    if key not in cache:
        graph = service_description(state().loaded, base + "sparql", base + "void")
        cache[key] = serialize(graph, fmt)
    return Response(cache[key], content_type=content_type(fmt))


def _vary(response: Response) -> Response:
    response.vary.add("Accept")
    return response


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    accept = request.headers.get("Accept")
    if request.method in ("GET", "HEAD") and not any(k in request.args
                                                     for k in ("query", "update")):
        described = negotiate(RDF_FORMATS, accept, request.args.get("format"), extra=HTML_TYPES)
        if described is None:
            return plain_error(406, "the service description comes as HTML or "
                                    + available(RDF_FORMATS))
        return _vary(_page() if isinstance(described, str) else _service_description(described))
    try:
        method = "GET" if request.method == "HEAD" else request.method
        query = parse_query_request(method, request.mimetype or None,
                                    request.query_string, request.get_data(cache=False),
                                    state().settings.max_query_chars)
    except ProtocolError as error:
        return plain_error(error.status, str(error))
    as_results = negotiate(ENDPOINT_RESULT_FORMATS, accept, query.format, extra=HTML_TYPES)
    as_graph = negotiate(RDF_FORMATS, accept, query.format, extra=HTML_TYPES)
    if as_results is None and as_graph is None:
        return plain_error(406, "no result format fits the request; SELECT and ASK come as "
                           f"{available(ENDPOINT_RESULT_FORMATS)}; CONSTRUCT and DESCRIBE as "
                           f"{available(RDF_FORMATS)}")
    html = as_results if isinstance(as_results, str) else as_graph
    key = None if isinstance(html, str) else _cache_key(query, as_results, as_graph)
    cached = state().cache.get(key) if key else None
    if cached is not None:
        return _answer(cached, key)
    try:
        result = execute(query)
    except Refusal as refusal:
        if isinstance(html, str):
            return _vary(_page(query.query, error=refusal.message, status=refusal.status))
        return _vary(plain_error(refusal.status, refusal.message, refusal.headers))
    chosen = as_graph if result.kind == "graph" else as_results
    if chosen is None:
        formats = RDF_FORMATS if result.kind == "graph" else ENDPOINT_RESULT_FORMATS
        return _vary(plain_error(406, f"a {result.kind.upper()} result comes as "
                                      f"{available(formats)}"))
    if isinstance(chosen, str):
        return _vary(_page(query.query, result))
    response = _result_response(result, chosen)
    if key and len(response.data) <= CACHED_BODY_MAX:
        state().cache[key] = _stored(response)
    return _answer(_stored(response), key) if key else response


# Answers are fixed until the next build, so one computed answer serves every repeat of the
# same request, and clients revalidate theirs with an ETag (304 costs no query at all).
CACHED_BODY_MAX = 1 << 20
_SEP = b"\n\x00\n"


def _cache_key(query: QueryRequest, *formats: RdfFormat | ResultFormat | str | None,
               ) -> tuple[str, ...]:
    names = [f if isinstance(f, str) or f is None else f.name for f in formats]
    return ("answer", query.query, repr(query.default_graphs), repr(query.named_graphs),
            *map(str, names))


def _stored(response: Response) -> bytes:
    """A response as cache bytes: its content type, its row-cap header, then its body."""
    head = f"{response.content_type}\n{response.headers.get('X-SPARQL-MaxRows', '')}"
    return head.encode() + _SEP + response.get_data()


def _answer(stored: bytes, key: tuple[str, ...] | None) -> Response:
    head, body = stored.split(_SEP, 1)
    content, max_rows = head.decode().split("\n")
    response = Response(body, content_type=content)
    if max_rows:
        response.headers["X-SPARQL-MaxRows"] = max_rows
    if key is not None:
        digest = hashlib.sha256("\x00".join(key).encode())
        digest.update(str(state().summary.get("artifact_sha256", "")).encode())
        response.set_etag(digest.hexdigest()[:32])
        response.cache_control.no_cache = True  # keep it, but ask: a rebuild changes it
        response.make_conditional(request)
    return _vary(response)


@bp.route("/query")
def page() -> Response:
    """The query page; with ?query= it runs the query and shows the results under it."""
    if "query" not in request.args:
        return _page()
    try:
        query = parse_query_request("GET", None, request.query_string, b"",
                                    state().settings.max_query_chars)
        return _page(query.query, execute(query))
    except ProtocolError as error:
        return _page(request.args.get("query", ""), error=str(error), status=error.status)
    except Refusal as refusal:
        return _page(request.args.get("query", ""), error=refusal.message,
                     status=refusal.status)
