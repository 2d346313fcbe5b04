"""Parse the ontology, the source descriptions and the extracted facts into a Dataset.

Named graphs follow the project conventions:
    graph/ontology  <- <ontology_dir>/*.ttl
    graph/sources   <- <sources_dir>/*.ttl
    graph/<stem>    <- <data_dir>/<stem>.ttl   (requires <sources_dir>/<stem>.txt)
    graph/shapes    <- <shapes_dir>/*.ttl      (kept apart: load_shapes)

Two readers share these rules. `load_dataset` parses with rdflib, for reasoning and
validation. `project_files` and `read_turtle` serve the streaming build, which parses
with pyoxigraph one file at a time and never holds the whole graph (see kg.build).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg.errors import KgError
from kg.namespaces import (
    GRAPH_ONTOLOGY,
    GRAPH_SHAPES,
    GRAPH_SOURCES,
    RESERVED_NAMES,
    XSD,
    bind_prefixes,
    source_graph,
)
from kg.settings import Settings
from kg.terms import DATE_FORMS, parse_date


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


def stem_problem(stem: str) -> str | None:
    """Why `stem` cannot name a source (it becomes part of graph and source IRIs), or None."""
    if not _STEM.match(stem):
        return f"the name {stem!r} must be [A-Za-z0-9_.-] only, starting with a letter or digit"
    if stem in RESERVED_NAMES:
        return (f"the names {', '.join(sorted(RESERVED_NAMES))} belong to the project's own "
                "graphs and export selections")
    return None


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
    for path in data_files:
        problem = stem_problem(path.stem)
        if problem:
            raise LoadError(f"{path}: {problem}")
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
    """Every asserted graph of the project (ontology, sources, one per source), by rdflib."""
    dataset = Dataset()
    bind_prefixes(dataset)
    for name, files in project_files(settings).items():
        if name != str(GRAPH_SHAPES):
            _add_files(dataset, URIRef(name), files)
    return dataset


def load_shapes(settings: Settings) -> Graph:
    """All SHACL shapes files merged into one graph."""
    shapes = bind_prefixes(Graph())
    for path in project_files(settings)[str(GRAPH_SHAPES)]:
        shapes += parse_turtle(path)
    return shapes


# The streaming reader (pyoxigraph): the same files and errors, without rdflib.

_OX_REASON = re.compile(r"^Parser error [^:]*: ", re.DOTALL)
_TZ = r"(Z|[+-](0\d|1[0-4]):[0-5]\d)?"
_DAY = r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
# Lexical forms of the other XSD datatypes the project uses (the date forms are kg.terms'):
# rdflib flags values outside them as ill-typed, and so does the streaming reader.
_LEXICAL = {
    str(XSD[name]): re.compile(pattern + r"\Z")
    for name, pattern in {
        "dateTime": r"-?\d{4,}-" + _DAY + r"T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?" + _TZ,
        "integer": r"[+-]?\d+",
        "positiveInteger": r"\+?0*[1-9]\d*",
        "nonNegativeInteger": r"(\+?\d+|-0+)",
        "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
        "boolean": r"(true|false|1|0)",
        "duration": r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?",
    }.items()
}


def _ox_syntax_message(path: Path, error: SyntaxError) -> str:
    reason = _OX_REASON.sub("", str(error.msg))
    return f"{path}:{error.lineno or 1}:{error.offset or 1}: bad Turtle syntax: {reason}"


def ill_typed(literal: ox.Literal) -> bool:
    """True if a literal of a known XSD datatype has a value outside its lexical space."""
    datatype, value = literal.datatype.value, literal.value
    if datatype in DATE_FORMS:
        return parse_date(value, datatype) is None  # 30 February is no date
    pattern = _LEXICAL.get(datatype)
    return pattern is not None and not pattern.match(value)


def read_turtle(path: Path) -> Iterator[ox.Quad]:
    """Stream the triples of one Turtle file (as default-graph quads) with pyoxigraph.

    Errors are those of parse_turtle: a LoadError naming file:line:column, an unreadable
    file, or a literal rdflib would flag as ill-typed. Blank nodes get fresh random labels;
    the build renames them canonically.
    """
    try:
        # rename_blank_nodes: `_:b` in two files of one graph are two nodes, as in rdflib.
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE,
                             base_iri=path.absolute().as_uri(), rename_blank_nodes=True):
            obj = quad.object
            if isinstance(obj, ox.Literal) and ill_typed(obj):
                raise LoadError(f"{path}: ill-typed literal {obj}")
            yield quad
    except SyntaxError as error:
        raise LoadError(_ox_syntax_message(path, error)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise LoadError(f"{path}: cannot read: {error}") from None


def project_files(settings: Settings) -> dict[str, list[Path]]:
    """Every named graph of the build, as graph IRI -> the Turtle files it is read from.

    The same files as load_dataset and load_shapes, with the same checks (directories,
    stems, source texts), and graph:shapes too: the artifact carries the shapes.
    """
    ontology = turtle_files(settings.ontology_dir)
    if not ontology:
        raise LoadError(f"{settings.ontology_dir}: no ontology (*.ttl) files")
    shapes = turtle_files(settings.shapes_dir)
    if not shapes:
        raise LoadError(f"{settings.shapes_dir}: no shapes (*.ttl) files")
    sources = turtle_files(settings.sources_dir)
    data_files = check_sources(settings)
    graphs = {str(GRAPH_ONTOLOGY): ontology, str(GRAPH_SOURCES): sources,
              str(GRAPH_SHAPES): shapes}
    for path in data_files:
        graphs[str(source_graph(path.stem))] = [path]
    return graphs
