"""The artifact: the same bytes for the same input, and written whole or not at all."""

from __future__ import annotations

import stat

import pytest
from rdflib import Dataset, URIRef
from rdflib.compare import isomorphic

from kg.atomic import write_atomic
from kg.build import build, serialize_artifact

CHAIN = """
@prefix ex: <https://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:memberOf owl:propertyChainAxiom ( ex:hasMembership ex:organization ) .
ex:other owl:propertyChainAxiom ( ex:organization ex:hasMembership ) .
ex:third owl:propertyChainAxiom ( ex:hasMember ex:organization ) .
"""


def parsed() -> Dataset:
    dataset = Dataset()
    dataset.graph(URIRef("https://example.org/graph")).parse(data=CHAIN, format="turtle")
    return dataset


def test_blank_nodes_get_the_same_names_on_every_build():
    # Two lists end with the same element, which a naive ranking cannot tell apart.
    builds = {serialize_artifact(parsed()) for _ in range(20)}
    assert len(builds) == 1
    assert b"_:" in builds.pop()


def test_renaming_keeps_the_graph_isomorphic():
    original = parsed()
    rebuilt = Dataset()
    rebuilt.parse(data=serialize_artifact(original), format="nquads")
    graph = URIRef("https://example.org/graph")
    assert isomorphic(original.graph(graph), rebuilt.graph(graph))


def test_artifact_and_summary_are_replaced_together_or_not_at_all(mini_settings):
    assert build(mini_settings).written
    before = mini_settings.artifact.read_bytes()
    mini_settings.summary.unlink()
    mini_settings.summary.mkdir()  # the summary cannot be written now
    with pytest.raises(OSError):
        build(mini_settings)
    assert mini_settings.artifact.read_bytes() == before
    assert not list(mini_settings.artifact.parent.glob(".*.tmp"))


def test_a_replaced_file_keeps_its_mode(tmp_path):
    target = tmp_path / "private.ttl"
    target.write_bytes(b"old")
    target.chmod(0o600)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
