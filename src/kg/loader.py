"""Parse the ontology, the source descriptions and the extracted facts into a Dataset.

Named graphs follow the project conventions:
    graph/ontology  <- <ontology_dir>/*.ttl
    graph/sources   <- <sources_dir>/*.ttl
    graph/<stem>    <- <data_dir>/<stem>.ttl   (requires <sources_dir>/<stem>.txt)
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg.errors import KgError
from kg.namespaces import (
    GRAPH_ONTOLOGY,
    GRAPH_SOURCES,
    RESERVED_NAMES,
    bind_prefixes,
    source_graph,
)
from kg.settings import Settings


class LoadError(KgError):
    """An input file is missing, unreadable or not valid Turtle."""


# A stem becomes part of graph and source IRIs, so keep it to IRI-safe characters.
_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _syntax_message(path: Path, error: BadSyntax) -> str:
    # BadSyntax holds the document (UTF-8 bytes of the parsed text), a character offset
    # into that text and the reason; its own line count is off inside multi-line
    # statements, so the position is recomputed from the offset. Its str() repeats a
    # long excerpt, so report file:line:column and the reason only.
    why = getattr(error, "_why", None)
    offset = getattr(error, "_i", None)
    source = getattr(error, "_str", None)
    if why is None or offset is None or not isinstance(source, bytes):
        return f"{path}:{error.lines + 1}: bad Turtle syntax: {error}"
    text = source.decode("utf-8", "replace")
    offset = min(max(offset, 0), len(text))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{path}:{line}:{column}: bad Turtle syntax: {why}"


def parse_turtle(path: Path) -> Graph:
    """Parse one Turtle file; any failure becomes a LoadError naming the file (and line)."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except BadSyntax as error:
        raise LoadError(_syntax_message(path, error)) from None
    except IndexError:  # rdflib's parser runs off the end of an unterminated statement
        line = max(1, len(path.read_text(encoding="utf-8").splitlines()))
        raise LoadError(f"{path}:{line}: bad Turtle syntax: unexpected end of file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise LoadError(f"{path}: cannot read: {error}") from None
    except ValueError as error:  # e.g. an invalid language tag
        raise LoadError(f"{path}: {error}") from None
    _check_terms(path, graph)
    return graph


def _check_terms(path: Path, graph: Graph) -> None:
    # rdflib only logs these; they would break the artifact or silently lose a value.
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and _BAD_IRI.search(term):
                raise LoadError(f"{path}: invalid IRI <{term}>")
            if isinstance(term, Literal) and term.ill_typed:
                raise LoadError(
                    f"{path}: ill-typed literal {term.n3(graph.namespace_manager)}"
                )


def turtle_files(directory: Path) -> list[Path]:
    """The *.ttl files directly inside `directory`, sorted for reproducible builds."""
    if not directory.is_dir():
        raise LoadError(f"{directory}: directory not found")
    return sorted(p for p in directory.glob("*.ttl") if p.is_file())


def check_sources(settings: Settings) -> list[Path]:
    """The data files, each of which must come with its source text."""
    data_files = turtle_files(settings.data_dir)
    if not data_files:
        raise LoadError(f"{settings.data_dir}: no extracted data (*.ttl) files")
    bad = [str(p) for p in data_files if not _STEM.match(p.stem)]
    if bad:
        raise LoadError(f"file names must be [A-Za-z0-9_.-] only: {', '.join(bad)}")
    reserved = [str(p) for p in data_files if p.stem in RESERVED_NAMES]
    if reserved:
        raise LoadError(
            f"{', '.join(reserved)}: the names {', '.join(sorted(RESERVED_NAMES))} "
            "belong to the project's own graphs and export selections"
        )
    missing = [
        p for p in data_files if not (settings.sources_dir / f"{p.stem}.txt").is_file()
    ]
    if missing:
        names = ", ".join(str(p) for p in missing)
        raise LoadError(
            f"no source text for {names}: expected {settings.sources_dir}/<stem>.txt"
        )
    return data_files


def _add_files(dataset: Dataset, name: URIRef, files: list[Path]) -> None:
    graph = dataset.graph(name)
    for path in files:
        graph += parse_turtle(path)


def load_dataset(settings: Settings) -> Dataset:
    """Every asserted graph of the project (ontology, sources, one per source)."""
    ontology = turtle_files(settings.ontology_dir)
    if not ontology:
        raise LoadError(f"{settings.ontology_dir}: no ontology (*.ttl) files")
    sources = turtle_files(settings.sources_dir)
    data_files = check_sources(settings)
    dataset = Dataset()
    bind_prefixes(dataset)
    _add_files(dataset, GRAPH_ONTOLOGY, ontology)
    _add_files(dataset, GRAPH_SOURCES, sources)
    for path in data_files:
        _add_files(dataset, source_graph(path.stem), [path])
    return dataset


def load_shapes(settings: Settings) -> Graph:
    """All SHACL shapes files merged into one graph."""
    shapes = bind_prefixes(Graph())
    files = turtle_files(settings.shapes_dir)
    if not files:
        raise LoadError(f"{settings.shapes_dir}: no shapes (*.ttl) files")
    for path in files:
        shapes += parse_turtle(path)
    return shapes
