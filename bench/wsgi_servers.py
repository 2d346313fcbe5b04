"""gunicorn (`kg serve`) against waitress, serving the same Flask app over the same artifact.

Each server runs as a subprocess on a free port of 127.0.0.1 and answers the example queries
(GET /sparql, SPARQL JSON results) from a thread-pool client, a fixed number of requests at
each concurrency level. Servers alternate in rounds, the order reversed every other round, so
drift hits them alike. The figure that matters is the ratio of throughputs in the same run.

    python bench/wsgi_servers.py [--requests N] [--rounds R] [--no-extra]

Writes bench/results/wsgi_servers.json. `--no-extra` skips the other gunicorn worker/thread
configurations and compares only the default against waitress.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from harness import ROOT
from harness.client import load
from harness.procs import free_port, pss_mb, spawn, stop, wait_ready
from harness.report import machine, write_results

from kg.examples import examples
from kg.settings import load_settings


@dataclass(frozen=True)
class Config:
    name: str
    server: str  # "gunicorn" or "waitress"
    workers: int
    threads: int


DEFAULT = Config("gunicorn 2w×4t", "gunicorn", 2, 4)  # `kg serve` defaults
WAITRESS = Config("waitress 8t", "waitress", 1, 8)  # as many request threads as DEFAULT
EXTRA = (Config("gunicorn 4w×2t", "gunicorn", 4, 2), Config("gunicorn 2w×1t", "gunicorn", 2, 1),
         Config("gunicorn 1w×8t", "gunicorn", 1, 8))


def waitress_child(port: int, threads: int) -> None:
    import waitress  # type: ignore[import-untyped]

    from kg.web import create_app

    waitress.serve(create_app(load_settings()), host="127.0.0.1", port=port, threads=threads)


def start(config: Config, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KG_ROOT": str(ROOT), "KG_HOST": "127.0.0.1", "KG_PORT": str(port),
           "KG_WORKERS": str(config.workers), "KG_THREADS": str(config.threads),
           "KG_PID_FILE": str(log.with_suffix(".pid"))}  # not the build's: kg serve may run
    if config.server == "gunicorn":
        command = [sys.executable, "-m", "kg.cli", "serve"]
    else:
        command = [sys.executable, __file__, "--waitress-child", str(port),
                   "--threads", str(config.threads)]
    return spawn(command, log, env)


def run_config(config: Config, args: argparse.Namespace, paths: list[str],
               log: Path) -> list[dict[str, Any]]:
    port = free_port()
    proc = start(config, port, log)
    try:
        wait_ready(proc, port)
        load(port, paths, 4 * len(paths), 4)  # warm up every worker on every query
        rows: list[dict[str, Any]] = []
        for concurrency in args.concurrency:
            figures = load(port, paths, args.requests, concurrency)
            rows.append({"config": config.name, "concurrency": concurrency, **figures})
            print(f"  {config.name:<15} c={concurrency:<3} {figures['rps']:7.1f} req/s  "
                  f"p50 {figures['p50_ms']:6.1f} ms  errors {figures['errors']}", flush=True)
        memory = pss_mb(proc.pid)
        for row in rows:
            row["pss_mb"] = memory
        return rows
    finally:
        stop(proc)


def summarise(runs: list[dict[str, Any]], configs: list[Config],
              levels: list[int]) -> list[dict[str, Any]]:
    """Per config and concurrency: medians over rounds, errors summed, and the throughput
    ratio to waitress taken within each round (the two ran minutes apart at most)."""
    waitress = {(r["round"], r["concurrency"]): r["rps"] for r in runs
                if r["config"] == WAITRESS.name}
    summary = []
    for config in configs:
        for level in levels:
            mine = [r for r in runs if r["config"] == config.name and r["concurrency"] == level]
            row: dict[str, Any] = {"config": config.name, "concurrency": level}
            for key in ("rps", "p50_ms", "p95_ms", "p99_ms", "pss_mb", "client_cpu"):
                row[key] = round(statistics.median(r[key] for r in mine), 2)
            row["errors"] = sum(r["errors"] for r in mine)
            ratios = sorted(r["rps"] / waitress[r["round"], level] for r in mine)
            row["vs_waitress"] = round(statistics.median(ratios), 2)
            row["vs_waitress_range"] = [round(ratios[0], 2), round(ratios[-1], 2)]
            summary.append(row)
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per level")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--concurrency", type=lambda s: [int(c) for c in s.split(",")],
                        default=[1, 4, 16])
    parser.add_argument("--no-extra", action="store_true", help="only gunicorn default vs "
                        "waitress")
    parser.add_argument("--waitress-child", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=8, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.waitress_child:
        waitress_child(args.waitress_child, args.threads)
        return 0

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks
    paths = ["/sparql?" + urlencode({"query": e.query}) for e in examples()]
    configs = [DEFAULT, WAITRESS, *(() if args.no_extra else EXTRA)]
    log = Path(tempfile.gettempdir()) / "kg-wsgi-servers.log"
    log.write_bytes(b"")
    load_before = os.getloadavg()
    print(f"{os.cpu_count()} cores; {len(paths)} queries; {args.requests} requests per level; "
          f"server logs in {log}")
    runs: list[dict[str, Any]] = []
    started = time.monotonic()
    for round_no in range(args.rounds):
        print(f"round {round_no + 1}", flush=True)
        for config in configs if round_no % 2 == 0 else configs[::-1]:
            runs += [{"round": round_no + 1, **row} for row in run_config(config, args, paths, log)]
    summary = summarise(runs, configs, args.concurrency)

    print(f"\nmedian of {args.rounds} rounds, {args.requests} requests per level, "
          f"{os.cpu_count()} cores, {time.monotonic() - started:.0f} s in all\n")
    print("| server | conc. | req/s | × waitress (range) | p50 ms | p95 ms | p99 ms | errors "
          "| PSS MB | client CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in summary:
        low, high = r["vs_waitress_range"]
        print(f"| {r['config']} | {r['concurrency']} | {r['rps']:.0f} | "
              f"{r['vs_waitress']:.2f} ({low:.2f}–{high:.2f}) | {r['p50_ms']:.1f} | "
              f"{r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} | {r['pss_mb']:.0f} | "
              f"{r['client_cpu']:.2f} |")
    facts = {**machine("gunicorn", "waitress", "flask", "pyoxigraph"),
             "load_average_before": load_before, "load_average_after": os.getloadavg()}
    del facts["load_average"]
    write_results("wsgi_servers", {
        "date": date.today().isoformat(), "machine": facts,
        "requests_per_level": args.requests, "rounds": args.rounds,
        "configs": [c.__dict__ for c in configs], "summary": summary, "runs": runs,
    })
    return 1 if any(r["errors"] for r in summary) else 0


if __name__ == "__main__":
    sys.exit(main())
