"""What the server benchmarks share: server processes, a keep-alive HTTP load client, figures,
machine facts and the README sections they write.

Not a benchmark itself; `wsgi_servers.py` and `servers.py` import it from this directory.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
# Where results go; KG_BENCH_RESULTS moves them (run_all.py --quick writes to a temp dir).
RESULTS = Path(os.environ.get("KG_BENCH_RESULTS") or ROOT / "bench" / "results")
README = ROOT / "README.md"
JSON_RESULTS = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn(command: Sequence[str], log: Path, env: Mapping[str, str] | None = None,
          cwd: Path | None = None) -> subprocess.Popen[bytes]:
    """Start a server in its own session (so stop() can kill its whole process group),
    appending its output to `log`."""
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(list(command), env=dict(env) if env is not None else None,
                                cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def stop(proc: subprocess.Popen[bytes], grace_s: float = 15) -> None:
    """SIGTERM (gunicorn's master then stops its workers), SIGKILL to the session after
    `grace_s` seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the leader is not reaped yet: the group is ours
        proc.wait()


def wait_ready(proc: subprocess.Popen[bytes], port: int, path: str = "/sparql",
               timeout: float = 120) -> None:
    """Poll `path` with an ASK query until the server answers 200."""
    deadline = time.monotonic() + timeout
    target = path + "?" + urlencode({"query": "ASK {}"})
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with status {proc.returncode}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", target, headers={"Accept": JSON_RESULTS})
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


def cpu_seconds(pgid: int) -> float:
    """User + system CPU time of every live process in the group, in seconds (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / tick


@dataclass(frozen=True)
class Request:
    """One HTTP GET of the load: its path and headers."""

    path: str
    headers: Mapping[str, str] = field(default_factory=lambda: {"Accept": JSON_RESULTS})


def fetch(port: int, request: Request, timeout: float = 120) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection: status, headers (lower-case names) and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", request.path, headers=dict(request.headers))
        response = conn.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


@dataclass
class Run:
    """What one load run measured: each request's latency and success, in request order."""

    requests: int
    concurrency: int
    wall_s: float
    client_cpu: float  # cores the client itself kept busy
    latencies: list[float]  # seconds, indexed like the request list
    ok: list[bool]

    def figures(self, indices: Sequence[int] | None = None) -> dict[str, float]:
        """Throughput, latency percentiles and errors, over all requests or some of them.

        For a subset, throughput is its share of the run's completions per second."""
        chosen = range(self.requests) if indices is None else indices
        latencies = [self.latencies[i] for i in chosen]
        return {"rps": len(latencies) / self.wall_s, **percentiles(latencies),
                "errors": sum(not self.ok[i] for i in chosen)}


def percentiles(latencies: Sequence[float]) -> dict[str, float]:
    """p50, p95 and p99 in milliseconds (inclusive method: exact on small samples)."""
    if len(latencies) == 1:
        cuts = [latencies[0]] * 99
    else:
        cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50_ms": cuts[49] * 1000, "p95_ms": cuts[94] * 1000, "p99_ms": cuts[98] * 1000}


def drive(port: int, requests: Sequence[Request], concurrency: int,
          timeout: float = 120) -> Run:
    """Send every request of the list once, in order, from `concurrency` threads that each
    hold one keep-alive connection; a failed connection reconnects on its next request.

    A request counts as an error unless it is answered 200 with a non-empty body."""
    counter = itertools.count()
    latencies = [0.0] * len(requests)
    ok = [False] * len(requests)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        while (i := next(counter)) < len(requests):
            request = requests[i]
            started = time.perf_counter()
            try:
                conn.request("GET", request.path, headers=dict(request.headers))
                response = conn.getresponse()
                ok[i] = response.status == 200 and bool(response.read())
            except (OSError, http.client.HTTPException):
                conn.close()  # reconnects on the next request
            latencies[i] = time.perf_counter() - started
        conn.close()

    started, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result()
    wall = time.perf_counter() - started
    return Run(len(requests), concurrency, wall, (time.process_time() - cpu) / wall,
               latencies, ok)


def load(port: int, paths: Sequence[str], requests: int, concurrency: int,
         headers: Mapping[str, str] | None = None) -> dict[str, float]:
    """`requests` GETs cycling through `paths`, over `concurrency` keep-alive connections:
    requests/s, p50/p95/p99 latency, errors and the client's CPU."""
    heads = dict(headers or {"Accept": JSON_RESULTS})
    run = drive(port, [Request(paths[i % len(paths)], heads) for i in range(requests)],
                concurrency)
    return {**run.figures(), "client_cpu": run.client_cpu}


def median_ratio(mine: Sequence[float], theirs: Sequence[float]) -> tuple[float, float, float]:
    """Median, lowest and highest of the per-round ratios mine[i] / theirs[i]."""
    ratios = sorted(a / b for a, b in zip(mine, theirs, strict=True) if b)
    if not ratios:
        return (float("nan"),) * 3
    return statistics.median(ratios), ratios[0], ratios[-1]


def versions(*packages: str) -> dict[str, str]:
    found = {}
    for package in packages:
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def machine(*packages: str) -> dict[str, Any]:
    """The facts a figure needs to be read: cores, Python, platform, load, package versions."""
    return {"cpu_count": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "load_average": os.getloadavg(),
            **versions(*packages)}


def write_results(name: str, data: Mapping[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def markers(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"


def replace_section(name: str, text: str, readme: Path = README) -> bool:
    """Put `text` between the README's `bench:<name>` markers; False if they are missing.

    Only the text between the markers changes."""
    start, end = markers(name)
    current = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(current):
        return False
    updated = pattern.sub(lambda _: f"{start}\n{text.strip()}\n{end}", current, count=1)
    if updated != current:
        readme.write_text(updated, encoding="utf-8")
    return True
