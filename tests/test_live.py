"""The endpoint as clients meet it: a live `kg serve` on 127.0.0.1, real SPARQL clients,
a runaway query cut at the time limit, and no connection ever made on a query's behalf."""

from __future__ import annotations

import json
import re
import select
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from live import fetch, live_server
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper

from kg.namespaces import ID, KG, RDFS

ROOT = Path(__file__).resolve().parents[1]
LABEL = "SELECT ?label WHERE { id:geneva-iv rdfs:label ?label }"
# About 10^12 combinations over the real graph: it would run for hours if not cut.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIMIT_S = 2.0


@pytest.fixture(scope="module")
def server(real_settings, tmp_path_factory):
    with live_server(ROOT, tmp_path_factory.mktemp("logs"), build_dir=real_settings.build_dir,
                     query_timeout_s=LIMIT_S, workers=2, threads=4) as running:
        yield running


def get(server, query: str, accept: str = "application/sparql-results+json", **params):
    url = server.base + "sparql?" + urlencode({"query": query, **params})
    return fetch(url, headers={"Accept": accept}, timeout=30)


# --- real clients -------------------------------------------------------------------------


def test_sparqlwrapper_select_ask_and_construct(server):
    client = SPARQLWrapper(server.base + "sparql")
    client.setQuery(LABEL)
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]
    assert [b["label"]["value"] for b in bindings] == ["Geneva IV"]

    client.setMethod(POST)
    client.setQuery("ASK { id:geneva-iv a kg:Conference }")
    client.setReturnFormat(XML)
    assert client.queryAndConvert().getElementsByTagName("boolean")[0].firstChild.data == "true"

    client.setQuery("CONSTRUCT WHERE { id:geneva-iv rdfs:label ?l }")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert set(graph) == {(URIRef(ID["geneva-iv"]), RDFS.label, Literal("Geneva IV", lang="en"))}


def test_rdflib_sparqlstore(server):
    graph = Graph(store=SPARQLStore(server.base + "sparql", returnFormat="json"))
    rows = list(graph.query(
        f"PREFIX kg: <{KG}> SELECT ?c WHERE {{ ?c a kg:Conference }} ORDER BY ?c"))
    assert URIRef(ID["geneva-iv"]) in {row.c for row in rows}
    assert (URIRef(ID["geneva-iv"]), RDFS.label, Literal("Geneva IV", lang="en")) in graph


def test_cors_on_the_live_server(server):
    status, headers, _ = fetch(server.base + "sparql?" + urlencode({"query": LABEL}),
                               headers={"Origin": "https://example.org"})
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"


# --- time limit -----------------------------------------------------------------------------


def cpu_seconds(pids: set[int]) -> float:
    """User + system CPU time of the live processes among `pids` (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / 100  # clock ticks (USER_HZ is 100 on Linux)


def test_runaway_query_is_cut_while_another_client_keeps_getting_answers(server):
    answers: list[tuple[int, float]] = []
    stop = threading.Event()

    def second_client() -> None:
        for _ in range(500):  # bounded
            if stop.is_set():
                return
            status, _, body = get(server, LABEL)
            answers.append((status, time.monotonic()))
            assert b"Geneva IV" in body or status != 200
            time.sleep(0.05)

    workers_before = server.pids()
    other = threading.Thread(target=second_client)
    other.start()
    try:
        started = time.monotonic()
        status, headers, body = get(server, RUNAWAY)
        ended = time.monotonic()
    finally:
        time.sleep(0.5)
        stop.set()
        other.join(30)
    assert status == 503
    assert "query_timeout_s" in body.decode() and "KG_QUERY_TIMEOUT_S" in body.decode()
    assert LIMIT_S <= ended - started < LIMIT_S + 3
    during = [s for s, t in answers if started <= t <= ended]
    assert len(during) >= 5, answers  # the other client was answered while the query ran
    assert all(s == 200 for s, _ in answers), answers

    # The query is cut, not left running: the worker that ran it ends and is replaced, and
    # the server's processes fall idle (an uncut query would keep a core busy for hours).
    deadline = time.monotonic() + 10
    while server.pids() >= workers_before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not server.pids() >= workers_before, "no worker was replaced"
    time.sleep(1.0)
    pids = server.pids()
    before = cpu_seconds(pids)
    time.sleep(2.0)
    assert cpu_seconds(pids) - before < 0.5
    assert get(server, LABEL)[0] == 200


def test_a_request_may_lower_the_limit(server):
    started = time.monotonic()
    status, _, _ = get(server, RUNAWAY, timeout="0.5")
    assert status == 503
    assert time.monotonic() - started < LIMIT_S


# --- no connection on a query's behalf ----------------------------------------------------


@pytest.fixture
def listener():
    """A socket listening on loopback: any connection to it is a leak."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", sock


