"""py-spy's collapsed stacks (`--format raw`: one `frame;frame;… count` line per stack, root
first) sorted into the parts of the light request path.

A sample goes to the innermost frame that names a part: the kg function it is in, or logging,
JSON or gunicorn. Flask and Werkzeug frames name no part by themselves: their time goes to the
kg function that called them (Werkzeug's Accept parsing under kg.formats.negotiate is content
negotiation), else, under gunicorn, to Flask and Werkzeug.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")

PYOXIGRAPH = "pyoxigraph (the query and reading its answer)"
THREAD = "thread per query (start, join, its lock and stack size)"
CHECKS = "safety checks (guard, needs_check, graph_names)"
JSON = "JSON serialization"
CACHE = "answer cache (key, lookup, store, ETag, conditional)"
NEGOTIATION = "endpoint: content negotiation"
ENDPOINT = "endpoint: its own code (request args, protocol parse, Response, headers)"
FLASK = "Flask and Werkzeug (routing, contexts, request and response)"
LOGGING = "logging (gunicorn's access log)"
GUNICORN = "gunicorn (event loop, HTTP parsing, sockets, thread pool)"
OTHER = "no Python frame (mostly query threads starting or ending)"
PARTS = (GUNICORN, LOGGING, FLASK, NEGOTIATION, ENDPOINT, CACHE, CHECKS, THREAD, PYOXIGRAPH,
         JSON, OTHER)

# (file suffix, function or None for any) -> part, for the kg frames that name one.
KG_FRAMES: tuple[tuple[str, str | None, str], ...] = (
    ("kg/render.py", None, JSON),
    ("kg/web/cache.py", None, CACHE),
    ("kg/web/sparql.py", "_cache_key", CACHE),
    ("kg/web/sparql.py", "_stored", CACHE),
    ("kg/web/sparql.py", "_answer", CACHE),
    ("kg/guard.py", None, CHECKS),
    ("kg/query.py", "needs_check", CHECKS),
    ("kg/query.py", "classify", CHECKS),
    ("kg/query.py", "check_allowed", CHECKS),
    ("kg/store.py", "graph_names", CHECKS),
    ("kg/query.py", "_collect", PYOXIGRAPH),
    ("kg/query.py", "run_query.<locals>.work", PYOXIGRAPH),
    ("kg/query.py", "run_query", THREAD),
    ("kg/formats.py", "negotiate", NEGOTIATION),
)


def frame_part(func: str, file: str) -> str | None:
    """The part a frame names by itself, or None (a library frame that does not)."""
    if "logging/" in file or file.endswith("gunicorn/glogging.py"):
        return LOGGING
    if file.startswith("json/"):
        return JSON
    if "pyoxigraph" in file:
        return PYOXIGRAPH
    for suffix, name, part in KG_FRAMES:
        if file.endswith(suffix) and (name is None or func == name or
                                      func.startswith(name + ".<locals>.<")):
            return part
    if file.startswith("kg/") or "/kg/" in file:
        return ENDPOINT
    if file.startswith("gunicorn/") or "/gunicorn/" in file:
        return GUNICORN
    return None


def stack_part(frames: list[tuple[str, str]]) -> str:
    """The part of one sample, from its frames (root first)."""
    flask_seen = False
    for func, file in reversed(frames):
        part = frame_part(func, file)
        if part == GUNICORN and flask_seen:
            return FLASK
        if part is not None:
            return part
        flask_seen |= file.startswith(("flask/", "werkzeug/"))
    if flask_seen:
        return FLASK
    names = {file for _, file in frames}
    if names and all(file.startswith("threading.py") for file in names):
        return THREAD  # a query thread starting or ending, before or after run_query's work
    if any(file.startswith(("concurrent/", "selectors.py", "socket.py")) for file in names):
        return GUNICORN
    return OTHER


def read_stacks(lines: Iterable[str]) -> list[tuple[list[tuple[str, str]], int]]:
    stacks = []
    for line in lines:
        if not line.strip():
            continue
        text, count = line.rstrip("\n").rsplit(" ", 1)
        frames = []
        for raw in text.split(";"):
            match = FRAME.match(raw)
            if match:
                frames.append((match["func"], match["file"]))
        stacks.append((frames, int(count)))
    return stacks


def classify(path: Path) -> dict[str, object]:
    """Samples per part, as counts and shares, and the busiest functions (leaf frames)."""
    stacks = read_stacks(path.read_text(encoding="utf-8").splitlines())
    parts: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for frames, count in stacks:
        parts[stack_part(frames)] += count
        if frames:
            leaves[f"{frames[-1][0]} ({frames[-1][1]})"] += count
    total = sum(parts.values())
    return {
        "samples": total,
        "parts": {part: {"samples": parts[part],
                         "share": round(parts[part] / total, 4) if total else 0.0}
                  for part in PARTS if parts[part]},
        "top_leaves": [{"frame": frame, "share": round(n / total, 4)}
                       for frame, n in leaves.most_common(15)],
    }
