"""Uncached requests: `kg serve` against `oxigraph serve-read-only --union-default-graph`.

    python bench/uncached.py [--rounds 5] [--seconds 5] [--concurrency 1,4,16] [--readme]
    python bench/uncached.py --readme-only     # rewrite its docs/figures.md block from the results

Both servers answer from the built artifact (build/kg.nq): `kg serve` as configured, Oxigraph
from a store made by `oxigraph load` of the same file and served with its union default graph.
Every request is unique: wrk (harness/unique.lua) ends each query with a comment holding the
run's nonce, the thread and a counter, so no answer cache ever serves one. Two workloads:

- light: `ASK {}`, the fixed cost of a request;
- mix: eight queries in turn, example 1 (a join of facts with their evidence) and the
  heavier queries h1–h7 of harness/queries.py: two multi-hop joins, two aggregates, OPTIONAL
  with FILTER, DESCRIBE id:geneva-iv and a CONSTRUCT of the whole default graph, each after
  the PREFIX lines it uses; SELECT answers as SPARQL JSON, graphs as N-Triples.

Each query is first sent once to each server, to check that it is answered (and that our
CONSTRUCT is not cut by KG_MAX_ROWS; kg serve gets a higher limit only if the default graph
outgrows it). Then, in each round, for each workload and concurrency level, the two servers run
one after the other, the order reversed every other round; a run is `--seconds` of wrk over
as many keep-alive connections as the level. The ratio to Oxigraph is taken within each round.

Writes bench/results/uncached.json and bench/uncached.png, and with --readme the README's
bench:uncached section. Exits with status 1 if a request failed or a query was not answered.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import uncached_report
from harness import JSON_RESULTS, N_TRIPLES
from harness.client import Request, fetch
from harness.peers import (
    Server,
    merged_default_graph,
    oxigraph_store,
    start_kg_serve,
    start_oxigraph,
)
from harness.procs import cpu_seconds, free_port, pss_mb, stop, wait_ready
from harness.queries import Query, query_mix
from harness.report import machine, read_results, replace_section, write_results
from harness.wrk import COMMENT, Target, run_wrk, wrk_version

from kg.settings import load_settings

COMMAND = "python bench/uncached.py --readme"
MIX_KEYS = ("ex1", "h1", "h2", "h3", "h4", "h5", "h6", "h7")
LIGHT = Query("ask", "ASK {}", "ASK {}", False)


def workloads() -> dict[str, list[Query]]:
    by_key = {q.key: q for q in query_mix()}
    return {"light": [LIGHT], "mix": [by_key[k] for k in MIX_KEYS]}


def targets(server: Server, queries: list[Query]) -> list[Target]:
    return [Target(server.path, q.with_prefixes(), N_TRIPLES if q.graph else JSON_RESULTS)
            for q in queries]


def kg_env(work: Path) -> dict[str, str]:
    """KG_* settings kg serve needs beyond its defaults: only a row limit above the default
    graph's size, if it has outgrown the default, so that the CONSTRUCT is not cut."""
    settings = load_settings()
    merged = merged_default_graph(settings.artifact, work / "default-graph.nt")
    triples = sum(1 for line in merged.open("rb") if line.strip())
    return {} if triples <= settings.max_rows else {"KG_MAX_ROWS": str(2 * triples)}


def start(work: Path, logs: Path, env: dict[str, str]) -> list[Server]:
    """Both servers on free ports; the caller stops them (also when this fails)."""
    location = work / "oxigraph"
    oxigraph_store(load_settings().artifact, location, logs / "oxigraph.log",
                   merged_default=False)
    servers = [start_kg_serve(free_port(), work, logs / "kg-serve.log", env),
               start_oxigraph(free_port(), location, logs / "oxigraph.log",
                              union_default_graph=True)]
    for server in servers:
        wait_ready(server.proc, server.port, server.path)
    return servers


def check(servers: list[Server], queries: list[Query]) -> list[dict[str, Any]]:
    """Send each query once to each server, made unique as the load makes it: status, size of
    the answer (rows or triples) and whether kg serve cut it at its row limit."""
    rows = []
    for query in queries:
        row: dict[str, Any] = {"query": query.key, "title": query.title}
        for server in servers:
            text = query.with_prefixes() + COMMENT + "check"
            accept = N_TRIPLES if query.graph else JSON_RESULTS
            status, headers, body = fetch(server.port, Request(
                server.path + "?" + urlencode({"query": text}), {"Accept": accept}), 120)
            if status != 200:
                count = None
            elif query.graph:
                count = sum(1 for line in body.splitlines() if line.strip())
            else:
                answer = json.loads(body)
                count = 1 if "boolean" in answer else len(answer["results"]["bindings"])
            row[server.name] = {"status": status, "items": count, "bytes": len(body),
                                "cut": headers.get("x-sparql-maxrows")}
        rows.append(row)
    return rows


