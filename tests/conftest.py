"""Shared fixtures: copies of the miniature project under tests/fixtures, built or not.

Tests never touch the real ontology/ or data/: every fixture points the settings at a
copy of tests/fixtures/mini (optionally with an overlay from tests/fixtures/overlays).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from pyoxigraph import Store
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kg.build import build
from kg.query import QueryResult, run_query
from kg.settings import ENV_PREFIX, Settings, load_settings
from kg.store import open_store

# The mini project's invented vocabulary: kept out of the project namespace, which is closed.
FX = Namespace("https://w3id.org/syria-talks/fixture#")
FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
OVERLAYS = FIXTURES / "overlays"


def copy_project(destination: Path, overlay: str | None = None) -> Path:
    """A fresh copy of the mini project, with the named overlay's files on top."""
    project = destination / "project"
    shutil.copytree(MINI, project)
    if overlay is not None:
        shutil.copytree(OVERLAYS / overlay, project, dirs_exist_ok=True)
    return project


def settings_for(root: Path) -> Settings:
    # env={} so a developer's own KG_* variables cannot leak into the tests.
    return load_settings(env={}, root=root)


@pytest.fixture(autouse=True)
def _no_kg_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads os.environ; strip KG_* so tests see only what they set."""
    import os

    for name in list(os.environ):
        if name.startswith(ENV_PREFIX):
            monkeypatch.delenv(name)


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


@pytest.fixture
def mini_settings(mini_project: Path) -> Settings:
    return settings_for(mini_project)


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[[str | None], Path]:
    """Factory for variants: make_project("malformed-turtle")."""
    return lambda overlay=None: copy_project(tmp_path, overlay)


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The mini project, built once per session (read-only for the tests using it)."""
    settings = settings_for(copy_project(tmp_path_factory.mktemp("built")))
    result = build(settings)
    assert result.written, result.report.text()
    return settings


@pytest.fixture(scope="session")
def store(built_settings: Settings) -> Store:
    return open_store(built_settings.artifact)


@pytest.fixture
def runner() -> Iterator[CliRunner]:
    yield CliRunner()


# The real project, built once per session for the tests that ask questions of the data.
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = load_settings(env={}, root=ROOT, build_dir=tmp_path_factory.mktemp("real-build"))
    result = build(settings)
    assert result.written, result.report.text()
    return settings


@pytest.fixture(scope="session")
def ask(real_settings):
    store = open_store(real_settings.artifact)

    def run(text: str) -> QueryResult:
        result = run_query(store, text, timeout_s=30)
        result.rows = [tuple(None if t is None else to_rdflib(t) for t in row)
                       for row in result.rows]
        return result

    return run


def rdflib_dataset(artifact: Path) -> Dataset:
    """The artifact as rdflib reads it: the tests' own reading, apart from the store's."""
    dataset = Dataset()
    dataset.parse(artifact, format="nquads")
    return dataset


def graphs_of(dataset: Dataset, iris: list[str]) -> list[Graph]:
    """The named graphs of `dataset` with these IRIs, in that order."""
    return [dataset.graph(URIRef(iri)) for iri in iris]


def to_rdflib(term: object) -> Node:
    """An Oxigraph result term as the rdflib term the data tests compare against."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal), term
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


@pytest.fixture(scope="session")
def app(real_settings):
    """The web app over the real build, shared by the tests that use Flask's test client."""
    from kg.web import create_app

    return create_app(real_settings)


@pytest.fixture
def client(app):
    return app.test_client()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--long-load", action="store_true",
                     help="run the load test for 60 s (the short form takes a few seconds)")
