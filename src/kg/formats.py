"""One registry of the formats the project reads and writes.

RDF formats (for `kg export` and, later, content negotiation) and query-result
formats (for `kg query`), each found by name, alias, extension or media type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from kg.errors import KgError
from kg.query import QueryResult
from kg.render import render_csv, render_json, render_table, render_tsv


class UnsupportedFormat(KgError):
    """No registered format has that name or media type."""


@dataclass(frozen=True)
class RdfFormat:
    name: str
    media_type: str
    rdflib_name: str  # serializer/parser plugin name
    extension: str
    quads: bool  # holds named graphs
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResultFormat:
    name: str
    media_type: str
    extension: str
    render: Callable[[QueryResult], str]
    aliases: tuple[str, ...] = ()


F = TypeVar("F", RdfFormat, ResultFormat)

RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("ttl", "text/turtle", "turtle", "ttl", False, ("turtle",)),
    RdfFormat("nt", "application/n-triples", "nt", "nt", False, ("ntriples", "n-triples")),
    RdfFormat("xml", "application/rdf+xml", "xml", "rdf", False, ("rdf", "rdfxml", "owl")),
    RdfFormat("jsonld", "application/ld+json", "json-ld", "jsonld", True, ("json-ld",)),
    RdfFormat("nq", "application/n-quads", "nquads", "nq", True, ("nquads", "n-quads")),
    RdfFormat("trig", "application/trig", "trig", "trig", True),
)

RESULT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("table", "text/plain", "txt", render_table, ("text",)),
    ResultFormat("csv", "text/csv", "csv", render_csv),
    ResultFormat("tsv", "text/tab-separated-values", "tsv", render_tsv),
    ResultFormat("json", "application/sparql-results+json", "srj", render_json, ("srj",)),
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
