"""What scale.py measures of each size besides the builds: loading the store in a fresh process
(kg.store.load_store, a bare pyoxigraph load and the load proposed for store.py), and `kg serve`
on the project: time to the first answer, memory, and the latency of README-style queries."""

from __future__ import annotations

import ast
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from harness import JSON_RESULTS
from harness.client import Request, fetch
from harness.peers import start_kg_serve
from harness.procs import (
    children,
    free_port,
    process_cpu_seconds,
    pss_kb,
    run_to_end,
    status_kb,
    stop,
    wait_ready,
)

# The load kg.store.load_store does, timed in a fresh process.
LOAD_STORE = """
import sys, time
from pathlib import Path
from kg.store import load_store
started, cpu = time.perf_counter(), time.process_time()
loaded = load_store(Path(sys.argv[1]))
print({"seconds": time.perf_counter() - started, "cpu_s": time.process_time() - cpu,
       "quads": loaded.quads, "default_triples": loaded.default_triples})
"""
# Only what pyoxigraph itself does: parse the N-Quads into an in-memory store.
BARE_LOAD = """
import sys, time
from pyoxigraph import RdfFormat, Store
started, cpu = time.perf_counter(), time.process_time()
store = Store()
store.load(path=sys.argv[1], format=RdfFormat.N_QUADS)
print({"seconds": time.perf_counter() - started, "cpu_s": time.process_time() - cpu,
       "quads": len(store)})
"""
# The load proposed for store.py: the merged default graph and the counts made by Oxigraph
# (one SPARQL update per named graph, then COUNT queries) instead of a Python set of every
# triple. One update per graph keeps each update's buffer to one graph's size; lenient skips
# re-checking the IRIs the build already checked (syntax errors are still raised).
PROPOSED_LOAD = """
import sys, time
from pyoxigraph import RdfFormat, Store
SHAPES = "https://w3id.org/syria-talks/graph/shapes"
started, cpu = time.perf_counter(), time.process_time()
store = Store()
store.load(path=sys.argv[1], format=RdfFormat.N_QUADS, lenient=True)
for graph in list(store.named_graphs()):
    if graph.value != SHAPES:
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH <%s> { ?s ?p ?o } }" % graph.value)
per_graph = {row["g"].value: int(row["n"].value) for row in store.query(
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
default = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
print({"seconds": time.perf_counter() - started, "cpu_s": time.process_time() - cpu,
       "quads": sum(per_graph.values()), "default_triples": default})
"""


def queries(sample: dict[str, str]) -> dict[str, tuple[str, str]]:
    """README-style questions adapted to the synthetic data: name -> (accept, query)."""
    conference, party, series = sample["conference"], sample["party"], sample["series"]
    return {
        # example 1: a join of the fact with its evidence, for one conference.
        "join: attendees of a round, with quotes": (JSON_RESULTS, f"""
SELECT ?name ?quote ?source WHERE {{
  ?party kg:attends <{conference}> ; rdfs:label ?name .
  ?evidence rdf:subject ?party ; rdf:predicate kg:attends ; rdf:object <{conference}> ;
            kg:quote ?quote ; kg:source ?source .
}} ORDER BY ?name"""),
        # README example 4: an aggregate over the evidence of one party's supporters.
        "aggregate: supporters of a party, by sources": (JSON_RESULTS, f"""
SELECT ?supporter (COUNT(DISTINCT ?source) AS ?sources) (SAMPLE(?quote) AS ?example) WHERE {{
  ?s kg:supports <{party}> ; rdfs:label ?supporter .
  ?evidence rdf:subject ?s ; rdf:predicate kg:supports ; rdf:object <{party}> ;
            kg:quote ?quote ; kg:source ?source .
}} GROUP BY ?supporter ORDER BY DESC(?sources)"""),
        # An aggregate over the whole graph: every attendance, grouped by party.
        "aggregate: top parties by rounds attended": (JSON_RESULTS, """
SELECT ?party (COUNT(DISTINCT ?c) AS ?rounds) WHERE {
  ?p kg:attends ?c ; rdfs:label ?party .
} GROUP BY ?party ORDER BY DESC(?rounds) LIMIT 10"""),
        # README example 9: a timeline, here of one series.
        "timeline: rounds of a series by date": (JSON_RESULTS, f"""
SELECT ?round ?date WHERE {{
  ?m kg:partOfSeries <{series}> ; rdfs:label ?round ; kg:startDate ?date .
}} ORDER BY ?date"""),
        "describe: a party": ("text/turtle", f"DESCRIBE <{party}>"),
    }


def python_snippet(code: str, *args: str, log: Path) -> dict[str, Any]:
    """Run one of the snippets above in a fresh process: its figures, with wait4's."""
    result = run_to_end([sys.executable, "-c", code, *args], log=log)
    if result["status"] != 0:
        raise RuntimeError(f"snippet failed ({result['status']}); see {log}")
    figures = ast.literal_eval(result.pop("stdout").strip().splitlines()[-1])
    return {**result, **{k: round(v, 2) if isinstance(v, float) else v
                         for k, v in figures.items()}}


def get(port: int, query: str, accept: str, timeout: float = 600) -> tuple[int, bytes]:
    status, _, body = fetch(port, Request("/sparql?" + urlencode({"query": query}),
                                          {"Accept": accept}), timeout)
    return status, body


def latencies(port: int, sample: dict[str, str], repeat: int) -> dict[str, Any]:
    """Median and slowest of `repeat` requests of each query, after two warm-ups."""
    latency: dict[str, Any] = {}
    runs = iter(range(10**9))
    for name, (accept, query) in queries(sample).items():
        # The server keeps each answer until the next build, keyed by the query's text: a
        # comment that differs on every request makes each one a real query.
        def text(query: str = query) -> str:
            return f"{query}\n# scale.py request {next(runs)}\n"

        status, body = get(port, text(), accept)  # warm-up (one per worker), and the size
        get(port, text(), accept)
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            again, _ = get(port, text(), accept)
            times.append((time.perf_counter() - began) * 1000)
            status = max(status, again)
        rows = (len(json.loads(body)["results"]["bindings"])
                if status == 200 and accept == JSON_RESULTS
                else body.count(b"\n"))
        latency[name] = {"median_ms": round(statistics.median(times), 1),
                         "max_ms": round(max(times), 1), "status": status, "rows": rows}
    return latency


def serve(project: Path, sample: dict[str, str], repeat: int, log: Path,
          timeout_s: float = 3600) -> dict[str, Any]:
    """Start `kg serve` on the project, time its first answer, query it, measure it, stop it."""
    port = free_port()
    started = time.perf_counter()
    server = start_kg_serve(port, project / "build", log, {"KG_ROOT": str(project)})
    proc = server.proc
    try:
        wait_ready(proc, port, timeout=timeout_s, interval=0.05)
        startup = time.perf_counter() - started
        startup_cpu = process_cpu_seconds(proc.pid)
        latency = latencies(port, sample, repeat)
        workers = children(proc.pid)
        memory = {
            "master_peak_rss_mb": round(status_kb(proc.pid, "VmHWM") / 1024),
            "worker_peak_rss_mb": max((round(status_kb(w, "VmHWM") / 1024) for w in workers),
                                      default=0),
            "total_pss_mb": round(sum(pss_kb(p) for p in [proc.pid, *workers]) / 1024),
            "workers": len(workers),
        }
        return {"startup_s": round(startup, 2), "startup_cpu_s": round(startup_cpu, 2), **memory,
                "queries": latency}
    finally:
        stop(proc, grace_s=60)
