"""An answer's body, read under the deadline of the call that asked for it.

urllib3 bounds each read of a socket by its own time-out; a store that trickles a long answer
would pass every one of them. Here every read gets what is left of the call's time, so the
whole download is bounded. The connection goes back to urllib3's pool once the body is read to
its end, and is closed if the reader gives up before: the rest of the body would otherwise be
read as the start of the next answer.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable

from urllib3.exceptions import HTTPError, ReadTimeoutError
from urllib3.response import HTTPResponse

CHUNK = 64 * 1024  # bytes asked of the socket at a time
MAX_ERROR_BYTES = 64 * 1024  # of an error answer, read to quote it
MAX_ERROR_CHARS = 2000  # of an error answer's text, quoted in the exception


class RemoteError(OSError):
    """The store cannot be reached, or refused or failed a request (`status`: its answer's,
    `detail`: the text of its answer)."""

    def __init__(self, message: str, status: int | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


def deadline_passed(url: str, timeout_s: float) -> TimeoutError:
    return TimeoutError(f"the store at {url} did not answer within {timeout_s:g} s")


class Body(io.RawIOBase):
    """The body of one answer (`status`, `reason` and `headers` are the answer's)."""

    def __init__(self, url: str, response: HTTPResponse, deadline: float,
                 timeout_s: float) -> None:
        super().__init__()
        self.status, self.reason, self.headers = response.status, response.reason, response.headers
        self.url = url
        self._response: HTTPResponse | None = response
        self._deadline, self._timeout_s = deadline, timeout_s
        self._pending = b""  # read ahead by prefetch, served first
        # A fix for a store's dialect, applied to whole lines (see kg.remote.dialects).
        self.rewrite: Callable[[bytes], bytes] | None = None
        self._carry = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._pending:
            count = min(len(buffer), len(self._pending))
            buffer[:count] = self._pending[:count]
            self._pending = self._pending[count:]
            return count
        data = self._receive(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _receive(self, size: int) -> bytes:
        """The next bytes of the body (b"" at its end), rewritten line by line if asked."""
        if self.rewrite is None:
            return self._read(size)
        while True:
            data = self._read(size)
            if not data:
                rest, self._carry = self._carry, b""
                return self.rewrite(rest) if rest else b""
            data = self._carry + data
            cut = data.rfind(b"\n") + 1
            self._carry = data[cut:]
            if cut:
                return self.rewrite(data[:cut])

    def _read(self, size: int) -> bytes:
        response = self._response
        if response is None:
            return b""
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            self.close()
            raise deadline_passed(self.url, self._timeout_s)
        conn = response.connection
        if conn is not None and conn.sock is not None:
            conn.sock.settimeout(remaining)
        try:
            data = response.read1(size)  # what one read of the socket gives
        except ReadTimeoutError:
            self.close()
            raise deadline_passed(self.url, self._timeout_s) from None
        except (HTTPError, OSError) as error:
            self.close()
            raise RemoteError(f"the store at {self.url} broke off its answer: {error}") from None
        if not data or response.isclosed():  # at its end: urllib3 pooled the connection
            self._response = None
            response.release_conn()
        return data

    def prefetch(self, limit: int) -> bytes | None:
        """The whole body if it is at most `limit` bytes long; None if it is longer (what was
        read ahead is then served first by the next reads)."""
        chunks, size = [self._pending], len(self._pending)
        while size <= limit:
            chunk = self._receive(CHUNK)
            if not chunk:
                self._pending = b""
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        self._pending = b"".join(chunks)
        return None

    def drain(self) -> bytes:
        """The rest of the body (reading it to the end frees the connection)."""
        chunks = [self._pending]
        self._pending = b""
        while chunk := self._receive(CHUNK):
            chunks.append(chunk)
        return b"".join(chunks)

    def refusal(self) -> RemoteError:
        """The error for an answer whose status says the request failed, quoting its text."""
        try:
            data = self.prefetch(MAX_ERROR_BYTES) or self._pending
        except OSError as error:
            data = str(error).encode()
        self.close()
        text = re.sub(r"<[^>]+>", " ", data.decode("utf-8", "replace"))  # HTML answers, too
        text = re.sub(r"\s+", " ", text).strip()[:MAX_ERROR_CHARS]
        status = f"{self.status} {self.reason}".strip()
        return RemoteError(f"the store at {self.url} answered {status}: {text}", self.status,
                           text)

    def close(self) -> None:
        """Give the body up: its connection is closed (a no-op once it was read to its end)."""
        response, self._response = self._response, None
        if response is not None:
            response.close()  # closes the connection too
            response.release_conn()  # the closed connection's place in the pool, for a new one
        super().close()
