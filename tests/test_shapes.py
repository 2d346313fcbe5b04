"""The SHACL shapes against the real ontology and small hand-written fixtures.

tests/data/valid/*.ttl conform; tests/data/invalid/<ID>-<what>.ttl each break the shape
whose IRI starts with <ID> and no other. The data graph is the fixture plus the ontology
(so sh:targetClass and sh:class follow rdfs:subClassOf), validated as the build does it:
pyshacl with inference="none" and advanced=True. The valid fixtures are also validated
after the OWL-RL closure the build adds, so inferred triples (inverses, super-properties)
cannot trip the evidence shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.term import Node

from kg.namespaces import BASE, KG, OWL, RDF, RDFS, SCHEMA, SH
from kg.reasoning import expand

ROOT = Path(__file__).resolve().parent.parent
SHAPES_FILE = ROOT / "shapes" / "peace-talks.shapes.ttl"
ONTOLOGY_FILE = ROOT / "ontology" / "peace-talks.ttl"
DATA = Path(__file__).resolve().parent / "data"
VALID = sorted((DATA / "valid").glob("*.ttl"))
INVALID = sorted((DATA / "invalid").glob("*.ttl"))

SHAPE = Namespace(BASE + "shapes#")
SHAPE_ID = re.compile(r"(S\d{2})-")
# Properties that describe evidence nodes and source documents, not facts.
METADATA_DOMAINS = frozenset({RDF.Statement, KG.SourceDocument})


@cache
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_FILE)


@cache
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE)


@dataclass(frozen=True)
class Outcome:
    conforms: bool
    failing: frozenset[str]  # IDs of the shapes with at least one result
    text: str


def shape_id(shape: Node) -> str:
    """The short ID of a named shape, or of the named shape holding a property shape."""
    shapes = shapes_graph()
    while isinstance(shape, BNode):
        parent = next(shapes.subjects(SH.property, shape), None)
        assert parent is not None, f"result from an anonymous shape outside sh:property: {shape}"
        shape = parent
    match = SHAPE_ID.match(str(shape).removeprefix(str(SHAPE)))
    assert match, f"shape without a short ID: {shape}"
    return match.group(1)


def check(fixture: Path, *, reason: bool = False) -> Outcome:
    data = Graph().parse(fixture)
    data += ontology()
    if reason:
        expand(data)
    conforms, results, text = validate(
        data, shacl_graph=shapes_graph(), inference="none", advanced=True
    )
    failing = frozenset(shape_id(s) for s in results.objects(None, SH.sourceShape))
    return Outcome(bool(conforms), failing, text)


def named_shapes() -> dict[str, URIRef]:
    shapes = shapes_graph()
    found = {s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    return {shape_id(s): s for s in found}


def fixture_id(path: Path) -> str:
    match = SHAPE_ID.match(path.name)
    assert match, f"invalid fixture not named <ID>-<what>.ttl: {path.name}"
    return match.group(1)


# --- fixtures -----------------------------------------------------------------------


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(fixture: Path) -> None:
    outcome = check(fixture)
    assert outcome.conforms, outcome.text


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms_after_owl_rl(fixture: Path) -> None:
    outcome = check(fixture, reason=True)
    assert outcome.conforms, outcome.text


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_breaks_exactly_its_shape(fixture: Path) -> None:
    expected = fixture_id(fixture)
    assert expected in named_shapes(), f"{fixture.name}: no shape {expected}"
    outcome = check(fixture)
    assert not outcome.conforms, f"{fixture.name} conforms"
    assert outcome.failing == {expected}, outcome.text


def test_there_are_fixtures() -> None:
    assert VALID and INVALID


def test_every_shape_has_an_invalid_fixture() -> None:
    covered = {fixture_id(p) for p in INVALID}
    missing = sorted(set(named_shapes()) - covered)
    assert not missing, f"shapes without an invalid fixture: {missing}"


# --- the shapes file itself -----------------------------------------------------------


def test_shape_ids_are_unique_and_in_the_shape_namespace() -> None:
    shapes = shapes_graph()
    named = [s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)]
    assert all(str(s).startswith(str(SHAPE)) for s in named)
    assert len({shape_id(s) for s in named}) == len(named)


def test_every_shape_is_documented_and_a_violation() -> None:
    shapes = shapes_graph()
    for ident, shape in named_shapes().items():
        assert shapes.value(shape, RDFS.comment) is not None, f"{ident}: no rdfs:comment"
        assert shapes.value(shape, SH.severity) == SH.Violation, ident
        constraints = list(shapes.objects(shape, SH.property)) + list(
            shapes.objects(shape, SH.sparql)
        )
        own = shapes.value(shape, SH.message)
        for constraint in constraints:
            assert shapes.value(constraint, SH.message) is not None, (
                f"{ident}: a constraint without sh:message"
            )
        node_level = {SH["class"], SH["or"], SH["and"], SH["not"], SH.datatype} & set(
            shapes.predicates(shape)
        )
        assert not node_level or own is not None, f"{ident}: node constraint, no message"


# --- coverage of the ontology ---------------------------------------------------------


def kg_term(name: str) -> URIRef:
    """The IRI of a kg term, even one the ontology (and a closed namespace) lacks."""
    return URIRef(str(KG) + name)


def kg_terms(kind: URIRef) -> set[URIRef]:
    return {t for t in ontology().subjects(RDF.type, kind) if str(t).startswith(str(KG))}


def superclasses(cls: URIRef) -> set[Node]:
    return set(ontology().transitive_objects(cls, RDFS.subClassOf))  # includes cls


def test_every_ontology_class_is_targeted() -> None:
    targeted = set(shapes_graph().objects(None, SH.targetClass))
    untargeted = sorted(c for c in kg_terms(OWL.Class) if not superclasses(c) & targeted)
    assert not untargeted, f"classes no shape targets: {untargeted}"


def multi_class_ends(prop: URIRef, includes: URIRef, single: URIRef) -> set[Node]:
    ont = ontology()
    return set(ont.objects(prop, includes)) or set(ont.objects(prop, single))


def classes_required(shapes: Graph, node: Node) -> set[Node]:
    """Classes a shape accepts through sh:class or an sh:or of sh:class alternatives."""
    found = set(shapes.objects(node, SH["class"]))
    for alternatives in shapes.objects(node, SH["or"]):
        found |= {shapes.value(a, SH["class"]) for a in shapes.items(alternatives)}
    return found


@pytest.mark.parametrize(
    "prop",
    sorted(
        set(ontology().subjects(SCHEMA.domainIncludes, None))
        | set(ontology().subjects(SCHEMA.rangeIncludes, None))
    ),
    ids=lambda p: p.fragment,
)
def test_multi_class_ends_are_enforced(prop: URIRef) -> None:
    """Ends OWL-RL cannot check (schema:domainIncludes / rangeIncludes) have a shape."""
    shapes = shapes_graph()
    owners = list(shapes.subjects(SH.targetSubjectsOf, prop))
    subject_classes = set().union(*(classes_required(shapes, s) for s in owners))
    expected_subjects = multi_class_ends(prop, SCHEMA.domainIncludes, RDFS.domain)
    assert subject_classes == expected_subjects, f"subject classes of {prop}"
    if (prop, RDF.type, OWL.ObjectProperty) not in ontology():
        return  # a datatype property: its values are checked by S02 / S04
    value_shapes = [
        p
        for s in owners
        for p in shapes.objects(s, SH.property)
        if shapes.value(p, SH.path) == prop
    ]
    object_classes = set().union(*(classes_required(shapes, p) for p in value_shapes))
    assert object_classes == multi_class_ends(prop, SCHEMA.rangeIncludes, RDFS.range)


@pytest.mark.parametrize("prop", sorted(kg_terms(OWL.DatatypeProperty)), ids=lambda p: p.fragment)
def test_every_datatype_property_is_checked(prop: URIRef) -> None:
    """Each datatype property has a property shape, with the ontology's rdfs:range if any."""
    shapes = shapes_graph()
    checks = list(shapes.subjects(SH.path, prop))
    assert checks, f"no property shape has sh:path {prop}"
    declared = ontology().value(prop, RDFS.range)
    if declared is not None:
        datatypes = {shapes.value(c, SH.datatype) for c in checks}
        assert declared in datatypes, f"{prop}: no shape checks sh:datatype {declared}"


