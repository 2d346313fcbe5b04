"""load → reason → validate → write the artifact and its summary, atomically.

Nothing is written unless loading succeeds and validation conforms, so a failed
build leaves the previous artifact byte-identical.

Two ways through, chosen by the settings `reasoning` and `validation`:

- With either on, the graphs are loaded with rdflib, OWL-RL and SHACL run on them in
  memory (their cost grows faster than the graph: see the README, "Measured figures"),
  and the artifact is written from the result.
- With both off, nothing is held whole: each file is parsed with pyoxigraph, its graph
  written to the artifact and counted, then dropped. This is the path for graphs of
  millions of triples; the summary records the two steps as skipped.

Either way the artifact is N-Quads, one block of sorted lines per named graph in the order
of the graph IRIs, with each graph's blank nodes renamed canonically (RDFC-1.0), so the
same input gives the same bytes, and the same graphs give the same bytes on either path.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.atomic import ArtifactFile
from kg.loader import load_dataset, load_shapes, project_files, read_turtle
from kg.namespaces import (
    DCTERMS,
    EV,
    GRAPH,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_SHAPES,
    GRAPH_SOURCES,
    KG,
    RDF,
    RDFS,
    SH,
    SKOS,
    SRC,
    curie,
    graph_name,
)
from kg.settings import Settings
from kg.validation import ValidationReport

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

    from kg.reasoning import ReasoningResult

# Naming triples need no evidence (kg.evidence.NAMING); everything else in a source is a fact.
_NAMING = frozenset({str(RDF.type), str(RDFS.label), str(SKOS.altLabel)})
_NOT_SOURCES = frozenset({str(GRAPH_ONTOLOGY), str(GRAPH_SOURCES), str(GRAPH_INFERRED),
                          str(GRAPH_SHAPES)})
_RDF_TYPE, _STATEMENT = str(RDF.type), str(RDF.Statement)
_COMMENT, _TITLE, _NODE_SHAPE = str(RDFS.comment), str(DCTERMS.title), str(SH.NodeShape)
_EV, _KG, _GRAPH, _SRC = str(EV), str(KG), str(GRAPH), str(SRC)


@dataclass
class Checked:
    """A loaded, reasoned and validated dataset, not yet written."""

    dataset: Dataset
    reasoning: ReasoningResult | None  # None: reasoning was skipped
    report: ValidationReport
    load_seconds: float
    shapes: Graph
    # CPU seconds of each step (load, inference, validation): on a busy machine the wall
    # time swings with the load, the CPU time much less.
    cpu_seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class BuildResult:
    report: ValidationReport
    written: bool
    summary: dict[str, object] = field(default_factory=dict)


def check(settings: Settings, *, reasoning: bool = True, validation: bool = True) -> Checked:
    """Load, reason and validate; raises LoadError on unreadable input.

    `kg validate` always does both steps; the build passes the settings' choice.
    """
    from kg.reasoning import infer
    from kg.validation import validate_dataset

    started, cpu = time.perf_counter(), time.process_time()
    dataset = load_dataset(settings)
    shapes = load_shapes(settings)
    load_seconds = time.perf_counter() - started
    cpu_seconds = {"load": time.process_time() - cpu}
    cpu = time.process_time()
    reasoned = infer(dataset) if reasoning else None
    cpu_seconds["inference"], cpu = time.process_time() - cpu, time.process_time()
    report = validate_dataset(dataset, shapes) if validation else ValidationReport.skip()
    cpu_seconds["validation"] = time.process_time() - cpu
    return Checked(dataset, reasoned, report, load_seconds, shapes, cpu_seconds)


# ---------------------------------------------------------------------------------------
# N-Quads lines, the same for either path


def _ox_term(term: Any) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as the pyoxigraph term with the same meaning."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _ox_triples(graph: Graph) -> list[ox.Quad]:
    return [ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o)) for s, p, o in graph]


def _canonical(triples: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The distinct triples, with blank nodes renamed by RDFC-1.0 if there are any.

    Each graph is canonicalised on its own: every file is parsed separately, so no blank
    node is shared between graphs.
    """
    unique = list(dict.fromkeys(triples))
    if not any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
               for q in unique):
        return unique
    dataset = ox.Dataset(unique)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return list(dataset)


