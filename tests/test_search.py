"""The label and alias search: on the real graph, and its ranking on small hand-made stores."""

from __future__ import annotations

import pytest
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Store

from kg.namespaces import EV, ID, KG, RDF, RDFS, SKOS, SRC
from kg.read.search import (
    ALIAS_PREFIX,
    EXACT_ALIAS,
    EXACT_LABEL,
    LABEL_PREFIX,
    SUBSTRING,
    WORD_PREFIXES,
    SearchIndex,
    normalise,
)
from kg.store import load_store

PROJECT = (str(ID), str(SRC), str(KG))


@pytest.fixture(scope="module")
def index(real_settings) -> SearchIndex:
    return SearchIndex.from_store(load_store(real_settings.artifact).store)


def top(index: SearchIndex, text: str) -> str:
    hits = index.search(text)
    assert hits, text
    return hits[0].iri


def test_lavrov(index: SearchIndex) -> None:
    hit = index.search("lavrov")[0]
    assert hit.iri == str(ID["sergey-lavrov"])
    assert hit.label == "Sergey Lavrov"
    assert hit.matched == "Lavrov"
    assert hit.score == EXACT_ALIAS
    assert hit.types[0] == str(KG.Person)


@pytest.mark.parametrize("text", ["de mistura", "DE MISTURA", "  De   Mistura ", "staffan"])
def test_de_mistura(index: SearchIndex, text: str) -> None:
    assert top(index, text) == str(ID["staffan-de-mistura"])


def test_resolution_number(index: SearchIndex) -> None:
    hit = index.search("2254")[0]
    assert hit.iri == str(ID["unsc-2254"])
    assert "2254" in hit.label


@pytest.mark.parametrize(
    ("plain", "accented", "iri"),
    [
        ("Feridun Sinirlioglu", "Feridun Sinirlioğlu", ID["feridun-sinirlioglu"]),
        ("geneva communique", "Geneva Communiqué", ID["geneva-communique"]),
        ("Sergei Lavrov", "Sergey Lavrov", ID["sergey-lavrov"]),  # alias and label
    ],
)
def test_accents_and_spellings(index: SearchIndex, plain: str, accented: str, iri) -> None:
    assert top(index, plain) == top(index, accented) == str(iri)


def test_punctuation_folds(index: SearchIndex) -> None:
    assert top(index, "al jaafari") == str(ID["bashar-al-jaafari"])
    assert top(index, "daesh") == top(index, "Da'esh")


def test_ontology_terms_are_findable(index: SearchIndex) -> None:
    hits = index.search("conference")
    assert hits[0].iri == str(KG.Conference)
    assert hits[0].score == EXACT_LABEL
    assert str(KG.ConferenceSeries) in [h.iri for h in hits]
    assert top(index, "has member") == str(KG.hasMember)


def test_only_project_entities_one_hit_each(index: SearchIndex) -> None:
    for text in ["a", "e", "s", "statement", "geneva", "quote", "talks"]:
        hits = index.search(text, limit=1000)
        iris = [h.iri for h in hits]
        assert len(iris) == len(set(iris)), text
        assert all(iri.startswith(PROJECT) for iri in iris), text
        assert not any(iri.startswith(str(EV)) for iri in iris), text


def test_kg_types_first(index: SearchIndex) -> None:
    for hit in index.search("geneva", limit=1000):
        kinds = [t.startswith(str(KG)) for t in hit.types]
        assert kinds == sorted(kinds, reverse=True), hit


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "-'.", "zzzzqqq"])
def test_nothing_found(index: SearchIndex, text: str) -> None:
    assert index.search(text) == []


def test_limit_and_long_queries(index: SearchIndex) -> None:
    assert len(index.search("a", limit=3)) == 3
    assert index.search("a", limit=0) == []
    assert index.search("lavrov " + "x" * 10_000) == []  # cut, not an error


# Hand-made stores

X = "https://w3id.org/syria-talks/id/"


def store(*quads: tuple[object, str, object]) -> Store:
    result = Store()
    for s, p, o in quads:
        subject = s if isinstance(s, BlankNode) else NamedNode(str(s))
        obj = o if isinstance(o, Literal) else NamedNode(str(o))
        result.add(Quad(subject, NamedNode(p), obj, DefaultGraph()))
    return result


