"""Adding a source: one command writes its description and checksum, then only new files.

On a copy of the real project, a sixth source is added the way the contributing guide says,
one fact is written for it, and the build takes it in with nothing else touched.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from rdflib import Graph

from kg.build import build
from kg.cli import cli
from kg.namespaces import DCTERMS, KG, SRC
from kg.settings import load_settings

TITLE = "Talks Resume in Geneva"
TEXT = f"{TITLE}\n\nThe talks resumed in Geneva on 1 March 2021, the envoy said.\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    for part in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / part, copy / part)
    return copy


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def add(project: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(project), "add-source", *args])


def test_a_sixth_source_takes_one_command_and_then_only_its_facts(project, tmp_path):
    text = tmp_path / "new_talks.txt"
    text.write_text(TEXT, encoding="utf-8")
    before = snapshot(project)
    result = add(project, str(text), "--title", TITLE, "--kind", "news-report", "--date", "2021")
    assert result.exit_code == 0, result.output
    after = snapshot(project)
    changed = {p for p in after if before.get(p) != after[p]}
    assert changed == {"data/sources/sources.ttl", "data/sources/new_talks.txt",
                       "data/new_talks.ttl"}, changed
    description = Graph().parse(project / "data/sources/sources.ttl")
    assert str(description.value(SRC.new_talks, KG.sha256)) == hashlib.sha256(
        TEXT.encode()).hexdigest()
    assert str(description.value(SRC.new_talks, DCTERMS.title)) == TITLE
    # The one file left to write by hand: a fact and its evidence.
    with (project / "data/new_talks.ttl").open("a", encoding="utf-8") as data:
        data.write('''
id:geneva-talks-2021 a kg:Conference ;
    rdfs:label "Geneva talks of 2021"@en .
id:geneva a kg:City ;
    rdfs:label "Geneva"@en .

id:geneva-talks-2021 kg:location id:geneva .
ev:0123456789 a rdf:Statement ; rdf:subject id:geneva-talks-2021 ;
    rdf:predicate kg:location ; rdf:object id:geneva ;
    kg:quote "The talks resumed in Geneva on 1 March 2021, the envoy said." ;
    kg:source src:new_talks .
''')
    built = build(load_settings(env={}, root=project, build_dir=tmp_path / "build"))
    assert built.written, built.report.text()
    assert built.summary["sources"]["new_talks"]["facts"] == 1
    assert len(built.summary["sources"]) == len(list((ROOT / "data").glob("*.ttl"))) + 1


@pytest.mark.parametrize(("args", "message"), [
    (["--title", "Not the title", "--kind", "news-report"], "does not appear in"),
    (["--title", TITLE, "--kind", "news-report", "--stem", "inferred"], "belong to the project"),
    (["--title", TITLE, "--kind", "news-report", "--stem", "bad name"], "must be [A-Za-z0-9_.-]"),
    (["--title", TITLE, "--kind", "news-report", "--date", "2021-02-30"], "is not a date"),
])
def test_a_source_that_cannot_be_added_writes_nothing(project, tmp_path, args, message):
    text = tmp_path / "new_talks.txt"
    text.write_text(TEXT, encoding="utf-8")
    before = snapshot(project)
    result = add(project, str(text), *args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output
    assert snapshot(project) == before


def test_an_existing_source_is_never_overwritten(project):
    existing = sorted((project / "data/sources").glob("*.txt"))[0]
    before = snapshot(project)
    title = existing.read_text(encoding="utf-8").strip().splitlines()[0].strip("= ")
    result = add(project, str(existing), "--title", title, "--kind", "news-report")
    assert result.exit_code == 1 and "already" in result.output, result.output
    assert snapshot(project) == before
