"""The figures of servers.py's rounds, summarised: medians over rounds, the ratio to
Oxigraph taken within each round, and the issue's targets."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from harness.client import fetch
from harness.peers import OURS, OXIGRAPH, Server
from harness.queries import Query
from harness.stats import median_ratio


def summarise(runs: list[dict[str, Any]], names: Sequence[str]) -> list[dict[str, Any]]:
    """Per phase, query, concurrency and server: medians over rounds, errors summed, and the
    ratio to Oxigraph of throughput and of p50 taken within each round."""
    keys = sorted({(r["phase"], r["query"], r["concurrency"]) for r in runs},
                  key=lambda k: (k[0], k[2], k[1]))
    summary = []
    for phase, query, level in keys:
        same = [r for r in runs if (r["phase"], r["query"], r["concurrency"]) == (phase, query,
                                                                                  level)]
        oxigraph = {r["round"]: r for r in same if r["server"] == OXIGRAPH}
        for name in names:
            mine = [r for r in same if r["server"] == name]
            if not mine:
                continue
            row: dict[str, Any] = {"phase": phase, "query": query, "concurrency": level,
                                   "server": name, "rounds": len(mine)}
            for key in ("rps", "p50_ms", "p95_ms", "p99_ms", "client_cpu", "server_cpu_ms"):
                values = [r[key] for r in mine if key in r]
                if values:
                    row[key] = round(statistics.median(values), 3)
            row["errors"] = sum(r["errors"] for r in mine)
            paired = [r for r in mine if r["round"] in oxigraph]
            if name != OXIGRAPH and paired:
                for key in ("rps", "p50_ms"):
                    mid, low, high = median_ratio([r[key] for r in paired],
                                                  [oxigraph[r["round"]][key] for r in paired])
                    row[f"{key}_vs_oxigraph"] = [round(mid, 3), round(low, 3), round(high, 3)]
            summary.append(row)
    return summary


def pick(summary: list[dict[str, Any]], phase: str, query: str, level: int,
         server: str) -> dict[str, Any]:
    for row in summary:
        if (row["phase"], row["query"], row["concurrency"], row["server"]) == (
                phase, query, level, server):
            return row
    return {}


def targets(summary: list[dict[str, Any]], mix: Sequence[Query],
            levels: Sequence[int]) -> dict[str, Any]:
    """The issue's two targets, and the documented queries' p50 with the whole prefix table."""
    top, low = max(levels), min(levels)
    overall = pick(summary, "mix", "all", top, OURS)
    ratio = overall.get("rps_vs_oxigraph", [None, None, None])
    readme_p50 = {q.key: pick(summary, "solo", q.key, low, OURS).get("p50_ms")
                  for q in mix if q.readme}
    known = [v for v in readme_p50.values() if v is not None]
    full = [pick(summary, "full-prefixes", q.key, 1, OURS) for q in mix if q.readme]
    full_p50 = [r["p50_ms"] for r in full if r and not r["errors"]]
    return {
        "throughput_vs_oxigraph": {
            "target": 0.5, "concurrency": top, "ratio": ratio[0], "range": ratio[1:],
            "met": ratio[0] is not None and ratio[0] >= 0.5},
        "readme_p50_ms": {
            "target": 10.0, "concurrency": low, "per_query": readme_p50,
            "worst": max(known) if known else None,
            "worst_query": max(readme_p50, key=lambda k: readme_p50[k] or 0) if known else None,
            "median": statistics.median(known) if known else None,
            "under_target": sum(v < 10 for v in known), "queries": len(known),
            "mix_p50": pick(summary, "mix", "readme", low, OURS).get("p50_ms"),
            "met": bool(known) and max(known) < 10},
        "readme_p50_ms_full_prefix_table": {
            "per_query": {r["query"]: r["p50_ms"] for r in full if r},
            "refused": sum(bool(r and r["errors"]) for r in full),
            "median": statistics.median(full_p50) if full_p50 else None,
            "worst": max(full_p50) if full_p50 else None,
            "under_target": sum(v < 10 for v in full_p50)},
    }


def full_prefix_probe(server: Server, mix: Sequence[Query]) -> dict[str, Any]:
    """How our endpoint answers a README query sent after the whole prefix table."""
    status, _, body = fetch(server.port, server.request(mix[0], every_prefix=True))
    return {"query": mix[0].key, "status": status,
            "message": "" if status == 200 else body[:300].decode("utf-8", "replace")}
