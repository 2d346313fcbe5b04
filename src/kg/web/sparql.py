"""The SPARQL 1.1 Protocol endpoint (/sparql), its service description and the query page."""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for

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
from kg.permalinks import PermalinkRefused, PermalinkStore
from kg.query import (
    QueryError,
    QueryRefused,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    UpdateRefused,
    run_query,
)
from kg.read.resultpage import result_page
from kg.read.vocabulary import vocabulary_of
from kg.web import base_url, plain_error, state
from kg.web.protocol import ProtocolError, QueryRequest, parse_query_request
from kg.web.snippets import snippets

log = logging.getLogger(__name__)
bp = Blueprint("sparql", __name__)


ENDPOINT_RESULT_FORMATS = tuple(f for f in RESULT_FORMATS if f.endpoint)


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


# The download formats, for the script that draws the results.
FORMAT_LISTS = {kind: [{"name": f.name, "media_type": f.media_type, "extension": f.extension}
                       for f in formats]
                for kind, formats in (("results", ENDPOINT_RESULT_FORMATS), ("graph", RDF_FORMATS))}
SHORT_URL = 2000  # characters of query a link carries; longer ones go in a POST form


def _link(text: str, page: int) -> str | None:
    """A GET link to the query page for `text`, or None when the URL would be too long."""
    url = url_for("sparql.page", query=text, page=page)
    return url if len(url) <= SHORT_URL else None


def _downloads(text: str, result: QueryResult) -> list[dict[str, str | None]]:
    formats = RDF_FORMATS if result.kind == "graph" else ENDPOINT_RESULT_FORMATS
    link = len(urlencode({"query": text})) <= SHORT_URL
    return [{"name": fmt.name, "media_type": fmt.media_type, "filename": f"results.{fmt.extension}",
             "href": "sparql?" + urlencode({"query": text, "format": fmt.name}) if link else None}
            for fmt in formats]


def _pager(text: str, table: dict[str, object], permalink: str | None) -> dict[str, object]:
    """Where the previous and next pages are: links when the URL stays short, else None (the
    template then offers the same pages as buttons of a POST form)."""
    page, pages = int(table["page"]), int(table["pages"])  # type: ignore[call-overload]
    hrefs: dict[str, object] = {"page": page, "pages": pages}
    for name, number in (("previous", page - 1), ("next", page + 1)):
        if 1 <= number <= pages:
            hrefs[name] = number
            hrefs[name + "_href"] = (url_for("sparql.permalink", key=permalink, page=number)
                                     if permalink else _link(text, page=number))
    return hrefs


def _page(query_text: str | None = None, result: QueryResult | None = None,
          error: str | None = None, status: int = 200, *, page: int = 1,
          permalink: str | None = None) -> Response:
    app = state()
    text = query_text if query_text is not None else examples()[0].query
    table = pager = None
    if query_text and result is not None:
        labels = vocabulary_of(app.loaded.store).label
        table = result_page(result, base_url(), labels, page)
        pager = _pager(query_text, table, permalink)
    html = render_template(
        "query.html",
        text=text,  # not `query`: base.html fills the search box with that
        prefixes=PREFIXES,
        table=table,
        pager=pager,
        error=error,
        examples=examples(),
        downloads=_downloads(query_text, result) if query_text and result is not None else [],
        endpoint=base_url() + "sparql",
        formats=FORMAT_LISTS,
        snippets=snippets(text, base_url() + "sparql"),
        permalink=base_url() + "q/" + permalink if permalink else None,
        settings=app.settings,
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


def _page_number() -> int:
    raw = request.values.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


@bp.route("/query", methods=["GET", "POST"])
@bp.route("/q/<key>", endpoint="permalink")
def page(key: str | None = None) -> Response:
    """The query page. With a query (?query=, a form POST, or the permalink /q/<key>) it runs
    it and shows a page of the results under it; the form posts, so no query is too long."""
    settings = state().settings
    if key is not None:
        try:
            text = PermalinkStore.for_settings(settings).find(key)
        except PermalinkRefused as refused:
            return _page(error=str(refused), status=refused.status)
        query = QueryRequest(text, None, None, None, None)
    elif request.method == "GET" and "query" not in request.args:
        return _page()
    else:
        try:
            query = parse_query_request(request.method, request.mimetype or None,
                                        request.query_string, request.get_data(cache=True),
                                        settings.max_query_chars)
        except ProtocolError as error:
            return _page(request.values.get("query", ""), error=str(error),
                         status=error.status)
    try:
        return _page(query.query, execute(query), page=_page_number(), permalink=key)
    except Refusal as refusal:
        return _page(query.query, error=refusal.message, status=refusal.status, permalink=key)
