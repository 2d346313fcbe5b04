"""The light request path of `kg serve`, timed piece by piece in one process (no HTTP, no
gunicorn): each step of an uncached `ASK {}` on its own, then run_query and the whole Flask
app called as WSGI, so that what the pieces leave over is Flask's and Werkzeug's own.

Every timing is the best of seven batches of `calls` calls (the mean of a batch, wall clock and
process CPU), the steps taking turns batch by batch, each query text made unique by a counter
in a trailing comment.
"""

from __future__ import annotations

import io
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from typing import Any, cast
from urllib.parse import quote, urlencode

from harness import JSON_RESULTS
from profile_stacks import CACHE, CHECKS, ENDPOINT, FLASK, JSON, NEGOTIATION, PYOXIGRAPH, THREAD

from kg.formats import HTML_TYPES, RDF_FORMATS, negotiate
from kg.guard import check_text
from kg.namespaces import PREFIXES
from kg.query import QUERY_STACK_BYTES, needs_check, run_query
from kg.render import render_json
from kg.settings import load_settings
from kg.store import graph_names
from kg.web import _headers, create_app, state
from kg.web.protocol import QueryRequest, parse_query_request
from kg.web.sparql import (
    ENDPOINT_RESULT_FORMATS,
    _answer,
    _cache_key,
    _result_response,
    _stored,
)

ROUNDS = 7


def texts() -> Iterator[str]:
    """`ASK {}` made unique by a counter in a trailing comment, as the benchmarks send it."""
    for n in count():
        yield f"ASK {{}}\n#unique p{n}"


def timed(steps: dict[str, Callable[[], object]], calls: int) -> dict[str, dict[str, float]]:
    """Each step's best batch mean over ROUNDS rounds, in µs of wall clock and of process
    CPU; every round times every step once, so that a busy spell on the machine hits all."""
    best = {name: [float("inf"), float("inf")] for name in steps}
    for _ in range(ROUNDS):
        for name, step in steps.items():
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(calls):
                step()
            best[name][0] = min(best[name][0], (time.perf_counter() - wall) * 1e6 / calls)
            best[name][1] = min(best[name][1], (time.process_time() - cpu) * 1e6 / calls)
    return {name: {"wall_us": round(w, 1), "cpu_us": round(c, 1)}
            for name, (w, c) in best.items()}


def thread_round_trip(stack_bytes: int | None,
                      target: Callable[[], object] = lambda: None) -> Callable[[], None]:
    """What run_query does to run a query in a thread of its own, around `target`."""
    lock = threading.Lock()

    def step() -> None:
        worker = threading.Thread(target=target, name="kg-query", daemon=True)
        with lock:
            previous = threading.stack_size(stack_bytes) if stack_bytes else None
            try:
                worker.start()
            finally:
                if previous is not None:
                    threading.stack_size(previous)
        worker.join(10)

    return step


def environ(text: str) -> dict[str, Any]:
    """The WSGI environ gunicorn hands the app for GET /sparql?query=<text>."""
    return {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": "/sparql",
        "QUERY_STRING": "query=" + quote(text, safe=""), "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "5000", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:5000", "HTTP_ACCEPT": JSON_RESULTS,
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def measure(calls: int = 2000) -> dict[str, dict[str, float]]:
    """Every piece of the light path, and the whole, in µs per request."""
    settings = load_settings()
    app = create_app(settings)
    store = app.extensions["kg"].loaded.store
    limit = settings.query_timeout_s
    unique = texts()
    result = run_query(store, "ASK {}", limit)

    def statuses(environ_: dict[str, Any]) -> bytes:
        seen: list[str] = []

        def start_response(status: str, headers: object, exc_info: object = None) -> Any:
            seen.append(status)

        body = b"".join(app(environ_, cast(Any, start_response)))
        assert seen == ["200 OK"], seen
        return body

    accept = JSON_RESULTS
    fmt = negotiate(ENDPOINT_RESULT_FORMATS, accept, None, extra=HTML_TYPES)
    graph_fmt = negotiate(RDF_FORMATS, accept, None, extra=HTML_TYPES)
    path = "/sparql?" + urlencode({"query": "ASK {}"})
    with app.test_request_context(path, headers={"Accept": accept}), \
            ThreadPoolExecutor(1) as pool:
        cache = state().cache
        response = _result_response(result, fmt)  # type: ignore[arg-type]

        def cache_steps() -> None:
            key = _cache_key(QueryRequest(next(unique), None, None, None, None), fmt,
                             graph_fmt)
            cache.get(key)
            stored = _stored(response)
            cache[key] = stored
            _answer(stored, key)

        def query() -> bool:
            return bool(store.query(next(unique), prefixes=PREFIXES))

        return timed({
            "app": lambda: statuses(environ(next(unique))),
            "app_cache_hit": lambda: statuses(environ("ASK {}")),
            "run_query": lambda: run_query(store, next(unique), limit),
            "store_query": lambda: bool(store.query(next(unique))),
            "store_query_prefixes": query,
            "guard": lambda: check_text(next(unique)),
            "needs_check": lambda: needs_check(next(unique)),
            "graph_names": lambda: graph_names(store),
            "thread": thread_round_trip(QUERY_STACK_BYTES),
            "thread_default_stack": thread_round_trip(None),
            "thread_store_query": thread_round_trip(QUERY_STACK_BYTES, query),
            "pool_round_trip": lambda: pool.submit(lambda: None).result(10),
            "pool_store_query": lambda: pool.submit(query).result(10),
            "render_json": lambda: render_json(result),
            "protocol": lambda: parse_query_request(
                "GET", None, ("query=" + quote(next(unique), safe="")).encode(), b"",
                settings.max_query_chars),
            "negotiation": lambda: (
                negotiate(ENDPOINT_RESULT_FORMATS, accept, None, extra=HTML_TYPES),
                negotiate(RDF_FORMATS, accept, None, extra=HTML_TYPES)),
            "response": lambda: _result_response(result, fmt),  # type: ignore[arg-type]
            "cache": cache_steps,
            "after_request": lambda: _headers(response),
        }, calls)


def breakdown(parts: dict[str, dict[str, float]], key: str = "cpu_us") -> dict[str, float]:
    """The whole app's cost (µs per request) split into the parts of profile_stacks: Flask and
    Werkzeug are what the measured pieces leave over, and the thread per query what run_query
    leaves over once its checks and the query itself are taken out."""
    get = {name: figures[key] for name, figures in parts.items()}
    checks = get["guard"] + get["needs_check"] + get["graph_names"]
    pyoxigraph = get["store_query_prefixes"]
    endpoint = get["protocol"] + max(0.0, get["response"] - get["render_json"]) + get[
        "after_request"]
    known = get["run_query"] + get["render_json"] + get["cache"] + get["negotiation"] + endpoint
    return {
        FLASK: max(0.0, get["app"] - known),
        NEGOTIATION: get["negotiation"],
        ENDPOINT: endpoint,
        CACHE: get["cache"],
        CHECKS: checks,
        THREAD: max(0.0, get["run_query"] - checks - pyoxigraph),
        PYOXIGRAPH: pyoxigraph,
        JSON: get["render_json"],
    }
