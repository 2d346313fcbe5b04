"""The example queries: one file, shown in the README and on the query page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class Example:
    title: str
    query: str


@cache
def examples() -> tuple[Example, ...]:
    """The examples of `examples.rq`, in order: each is a `#: title` line and its query."""
    text = files("kg").joinpath("examples.rq").read_text(encoding="utf-8")
    found = re.findall(r"^#: ([^\n]+)\n(.*?)(?=^#: |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    return tuple(Example(title.strip(), query.strip() + "\n") for title, query in found)
