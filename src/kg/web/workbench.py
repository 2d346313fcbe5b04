"""What the query page's script asks of the server besides the endpoint: the vocabulary it
completes from, labels for the IRIs of a result, code snippets for a query, and permalinks.

JSON for the script; the share route also takes the page's plain form (without JavaScript) and
answers it with a redirect to the new permalink.
"""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, jsonify, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from kg.permalinks import PermalinkRefused, PermalinkStore
from kg.read.vocabulary import vocabulary_of
from kg.web import base_url, plain_error, state
from kg.web.protocol import ProtocolError, parse_query_request
from kg.web.snippets import snippets

bp = Blueprint("workbench", __name__)

MAX_LABELS = 5000  # IRIs one label request may ask about
JSON_TYPE = "application/json"


def _query_text() -> str:
    """The query of a POSTed form or SPARQL body, as the endpoint reads it."""
    return parse_query_request("POST", request.mimetype or None, b"", request.get_data(),
                               state().settings.max_query_chars).query


@bp.route("/query/vocabulary.json")
def vocabulary() -> Response:
    """Prefixes, classes, properties and entities for the editor's completion."""
    app = state()
    key = ("vocabulary.json", str(app.summary.get("artifact_sha256", "")))
    if key not in app.cache:
        data = vocabulary_of(app.loaded.store).as_json()
        app.cache[key] = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    body = app.cache[key]
    response = Response(body, content_type=JSON_TYPE)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.cache_control.no_cache = True  # keep it, but ask: a rebuild changes it
    response.make_conditional(request)
    return response


@bp.route("/query/labels", methods=["POST"])
def labels() -> Response:
    """{"iris": [...]} -> {"labels": {iri: display name}} for the IRIs that have one."""
    data = request.get_json(silent=True)
    iris = data.get("iris") if isinstance(data, dict) else None
    if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris):
        return plain_error(400, 'post JSON of the form {"iris": ["https://…", …]}')
    if len(iris) > MAX_LABELS:
        return plain_error(413, f"ask for at most {MAX_LABELS} IRIs at a time, not {len(iris)}")
    named = vocabulary_of(state().loaded.store).labels
    return jsonify({"labels": {iri: named[iri] for iri in iris if iri in named}})


@bp.route("/query/snippets", methods=["POST"])
def code() -> Response:
    """curl, Python and R code that runs the posted query against this endpoint."""
    try:
        text = _query_text()
    except ProtocolError as error:
        return plain_error(error.status, str(error))
    return jsonify({"snippets": [s.as_json() for s in snippets(text, base_url() + "sparql")]})


@bp.route("/query/share", methods=["POST"])
def share() -> BaseResponse:
    """A permalink for the posted query: JSON for the script, a 303 to it for the form."""
    try:
        key = PermalinkStore.for_settings(state().settings).make(_query_text(),
                                                                  request.remote_addr or "")
    except ProtocolError as error:
        return plain_error(error.status, str(error))
    except PermalinkRefused as refused:
        headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
        return plain_error(refused.status, str(refused), headers)
    url = base_url() + "q/" + key
    if request.accept_mimetypes.best_match([JSON_TYPE, "text/html"]) == JSON_TYPE:
        return jsonify({"id": key, "url": url})
    return redirect(url_for("sparql.permalink", key=key), code=303)
