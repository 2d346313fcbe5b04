"""A store's answer to a query, read by pyoxigraph's own parsers.

Every term is then a genuine NamedNode, Literal, BlankNode or Triple, an ASK answer a genuine
QueryBoolean, and the rows of a SELECT genuine QuerySolution objects (in a RemoteSolutions,
which has `.variables` like QuerySolutions); CONSTRUCT and DESCRIBE answers are RemoteTriples,
iterating Triples. An answer of up to PREFETCH bytes is read whole and then parsed (the fastest
way); a longer one is parsed as it arrives, so memory stays bounded and a caller that stops
early (a row cap) stops the download: that connection is then closed, not pooled.
"""

from __future__ import annotations

import io
from typing import IO

import pyoxigraph as ox

from kg.remote.body import Body, RemoteError
from kg.remote.dialects import check_complete, results_rewrite

PREFETCH = 8 * 1024 * 1024
READ_BUFFER = 256 * 1024


class RemoteSolutions:
    """The rows of a SELECT answer, read as they arrive; like pyoxigraph's QuerySolutions, an
    iterator of QuerySolution (index a row by variable name) with `.variables`."""

    def __init__(self, solutions: ox.QuerySolutions, body: Body) -> None:
        self._solutions, self._body = solutions, body

    @property
    def variables(self) -> list[ox.Variable]:
        return self._solutions.variables

    def __iter__(self) -> RemoteSolutions:
        return self

    def __next__(self) -> ox.QuerySolution:
        try:
            return next(self._solutions)
        except StopIteration:
            self._body.drain()  # to the very end, so the connection can serve again
            raise

    def __del__(self) -> None:
        self._body.close()


class RemoteTriples:
    """The triples of a CONSTRUCT or DESCRIBE answer, read as they arrive (like QueryTriples)."""

    def __init__(self, source: bytes | IO[bytes], fmt: ox.RdfFormat, body: Body) -> None:
        self._body = body
        self._quads = ox.parse(source, fmt)

    def __iter__(self) -> RemoteTriples:
        return self

    def __next__(self) -> ox.Triple:
        try:
            quad: ox.Quad = next(self._quads)
        except StopIteration:
            self._body.drain()
            raise
        return quad.triple

    def __del__(self) -> None:
        self._body.close()


def read_answer(body: Body) -> RemoteSolutions | RemoteTriples | ox.QueryBoolean:
    """The answer in `body`, in the results or RDF format its Content-Type names."""
    check_complete(body)
    media_type = body.headers.get("Content-Type", "")
    results = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
    rdf = ox.RdfFormat.from_media_type(media_type) if media_type else None
    if results is None and rdf is None:
        body.close()
        raise RemoteError(f"the store at {body.url} answered a query with "
                          f"{media_type or 'no media type'}, not SPARQL results or RDF")
    body.rewrite = results_rewrite(body.headers.get("Server", ""),
                                   results == ox.QueryResultsFormat.JSON)
    whole = body.prefetch(PREFETCH)
    source = whole if whole is not None else io.BufferedReader(body, READ_BUFFER)
    if rdf is not None:
        return RemoteTriples(source, rdf, body)
    parsed = ox.parse_query_results(source, results)
    if isinstance(parsed, ox.QueryBoolean):
        body.drain()
        return parsed
    return RemoteSolutions(parsed, body)
