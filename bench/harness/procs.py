"""Servers and commands as processes: free loopback ports, start, readiness, stop, and what a
process or its group costs in CPU time and memory (read from Linux's /proc)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from harness import JSON_RESULTS


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
               timeout: float = 120, interval: float = 0.2) -> None:
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
        time.sleep(interval)
    raise RuntimeError(f"server on port {port} not ready after {timeout:.0f} s")


def run_to_end(command: list[str], env: Mapping[str, str] | None = None,
               cwd: Path | None = None, log: Path | None = None) -> dict[str, Any]:
    """Run a command to its end: wall and CPU seconds and peak RSS (its own, by wait4), its
    exit status and its standard output; standard error goes to `log`."""
    started = time.perf_counter()
    with log.open("ab") if log else open(os.devnull, "wb") as err:
        proc = subprocess.Popen(command, env=dict(env) if env is not None else None, cwd=cwd,
                                stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL)
        assert proc.stdout is not None
        stdout = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall_s": round(time.perf_counter() - started, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "status": proc.returncode,
        "stdout": stdout.decode("utf-8", "replace"),
    }


def _stat(pid_dir: Path) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces)."""
    return (pid_dir / "stat").read_text().rsplit(")", 1)[1].split()


def group(pgid: int) -> list[int]:
    """The live processes of a process group."""
    found = []
    for pid_dir in Path("/proc").glob("[0-9]*"):
        try:
            if int(_stat(pid_dir)[2]) == pgid:
                found.append(int(pid_dir.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def children(pid: int) -> list[int]:
    """The direct children of a process (gunicorn's master: its workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        listed = task / "children"
        found += [int(child) for child in (listed.read_text().split() if listed.exists() else [])]
    return found


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time one running process has used so far."""
    try:
        fields = _stat(Path(f"/proc/{pid}"))
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pgid: int) -> float:
    """User + system CPU time of every live process in the group, in seconds."""
    return sum(process_cpu_seconds(pid) for pid in group(pgid))


def status_kb(pid: int, field: str) -> int:
    """A figure of /proc/<pid>/status in kB, such as VmHWM (peak RSS); 0 if it is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith(field + ":")), 0)


def pss_kb(pid: int) -> int:
    """Proportional set size of one process, in kB; 0 if it is gone."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)


def pss_mb(pgid: int) -> float:
    """Proportional set size of every process in the group, in MB."""
    return sum(pss_kb(pid) for pid in group(pgid)) / 1024
