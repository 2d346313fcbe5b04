"""The HTTP layer of the remote store: urllib3, plus what it lacks.

urllib3 keeps a pool of keep-alive connections per endpoint (an HTTPConnectionPool), sets
TCP_NODELAY (its default socket options), writes the Basic auth header for the URL's userinfo,
and checks that a pooled connection is still open before it sends on it. Added here:

- one deadline for the whole call: urllib3's time-outs bound each socket operation, `send`
  bounds connecting, sending and waiting for the answer by one clock, and `Body` every read
  of the answer after that;
- one retry when a connection that served before turns out to be dropped (the server closed it
  while the request was on its way), but never on a fresh connection or after a time-out, which
  would send a slow query twice and double its time limit (urllib3's Retry does both);
- fork safety: gunicorn forks its workers from a master that has already queried the store, so
  idle connections are closed before a fork and a child starts with an empty pool;
- a connection that answered an error is closed rather than reused (see `send`).
"""

from __future__ import annotations

import os
import time
import weakref
from urllib.parse import unquote

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import HTTPError, NewConnectionError, ProtocolError
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError
from urllib3.response import HTTPResponse
from urllib3.util import Retry, Timeout, make_headers, parse_url

from kg.remote.body import Body, RemoteError, deadline_passed

USER_AGENT = "kg-remote-store/1"
MAX_IDLE = 16  # keep-alive connections kept per endpoint
NO_RETRY = Retry(total=False, redirect=False)  # send retries as below; made once, not per call


class _StaleConnection(ConnectionError):
    """A connection that had served an answer was found closed when it was used again."""


class _Tracked(HTTPConnection):
    """A connection that knows whether it served before, and can be kept from reuse."""

    served = False  # an answer came over this socket: a drop is then a stale keep-alive
    discard = False  # closed the next time the pool hands it out, reconnected then

    def connect(self) -> None:
        super().connect()
        self.served = self.discard = False

    @property
    def is_connected(self) -> bool:  # what the pool asks before reusing a connection
        return not self.discard and super().is_connected

    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        try:
            response = super().getresponse()
        except ConnectionError as error:  # closed without an answer: reset or disconnected
            if self.served:
                raise _StaleConnection(str(error)) from error
            raise
        self.served = True
        return response


class _TrackedHTTPS(_Tracked, HTTPSConnection):
    pass


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Tracked


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPS


_ENDPOINTS: weakref.WeakSet[Http] = weakref.WeakSet()


class Http:
    """Requests to one endpoint, a URL whose userinfo (user:password@) is its credentials."""

    def __init__(self, url: str) -> None:
        parts = parse_url(url)
        if parts.scheme not in ("http", "https") or not parts.host:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.url = url
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.headers = {"User-Agent": USER_AGENT}
        if parts.auth is not None:
            user, _, password = parts.auth.partition(":")
            self.headers |= make_headers(basic_auth=f"{unquote(user)}:{unquote(password)}")
        self._pool_class = _HTTPSPool if parts.scheme == "https" else _Pool
        self._host, self._port = parts.host, parts.port
        self._pool = self._new_pool()
        _ENDPOINTS.add(self)

    def _new_pool(self) -> HTTPConnectionPool:
        return self._pool_class(self._host, self._port, maxsize=MAX_IDLE, block=False,
                                retries=False)

    def with_params(self, params: str) -> str:
        """The request target with `params` added to the URL's own query string."""
        return self.target + ("&" if "?" in self.target else "?") + params

    def send(self, method: str, target: str, body: bytes | None, headers: dict[str, str],
             timeout_s: float) -> Body:
        """The answer once its status is a success. A RemoteError otherwise, quoting the
        server's message (`status` and `detail` say what it answered), or when the server
        cannot be reached; a TimeoutError when `timeout_s` passes first."""
        deadline = time.monotonic() + timeout_s
        headers = {**self.headers, **headers}
        for attempt in (1, 2):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise deadline_passed(self.url, timeout_s)
            try:
                response = self._pool.urlopen(
                    method, target, body=body, headers=headers, retries=NO_RETRY,
                    redirect=False, timeout=Timeout(total=remaining), preload_content=False,
                    release_conn=False)
            except NewConnectionError as error:  # before the time-outs: it is one of them
                raise RemoteError(f"cannot reach the store at {self.url}: {error}") from None
            except Urllib3TimeoutError:
                raise deadline_passed(self.url, timeout_s) from None
            except ProtocolError as error:
                if attempt == 1 and any(isinstance(a, _StaleConnection) for a in error.args):
                    continue
                raise RemoteError(f"cannot reach the store at {self.url}: {error}") from None
            except HTTPError as error:  # TLS, and the rest of urllib3's own
                raise RemoteError(f"cannot reach the store at {self.url}: {error}") from None
            assert isinstance(response, HTTPResponse)  # what urlopen gives without preloading
            if response.status >= 400:
                # A server that refused a request may not have read all of its body, whose rest
                # would then pass for the next request: the connection is not used again.
                if isinstance(response.connection, _Tracked):
                    response.connection.discard = True
                raise Body(self.url, response, deadline, timeout_s).refusal()
            return Body(self.url, response, deadline, timeout_s)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the idle connections (the endpoint stays usable: it connects again)."""
        pool, self._pool = self._pool, self._new_pool()
        pool.close()


def _close_idle_connections() -> None:
    """Before a fork: no idle socket goes to the child."""
    for endpoint in list(_ENDPOINTS):
        endpoint.close()


def _forget_parent_connections() -> None:
    """In a forked child: the pool (and any connection that came back to it as the process
    forked) is the parent's; dropping it closes only the child's copies of its sockets."""
    for endpoint in list(_ENDPOINTS):
        endpoint._pool = endpoint._new_pool()


os.register_at_fork(before=_close_idle_connections,
                    after_in_child=_forget_parent_connections)
