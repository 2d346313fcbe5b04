"""How stores differ in what they answer, and what the adapter does about it.

The protocol leaves some things open and some stores stray from it:
- the time limit: the protocol has no parameter for it; Virtuoso and Fuseki take their own;
- a time-out: stores answer it with a 5xx whose text says so, and Virtuoso refuses up front a
  query whose estimated time exceeds its MaxQueryCostEstimationTime;
- partial answers: Virtuoso ends a query at its time limit with the rows found so far
  (X-SQL-State: S1TAT), and cuts answers at its ResultSetMaxRows (X-SPARQL-MaxRows); either
  would pass for a complete answer, so both are errors here;
- blank nodes: Virtuoso names them `nodeID://b123` in JSON results, which is no blank node
  label (pyoxigraph refuses it).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kg.remote.body import Body, RemoteError


def is_virtuoso(server: str) -> bool:
    return "virtuoso" in server.lower()


def timeout_params(server: str, timeout_s: float) -> list[tuple[str, str]]:
    """The store's own time-limit parameter, for the stores known to take one (`server`: its
    Server header); the deadline of the HTTP call holds in any case."""
    server = server.lower()
    if "virtuoso" in server:
        return [("timeout", str(max(1, int(timeout_s * 1000))))]  # milliseconds
    if "fuseki" in server or "jena" in server:
        return [("timeout", f"{timeout_s:g}")]  # seconds
    return []


_TIMED_OUT = re.compile(r"time ?-?out|timed out|estimated execution time", re.IGNORECASE)


def refusal(error: RemoteError, url: str, *, query: bool) -> Exception:
    """What an error answer means: a TimeoutError for a time-out, a SyntaxError for a 400 to
    a query (the query is what the store could not read), the RemoteError itself otherwise
    (and for a store that gave no answer at all)."""
    if error.status is None:
        return error
    if error.status >= 500 and _TIMED_OUT.search(error.detail):
        return TimeoutError(f"the store at {url} timed out: {error.detail}")
    if error.status == 400 and query:
        return SyntaxError(f"the store refused the query ({error.status}): {error.detail}")
    return error


def check_complete(body: Body) -> None:
    """Refuse an answer the store says it cut short."""
    state = body.headers.get("X-SQL-State")
    if state:
        message = body.headers.get("X-SQL-Message", "")
        body.close()
        if state.startswith("S1TAT"):
            raise TimeoutError(f"the store at {body.url} stopped the query at its time limit "
                               f"and answered in part: {message}")
        raise RemoteError(f"the store at {body.url} answered in part ({state}: {message})")
    cut = body.headers.get("X-SPARQL-MaxRows")
    if cut:
        body.close()
        raise RemoteError(f"the store at {body.url} cut the answer at {cut} rows; raise its own "
                          "limit (Virtuoso: ResultSetMaxRows in virtuoso.ini)")


_VIRTUOSO_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')


def _virtuoso_blank_nodes(data: bytes) -> bytes:
    """`nodeID://b123` read as the label `b123`, which stays the same node in every answer.
    Virtuoso writes one binding per line, so whole lines hold whole bindings."""
    return _VIRTUOSO_BNODE.sub(rb"\1", data)


def results_rewrite(server: str, json_results: bool) -> Callable[[bytes], bytes] | None:
    """The fix a results body needs, line by line, from the store named by `server`."""
    return _virtuoso_blank_nodes if json_results and is_virtuoso(server) else None
