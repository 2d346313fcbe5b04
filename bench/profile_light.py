"""Where the time of a light request goes: an uncached `ASK {}` on `kg serve`.

    python bench/profile_light.py [--calls 500] [--seconds 5] [--rounds 5] [--spy-seconds 15]
    python bench/profile_light.py --markdown-only   # rewrite the table from the results

Three views of the same request, each query text made unique by a counter in a trailing
comment so that the answer cache never serves it:

1. In one process, no HTTP (profile_parts.py): every step of the request path timed alone,
   then run_query and the whole Flask app called as WSGI; Flask's and Werkzeug's share is what
   the steps leave over.
2. Over HTTP with wrk (unique.lua), at concurrency 1 and 16: `kg serve` as configured, and the
   same gunicorn (kg.web.server's options) serving an app that only replays kg serve's answer:
   without the access log (gunicorn's floor), with it, and after running the query through
   kg.query.run_query. The differences price the access log, run_query and the rest of the
   app in the server itself. The server's CPU per request is read from /proc for its group.
3. py-spy under load (concurrency 4): `--gil` samples of one worker, sorted into the parts of
   the path (profile_stacks.py), and a flame graph of the other worker.

Writes bench/results/profile_light.json, bench/results/profile_light.folded.gz (py-spy's raw
stacks, gzipped), bench/profile_light.svg (the flame graph), and the tables between the
bench:profile_light markers of bench/profile_light.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import profile_parts
import profile_report
import profile_stacks
from harness import BENCH, JSON_RESULTS, PICTURES, RESULTS
from harness.client import Request, fetch
from harness.peers import Server, start_kg_serve
from harness.procs import children, cpu_seconds, free_port, spawn, stop, wait_ready
from harness.report import machine, read_results, write_results
from harness.wrk import Target, run_wrk
from profile_report import FLOORS, QUERY_MODES

from kg.settings import load_settings

FOLDED = RESULTS / "profile_light.folded.gz"
FLAME = PICTURES / "profile_light.svg"
COMMAND = "python bench/profile_light.py"


def floor_child(port: int, answer: Path, mode: str) -> None:
    """gunicorn with kg serve's options, serving an app that replays one recorded answer:
    with the access log (`replay`), without it (`quiet`), or after running the request's
    query on the built store: through kg.query.run_query (`run_query`), or, to price the
    alternatives, with store.query in a long-lived thread pool (`pool`) or in the request's
    own thread (`inline`)."""
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

    from kg.namespaces import PREFIXES
    from kg.query import run_query
    from kg.store import load_store
    from kg.web.server import gunicorn_options

    settings = load_settings(host="127.0.0.1", port=port,
                             pid_file=answer.with_suffix(f".{port}.pid"))
    store = load_store(settings.artifact).store if mode in QUERY_MODES else None
    pools: list[ThreadPoolExecutor] = []  # one per worker, made after the fork

    def query(text: str) -> None:
        assert store is not None
        if mode == "run_query":
            run_query(store, text, settings.query_timeout_s, max_rows=settings.max_rows)
        elif mode == "inline":
            bool(store.query(text, prefixes=PREFIXES))
        else:
            pools[0].submit(lambda: bool(store.query(text, prefixes=PREFIXES))).result(
                settings.query_timeout_s)

    recorded = json.loads(answer.read_text(encoding="utf-8"))
    body = recorded["body"].encode()
    headers = [(k, v) for k, v in recorded["headers"].items()
               if k.lower() not in ("date", "server", "connection", "keep-alive")]
    options = gunicorn_options(settings)
    if mode == "quiet":
        options["accesslog"] = None
    if mode == "pool":
        def post_fork(server: object, worker: object) -> None:
            pools.append(ThreadPoolExecutor(settings.threads))

        options["post_fork"] = post_fork

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if store is not None:
            query(parse_qs(environ["QUERY_STRING"])["query"][0])
        start_response("200 OK", headers)
        return [body]

    class Floor(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    Floor().run()


def start_all(work: Path, logs: Path) -> list[Server]:
    """kg serve, then the floors replaying its answer to an ASK; all workers up. The servers'
    output goes to `logs`."""
    servers = [start_kg_serve(free_port(), work, logs / "kg-serve.log")]
    wait_ready(servers[0].proc, servers[0].port)
    status, headers, body = fetch(servers[0].port, Request("/sparql?query=ASK%20%7B%7D"))
    answer = work / "answer.json"
    answer.write_text(json.dumps({"status": status, "headers": headers,
                                  "body": body.decode()}), encoding="utf-8")
    for name, mode in FLOORS:
        port = free_port()
        proc = spawn([sys.executable, __file__, "--floor-child", str(port), str(answer), mode],
                     logs / f"floor-{mode}.log")
        servers.append(Server(name, "/sparql", port, proc))
    workers = load_settings().workers
    for server in servers:
        wait_ready(server.proc, server.port)
        deadline = time.monotonic() + 60
        while len(children(server.proc.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
    return servers


def http_runs(servers: list[Server], args: argparse.Namespace) -> list[dict[str, Any]]:
    """Rounds of wrk runs (the servers' order reversed every other round): req/s, latency
    and the server's CPU per request."""
    rows = []
    for round_no in range(1, args.rounds + 1):
        for concurrency in (1, 16):
            for server in servers if round_no % 2 else servers[::-1]:
                target = [Target(server.path, "ASK {}", JSON_RESULTS)]
                cpu = cpu_seconds(server.proc.pid)
                nonce = f"h{round_no}c{concurrency}p{server.port}"
                run = run_wrk(server.port, target, concurrency, args.seconds, nonce)
                used = cpu_seconds(server.proc.pid) - cpu
                rows.append({"round": round_no, "server": server.name,
                             "concurrency": concurrency, **run,
                             "server_cpu_us": used * 1e6 / max(1, run["requests"]),
                             "load_average": os.getloadavg()[0]})
                print(f"  {server.name:<30} c={concurrency:<3} {run['rps']:8.0f} req/s  "
                      f"p50 {run['p50_ms']:6.2f} ms  server CPU "
                      f"{rows[-1]['server_cpu_us']:6.0f} µs/req", flush=True)
    return rows


def http_summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for name in dict.fromkeys(r["server"] for r in rows):
        for level in (1, 16):
            mine = [r for r in rows if r["server"] == name and r["concurrency"] == level]
            out.append({"server": name, "concurrency": level, "rounds": len(mine),
                        **{k: round(statistics.median(r[k] for r in mine), 3)
                           for k in ("rps", "p50_ms", "p99_ms", "server_cpu_us",
                                     "client_cpu_us")},
                        "errors": sum(r["errors"] for r in mine)})
    return out


def spy(server: Server, seconds: int, work: Path) -> dict[str, Any]:
    """py-spy on every worker (`--subprocesses` of the master) while wrk keeps 4 unique ASKs in
    flight: `--gil` stacks sorted into parts, then a flame graph of as many seconds."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    raw = work / "workers.folded"
    common = [py_spy, "record", "--pid", str(server.proc.pid), "--subprocesses", "--gil",
              "--rate", "200", "--duration", f"{seconds:g}"]
    target = [Target(server.path, "ASK {}", JSON_RESULTS)]
    with ThreadPoolExecutor(1) as pool:
        load = pool.submit(run_wrk, server.port, target, 4, 2 * seconds + 4, f"spy{server.port}")
        time.sleep(1)
        for extra in (["--format", "raw", "--output", str(raw)],
                      ["--nolineno", "--format", "flamegraph", "--output", str(FLAME)]):
            subprocess.run([*common, *extra], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.STDOUT, timeout=seconds + 60)
        run = load.result()
    FOLDED.parent.mkdir(parents=True, exist_ok=True)
    FOLDED.write_bytes(gzip.compress(raw.read_bytes(), mtime=0))
    return {"concurrency": 4, "seconds": seconds, "rps_while_sampled": round(run["rps"]),
            "rate_hz": 200, "mode": "--gil --subprocesses (the thread holding the GIL)",
            **profile_stacks.classify(raw)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500, help="calls per in-process batch")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of wrk runs")
    parser.add_argument("--spy-seconds", type=int, default=15)
    parser.add_argument("--markdown-only", action="store_true",
                        help="rewrite bench/profile_light.md's tables from the results")
    parser.add_argument("--floor-child", nargs=3, metavar=("PORT", "ANSWER", "MODE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_child:
        port, answer, mode = args.floor_child
        floor_child(int(port), Path(answer), mode)
        return 0
    if args.markdown_only:
        return 0 if profile_report.write_markdown(read_results("profile_light")) else 1

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks
    started, load_before = time.monotonic(), os.getloadavg()
    print("in process: each step of the light path", flush=True)
    parts = profile_parts.measure(args.calls)
    work = Path(tempfile.mkdtemp(prefix="kg-profile-light-"))
    logs = Path(tempfile.gettempdir()) / "kg-bench-profile"
    logs.mkdir(exist_ok=True)
    for old in logs.glob("*.log"):
        old.unlink()
    servers: list[Server] = []
    try:
        servers = start_all(work, logs)
        print("over HTTP: kg serve and gunicorn's floor, wrk with unique ASKs", flush=True)
        rows = http_runs(servers, args)
        print(f"py-spy: {args.spy_seconds:g} s of both kg serve workers", flush=True)
        spied = spy(servers[0], args.spy_seconds, work)
    finally:
        for server in servers:
            stop(server.proc)
        shutil.rmtree(work, ignore_errors=True)
    data = {
        "date": date.today().isoformat(), "command": COMMAND,
        "machine": {**machine("pyoxigraph", "gunicorn", "flask", "werkzeug", "py-spy"),
                    "load_average_before": load_before},
        "kg_serve": {"workers": load_settings().workers, "threads": load_settings().threads},
        "settings": {"calls": args.calls, "seconds": args.seconds, "rounds": args.rounds},
        "seconds": round(time.monotonic() - started),
        "in_process": parts, "in_process_breakdown": profile_parts.breakdown(parts),
        "http": http_summary(rows), "http_runs": rows, "py_spy": spied,
    }
    data["breakdown"] = profile_report.breakdown(data)
    write_results("profile_light", data)
    print("\n" + profile_report.tables(data))
    if PICTURES == BENCH:  # a run whose results went elsewhere (KG_BENCH_RESULTS) is a trial
        profile_report.write_markdown(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
