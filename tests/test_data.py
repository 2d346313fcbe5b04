"""The extracted data: every fact quotes its source verbatim, and nothing is unsourced."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kg.evidence import evidence_nodes, facts
from kg.namespaces import DCTERMS, EV, ID, KG, RDF, RDFS, SKOS, SRC

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SOURCES = DATA / "sources"
SEEDS = ROOT.parent / "shared" / "seeds"
STEMS = sorted(p.stem for p in DATA.glob("*.ttl"))
# Properties whose literal values are the source's own words, so they must occur in the quote.
VERBATIM_VALUES = {KG.provision, KG.topic, KG.purpose, KG.outcome, KG.casualties, KG.jobTitle}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def source_text(stem: str) -> str:
    return normalise((SOURCES / f"{stem}.txt").read_text(encoding="utf-8"))


def load(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.fixture(scope="module", params=STEMS)
def extraction(request) -> tuple[str, Graph]:
    return request.param, load(DATA / f"{request.param}.ttl")


def test_every_source_has_its_text_and_its_extraction():
    texts = sorted(p.stem for p in SOURCES.glob("*.txt"))
    assert texts == STEMS
    assert STEMS


def test_every_seed_is_a_source_and_an_unchanged_copy():
    if not SEEDS.is_dir():
        pytest.skip(f"no seeds beside the checkout at {SEEDS}")
    seeds = sorted(SEEDS.glob("*.txt"))
    assert seeds and {p.stem for p in seeds} <= set(STEMS)
    for seed in seeds:
        assert (SOURCES / seed.name).read_bytes() == seed.read_bytes(), seed.name


def test_source_descriptions_match_their_texts():
    graph = load(SOURCES / "sources.ttl")
    for stem in STEMS:
        doc = SRC[stem]
        raw = (SOURCES / f"{stem}.txt").read_bytes()
        assert str(graph.value(doc, KG.sha256)) == hashlib.sha256(raw).hexdigest(), stem
        assert str(graph.value(doc, KG.fileName)) == f"{stem}.txt"
        kinds = set(graph.objects(doc, RDF.type))
        assert kinds & {KG.EncyclopediaArticle, KG.NewsReport}, stem
        title = graph.value(doc, DCTERMS.title)
        assert title is not None and normalise(str(title)) in source_text(stem), stem
        for publisher in graph.objects(doc, KG.publisher):
            assert str(graph.value(publisher, RDFS.label)) in source_text(stem), publisher


def test_every_quote_is_verbatim_in_its_source(extraction):
    stem, graph = extraction
    text = source_text(stem)
    nodes = evidence_nodes(graph)
    assert nodes, f"{stem} has no evidence"
    missing = []
    for node in nodes:
        quote = graph.value(node, KG.quote)
        assert graph.value(node, KG.source) == SRC[stem], node
        assert str(node).startswith(str(EV) + stem + "/"), node
        if quote is None or normalise(str(quote)) not in text:
            missing.append((node, quote))
    assert not missing, f"quotes not found verbatim in {stem}.txt: {missing}"


def test_every_fact_has_evidence_in_its_own_graph(extraction):
    stem, graph = extraction
    reified = {
        (graph.value(n, RDF.subject), graph.value(n, RDF.predicate), graph.value(n, RDF.object))
        for n in evidence_nodes(graph)
    }
    unsourced = [t for t in facts(graph) if t not in reified]
    assert not unsourced, f"{stem}: facts without evidence: {unsourced[:5]}"


def test_every_evidence_node_describes_an_asserted_fact(extraction):
    stem, graph = extraction
    for node in evidence_nodes(graph):
        triple = tuple(graph.value(node, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        assert None not in triple, node
        assert triple in graph, (
            f"{stem}: evidence {node} describes a fact the graph does not assert"
        )


def test_alternative_labels_are_spelled_as_in_the_source(extraction):
    stem, graph = extraction
    text = source_text(stem)
    for entity, alt in graph.subject_objects(SKOS.altLabel):
        assert str(alt) in text, f"{stem}: altLabel {alt!r} of {entity} not in the text"
        assert alt != graph.value(entity, RDFS.label), (
            f"{stem}: altLabel repeats the label of {entity}"
        )


def test_worded_values_come_from_their_quote(extraction):
    stem, graph = extraction
    quotes = defaultdict(list)
    for node in evidence_nodes(graph):
        key = (
            graph.value(node, RDF.subject),
            graph.value(node, RDF.predicate),
            graph.value(node, RDF.object),
        )
        quotes[key].append(normalise(str(graph.value(node, KG.quote))))
    for s, p, o in graph:
        if p in VERBATIM_VALUES:
            assert isinstance(o, Literal) and o.language == "en", (s, p, o)
            assert any(str(o) in q for q in quotes[(s, p, o)]), f"{stem}: {o!r} is not in its quote"


def test_every_entity_is_typed_and_labelled_where_it_is_used(extraction):
    stem, graph = extraction
    used = {
        t for triple in facts(graph) for t in (triple[0], triple[2]) if str(t).startswith(str(ID))
    }
    for entity in used:
        assert graph.value(entity, RDF.type) is not None, f"{stem}: {entity} has no type"
        label = graph.value(entity, RDFS.label)
        assert isinstance(label, Literal) and label.language == "en", (
            f"{stem}: {entity} has no label"
        )


def test_one_iri_one_label_and_one_set_of_types_across_sources():
    labels: dict[URIRef, set] = defaultdict(set)
    types: dict[URIRef, set[frozenset]] = defaultdict(set)
    for stem in STEMS:
        graph = load(DATA / f"{stem}.ttl")
        for entity in set(graph.subjects(RDFS.label)):
            labels[entity].update(graph.objects(entity, RDFS.label))
            types[entity].add(frozenset(graph.objects(entity, RDF.type)))
    assert {e: ls for e, ls in labels.items() if len(ls) != 1} == {}
    assert {e: ts for e, ts in types.items() if len(ts) != 1} == {}
    # Two IRIs with one label would be one thing under two names.
    by_label = defaultdict(list)
    for entity, ls in labels.items():
        by_label[next(iter(ls))].append(entity)
    assert {lab: es for lab, es in by_label.items() if len(es) > 1} == {}


def test_data_uses_only_terms_the_ontology_declares():
    ontology = Graph()
    for path in (ROOT / "ontology").glob("*.ttl"):
        ontology.parse(path)
    declared = {s for s in ontology.subjects() if str(s).startswith(str(KG))}
    for path in [*DATA.glob("*.ttl"), SOURCES / "sources.ttl"]:
        graph = load(path)
        used = {t for s, p, o in graph for t in (p, o) if str(t).startswith(str(KG))}
        assert used <= declared, f"{path.name}: undeclared terms {sorted(used - declared)}"


def test_a_person_named_in_four_sources_has_one_iri():
    mistura = ID["staffan-de-mistura"]
    present = [stem for stem in STEMS if (mistura, RDFS.label, None) in load(DATA / f"{stem}.ttl")]
    assert len(present) == 4
