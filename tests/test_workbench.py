"""What the query page's script asks of the server: the vocabulary, labels, code snippets and
permalinks (kg.web.workbench, kg.read.vocabulary, kg.permalinks, kg.web.snippets).

The snippets are also run, as a user would paste them, against a live `kg serve`.
"""

from __future__ import annotations

import ast
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from live import live_server

from kg.build import build
from kg.namespaces import GRAPH, ID, KG, PREFIXES, SRC
from kg.permalinks import ID_CHARS, PermalinkStore
from kg.settings import load_settings
from kg.web import create_app
from kg.web.snippets import snippets

ROOT = Path(__file__).resolve().parents[1]
JSON = {"Accept": "application/json"}
COUNT_ROUNDS = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a kg:Conference }"


def rows(client, query: str) -> list[dict]:
    response = client.post("/sparql", data={"query": query},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return response.json["results"]["bindings"]


# --- the vocabulary ------------------------------------------------------------------------


def test_the_vocabulary_has_the_prefixes_classes_properties_and_entities(client):
    response = client.get("/query/vocabulary.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    vocabulary = response.json
    assert vocabulary["prefixes"] == PREFIXES
    classes = {c["name"]: c for c in vocabulary["classes"]}
    conferences = int(rows(client, COUNT_ROUNDS)[0]["n"]["value"])
    assert classes["kg:Conference"]["count"] == conferences > 0
    assert classes["kg:Conference"]["label"] and classes["kg:Conference"]["doc"]
    properties = {p["name"]: p for p in vocabulary["properties"]}
    assert properties["kg:attends"]["kind"] == "object"
    assert properties["kg:quote"]["count"] > 0
    assert "rdfs:label" in properties  # predicates in use, not only the ontology's
    entities = {e["name"]: e for e in vocabulary["entities"]}
    assert entities["id:geneva-iv"]["label"] == "Geneva IV"
    assert entities["id:geneva-iv"]["type"] == "kg:Conference"  # its narrowest kg: class
    assert entities["id:geneva-iv"]["iri"] == str(ID["geneva-iv"])
    assert {"Lavrov", "Sergei Lavrov"} <= set(entities["id:sergey-lavrov"]["aliases"])
    assert all(e["name"].startswith(("id:", "src:")) for e in vocabulary["entities"])
    assert vocabulary["entities_complete"] is True
    assert str(KG) in vocabulary["prefixes"].values() and vocabulary["namespace"]


def test_the_vocabulary_is_revalidated_by_etag(client):
    first = client.get("/query/vocabulary.json")
    assert first.headers["ETag"] and "no-cache" in first.headers["Cache-Control"]
    again = client.get("/query/vocabulary.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_labels_name_entities_sources_graphs_and_evidence(client):
    evidence = rows(client, "SELECT ?e ?q WHERE { ?e kg:quote ?q } LIMIT 1")[0]
    iris = [str(ID["geneva-iv"]), str(GRAPH["inferred"]), "https://example.org/unknown",
            evidence["e"]["value"]]
    sources = rows(client, "SELECT ?s ?title WHERE { ?s a kg:SourceDocument ; rdfs:label ?title }")
    source, title = sources[0]["s"]["value"], sources[0]["title"]["value"]
    graph = str(GRAPH[source[len(str(SRC)):]])
    labels = client.post("/query/labels", json={"iris": [*iris, source, graph]}).json["labels"]
    assert labels[str(ID["geneva-iv"])] == "Geneva IV"
    assert labels[source] == labels[graph] == title  # a source and its graph: by title
    assert labels[str(GRAPH["inferred"])] == "OWL-RL inference"
    quote = " ".join(evidence["q"]["value"].split())
    excerpt = labels[evidence["e"]["value"]]
    assert excerpt.startswith("“") and quote.startswith(excerpt.strip("“”…"))
    assert "https://example.org/unknown" not in labels


@pytest.mark.parametrize("body", [{"iris": "x"}, {"iris": [1]}, ["x"], None])
def test_labels_refuse_what_is_not_a_list_of_iris(client, body):
    response = client.post("/query/labels", json=body) if body is not None else client.post(
        "/query/labels", data=b"{", content_type="application/json")
    assert response.status_code == 400 and "iris" in response.text


def test_labels_are_bounded_per_request(client):
    response = client.post("/query/labels", json={"iris": ["https://e.org/x"] * 5001})
    assert response.status_code == 413


# --- snippets ------------------------------------------------------------------------------

TRICKY = ('SELECT ?x WHERE { BIND("""say "hi" \\\\ """ AS ?x) }  # SPARQL )" )-" """\n'
          "SPARQL\n")


def python_literal(code: str, call: str) -> str:
    """The query string a Python snippet passes to `call`, evaluated as Python would."""
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == call:
            return ast.literal_eval(node.args[0])
    raise AssertionError(f"no {call}() in\n{code}")


def test_snippets_keep_any_query_text_exact():
    endpoint = "https://example.org/sparql"
    code = {s.key: s.code for s in snippets(TRICKY, endpoint)}
    assert set(code) == {"curl", "sparqlwrapper", "rdflib", "r"}
    query = TRICKY.strip()
    assert python_literal(code["sparqlwrapper"], "setQuery").strip() == query
    assert python_literal(code["rdflib"], "query").strip() == query
    marker = re.search(r"<<'(\w+)'", code["curl"]).group(1)
    assert marker not in query and code["curl"].rstrip().endswith(marker)
    assert f"\n{query}\n{marker}\n" in code["curl"]
    raw = re.search(r'r"(-*)\(\n(.*)\n\)\1"', code["r"], flags=re.DOTALL)
    assert raw and raw.group(2) == query and f'){raw.group(1)}"' not in query
    assert all(endpoint in c for c in code.values())


def test_snippets_ask_for_what_the_query_form_returns(client):
    forms = {"SELECT ?s { ?s ?p ?o }": "text/csv",
             "ASK { ?s ?p ?o }": "application/sparql-results+json",
             "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }": "text/turtle"}
    for query, accept in forms.items():
        found = client.post("/query/snippets", data={"query": query}).json["snippets"]
        curl = next(s for s in found if s["key"] == "curl")["code"]
        assert f"-H 'Accept: {accept}'" in curl, curl
        assert "http://localhost/sparql" in curl
    assert client.post("/query/snippets", data={"query": " "}).status_code == 400
    assert client.post("/query/snippets", data=b"x", content_type="text/plain").status_code == 415


@pytest.fixture(scope="module")
def live(real_settings, tmp_path_factory):
    with live_server(ROOT, tmp_path_factory.mktemp("snippets"),
                     build_dir=real_settings.build_dir) as running:
        yield running.base


@pytest.mark.parametrize("key", ["sparqlwrapper", "rdflib", "curl"])
def test_the_snippets_run_against_a_live_server(live, key):
    query = "SELECT ?name WHERE { id:geneva-iv rdfs:label ?name }"
    code = next(s for s in snippets(query, live + "sparql") if s.key == key).code
    if key == "curl":
        if not shutil.which("curl"):
            pytest.skip("curl is not installed")
        command = ["bash", "-c", code]
    else:
        command = [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "Geneva IV" in result.stdout, result.stdout


# --- permalinks ----------------------------------------------------------------------------


def share(client, query: str, **headers: str):
    return client.post("/query/share", data={"query": query}, headers={**JSON, **headers})


def test_a_permalink_is_short_content_addressed_and_stable(client):
    query = "SELECT ?c WHERE { ?c a kg:Conference } ORDER BY ?c"
    made = share(client, query)
    assert made.status_code == 200, made.text
    key = made.json["id"]
    assert re.fullmatch(r"[0-9A-Za-z]{8}", key) and made.json["url"] == f"http://localhost/q/{key}"
    number = int.from_bytes(hashlib.sha256(query.encode()).digest(), "big")
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = ID_CHARS[rest] + digits
    assert key == digits.rjust(43, "0")[:8]
    # The same text (as a form sends it, CRLF and all) gets the same link.
    assert share(client, "\r\n" + query + "\r\n").json["id"] == key
    two_lines = query.replace(" ORDER", "\nORDER")
    assert share(client, two_lines).json["id"] == share(client, two_lines.replace("\n", "\r\n")
                                                        ).json["id"] != key
    page = client.get(f"/q/{key}")
    assert page.status_code == 200
    assert f">{query}</textarea>" in page.text
    assert 'href="http://localhost/id/geneva-iv"' in page.text  # it ran: the results are there
    assert f'value="http://localhost/q/{key}"' in page.text


def test_the_plain_form_gets_a_redirect_to_its_permalink(client):
    response = client.post("/query/share", data={"query": "ASK { ?s ?p ?o }"},
                           headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert re.fullmatch(r"/q/[0-9A-Za-z]{8}", response.headers["Location"])
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize("key", ["Zz00Zz00Zz", "not-an-id", "x" * 80])
def test_an_unknown_permalink_is_404(client, key):
    response = client.get(f"/q/{key}")
    assert response.status_code == 404 and 'role="alert"' in response.text


def test_sharing_refuses_empty_and_oversized_queries(app, client):
    assert share(client, "   ").status_code == 400
    too_long = "ASK {} #" + "x" * app.extensions["kg"].settings.max_query_chars
    assert share(client, too_long).status_code == 413


def test_sharing_writes_nothing_into_the_graph(client):
    before = client.get("/health").json["triples"]
    assert share(client, "SELECT * WHERE { ?s ?p ?o } LIMIT 2").status_code == 200
    assert client.get("/health").json["triples"] == before


def limited_app(real_settings, tmp_path: Path, **limits: int):
    settings = load_settings(env={}, root=ROOT, build_dir=real_settings.build_dir,
                             permalink_db=tmp_path / "links.sqlite", **limits)
    return create_app(settings).test_client()


def test_each_address_may_make_only_so_many_permalinks_an_hour(real_settings, tmp_path):
    client = limited_app(real_settings, tmp_path, permalinks_per_hour=2)
    assert share(client, "ASK { ?a ?b 1 }").status_code == 200
    assert share(client, "ASK { ?a ?b 2 }").status_code == 200
    assert share(client, "ASK { ?a ?b 1 }").status_code == 200  # an old one: no new entry
    refused = share(client, "ASK { ?a ?b 3 }")
    assert refused.status_code == 429 and "permalinks_per_hour" in refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= 3601
    other = client.post("/query/share", data={"query": "ASK { ?a ?b 3 }"}, headers=JSON,
                        environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other.status_code == 200


@pytest.mark.parametrize(("limits", "setting"), [
    ({"permalink_max_entries": 2}, "permalink_max_entries"),
    ({"permalink_max_bytes": 40}, "permalink_max_bytes"),
])
def test_a_full_permalink_store_refuses_new_links_and_keeps_the_old(real_settings, tmp_path,
                                                                    limits, setting):
    client = limited_app(real_settings, tmp_path, **limits)
    keys = [share(client, q).json["id"] for q in ("ASK { ?a ?b 1 }", "ASK { ?a ?b 2 }")]
    refused = share(client, "ASK { ?a ?b 3 }")
    assert refused.status_code == 403 and setting in refused.text
    assert all(client.get(f"/q/{key}").status_code == 200 for key in keys)


def test_permalinks_survive_a_rebuild_and_a_restart(make_project):
    settings = load_settings(env={}, root=make_project())
    assert build(settings).written
    key = share(create_app(settings).test_client(), "ASK { ?s ?p ?o }").json["id"]
    assert build(settings).written  # a new artifact, the same build directory
    page = create_app(settings).test_client().get(f"/q/{key}")
    assert page.status_code == 200 and ">ASK { ?s ?p ?o }</textarea>" in page.text
    assert settings.permalink_db.is_file() and settings.permalink_db != settings.artifact


def test_an_id_prefix_taken_by_another_text_gets_one_more_character(tmp_path, monkeypatch):
    import kg.permalinks as permalinks

    store = PermalinkStore(tmp_path / "p.sqlite", permalinks.Limits(1000, 10, 10_000, 10))
    first = store.make("ASK { 1 }", "a")
    monkeypatch.setattr(permalinks, "_base62", lambda digest: first + "Q" * 35)
    second = store.make("ASK { 2 }", "a")
    assert second == first + "Q" and store.find(first) == "ASK { 1 }"
    assert store.find(second) == "ASK { 2 }"
