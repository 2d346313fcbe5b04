"""Exports: every registered format round-trips; graph selections; the registry."""

from __future__ import annotations

import json

import pytest
from conftest import rdflib_dataset as load_artifact
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.export import ExportError, export, selected_graphs
from kg.formats import RDF_FORMATS, RdfFormat, UnsupportedFormat, lookup
from kg.namespaces import GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES, source_graph


def named_graphs(dataset: Dataset) -> dict[str, Graph]:
    return {str(g.identifier): g for g in dataset.graphs() if len(g)}


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_round_trip(built_settings, fmt: RdfFormat):
    original = load_artifact(built_settings.artifact)
    data = export(built_settings.artifact, fmt.name, "all")
    if fmt.quads:
        parsed = Dataset()
        parsed.parse(data=data, format=fmt.rdflib_name)
        before, after = named_graphs(original), named_graphs(parsed)
        assert set(after) == set(before)
        for name, graph in before.items():
            assert isomorphic(after[name], graph), name
    else:
        parsed = Graph().parse(data=data, format=fmt.rdflib_name)
        merged = Graph()
        for graph in named_graphs(original).values():
            merged += graph
        assert len(parsed) == len(merged)
        assert isomorphic(parsed, merged)


@pytest.mark.parametrize("name", ["ttl", "trig", "xml"])
def test_prefixes_are_bound(built_settings, name):
    text = export(built_settings.artifact, name).decode("utf-8")
    assert "https://w3id.org/syria-talks/ontology#" in text
    assert "kg:startDate" in text


def test_jsonld_is_compacted_with_the_project_prefixes(built_settings):
    document = json.loads(export(built_settings.artifact, "application/ld+json"))
    assert document["@context"]["kg"] == "https://w3id.org/syria-talks/ontology#"
    text = json.dumps(document)
    assert '"id:geneva-iv"' in text
    assert "https://w3id.org/syria-talks/id/geneva-iv" not in text


def test_selections(built_settings):
    graphs = {str(g.identifier) for g in load_artifact(built_settings.artifact).graphs() if len(g)}
    every = set(selected_graphs(graphs, "all"))
    asserted = set(selected_graphs(graphs, "asserted"))
    assert every == graphs
    assert every - asserted == {str(GRAPH_INFERRED), str(GRAPH_SHAPES)}  # the facts as written
    assert str(GRAPH_ONTOLOGY) in asserted
    assert selected_graphs(graphs, "inferred") == [str(GRAPH_INFERRED)]
    assert selected_graphs(graphs, "001_alpha") == [str(source_graph("001_alpha"))]


def test_triple_format_of_one_graph_has_only_its_triples(built_settings):
    data = export(built_settings.artifact, "nt", "inferred")
    inferred = load_artifact(built_settings.artifact).graph(GRAPH_INFERRED)
    assert isomorphic(Graph().parse(data=data, format="nt"), inferred)


def test_unknown_graph_lists_the_choices(built_settings):
    with pytest.raises(ExportError, match="001_alpha"):
        export(built_settings.artifact, "ttl", "no-such-graph")


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("ttl", "ttl"),
        ("text/turtle", "ttl"),
        ("text/turtle; charset=utf-8", "ttl"),
        ("application/n-quads", "nq"),
        ("json-ld", "jsonld"),
        (".rdf", "xml"),
        ("TRIG", "trig"),
    ],
)
def test_lookup_by_name_alias_extension_or_media_type(key, name):
    assert lookup(key).name == name


def test_unsupported_format_lists_what_is_available():
    with pytest.raises(UnsupportedFormat) as caught:
        lookup("text/html")
    assert all(f.name in str(caught.value) for f in RDF_FORMATS)


def test_registry_is_consistent():
    keys = [k for f in RDF_FORMATS for k in {f.name, f.media_type, f.extension, *f.aliases}]
    assert len(keys) == len(set(keys)), "two formats claim the same name or media type"
    assert {f.name for f in RDF_FORMATS if f.quads} == {"nq", "trig", "jsonld"}
