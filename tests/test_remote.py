"""A remote store: `kg load --into` a real `oxigraph serve`, then the app served from it.

The app over the remote store must answer like the app over the embedded one: the endpoint,
the pages, the downloads and /health. Between the app and the store sits a recording proxy,
so the tests see what reaches the store (nothing, for a refused query) and can slow it down
(for the time limit).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.cli import cli
from kg.namespaces import GRAPH, ID
from kg.query import QueryTimeout, run_query
from kg.remote import RemoteError, RemoteStore
from kg.remote.load import remote_urls
from kg.store import DEFAULT_GRAPH_STAND_IN, StoreError, connect_store, load_store
from kg.web import create_app

JSON_RESULTS = "application/sparql-results+json"


# --- a real oxigraph server, and a recording proxy in front of it ---------------------------


def oxigraph_binary() -> str:
    """The `oxigraph` command (pip install oxigraph); skipped without it, except in CI."""
    venv = str(Path(sys.executable).parent)  # installed next to this Python, maybe not on PATH
    found = shutil.which("oxigraph") or shutil.which("oxigraph", path=venv)
    if found:
        return found
    message = "the oxigraph server binary is missing (pip install oxigraph)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    @property
    def store_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/store"

    def dump(self, graph: str | None = None) -> list[ox.Quad]:
        """Every quad the store holds (or one graph's), read with the Graph Store Protocol."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            if graph is None:
                conn.request("GET", "/store", headers={"Accept": "application/n-quads"})
            else:
                conn.request("GET", f"/store?graph={graph}",
                             headers={"Accept": "application/n-triples"})
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        if response.status == 404:
            return []
        assert response.status == 200, data
        fmt = ox.RdfFormat.N_QUADS if graph is None else ox.RdfFormat.N_TRIPLES
        return list(ox.parse(data, fmt))


@pytest.fixture(scope="module")
def start_oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], Server]]:
    """A factory of `oxigraph serve` processes on free loopback ports, each ended afterwards."""
    binary = oxigraph_binary()
    started: list[Server] = []

    def start() -> Server:
        port = free_port()
        location = tmp_path_factory.mktemp("oxigraph")
        process = subprocess.Popen(  # a time limit of its own, so no runaway query lingers
            [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
             "--timeout-s", "30"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = Server(process, port)
        started.append(server)
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                    return server
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"oxigraph serve ended with status {process.returncode}")
                time.sleep(0.05)
        pytest.fail("oxigraph serve did not start listening within 10 s")

    yield start
    for server in started:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@dataclass
class Recorder:
    """What the proxy forwarded, and how it misbehaves on request."""

    upstream: int
    url: str = ""  # the proxy's query endpoint
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)
    connections: int = 0
    delay_s: float = 0.0  # wait this long before forwarding
    server_header: str | None = None  # answer with this Server header instead of the store's

    def queries(self) -> list[str]:
        return [parse_qs(body.decode()).get("query", [""])[0] for method, _, body
                in self.requests if method == "POST"]


