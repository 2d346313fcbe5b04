"""Reasoning and validation can be switched off; with both off the build streams.

The streaming build parses with pyoxigraph and never holds the whole graph: it must fail
the way the rdflib build does (file:line:column, previous artifact untouched) and write
the same artifact for the same graphs.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_project, settings_for

from kg.build import build, build_streaming
from kg.cli import cli
from kg.loader import LoadError, read_turtle
from kg.report import SUMMARY_KEYS, read_summary
from kg.settings import load_settings

OFF = {"KG_REASONING": "off", "KG_VALIDATION": "off"}


def with_steps(root: Path, reasoning: str, validation: str):
    return load_settings(env={}, root=root, reasoning=reasoning, validation=validation)


def counts(summary: dict) -> dict:
    return {k: summary[k] for k in ("triples", "sources", "terms", "graphs", "classes",
                                    "properties")}


def test_both_off_streams_and_says_so(mini_project: Path):
    result = build(with_steps(mini_project, "off", "off"))
    assert result.written and result.summary["streamed"] is True
    summary = read_summary(settings_for(mini_project))
    assert SUMMARY_KEYS <= set(summary)
    assert summary["inference"] == {"added": 0, "seconds": 0.0, "skipped": True}
    validation = summary["validation"]
    assert validation["skipped"] is True and validation["conforms"] is None
    assert {"conforms", "results", "seconds", "shapes"} <= set(validation)
    assert summary["triples"]["inferred"] == 0


def test_the_cli_reports_skipped_steps(runner, mini_project: Path):
    result = runner.invoke(cli, ["--root", str(mini_project), "build"], env=OFF)
    assert result.exit_code == 0, result.output
    assert "Inference: skipped" in result.stdout and "Validation: skipped" in result.stdout
    assert "FAILED" not in result.stdout
    # kg stats reads the same summary and says the same: one wording, the report's.
    stats = runner.invoke(cli, ["--root", str(mini_project), "stats"], env=OFF)
    assert stats.exit_code == 0, stats.output
    assert "Validation: skipped" in stats.stdout and "FAILED" not in stats.stdout
    assert [line for line in stats.stdout.splitlines() if line.startswith("Validation:")] == [
        line for line in result.stdout.splitlines() if line.startswith("Validation:")]


@pytest.mark.parametrize(("reasoning", "validation"), [("on", "off"), ("off", "on")])
def test_one_step_off(mini_project: Path, reasoning: str, validation: str):
    summary = build(with_steps(mini_project, reasoning, validation)).summary
    assert summary.get("streamed") is None
    assert summary["inference"].get("skipped", False) is (reasoning == "off")
    assert summary["validation"].get("skipped", False) is (validation == "off")
    assert (summary["triples"]["inferred"] > 0) is (reasoning == "on")


def test_streaming_writes_what_the_rdflib_build_writes(tmp_path: Path):
    """Same graphs, same bytes: the two paths differ only in how they get there."""
    streamed = copy_project(tmp_path / "streamed")
    loaded = copy_project(tmp_path / "loaded")
    first = build(with_steps(streamed, "off", "off")).summary
    second = build(with_steps(loaded, "off", "on")).summary
    assert (streamed / "build" / "kg.nq").read_bytes() == (loaded / "build" / "kg.nq").read_bytes()
    assert counts(first) == counts(second)
    assert first["validation"]["shapes"] == second["validation"]["shapes"]


def test_streaming_is_repeatable_with_blank_nodes(mini_project: Path):
    settings = with_steps(mini_project, "off", "off")
    (mini_project / "ontology" / "lists.ttl").write_text(
        "@prefix ex: <https://example.org/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "ex:memberOf owl:propertyChainAxiom ( ex:hasMembership ex:organization ) .\n"
        "ex:other owl:propertyChainAxiom ( ex:organization ex:hasMembership ) .\n",
        encoding="utf-8",
    )
    builds = set()
    for _ in range(3):
        build(settings)
        builds.add(settings.artifact.read_bytes())
    assert len(builds) == 1 and b"_:" in builds.pop()


def test_blank_node_labels_are_local_to_their_file(mini_project: Path):
    settings = with_steps(mini_project, "off", "off")
    for name in ("a", "b"):
        (mini_project / "ontology" / f"{name}.ttl").write_text(
            f'_:x <https://example.org/name> "{name}" .\n', encoding="utf-8")
    build(settings)
    named = [line for line in settings.artifact.read_text().splitlines()
             if "example.org/name" in line]
    assert len(named) == 2 and len({line.split()[0] for line in named}) == 2


def test_a_triple_in_two_files_of_one_graph_is_written_once(mini_project: Path):
    settings = with_steps(mini_project, "off", "off")
    ontology = next((mini_project / "ontology").glob("*.ttl"))
    (mini_project / "ontology" / "zz-copy.ttl").write_bytes(ontology.read_bytes())
    summary = build(settings).summary
    lines = settings.artifact.read_bytes().splitlines()
    assert len(lines) == len(set(lines)) == summary["triples"]["total"] + summary["triples"][
        "shapes"]


def test_malformed_turtle_names_the_place_and_keeps_the_artifact(runner, make_project):
    project = make_project(None)
    assert runner.invoke(cli, ["--root", str(project), "build"], env=OFF).exit_code == 0
    build_dir = project / "build"
    before = {p.name: p.read_bytes() for p in build_dir.iterdir()}
    overlay = Path(__file__).parent / "fixtures" / "overlays" / "malformed-turtle"
    for source in overlay.rglob("*.ttl"):
        (project / source.relative_to(overlay)).write_bytes(source.read_bytes())
    result = runner.invoke(cli, ["--root", str(project), "build"], env=OFF)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"002_beta\.ttl:10:\d+: bad Turtle syntax", result.stderr), result.stderr
    assert {p.name: p.read_bytes() for p in build_dir.iterdir()} == before


def test_a_failure_while_writing_leaves_the_artifact(mini_project: Path):
    settings = with_steps(mini_project, "off", "off")
    assert build_streaming(settings).written
    before = settings.artifact.read_bytes()
    settings.summary.unlink()
    settings.summary.mkdir()  # the summary cannot be written now
    (mini_project / "data" / "001_alpha.ttl").write_text(
        (mini_project / "data" / "001_alpha.ttl").read_text() + "\n# changed\n")
    with pytest.raises(OSError):
        build_streaming(settings)
    assert settings.artifact.read_bytes() == before
    assert not list(settings.artifact.parent.glob(".*.tmp"))


def read(path: Path) -> list:
    return list(read_turtle(path))


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b , ex:c .\n", 3, None),
        ('@prefix ex: <http://e/> .\n\nex:a ex:b "unterminated .\n', 3, None),
        ("@prefix ex: <http://e/> .\nex:a ex:b ex:c\nex:d ex:e ex:f .\n", 3, None),
        ("ex:a ex:b ex:c .\n", 1, None),  # undeclared prefix
        ("@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:d ex:e ex:f", 3, None),
        ('@prefix ex: <http://e/> .\nex:a ex:b "Sinirlioğlu’s “quote”" .\nex:a ex:b ex:c ex:d .\n',
         3, 16),
        # pyoxigraph points at the stray ',' (rdflib at the space before it).
        ("@prefix ex: <http://e/> .\nex:a ex:b\n\n    ex:c ;\n    ex:d , .\n", 5, 10),
    ],
)
def test_streaming_syntax_errors_name_line_and_column(tmp_path: Path, text: str, line: int,
                                                      column: int | None):
    path = tmp_path / "broken.ttl"
    path.write_text(text, encoding="utf-8")
    at = rf"{line}:{column}" if column else rf"{line}:\d+"
    with pytest.raises(LoadError, match=rf"^{re.escape(str(path))}:{at}: bad Turtle syntax: "):
        read(path)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('<http://e/a> <http://e/b> "x"^^<http://www.w3.org/2001/XMLSchema#date> .',
         "ill-typed literal"),
        ('<http://e/a> <http://e/b> "2017-02-30"^^<http://www.w3.org/2001/XMLSchema#date> .',
         "ill-typed literal"),
        ('<http://e/a> <http://e/b> "0"^^<http://www.w3.org/2001/XMLSchema#positiveInteger> .',
         "ill-typed literal"),
        ("<http://e/a> <http://e/b> <http://e/not an iri> .", "bad Turtle syntax"),
    ],
)
def test_streaming_refuses_lossy_input(tmp_path: Path, text: str, fragment: str):
    path = tmp_path / "lossy.ttl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError, match=fragment) as caught:
        read(path)
    assert str(path) in str(caught.value)


def test_valid_typed_literals_pass(tmp_path: Path):
    path = tmp_path / "ok.ttl"
    path.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n<http://e/a> <http://e/b> "
        '"2016-02-29"^^xsd:date, "--02-23"^^xsd:gMonthDay, "2017-02"^^xsd:gYearMonth, '
        '"2017"^^xsd:gYear, "5"^^xsd:positiveInteger, "0"^^xsd:nonNegativeInteger, '
        '"true"^^xsd:boolean, "P3D"^^xsd:duration, "PT1H30M"^^xsd:duration .\n',
        encoding="utf-8")
    assert len(read(path)) == 9


def test_streaming_needs_neither_owlrl_nor_pyshacl(mini_project: Path):
    code = (
        "import sys\n"
        "from kg.settings import load_settings\n"
        "from kg.build import build\n"
        f"s = load_settings(env={{}}, root={str(mini_project)!r}, reasoning='off',"
        " validation='off')\n"
        "assert build(s).written\n"
        "loaded = [m for m in ('owlrl', 'pyshacl', 'rdflib.compare') if m in sys.modules]\n"
        "print(loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_kg_validate_still_validates_with_validation_off(runner, make_project):
    project = make_project("S01-agent-without-label")
    result = runner.invoke(cli, ["--root", str(project), "validate"], env=OFF)
    assert result.exit_code == 1 and "S01-AgentLabel" in result.stdout


def test_summary_json_is_plain(mini_project: Path):
    build(with_steps(mini_project, "off", "off"))
    summary = json.loads((mini_project / "build" / "summary.json").read_text())
    assert summary["graphs"]["001_alpha"] > 0
