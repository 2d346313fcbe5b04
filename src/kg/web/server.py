"""`kg serve`: the app under gunicorn, with the store loaded once before the workers fork.

The master process loads the store (preload_app), so each worker starts with it already in
memory, shared copy-on-write, and a replacement worker starts in milliseconds. That is what
makes time limits real: Oxigraph cannot be interrupted inside a query, so a worker whose
query outlives the limit answers 503 and then ends (SIGTERM to itself: its other requests
finish first), and the master forks a fresh one. The runaway query dies with its process.

A new build is served on SIGHUP (`kg reload`): the master loads it completely, then new
workers fork from it while the old ones finish what they are answering. No request sees a
half-loaded graph, and the listening socket never closes.

Before any of this, `serve` checks that the port is free (so a busy port costs no build and
leaves nothing behind) and builds the graph if there is no build yet; "Serving at …" is
printed once the app really answers.
"""

from __future__ import annotations

import errno
import logging
import os
import signal
import socket
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kg.errors import KgError
from kg.settings import Settings
from kg.web import create_app

READY_TIMEOUT_S = 120.0  # for the first answer after the workers start

log = logging.getLogger(__name__)


def recycle_this_worker() -> None:
    log.warning("worker %d ends after a query over the time limit; a new one replaces it",
                os.getpid())
    os.kill(os.getpid(), signal.SIGTERM)


def serving_app(settings: Settings) -> Flask:
    app = create_app(settings)
    app.extensions["kg"].recycle = recycle_this_worker
    return app


class Server(BaseApplication):
    """gunicorn's master process, holding the app that every worker forks with."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.application = serving_app(settings)
        self.options = gunicorn_options(settings)
        self.options["when_ready"] = lambda _: announce_when_answering(settings, _say)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application

    def reload(self) -> None:
        """On SIGHUP: load the current build in full, then let gunicorn fork new workers from
        it and retire the old ones once their requests are answered. A build that cannot be
        loaded leaves the running one in place."""
        super().reload()
        try:
            app = serving_app(self.settings)
        except KgError as error:
            log.error("reload refused, still serving the previous build: %s", error)
            return
        self.application, self.callable = app, None
        log.warning("reloaded: serving the build of %s", app.extensions["kg"].summary["built_at"])


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        "worker_class": "gthread",
        "threads": settings.threads,
        "preload_app": True,
        # Workers answer heartbeats from their main thread, so this only catches a hung
        # process; time limits on queries are the app's own.
        "timeout": int(settings.query_timeout_s) + 30,
        "graceful_timeout": int(settings.query_timeout_s) + 5,
        "keepalive": 5,
        "limit_request_line": 8190,  # gunicorn's largest: longer queries go in a POST body
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "control_socket_disable": True,  # no runtime-management socket in the home directory
        "pidfile": str(settings.pid_file),
    }


def check_port(host: str, port: int) -> None:
    """KgError unless `kg serve` can listen on host:port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise KgError(f"port {port} is in use on {host}; use --port (setting port, "
                              "environment KG_PORT) to choose another") from None
            raise KgError(f"cannot listen on {host}:{port}: {error.strerror}") from None


def ensure_built(settings: Settings, progress: Callable[[str], None] | None = None) -> None:
    """Build the graph first when there is no build to serve (KgError if the build fails)."""
    if settings.artifact.is_file() and settings.summary.is_file():
        return
    from kg.build import build  # reasoning and validation load only when a build runs

    log.warning("no build at %s: building it first", settings.artifact)
    result = build(settings, progress=progress)
    if not result.written:
        raise KgError(f"the build failed, so there is nothing to serve:\n{result.report.text()}")


def home_url(settings: Settings) -> str:
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"http://{host}:{settings.port}/"


def announce_when_answering(settings: Settings, say: Callable[[str], None]) -> None:
    """Say "Serving at …" once /health answers (from a thread: the workers are forking)."""
    url = home_url(settings)
    probe_host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(settings.host)
    probe = url.replace(settings.host, probe_host) if probe_host else url

    def wait() -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(probe + "health", timeout=2.0) as response:
                    if response.status == 200:
                        say(f"Serving at {url} (query page {url}query, SPARQL endpoint "
                            f"{url}sparql); stop with Ctrl+C")
                        return
            except OSError:
                time.sleep(0.1)
        say(f"kg serve did not answer at {url} within {READY_TIMEOUT_S:g} s; see the log above")

    threading.Thread(target=wait, name="kg-announce", daemon=True).start()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def serve(settings: Settings, progress: Callable[[str], None] | None = None) -> None:
    """Check the port, build if needed, load the store, then serve until stopped."""
    check_port(settings.host, settings.port)
    ensure_built(settings, progress)
    Server(settings).run()


def reload(settings: Settings) -> int:
    """Ask the running server (its pid file names it) to serve the current build."""
    try:
        pid = int(settings.pid_file.read_text().strip())
        os.kill(pid, signal.SIGHUP)
    except (OSError, ValueError) as error:
        raise KgError(f"no running kg serve to reload ({settings.pid_file}: {error})") from None
    return pid
