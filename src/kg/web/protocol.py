"""The SPARQL 1.1 Protocol's query operation: read a request into a query and its dataset.

Pure functions over the request's parts (no Flask), so every malformed request has one
place where it is named. Parameters are decoded strictly as UTF-8: a request whose bytes
are not UTF-8 is refused rather than guessed at.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import parse_qsl

from kg.errors import KgError

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
ACCEPTED_BODIES = (FORM, QUERY_BODY)


class ProtocolError(KgError):
    """A request the protocol does not allow; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graphs: list[str] | None  # default-graph-uri values; None when not given
    named_graphs: list[str] | None  # named-graph-uri values; None when not given
    timeout_s: float | None  # a lower time limit asked for by the client
    format: str | None  # ?format= (a registry name, alias or media type)


def decode_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    """Percent-decoded `name=value` pairs, refusing bytes that are not UTF-8."""
    try:
        return parse_qsl(raw.decode("ascii"), keep_blank_values=True,
                         encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"the {where} is not valid UTF-8") from None


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in params if key == name]
    if len(values) > 1:
        raise ProtocolError(400, f"give the {name} parameter once, not {len(values)} times")
    return values[0] if values else None


def _many(params: list[tuple[str, str]], name: str) -> list[str] | None:
    values = [value for key, value in params if key == name]
    return values or None


def _timeout(raw: str | None) -> float | None:
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ProtocolError(400, f"timeout must be a positive number of seconds, got {raw!r}")
    return value


def parse_query_request(method: str, media_type: str | None, url_params: bytes, body: bytes,
                        max_query_chars: int) -> QueryRequest:
    """The query request carried by a GET or POST, or a ProtocolError saying what is wrong."""
    params = decode_params(url_params, "query string")
    if method == "POST":
        if media_type == UPDATE_BODY:
            raise ProtocolError(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if media_type == FORM:
            params += decode_params(body, "form body")
        elif media_type == QUERY_BODY:
            if _one(params, "query") is not None:
                raise ProtocolError(400, "give the query once: in the body or as the query "
                                         "parameter, not both")
            try:
                params.append(("query", body.decode("utf-8")))
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query body is not valid UTF-8") from None
        else:
            raise ProtocolError(415, f"unsupported media type {media_type or '(none)'!r}: "
                                     f"POST a query as {FORM} or {QUERY_BODY}")
    if _one(params, "update") is not None:
        raise ProtocolError(403, "SPARQL Update is not allowed: this endpoint is read-only")
    query = _one(params, "query")
    if query is None or not query.strip():
        raise ProtocolError(400, "missing query: give it as the query parameter"
                                 + (f" or as a {QUERY_BODY} body" if method == "POST" else ""))
    if len(query) > max_query_chars:
        status = 414 if method == "GET" else 413
        raise ProtocolError(status, f"the query is {len(query)} characters long; the limit is "
                                    f"{max_query_chars} (setting max_query_chars)")
    return QueryRequest(query, _many(params, "default-graph-uri"),
                        _many(params, "named-graph-uri"), _timeout(_one(params, "timeout")),
                        _one(params, "format"))
