"""The SPARQL 1.1 Protocol endpoint through Flask's test client, on the real graph.

The protocol matrix (every method x every media type x every query form), every malformed
request, the refusals, the service description, VoID, /health and the query page.
"""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
from markupsafe import escape
from rdflib import Dataset, Graph, Literal, URIRef

from kg.formats import RDF_FORMATS, RESULT_FORMATS
from kg.namespaces import GRAPH, ID, KG, RDF, RDFS, SD, VOID
from kg.web import create_app

GENEVA = ID["geneva-iv"]
SELECT = "SELECT ?label WHERE { id:geneva-iv rdfs:label ?label }"
ASK = "ASK { id:geneva-iv a kg:Conference }"
CONSTRUCT = "CONSTRUCT { id:geneva-iv rdfs:label ?l } WHERE { id:geneva-iv rdfs:label ?l }"
DESCRIBE = "DESCRIBE id:geneva-iv"
SRX = "{http://www.w3.org/2005/sparql-results#}"
FORM = "application/x-www-form-urlencoded"


def send(client, method: str, query: str, accept: str | None = None, **extra):
    """One protocol request: GET, POST form or POST sparql-query."""
    headers = {"Accept": accept} if accept else {}
    if method == "GET":
        return client.get("/sparql", query_string={"query": query, **extra}, headers=headers)
    if method == "form":
        return client.post("/sparql", data={"query": query, **extra}, headers=headers)
    return client.post("/sparql", data=query.encode(), content_type="application/sparql-query",
                       query_string=extra, headers=headers)


METHODS = ["GET", "form", "body"]
ENDPOINT_RESULTS = [f for f in RESULT_FORMATS if f.endpoint]


def select_values(fmt: str, body: bytes) -> set[str]:
    """The ?label values of a SELECT answer, read in its own format."""
    text = body.decode()
    if fmt == "json":
        return {b["label"]["value"] for b in json.loads(text)["results"]["bindings"]}
    if fmt == "xml":
        root = ElementTree.fromstring(body)
        return {e.text for e in root.iter(f"{SRX}literal")}
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["label"]
        return {row[0] for row in rows[1:]}
    lines = text.splitlines()
    assert lines[0] == "?label"
    return {re.fullmatch(r'"(.*)"(@[\w-]+|\^\^<[^>]*>)?', line).group(1) for line in lines[1:]}


def ask_value(fmt: str, body: bytes) -> bool:
    text = body.decode()
    if fmt == "json":
        return json.loads(text)["boolean"]
    if fmt == "xml":
        return ElementTree.fromstring(body).find(f"{SRX}boolean").text == "true"
    last = text.splitlines()[-1]
    return last.strip('"').startswith("true")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", ENDPOINT_RESULTS, ids=lambda f: f.name)
def test_select_in_every_result_format(client, method, fmt):
    response = send(client, method, SELECT, fmt.media_type)
    assert response.status_code == 200, response.text
    assert response.mimetype == fmt.media_type
    assert select_values(fmt.name, response.data) == {"Geneva IV"}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", ENDPOINT_RESULTS, ids=lambda f: f.name)
def test_ask_in_every_result_format(client, method, fmt):
    response = send(client, method, ASK, fmt.media_type)
    assert response.status_code == 200, response.text
    assert response.mimetype == fmt.media_type
    assert ask_value(fmt.name, response.data) is True
    no = send(client, method, "ASK { id:geneva-iv a kg:Resolution }", fmt.media_type)
    assert ask_value(fmt.name, no.data) is False


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_graph_results_in_every_rdf_format(client, method, fmt, query):
    response = send(client, method, query, fmt.media_type)
    assert response.status_code == 200, response.text
    assert response.mimetype == fmt.media_type
    parsed = Dataset().parse(data=response.data, format=fmt.rdflib_name)
    triples = {(s, p, o) for s, p, o, _graph in parsed.quads((None, None, None, None))}
    assert (GENEVA, RDFS.label, Literal("Geneva IV", lang="en")) in triples
    if query == DESCRIBE:
        assert len(triples) > 5  # the whole description, not only the label


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/*", "text/csv"),
        ("application/json", "application/sparql-results+json"),
        ("text/tab-separated-values, */*;q=0.1", "text/tab-separated-values"),
    ],
)
def test_accept_header_q_values_and_wildcards(client, accept, expected):
    response = send(client, "GET", SELECT, accept)
    assert response.status_code == 200
    assert response.mimetype == expected
    assert "Accept" in response.headers["Vary"]


