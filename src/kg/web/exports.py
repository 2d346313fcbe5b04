"""Downloads: every graph selection in every RDF format, at /export/<selection>.<ext>.

The bytes of each download are serialized once per worker, on first request, and kept in
AppState.cache: the data only changes with a new build, which comes with a new app (a restart
or `kg reload`). They come from the loaded store (the very quads the endpoint queries), never
from re-reading the artifact.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request
from rdflib import Dataset

from kg.export import select_graphs, serialize
from kg.formats import RDF_FORMATS, RdfFormat, content_type
from kg.namespaces import PREFIXES
from kg.web import plain_error, state
from kg.web.downloads import selections, triples

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


@dataclass
class _Exports:
    """Per app: the rdflib dataset, parsed on first need, and the lock guarding the cache."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    dataset: Dataset | None = None


def _dataset(exports: _Exports) -> Dataset:
    if exports.dataset is None:  # the named graphs only: the store's default graph is a merge
        quads = (q for q in state().loaded.store if isinstance(q.graph_name, ox.NamedNode))
        exports.dataset = Dataset()
        exports.dataset.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS),
                              format="nquads")
    return exports.dataset


def _body(selection: str, fmt: RdfFormat) -> bytes:
    cache, key = state().cache, ("export", selection, fmt.name)
    exports: _Exports = current_app.extensions.setdefault("kg.exports", _Exports())
    with exports.lock:  # one serialization at a time, and never the same one twice
        if key not in cache:
            started = time.perf_counter()
            cache[key] = serialize(select_graphs(_dataset(exports), selection), fmt)
            log.info("serialized %s.%s (%d bytes) in %.2f s", selection, fmt.extension,
                     len(cache[key]), time.perf_counter() - started)
    return cache[key]


def _cacheable(response: Response, etag: str) -> Response:
    """Validators and caching headers, then 304 when the client's copy is current."""
    response.set_etag(etag)  # strong, quoted
    response.last_modified = datetime.fromisoformat(state().summary["built_at"])
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response.make_conditional(request)


@bp.route("/export/<filename>")
def download(filename: str) -> Response:
    selection, _, extension = filename.rpartition(".")
    fmt = BY_EXTENSION.get(extension)
    if fmt is None or selection not in selections():
        return plain_error(404, f"no download named {filename!r}: it is <selection>.<extension>"
                                f"\nselections: {', '.join(selections())}"
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
    rows = [{"name": name, "triples": triples(name),
             "description": DESCRIPTIONS.get(name, f"The facts and evidence from source {name}"),
             "links": [(fmt, f"{name}.{fmt.extension}",
                        len(cache.get(("export", name, fmt.name), b"")) or None)
                       for fmt in RDF_FORMATS]}
            for name in selections()]
    return Response(render_template("exports.html", rows=rows, formats=RDF_FORMATS,
                                    max_age=MAX_AGE), content_type="text/html; charset=utf-8")
