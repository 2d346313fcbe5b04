"""The downloads (/export/<selection>.<ext>), their page, the JSON-LD context and VoID's dumps.

Through Flask's test client on the real graph: every format round-trips to what
kg.export.selected_graphs selects, the HTTP caching headers work, and every link resolves.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from conftest import graphs_of, rdflib_dataset
from rdflib import Dataset, Graph

from kg.export import selected_graphs, selections
from kg.formats import RDF_FORMATS, content_type
from kg.namespaces import VOID
from kg.report import read_summary
from kg.web import create_app

SELECTIONS = ["all", "asserted", "inferred", "ontology", "a source"]


@pytest.fixture(scope="session")
def artifact(real_settings) -> Dataset:
    return rdflib_dataset(real_settings.artifact)


@pytest.fixture(scope="session")
def stem(app) -> str:
    return selections(app.extensions["kg"].loaded.graph_triples)[-1]


def path_of(url: str) -> str:
    return url.removeprefix("http://localhost")


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize("selection", SELECTIONS)
def test_every_format_round_trips_to_the_selected_graphs(client, artifact, stem, fmt, selection):
    selection = stem if selection == "a source" else selection
    response = client.get(f"/export/{selection}.{fmt.extension}")
    assert response.status_code == 200
    iris = [str(g.identifier) for g in artifact.graphs() if len(g)]
    expected = graphs_of(artifact, selected_graphs(iris, selection))
    if fmt.quads:  # the graph names are kept: compare the triples of each graph
        parsed = Dataset().parse(data=response.data, format=fmt.rdflib_name)
        got = {g.identifier: len(g) for g in parsed.graphs() if len(g)}
        assert got == {g.identifier: len(g) for g in expected}
    else:
        merged = Graph()
        for graph in expected:
            merged += graph
        assert len(Graph().parse(data=response.data, format=fmt.rdflib_name)) == len(merged)


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_media_type_and_file_name(client, fmt):
    response = client.get(f"/export/ontology.{fmt.extension}")
    assert response.headers["Content-Type"] == content_type(fmt)
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="syria-talks-ontology.{fmt.extension}"')


def test_caching_headers_and_conditional_requests(client, real_settings):
    response = client.get("/export/sources.ttl")
    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}-sources-ttl"', etag)
    assert read_summary(real_settings)["artifact_sha256"].startswith(etag[1:33])
    assert "max-age=3600" in response.headers["Cache-Control"]
    assert client.get("/export/sources.nt").headers["ETag"] != etag
    again = client.get("/export/sources.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/export/sources.ttl",
                      headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/export/sources.ttl",
                      headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_304_serializes_nothing(real_settings):
    app = create_app(real_settings)
    client, etag = app.test_client(), app.test_client().head("/export/all.trig").headers["ETag"]
    app.extensions["kg"].cache.clear()
    assert client.get("/export/all.trig", headers={"If-None-Match": etag}).status_code == 304
    assert ("export", "all", "trig") not in app.extensions["kg"].cache


@pytest.mark.parametrize("name", ["nothing.ttl", "all.txt", "all", "all.ttl.gz", ".ttl"])
def test_unknown_downloads_are_404_listing_what_exists(client, name, stem):
    response = client.get(f"/export/{name}")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    text = response.data.decode()
    assert "asserted" in text and stem in text and "jsonld" in text and "trig" in text


def test_the_json_ld_context_is_published_and_matches_the_downloads(client):
    response = client.get("/context.jsonld")
    assert response.mimetype == "application/ld+json"
    assert response.headers["ETag"]
    context = json.loads(response.data)["@context"]
    assert context["kg"] == "https://w3id.org/syria-talks/ontology#"
    assert json.loads(client.get("/export/ontology.jsonld").data)["@context"] == context


def test_void_lists_data_dumps_that_resolve(client, stem):
    void = Graph().parse(data=client.get("/void?format=ttl").data, format="turtle")
    dumps = {str(url) for url in void.objects(None, VOID.dataDump)}
    assert "http://localhost/export/all.ttl" in dumps
    assert f"http://localhost/export/{stem}.ttl" in dumps
    health = client.get("/health").json["triples"]
    assert len(dumps) == len(health["graphs"]) + 1
    for subset in void.objects(None, VOID.subset):
        (url,) = void.objects(subset, VOID.dataDump)
        assert str(url).endswith(f"/{str(subset).rsplit('/', 1)[1]}.ttl")
    for url in dumps:
        response = client.get(path_of(url))
        assert response.status_code == 200 and response.mimetype == "text/turtle"


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and (href := dict(attrs).get("href")):
            self.hrefs.append(href)


def test_the_downloads_page_links_every_download(client, stem):
    assert client.get("/export").status_code == 200
    response = client.get("/export/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    links = Links()
    links.feed(response.data.decode())
    downloads = [h for h in links.hrefs if h.startswith("/export/") and h != "/export/"]
    selections = 2 + len(client.get("/health").json["triples"]["graphs"])  # + all, asserted
    assert len(set(downloads)) == len(downloads) == selections * len(RDF_FORMATS)
    assert f"/export/{stem}.nq" in downloads and "/export/asserted.rdf" in downloads
    assert "/context.jsonld" in links.hrefs
    for href in [*downloads, "/context.jsonld"]:  # the site's navigation is tested elsewhere
        assert client.get(href).status_code == 200, href
    sizes = client.get("/export/").data.decode()  # every download is computed by now
    assert f"{len(client.get('/export/all.nq').data):,} bytes" in sizes


def test_downloads_are_served_from_the_cache(app, client):
    first = client.get("/export/inferred.nt").data
    assert app.extensions["kg"].cache[("export", "inferred", "nt")] == first
    assert client.get("/export/inferred.nt").data == first