def test_format_parameter_overrides_accept(client):
    response = send(client, "GET", SELECT, "application/sparql-results+json", format="csv")
    assert response.mimetype == "text/csv"
    assert send(client, "GET", CONSTRUCT, None, format="nt").mimetype == "application/n-triples"


def test_graph_results_default_to_turtle(client):
    assert send(client, "GET", CONSTRUCT).mimetype == "text/turtle"


@pytest.mark.parametrize(
    ("query", "accept"),
    [(SELECT, "image/png"), (SELECT, "text/turtle"), (CONSTRUCT, "text/csv")],
)
def test_406_when_no_format_fits(client, query, accept):
    response = send(client, "GET", query, accept)
    assert response.status_code == 406
    assert "application/" in response.text  # it lists what is on offer


def test_browsers_get_the_results_as_a_page(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = send(client, "GET", SELECT, accept)
    assert response.mimetype == "text/html"
    assert "Geneva IV" in response.text and "<table>" in response.text


# --- malformed requests -------------------------------------------------------------------


def test_missing_query(client):
    response = client.post("/sparql", data={"default-graph-uri": str(GRAPH["inferred"])})
    assert response.status_code == 400
    assert "missing query" in response.text


def test_two_queries(client):
    response = client.get(f"/sparql?query={quote(SELECT)}&query={quote(ASK)}")
    assert response.status_code == 400
    assert "once" in response.text
    both = client.post(f"/sparql?query={quote(ASK)}", data=SELECT.encode(),
                       content_type="application/sparql-query")
    assert both.status_code == 400


def test_wrong_media_type_is_415(client):
    response = client.post("/sparql", data=SELECT, content_type="text/plain")
    assert response.status_code == 415
    assert "application/sparql-query" in response.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(client, method):
    response = client.open("/sparql", method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert "Traceback" not in response.text


def test_non_utf8_bytes(client):
    assert client.get("/sparql?query=SELECT%20%FF%FE").status_code == 400
    response = client.post("/sparql", data=b"SELECT * { ?s ?p \xff }",
                           content_type="application/sparql-query")
    assert response.status_code == 400
    assert "UTF-8" in response.text
    form = client.post("/sparql", data=b"query=ASK%7B%7D%C3", content_type=FORM)
    assert form.status_code == 400


def test_syntax_error_gives_the_parsers_message_with_its_position(client):
    response = send(client, "GET", "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert "syntax error" in response.text
    assert "1:" in response.text  # line:column from the parser


def test_bad_timeout_parameter(client):
    response = send(client, "GET", SELECT, timeout="soon")
    assert response.status_code == 400
    assert "timeout" in response.text


def test_query_length_is_capped(app, client):
    long_query = SELECT + " #" + "x" * app.extensions["kg"].settings.max_query_chars
    response = send(client, "body", long_query)
    assert response.status_code == 413
    assert "max_query_chars" in response.text


def test_request_body_size_is_capped(app, client):
    size = app.extensions["kg"].settings.max_body_bytes + 1
    response = client.post("/sparql", data=b" " * size, content_type="application/sparql-query")
    assert response.status_code == 413
    assert "max_body_bytes" in response.text


# --- refusals ------------------------------------------------------------------------------

UPDATE = "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"data": {"update": UPDATE}},
        {"data": UPDATE.encode(), "content_type": "application/sparql-update"},
        {"data": UPDATE.encode(), "content_type": "application/sparql-query"},
        {"data": {"query": "DROP ALL"}},
    ],
    ids=["form-update", "update-body", "update-as-query", "drop-as-query"],
)
def test_updates_are_refused_and_change_nothing(client, request_kwargs):
    before = client.get("/health").json["triples"]
    response = client.post("/sparql", **request_kwargs)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert client.get("/health").json["triples"] == before


def test_update_in_a_get_is_refused(client):
    response = client.get("/sparql", query_string={"update": UPDATE})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("query", "clause"),
    [
        ("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <http://127.0.0.1:9/data.ttl> { ?s ?p ?o }", "FROM"),
        ("SELECT * FROM NAMED <http://127.0.0.1:9/data.ttl> { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ],
)
def test_remote_access_is_refused_naming_the_clause(client, query, clause):
    response = send(client, "GET", query)
    assert response.status_code == 400
    assert clause in response.text


def test_remote_graphs_in_protocol_parameters_are_refused(client):
    response = send(client, "GET", SELECT, **{"default-graph-uri": "http://127.0.0.1:9/g"})
    assert response.status_code == 400
    assert "default-graph-uri" in response.text and "never fetched" in response.text


# --- dataset parameters ------------------------------------------------------------------

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count(client, query=COUNT, **params) -> int:
    response = send(client, "GET", query, "application/sparql-results+json", **params)
    assert response.status_code == 200, response.text
    return int(response.json["results"]["bindings"][0]["n"]["value"])


def test_default_graph_uri_selects_the_default_graph(client):
    health = client.get("/health").json["triples"]
    assert count(client) == health["default_graph"]
    inferred = str(GRAPH["inferred"])
    assert count(client, **{"default-graph-uri": inferred}) == health["graphs"]["inferred"]


def test_named_graph_uri_limits_graph_patterns(client):
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(client, query) == len(client.get("/health").json["triples"]["graphs"])
    assert count(client, query, **{"named-graph-uri": str(GRAPH["ontology"])}) == 1
    # With only named graphs given, the default graph is empty, as the protocol says.
    assert count(client, **{"named-graph-uri": str(GRAPH["ontology"])}) == 0


def test_protocol_dataset_overrides_the_querys_own(client):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH['ontology']}> WHERE {{ ?s ?p ?o }}"
    sources = str(GRAPH["sources"])
    assert count(client, query, **{"default-graph-uri": sources}) == count(
        client, **{"default-graph-uri": sources})


def test_graph_patterns_reach_every_source_graph(client):
    query = ("SELECT ?g WHERE { GRAPH ?g { id:staffan-de-mistura a ?type } }")
    response = send(client, "GET", query, "application/sparql-results+json")
    graphs = {b["g"]["value"] for b in response.json["results"]["bindings"]}
    assert len(graphs) >= 2  # named in several sources


# --- limits ---------------------------------------------------------------------------------


def test_rows_are_capped_and_the_cut_is_flagged(real_settings):
    from dataclasses import replace

    app = create_app(replace(real_settings, max_rows=5))
    response = send(app.test_client(), "GET", "SELECT * { ?s ?p ?o }", "text/csv")
    assert response.status_code == 200
    assert len(response.text.strip().splitlines()) == 1 + 5
    assert response.headers["X-SPARQL-MaxRows"] == "5"
    small = send(app.test_client(), "GET", "SELECT * { ?s ?p ?o } LIMIT 5", "text/csv")
    assert "X-SPARQL-MaxRows" not in small.headers


def test_request_may_lower_the_time_limit_but_not_raise_it(client, monkeypatch):
    import kg.web.sparql as sparql

    seen = []
    original = sparql.run_query
    monkeypatch.setattr(sparql, "run_query",
                        lambda *a, **k: seen.append(a[2]) or original(*a, **k))
    limit = client.application.extensions["kg"].settings.query_timeout_s
    send(client, "GET", ASK + " # lower", timeout="0.5")
    send(client, "GET", ASK + " # raise", timeout=str(limit * 100))
    assert seen == [0.5, limit]


# --- CORS, service description, VoID, health ----------------------------------------------


def test_cors_for_browser_clients_on_other_origins(client):
    preflight = client.options("/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    response = send(client, "GET", SELECT)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_service_description_in_every_rdf_format(client, fmt):
    response = client.get("/sparql", headers={"Accept": fmt.media_type})
    assert response.status_code == 200
    assert response.mimetype == fmt.media_type
    graph = Dataset().parse(data=response.data, format=fmt.rdflib_name)
    endpoint = URIRef("http://localhost/sparql")
    assert (endpoint, RDF.type, SD.Service) in graph
    assert (endpoint, SD.endpoint, endpoint) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert len(set(graph.objects(endpoint, SD.resultFormat))) == 10
    names = set(graph.objects(None, SD.name))
    assert URIRef(GRAPH["inferred"]) in names and URIRef(GRAPH["shapes"]) in names
    assert len(names) == len(client.get("/health").json["triples"]["graphs"])
    (dataset,) = graph.objects(endpoint, SD.defaultDataset)
    assert (dataset, RDFS.seeAlso, URIRef("http://localhost/void")) in graph


def test_service_description_counts_match_health(client):
    graph = Graph().parse(data=client.get("/sparql").data, format="turtle")
    health = client.get("/health").json["triples"]
    (default,) = graph.objects(None, SD.defaultGraph)
    assert int(graph.value(default, VOID.triples)) == health["default_graph"]


def test_void_describes_the_dataset_with_counts(client):
    response = client.get("/void", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    (dataset,) = graph.subjects(VOID.sparqlEndpoint, URIRef("http://localhost/sparql"))
    health = client.get("/health").json["triples"]
    assert int(graph.value(dataset, VOID.triples)) == health["default_graph"]
    assert len(set(graph.objects(dataset, VOID.subset))) == len(health["graphs"])
    partitions = {graph.value(p, VOID["class"]): int(graph.value(p, VOID.entities))
                  for p in graph.objects(dataset, VOID.classPartition)}
    conferences = count(client, "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?c a kg:Conference }")
    assert partitions[URIRef(KG.Conference)] == conferences
    assert client.get("/.well-known/void").status_code == 303


def test_health_reports_counts_and_build_time(client, real_settings):
    document = client.get("/health").json
    assert document["status"] == "ok"
    assert document["built"].startswith("20")
    triples = document["triples"]
    assert triples["all_graphs"] == sum(triples["graphs"].values())
    assert triples["all_graphs"] == len(real_settings.artifact.read_text().splitlines())


# --- the query page -----------------------------------------------------------------------


def test_query_page_has_prefixes_and_examples(client):
    from kg.examples import examples

    page = client.get("/query").text
    assert "PREFIX kg: &lt;https://w3id.org/syria-talks/ontology#&gt;" in page
    assert all(str(escape(e.title)) in page for e in examples())
    assert page.count('href="/query?query=') == len(examples())


def test_query_page_runs_a_query_and_links_iris(client):
    page = client.get("/query", query_string={"query": "SELECT ?c { ?c a kg:Conference }"}).text
    assert 'href="http://localhost/id/geneva-iv"' in page
    assert "sparql?query=" in page and "format=csv" in page


def test_query_page_shows_errors_inline(client):
    response = client.get("/query", query_string={"query": "SELECT * { ?s ?p }"})
    assert response.status_code == 400
    assert 'role="alert"' in response.text and "syntax error" in response.text


def test_query_page_escapes_what_it_shows(client):
    query = 'SELECT ?x { BIND("<script>alert(1)</script>" AS ?x) }'
    page = client.get("/query", query_string={"query": query}).text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Content-Security-Policy" in client.get("/query").headers


def test_no_stack_trace_ever_reaches_the_client(client, monkeypatch):
    import kg.web.sparql as sparql

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(sparql, "run_query", broken)
    response = send(client, "GET", SELECT + " # broken")
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_the_app_only_loads_and_says_how_to_build(mini_settings):
    from kg.store import StoreError

    with pytest.raises(StoreError, match="run `kg build`"):
        create_app(mini_settings)
    assert not mini_settings.artifact.exists()


def test_serving_builds_the_graph_first_when_there_is_no_artifact(mini_settings):
    from kg.web.server import ensure_built

    assert not mini_settings.artifact.exists()
    ensure_built(mini_settings)
    assert mini_settings.artifact.is_file()
    app = create_app(mini_settings)
    assert app.test_client().get("/health").json["triples"]["default_graph"] > 0


def test_serving_refuses_to_start_on_a_build_that_fails(make_project):
    from kg.errors import KgError
    from kg.settings import load_settings
    from kg.web.server import ensure_built

    settings = load_settings(env={}, root=make_project("S01-agent-without-label"))
    with pytest.raises(KgError, match="build failed"):
        ensure_built(settings)
    assert not settings.artifact.exists()


# --- found in review ------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "accept"), [
    ("/sparql?query=" + quote(SELECT), "application/sparql-results+json; charset=utf-8"),
    ("/id/geneva-iv", "text/turtle; charset=utf-8"),
    ("/id/geneva-iv", 'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"'),
])
def test_media_type_parameters_do_not_prevent_a_match(client, path, accept):
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept.split(";")[0]


def test_head_on_the_service_description(client):
    assert client.head("/sparql", headers={"Accept": "text/turtle"}).status_code == 200


def test_xml_results_hold_characters_xml_cannot(client):
    response = send(client, "GET", 'SELECT ?e { BIND("a\x01b" AS ?e) }',
                    "application/sparql-results+xml")
    root = ElementTree.fromstring(response.data)  # parses: the character was replaced
    assert root.find(f".//{SRX}literal").text == "a\ufffdb"


def test_non_web_iris_are_shown_but_never_linked(client):
    page = client.get("/query", query_string={
        "query": "SELECT ?x { BIND(<javascript:alert(1)> AS ?x) }"}).text
    assert 'href="javascript:' not in page and "javascript:alert(1)" in page


def test_cors_preflight_allows_the_headers_asked_for(client):
    response = client.options("/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-requested-with"})
    assert "x-requested-with" in response.headers["Access-Control-Allow-Headers"]


def test_iris_that_are_not_iris_never_reach_a_query(client):
    injected = "/id/geneva-iv%3E%20%3Fp%20%3Fo%20%7D%20%23"
    response = client.get(injected)
    assert response.status_code == 404 and "Traceback" not in response.text
    assert client.get("/id/a%22b").status_code == 404


def test_repeated_answers_come_from_the_cache_and_revalidate_with_an_etag(client, monkeypatch):
    first = send(client, "GET", SELECT + " # cache test", "text/csv")
    assert first.status_code == 200 and first.headers["ETag"]
    import kg.web.sparql as sparql

    def must_not_run(*args, **kwargs):
        raise AssertionError("a cached answer ran the query again")

    monkeypatch.setattr(sparql, "run_query", must_not_run)
    again = send(client, "GET", SELECT + " # cache test", "text/csv")
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    fresh = client.get("/sparql", query_string={"query": SELECT + " # cache test"},
                       headers={"Accept": "text/csv", "If-None-Match": first.headers["ETag"]})
    assert fresh.status_code == 304 and fresh.data == b""
    other_format = send(client, "GET", SELECT + " # cache test", "application/sparql-results+xml")
    assert other_format.status_code == 500  # a different request is not served from the cache