def start_proxy(recorder: Recorder) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a store speaks it

        def setup(self) -> None:
            recorder.connections += 1
            super().setup()

        def forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            recorder.requests.append((self.command, self.path, body))
            time.sleep(recorder.delay_s)
            upstream = http.client.HTTPConnection("127.0.0.1", recorder.upstream, timeout=60)
            skip = {"host", "connection", "content-length", "transfer-encoding", "server"}
            headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
            try:
                upstream.request(self.command, self.path, body or None, headers)
                answer = upstream.getresponse()
                data = answer.read()
                self.server_version = recorder.server_header or answer.getheader("Server") or ""
                self.sys_version = ""
                self.send_response(answer.status)  # with the Server header above
                for key, value in answer.getheaders():
                    if key.lower() not in skip:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up waiting: nothing to answer
                self.close_connection = True
            finally:
                upstream.close()

        do_GET = do_POST = do_PUT = do_DELETE = forward

        def log_message(self, *args: object) -> None:
            pass

    class Proxy(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client that hung up on a slow answer

    proxy = Proxy(("127.0.0.1", 0), Handler)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    return proxy


# --- the dataset in the store, and the two apps ----------------------------------------------


def kg_load(runner, settings, server: Server, *extra: str):
    args = ["--root", str(settings.root), "--setting", "build_dir", str(settings.build_dir),
            "--setting", "store_url", server.query_url, "load", "--into", server.store_url]
    return runner.invoke(cli, [*args, *extra])


@pytest.fixture(scope="module")
def server(start_oxigraph, real_settings) -> Server:
    from click.testing import CliRunner

    server = start_oxigraph()
    result = kg_load(CliRunner(), real_settings, server)
    assert result.exit_code == 0, result.output
    return server


@pytest.fixture(scope="module")
def recorder(server) -> Iterator[Recorder]:
    recorder = Recorder(server.port)
    proxy = start_proxy(recorder)
    recorder.url = f"http://127.0.0.1:{proxy.server_address[1]}/query"
    yield recorder
    proxy.shutdown()
    proxy.server_close()


@pytest.fixture(scope="module")
def embedded(real_settings):
    return create_app(real_settings).test_client()


@pytest.fixture(scope="module")
def remote_app(real_settings, recorder):
    return create_app(replace(real_settings, store_url=recorder.url))


@pytest.fixture(scope="module")
def remote(remote_app):
    return remote_app.test_client()


def canonical(quads) -> set[str]:
    """Quads as comparable text: blank nodes relabelled canonically."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(quad) for quad in dataset}


def by_graph(quads) -> dict[str, set[str]]:
    """Each graph's triples, canonical. Graph by graph: a blank node two graphs share in the
    artifact (the ontology's property chain, copied into the default graph and the inferences)
    is one node per graph in the store, which gets one PUT per graph."""
    graphs: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        graphs.setdefault(str(quad.graph_name), []).append(quad)
    return {name: canonical(found) for name, found in graphs.items()}


def expected_store(real_settings) -> dict[str, set[str]]:
    """What the store must hold: the artifact's named graphs and their merge as default."""
    return by_graph(load_store(real_settings.artifact).store)


# --- kg load ---------------------------------------------------------------------------------


def test_load_pushes_every_graph_and_the_merged_default_graph(server, real_settings):
    assert by_graph(server.dump()) == expected_store(real_settings)


def test_loading_twice_gives_the_same_store(server, real_settings, runner):
    stale = str(GRAPH["no-longer-built"])
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("PUT", f"/store?graph={stale}", b"<urn:a> <urn:b> <urn:c> .\n",
                 {"Content-Type": "application/n-triples"})
    assert conn.getresponse().status in (201, 204)
    conn.close()
    result = kg_load(runner, real_settings, server)
    assert result.exit_code == 0, result.output
    assert f"Deleted <{stale}>" in result.output
    assert by_graph(server.dump()) == expected_store(real_settings)


def test_remote_urls_derive_one_endpoint_from_the_other():
    assert remote_urls("http://h:7878/query", "") == ("http://h:7878/query", "http://h:7878/store")
    assert remote_urls("", "http://h:7878/store") == ("http://h:7878/query", "http://h:7878/store")
    assert remote_urls("http://h/sparql", "http://h/gsp") == ("http://h/sparql", "http://h/gsp")
    with pytest.raises(StoreError, match="Graph Store Protocol"):
        remote_urls("http://h:8890/sparql", "")


def test_a_store_without_the_dataset_is_refused(start_oxigraph, real_settings):
    empty = start_oxigraph()
    with pytest.raises(StoreError, match="kg load"):
        connect_store(empty.query_url, real_settings.artifact)
    with pytest.raises(StoreError, match="cannot read the store"):
        connect_store(f"http://127.0.0.1:{free_port()}/query", real_settings.artifact)


def test_serving_a_store_that_holds_another_build_warns(server, built_settings, caplog):
    with caplog.at_level("WARNING", logger="kg.web"):
        create_app(replace(built_settings, store_url=server.query_url))
    assert "does not hold the build" in caplog.text


# --- the adapter against the embedded store --------------------------------------------------


def test_adapter_reads_like_the_embedded_store(server, real_settings):
    embedded_store = load_store(real_settings.artifact).store
    store = connect_store(server.query_url, real_settings.artifact).store
    assert set(store.named_graphs()) == set(embedded_store.named_graphs())
    assert by_graph(store) == by_graph(embedded_store)  # iteration: every quad
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    geneva = ox.NamedNode(str(ID["geneva-iv"]))
    for pattern in [(geneva, None, None, None), (None, label, None, ox.DefaultGraph()),
                    (None, None, geneva, ox.NamedNode(str(GRAPH["inferred"])))]:
        assert set(store.quads_for_pattern(*pattern)) == set(
            embedded_store.quads_for_pattern(*pattern))
    solutions = store.query("SELECT ?l WHERE { id:geneva-iv rdfs:label ?l }",
                            prefixes={"id": str(ID), "rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
    assert [v.value for v in solutions.variables] == ["l"]
    assert [row["l"] for row in solutions] == [ox.Literal("Geneva IV", language="en")]
    assert isinstance(store.query("ASK {}"), ox.QueryBoolean)
    store.close()


def test_keep_alive_and_a_row_cap_that_stops_reading(recorder, remote_app, real_settings):
    store = remote_app.extensions["kg"].loaded.store
    before = recorder.connections
    for _ in range(20):
        assert run_query(store, "ASK { ?s ?p ?o }", 10).boolean is True
    assert recorder.connections - before <= 2  # one connection, kept alive
    cut = run_query(store, "SELECT * WHERE { ?s ?p ?o }", 10, max_rows=5)
    assert cut.truncated and len(cut.rows) == 5
    # the connection of the abandoned answer was dropped, not reused half-read
    assert run_query(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", 10).rows[0][0].value


# --- the endpoint answers as the embedded one does -------------------------------------------


def sparql(client, query: str, accept: str = JSON_RESULTS, **params):
    return client.post("/sparql", data={"query": query, **params}, headers={"Accept": accept})


def same_select(a, b) -> bool:
    one, two = json.loads(a.data), json.loads(b.data)
    rows = [sorted(json.dumps(binding, sort_keys=True) for binding in answer["results"]["bindings"])
            for answer in (one, two)]
    return one["head"] == two["head"] and rows[0] == rows[1]


def same_graph(a, b) -> bool:
    return isomorphic(Graph().parse(data=a.data, format="nt"),
                      Graph().parse(data=b.data, format="nt"))


ONTOLOGY, INFERRED = str(GRAPH["ontology"]), str(GRAPH["inferred"])
SELECTS = [
    ("SELECT ?label WHERE { id:geneva-iv rdfs:label ?label }", {}),
    ("SELECT ?who ?g WHERE { GRAPH ?g { ?who kg:attends id:geneva-iv } }", {}),
    ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", {}),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}),
    ("SELECT ?c FROM graph:ontology WHERE { ?c a owl:Class FILTER isIRI(?c) }", {}),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"default-graph-uri": ONTOLOGY}),
    ("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
     {"named-graph-uri": INFERRED}),
]


@pytest.mark.parametrize(("query", "params"), SELECTS)
def test_select_answers_match(embedded, remote, query, params):
    a, b = sparql(embedded, query, **params), sparql(remote, query, **params)
    assert a.status_code == b.status_code == 200, b.text
    assert same_select(a, b)
    assert json.loads(b.data)["results"]["bindings"]


@pytest.mark.parametrize("query", ["ASK { id:geneva-iv a kg:Conference }",
                                   "ASK { id:geneva-iv a kg:Resolution }"])
def test_ask_answers_match(embedded, remote, query):
    a, b = sparql(embedded, query), sparql(remote, query)
    assert a.status_code == b.status_code == 200
    assert json.loads(a.data) == json.loads(b.data)


@pytest.mark.parametrize("query", [
    "CONSTRUCT WHERE { id:geneva-iv ?p ?o }",
    "DESCRIBE id:geneva-iv",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH graph:ontology { ?s ?p ?o } }",  # with blank nodes
])
def test_graph_answers_match(embedded, remote, query):
    a, b = sparql(embedded, query, "application/n-triples"), sparql(remote, query,
                                                                     "application/n-triples")
    assert a.status_code == b.status_code == 200, b.text
    assert same_graph(a, b) and len(a.data) > 100


def test_row_cap_is_flagged_as_embedded(real_settings, recorder):
    capped = create_app(replace(real_settings, store_url=recorder.url, max_rows=3)).test_client()
    response = sparql(capped, "SELECT * WHERE { ?s ?p ?o }")
    assert response.headers["X-SPARQL-MaxRows"] == "3"
    assert len(json.loads(response.data)["results"]["bindings"]) == 3


# --- refusals never reach the store; the time limit holds ------------------------------------


@pytest.mark.parametrize(("query", "status"), [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 400),
    ("SELECT * FROM <http://example.org/elsewhere> WHERE { ?s ?p ?o }", 400),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403),
    ("DROP ALL", 403),
])
def test_refused_queries_never_reach_the_store(remote, recorder, server, real_settings,
                                               query, status):
    before = len(recorder.requests)
    response = sparql(remote, query)
    assert response.status_code == status, response.text
    assert len(recorder.requests) == before  # not forwarded at all


