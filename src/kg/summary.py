"""What the build summary says: counts taken one graph at a time as the artifact is written,
and the summary document itself (kg.report says how it reads)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.evidence import is_fact
from kg.namespaces import (
    DCTERMS,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_SHAPES,
    GRAPH_SOURCES,
    KG,
    RDF,
    RDFS,
    SH,
    SRC,
    curie,
    graph_name,
    is_source_graph,
)
from kg.settings import Settings
from kg.validation import ValidationReport

if TYPE_CHECKING:
    from kg.reasoning import ReasoningResult

_RDF_TYPE, _STATEMENT = str(RDF.type), str(RDF.Statement)
_COMMENT, _TITLE, _NODE_SHAPE = str(RDFS.comment), str(DCTERMS.title), str(SH.NodeShape)
_KG, _SRC = str(KG), str(SRC)


def _v(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A term's IRI, label or lexical form (a quoted triple as its N-Triples text)."""
    return str(term) if isinstance(term, ox.Triple) else term.value




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
            self.shapes += sum(q.predicate.value == _RDF_TYPE and _v(q.object) == _NODE_SHAPE
                               for q in triples)
            return
        self.graphs[graph_name(name)] += len(triples)
        if name == str(GRAPH_ONTOLOGY):
            # Class and property counts describe the data, not the schema.
            self.comments += [(_v(q.subject), _v(q.object)) for q in triples
                              if q.predicate.value == _COMMENT
                              and _v(q.subject).startswith(_KG)]
            return
        if name == str(GRAPH_SOURCES):
            self.titles.update({_v(q.subject): _v(q.object) for q in triples
                                if q.predicate.value == _TITLE})
        target = self.inferred if name == str(GRAPH_INFERRED) else self.asserted
        target.update(q.predicate.value for q in triples)
        for q in triples:
            if q.predicate.value == _RDF_TYPE:
                self.instances.setdefault(_v(q.object), set()).add(str(q.subject))
        if is_source_graph(name):
            self.sources[graph_name(name)] = {
                "facts": sum(is_fact(_v(q.subject), q.predicate.value) for q in triples),
                "evidence": sum(q.predicate.value == _RDF_TYPE and _v(q.object) == _STATEMENT
                                for q in triples),
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


def inference_summary(reasoning: ReasoningResult | None) -> dict[str, object]:
    if reasoning is None:
        return {"added": 0, "seconds": 0.0, "skipped": True}
    return {"added": reasoning.added, "seconds": round(reasoning.seconds, 3)}


def validation_summary(report: ValidationReport) -> dict[str, object]:
    if report.skipped:
        # Nothing was checked, so "conforms" is unknown: null, not true.
        return {"conforms": None, "results": 0, "seconds": 0.0, "skipped": True}
    return {"conforms": report.conforms, "results": len(report.violations),
            "seconds": round(report.seconds, 3)}


def summary_bytes(summary: dict[str, object]) -> bytes:
    return (json.dumps(summary, indent=2) + "\n").encode("utf-8")
