"""wrk, the C load generator, driven by unique.lua so that every request is unique: a counter
in a trailing SPARQL comment keeps any answer cache from serving it. One run is one wrk
process: a fixed duration over `concurrency` keep-alive connections."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

SCRIPT = Path(__file__).with_name("unique.lua")
# What ends every query text before the nonce, thread and counter: a comment on a line of its
# own, with no word the query checks look for.
COMMENT = "\n#unique "


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("no `wrk` command: apt-get install -y wrk")
    return found


def wrk_version() -> str:
    out = subprocess.run([wrk_binary(), "--version"], capture_output=True, text=True)
    return (out.stdout + out.stderr).split("Copyright")[0].strip()


@dataclass(frozen=True)
class Target:
    """A query to send: the server's query path, the query text and the Accept header."""

    path: str
    query: str
    accept: str

    def line(self) -> str:
        """The line of the targets file: the URL path stops inside the trailing comment."""
        return f"{self.accept}\t{self.path}?query={quote(self.query + COMMENT, safe='')}"


def run_wrk(port: int, targets: Sequence[Target], concurrency: int, duration_s: int,
            nonce: str, threads: int = 1, timeout_s: float = 30) -> dict[str, Any]:
    """One wrk run: requests/s, p50/p95/p99 latency, errors, and the client's own CPU (from
    wait4: `client_cpu_us` per request, `client_cores` over the run)."""
    with tempfile.NamedTemporaryFile("w", suffix=".targets", delete=False) as listed:
        listed.write("".join(t.line() + "\n" for t in targets))
    command = [wrk_binary(), "-t", str(min(threads, concurrency)), "-c", str(concurrency),
               "-d", f"{max(1, duration_s)}s", "--timeout", f"{timeout_s:g}s", "-s", str(SCRIPT),
               f"http://127.0.0.1:{port}/", "--", nonce, listed.name]
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        assert proc.stdout is not None
        output = proc.stdout.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    finally:
        os.unlink(listed.name)
    line = next((x for x in output.splitlines() if x.startswith("WRK_JSON ")), None)
    if os.waitstatus_to_exitcode(status) != 0 or line is None:
        raise RuntimeError(f"wrk failed: {' '.join(command)}\n{output}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    requests = int(raw["requests"])
    cpu = usage.ru_utime + usage.ru_stime
    errors = sum(int(raw[k]) for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "requests": requests, "rps": requests / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000, "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000, "mean_ms": raw["mean_us"] / 1000,
        "max_ms": raw["max_us"] / 1000, "errors": errors,
        "error_kinds": {k: int(raw[k]) for k in ("connect", "read", "write", "status",
                                                 "timeout") if raw[k]},
        "bytes_per_request": raw["bytes"] / requests if requests else 0.0,
        "client_cpu_us": cpu * 1e6 / requests if requests else 0.0,
        "client_cores": cpu / wall,
    }
