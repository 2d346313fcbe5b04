"""Downloads: every graph selection in every RDF format, at /export/<selection>.<ext>.

The bytes of each download are serialized once per worker, on first request, straight from
the loaded store (the very quads the endpoint queries), and kept in AppState.cache: the data
only changes with a new build, which comes with a new app (a restart or `kg reload`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from datetime import datetime

from flask import Blueprint, Response, render_template, request

from kg.export import graph_quads, selected_graphs, selection_triples, selections
from kg.formats import RDF_FORMATS, RdfFormat, content_type, serialize
from kg.namespaces import PREFIXES
from kg.web import plain_error, state

log = logging.getLogger(__name__)
bp = Blueprint("exports", __name__)

BY_EXTENSION = {fmt.extension: fmt for fmt in RDF_FORMATS}
MAX_AGE = 3600  # seconds a client or proxy may reuse a download without asking again
# The JSON-LD context of the downloads (they carry it inline, so they parse offline).
CONTEXT = json.dumps({"@context": PREFIXES}, indent=2).encode()
DESCRIPTIONS = {
    "all": "Every graph: the sources' facts and evidence, their descriptions, the ontology "
           "and the OWL 2 RL inferences",
    "asserted": "The facts as the sources give them: every graph but the inferences and the "
                "shapes",
    "inferred": "The OWL 2 RL inferences",
    "ontology": "The ontology",
    "shapes": "The SHACL shapes the build was validated against",
    "sources": "The descriptions of the source documents",
}
_SERIALIZING = threading.Lock()  # one serialization at a time, and never the same one twice


def _body(selection: str, fmt: RdfFormat) -> bytes:
    cache, key = state().cache, ("export", selection, fmt.name)
    with _SERIALIZING:
        if key not in cache:
            started = time.perf_counter()
            loaded = state().loaded
            graphs = selected_graphs(loaded.graph_triples, selection)
            cache[key] = serialize(graph_quads(loaded.store, graphs), fmt)
            log.info("serialized %s.%s (%d bytes) in %.2f s", selection, fmt.extension,
                     len(cache[key]), time.perf_counter() - started)
    return cache[key]


def _cacheable(response: Response, etag: str) -> Response:
    """Validators and caching headers, then 304 when the client's copy is current."""
    response.set_etag(etag)  # strong, quoted
    response.last_modified = datetime.fromisoformat(state().summary["built_at"])
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.make_conditional(request)  # in place: 304 when the client's copy is current
    return response


@bp.route("/export/<filename>")
def download(filename: str) -> Response:
    selection, _, extension = filename.rpartition(".")
    fmt = BY_EXTENSION.get(extension)
    offered = selections(state().loaded.graph_triples)
    if fmt is None or selection not in offered:
        return plain_error(404, f"no download named {filename!r}: it is <selection>.<extension>"
                                f"\nselections: {', '.join(offered)}"
                                f"\nextensions: {', '.join(BY_EXTENSION)}")
    etag = f"{state().summary['artifact_sha256'][:32]}-{selection}-{fmt.name}"
    response = _cacheable(Response(content_type=content_type(fmt)), etag)
    if response.status_code == 304:  # answered without serializing anything
        return response
    response.set_data(_body(selection, fmt))
    response.headers["Content-Disposition"] = (
        f'attachment; filename="syria-talks-{selection}.{fmt.extension}"')
    return response


@bp.route("/context.jsonld")
def context() -> Response:
    response = Response(CONTEXT, content_type="application/ld+json")
    return _cacheable(response, "context-" + hashlib.sha256(CONTEXT).hexdigest()[:32])


@bp.route("/export/", strict_slashes=False)
def index() -> Response:
    cache = state().cache
    counts = state().loaded.graph_triples
    rows = [{"name": name, "triples": selection_triples(counts, name),
             "description": DESCRIPTIONS.get(name, f"The facts and evidence from source {name}"),
             "links": [(fmt, f"{name}.{fmt.extension}",
                        len(cache.get(("export", name, fmt.name)) or b"") or None)
                       for fmt in RDF_FORMATS]}
            for name in selections(counts)]
    return Response(render_template("exports.html", rows=rows, formats=RDF_FORMATS,
                                    max_age=MAX_AGE), content_type="text/html; charset=utf-8")
