"""load → reason → validate → write the artifact and its summary, atomically.

Nothing is written unless loading succeeds and validation conforms, so a failed
build leaves the previous artifact byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rdflib import BNode, Dataset, Graph
from rdflib.compare import to_canonical_graph

from kg.atomic import write_atomic_all
from kg.evidence import source_counts
from kg.loader import load_dataset, load_shapes
from kg.namespaces import (
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_SHAPES,
    KG,
    RDF,
    RDFS,
    SH,
    curie,
    graph_name,
)
from kg.reasoning import ReasoningResult, infer
from kg.settings import Settings
from kg.validation import ValidationReport, validate_dataset


@dataclass
class Checked:
    """A loaded, reasoned and validated dataset, not yet written."""

    dataset: Dataset
    reasoning: ReasoningResult
    report: ValidationReport
    load_seconds: float
    shapes: Graph



@dataclass
class BuildResult:
    report: ValidationReport
    written: bool
    summary: dict[str, object] = field(default_factory=dict)


def check(settings: Settings) -> Checked:
    """Load, reason and validate; raises LoadError on unreadable input."""
    started = time.perf_counter()
    dataset = load_dataset(settings)
    shapes = load_shapes(settings)
    load_seconds = time.perf_counter() - started
    reasoning = infer(dataset)
    report = validate_dataset(dataset, shapes)
    return Checked(dataset, reasoning, report, load_seconds, shapes)


def _stable_blank_nodes(dataset: Dataset) -> Dataset:
    """A copy whose blank nodes carry canonical names instead of rdflib's random ones.

    Each graph is canonicalised on its own: every file is parsed separately, so no
    blank node is shared between graphs.
    """
    stable = Dataset()
    for graph in dataset.graphs():
        has_blank = any(isinstance(term, BNode) for triple in graph for term in triple)
        target = stable.graph(graph.identifier)
        for triple in to_canonical_graph(graph) if has_blank else graph:
            target.add(triple)
    return stable


def serialize_artifact(dataset: Dataset, shapes: Graph | None = None) -> bytes:
    """Every named graph as N-Quads, byte-identical for identical input so rebuilds diff.

    The shapes go in too, as graph:shapes, so the served graph documents what it was
    validated against.
    """
    if shapes is not None:
        dataset = _with_shapes(dataset, shapes)
    text = _stable_blank_nodes(dataset).serialize(format="nquads")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


def _with_shapes(dataset: Dataset, shapes: Graph) -> Dataset:
    combined = Dataset()
    for graph in [*dataset.graphs(), shapes]:
        name = GRAPH_SHAPES if graph is shapes else graph.identifier
        target = combined.graph(name)
        for triple in graph:
            target.add(triple)
    return combined


def _counts(dataset: Dataset) -> dict[str, dict[str, object]]:
    graphs, classes, asserted, inferred = Counter(), Counter(), Counter(), Counter()
    instances: dict[str, set[object]] = {}
    for graph in dataset.graphs():
        if len(graph) == 0:
            continue
        graphs[graph_name(str(graph.identifier))] = len(graph)
        if graph.identifier == GRAPH_ONTOLOGY:
            continue  # class and property counts describe the data, not the schema
        target = inferred if graph.identifier == GRAPH_INFERRED else asserted
        for subject, predicate, obj in graph:
            target[curie(str(predicate))] += 1
            if predicate == RDF.type:
                instances.setdefault(curie(str(obj)), set()).add(subject)
    classes.update({name: len(members) for name, members in instances.items()})
    properties = {
        name: {"asserted": asserted[name], "inferred": inferred[name]}
        for name in sorted(asserted.keys() | inferred.keys())
    }
    return {
        "graphs": dict(sorted(graphs.items())),
        "classes": dict(sorted(classes.items())),
        "properties": properties,
    }


def _term_comments(dataset: Dataset) -> dict[str, str]:
    """What each project term means, from the ontology, for readers of the summary."""
    ontology = dataset.graph(GRAPH_ONTOLOGY)
    return {
        curie(str(term)): str(comment)
        for term, comment in sorted(ontology.subject_objects(RDFS.comment))
        if str(term).startswith(str(KG))
    }


def summarize(checked: Checked, artifact: bytes, settings: Settings) -> dict[str, object]:
    """The build summary written next to the artifact (and printed by the CLI)."""
    counts = _counts(checked.dataset)
    graphs: dict[str, int] = counts["graphs"]  # type: ignore[assignment]
    inferred = graphs.get(graph_name(str(GRAPH_INFERRED)), 0)
    total = sum(graphs.values())
    return {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "artifact": str(settings.artifact),
        "artifact_sha256": hashlib.sha256(artifact).hexdigest(),
        "triples": {"asserted": total - inferred, "inferred": inferred, "total": total,
                    "shapes": len(checked.shapes)},
        "sources": source_counts(checked.dataset),
        "terms": _term_comments(checked.dataset),
        **counts,
        "inference": {
            "added": checked.reasoning.added,
            "seconds": round(checked.reasoning.seconds, 3),
        },
        "validation": {
            "conforms": checked.report.conforms,
            "results": len(checked.report.violations),
            "shapes": len(set(checked.shapes.subjects(RDF.type, SH.NodeShape))),
            "seconds": round(checked.report.seconds, 3),
        },
        "load_seconds": round(checked.load_seconds, 3),
    }


def build(settings: Settings) -> BuildResult:
    """Run the whole build; write the artifact and summary only if everything passed."""
    started = time.perf_counter()
    checked = check(settings)
    if not checked.report.conforms:
        return BuildResult(checked.report, written=False)
    artifact = serialize_artifact(checked.dataset, checked.shapes)
    summary = summarize(checked, artifact, settings)
    summary["build_seconds"] = round(time.perf_counter() - started, 3)
    write_atomic_all([
        (settings.artifact, artifact),
        (settings.summary, (json.dumps(summary, indent=2) + "\n").encode("utf-8")),
    ])
    return BuildResult(checked.report, written=True, summary=summary)
