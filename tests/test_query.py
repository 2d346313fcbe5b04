"""SPARQL over the query store: classification, refusals, errors, result formats."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time

import pyoxigraph as ox
import pytest
from conftest import FX
from rdflib import Graph, Literal

from kg.formats import (
    RDF_FORMATS,
    RESULT_FORMATS,
    UnsupportedFormat,
    lookup_result,
    write_result,
)
from kg.namespaces import GRAPH, ID, RDFS
from kg.query import (
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    classify,
    needs_check,
    run_query,
)
from kg.store import StoreError, open_store

LABELS = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label"


def run(store, text, timeout=10.0):
    return run_query(store, text, timeout)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT"),
        ("PREFIX ex: <http://e/> ask { ex:a ?p ?o }", "ASK"),
        ("# SELECT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("BASE <http://e/> DESCRIBE <a>", "DESCRIBE"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { { SELECT ?s ?p ?o { ?s ?p ?o } } }", "CONSTRUCT"),
    ],
)
def test_query_form_is_classified(text, form):
    assert classify(text).form == form


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <http://e/g>",
        "PREFIX ex: <http://e/> WITH ex:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused(store, text):
    with pytest.raises(QueryRefused, match="read-only"):
        run(store, text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
        # A keyword glued to a prefixed name reads as SERVICE :sparql to a SPARQL parser.
        "PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:sparql { ?s ?p ?o } }",
        "SELECT * { { SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } } }",
    ],
)
def test_service_is_refused(store, text):
    with pytest.raises(QueryRefused, match="SERVICE"):
        run(store, text)


@pytest.mark.parametrize(
    "text",
    [
        # Escapes that a regular-expression lexer would read as the start of a comment.
        r"SELECT * { BIND(id:a\#b AS ?x) SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        r"SELECT * { BIND(<http://e/\u0041#> AS ?x) SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    ],
)
def test_queries_the_safety_parser_cannot_read_are_not_run(store, text):
    with pytest.raises((QueryRefused, QuerySyntaxError)):
        run(store, text)


def test_relative_from_resolves_against_base(store):
    text = "BASE <https://w3id.org/syria-talks/graph/x> SELECT (COUNT(*) AS ?n) FROM <002_beta> {}"
    assert run(store, text).rows


def test_from_a_remote_document_is_refused(store):
    with pytest.raises(QueryRefused, match="never fetched"):
        run(store, "SELECT * FROM <http://example.org/remote.ttl> { ?s ?p ?o }")


def test_from_a_graph_of_the_dataset_is_allowed(store):
    result = run(store, "SELECT (COUNT(*) AS ?n) FROM graph:002_beta { ?s ?p ?o }")
    whole = run(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert 0 < int(result.rows[0][0].value) < int(whole.rows[0][0].value)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s rdfs:label "please DELETE and INSERT me" }',
        "SELECT ?insert ?load { ?insert ?load ?o } # DROP everything",
        "SELECT * { ?s ?p <http://example.org/service/load> }",
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
        "SELECT * { ?s a sd:Service }",
        "SELECT ?service { ?service ?p ?o } LIMIT 1",
        "PREFIX ex: <http://e/> SELECT * { ?s ex:service ?o }",
    ],
)
def test_keywords_inside_strings_iris_comments_or_variables_are_not_refused(store, text):
    run(store, text)


def test_syntax_error_carries_the_parser_message(store):
    with pytest.raises(QuerySyntaxError) as caught:
        run(store, "SELECT * WHERE { ?s ?p }")
    # Oxigraph's parser ("error at 1:23") or, for a query the safety check parses, rdflib's.
    assert re.search(r"error at 1:\d+|line:1", str(caught.value))


def test_plain_queries_see_every_graph(store):
    asserted = run(store, f"ASK {{ <{ID['staffan-de-mistura']}> <{FX.chaired}> ?e }}")
    inferred = run(store, f"ASK {{ <{ID['geneva-iv']}> <{FX.mediatedBy}> ?p }}")
    assert asserted.boolean and inferred.boolean


def test_graph_variable_names_the_graph(store):
    query = f"SELECT DISTINCT ?g {{ GRAPH ?g {{ id:geneva-iv <{FX.mediatedBy}> ?x }} }}"
    result = run(store, query)
    assert [row[0] for row in result.rows] == [ox.NamedNode(GRAPH["inferred"])]


def test_slow_query_times_out_and_names_the_setting(store):
    text = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(QueryTimeout, match="KG_QUERY_TIMEOUT_S"):
        run(store, text, timeout=0.05)
    deadline = time.monotonic() + 5
    while any(t.name == "kg-query" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the abandoned query kept running"
        time.sleep(0.02)


def test_missing_artifact_says_to_build(tmp_path):
    with pytest.raises(StoreError, match="run `kg build` first"):
        open_store(tmp_path / "kg.nq")


def test_table_uses_curies_and_counts_rows(store):
    text = lookup_result("table").write(run(store, LABELS)).decode()
    lines = text.splitlines()
    assert lines[0].split() == ["s", "label"]
    assert any(line.startswith("id:geneva-iv") and "Geneva IV" in line for line in lines)
    assert lines[-1] == "(9 rows)"  # nine distinct labels; the default graph is a set


def test_csv_has_full_iris(store):
    rows = list(csv.reader(io.StringIO(lookup_result("csv").write(run(store, LABELS)).decode())))
    assert rows[0] == ["s", "label"]
    assert [str(ID["geneva-iv"]), "Geneva IV"] in rows


def test_json_follows_the_sparql_results_format(store):
    text = "SELECT ?d ?label { id:geneva-iv kg:startDate ?d ; rdfs:label ?label }"
    document = json.loads(lookup_result("json").write(run(store, text)))
    assert document["head"]["vars"] == ["d", "label"]
    (binding,) = document["results"]["bindings"]
    assert binding["d"] == {
        "type": "literal",
        "value": "2017-02-23",
        "datatype": "http://www.w3.org/2001/XMLSchema#date",
    }
    assert binding["label"] == {"type": "literal", "value": "Geneva IV"}


def test_json_ask(store):
    document = json.loads(lookup_result("json").write(run(store, f"ASK {{ ?s a <{FX.Agent}> }}")))
    assert document == {"head": {}, "boolean": True}


def test_tsv_uses_term_syntax(store):
    text = lookup_result("tsv").write(run(store, LABELS)).decode()
    assert text.splitlines()[0] == "?s\t?label"
    assert f'<{ID["geneva-iv"]}>\t"Geneva IV"' in text


def test_unbound_values_are_empty(store):
    text = "SELECT ?s ?missing { ?s a kg:Conference OPTIONAL { ?s kg:endDate ?missing } }"
    result = run(store, text)
    assert result.rows == [(ox.NamedNode(ID["geneva-iv"]), None)]
    assert json.loads(lookup_result("json").write(result))["results"]["bindings"] == [
        {"s": {"type": "uri", "value": str(ID["geneva-iv"])}}
    ]


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_construct_renders_in_every_rdf_format(store, fmt):
    result = run(store, "CONSTRUCT WHERE { id:geneva-iv rdfs:label ?l }")
    graph = Graph().parse(data=write_result(result, fmt), format=fmt.rdflib_name)
    assert set(graph) == {(ID["geneva-iv"], RDFS.label, Literal("Geneva IV"))}


def test_table_prints_a_graph_result_as_turtle(store):
    result = run(store, "CONSTRUCT WHERE { id:geneva-iv rdfs:label ?l }")
    graph = Graph().parse(data=lookup_result("table").write(result), format="turtle")
    assert set(graph) == {(ID["geneva-iv"], RDFS.label, Literal("Geneva IV"))}


def test_unknown_result_format_lists_the_choices():
    with pytest.raises(UnsupportedFormat, match="table") as caught:
        lookup_result("yaml")
    assert all(f.name in str(caught.value) for f in RESULT_FORMATS)
    assert lookup_result("application/sparql-results+json").name == "json"


def test_a_triple_stated_in_two_graphs_matches_once_in_the_default_graph(store):
    # The label is asserted in both source graphs of the mini project.
    per_graph = run(store, "SELECT ?g { GRAPH ?g { id:staffan-de-mistura rdfs:label ?l } }")
    assert len(per_graph.rows) == 2
    merged = run(store, "SELECT ?l { id:staffan-de-mistura rdfs:label ?l }")
    assert len(merged.rows) == 1


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * FROM <http://example.org/x> { ?s ?p ?o }",
        "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
        "sElEcT * { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:sparql { ?s ?p ?o } }",
    ],
)
def test_every_refusable_query_takes_the_checked_path(text):
    assert needs_check(text)


def test_a_plain_query_skips_the_parse():
    assert not needs_check("SELECT ?s WHERE { ?s kg:attends id:geneva-iv }")


@pytest.mark.parametrize(
    "text",
    [
        # rdflib expands \u0022 before parsing and ends the string early; Oxigraph does not.
        'SELECT * WHERE { BIND("\\\\u0022 AS ?a) # " AS ?a) SERVICE SILENT <http://127.0.0.1:9/> '
        "{ ?s ?p ?o }\n}",
        # rdflib's comment runs past a bare CR; Oxigraph's ends there.
        "SELECT * WHERE { # x\r SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o }\n}",
        "SELECT * { ?s ?p ?o .SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        'SELECT * { ?s rdfs:label "service" }',
    ],
)
def test_service_is_refused_wherever_the_word_stands_outside_a_name(store, text):
    with pytest.raises(QueryRefused, match="SERVICE|escapes"):
        run(store, text)


def test_escapes_are_refused_before_any_parser_reads_them(store):
    with pytest.raises(QueryRefused, match="escapes"):
        run(store, 'SELECT * { ?s rdfs:label "\\u0041" }')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE " + "{" * 5000 + "}" * 5000, "nests"),
        ("SELECT * WHERE { FILTER(" + "+".join(["1"] * 8000) + ") }", "operators"),
    ],
)
def test_queries_that_would_overflow_a_stack_are_refused(store, text, message):
    with pytest.raises(QueryRefused, match=message):
        run(store, text)


def test_deep_but_allowed_nesting_runs_in_a_big_enough_stack(store):
    run(store, "SELECT * WHERE " + "{" * 400 + "}" * 400)  # a default 8 MiB stack crashes here
    run(store, "SELECT * WHERE { FILTER(" + "+".join(["1"] * 4000) + " > 0) }")
