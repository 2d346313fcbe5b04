"""Our endpoint (`kg serve`) against Oxigraph's own server: same data, same queries, same client.

Both serve the built artifact: `kg serve` (gunicorn, its default workers and threads) loads it
as it always does, and `oxigraph serve-read-only` opens a store made with `oxigraph load` from
the artifact's named graphs plus a default graph holding their merge without graph:shapes,
which is exactly our default graph. rdflib-endpoint (rdflib's SPARQL engine under uvicorn),
given the same dataset, is a second peer when it is installed.

The query mix is the README's examples (`kg.examples`) and heavier queries: multi-hop joins,
aggregates, OPTIONAL with FILTER, a DESCRIBE of a busy entity and a CONSTRUCT of the whole
default graph. Every query is sent with PREFIX lines for the prefixes it uses (Oxigraph
predeclares none), as GET, asking for SPARQL JSON results or N-Triples. `kg serve` runs with
KG_MAX_ROWS high enough that the CONSTRUCT returns every triple. Each query is first run once
on every server and the answers are compared.

Then, in rounds (servers alternate, the order reversed every other round, so drift hits them
alike), at each concurrency level: `--passes` passes over the whole mix, shuffled, from a
keep-alive thread-pool client (the overall figures), and `--solo` requests of each query alone
(the per-query figures). At concurrency 1 each round also times an empty `ASK {}` (the fixed
cost of a request) and the documented queries with the whole prefix table in front of each, as
the query page prefills it. The server's CPU per request is read from /proc.

    python bench/servers.py [--rounds 3] [--passes 12] [--solo 24] [--no-rdflib] [--readme]

Writes bench/results/servers.json and, with --readme, docs/figures.md's bench:servers section.
Exits with status 1 if an answer differed between our endpoint and Oxigraph or a request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from harness import JSON_RESULTS
from harness.client import Request, Run, drive
from harness.peers import (
    OURS,
    OXIGRAPH,
    RDFLIB,
    Server,
    oxigraph_store,
    rdflib_available,
    rdflib_child,
    start_kg_serve,
    start_oxigraph,
    start_rdflib,
)
from harness.procs import cpu_seconds, free_port, pss_mb, stop, wait_ready
from harness.queries import Query, query_mix
from harness.report import machine, read_results, replace_section, write_results
from servers_answers import check_answers, mismatch_lines, real_mismatches
from servers_report import MAX_ROWS, overall_table, per_query_table, readme_section
from servers_summary import full_prefix_probe, summarise, targets

from kg.settings import load_settings

COMMAND = "python bench/servers.py --readme"


def start_servers(names: Sequence[str], work: Path, logs: Path) -> list[Server]:
    """Start each server on a free port; the caller stops them (also when this fails)."""
    servers: list[Server] = []
    for name in names:
        port = free_port()
        log = logs / f"{name.replace(' ', '-')}.log"
        log.write_bytes(b"")
        if name == OURS:
            servers.append(start_kg_serve(port, work, log, {"KG_MAX_ROWS": str(MAX_ROWS)}))
        elif name == OXIGRAPH:
            location = work / "oxigraph"
            oxigraph_store(load_settings().artifact, location, log, merged_default=True)
            servers.append(start_oxigraph(port, location, log, union_default_graph=False))
        else:
            servers.append(start_rdflib(port, __file__, log))
    for server in servers:
        wait_ready(server.proc, server.port, server.path)
    return servers


def measure(server: Server, requests: Sequence[Request], concurrency: int) -> tuple[Run, float]:
    """Run the load; also the server's CPU per request, in milliseconds."""
    cpu = cpu_seconds(server.proc.pid)
    run = drive(server.port, requests, concurrency)
    return run, (cpu_seconds(server.proc.pid) - cpu) * 1000 / len(requests)


