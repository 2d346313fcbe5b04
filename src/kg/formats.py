"""One registry of the formats the project reads and writes, and content negotiation.

RDF formats (for exports and CONSTRUCT/DESCRIBE results) and query-result formats (for
SELECT/ASK results), each found by name, alias, extension or media type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.errors import KgError
from kg.query import QueryResult
from kg.render import render_csv, render_json, render_table, render_tsv, render_xml


class UnsupportedFormat(KgError):
    """No registered format has that name or media type."""


@dataclass(frozen=True)
class RdfFormat:
    name: str
    media_type: str
    rdflib_name: str  # serializer/parser plugin name
    extension: str
    quads: bool  # holds named graphs
    ox_format: ox.RdfFormat
    aliases: tuple[str, ...] = ()
    other_media_types: tuple[str, ...] = ()  # also accepted in an Accept header
    charset: bool = True  # a text format whose media type takes `charset=utf-8`

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.other_media_types)


@dataclass(frozen=True)
class ResultFormat:
    name: str
    media_type: str
    extension: str
    render: Callable[[QueryResult], bytes]
    aliases: tuple[str, ...] = ()
    other_media_types: tuple[str, ...] = ()
    endpoint: bool = True  # offered by the SPARQL endpoint (the table is for the terminal)
    charset: bool = True

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.other_media_types)


F = TypeVar("F", RdfFormat, ResultFormat)

# Order is preference: the first is what `*/*` or no Accept header gets.
RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("ttl", "text/turtle", "turtle", "ttl", False, ox.RdfFormat.TURTLE, ("turtle",),
              ("application/x-turtle",)),
    RdfFormat("jsonld", "application/ld+json", "json-ld", "jsonld", True, ox.RdfFormat.JSON_LD,
              ("json-ld",), ("application/json",), charset=False),
    RdfFormat("nt", "application/n-triples", "nt", "nt", False, ox.RdfFormat.N_TRIPLES,
              ("ntriples", "n-triples"), ("text/plain",)),
    RdfFormat("xml", "application/rdf+xml", "xml", "rdf", False, ox.RdfFormat.RDF_XML,
              ("rdf", "rdfxml", "owl"), ("application/xml", "text/xml"), charset=False),
    RdfFormat("trig", "application/trig", "trig", "trig", True, ox.RdfFormat.TRIG),
    RdfFormat("nq", "application/n-quads", "nquads", "nq", True, ox.RdfFormat.N_QUADS,
              ("nquads", "n-quads")),
)

RESULT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("json", "application/sparql-results+json", "srj", render_json, ("srj",),
                 ("application/json",), charset=False),
    ResultFormat("xml", "application/sparql-results+xml", "srx", render_xml, ("srx",),
                 ("application/xml", "text/xml"), charset=False),
    ResultFormat("csv", "text/csv", "csv", render_csv),
    ResultFormat("tsv", "text/tab-separated-values", "tsv", render_tsv),
    ResultFormat("table", "text/plain", "txt", render_table, ("text",), endpoint=False),
)


def _find(registry: Iterable[F], key: str, what: str) -> F:
    wanted = key.split(";")[0].strip().lower().lstrip(".")
    for fmt in registry:
        if wanted in (fmt.name, fmt.media_type, fmt.extension, *fmt.aliases):
            return fmt
    available = ", ".join(f"{f.name} ({f.media_type})" for f in registry)
    raise UnsupportedFormat(f"unsupported {what} format {key!r}; available: {available}")


def lookup(name_or_media_type: str) -> RdfFormat:
    """The RDF format with that name, alias, extension or media type."""
    return _find(RDF_FORMATS, name_or_media_type, "RDF")


def lookup_result(name_or_media_type: str) -> ResultFormat:
    """The query-result format with that name, alias, extension or media type."""
    return _find(RESULT_FORMATS, name_or_media_type, "query result")


def names(registry: Iterable[RdfFormat | ResultFormat]) -> list[str]:
    return [fmt.name for fmt in registry]


HTML_TYPES = ("text/html", "application/xhtml+xml")  # what the pages answer to


def available(formats: Iterable[RdfFormat | ResultFormat]) -> str:
    """The formats on offer, as an error message lists them."""
    return ", ".join(f"{f.name} ({f.media_type})" for f in formats)


def content_type(fmt: RdfFormat | ResultFormat) -> str:
    return f"{fmt.media_type}; charset=utf-8" if fmt.charset else fmt.media_type


def negotiate(candidates: Iterable[F], accept: str | None, format_name: str | None = None,
              extra: tuple[str, ...] = (), prefer_extra: bool = False) -> F | str | None:
    """The format a client asked for: by name (`?format=` or a suffix), else by Accept.

    `extra` are media types the caller serves itself (such as text/html); when one of them
    wins, it is returned as a string. None means nothing fits (406). q-values, wildcards
    and the candidates' order (on ties) decide, as Werkzeug's best_match does; with
    `prefer_extra`, the caller's own types come first (pages: HTML unless RDF is asked for).
    """
    candidates = list(candidates)
    if format_name:
        wanted = format_name.strip().lower().lstrip(".")
        for fmt in candidates:
            if wanted in (fmt.name, fmt.extension, *fmt.aliases, *fmt.media_types):
                return fmt
        return next((t for t in extra if wanted in (t, t.split("/")[-1])), None)
    by_type: dict[str, F | str] = {t: t for t in extra} if prefer_extra else {}
    for fmt in candidates:  # primary media types first, so a wildcard prefers them
        by_type.setdefault(fmt.media_type, fmt)
    for fmt in candidates:
        for media_type in fmt.other_media_types:
            by_type.setdefault(media_type, fmt)
    for media_type in extra:
        by_type.setdefault(media_type, media_type)
    if not accept or not accept.strip():
        return next(iter(by_type.values()), None)
    # Only q counts: "text/turtle; charset=utf-8" asks for Turtle, whatever Werkzeug makes
    # of other parameters.
    plain = MIMEAccept([(value.split(";")[0].strip(), quality)
                        for value, quality in parse_accept_header(accept, MIMEAccept)])
    best = plain.best_match(list(by_type))
    return None if best is None else by_type[best]
