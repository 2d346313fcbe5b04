"""Loading the project files into named graphs, and the errors when that fails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FX, settings_for

from kg.loader import LoadError, load_dataset, load_shapes, parse_turtle
from kg.namespaces import GRAPH_ONTOLOGY, GRAPH_SOURCES, ID, KG, RDF, source_graph


def graph_sizes(settings) -> dict[str, int]:
    dataset = load_dataset(settings)
    return {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}


def test_named_graphs_follow_the_conventions(mini_settings):
    sizes = graph_sizes(mini_settings)
    assert set(sizes) == {
        str(GRAPH_ONTOLOGY),
        str(GRAPH_SOURCES),
        str(source_graph("001_alpha")),
        str(source_graph("002_beta")),
    }


def test_facts_land_in_their_source_graph(mini_settings):
    dataset = load_dataset(mini_settings)
    alpha = dataset.graph(source_graph("001_alpha"))
    beta = dataset.graph(source_graph("002_beta"))
    assert (ID["staffan-de-mistura"], FX.chaired, ID["geneva-iv"]) in alpha
    assert (ID["staffan-de-mistura"], FX.chaired, ID["geneva-iv"]) not in beta
    # The same fact stated by two sources lives in both graphs.
    assert (ID["staffan-de-mistura"], RDF.type, KG.Person) in alpha
    assert (ID["staffan-de-mistura"], RDF.type, KG.Person) in beta


def test_malformed_fixture_error_names_file_and_line(make_project):
    settings = settings_for(make_project("malformed-turtle"))
    with pytest.raises(LoadError) as caught:
        load_dataset(settings)
    message = str(caught.value)
    assert f"{settings.data_dir / '002_beta.ttl'}:10:" in message
    assert "bad Turtle syntax" in message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b , ex:c .\n", 3),
        ('@prefix ex: <http://e/> .\n\nex:a ex:b "unterminated .\n', 3),
        ("@prefix ex: <http://e/> .\nex:a ex:b ex:c\nex:d ex:e ex:f .\n", 3),
        ("ex:a ex:b ex:c .\n", 1),  # undeclared prefix
        ("@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:d ex:e ex:f", 3),  # no final '.'
    ],
)
def test_syntax_errors_report_the_line(tmp_path: Path, text: str, line: int):
    path = tmp_path / "broken.ttl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError, match=rf"^{re.escape(str(path))}:{line}\b"):
        parse_turtle(path)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        # Non-ASCII text before the error must not shift the column.
        ('@prefix ex: <http://e/> .\nex:a ex:b "Sinirlioğlu’s “quote”" .\nex:a ex:b ex:c ex:d .\n',
         3, 16),
        # A blank line inside a statement must not shift the line; the parser stops
        # right after "ex:d", where an object list should follow.
        ("@prefix ex: <http://e/> .\nex:a ex:b\n\n    ex:c ;\n    ex:d , .\n", 5, 9),
    ],
)
def test_syntax_errors_report_line_and_column(tmp_path: Path, text: str, line: int, column: int):
    path = tmp_path / "broken.ttl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError, match=rf"^{re.escape(str(path))}:{line}:{column}: "):
        parse_turtle(path)


@pytest.mark.parametrize("stem", ["inferred", "ontology", "sources", "all", "asserted"])
def test_a_source_may_not_take_a_reserved_name(mini_settings, stem):
    (mini_settings.data_dir / f"{stem}.ttl").write_text("", encoding="utf-8")
    (mini_settings.sources_dir / f"{stem}.txt").write_text("text", encoding="utf-8")
    with pytest.raises(LoadError, match="belong to the project's own graphs"):
        load_dataset(mini_settings)


def test_no_data_files_is_a_load_error(mini_settings):
    for path in mini_settings.data_dir.glob("*.ttl"):
        path.unlink()
    with pytest.raises(LoadError, match="no extracted data"):
        load_dataset(mini_settings)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('<http://e/a> <http://e/b> "x"^^<http://www.w3.org/2001/XMLSchema#date> .',
         "ill-typed literal"),
        ("<http://e/a> <http://e/b> <http://e/not an iri> .", "invalid IRI"),
    ],
)
def test_silently_lossy_input_is_an_error(tmp_path: Path, text: str, fragment: str):
    path = tmp_path / "lossy.ttl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError, match=fragment) as caught:
        parse_turtle(path)
    assert str(path) in str(caught.value)


def test_data_file_without_source_text_is_refused(mini_settings):
    orphan = mini_settings.data_dir / "003_gamma.ttl"
    orphan.write_text("", encoding="utf-8")
    with pytest.raises(LoadError, match="003_gamma.ttl") as caught:
        load_dataset(mini_settings)
    assert "<stem>.txt" in str(caught.value)


def test_missing_ontology_directory_is_a_load_error(mini_settings):
    for path in mini_settings.ontology_dir.iterdir():
        path.unlink()
    mini_settings.ontology_dir.rmdir()
    with pytest.raises(LoadError, match="directory not found"):
        load_dataset(mini_settings)


def test_shapes_are_merged(mini_settings):
    shapes = load_shapes(mini_settings)
    assert len(shapes) > 0
    extra = mini_settings.shapes_dir / "broken.ttl"
    extra.write_text("this is not turtle\n", encoding="utf-8")
    with pytest.raises(LoadError, match=rf"{re.escape(str(extra))}:1:"):
        load_shapes(mini_settings)
