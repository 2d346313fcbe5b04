"""Linked-data pages: dereferenceable IRIs, negotiation, provenance, navigation, escaping."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from kg.formats import RDF_FORMATS
from kg.namespaces import GRAPH, ID, KG, OWL, RDF, RDFS, SRC
from kg.web import create_app

GENEVA_IV = URIRef(ID["geneva-iv"])
VIENNA = URIRef(ID["vienna-2015-10-30"])
VIENNA_QUOTE = ("Participating in the 30 October Vienna talks were the US, UK, Russia, Iran, "
                "Turkey, Egypt, Saudi Arabia, UAE, Qatar, Jordan, China, France, Germany, Italy")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def triples(data: bytes, rdflib_name: str) -> set:
    dataset = Dataset()
    dataset.parse(data=data, format=rdflib_name)
    return {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}


# --- dereferencing and negotiation ---------------------------------------------------------


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_entity_rdf_by_accept_header(client, fmt):
    response = client.get("/id/geneva-iv", headers={"Accept": fmt.media_type})
    assert response.status_code == 200
    assert response.mimetype == fmt.media_type
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"].endswith(f"/id/geneva-iv.{fmt.extension}")
    facts = triples(response.data, fmt.rdflib_name)
    assert (GENEVA_IV, RDFS.label, Literal("Geneva IV", lang="en")) in facts
    assert (URIRef(ID["russia"]), URIRef(KG.attends), GENEVA_IV) in facts  # incoming too
    assert any(p == URIRef(KG.quote) for _, p, _ in facts)  # and the evidence


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_entity_rdf_by_suffix(client, fmt):
    response = client.get(f"/id/geneva-iv.{fmt.extension}", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == fmt.media_type
    assert (GENEVA_IV, RDFS.label, Literal("Geneva IV", lang="en")) in triples(
        response.data, fmt.rdflib_name)


def test_turtle_and_json_ld_hold_the_same_facts(client):
    turtle = client.get("/id/staffan-de-mistura", headers={"Accept": "text/turtle"})
    jsonld = client.get("/id/staffan-de-mistura", headers={"Accept": "application/ld+json"})
    assert triples(turtle.data, "turtle") == triples(jsonld.data, "json-ld")
    # Parsed into a plain graph, as most clients do, the JSON-LD holds every fact too.
    assert set(Graph().parse(data=jsonld.data, format="json-ld")) == set(
        Graph().parse(data=turtle.data, format="turtle"))
    assert "@context" in json.loads(jsonld.data)


@pytest.mark.parametrize("accept", [BROWSER, None, "*/*"])
def test_browsers_and_plain_requests_get_html(client, accept):
    response = client.get("/id/geneva-iv", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == "text/html"
    links = response.headers["Link"]
    assert all(f'type="{f.media_type}"' in links for f in RDF_FORMATS)
    assert "Content-Security-Policy" in response.headers


def test_406_when_no_representation_fits(client):
    assert client.get("/id/geneva-iv", headers={"Accept": "image/png"}).status_code == 406


def test_unknown_iri_is_a_404_page_with_suggestions(client):
    response = client.get("/id/lavrov", headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert 'href="http://localhost/id/sergey-lavrov"' in response.text
    rdf = client.get("/id/lavrov", headers={"Accept": "text/turtle"})
    assert rdf.status_code == 404 and "nothing is known" in rdf.text


def test_public_base_is_a_setting(real_settings):
    app = create_app(replace(real_settings, base_url="https://example.org/kg"))
    page = app.test_client().get("/id/geneva-iv").text
    assert 'href="https://example.org/kg/id/russia"' in page


# --- the entity page ---------------------------------------------------------------------


def test_provenance_on_a_known_fact(client):
    page = client.get("/id/vienna-2015-10-30").text
    assert VIENNA_QUOTE in page
    stem = "003_104f6d85d51fba0e"
    assert re.search(rf'href="http://localhost/source/{stem}\?quote=\w+#ev-\w+"', page)


def test_incoming_facts_list_who_attended(client):
    page = client.get("/id/vienna-2015-10-30").text
    incoming = page.split('id="in-title"')[1]
    for party in ("russia", "iran", "china", "european-union"):
        assert f'href="http://localhost/id/{party}"' in incoming


def test_inferred_facts_are_marked_apart(client):
    page = client.get("/id/vienna-2015-10-30").text
    facts = page.split('id="out-title"')[1].split('id="in-title"')[0]
    attendee = facts.split(">attendee<")[1].split("</dd>\n  <dt>")[0]
    assert 'class="inferred"' in attendee and "badge inferred" in attendee
    assert "badge asserted" not in attendee


def test_sources_that_disagree_are_shown_side_by_side(client):
    page = client.get("/id/geneva-iv").text
    section = page.split('id="disagree-title"')[1].split("</section>")[0]
    assert "round number" in section
    assert "<strong>4</strong>" in section and "<strong>5</strong>" in section


def test_dates_read_as_words_with_their_datatype(client):
    page = client.get("/id/geneva-iv").text
    assert "23 February 2017" in page and "xsd:date" in page


# --- navigation ---------------------------------------------------------------------------


def test_home_page_entry_points(client):
    page = client.get("/").text
    for iri in ("id/geneva-iv", "id/staffan-de-mistura", "id/unsc-2254",
                "source/003_104f6d85d51fba0e"):
        assert f'href="http://localhost/{iri}"' in page
    assert "/class/Conference" in page and "/export/" in page and "/query" in page
    order = [page.index(f"/id/{c}\"") for c in ("geneva-2012", "vienna-2015-10-30", "geneva-iv")]
    assert order == sorted(order)  # conferences in time order


@pytest.mark.parametrize(("words", "expected"), [
    ("lavrov", "sergey-lavrov"), ("de mistura", "staffan-de-mistura"), ("2254", "unsc-2254"),
    ("DE MÍSTURA", "staffan-de-mistura"),
])
def test_search(client, words, expected):
    page = client.get("/search", query_string={"q": words}).text
    first = re.search(r'<ol class="hits">\s*<li><a href="([^"]+)"', page)
    assert first and first.group(1) == f"http://localhost/id/{expected}"


def test_class_index(client):
    page = client.get("/class/Conference").text
    assert 'href="http://localhost/id/geneva-iv"' in page
    assert client.get("/class/NoSuchClass").status_code == 404


def test_ontology_page_and_its_rdf(client):
    page = client.get("/ontology").text
    assert 'id="Conference"' in page and 'id="attends"' in page
    graph = Graph().parse(data=client.get("/ontology.ttl").data, format="turtle")
    assert (URIRef(KG.Conference), RDF.type, OWL.Class) in graph
    # A term's hash IRI is served by its document, /ontology, where its anchor is.
    term_page = client.get("/id/geneva-iv").text
    assert 'href="http://localhost/ontology#Conference"' in term_page


def test_source_page_highlights_the_quoted_sentence(client):
    stem = "003_104f6d85d51fba0e"
    page = client.get("/id/vienna-2015-10-30").text
    quote = re.search(rf"/source/{stem}\?quote=(\w+)#ev-(\w+)", page).group(1)
    source = client.get(f"/source/{stem}", query_string={"quote": quote}).text
    assert f'id="ev-{quote}"' in source
    current = re.search(r'class="quote current"[^>]*><mark>(.*?)</mark>', source, re.DOTALL)
    assert current and current.group(1).split()[0] in VIENNA_QUOTE
    assert "could not be found" not in source  # every quote is in its text
    store = client.application.extensions["kg"].loaded.store
    quotes = store.query(f"SELECT (COUNT(?ev) AS ?n) {{ GRAPH <{GRAPH[stem]}> "
                         f"{{ ?ev <{KG.quote}> ?q }} }}")
    assert source.count('class="anchor" id="ev-') == int(next(quotes)["n"].value)


def test_graph_pages_and_their_data(client):
    page = client.get("/graph/inferred").text
    assert "OWL 2 RL" in page
    response = client.get("/graph/inferred", headers={"Accept": "text/turtle"})
    assert response.status_code == 303 and response.location.endswith("/export/inferred.ttl")


def test_validation_and_timeline_pages(client):
    page = client.get("/validation").text
    assert re.search(r"Validation</th><td>conforms in [\d.]+ s</td>", page)
    timeline = client.get("/timeline").text
    assert "<svg" in timeline and "/id/geneva-iv" in timeline


def test_source_iri_dereferences_as_rdf(client):
    stem = "001_d096729302f96f2b"
    facts = triples(client.get(f"/source/{stem}.ttl").data, "turtle")
    assert (URIRef(SRC[stem]), RDF.type, URIRef(KG.NewsReport)) in facts


# --- escaping -----------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def hostile_client(real_settings, tmp_path_factory):
    """The real graph plus an entity whose label and a fact hold markup."""
    build = tmp_path_factory.mktemp("hostile")
    shutil.copy(real_settings.summary, build / "summary.json")
    evil, graph = ID["evil"], GRAPH["000_b4a62eb40afd9d40"]
    extra = (f'<{evil}> <{RDFS.label}> "{SCRIPT}"@en <{graph}> .\n'
             f"<{evil}> <{RDF.type}> <{KG.Person}> <{graph}> .\n"
             f'<{GENEVA_IV}> <{KG.outcome}> "{SCRIPT} & more" <{graph}> .\n'
             f"<{evil}> <{KG.attends}> <{GENEVA_IV}> <{graph}> .\n")
    (build / "kg.nq").write_text(real_settings.artifact.read_text() + extra)
    settings = replace(real_settings, build_dir=build, artifact=build / "kg.nq",
                       summary=build / "summary.json")
    return create_app(settings).test_client()


@pytest.mark.parametrize("url", ["/id/evil", "/id/geneva-iv", "/search?q=script",
                                 "/query?query=SELECT+%3Fl+%7B+id%3Aevil+rdfs%3Alabel+%3Fl+%7D",
                                 "/class/Person", "/id/evil%3Cscript%3E"])
def test_markup_in_the_data_is_shown_as_text(hostile_client, url):
    response = hostile_client.get(url)
    assert SCRIPT not in response.text
    if "query" not in url and "%3C" not in url:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_shapes_have_pages_and_stay_out_of_the_default_graph(client):
    page = client.get("/shapes").text
    assert 'id="S01-LabelShape"' in page and "exactly one English rdfs:label" in page
    graph = Graph().parse(data=client.get("/shapes.ttl").data, format="turtle")
    shape = URIRef("https://w3id.org/syria-talks/shapes#S01-LabelShape")
    assert (shape, RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")) in graph
    store = client.application.extensions["kg"].loaded.store
    assert not store.query("ASK { ?s a <http://www.w3.org/ns/shacl#NodeShape> }")
    assert store.query(f"ASK {{ GRAPH <{GRAPH['shapes']}> {{ <{shape}> ?p ?o }} }}")
    assert "33 SHACL shapes" in client.get("/validation").text