def test_a_syntax_error_is_a_400_as_embedded(embedded, remote):
    # Nothing risky in it, so it is not parsed here: the store reports the error.
    broken = "SELECT * WHERE { ?s ?p ?o "
    a, b = sparql(embedded, broken), sparql(remote, broken)
    assert a.status_code == b.status_code == 400
    assert "syntax error" in b.text.lower()


def test_update_requests_never_reach_the_store(remote, recorder):
    before = len(recorder.requests)
    response = remote.post("/sparql", data=b"DROP ALL", content_type="application/sparql-update")
    assert response.status_code == 403
    assert len(recorder.requests) == before


def test_time_limit_bounds_the_http_call(remote, recorder):
    recorder.delay_s = 3.0
    try:
        started = time.monotonic()
        response = sparql(remote, "ASK { ?s ?p ?o }", timeout="0.5")
        took = time.monotonic() - started
    finally:
        recorder.delay_s = 0.0
    assert response.status_code == 503, response.text
    assert "time limit of 0.5 s" in response.text
    assert took < 2.5
    assert sparql(remote, "ASK { ?s ?p ?o }").status_code == 200  # and the next one works


def test_time_limit_is_passed_to_stores_that_take_one(recorder, real_settings):
    store = RemoteStore(recorder.url)
    recorder.server_header = "Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu"
    try:
        run_query(store, "ASK { ?s ?p ?o }", 1.5)  # learns which store it is
        run_query(store, "ASK { ?s ?p ?o }", 1.5)
    finally:
        recorder.server_header = None
        store.close()
    method, _, body = recorder.requests[-1]
    assert parse_qs(body.decode())["timeout"] == ["1500"]  # Virtuoso's: milliseconds


