"""The README tells the truth: its commands, its queries and its counts match the project."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.examples import examples
from kg.report import summary_markdown
from kg.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
TEST_COMMAND = "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && pytest"
RUN_COMMAND = "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && kg serve"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


EXAMPLES = [q for q in blocks("sparql") if not q.lstrip().startswith("PREFIX")]


def test_the_two_fresh_machine_commands_are_given():
    commands = [b.strip() for b in blocks("bash")]
    assert RUN_COMMAND in commands
    assert TEST_COMMAND in commands


def test_ci_runs_exactly_the_readme_test_command():
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert lines[-1].strip() == TEST_COMMAND


def test_there_are_at_least_ten_example_queries():
    assert len(EXAMPLES) >= 10


def test_the_readme_examples_are_those_the_query_page_offers():
    numbered = re.findall(r"^\d+\. \*\*(.+?)\*\*\n\n```sparql\n(.*?)```", README,
                          flags=re.MULTILINE | re.DOTALL)
    assert [(title, query.strip()) for title, query in numbered] == [
        (e.title, e.query.strip()) for e in examples()
    ]
    assert len(numbered) == len(EXAMPLES)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_with_its_default(setting):
    row = re.search(rf"^\| `{setting.env_var}` \| (.+?) \|", README, flags=re.MULTILINE)
    assert row, f"{setting.env_var} is missing from the README's settings table"
    if isinstance(setting.default, float):
        assert row.group(1) == f"`{setting.default:g}`"
    elif setting.default:
        assert row.group(1) == f"`{setting.default}`"


@pytest.mark.parametrize("query", EXAMPLES, ids=lambda q: q.splitlines()[0][:40])
def test_every_example_query_answers(ask, query):
    result = ask(query)
    assert result.kind == "select"
    assert result.rows, "the example returns nothing"
    assert len(set(result.rows)) == len(result.rows), "the example repeats rows"


def test_the_counts_in_the_readme_are_those_of_the_build(real_settings):
    summary = json.loads(real_settings.summary.read_text(encoding="utf-8"))
    embedded = README.split("<!-- stats:start -->\n")[1].split("<!-- stats:end -->")[0]
    assert embedded.strip() == summary_markdown(summary).strip()