def test_no_query_makes_the_server_connect_anywhere(server, listener):
    url, sock = listener
    attempts = [
        {"query": f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}"},
        {"query": f"select * {{ service silent <{url}/> {{ ?s ?p ?o }} }}"},
        {"query": f"PREFIX r: <{url}/> SELECT * {{ SERVICE r:sparql {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT * {{ {{ SELECT * {{ SERVICE <{url}/> {{ ?s ?p ?o }} }} }} }}"},
        {"query": f"SELECT * FROM <{url}/data.ttl> {{ ?s ?p ?o }}"},
        {"query": f"SELECT * FROM NAMED <{url}/data.ttl> {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        {"query": "SELECT * { ?s ?p ?o }", "default-graph-uri": f"{url}/g"},
        {"query": "SELECT * { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": f"{url}/g"},
        {"update": f"LOAD <{url}/data.ttl>"},
        {"query": f"LOAD <{url}/data.ttl>"},
    ]
    for params in attempts:
        for data in (None, urlencode(params).encode()):  # as a GET and as a form POST
            target = server.base + "sparql" + ("" if data else "?" + urlencode(params))
            status, _, body = fetch(target, data=data)
            assert status in (400, 403), (params, status, body)
    body = f"SELECT * {{ SERVICE <{url}/> {{ ?s ?p ?o }} }}".encode()
    status, _, _ = fetch(server.base + "sparql", data=body,
                         headers={"Content-Type": "application/sparql-query"})
    assert status == 400
    readable, _, _ = select.select([sock], [], [], 1.0)
    assert not readable, "the server opened a connection on a query's behalf"


def test_serving_at_is_said_once_the_app_answers(server):
    deadline = time.monotonic() + 10  # the master says it from a thread that polls /health
    while True:
        log = server.log.read_text(errors="replace")
        said = [line for line in log.splitlines() if line.startswith("Serving at ")]
        if said or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert said == [f"Serving at {server.base} (query page {server.base}query, SPARQL "
                    f"endpoint {server.base}sparql); stop with Ctrl+C"], log[-2000:]


def test_health_on_the_live_server(server):
    status, headers, body = fetch(server.base + "health")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["triples"]["default_graph"] > 0


def test_the_documented_python_examples_run_against_the_server(server, capsys):
    blocks = [block for doc in ("pages.md", "endpoint.md")
              for block in re.findall(r"```python\n(.*?)```",
                                      (ROOT / "docs" / doc).read_text(encoding="utf-8"),
                                      flags=re.DOTALL)]
    assert len(blocks) == 2  # dereferencing an entity, and querying the endpoint
    for code in blocks:
        exec(code.replace("http://127.0.0.1:5000/", server.base), {})  # noqa: S102
    printed = capsys.readouterr().out.splitlines()
    assert "Staffan de Mistura" in printed  # a name from the SPARQLWrapper query
    assert str(ID["geneva-iv"]) in printed  # a conference from the rdflib query


def test_no_page_url_makes_the_server_connect_anywhere(server, listener):
    url, sock = listener
    host = url.split("//")[1]
    injected = ("id/geneva-iv%3E%20%3Fp%20%3Fo%20%7D%20SERVICE%20SILENT%20%3Chttp%3A//"
                f"{host}/x%3E%20%7B%20%3Fs2%20%3Fp2%20%3Fo2%20%7D%20%7D%20%23")
    for suffix in ("", ".ttl"):
        status, _, _ = fetch(server.base + injected + suffix)
        assert status == 404
    readable, _, _ = select.select([sock], [], [], 1.0)
    assert not readable, "a page URL made the server open a connection"
