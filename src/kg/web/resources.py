"""Linked-data pages: every IRI of the stable namespace dereferences on this app.

`https://w3id.org/syria-talks/<path>` is served at `<base>/<path>`. One URL, several
representations (direct serve, no redirect): HTML for browsers, RDF by Accept or by a
`.ttl`/`.jsonld`/`.nt`/`.rdf` (also `.trig`, `.nq`) suffix, with `Vary: Accept`,
`Link: rel="alternate"` to each format and `Content-Location` naming the variant served.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from kg.formats import (
    HTML_TYPES,
    RDF_FORMATS,
    RdfFormat,
    available,
    content_type,
    negotiate,
    serialize,
)
from kg.namespaces import (
    BASE,
    DATASET_IRI,
    GRAPH,
    ONTOLOGY_IRI,
    SHAPES_IRI,
    SRC,
    graph_name,
    local_href,
)
from kg.read import pages as page_data
from kg.read.neighbours import neighbourhood
from kg.read.timeline import timeline_events
from kg.terms import valid_iri
from kg.web import base_url, pictures, plain_error, state

bp = Blueprint("resources", __name__)


SUFFIXES = {f".{f.extension}": f for f in RDF_FORMATS}


def split_suffix(local: str) -> tuple[str, RdfFormat | None]:
    for suffix, fmt in SUFFIXES.items():
        if local.endswith(suffix):
            return local[: -len(suffix)], fmt
    return local, None


def alternates(url: str) -> str:
    links = [f'<{url}.{f.extension}>; rel="alternate"; type="{f.media_type}"'
             for f in RDF_FORMATS]
    return ", ".join([f'<{url}>; rel="alternate"; type="text/html"', *links])


def _negotiated(response: Response, url: str, served: str) -> Response:
    response.vary.add("Accept")
    response.headers["Link"] = alternates(url)
    response.headers["Content-Location"] = served
    return response


FORMATS = [{"label": f.label, "extension": f.extension, "media_type": f.media_type}
           for f in RDF_FORMATS]
KIND_NAMES = {"Class": "Classes", "ObjectProperty": "Relations (object properties)",
              "DatatypeProperty": "Attributes (datatype properties)"}


def href(iri: str) -> str | None:
    """The page of an IRI: on this app for the project's namespace, the IRI itself for other
    web IRIs, None for the rest (never made links)."""
    return local_href(iri, base_url())


def _html(template: str, status: int = 200, **context: object) -> Response:
    labels = state().term_labels

    html = render_template(
        template, href=href, formats=FORMATS, kind_names=KIND_NAMES,
        source_iri=lambda stem: str(SRC[stem]), ontology_iri=str(ONTOLOGY_IRI),
        type_labels=lambda types: ", ".join(labels.get(t, t) for t in types[:2]),
        **context)
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def not_found(iri: str, words: str) -> Response:
    hits = state().search.search(words, limit=10) if words.strip() else []
    return _html("not_found.html", status=404, iri=iri, hits=hits, query=words)


def _page(local: str, iri: str) -> Response:
    site = state().site
    if iri == str(ONTOLOGY_IRI):
        return _html("ontology.html", **page_data.ontology(site.store))
    if iri == str(SHAPES_IRI):
        return _html("shapes.html", **page_data.shapes(site))
    if local.startswith("source/"):
        data = page_data.source(site, local[len("source/"):], request.args.get("quote"))
        if data is not None:
            return _html("source.html", **data)
    if iri.startswith(str(GRAPH)) and iri in site.loaded.graph_triples:
        return _html("graph.html", **page_data.graph(site, iri))
    view = page_data.entity(site, iri)
    if view is None:
        return not_found(iri, local.rsplit("/", 1)[-1].replace("-", " "))
    picture = pictures.neighbourhood_svg(neighbourhood(site.store, iri), href)
    return _html("entity.html", neighbourhood_svg=Markup(picture),  # noqa: S704 (escaped)
                 **view)


@bp.route("/<path:local>")
def resource(local: str) -> ResponseReturnValue:
    local, suffix = split_suffix(local)
    iri = BASE + local
    url = base_url() + local
    if not valid_iri(iri):  # pages put the IRI in SPARQL: only a well-formed one gets there
        return plain_error(404, "not an IRI of this dataset: the path holds characters no "
                                "IRI may contain")
    if iri == str(DATASET_IRI):
        return redirect("void", code=303)
    chosen = negotiate(RDF_FORMATS, request.headers.get("Accept"),
                       suffix.name if suffix else None, extra=HTML_TYPES, prefer_extra=True)
    if chosen is None:
        return plain_error(406, "this resource comes as HTML or " + available(RDF_FORMATS))
    if isinstance(chosen, str):
        return _negotiated(_page(local, iri), url, url)
    if iri.startswith(str(GRAPH)) and iri in state().loaded.graph_triples:
        # A named graph's RDF is its content: the download of that graph.
        return redirect(f"{base_url()}export/{graph_name(iri)}.{chosen.extension}", code=303)
    quads = page_data.entity_quads(state().site, iri)
    if not quads:
        return plain_error(404, f"nothing is known about <{iri}>")
    # JSON-LD merges the graphs here, as the triple formats do, so a client parsing it into a
    # plain graph gets every fact; TriG and N-Quads keep each triple's source graph.
    body = serialize(quads, chosen, merge=chosen.name == "jsonld")
    response = Response(body, content_type=content_type(chosen))
    return _negotiated(response, url, f"{url}.{chosen.extension}")


@bp.route("/")
def home() -> Response:
    return _html("home.html", **page_data.home(state().site))


@bp.route("/class/<name>")
def class_index(name: str) -> Response:
    data = page_data.class_index(state().site, name)
    if data is None:
        abort(404)
    return _html("class.html", **data)


@bp.route("/search")
def search() -> Response:
    words = request.args.get("q", "")
    hits = state().search.search(words, limit=50) if words.strip() else []
    return _html("search.html", query=words, hits=hits)


@bp.route("/validation")
def validation() -> Response:
    return _html("validation.html", **page_data.validation(state().site))


@bp.route("/timeline")
def timeline() -> Response:
    picture = pictures.timeline_svg(timeline_events(state().site.store), href)
    return _html("timeline.html", timeline_svg=Markup(picture))  # noqa: S704 (escaped)
