"""Short, stable permalinks for query texts, kept in a small SQLite file apart from the graph.

An id is content-addressed: the first 8 characters of the base-62 SHA-256 of the text (one
more character each time a different text already holds it), so sharing the same query twice
gives the same link, and a link, once made, always opens the same text. The file is bounded in
entries and bytes, and each client address may make only so many new links an hour; what is
refused raises PermalinkRefused with the HTTP status to answer and a reason a person can read.
Nothing here touches the graph: the endpoint stays read-only.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError
from kg.settings import Settings

ID_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ID_LENGTH = 8
VALID_ID = re.compile(r"[0-9A-Za-z]{8,43}")
WINDOW_S = 3600.0
SCHEMA = """
CREATE TABLE IF NOT EXISTS permalink (
    id TEXT PRIMARY KEY, digest TEXT NOT NULL UNIQUE, query TEXT NOT NULL,
    size INTEGER NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS recent_write (client TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS recent_write_client ON recent_write (client, at);
"""


class PermalinkRefused(KgError):
    """A permalink that is not made or not found; `status` is the HTTP status to answer."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


@dataclass(frozen=True)
class Limits:
    max_query_chars: int
    max_entries: int
    max_bytes: int
    per_hour: int


def normalise(text: str) -> str:
    """The text a permalink keeps: line ends as LF (forms send CRLF), outer blank space cut."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _base62(digest: bytes) -> str:
    number, chars = int.from_bytes(digest, "big"), []
    while number:
        number, rest = divmod(number, 62)
        chars.append(ID_CHARS[rest])
    return "".join(reversed(chars)).rjust(43, "0")


class PermalinkStore:
    def __init__(self, path: Path, limits: Limits) -> None:
        self.path, self.limits = path, limits

    @classmethod
    def for_settings(cls, settings: Settings) -> PermalinkStore:
        return cls(settings.permalink_db, Limits(settings.max_query_chars,
                                                 settings.permalink_max_entries,
                                                 settings.permalink_max_bytes,
                                                 settings.permalinks_per_hour))

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise PermalinkRefused(503, f"permalinks are unavailable: {error} "
                                        "(setting permalink_db)") from None
        return connection

    def find(self, key: str) -> str:
        """The query text of permalink `key`."""
        if not VALID_ID.fullmatch(key):
            raise PermalinkRefused(404, f"{key[:60]!r} is not a permalink id")
        with closing(self._connect()) as db:
            row = db.execute("SELECT query FROM permalink WHERE id = ?", (key,)).fetchone()
        if row is None:
            raise PermalinkRefused(404, f"no query has the permalink {key}")
        return str(row[0])

    def make(self, text: str, client: str) -> str:
        """The id of `text`: the one it has, or a new one when the limits allow."""
        query = normalise(text)
        if not query:
            raise PermalinkRefused(400, "missing query: give the query to link to")
        if "\x00" in query:
            raise PermalinkRefused(400, "the query holds a NUL character")
        if len(query) > self.limits.max_query_chars:
            raise PermalinkRefused(413, f"the query is {len(query)} characters long; the limit "
                                        f"is {self.limits.max_query_chars} (max_query_chars)")
        digest = hashlib.sha256(query.encode("utf-8")).digest()
        with closing(self._connect()) as db:
            try:
                db.execute("BEGIN IMMEDIATE")  # one writer at a time, across workers
                found = db.execute("SELECT id FROM permalink WHERE digest = ?",
                                   (digest.hex(),)).fetchone()
                key = str(found[0]) if found else self._insert(db, query, digest, client)
                db.execute("COMMIT")
            except sqlite3.Error as error:
                raise PermalinkRefused(503, f"permalinks are unavailable: {error}") from None
            finally:
                if db.in_transaction:
                    db.execute("ROLLBACK")
        return key

    def _insert(self, db: sqlite3.Connection, query: str, digest: bytes, client: str) -> str:
        now, limits = time.time(), self.limits
        who = hashlib.sha256(client.encode("utf-8")).hexdigest()[:16]  # no address is kept
        db.execute("DELETE FROM recent_write WHERE at < ?", (now - WINDOW_S,))
        made, first = db.execute("SELECT COUNT(*), MIN(at) FROM recent_write WHERE client = ?",
                                 (who,)).fetchone()
        if made >= limits.per_hour:
            wait = int(first + WINDOW_S - now) + 1
            raise PermalinkRefused(429, f"this address made {made} permalinks in the last hour, "
                                        f"the limit (setting permalinks_per_hour); try again "
                                        f"in {wait} s", retry_after=wait)
        entries, held = db.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) "
                                   "FROM permalink").fetchone()
        size = len(query.encode("utf-8"))
        if entries >= limits.max_entries or held + size > limits.max_bytes:
            raise PermalinkRefused(403, f"the permalink store is full ({entries} queries, {held} "
                                        f"bytes; settings permalink_max_entries and "
                                        f"permalink_max_bytes): no new permalinks can be made")
        name = _base62(digest)
        length = ID_LENGTH
        while db.execute("SELECT 1 FROM permalink WHERE id = ?", (name[:length],)).fetchone():
            length += 1  # another text holds this prefix: take one character more
        db.execute("INSERT INTO permalink VALUES (?, ?, ?, ?, ?)",
                   (name[:length], digest.hex(), query, size, now))
        db.execute("INSERT INTO recent_write VALUES (?, ?)", (who, now))
        return name[:length]