def test_a_store_that_times_out_is_a_time_out(recorder):
    recorder.delay_s = 2.0
    store = RemoteStore(recorder.url)
    try:
        with pytest.raises(QueryTimeout):
            run_query(store, "ASK { ?s ?p ?o }", 0.3)
        with pytest.raises(TimeoutError):
            list(store.query("ASK { ?s ?p ?o }", timeout_s=0.3))
    finally:
        recorder.delay_s = 0.0
        store.close()


def test_an_unreachable_store_is_an_error():
    store = RemoteStore(f"http://127.0.0.1:{free_port()}/query", timeout_s=2)
    with pytest.raises(RemoteError, match="cannot reach"):
        store.query("ASK {}")


# --- pages, downloads and counts -------------------------------------------------------------


def test_health_counts_match(embedded, remote):
    a, b = embedded.get("/health").json, remote.get("/health").json
    assert a["triples"] == b["triples"]
    assert b["triples"]["default_graph"] > 0


def lines(html: bytes) -> list[str]:
    return sorted(line.strip() for line in html.decode().splitlines() if line.strip())


@pytest.mark.parametrize("path", ["/id/geneva-iv", "/id/russia", "/timeline"])
def test_pages_match(embedded, remote, path):
    a, b = embedded.get(path), remote.get(path)
    assert a.status_code == b.status_code == 200
    assert lines(a.data) == lines(b.data)


