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
import http.client
import itertools
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from kg.examples import examples
from kg.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
ACCEPT = "application/sparql-results+json"


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
    import waitress

    from kg.web import create_app

    waitress.serve(create_app(load_settings()), host="127.0.0.1", port=port, threads=threads)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(config: Config, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KG_ROOT": str(ROOT), "KG_HOST": "127.0.0.1", "KG_PORT": str(port),
           "KG_WORKERS": str(config.workers), "KG_THREADS": str(config.threads)}
    if config.server == "gunicorn":
        command = [sys.executable, "-m", "kg.cli", "serve"]
    else:
        command = [sys.executable, __file__, "--waitress-child", str(port),
                   "--threads", str(config.threads)]
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (gunicorn's master then stops its workers), SIGKILL to the session after 15 s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the leader is not reaped yet: the group is ours
        proc.wait()


def wait_ready(proc: subprocess.Popen[bytes], port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with status {proc.returncode}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/sparql?" + urlencode({"query": "ASK {}"}),
                         headers={"Accept": ACCEPT})
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} not ready after {timeout:.0f} s")


def pss_mb(pgid: int) -> float:
    """Proportional set size of every process in the group, in MB (Linux; 0 elsewhere)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                rollup = (stat.parent / "smaps_rollup").read_text()
                total += next(int(line.split()[1]) for line in rollup.splitlines()
                              if line.startswith("Pss:"))
        except (OSError, IndexError, StopIteration, ValueError):
            continue
    return total / 1024


def load(port: int, paths: list[str], requests: int, concurrency: int) -> dict[str, float]:
    """`requests` GETs spread over `concurrency` threads, one keep-alive connection each."""
    counter = itertools.count()
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while (i := next(counter)) < requests:
            started = time.perf_counter()
            try:
                conn.request("GET", paths[i % len(paths)], headers={"Accept": ACCEPT})
                response = conn.getresponse()
                ok = response.status == 200 and bool(response.read())
            except (OSError, http.client.HTTPException):
                conn.close()  # reconnects on the next request
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors[0] += not ok
        conn.close()

    started, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result()
    wall = time.perf_counter() - started
    cpu = (time.process_time() - cpu) / wall  # cores the client itself kept busy
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"rps": requests / wall, "p50_ms": cuts[49] * 1000, "p95_ms": cuts[94] * 1000,
            "p99_ms": cuts[98] * 1000, "errors": errors[0], "client_cpu": cpu}


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
    RESULTS.mkdir(parents=True, exist_ok=True)
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
    machine = {"cpu_count": os.cpu_count(), "python": platform.python_version(),
               "platform": platform.platform(),
               "load_average_before": load_before, "load_average_after": os.getloadavg(),
               **{p: version(p) for p in ("gunicorn", "waitress", "flask", "pyoxigraph")}}
    (RESULTS / "wsgi_servers.json").write_text(json.dumps({
        "date": date.today().isoformat(), "machine": machine,
        "requests_per_level": args.requests, "rounds": args.rounds,
        "configs": [c.__dict__ for c in configs], "summary": summary, "runs": runs,
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if any(r["errors"] for r in summary) else 0


if __name__ == "__main__":
    sys.exit(main())
