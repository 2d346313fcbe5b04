"""SHACL validation of the built graphs with pyshacl, as a plain report object."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Graph, Literal
from rdflib.collection import Collection
from rdflib.term import Node

from kg.namespaces import SH, curie
from kg.reasoning import merge


@dataclass(frozen=True)
class Violation:
    focus_node: str
    path: str | None
    message: str
    severity: str
    source_shape: str
    value: str | None


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    seconds: float = 0.0
    skipped: bool = False  # validation was off (setting `validation`): nothing was checked

    @classmethod
    def skip(cls) -> ValidationReport:
        """The report of a build that did not validate: it lets the build go on."""
        return cls(conforms=True, skipped=True)

    def text(self) -> str:
        """One block per result: focus node, path, message, shape (CURIEs)."""
        if self.skipped:
            return "SHACL validation: skipped (setting validation is off)"
        if self.conforms and not self.violations:
            return "SHACL validation: conforms (0 results)"
        head = "conforms" if self.conforms else "does not conform"
        lines = [f"SHACL validation: {head} ({len(self.violations)} result(s))"]
        for v in self.violations:
            lines.append(f"- focus:    {v.focus_node}")
            lines.append(f"  path:     {v.path or '(node)'}")
            if v.value is not None:
                lines.append(f"  value:    {v.value}")
            lines.append(f"  message:  {v.message}")
            lines.append(f"  shape:    {v.source_shape} ({v.severity})")
        return "\n".join(lines)


def _show(node: Node | None, graph: Graph) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        return node.n3()
    if isinstance(node, BNode):
        return "[]"
    return curie(str(node))


def _show_path(path: Node, graph: Graph) -> str:
    """SHACL property paths in SPARQL-like notation (^inverse, a/b sequence, a|b)."""
    if not isinstance(path, BNode):
        return _show(path, graph)
    if (inverse := graph.value(path, SH.inversePath)) is not None:
        return "^" + _show_path(inverse, graph)
    if (alternatives := graph.value(path, SH.alternativePath)) is not None:
        return "(" + "|".join(_show_path(p, graph) for p in Collection(graph, alternatives)) + ")"
    for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"),
                              (SH.zeroOrOnePath, "?")):
        if (inner := graph.value(path, predicate)) is not None:
            return _show_path(inner, graph) + suffix
    if graph.value(path, SH.first) is not None or (path, None, None) in graph:
        return "/".join(_show_path(p, graph) for p in Collection(graph, path))
    return "[]"


def _shape_name(shape: Node | None, shapes: Graph) -> str:
    """A property shape is usually a blank node: name the node shape holding it.

    Shape IRIs carry short IDs, so when no project prefix fits, the local name is shown.
    """
    if isinstance(shape, BNode):
        parent = next(shapes.subjects(SH.property, shape), None)
        if parent is None:
            return "[]"
        shape = parent
    if shape is None:
        return "?"
    shown = _show(shape, shapes)
    if shown.startswith("<"):
        return re.split(r"[#/]", str(shape).rstrip("#/"))[-1] or shown
    return shown


def _violation(result: Node, results: Graph, shapes: Graph) -> Violation:
    def one(predicate: Node) -> Node | None:
        return results.value(result, predicate)

    path, value = one(SH.resultPath), one(SH.value)
    messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
    return Violation(
        focus_node=_show(one(SH.focusNode), results),
        path=None if path is None else _show_path(path, results),
        message="; ".join(messages) or _show(one(SH.sourceConstraintComponent), results),
        severity=_show(one(SH.resultSeverity), results),
        source_shape=_shape_name(one(SH.sourceShape), shapes),
        value=None if value is None else _show(value, results),
    )


def validate_dataset(dataset: Dataset, shapes: Graph) -> ValidationReport:
    """Validate the union of every graph (asserted + inferred + ontology).

    The ontology is in the data graph so that sh:targetClass also reaches instances of
    subclasses; inference is off because the build has already materialised it.
    Results of severity sh:Warning or sh:Info are reported but do not break conformance.
    """
    from pyshacl import validate  # loaded only when a build validates

    started = time.perf_counter()
    data = merge(dataset.graphs())
    conforms, results, _ = validate(
        # pyshacl adds triples to the shapes graph it is given (owl:Class rdfs:subClassOf
        # rdfs:Class, ...): give it a copy, so the artifact holds the shapes as written.
        data, shacl_graph=merge([shapes]), inference="none", advanced=True,
        allow_warnings=True,
    )
    violations = sorted(
        (_violation(r, results, shapes) for r in results.subjects(SH.resultSeverity, None)),
        key=lambda v: (v.focus_node, v.path or "", v.source_shape, v.message),
    )
    # pyshacl's allow_warnings looks at the node shape's severity, while a result carries
    # its property shape's; any result of severity sh:Violation fails, whatever pyshacl says.
    failed = any(v.severity == _show(SH.Violation, results) for v in violations)
    return ValidationReport(bool(conforms) and not failed, violations,
                            time.perf_counter() - started)
