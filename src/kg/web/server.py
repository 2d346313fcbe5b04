"""`kg serve`: the app under gunicorn, with the store loaded once before the workers fork.

The master process loads the store (preload_app), so each worker starts with it already in
memory, shared copy-on-write, and a replacement worker starts in milliseconds. That is what
makes time limits real: Oxigraph cannot be interrupted inside a query, so a worker whose
query outlives the limit answers 503 and then ends (SIGTERM to itself: its other requests
finish first), and the master forks a fresh one. The runaway query dies with its process.
"""

from __future__ import annotations

import logging
import os
import signal
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kg.settings import Settings
from kg.web import create_app

log = logging.getLogger(__name__)


def recycle_this_worker() -> None:
    log.warning("worker %d ends after a query over the time limit; a new one replaces it",
                os.getpid())
    os.kill(os.getpid(), signal.SIGTERM)


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


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
    }


def serve(settings: Settings) -> None:
    app = create_app(settings)
    app.extensions["kg"].recycle = recycle_this_worker
    Server(app, gunicorn_options(settings)).run()
