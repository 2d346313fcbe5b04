"""What a figure needs to be read and kept: machine facts, results as JSON, Markdown sections
between `<!-- bench:NAME:start/end -->` markers, and small text helpers."""

from __future__ import annotations

import json
import os
import platform
import re
import textwrap
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from harness import FIGURES, RESULTS


def versions(*packages: str) -> dict[str, str]:
    found = {}
    for package in packages:
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def machine(*packages: str) -> dict[str, Any]:
    """The facts a figure needs to be read: cores, Python, platform, load, package versions."""
    return {"cpu_count": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "load_average": os.getloadavg(),
            **versions(*packages)}


def write_results(name: str, data: Mapping[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_results(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def markers(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"


def replace_section(name: str, text: str, readme: Path = FIGURES) -> bool:
    """Put `text` between the file's `bench:<name>` markers; False if they are missing.

    Only the text between the markers changes."""
    start, end = markers(name)
    current = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(current):
        return False
    updated = pattern.sub(lambda _: f"{start}\n{text.strip()}\n{end}", current, count=1)
    if updated != current:
        readme.write_text(updated, encoding="utf-8")
    return True


def wrap(lines: list[str], width: int = 100) -> str:
    """Paragraphs wrapped like the rest of the README; tables, headings, lists and code left
    alone."""
    out = []
    for line in lines:
        if line.startswith(("|", "#", "```", "    ")) or len(line) <= width:
            out.append(line)
        else:
            out.append(textwrap.fill(line, width, break_long_words=False,
                                     break_on_hyphens=False,
                                     subsequent_indent="  " if line.startswith("- ") else ""))
    return "\n".join(out)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "es" if word.endswith("s") else "s")