@pytest.mark.parametrize("path", ["/id/geneva-iv.ttl", "/ontology.ttl"])
def test_entity_rdf_matches(embedded, remote, path):
    a, b = embedded.get(path), remote.get(path)
    assert a.status_code == b.status_code == 200
    assert isomorphic(Graph().parse(data=a.data, format="turtle"),
                      Graph().parse(data=b.data, format="turtle"))


@pytest.mark.parametrize("name", ["all.nq", "ontology.nt", "inferred.ttl"])
def test_downloads_match(embedded, remote, name):
    a, b = embedded.get(f"/export/{name}"), remote.get(f"/export/{name}")
    assert a.status_code == b.status_code == 200
    if name.endswith(".nq"):
        assert by_graph(ox.parse(a.data, ox.RdfFormat.N_QUADS)) == by_graph(
            ox.parse(b.data, ox.RdfFormat.N_QUADS))
    else:
        fmt = "nt" if name.endswith(".nt") else "turtle"
        assert isomorphic(Graph().parse(data=a.data, format=fmt),
                          Graph().parse(data=b.data, format=fmt))


# --- a store whose default graph is not its own (Virtuoso's way) -----------------------------


def test_merged_default_graph_in_a_named_graph(start_oxigraph, real_settings, runner, embedded):
    server = start_oxigraph()
    result = kg_load(runner, real_settings, server, "--default-graph", "named")
    assert result.exit_code == 0, result.output
    assert server.dump(DEFAULT_GRAPH_STAND_IN) and not [
        q for q in server.dump() if isinstance(q.graph_name, ox.DefaultGraph)]
    loaded = connect_store(server.query_url, real_settings.artifact)
    assert loaded.store.default_graph == DEFAULT_GRAPH_STAND_IN
    assert DEFAULT_GRAPH_STAND_IN not in {g.value for g in loaded.store.named_graphs()}
    remote = create_app(replace(real_settings, store_url=server.query_url)).test_client()
    assert remote.get("/health").json["triples"] == embedded.get("/health").json["triples"]
    for query, params in SELECTS:
        assert same_select(sparql(embedded, query, **params), sparql(remote, query, **params))
    # loading the usual way again puts the merge back in the default graph, stand-in gone
    result = kg_load(runner, real_settings, server)
    assert result.exit_code == 0, result.output
    assert by_graph(server.dump()) == expected_store(real_settings)


def test_a_query_naming_its_own_dataset_keeps_it_on_a_stand_in_store(start_oxigraph,
                                                                     real_settings, runner):
    # The stand-in store gets default-graph-uri on every query that names no dataset; one that
    # does (with a predeclared prefix, too) must keep it, as the protocol's would override it.
    server = start_oxigraph()
    result = kg_load(runner, real_settings, server, "--default-graph", "named")
    assert result.exit_code == 0, result.output
    store = connect_store(server.query_url, real_settings.artifact).store
    local = load_store(real_settings.artifact).store
    whole = run_query(local, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", 10).rows
    for query in ["SELECT (COUNT(*) AS ?n) FROM graph:ontology WHERE { ?s ?p ?o }",
                  f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}",
                  f"PREFIX g: <{GRAPH}> SELECT (COUNT(*) AS ?n) FROM g:inferred {{ ?s ?p ?o }}"]:
        expected = run_query(local, query, 10).rows
        assert expected != whole  # the two datasets tell apart
        assert run_query(store, query, 10).rows == expected, query
    store.close()
