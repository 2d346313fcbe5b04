"""One registry of the formats the project writes, and content negotiation.

A format is one row: its name (for `?format=`, the CLI and file names), label, media types,
file extension, W3C format IRI and writer. RDF formats (downloads, entity data, CONSTRUCT and
DESCRIBE answers) take quads; query-result formats (SELECT and ASK answers) take a
QueryResult. Adding a format is adding a row here and saying so in the documentation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.errors import KgError
from kg.namespaces import W3C_FORMATS
from kg.query import QueryResult
from kg.rdfwriters import pyoxigraph_writer, write_jsonld
from kg.render import render_csv, render_json, render_table, render_tsv, render_xml


class UnsupportedFormat(KgError):
    """No registered format has that name or media type."""


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    media_type: str
    extension: str
    w3c: str | None  # local name of the format's IRI under http://www.w3.org/ns/formats/
    aliases: tuple[str, ...] = ()
    other_media_types: tuple[str, ...] = ()  # also accepted in an Accept header
    charset: bool = True  # a text format whose media type takes `charset=utf-8`

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.other_media_types)

    @property
    def keys(self) -> tuple[str, ...]:
        """What the format is found by: its name, media type, extension and aliases."""
        return (self.name, self.media_type, self.extension, *self.aliases)

    @property
    def iri(self) -> str | None:
        """The W3C's IRI for the format, as the service description names it."""
        return None if self.w3c is None else W3C_FORMATS[self.w3c]


@dataclass(frozen=True, kw_only=True)
class RdfFormat(Format):
    write: Callable[[Iterable[ox.Quad]], bytes]
    quads: bool = False  # holds named graphs
    rdflib_name: str = ""  # the plugin name rdflib reads it by (for clients and the tests)


@dataclass(frozen=True, kw_only=True)
class ResultFormat(Format):
    write: Callable[[QueryResult], bytes]
    endpoint: bool = True  # offered by the SPARQL endpoint (the table is for the terminal)


def _ox(fmt: ox.RdfFormat, quads: bool = False) -> Callable[[Iterable[ox.Quad]], bytes]:
    return pyoxigraph_writer(fmt, quads=quads)


F = TypeVar("F", RdfFormat, ResultFormat)

# Order is preference: the first is what `*/*` or no Accept header gets.
RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("ttl", "Turtle", "text/turtle", "ttl", "Turtle", ("turtle",),
              ("application/x-turtle",), write=_ox(ox.RdfFormat.TURTLE), rdflib_name="turtle"),
    RdfFormat("jsonld", "JSON-LD", "application/ld+json", "jsonld", "JSON-LD", ("json-ld",),
              ("application/json",), charset=False, write=write_jsonld, quads=True,
              rdflib_name="json-ld"),
    RdfFormat("nt", "N-Triples", "application/n-triples", "nt", "N-Triples",
              ("ntriples", "n-triples"), ("text/plain",), write=_ox(ox.RdfFormat.N_TRIPLES),
              rdflib_name="nt"),
    RdfFormat("xml", "RDF/XML", "application/rdf+xml", "rdf", "RDF_XML", ("rdf", "rdfxml", "owl"),
              ("application/xml", "text/xml"), charset=False, write=_ox(ox.RdfFormat.RDF_XML),
              rdflib_name="xml"),
    RdfFormat("trig", "TriG", "application/trig", "trig", "TriG",
              write=_ox(ox.RdfFormat.TRIG, quads=True), quads=True, rdflib_name="trig"),
    RdfFormat("nq", "N-Quads", "application/n-quads", "nq", "N-Quads", ("nquads", "n-quads"),
              write=_ox(ox.RdfFormat.N_QUADS, quads=True), quads=True, rdflib_name="nquads"),
)

RESULT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("json", "SPARQL JSON", "application/sparql-results+json", "srj",
                 "SPARQL_Results_JSON", ("srj",), ("application/json",), charset=False,
                 write=render_json),
    ResultFormat("xml", "SPARQL XML", "application/sparql-results+xml", "srx",
                 "SPARQL_Results_XML", ("srx",), ("application/xml", "text/xml"),
                 charset=False, write=render_xml),
    ResultFormat("csv", "CSV", "text/csv", "csv", "SPARQL_Results_CSV", write=render_csv),
    ResultFormat("tsv", "TSV", "text/tab-separated-values", "tsv", "SPARQL_Results_TSV",
                 write=render_tsv),
    ResultFormat("table", "text table", "text/plain", "txt", None, ("text",), write=render_table,
                 endpoint=False),
)


def serialize(data: Iterable[ox.Quad] | Iterable[ox.Triple], fmt: RdfFormat, *,
              merge: bool = False) -> bytes:
    """RDF in `fmt`: quad formats keep the graph names unless `merge`; triple formats, and
    triples given without graphs, are one merged graph."""
    quads = [item if isinstance(item, ox.Quad) else ox.Quad(*item) for item in data]
    if merge and fmt.quads:
        quads = [ox.Quad(*t) for t in dict.fromkeys(q.triple for q in quads)]
    return fmt.write(quads)


def write_result(result: QueryResult, fmt: RdfFormat | ResultFormat) -> bytes:
    """A query's answer in `fmt`: an RDF format for CONSTRUCT and DESCRIBE, a result format
    for SELECT and ASK."""
    if isinstance(fmt, RdfFormat):
        return serialize(result.triples, fmt)
    return fmt.write(result)


def _find(registry: Iterable[F], key: str, what: str) -> F:
    wanted = key.split(";")[0].strip().lower().lstrip(".")
    for fmt in registry:
        if wanted in fmt.keys:
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
    offered: list[F] = list(candidates)
    if format_name:
        wanted = format_name.strip().lower().lstrip(".")
        for fmt in offered:
            if wanted in fmt.keys + fmt.other_media_types:
                return fmt
        return next((t for t in extra if wanted in (t, t.split("/")[-1])), None)
    by_type: dict[str, F | str] = {t: t for t in extra} if prefer_extra else {}
    for fmt in offered:  # primary media types first, so a wildcard prefers them
        by_type.setdefault(fmt.media_type, fmt)
    for fmt in offered:
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
