"""The `kg` command line, end to end on copies of the mini project."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FX

from kg.cli import cli
from kg.settings import load_settings


def kg(runner, *args: str, env: dict[str, str] | None = None):
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


def assert_clean_error(result, *fragments: str) -> None:
    """Exit status 1, `Error: ...` on stderr, no traceback."""
    assert result.exit_code == 1, result.output
    assert "Error: " in result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr


def test_help_lists_the_commands_and_settings(runner):
    result = kg(runner, "--help")
    assert result.exit_code == 0
    for command in ("build", "validate", "query", "export", "stats"):
        assert command in result.stdout
    assert "KG_QUERY_TIMEOUT_S" in result.stdout


def test_python_dash_m_kg_runs():
    completed = subprocess.run(
        [sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert "Usage:" in completed.stdout and "build" in completed.stdout


def test_build_prints_the_summary_and_writes_artifacts(runner, mini_project: Path):
    result = kg(runner, "--root", str(mini_project), "build")
    assert result.exit_code == 0, result.output
    artifact = mini_project / "build" / "kg.nq"
    assert f"Artifact: {artifact}" in result.stdout
    assert "kg:Person" in result.stdout
    assert "Inference: 5 triples added" in result.stdout
    # The steps are reported as they end, each with what it did and how long it took.
    steps = [line.split(":")[0] for line in result.stderr.splitlines()]
    assert steps == ["load", "inference", "validation", "write"], result.stderr
    assert re.search(r"^inference: OWL 2 RL added 5 triples \([\d.]+ s\)$", result.stderr,
                     flags=re.MULTILINE), result.stderr
    summary = json.loads((mini_project / "build" / "summary.json").read_text())
    assert summary["inference"]["added"] == summary["triples"]["inferred"] == 5
    assert summary["graphs"]["001_alpha"] > 0 and summary["classes"][f"<{FX.Agent}>"] == 1
    assert summary["properties"][f"<{FX.participatedIn}>"] == {"asserted": 0, "inferred": 1}
    triples = summary["triples"]
    assert artifact.read_bytes().count(b"\n") == triples["total"] + triples["shapes"] > 0


@pytest.mark.parametrize(
    ("overlay", "expected"),
    [
        ("malformed-turtle", ["002_beta.ttl:10:", "bad Turtle syntax"]),
        (
            "S01-agent-without-label",
            ["id:unnamed-delegate", "rdfs:label", "Every agent needs a label",
             "S01-AgentLabel", "left unchanged"],
        ),
    ],
)
def test_failed_build_leaves_the_previous_artifact_byte_identical(
    runner, make_project, overlay: str, expected: list[str]
):
    project = make_project(None)
    assert kg(runner, "--root", str(project), "build").exit_code == 0
    build_dir = project / "build"
    before = {p.name: p.read_bytes() for p in build_dir.iterdir()}

    overlay_dir = Path(__file__).parent / "fixtures" / "overlays" / overlay
    for source in overlay_dir.rglob("*.ttl"):
        target = project / source.relative_to(overlay_dir)
        target.write_bytes(source.read_bytes())

    result = kg(runner, "--root", str(project), "build")
    assert_clean_error(result, *expected)
    after = {p.name: p.read_bytes() for p in build_dir.iterdir()}
    assert after == before  # same files (no temp leftovers), same bytes


def test_warnings_are_reported_but_do_not_fail_the_build(runner, make_project):
    project = make_project("W01-warning-only")
    result = kg(runner, "--root", str(project), "build")
    assert result.exit_code == 0, result.output
    assert "W01-ConferenceEnd (sh:Warning)" in result.stderr
    assert (project / "build" / "kg.nq").is_file()


def test_validate_exit_status(runner, make_project):
    ok = kg(runner, "--root", str(make_project(None)), "validate")
    assert ok.exit_code == 0 and "conforms" in ok.stdout


def test_validate_reports_each_violation(runner, make_project):
    result = kg(runner, "--root", str(make_project("S01-agent-without-label")), "validate")
    assert result.exit_code == 1
    for fragment in ("focus:    id:unnamed-delegate", "path:     rdfs:label",
                     "message:  Every agent needs a label", "S01-AgentLabel"):
        assert fragment in result.stdout


@pytest.fixture
def built_root(built_settings) -> str:
    return str(built_settings.root)


def test_query_formats(runner, built_root):
    text = "SELECT ?s WHERE { ?s a kg:Conference }"
    table = kg(runner, "--root", built_root, "query", text)
    assert table.exit_code == 0 and "id:geneva-iv" in table.stdout
    as_json = kg(runner, "--root", built_root, "query", text, "--format", "json")
    assert json.loads(as_json.stdout)["results"]["bindings"][0]["s"]["type"] == "uri"
    as_csv = kg(runner, "--root", built_root, "query", text, "--format", "csv")
    assert as_csv.stdout.splitlines()[1] == "https://w3id.org/syria-talks/id/geneva-iv"


def test_query_from_file(runner, built_root, tmp_path):
    query_file = tmp_path / "q.rq"
    query_file.write_text(f"ASK {{ id:geneva-iv a <{FX.Event}> }}", encoding="utf-8")
    result = kg(runner, "--root", built_root, "query", "--file", str(query_file))
    assert result.exit_code == 0 and result.stdout == "true\n"


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("DELETE WHERE { ?s ?p ?o }", "read-only"),
        ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * WHERE { ?s ?p }", "SPARQL syntax error"),
    ],
)
def test_query_errors_are_clean(runner, built_root, query, fragment):
    assert_clean_error(kg(runner, "--root", built_root, "query", query), fragment)


def test_query_needs_exactly_one_source(runner, built_root):
    assert kg(runner, "--root", built_root, "query").exit_code == 2


def test_export_to_stdout_and_file(runner, built_root, tmp_path):
    result = kg(runner, "--root", built_root, "export", "--format", "nt", "--graph", "inferred")
    assert result.exit_code == 0 and result.stdout.count("\n") == 5
    output = tmp_path / "out" / "all.trig"
    result = kg(runner, "--root", built_root, "export", "--format", "trig", "--output",
                str(output))
    assert result.exit_code == 0 and "graph:inferred" in output.read_text()


def test_export_unknown_format(runner, built_root):
    assert_clean_error(kg(runner, "--root", built_root, "export", "--format", "yaml"),
                       "available: ttl")


def test_stats_after_build(runner, built_root):
    result = kg(runner, "--root", built_root, "stats")
    assert result.exit_code == 0
    assert "Graphs:" in result.stdout and "inferred" in result.stdout
    raw = kg(runner, "--root", built_root, "stats", "--format", "json")
    assert json.loads(raw.stdout)["triples"]["inferred"] == 5


@pytest.mark.parametrize("command", [["stats"], ["query", "ASK {}"], ["export"]])
def test_commands_needing_a_build_say_so(runner, mini_project, command):
    assert_clean_error(kg(runner, "--root", str(mini_project), *command), "run `kg build` first")


def test_environment_and_setting_option_override_defaults(runner, mini_project, tmp_path):
    artifact = tmp_path / "elsewhere" / "graph.nq"
    result = kg(runner, "--root", str(mini_project), "build",
                env={"KG_ARTIFACT": str(artifact)})
    assert result.exit_code == 0 and artifact.is_file()
    assert not (mini_project / "build" / "kg.nq").exists()
    bad = kg(runner, "--root", str(mini_project), "--setting", "query_timeout_s", "soon",
             "query", "ASK {}")
    assert_clean_error(bad, "KG_QUERY_TIMEOUT_S")


def test_settings_resolution(tmp_path):
    settings = load_settings(env={"KG_BUILD_DIR": "out"}, root=tmp_path)
    assert settings.build_dir == tmp_path / "out"
    assert settings.artifact == tmp_path / "out" / "kg.nq"  # follows build_dir
    assert settings.sources_dir == tmp_path / "data" / "sources"
    assert load_settings(env={"KG_QUERY_TIMEOUT_S": "2.5"}, root=tmp_path).query_timeout_s == 2.5
    explicit = load_settings(env={"KG_ARTIFACT": "/x/a.nq"}, root=tmp_path, artifact="b.nq")
    assert explicit.artifact == tmp_path / "b.nq"


@pytest.mark.parametrize("timeout", ["nan", "inf", "1e10", "0", "-3"])
def test_an_unusable_time_limit_is_a_clean_error(runner, built_root, timeout):
    result = kg(runner, "--root", built_root, "query", "ASK {}", "--timeout", timeout)
    assert_clean_error(result, "query_timeout_s")


def test_a_query_file_that_is_not_utf8_is_a_usage_error(runner, built_root, tmp_path):
    query_file = tmp_path / "latin1.rq"
    query_file.write_bytes('SELECT * { ?s rdfs:label "Sinirlio\u011flu" }'.encode("utf-16"))
    result = kg(runner, "--root", built_root, "query", "--file", str(query_file))
    assert result.exit_code == 2 and "not UTF-8" in result.output


def test_export_of_a_damaged_artifact_is_a_clean_error(runner, mini_project):
    (mini_project / "build").mkdir()
    (mini_project / "build" / "kg.nq").write_bytes(b"this is not n-quads\n")
    result = kg(runner, "--root", str(mini_project), "export")
    assert_clean_error(result, "not valid N-Quads")


@pytest.mark.parametrize("content", ["[]", "{}", '{"triples": {}}', "\xff"])
def test_stats_on_a_foreign_summary_is_a_clean_error(runner, mini_project, content):
    (mini_project / "build").mkdir()
    (mini_project / "build" / "summary.json").write_bytes(content.encode("latin-1"))
    result = kg(runner, "--root", str(mini_project), "stats")
    assert_clean_error(result, "run `kg build`")


def test_a_relative_artifact_option_is_taken_from_the_working_directory(
    runner, mini_project, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    result = kg(runner, "--root", str(mini_project), "build", "--artifact", "here.nq")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "here.nq").is_file()


def test_tsv_keeps_one_result_per_line(runner, built_root):
    text = 'SELECT ?x { VALUES ?x { "a\\tb" "line1\\nline2" } }'
    result = kg(runner, "--root", built_root, "query", text, "--format", "tsv")
    assert result.stdout.splitlines() == ["?x", '"a\\tb"', '"line1\\nline2"']


def test_serve_on_a_busy_port_says_so_before_building_and_leaves_nothing(mini_project):
    import socket
    import time

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        completed = subprocess.run(
            [sys.executable, "-m", "kg", "--root", str(mini_project), "serve", "--port",
             str(port)], capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 1, completed.stderr
    assert f"Error: port {port} is in use on 127.0.0.1; use --port" in completed.stderr
    assert "Traceback" not in completed.stderr and "[ERROR]" not in completed.stderr
    build = mini_project / "build"
    assert not build.exists() or not any(build.iterdir()), "nothing built, no pid file left"
    assert time.monotonic() - started < 30