# --- the evidence shape's predicate list ---------------------------------------------


def evidence_predicates_from_ontology() -> set[URIRef]:
    """kg properties whose triples only assertion produces, so they need evidence.

    Left out: the inverse side of each owl:inverseOf pair, super-properties of other kg
    properties, transitive properties and property-chain properties (OWL-RL derives
    those), and properties of evidence nodes and source documents.
    """
    ont = ontology()
    props = kg_terms(OWL.ObjectProperty) | kg_terms(OWL.DatatypeProperty)
    inverse_side = set(ont.objects(None, OWL.inverseOf))
    super_props = {o for s, o in ont.subject_objects(RDFS.subPropertyOf) if s in props}
    transitive = set(ont.subjects(RDF.type, OWL.TransitiveProperty))
    chained = set(ont.subjects(OWL.propertyChainAxiom, None))
    metadata = {p for p in props if set(ont.objects(p, RDFS.domain)) & METADATA_DOMAINS}
    return props - inverse_side - super_props - transitive - chained - metadata


def test_evidence_predicates_match_ontology() -> None:
    """S27's target query and constraint query both list exactly the predicates above."""
    shapes = shapes_graph()
    shape = named_shapes()["S27"]
    expected = evidence_predicates_from_ontology()
    queries = {
        "sh:target": shapes.value(shapes.value(shape, SH.target), SH.select),
        "sh:sparql": shapes.value(shapes.value(shape, SH.sparql), SH.select),
    }
    for where, query in queries.items():
        assert query is not None, f"S27 has no {where} query"
        names = re.findall(r"[?$]this kg:(\w+) \?value", str(query))
        listed = {kg_term(name) for name in names}
        assert listed == expected, (
            f"{where}: missing {sorted(expected - listed)}, extra {sorted(listed - expected)}"
        )


def top_classes() -> set[URIRef]:
    """Ontology classes with no superclass in the ontology's own namespace."""
    ont = ontology()
    return {
        c
        for c in kg_terms(OWL.Class)
        if not any(str(s).startswith(str(KG)) for s in ont.objects(c, RDFS.subClassOf))
    }


@pytest.mark.parametrize("ident", ["S01", "S30"])
def test_label_and_disjointness_shapes_target_the_top_classes(ident: str) -> None:
    targeted = set(shapes_graph().objects(named_shapes()[ident], SH.targetClass))
    assert targeted == top_classes()


def test_shapes_use_only_ontology_terms() -> None:
    """A kg term renamed or dropped in the ontology must not linger in a shape or query."""
    shapes = shapes_graph()
    defined = {s for s in ontology().subjects() if str(s).startswith(str(KG))}
    used = {
        t
        for triple in shapes
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(str(KG))
    }
    for query in shapes.objects(None, SH.select):
        used |= {kg_term(name) for name in re.findall(r"\bkg:(\w+)", str(query))}
    assert used <= defined, f"not in the ontology: {sorted(used - defined)}"