def rounds(servers: list[Server], loads: dict[str, list[Query]],
           args: argparse.Namespace) -> list[dict[str, Any]]:
    runs = []
    for round_no in range(1, args.rounds + 1):
        print(f"round {round_no} (load average {os.getloadavg()[0]:.1f})", flush=True)
        for workload, queries in loads.items():
            for level in args.concurrency:
                for server in servers if round_no % 2 else servers[::-1]:
                    cpu = cpu_seconds(server.proc.pid)
                    nonce = f"r{round_no}{workload}c{level}p{server.port}"
                    run = run_wrk(server.port, targets(server, queries), level, args.seconds,
                                  nonce, threads=args.threads)
                    used = cpu_seconds(server.proc.pid) - cpu
                    runs.append({"round": round_no, "workload": workload, "concurrency": level,
                                 "server": server.name, **run,
                                 "server_cpu_us": used * 1e6 / max(1, run["requests"]),
                                 "load_average": os.getloadavg()[0]})
                    print(f"  {workload:<5} c={level:<3} {server.name:<9} {run['rps']:9.0f} "
                          f"req/s  p50 {run['p50_ms']:7.2f} ms  p99 {run['p99_ms']:7.1f} ms  "
                          f"errors {run['errors']}  client {run['client_cores']:.2f} cores",
                          flush=True)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5, help="seconds of each wrk run")
    parser.add_argument("--concurrency", type=lambda s: [int(c) for c in s.split(",")],
                        default=[1, 4, 16])
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per "
                        "server and workload, at concurrency 4")
    parser.add_argument("--readme", action="store_true",
                        help="write the figures into docs/figures.md's bench:uncached section")
    parser.add_argument("--readme-only", action="store_true",
                        help="rewrite the docs/figures.md section from bench/results/uncached.json")
    args = parser.parse_args()
    if args.readme_only:
        section = uncached_report.readme_section(read_results("uncached"))
        return 0 if replace_section("uncached", section) else 1

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks
    started, load_before = time.monotonic(), os.getloadavg()
    loads = workloads()
    logs = Path(tempfile.gettempdir()) / "kg-bench-uncached"
    logs.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kg-bench-uncached-"))
    servers: list[Server] = []
    try:
        env = kg_env(work)
        servers = start(work, logs, env)
        checked = check(servers, [q for queries in loads.values() for q in queries])
        for server in servers:  # warm every worker on every query
            for workload, queries in loads.items():
                run_wrk(server.port, targets(server, queries), 4, args.warmup,
                        f"warm{workload}{server.port}")
        runs = rounds(servers, loads, args)
        memory = {s.name: round(pss_mb(s.proc.pid), 1) for s in servers}
    finally:
        for server in servers:
            stop(server.proc)
        shutil.rmtree(work, ignore_errors=True)

    settings = load_settings()
    data: dict[str, Any] = {
        "date": date.today().isoformat(), "command": COMMAND,
        "machine": {**machine("pyoxigraph", "oxigraph", "gunicorn", "flask"),
                    "load_average_before": load_before, "wrk": wrk_version()},
        "settings": {k: getattr(args, k) for k in ("rounds", "seconds", "concurrency",
                                                   "threads", "warmup")},
        "kg_serve": {"workers": settings.workers, "threads": settings.threads, "env": env},
        "oxigraph": "serve-read-only --union-default-graph",
        "workloads": {name: [q.key for q in queries] for name, queries in loads.items()},
        "queries": {q.key: q.title for queries in loads.values() for q in queries},
        "seconds": round(time.monotonic() - started), "pss_mb": memory,
        "check": checked, "runs": runs,
    }
    data["summary"] = uncached_report.summarise(runs)
    data["targets"] = uncached_report.targets(data["summary"], args.concurrency)
    data["client"] = uncached_report.client(runs)
    write_results("uncached", data)
    uncached_report.plot(data)
    print("\n" + "\n".join(uncached_report.table(data)))
    for key, value in data["targets"].items():
        print(f"{key}: {json.dumps(value)}")
    if args.readme and not replace_section("uncached", uncached_report.readme_section(data)):
        print("README.md has no bench:uncached markers; section not written", file=sys.stderr)
    failed = uncached_report.failures(data)
    for reason in failed:
        print("FAILED:", reason, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
