"""The layering rules hold in the code: data flows one way, and each rule has its home.

Read from the source itself (ast), so a new module is held to them without being listed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "kg"
WEB = PACKAGE / "web"
RDF_LIBRARIES = ("rdflib", "pyoxigraph", "owlrl", "pyshacl")
BLUEPRINTS = sorted(p for p in WEB.glob("*.py") if "Blueprint(" in p.read_text(encoding="utf-8"))
SPARQL = re.compile(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b[^\n]*(\bWHERE\b|\{)", re.IGNORECASE)


def modules(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module name the file imports, at any depth (lazy imports included)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def name(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


@pytest.mark.parametrize("path", modules(WEB), ids=name)
def test_the_web_surfaces_touch_no_rdf_library(path):
    """Blueprints route, negotiate and render; the read layer and the registry touch RDF."""
    used = {n for n in imported(path) if n.split(".")[0] in RDF_LIBRARIES}
    assert not used, f"{name(path)} imports {sorted(used)}: move that code to kg.read"


@pytest.mark.parametrize("path", modules(WEB), ids=name)
def test_the_web_surfaces_write_no_sparql(path):
    texts = [node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    queries = [t for t in texts if SPARQL.search(t)]
    assert not queries, f"{name(path)} writes SPARQL: {queries[0][:80]!r}"


def test_there_are_blueprints_to_check():
    assert len(BLUEPRINTS) >= 4


@pytest.mark.parametrize("path", BLUEPRINTS, ids=name)
def test_blueprints_never_import_each_other(path):
    others = {f"kg.web.{p.stem}" for p in BLUEPRINTS if p != path}
    assert not imported(path) & others, f"{name(path)} imports another blueprint"


@pytest.mark.parametrize("path", modules(PACKAGE / "read"), ids=name)
def test_the_read_layer_knows_no_flask(path):
    used = {n for n in imported(path) if n.split(".")[0] in ("flask", "werkzeug", "markupsafe")}
    assert not used and not {n for n in imported(path) if n.startswith("kg.web")}, name(path)


@pytest.mark.parametrize("path", modules(PACKAGE), ids=name)
def test_only_the_settings_read_the_environment(path):
    if path.name == "settings.py":
        return
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"os\.environ|os\.getenv|getenv\(", text), name(path)
