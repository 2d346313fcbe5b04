"""`kg serve`: the app under gunicorn, with the store loaded once before the workers fork.

The master process loads the store (preload_app), so each worker starts with it already in
memory, shared copy-on-write, and a replacement worker starts in milliseconds. That is what
makes time limits real: Oxigraph cannot be interrupted inside a query, so a worker whose
query outlives the limit answers 503 and then ends (SIGTERM to itself: its other requests
finish first), and the master forks a fresh one. The runaway query dies with its process.

A new build is served on SIGHUP (`kg reload`): the master loads it completely, then new
workers fork from it while the old ones finish what they are answering. No request sees a
half-loaded graph, and the listening socket never closes.
"""

from __future__ import annotations

import logging
import os
import signal
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kg.errors import KgError
from kg.settings import Settings
from kg.web import create_app

log = logging.getLogger(__name__)


def recycle_this_worker() -> None:
    log.warning("worker %d ends after a query over the time limit; a new one replaces it",
                os.getpid())
    os.kill(os.getpid(), signal.SIGTERM)


def serving_app(settings: Settings) -> Flask:
    app = create_app(settings)
    app.extensions["kg"].recycle = recycle_this_worker
    return app


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn's master process, holding the app that every worker forks with."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.application = serving_app(settings)
        self.options = gunicorn_options(settings)
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


def serve(settings: Settings) -> None:
    Server(settings).run()


def reload(settings: Settings) -> int:
    """Ask the running server (its pid file names it) to serve the current build."""
    try:
        pid = int(settings.pid_file.read_text().strip())
        os.kill(pid, signal.SIGHUP)
    except (OSError, ValueError) as error:
        raise KgError(f"no running kg serve to reload ({settings.pid_file}: {error})") from None
    return pid