def round_of_load(server: Server, mix: Sequence[Query], args: argparse.Namespace,
                  round_no: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    peer = server.name == RDFLIB
    passes = args.rdflib_passes if peer else args.passes

    def record(phase: str, query: str, concurrency: int, figures: dict[str, float],
               **extra: Any) -> None:
        rows.append({"round": round_no, "server": server.name, "phase": phase, "query": query,
                     "concurrency": concurrency, **figures, **extra})

    for concurrency in args.concurrency:
        order: list[Query] = []
        for n in range(passes):  # the same shuffled order for every server
            shuffled = list(mix)
            random.Random(n).shuffle(shuffled)
            order += shuffled
        run, server_cpu = measure(server, [server.request(q) for q in order], concurrency)
        record("mix", "all", concurrency, run.figures(), client_cpu=run.client_cpu,
               server_cpu_ms=server_cpu)
        for query in mix:
            indices = [i for i, q in enumerate(order) if q.key == query.key]
            record("mix", query.key, concurrency, run.figures(indices))
        readme = [i for i, q in enumerate(order) if q.readme]
        record("mix", "readme", concurrency, run.figures(readme))
        print(f"  {server.name:<15} c={concurrency:<3} mix  {run.figures()['rps']:7.1f} req/s  "
              f"p50 {run.figures()['p50_ms']:6.1f} ms  errors {run.figures()['errors']}  "
              f"client CPU {run.client_cpu:.2f}", flush=True)
        if peer:
            continue
        for query in mix:
            run, server_cpu = measure(server, [server.request(query)] * args.solo, concurrency)
            record("solo", query.key, concurrency, run.figures(), client_cpu=run.client_cpu,
                   server_cpu_ms=server_cpu)
    if not peer and args.ask_requests:
        ask = Request(server.path + "?" + urlencode({"query": "ASK {}"}), {"Accept": JSON_RESULTS})
        run, server_cpu = measure(server, [ask] * args.ask_requests, 1)
        record("ask", "ASK {}", 1, run.figures(), client_cpu=run.client_cpu,
               server_cpu_ms=server_cpu)
    if not peer and args.full_prefix_requests:
        for query in (q for q in mix if q.readme):
            run, server_cpu = measure(server, [server.request(query, every_prefix=True)]
                                      * args.full_prefix_requests, 1)
            record("full-prefixes", query.key, 1, run.figures(), server_cpu_ms=server_cpu)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--passes", type=int, default=12,
                        help="passes over the whole mix per concurrency level")
    parser.add_argument("--solo", type=int, default=24,
                        help="requests of each query alone per concurrency level")
    parser.add_argument("--full-prefix-requests", type=int, default=6,
                        help="requests of each README query with the whole prefix table "
                        "(0: skip)")
    parser.add_argument("--ask-requests", type=int, default=200,
                        help="requests of an empty ASK at concurrency 1, the fixed cost (0: skip)")
    parser.add_argument("--rdflib-passes", type=int, default=1,
                        help="passes over the mix per level for rdflib-endpoint")
    parser.add_argument("--no-rdflib", action="store_true", help="leave rdflib-endpoint out")
    parser.add_argument("--concurrency", type=lambda s: [int(c) for c in s.split(",")],
                        default=[1, 4, 16])
    parser.add_argument("--readme", action="store_true",
                        help="write the figures into docs/figures.md's bench:servers section")
    parser.add_argument("--readme-only", action="store_true",
                        help="rewrite the docs/figures.md section from bench/results/servers.json; "
                             "no run")
    parser.add_argument("--rdflib-child", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rdflib_child:
        rdflib_child(args.rdflib_child)
        return 0

    if args.readme_only:
        return 0 if replace_section("servers", readme_section(read_results("servers"))) else 1

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks
    mix = query_mix()
    names = [OURS, OXIGRAPH]
    skipped = None if not args.no_rdflib else "left out with --no-rdflib"
    if not args.no_rdflib and (skipped := rdflib_available()) is None:
        names.append(RDFLIB)
    logs = Path(tempfile.gettempdir()) / "kg-bench-servers"
    logs.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kg-bench-servers-"))
    started = time.monotonic()
    print(f"{os.cpu_count()} cores; {len(mix)} queries; servers: {', '.join(names)}; "
          f"logs in {logs}", flush=True)
    servers: list[Server] = []
    try:
        servers = start_servers(names, work, logs)
        check = check_answers(servers, mix)
        probe = full_prefix_probe(servers[0], mix)
        for line in mismatch_lines(check) or ["every answer matched"]:
            print("  check:", line)
        for server in servers:  # warm every worker on every query
            drive(server.port, [server.request(q) for q in mix] * 2, 4)
        runs: list[dict[str, Any]] = []
        load_before = os.getloadavg()
        for round_no in range(1, args.rounds + 1):
            print(f"round {round_no}", flush=True)
            for server in servers if round_no % 2 else servers[::-1]:
                load_average = os.getloadavg()[0]
                runs += [{**row, "load_average": load_average}
                         for row in round_of_load(server, mix, args, round_no)]
        memory = {s.name: round(pss_mb(s.proc.pid), 1) for s in servers}
    finally:
        for server in servers:
            stop(server.proc)
        shutil.rmtree(work, ignore_errors=True)

    summary = summarise(runs, names)
    data: dict[str, Any] = {
        "date": date.today().isoformat(), "command": COMMAND,
        "machine": {**machine("pyoxigraph", "oxigraph", "gunicorn", "flask", "rdflib",
                              "rdflib-endpoint", "uvicorn"),
                    "load_average_before": load_before},
        "settings": {k: v for k, v in vars(args).items()
                     if k in ("rounds", "passes", "solo", "full_prefix_requests",
                              "ask_requests", "rdflib_passes", "concurrency")},
        "kg_max_rows": MAX_ROWS, "servers": names,
        "kg_serve": {"workers": load_settings().workers, "threads": load_settings().threads},
        "rdflib_skipped": skipped,
        "default_triples": next(iter(r["counts"][OURS] for r in check if r["query"] == "h7")),
        "pss_mb": memory, "seconds": round(time.monotonic() - started),
        "full_prefix_probe": probe,
        "queries": [asdict(q) for q in mix], "check": check,
        "targets": targets(summary, mix, args.concurrency), "summary": summary, "runs": runs,
    }
    print(f"\n{args.rounds} rounds in {data['seconds']} s; memory (PSS, MB): {memory}\n")
    print("\n".join(overall_table(summary, names, args.concurrency)), "\n")
    print("\n".join(per_query_table(summary, mix, args.concurrency)), "\n")
    for key, value in data["targets"].items():
        print(f"{key}: {json.dumps(value)}")
    write_results("servers", data)
    if args.readme and not replace_section("servers", readme_section(data)):
        print("README.md has no bench:servers markers; section not written", file=sys.stderr)
    reasons = [f"answers differ from Oxigraph's on {', '.join(real_mismatches(check, OXIGRAPH))}"
               ] if real_mismatches(check, OXIGRAPH) else []
    reasons += [f"{r['errors']} failed requests: {r['server']}, {r['phase']} {r['query']}, "
                f"concurrency {r['concurrency']}" for r in summary
                if r["errors"] and r["server"] != RDFLIB and r["query"] != "readme"
                and (r["phase"] != "mix" or r["query"] == "all")]
    for reason in reasons:
        print("FAILED:", reason, file=sys.stderr)
    return 1 if reasons else 0


if __name__ == "__main__":
    sys.exit(main())
