"""The README and docs/ tell the truth: their commands, queries, links, settings and counts
match the project."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.examples import examples
from kg.report import stats_block, summary_markdown
from kg.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
TEST_COMMAND = "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && pytest"
RUN_COMMAND = "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && kg serve"


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text(path), flags=re.DOTALL)


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


QUERIES = [(name(path), q) for path in (README, *DOCS) for q in blocks(path, "sparql")
           if not q.lstrip().startswith("PREFIX")]


def test_the_readme_gives_the_two_fresh_machine_commands():
    commands = [b.strip() for b in blocks(README, "bash")]
    assert RUN_COMMAND in commands
    assert TEST_COMMAND in commands


def test_ci_runs_exactly_the_readme_test_command():
    lines = text(ROOT / ".ci" / "run").splitlines()
    assert lines[-1].strip() == TEST_COMMAND


def test_the_readme_is_a_front_door_to_every_document():
    assert len(text(README).splitlines()) <= 160
    linked = set(re.findall(r"\]\((docs/[^)#]+)", text(README)))
    assert linked == {name(d) for d in DOCS}


@pytest.mark.parametrize("path", [README, *DOCS], ids=name)
def test_every_relative_link_resolves(path):
    for target in re.findall(r"\]\(([^)\s]+)\)", text(path)):
        if re.match(r"[a-z]+:", target):
            continue  # a URL elsewhere
        file, _, anchor = target.partition("#")
        resolved = (path.parent / file).resolve() if file else path
        assert resolved.exists(), f"{name(path)}: {target} does not exist"
        if anchor and resolved.suffix == ".md":
            slugs = {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-")
                     for h in re.findall(r"^#+ (.+)$", text(resolved), flags=re.MULTILINE)}
            assert anchor in slugs, f"{name(path)}: no heading #{anchor} in {file or 'itself'}"


def test_the_queries_document_lists_the_examples_the_query_page_offers():
    numbered = re.findall(r"^\d+\. \*\*(.+?)\*\*\n\n```sparql\n(.*?)```",
                          text(ROOT / "docs" / "queries.md"), flags=re.MULTILINE | re.DOTALL)
    assert [(title, query.strip()) for title, query in numbered] == [
        (e.title, e.query.strip()) for e in examples()]
    assert len(numbered) >= 10


@pytest.mark.parametrize(("where", "query"), QUERIES, ids=[
    f"{where}:{q.splitlines()[0][:30]}" for where, q in QUERIES])
def test_every_documented_query_answers(ask, where, query):
    result = ask(query)
    assert result.kind == "select"
    assert result.rows, "the query returns nothing"
    assert len(set(result.rows)) == len(result.rows), "the query repeats rows"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_with_its_default(setting):
    row = re.search(rf"^\| `{setting.env_var}` \| (.+?) \|", text(ROOT / "docs" / "settings.md"),
                    flags=re.MULTILINE)
    assert row, f"{setting.env_var} is missing from docs/settings.md"
    if isinstance(setting.default, float):
        assert row.group(1) == f"`{setting.default:g}`"
    elif setting.default:
        assert row.group(1) == f"`{setting.default}`"


def test_the_counts_in_the_docs_are_those_of_the_build(real_settings):
    summary = json.loads(real_settings.summary.read_text(encoding="utf-8"))
    embedded = stats_block(text(ROOT / "docs" / "data.md"))
    assert embedded.strip() == summary_markdown(summary).strip(), (
        "docs/data.md is out of date: run `kg build && kg stats --update docs/data.md`")
