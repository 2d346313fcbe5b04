"""The remote store adapter's cost per query, against a bare HTTP round trip in the same run.

    python bench/remote_client.py [--rows 8000] [--repeat 200] [--json PATH]

Starts `oxigraph serve-read-only` on loopback over a synthetic graph of `--rows` triples and
times three queries through `kg.remote.RemoteStore` (answers read to the end, as the app reads
them): `ASK {}`, a one-row SELECT, and a SELECT of every triple. The peer is one keep-alive
`http.client` connection that posts the same query and reads the same answer without parsing
it: the floor any HTTP client has to pay. Rounds interleave the two so that load from other
processes falls on both. Prints medians and the adapter's ratio to the peer; exits with status 1
if the adapter takes more than 3 times the peer on a small query.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from kg.remote import RemoteStore

RESULTS_ACCEPT = "application/sparql-results+json"
MAX_SMALL_RATIO = 3.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_store(rows: int, workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A read-only Oxigraph server over `rows` synthetic triples, listening on a free port."""
    venv = str(Path(sys.executable).parent)  # installed next to this Python, maybe not on PATH
    binary = shutil.which("oxigraph") or shutil.which("oxigraph", path=venv)
    if binary is None:
        sys.exit("the oxigraph server binary is missing (pip install oxigraph)")
    data = workdir / "data.nt"
    with data.open("w") as out:
        for i in range(rows):
            out.write(f'<urn:kg:s{i}> <urn:kg:p{i % 7}> "value {i}"@en .\n')
    location = workdir / "store"
    subprocess.run([binary, "load", "--location", str(location), "--file", str(data)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    process = subprocess.Popen([binary, "serve-read-only", "--location", str(location),
                                "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    sys.exit("oxigraph serve-read-only did not start listening within 10 s")


def adapter_call(store: RemoteStore, query: str) -> Callable[[], object]:
    def call() -> object:
        answer = store.query(query)
        return bool(answer) if query.startswith("ASK") else list(answer)  # type: ignore[arg-type]
    return call


def bare_call(conn: http.client.HTTPConnection, query: str) -> Callable[[], object]:
    body = urlencode({"query": query}).encode()
    headers = {"Accept": RESULTS_ACCEPT, "Content-Type": "application/x-www-form-urlencoded"}

    def call() -> object:
        conn.request("POST", "/query", body, headers)
        response = conn.getresponse()
        data = response.read()
        assert response.status == 200, data
        return data
    return call


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=8000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    queries = {"ask": "ASK {}",
               "one-row select": "SELECT ?o WHERE { <urn:kg:s1> ?p ?o }",
               f"{args.rows}-row select": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"}
    with tempfile.TemporaryDirectory(prefix="kg-bench-remote-") as tmp:
        process, port = start_store(args.rows, Path(tmp))
        store = RemoteStore(f"http://127.0.0.1:{port}/query")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            assert len(adapter_call(store, queries[f"{args.rows}-row select"])()) == args.rows  # type: ignore[arg-type]
            figures = {}
            for name, query in queries.items():
                calls = {"adapter": adapter_call(store, query), "bare": bare_call(conn, query)}
                repeat = args.repeat if "select" not in name or "one" in name else args.repeat // 4
                times: dict[str, list[float]] = {"adapter": [], "bare": []}
                for call in calls.values():  # warm up both
                    call()
                for _ in range(repeat):
                    for who, call in calls.items():
                        times[who].append(timed(call))
                medians = {who: statistics.median(t) * 1000 for who, t in times.items()}
                figures[name] = {**{f"{who}_ms": round(m, 3) for who, m in medians.items()},
                                 "ratio": round(medians["adapter"] / medians["bare"], 2),
                                 "repeat": repeat}
                print(f"{name:>18}: adapter {medians['adapter']:8.3f} ms   "
                      f"bare http.client {medians['bare']:8.3f} ms   "
                      f"ratio {figures[name]['ratio']:.2f}")
        finally:
            conn.close()
            store.close()
            process.terminate()
            process.wait(10)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    small = max(figures["ask"]["ratio"], figures["one-row select"]["ratio"])
    return 0 if small <= MAX_SMALL_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
