"""The vendored editor bundle: built from the committed lockfile, licensed, shipped, and
nothing on the query page comes from anywhere but the app itself.

CI does not run npm, so the bundle is committed; these tests hold it to the lockfile it claims
to come from (scripts/build-editor.sh rebuilds it: `npm ci`, then esbuild).
"""

from __future__ import annotations

import json
import re
import tomllib
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "src" / "kg" / "web" / "static"
BUNDLE = STATIC / "vendor" / "editor.js"
LICENCES = STATIC / "vendor" / "editor.LICENSES.txt"
LOCK = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
PACKAGE = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))


def locked(name: str) -> str:
    return LOCK["packages"][f"node_modules/{name}"]["version"]


def bundled() -> dict[str, str]:
    """name -> version, as the bundle's banner lists what went into it."""
    banner = BUNDLE.read_text(encoding="utf-8").split("*/", 1)[0]
    listed = re.search(r"Bundled: (.*?)\. Licences", banner).group(1)
    return dict(item.rsplit("@", 1) for item in listed.split(", "))


def test_the_dependencies_are_pinned_and_locked():
    for group in ("dependencies", "devDependencies"):
        for name, version in PACKAGE[group].items():
            assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned: {version}"
            assert locked(name) == version, name
    assert LOCK["packages"][""]["dependencies"] == PACKAGE["dependencies"]


def test_the_bundle_holds_exactly_the_locked_versions():
    packages = bundled()
    assert set(PACKAGE["dependencies"]) <= set(packages)
    for name, version in packages.items():
        assert locked(name) == version, f"{name}@{version} is not what the lockfile holds"
    assert "esbuild" not in packages  # a build tool, not part of the page
    assert BUNDLE.stat().st_size > 100_000  # a real build, not a stub


def test_every_bundled_package_ships_its_licence_beside_the_bundle():
    text = LICENCES.read_text(encoding="utf-8")
    for name, version in bundled().items():
        section = text.split(f"{name}@{version} (", 1)
        assert len(section) == 2, f"no licence for {name}@{version}"
        licence = section[1].split("\n", 2)[2][:3000]  # after the heading and its underline
        assert "Permission is hereby granted" in licence, f"{name}: not the MIT text it declares"


def test_the_build_script_rebuilds_from_the_lockfile():
    script = (ROOT / "scripts" / "build-editor.sh").read_text(encoding="utf-8")
    assert "npm ci" in script and "npm install" not in script
    assert "node scripts/editor/build.mjs" in script
    build = (ROOT / "scripts" / "editor" / "build.mjs").read_text(encoding="utf-8")
    assert 'entryPoints: [join(root, "scripts", "editor", "entry.js")]' in build
    assert "editor.LICENSES.txt" in build and "minify: true" in build


def test_the_package_ships_the_bundle_and_the_page_scripts():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = data["tool"]["setuptools"]["package-data"]["kg"]
    assert {"web/static/*", "web/static/vendor/*", "web/static/workbench/*"} <= set(globs)
    static = files("kg").joinpath("web/static")
    for name in ("vendor/editor.js", "vendor/editor.LICENSES.txt", "query.js", "editor.css",
                 "workbench.css", "workbench/editor.js"):
        assert static.joinpath(name).is_file(), name


def test_the_page_scripts_load_nothing_from_elsewhere():
    """Every import is relative and no script or style names another origin."""
    for path in [*STATIC.glob("*.js"), *STATIC.glob("*.css"), *STATIC.glob("workbench/*")]:
        text = path.read_text(encoding="utf-8")
        for source in re.findall(r'^import .*? from "([^"]+)"', text, flags=re.MULTILINE):
            assert source.startswith("./") or source.startswith("../"), (path, source)
        # Namespace IRIs (SVG's, XSD's) are names; what would load is fetch, url() and @import.
        loads = r"""(?:fetch\(|url\(|@import|\.src\s*=|\.href\s*=)\s*["'`]?(?:https?:)?//"""
        assert not re.search(loads, text), path
        assert "eval(" not in text and "new Function" not in text, path
