"""The SPARQL 1.1 Protocol endpoint (/sparql), its service description and the query page."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from kg.describe import service_description
from kg.examples import examples
from kg.export import serialize_graph
from kg.formats import (
    RDF_FORMATS,
    RESULT_FORMATS,
    RdfFormat,
    ResultFormat,
    content_type,
    negotiate,
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
from kg.render import render_graph
from kg.web import base_url, plain_error, state
from kg.web.protocol import ProtocolError, QueryRequest, parse_query_request
from kg.web.views import result_table

log = logging.getLogger(__name__)
bp = Blueprint("sparql", __name__)

HTML = ("text/html", "application/xhtml+xml")
ENDPOINT_RESULT_FORMATS = tuple(f for f in RESULT_FORMATS if f.endpoint)
PREFIX_BLOCK = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


class Refusal(Exception):
    """An error answer: its HTTP status and the message the client reads."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def _available(formats: tuple[RdfFormat, ...] | tuple[ResultFormat, ...]) -> str:
    return ", ".join(f"{f.name} ({f.media_type})" for f in formats)


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
        if app.recycle is not None:
            app.recycle()
        else:
            log.warning("a timed-out query goes on in the background until it ends")
        raise Refusal(503, str(error), {"Retry-After": "1"}) from None
    except QueryError as error:
        raise Refusal(500, str(error)) from None


def _result_response(result: QueryResult, fmt: RdfFormat | ResultFormat) -> Response:
    if isinstance(fmt, RdfFormat):
        body = render_graph(result, fmt.ox_format)
    else:
        body = fmt.render(result)
    response = Response(body, content_type=content_type(fmt))
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
        cache[key] = serialize_graph(graph, fmt)
    return Response(cache[key], content_type=content_type(fmt))


def _vary(response: Response) -> Response:
    response.vary.add("Accept")
    return response


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    accept = request.headers.get("Accept")
    if request.method == "GET" and not any(k in request.args for k in ("query", "update")):
        chosen = negotiate(RDF_FORMATS, accept, request.args.get("format"), extra=HTML)
        if chosen is None:
            return plain_error(406, "the service description comes as HTML or "
                                    + _available(RDF_FORMATS))
        return _vary(_page() if isinstance(chosen, str) else _service_description(chosen))
    try:
        query = parse_query_request(request.method, request.mimetype or None,
                                    request.query_string, request.get_data(cache=False),
                                    state().settings.max_query_chars)
    except ProtocolError as error:
        return plain_error(error.status, str(error))
    as_results = negotiate(ENDPOINT_RESULT_FORMATS, accept, query.format, extra=HTML)
    as_graph = negotiate(RDF_FORMATS, accept, query.format, extra=HTML)
    if as_results is None and as_graph is None:
        return plain_error(406, "no result format fits the request; SELECT and ASK come as "
                           f"{_available(ENDPOINT_RESULT_FORMATS)}; CONSTRUCT and DESCRIBE as "
                           f"{_available(RDF_FORMATS)}")
    html = as_results if isinstance(as_results, str) else as_graph
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
                                      f"{_available(formats)}"))
    if isinstance(chosen, str):
        return _vary(_page(query.query, result))
    return _vary(_result_response(result, chosen))


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