def graph_lines(name: str, triples: list[ox.Quad]) -> list[str]:
    """The N-Quads lines of one named graph, sorted (triples already distinct)."""
    graph = f"<{name}> .\n"
    return sorted(f"{q.subject} {q.predicate} {q.object} {graph}" for q in triples)


def serialize_artifact(dataset: Dataset, shapes: Graph | None = None) -> bytes:
    """Every named graph as N-Quads, byte-identical for identical input so rebuilds diff.

    The shapes go in too, as graph:shapes, so the served graph documents what it was
    validated against.
    """
    graphs = _rdflib_graphs(dataset, shapes)
    return "".join(
        line for name in sorted(graphs)
        for line in graph_lines(name, _canonical(_ox_triples(graphs[name])))
    ).encode("utf-8")


def _rdflib_graphs(dataset: Dataset, shapes: Graph | None) -> dict[str, Graph]:
    graphs = {str(g.identifier): g for g in dataset.graphs() if len(g)}
    if shapes is not None and len(shapes):
        graphs[str(GRAPH_SHAPES)] = shapes
    return graphs


# ---------------------------------------------------------------------------------------
# What the summary counts, from a stream of graphs


class Tally:
    """Counts for the summary, taken one graph at a time (see summarize)."""

    def __init__(self) -> None:
        self.graphs: Counter[str] = Counter()
        self.asserted: Counter[str] = Counter()
        self.inferred: Counter[str] = Counter()
        self.instances: dict[str, set[str]] = {}
        self.comments: list[tuple[str, str]] = []
        self.titles: dict[str, str] = {}
        self.sources: dict[str, dict[str, int]] = {}
        self.shapes = 0
        self.shape_triples = 0

    def add(self, name: str, triples: list[ox.Quad]) -> None:
        if not triples:
            return
        if name == str(GRAPH_SHAPES):
            self.shape_triples += len(triples)
            self.shapes += sum(1 for q in triples if q.predicate.value == _RDF_TYPE
                               and q.object.value == _NODE_SHAPE)
            return
        self.graphs[graph_name(name)] += len(triples)
        if name == str(GRAPH_ONTOLOGY):
            # Class and property counts describe the data, not the schema.
            self.comments += [(q.subject.value, q.object.value) for q in triples
                              if q.predicate.value == _COMMENT
                              and q.subject.value.startswith(_KG)]
            return
        if name == str(GRAPH_SOURCES):
            self.titles.update({q.subject.value: q.object.value for q in triples
                                if q.predicate.value == _TITLE})
        target = self.inferred if name == str(GRAPH_INFERRED) else self.asserted
        target.update(q.predicate.value for q in triples)
        for q in triples:
            if q.predicate.value == _RDF_TYPE:
                self.instances.setdefault(q.object.value, set()).add(str(q.subject))
        if name.startswith(_GRAPH) and name not in _NOT_SOURCES:
            self.sources[name[len(_GRAPH):]] = {
                "facts": sum(1 for q in triples if q.predicate.value not in _NAMING
                             and not q.subject.value.startswith(_EV)),
                "evidence": sum(1 for q in triples if q.predicate.value == _RDF_TYPE
                                and q.object.value == _STATEMENT),
            }

    def counts(self) -> dict[str, object]:
        asserted = Counter({curie(p): n for p, n in self.asserted.items()})
        inferred = Counter({curie(p): n for p, n in self.inferred.items()})
        return {
            "sources": {
                stem: {"title": self.titles.get(_SRC + stem, stem), **counts}
                for stem, counts in sorted(self.sources.items())
            },
            "terms": {curie(term): comment for term, comment in sorted(self.comments)},
            "graphs": dict(sorted(self.graphs.items())),
            "classes": dict(sorted(
                (curie(c), len(members)) for c, members in self.instances.items()
            )),
            "properties": {
                name: {"asserted": asserted[name], "inferred": inferred[name]}
                for name in sorted(asserted.keys() | inferred.keys())
            },
        }


