"""The keep-alive HTTP load client: a thread pool, one connection per thread, and what one
load run measured (each request's latency and success)."""

from __future__ import annotations

import http.client
import itertools
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from harness import JSON_RESULTS
from harness.stats import percentiles


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
