"""The remote store's HTTP layer against a scripted server on loopback: keep-alive, the one
retry on a dropped keep-alive connection (and no other), Basic auth, the whole-call deadline
over a body that trickles in, error answers, and a fork that must not share a socket.
"""

from __future__ import annotations

import base64
import os
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kg.remote import RemoteError, RemoteStore

TRUE = b'{"head":{},"boolean":true}'
RESULTS = "application/sparql-results+json"


@dataclass
class Script:
    """How the server answers, and what it saw."""

    mode: str = "answer"  # answer, drop-second, drop-all, slow, trickle, refuse
    connections: int = 0
    requests: int = 0
    authorizations: list[str | None] = field(default_factory=list)


@pytest.fixture
def script() -> Iterator[tuple[Script, str]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            script.connections += 1
            self.served = 0
            super().setup()

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            script.requests += 1
            script.authorizations.append(self.headers.get("Authorization"))
            self.served += 1
            mode = script.mode
            if mode == "drop-all" or (mode == "drop-second" and self.served == 2):
                self.close_connection = True  # read the request, then hang up: no answer
                return
            if mode == "slow":
                time.sleep(1.5)
            if mode == "refuse":
                self.answer(400, b"Parser error: unexpected end", "text/plain")
            elif mode == "trickle":
                self.send_response(200)
                self.send_header("Content-Type", RESULTS)
                self.send_header("Content-Length", "100000")
                self.end_headers()
                for _ in range(60):  # each byte well within any per-read time-out
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.05)
                self.close_connection = True
            else:
                self.answer(200, TRUE, RESULTS)

        def answer(self, status: int, body: bytes, media_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client that gave up on a trickling answer

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield script, f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_keep_alive_serves_many_queries_on_one_connection(script):
    state, address = script
    store = RemoteStore(f"http://{address}/query")
    for _ in range(10):
        assert bool(store.query("ASK {}")) is True
    assert (state.connections, state.requests) == (1, 10)
    store.close()


def test_a_dropped_keep_alive_connection_is_retried_once_on_a_new_one(script):
    state, address = script
    state.mode = "drop-second"
    store = RemoteStore(f"http://{address}/query")
    assert bool(store.query("ASK {}")) is True
    assert bool(store.query("ASK {}")) is True  # dropped unanswered, then sent again
    assert (state.connections, state.requests) == (2, 3)
    store.close()


def test_a_fresh_connection_dropped_is_an_error_not_a_retry(script):
    state, address = script
    state.mode = "drop-all"
    store = RemoteStore(f"http://{address}/query")
    with pytest.raises(RemoteError, match="cannot reach"):
        store.query("ASK {}")
    assert state.requests == 1


def test_a_time_out_is_not_retried(script):
    state, address = script
    state.mode = "slow"
    store = RemoteStore(f"http://{address}/query")
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="within 0.3 s"):
        store.query("ASK {}", timeout_s=0.3)
    assert time.monotonic() - started < 1.0
    assert state.requests == 1


def test_the_deadline_bounds_a_body_that_trickles_in(script):
    state, address = script
    state.mode = "trickle"  # a byte every 0.05 s: no single read ever waits long
    store = RemoteStore(f"http://{address}/query")
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="within 0.5 s"):
        store.query("ASK {}", timeout_s=0.5)
    assert time.monotonic() - started < 1.5


def test_an_error_answer_is_quoted_and_its_connection_not_reused(script):
    state, address = script
    state.mode = "refuse"
    store = RemoteStore(f"http://{address}/query")
    with pytest.raises(SyntaxError, match="unexpected end"):
        store.query("ASK {")
    state.mode = "answer"
    assert bool(store.query("ASK {}")) is True
    assert state.connections == 2
    store.close()


def test_credentials_in_the_url_are_sent_as_basic_auth(script):
    state, address = script
    store = RemoteStore(f"http://reader:p%40ss@{address}/query")
    assert bool(store.query("ASK {}")) is True
    assert state.authorizations == ["Basic " + base64.b64encode(b"reader:p@ss").decode()]
    store.close()


def test_a_forked_child_shares_no_socket_with_its_parent(script):
    state, address = script
    store = RemoteStore(f"http://{address}/query")
    assert bool(store.query("ASK {}")) is True  # one idle keep-alive connection now
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():  # newer Pythons warn of forking a threaded process
        warnings.simplefilter("ignore", DeprecationWarning)
        child = os.fork()
    if child == 0:  # pragma: no cover (runs in the child)
        status = 1
        try:
            os.write(write_end, b"1" if bool(store.query("ASK {}", timeout_s=5)) else b"0")
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    _, status = os.waitpid(child, 0)
    answer = os.read(read_end, 1)
    os.close(read_end)
    assert os.waitstatus_to_exitcode(status) == 0 and answer == b"1"
    assert bool(store.query("ASK {}")) is True
    # the child connected afresh, and so did the parent: the idle socket was shared by neither
    assert (state.connections, state.requests) == (3, 3)
    store.close()