def summarize(tally: Tally, artifact_sha256: str, settings: Settings, *,
              inference: dict[str, object], validation: dict[str, object],
              load_seconds: float) -> dict[str, object]:
    """The build summary written next to the artifact (and printed by the CLI)."""
    counts = tally.counts()
    graphs: dict[str, int] = counts["graphs"]  # type: ignore[assignment]
    inferred = graphs.get(graph_name(str(GRAPH_INFERRED)), 0)
    total = sum(graphs.values())
    return {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "artifact": str(settings.artifact),
        "artifact_sha256": artifact_sha256,
        "triples": {"asserted": total - inferred, "inferred": inferred, "total": total,
                    "shapes": tally.shape_triples},
        **counts,
        "inference": inference,
        "validation": {**validation, "shapes": tally.shapes},
        "load_seconds": round(load_seconds, 3),
    }


def _inference_summary(reasoning: ReasoningResult | None) -> dict[str, object]:
    if reasoning is None:
        return {"added": 0, "seconds": 0.0, "skipped": True}
    return {"added": reasoning.added, "seconds": round(reasoning.seconds, 3)}


def _validation_summary(report: ValidationReport) -> dict[str, object]:
    if report.skipped:
        # Nothing was checked, so "conforms" is unknown: null, not true.
        return {"conforms": None, "results": 0, "seconds": 0.0, "skipped": True}
    return {"conforms": report.conforms, "results": len(report.violations),
            "seconds": round(report.seconds, 3)}


# ---------------------------------------------------------------------------------------
# Writing: the artifact streamed to a temp file, then renamed with the summary


def _summary_bytes(summary: dict[str, object]) -> bytes:
    return (json.dumps(summary, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------
# The build


def build(settings: Settings) -> BuildResult:
    """Run the whole build; write the artifact and summary only if everything passed."""
    reasoning, validation = settings.reasoning == "on", settings.validation == "on"
    if not reasoning and not validation:
        return build_streaming(settings)
    started = time.perf_counter()
    checked = check(settings, reasoning=reasoning, validation=validation)
    if not checked.report.conforms:
        return BuildResult(checked.report, written=False)
    graphs = _rdflib_graphs(checked.dataset, checked.shapes)
    tally = Tally()
    with ArtifactFile(settings.artifact) as artifact:
        for name in sorted(graphs):
            triples = _canonical(_ox_triples(graphs[name]))
            tally.add(name, triples)
            artifact.write(graph_lines(name, triples))
        summary = summarize(
            tally, artifact.sha256.hexdigest(), settings,
            inference=_inference_summary(checked.reasoning),
            validation=_validation_summary(checked.report),
            load_seconds=checked.load_seconds,
        )
        summary["build_seconds"] = round(time.perf_counter() - started, 3)
        summary["cpu_seconds"] = {step: round(seconds, 3)
                                  for step, seconds in checked.cpu_seconds.items()}
        artifact.commit(settings.summary, _summary_bytes(summary))
    return BuildResult(checked.report, written=True, summary=summary)


def _graph_triples(paths: list[Path]) -> Iterator[ox.Quad]:
    for path in paths:
        yield from read_turtle(path)


def build_streaming(settings: Settings) -> BuildResult:
    """Reasoning and validation off: parse each file with pyoxigraph and write it out.

    Memory holds one named graph (one source file) at a time, plus the summary's counts.
    """
    started = time.perf_counter()
    files = project_files(settings)
    tally = Tally()
    parse_seconds = 0.0
    with ArtifactFile(settings.artifact) as artifact:
        for name in sorted(files):
            parsing = time.perf_counter()
            triples = _canonical(_graph_triples(files[name]))
            parse_seconds += time.perf_counter() - parsing
            tally.add(name, triples)
            artifact.write(graph_lines(name, triples))
        report = ValidationReport.skip()
        summary = summarize(
            tally, artifact.sha256.hexdigest(), settings,
            inference=_inference_summary(None), validation=_validation_summary(report),
            load_seconds=parse_seconds,
        )
        summary["build_seconds"] = round(time.perf_counter() - started, 3)
        summary["streamed"] = True
        artifact.commit(settings.summary, _summary_bytes(summary))
    return BuildResult(report, written=True, summary=summary)
