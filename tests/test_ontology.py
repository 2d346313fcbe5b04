"""The ontology: every term documented, aligned with other vocabularies, and closed in code."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kg.namespaces import DCTERMS, FOAF, KG, ONTOLOGY_IRI, ORG, OWL, PROV, RDF, RDFS, SCHEMA, SKOS

ROOT = Path(__file__).resolve().parents[1]
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
EXTERNAL = tuple(str(ns) for ns in (SCHEMA, PROV, ORG, FOAF, SKOS, DCTERMS))


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def declared_terms(graph: Graph) -> set[URIRef]:
    return {
        s for t in TERM_TYPES for s in graph.subjects(RDF.type, t) if str(s).startswith(str(KG))
    }


def english(graph: Graph, term: URIRef, prop: URIRef) -> list[Literal]:
    return [o for o in graph.objects(term, prop) if isinstance(o, Literal) and o.language == "en"]


def test_ontology_metadata(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) is not None
    assert english(ontology, ONTOLOGY_IRI, DCTERMS.title)


def test_core_terms_are_declared(ontology):
    for cls in (KG.Conference, KG.Party, KG.Envoy, KG.Resolution):
        assert (cls, RDF.type, OWL.Class) in ontology
    for prop in (KG.attends, KG.supports, KG.condemns):
        assert (prop, RDF.type, OWL.ObjectProperty) in ontology


def test_every_term_has_one_english_label_and_comment(ontology):
    terms = declared_terms(ontology)
    assert len(terms) > 50
    undocumented = [
        t
        for t in terms
        if len(english(ontology, t, RDFS.label)) != 1
        or len(english(ontology, t, RDFS.comment)) != 1
    ]
    assert undocumented == []


def test_every_term_is_defined_once_with_one_kind(ontology):
    for term in declared_terms(ontology):
        kinds = set(ontology.objects(term, RDF.type)) & set(TERM_TYPES)
        assert len(kinds) == 1, (term, kinds)


def test_references_to_project_terms_resolve(ontology):
    terms = declared_terms(ontology)
    referenced = {o for _, _, o in ontology if isinstance(o, URIRef) and str(o).startswith(str(KG))}
    assert referenced <= terms, sorted(referenced - terms)


def aligned(ontology: Graph, term: URIRef, seen: frozenset = frozenset()) -> bool:
    """Whether the term reaches schema.org, PROV, ORG, FOAF, SKOS or DC through its parents,
    its project ancestors, or (for a property) its inverse."""
    if str(term).startswith(EXTERNAL):
        return True
    if term in seen:
        return False
    parents = set(ontology.objects(term, RDFS.subClassOf))
    parents |= set(ontology.objects(term, RDFS.subPropertyOf))
    parents |= set(ontology.objects(term, OWL.equivalentClass))
    parents |= set(ontology.objects(term, OWL.inverseOf))
    return any(aligned(ontology, p, seen | {term}) for p in parents if isinstance(p, URIRef))


@pytest.mark.parametrize(
    "term",
    [
        KG.Party,
        KG.Person,
        KG.Organization,
        KG.Place,
        KG.Meeting,
        KG.ConferenceSeries,
        KG.Document,
        KG.Membership,
        KG.attends,
        KG.memberOf,
        KG.headOf,
        KG.location,
        KG.startDate,
        KG.basedOn,
    ],
)
def test_top_terms_align_with_established_vocabularies(ontology, term):
    assert aligned(ontology, term), f"{term} reaches no external vocabulary"


def test_every_class_aligns_with_an_established_vocabulary(ontology):
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(KG))}
    assert {c for c in classes if not aligned(ontology, c)} == set()


def test_closed_namespace_in_code_matches_the_ontology(ontology):
    declared = {str(t)[len(str(KG)) :] for t in declared_terms(ontology)}
    in_code = set(KG.__annotations__)
    assert declared == in_code


def test_closed_namespace_rejects_unknown_terms():
    with pytest.raises(AttributeError):
        KG.attendz  # noqa: B018