LABEL, ALIAS, TYPE = str(RDFS.label), str(SKOS.altLabel), str(RDF.type)


def en(text: str) -> Literal:
    return Literal(text, language="en")


@pytest.fixture
def small() -> SearchIndex:
    return SearchIndex.from_store(store(
        (X + "exact", LABEL, en("Vienna")),
        (X + "alias", LABEL, en("Austrian capital")),
        (X + "alias", ALIAS, en("Vienna")),
        (X + "prefix-long", LABEL, en("Vienna talks of 2015")),
        (X + "prefix-short", LABEL, en("Vienna talks")),
        (X + "alias-prefix", LABEL, en("ISSG")),
        (X + "alias-prefix", ALIAS, en("Vienna group")),
        (X + "words", LABEL, en("Talks in Vienna")),
        (X + "ville", LABEL, en("Viennaville")),
        (X + "ville", TYPE, KG.City),
        (X + "ville", TYPE, "https://schema.org/City"),
        (X + "substring", LABEL, en("Neuvienna")),
        (str(EV) + "x/123", LABEL, en("Vienna")),
        (BlankNode(), LABEL, en("Vienna")),
        ("https://example.org/vienna", LABEL, en("Vienna")),
    ))


def test_ranking(small: SearchIndex) -> None:
    hits = small.search("vienna")
    assert [(h.iri[len(X):], h.score) for h in hits] == [
        ("exact", EXACT_LABEL),
        ("alias", EXACT_ALIAS),
        ("ville", LABEL_PREFIX),  # shorter label first
        ("prefix-short", LABEL_PREFIX),
        ("prefix-long", LABEL_PREFIX),
        ("alias-prefix", ALIAS_PREFIX),
        ("words", WORD_PREFIXES),
        ("substring", SUBSTRING),
    ]
    assert hits[2].types == [str(KG.City), "https://schema.org/City"]
    assert hits[1].label == "Austrian capital" and hits[1].matched == "Vienna"


def test_word_prefixes_any_order_then_substring(small: SearchIndex) -> None:
    hits = small.search("talk vie")
    assert [h.iri[len(X):] for h in hits] == ["prefix-short", "words", "prefix-long"]
    assert {h.score for h in hits} == {WORD_PREFIXES}
    hits = small.search("IENNA")
    assert {h.score for h in hits} == {SUBSTRING}
    assert len(hits) == 8
    assert [h.iri[len(X):] for h in hits[:3]] == ["exact", "alias", "substring"]
    lengths = [len(h.matched) for h in hits]
    assert lengths == sorted(lengths)


def test_best_match_per_entity() -> None:
    index = SearchIndex.from_store(store(
        (X + "a", LABEL, en("Staffan de Mistura")),
        (X + "a", ALIAS, en("de Mistura")),
        (X + "b", LABEL, en("De Mistura's statement")),
    ))
    hits = index.search("de mistura")
    assert [(h.iri, h.matched, h.score) for h in hits] == [
        (X + "a", "de Mistura", EXACT_ALIAS),
        (X + "b", "De Mistura's statement", LABEL_PREFIX),
    ]


def test_label_choice_and_named_graphs() -> None:
    result = Store()
    graph = NamedNode("https://w3id.org/syria-talks/graph/x")
    subject = NamedNode(X + "moscow")
    for text in [Literal("Moskau", language="de"), en("Moscow")]:
        result.add(Quad(subject, NamedNode(LABEL), text, graph))
    index = SearchIndex.from_store(result)
    assert len(index) == 1
    assert [h.label for h in index.search("moskau")] == ["Moscow"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Bashar al-Jaafari", "bashar al jaafari"),
        ("Sinirlioğlu", "sinirlioglu"),
        ("Da'esh", "daesh"),
        ("U.S.", "us"),
        ("  GENÈVE\u00a0(2012) ", "geneve 2012"),
        ("Straße", "strasse"),
    ],
)
def test_normalise(text: str, key: str) -> None:
    assert normalise(text) == key
