"""What the server holds: /health for operators and the VoID description for clients."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue

from kg.describe import void_description
from kg.export import dump_names
from kg.formats import RDF_FORMATS, available, content_type, negotiate, serialize
from kg.namespaces import graph_name
from kg.web import base_url, plain_error, state

bp = Blueprint("dataset", __name__)


@bp.route("/health")
def health() -> Response:
    loaded = state().loaded
    return jsonify({
        "status": "ok",
        "built": state().summary["built_at"],
        "triples": {
            "default_graph": loaded.default_triples,
            "all_graphs": loaded.quads,
            "graphs": {graph_name(name): count for name, count in loaded.graph_triples.items()},
        },
    })


@bp.route("/void")
def void() -> Response:
    fmt = negotiate(RDF_FORMATS, request.headers.get("Accept"), request.args.get("format"))
    if fmt is None or isinstance(fmt, str):
        return plain_error(406, f"the VoID description comes as {available(RDF_FORMATS)}")
    base = base_url()
    key = ("void", base, fmt.name)
    cache = state().cache
    if key not in cache:
        dumps = {graph: f"{base}export/{name}.ttl"
                 for graph, name in dump_names(state().loaded.graph_triples).items()}
        cache[key] = serialize(void_description(state().loaded, base + "sparql", dumps), fmt)
    response = Response(cache[key], content_type=content_type(fmt))
    response.vary.add("Accept")
    return response


@bp.route("/.well-known/void")
def well_known_void() -> ResponseReturnValue:
    return redirect(url_for("dataset.void"), code=303)
