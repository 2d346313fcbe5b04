"""Build summaries as text for the terminal and as Markdown tables for docs/data.md.

The summary is plain data (see build.summarize); these functions only choose a layout.
The Markdown form leaves out timings so the docs change only when the graph does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kg.atomic import write_atomic
from kg.errors import KgError
from kg.settings import Settings
from kg.store import StoreError

PROJECT_TERMS = "kg:"


def _table(title: str, rows: Mapping[str, object], headers: tuple[str, ...] = ()) -> list[str]:
    if not rows:
        return [f"{title}: none"]
    width = max(len(k) for k in rows)
    lines = [(f"{title}:".ljust(width + 2) + "".join(f"  {h:>8}" for h in headers)).rstrip()]
    for key, value in rows.items():
        cells = value.values() if isinstance(value, dict) else [value]
        lines.append(f"  {key:<{width}}" + "".join(f"  {c:>8}" for c in cells))
    return lines


def inference_words(inference: Mapping[str, Any]) -> str:
    """What the build's reasoning step did, in words."""
    if inference.get("skipped"):
        return "skipped (setting reasoning is off: KG_REASONING=off)"
    return f"{inference['added']} triples added in {inference['seconds']:.3f} s"


def validation_words(validation: Mapping[str, Any]) -> str:
    """What the build's validation step found, in words: a build that skipped it was not
    validated, which is neither a pass nor a failure."""
    if validation.get("skipped"):
        return "skipped (setting validation is off: KG_VALIDATION=off)"
    verdict = "conforms" if validation["conforms"] else "FAILED"
    return f"{verdict} in {validation['seconds']:.3f} s"


def summary_text(summary: Mapping[str, Any]) -> str:
    """Totals, then counts per source, graph, class and property."""
    triples = summary["triples"]
    sources = {stem: {"facts": s["facts"], "quotes": s["evidence"]}
               for stem, s in summary["sources"].items()}
    lines = [
        f"Triples: {triples['total']} ({triples['asserted']} asserted, "
        f"{triples['inferred']} inferred)",
        f"Inference: {inference_words(summary['inference'])}",
        f"Validation: {validation_words(summary['validation'])}",
        f"Built at {summary['built_at']}",
        "",
        *_table("Sources", sources, ("facts", "quotes")),
        "",
        *_table("Graphs", summary["graphs"]),
        "",
        *_table("Classes", summary["classes"]),
        "",
        *_table("Properties", summary["properties"], ("asserted", "inferred")),
    ]
    return "\n".join(lines)


def summary_markdown(summary: Mapping[str, Any]) -> str:
    """What the graph holds, as the Markdown tables the README embeds."""
    triples, sources, terms = summary["triples"], summary["sources"], summary["terms"]
    facts = sum(s["facts"] for s in sources.values())
    quotes = sum(s["evidence"] for s in sources.values())
    lines = [
        f"{facts} facts from {len(sources)} sources, backed by {quotes} quotes; "
        f"{triples['asserted']} triples asserted and {triples['inferred']} inferred by OWL-RL.",
        "",
        "| Source | File | Facts | Quotes |",
        "|---|---|---:|---:|",
        *(f"| {s['title']} | `{stem}` | {s['facts']} | {s['evidence']} |"
          for stem, s in sources.items()),
        "",
        "| Class | Instances | Meaning |",
        "|---|---:|---|",
        *(f"| `{name}` | {count} | {terms.get(name, '')} |"
          for name, count in summary["classes"].items() if name.startswith(PROJECT_TERMS)),
        "",
        "| Property | Asserted | Inferred | Meaning |",
        "|---|---:|---:|---|",
        *(f"| `{name}` | {c['asserted']} | {c['inferred']} | {terms.get(name, '')} |"
          for name, c in summary["properties"].items() if name.startswith(PROJECT_TERMS)),
    ]
    return "\n".join(lines)


STATS_START, STATS_END = "<!-- stats:start -->\n", "<!-- stats:end -->"


def stats_block(text: str) -> str:
    """The Markdown between a document's stats markers (KgError without them)."""
    if STATS_START not in text or STATS_END not in text:
        raise KgError(f"no {STATS_START.strip()} … {STATS_END} markers to write between")
    return text.split(STATS_START, 1)[1].split(STATS_END, 1)[0]


def update_stats_block(path: Path, tables: str) -> bool:
    """Put `tables` between the stats markers of the file at `path`; False if already there."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise KgError(f"cannot read {path}: {error.strerror}") from None
    old = stats_block(text)
    new = tables.strip() + "\n"
    if old == new:
        return False
    write_atomic(path, text.replace(STATS_START + old + STATS_END,
                                    STATS_START + new + STATS_END).encode("utf-8"))
    return True


SUMMARY_KEYS = frozenset(
    {"built_at", "triples", "sources", "terms", "graphs", "classes", "properties",
     "inference", "validation"}
)


def read_summary(settings: Settings) -> dict[str, object]:
    """The summary of the last successful build."""
    if not settings.summary.is_file():
        raise StoreError(f"no build summary at {settings.summary}; run `kg build` first")
    try:
        summary = json.loads(settings.summary.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise StoreError(f"{settings.summary}: unreadable ({error}); run `kg build`") from None
    missing = SUMMARY_KEYS - set(summary) if isinstance(summary, dict) else SUMMARY_KEYS
    if missing:
        raise StoreError(
            f"{settings.summary}: not a summary of this version of kg (lacks "
            f"{', '.join(sorted(missing))}); run `kg build`"
        )
    return summary
