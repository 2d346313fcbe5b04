"""Adding a source document: its text, its description with a checksum, and an empty file of
facts, so that what is left to write by hand is only the facts themselves.

`kg add-source` calls `add_source`. The description goes to `<sources_dir>/sources.ttl` in the
form the other sources have there (kind, title, language, date, file name, SHA-256); the data
file starts with the prefixes the source's evidence IRIs need. Nothing is written unless all
three files can be, and an existing source is never overwritten.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from kg.atomic import write_atomic_all
from kg.errors import KgError
from kg.loader import stem_problem
from kg.namespaces import DCTERMS, EV, ID, KG, RDF, RDFS, SKOS, SRC, XSD, source_graph
from kg.settings import Settings
from kg.terms import DATE_FORMS, parse_date

KINDS = {"news-report": "NewsReport", "encyclopedia-article": "EncyclopediaArticle"}
DESCRIPTIONS = "sources.ttl"


class SourceError(KgError):
    """The source cannot be added as asked."""


@dataclass(frozen=True)
class AddedSource:
    stem: str
    text: Path
    description: Path
    data: Path
    sha256: str


def _date_datatype(value: str) -> str:
    for datatype in DATE_FORMS:
        if parse_date(value, datatype) is not None:
            return datatype
    raise SourceError(f"the date {value!r} is not a date, a year-month, a year or a "
                      "--month-day (2017-02-23, 2017-02, 2017, --02-16)")


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@en'


def description(stem: str, title: str, kind: str, sha256: str, date: str | None) -> str:
    """The Turtle block that describes the source in sources.ttl."""
    lines = [f"src:{stem} a kg:{KINDS[kind]} ;", f"    rdfs:label {_literal(title)} ;",
             f"    dcterms:title {_literal(title)} ;", '    dcterms:language "en" ;']
    if date:
        lines.append(f'    dcterms:date "{date}"^^<{_date_datatype(date)}> ;')
    lines += [f'    kg:fileName "{stem}.txt" ;', f'    kg:sha256 "{sha256}" .']
    return "\n".join(lines) + "\n"


def data_skeleton(stem: str, title: str) -> str:
    """The start of the source's data file: prefixes, and where its facts go."""
    prefixes = {"kg": KG, "id": ID, "src": SRC, "ev": f"{EV}{stem}/", "rdf": RDF, "rdfs": RDFS,
                "skos": SKOS, "xsd": XSD}
    head = "".join(f"@prefix {name + ':':<8} <{iri}> .\n" for name, iri in prefixes.items())
    return (f"{head}\n# Facts extracted from {title!r} (data/sources/{stem}.txt).\n"
            f"# This file is the named graph <{source_graph(stem)}>.\n"
            "# Each fact is followed by its evidence: an rdf:Statement quoting the source "
            "verbatim\n# (see docs/contributing.md, \"Add or correct a fact\").\n")


def add_source(settings: Settings, path: Path, title: str, kind: str, *,
               stem: str | None = None, date: str | None = None) -> AddedSource:
    """Copy the text in, describe it and start its data file; SourceError if it cannot be."""
    stem = stem or path.stem
    problem = stem_problem(stem)
    if problem:
        raise SourceError(f"cannot add a source named {stem!r}: {problem}")
    if kind not in KINDS:
        raise SourceError(f"the kind must be one of {', '.join(KINDS)}, not {kind!r}")
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as error:
        raise SourceError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise SourceError(f"{path} is not UTF-8 text") from None
    if " ".join(title.split()) not in " ".join(text.split()):
        raise SourceError(f"the title {title!r} does not appear in {path}: give the title the "
                          "document itself states")
    target = settings.sources_dir / f"{stem}.txt"
    descriptions = settings.sources_dir / DESCRIPTIONS
    data = settings.data_dir / f"{stem}.ttl"
    described = descriptions.read_text(encoding="utf-8") if descriptions.is_file() else ""
    if re.search(rf"^src:{re.escape(stem)}\s", described, flags=re.MULTILINE):
        raise SourceError(f"{descriptions} already describes a source {stem!r}")
    for existing in (target, data):
        if existing.exists() and existing.resolve() != path.resolve():
            raise SourceError(f"{existing} already exists: choose another --stem")
    digest = hashlib.sha256(raw).hexdigest()
    block = description(stem, title, kind, digest, date)
    if not described:
        described = "".join(f"@prefix {n + ':':<8} <{i}> .\n" for n, i in (
            ("kg", KG), ("id", ID), ("src", SRC), ("rdfs", RDFS), ("xsd", XSD),
            ("dcterms", DCTERMS)))
    write_atomic_all([(target, raw), (descriptions, (described.rstrip("\n") + "\n\n" + block)
                                     .encode("utf-8")),
                      (data, data_skeleton(stem, title).encode("utf-8"))])
    return AddedSource(stem, target, descriptions, data, digest)
