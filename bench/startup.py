"""Time from `kg serve` starting to its first SPARQL answer, with a built artifact.

    python bench/startup.py [--runs N]

Each run starts the real server (gunicorn, preloaded store) on a free loopback port and
polls GET /sparql with an ASK query every 10 ms until it answers 200. Exits with status 1
if the median exceeds --max-seconds (the issue asks for "about a second").
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

ASK = "http://127.0.0.1:{port}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def first_answer(timeout_s: float = 60.0) -> float:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < timeout_s:
            try:
                with urllib.request.urlopen(ASK.format(port=port), timeout=5) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.01)
        raise SystemExit(f"no answer within {timeout_s:g} s")
    finally:
        process.terminate()
        process.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=1.0)
    args = parser.parse_args()
    times = [first_answer() for _ in range(args.runs)]
    median = statistics.median(times)
    print("runs (s):", " ".join(f"{t:.3f}" for t in times))
    print(f"median {median:.3f} s from process start to the first answer")
    return 0 if median <= args.max_seconds else 1


if __name__ == "__main__":
    sys.exit(main())
