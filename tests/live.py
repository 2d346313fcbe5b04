"""A real `kg serve` (gunicorn) on a free loopback port, for tests that need a live server.

Settings reach it as KG_* variables; it is stopped (SIGTERM, then SIGKILL) on the way out,
and its log is shown when it fails to start.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.settings import ENV_PREFIX

START_TIMEOUT_S = 30.0  # until /health answers
STOP_TIMEOUT_S = 20.0  # after SIGTERM, before SIGKILL (gunicorn's graceful stop)


@dataclass(frozen=True)
class LiveServer:
    base: str  # http://127.0.0.1:PORT/
    process: subprocess.Popen[bytes]
    log: Path

    def pids(self) -> set[int]:
        """The master's pid and its workers' (from /proc: Linux only)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {self.process.pid, *map(int, children.read_text().split())}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
          timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a request (error statuses are answers too)."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def _wait_until_healthy(server: LiveServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"kg serve exited with status {server.process.returncode}:\n"
                               f"{server.log.read_text(errors='replace')[-4000:]}")
        try:
            status, _, body = fetch(server.base + "health", timeout=2.0)
            if status == 200 and json.loads(body)["status"] == "ok":
                return
        except OSError:  # not listening yet
            pass
        time.sleep(0.1)
    raise RuntimeError(f"kg serve did not answer within {START_TIMEOUT_S:g} s:\n"
                       f"{server.log.read_text(errors='replace')[-4000:]}")


@contextmanager
def live_server(root: Path, log_dir: Path, **settings: object) -> Iterator[LiveServer]:
    """`kg serve` with the given settings (e.g. build_dir=..., query_timeout_s=1)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    env.update({ENV_PREFIX + name.upper(): str(value) for name, value in settings.items()})
    env.update({"KG_ROOT": str(root), "KG_HOST": "127.0.0.1", "KG_PORT": str(port)})
    log = log_dir / f"kg-serve-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "kg", "serve"], env=env,
                                   stdout=sink, stderr=subprocess.STDOUT)
    server = LiveServer(f"http://127.0.0.1:{port}/", process, log)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
