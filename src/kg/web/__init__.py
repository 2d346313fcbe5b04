"""The web app: `create_app(settings)` loads the built store once and mounts the blueprints.

The app only loads what a build made (`kg build`, or `kg serve`, which builds first when there
is nothing to serve); it never builds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from kg.namespaces import graph_name
from kg.read.labels import term_labels
from kg.read.search import SearchIndex
from kg.read.site import Site, read_source_texts
from kg.report import read_summary
from kg.settings import Settings, load_settings
from kg.store import LoadedStore, connect_store, load_store
from kg.web.cache import BoundedCache

log = logging.getLogger(__name__)

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Expose-Headers": "Content-Disposition, Content-Location, ETag, "
                                     "Last-Modified, Link, X-SPARQL-MaxRows",
    "Access-Control-Max-Age": "86400",
}
# Pages load nothing from elsewhere: every script, style and image is the app's own.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@dataclass
class AppState:
    """What every request reads: the settings and the loaded store (never mutated)."""

    settings: Settings
    site: Site  # the store, the build summary and the source texts
    search: SearchIndex  # labels and aliases, for the search box and 404 suggestions
    term_labels: dict[str, str]  # ontology term IRI -> its label
    # Called after a query outlived its time limit: the server ends this worker process
    # once its current requests are answered, which stops the query (see kg.web.server).
    recycle: Callable[[], None] | None = None
    cache: BoundedCache = field(default_factory=BoundedCache)

    @property
    def loaded(self) -> LoadedStore:
        return self.site.loaded

    @property
    def summary(self) -> dict[str, Any]:
        return self.site.summary


def open_query_store(settings: Settings) -> LoadedStore:
    """The embedded store loaded from the artifact, or the remote one at store_url."""
    if not settings.store_url:
        return load_store(settings.artifact)
    # A page's own queries get a generous limit; the endpoint's have query_timeout_s.
    loaded = connect_store(settings.store_url, settings.artifact,
                           timeout_s=max(60.0, settings.query_timeout_s))
    log.info("serving from the store at %s (%d quads)", settings.store_url, loaded.quads)
    held = {graph_name(g): n for g, n in loaded.graph_triples.items()}
    built: dict[str, int] = read_summary(settings).get("graphs", {})  # type: ignore[assignment]
    if any(held.get(name) != count for name, count in built.items()):
        log.warning("the store at %s does not hold the build of %s (its graphs differ): "
                    "push it with `kg load`", settings.store_url, settings.artifact)
    return loaded


def state() -> AppState:
    from flask import current_app

    return current_app.extensions["kg"]


def base_url() -> str:
    """The app's public URL, ending in '/': the base_url setting, else the request's own."""
    configured = state().settings.base_url
    return configured.rstrip("/") + "/" if configured else request.url_root


def plain_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    response = Response(message.rstrip("\n") + "\n", status=status,
                        content_type="text/plain; charset=utf-8")
    response.headers.update(headers or {})
    return response


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if status == 413:
        limit = state().settings.max_body_bytes
        message = (f"the request body is larger than {limit} bytes "
                   "(setting max_body_bytes)")
    else:
        message = f"{error.name}: {error.description}"
    response = plain_error(status, message)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _unexpected_error(error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.path)
    return plain_error(500, "Internal Server Error: the error was logged on the server")


def _headers(response: Response) -> Response:
    response.headers.update(CORS_HEADERS)
    asked = request.headers.get("Access-Control-Request-Headers", "")
    if asked and all(part.strip().replace("-", "").isalnum() for part in asked.split(",")):
        response.headers["Access-Control-Allow-Headers"] = asked  # any header: no credentials
    response.vary.add("Accept")  # negotiated or not, a cache must not mix representations
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response


def create_app(settings: Settings | None = None) -> Flask:
    """The app over the built artifact of `settings` (StoreError when there is none)."""
    settings = settings or load_settings()
    summary = read_summary(settings)
    loaded = open_query_store(settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    site = Site(loaded, summary, read_source_texts(settings, loaded))
    app.extensions["kg"] = AppState(settings, site, SearchIndex.from_store(loaded.store),
                                    term_labels(loaded.store))

    from kg.web import dataset, exports, resources, sparql, workbench

    app.register_blueprint(sparql.bp)
    app.register_blueprint(dataset.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(workbench.bp)
    app.register_blueprint(resources.bp)  # last: its catch-all serves the IRI namespace
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.after_request(_headers)
    return app
