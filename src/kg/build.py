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

Each step is reported as it ends (what it did and how long it took) to the caller's
`progress` function, so `kg build` and `kg serve` can show a long build advancing.

Either way the artifact is N-Quads, one block of sorted lines per named graph in the order
of the graph IRIs, with each graph's blank nodes renamed canonically (RDFC-1.0), so the
same input gives the same bytes, and the same graphs give the same bytes on either path.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.atomic import ArtifactFile
from kg.loader import load_dataset, load_shapes, project_files, read_turtle
from kg.namespaces import (
    DCTERMS,
    GRAPH_SHAPES,
    KG,
    RDF,
    RDFS,
    SH,
    SRC,
)
from kg.settings import Settings
from kg.summary import Tally, inference_summary, summarize, summary_bytes, validation_summary
from kg.validation import ValidationReport

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

    from kg.reasoning import ReasoningResult

_RDF_TYPE, _STATEMENT = str(RDF.type), str(RDF.Statement)
_COMMENT, _TITLE, _NODE_SHAPE = str(RDFS.comment), str(DCTERMS.title), str(SH.NodeShape)
_KG, _SRC = str(KG), str(SRC)


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


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class _Step:
    outcome: str = ""  # what the step did, said at its end
    seconds: float = 0.0
    cpu: float = 0.0


@contextmanager
def _step(progress: Progress, name: str) -> Iterator[_Step]:
    """Time a step and report its outcome when it ends."""
    step = _Step()
    started, cpu = time.perf_counter(), time.process_time()
    yield step
    step.seconds, step.cpu = time.perf_counter() - started, time.process_time() - cpu
    progress(f"{name}: {step.outcome} ({step.seconds:.1f} s)")


def check(settings: Settings, *, reasoning: bool = True, validation: bool = True,
          progress: Progress = _quiet) -> Checked:
    """Load, reason and validate; raises LoadError on unreadable input.

    `kg validate` always does both steps; the build passes the settings' choice.
    """
    from kg.reasoning import infer
    from kg.validation import validate_dataset

    with _step(progress, "load") as loading:
        dataset = load_dataset(settings)
        shapes = load_shapes(settings)
        loading.outcome = f"{len(dataset):,} triples and {len(shapes):,} of shapes"
    with _step(progress, "inference") as inferring:
        reasoned = infer(dataset) if reasoning else None
        inferring.outcome = (f"OWL 2 RL added {reasoned.added:,} triples" if reasoned
                             else "skipped (setting reasoning is off)")
    with _step(progress, "validation") as validating:
        report = validate_dataset(dataset, shapes) if validation else ValidationReport.skip()
        validating.outcome = ("skipped (setting validation is off)" if report.skipped else
                              f"{'conforms' if report.conforms else 'does not conform'}, "
                              f"{len(report.violations)} result(s)")
    cpu_seconds = {"load": loading.cpu, "inference": inferring.cpu,
                   "validation": validating.cpu}
    return Checked(dataset, reasoned, report, loading.seconds, shapes, cpu_seconds)


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
    return [ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o))  # type: ignore[arg-type]
            for s, p, o in graph]  # (rdflib's terms stand where RDF allows them)


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
# The build


def build(settings: Settings, progress: Progress | None = None) -> BuildResult:
    """Run the whole build; write the artifact and summary only if everything passed."""
    progress = progress or _quiet
    reasoning, validation = settings.reasoning == "on", settings.validation == "on"
    if not reasoning and not validation:
        return build_streaming(settings, progress)
    started = time.perf_counter()
    checked = check(settings, reasoning=reasoning, validation=validation, progress=progress)
    if not checked.report.conforms:
        return BuildResult(checked.report, written=False)
    graphs = _rdflib_graphs(checked.dataset, checked.shapes)
    tally = Tally()
    with _step(progress, "write") as writing, ArtifactFile(settings.artifact) as artifact:
        for name in sorted(graphs):
            triples = _canonical(_ox_triples(graphs[name]))
            tally.add(name, triples)
            artifact.write(graph_lines(name, triples))
        writing.outcome = f"{sum(tally.graphs.values()):,} quads to {settings.artifact}"
        summary = summarize(
            tally, artifact.sha256.hexdigest(), settings,
            inference=inference_summary(checked.reasoning),
            validation=validation_summary(checked.report),
            load_seconds=checked.load_seconds,
        )
        summary["build_seconds"] = round(time.perf_counter() - started, 3)
        summary["cpu_seconds"] = {step: round(seconds, 3)
                                  for step, seconds in checked.cpu_seconds.items()}
        artifact.commit(settings.summary, summary_bytes(summary))
    return BuildResult(checked.report, written=True, summary=summary)


def _graph_triples(paths: list[Path]) -> Iterator[ox.Quad]:
    for path in paths:
        yield from read_turtle(path)


def build_streaming(settings: Settings, progress: Progress | None = None) -> BuildResult:
    """Reasoning and validation off: parse each file with pyoxigraph and write it out.

    Memory holds one named graph (one source file) at a time, plus the summary's counts.
    """
    progress = progress or _quiet
    started = time.perf_counter()
    files = project_files(settings)
    tally = Tally()
    parse_seconds = 0.0
    with (_step(progress, "stream (reasoning and validation off)") as streaming,
          ArtifactFile(settings.artifact) as artifact):
        for name in sorted(files):
            parsing = time.perf_counter()
            triples = _canonical(_graph_triples(files[name]))
            parse_seconds += time.perf_counter() - parsing
            tally.add(name, triples)
            artifact.write(graph_lines(name, triples))
        streaming.outcome = (f"{sum(tally.graphs.values()):,} quads of {len(files)} graphs "
                             f"to {settings.artifact}")
        report = ValidationReport.skip()
        summary = summarize(
            tally, artifact.sha256.hexdigest(), settings,
            inference=inference_summary(None), validation=validation_summary(report),
            load_seconds=parse_seconds,
        )
        summary["build_seconds"] = round(time.perf_counter() - started, 3)
        summary["streamed"] = True
        artifact.commit(settings.summary, summary_bytes(summary))
    return BuildResult(report, written=True, summary=summary)
