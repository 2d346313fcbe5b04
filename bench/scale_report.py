"""scale.py's results file, its plot (bench/scale.png) and its README table."""

from __future__ import annotations

import hashlib
import json
import os
import platform
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

from harness import PICTURES, RESULTS, ROOT
from harness.plots import pyplot

SCALE_RESULTS = RESULTS / "scale.json"
PLOT = PICTURES / "scale.png"


def load_results() -> dict[str, Any]:
    if SCALE_RESULTS.is_file():
        return json.loads(SCALE_RESULTS.read_text())
    return {"runs": {}}


def save(results: dict[str, Any]) -> None:
    SCALE_RESULTS.parent.mkdir(parents=True, exist_ok=True)
    results["runs"] = dict(sorted(results["runs"].items(), key=lambda kv: int(kv[0])))
    SCALE_RESULTS.write_text(json.dumps(results, indent=2) + "\n")


def store_py_sha256() -> str:
    """load_store is measured as src/kg/store.py stands: note which version that was."""
    return hashlib.sha256((ROOT / "src/kg/store.py").read_bytes()).hexdigest()[:16]


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text().split()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "memory_gb": round(int(meminfo[1]) / 2**20, 1),
        "versions": {p: version(p) for p in ("pyoxigraph", "rdflib", "owlrl", "pyshacl")},
        "store_py_sha256": store_py_sha256(),
    }


def _series(runs: list[dict[str, Any]], *path: str) -> tuple[list[int], list[float]]:
    xs, ys = [], []
    for run_ in runs:
        value: Any = run_
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, (int, float)) and value > 0:
            xs.append(run_["generate"]["triples"])
            ys.append(value)
    return xs, ys


def plot(results: dict[str, Any]) -> None:
    plt = pyplot()
    runs = list(results["runs"].values())
    fig, axes = plt.subplots(1, 3, figsize=(16, 5.2))
    panels: list[tuple[str, list[tuple[str, tuple[str, ...]]]]] = [
        ("CPU time (s)", [
            ("build, OWL-RL + SHACL on", ("build_full", "cpu_s")),
            ("  of which rdflib load", ("build_full", "load_cpu_s")),
            ("  of which OWL-RL", ("build_full", "inference_cpu_s")),
            ("  of which SHACL", ("build_full", "validation_cpu_s")),
            ("build, streaming (both off)", ("build_streaming", "cpu_s")),
            ("store: load_store", ("load_store", "cpu_s")),
            ("store: bare pyoxigraph load", ("bare_load", "cpu_s")),
            ("store: proposed load (per-graph INSERT)", ("proposed_load", "cpu_s")),
            ("kg serve: CPU to first answer", ("serve", "startup_cpu_s")),
        ]),
        ("peak RSS (MB)", [
            ("build, OWL-RL + SHACL on", ("build_full", "peak_rss_mb")),
            ("build, streaming", ("build_streaming", "peak_rss_mb")),
            ("store: load_store", ("load_store", "peak_rss_mb")),
            ("store: bare pyoxigraph load", ("bare_load", "peak_rss_mb")),
            ("store: proposed load (per-graph INSERT)", ("proposed_load", "peak_rss_mb")),
            ("kg serve master", ("serve", "master_peak_rss_mb")),
        ]),
        ("query latency, median (ms)", [
            (name, ("serve", "queries", name, "answered_ms"))
            for name in (runs[0]["serve"]["queries"] if runs else {})
        ]),
    ]
    # A query stopped by the time limit has no latency to plot: mark where it was stopped.
    stopped = []
    for run_ in runs:
        for figures in run_["serve"]["queries"].values():
            if figures["status"] == 200:
                figures["answered_ms"] = figures["median_ms"]
            else:
                stopped.append((run_["generate"]["triples"], figures["median_ms"],
                                figures["status"]))
    for axis, (title, lines) in zip(axes, panels, strict=True):
        for label, path in lines:
            xs, ys = _series(runs, *path)
            if xs:
                style = ":" if "of which" in label else "-"
                axis.plot(xs, ys, style, marker="o", label=label.strip())
        if title.startswith("query"):
            for x, y, status in stopped:
                axis.plot([x], [y], "kx", markersize=9)
                axis.annotate(f"HTTP {status}: stopped at\nthe time limit", (x, y),
                              textcoords="offset points", xytext=(-95, -4), fontsize=7)
        xs, _ = _series(runs, "generate", "triples")
        if xs and title != "query latency, median (ms)":
            base = min(y for line in axis.get_lines() for y in line.get_ydata())
            axis.plot([xs[0], xs[-1]], [base, base * xs[-1] / xs[0]], color="grey",
                      linestyle="--", linewidth=0.8, label="linear growth")
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("asserted triples")
        axis.set_title(title)
        axis.grid(True, which="both", linewidth=0.3)
        axis.legend(fontsize=7)
    fig.suptitle("kg at scale: synthetic projects (kg generate), "
                 f"{results.get('machine', {}).get('cpus', '?')} cores")
    fig.tight_layout()
    fig.savefig(PLOT, dpi=110)
    print(f"wrote {PLOT}")


def markdown(results: dict[str, Any]) -> str:
    runs = list(results["runs"].values())

    def cell(run_: dict[str, Any], *path: str, unit: str = "") -> str:
        value: Any = run_
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            return "–"
        if isinstance(value, float):  # at most three significant figures, or whole numbers
            value = round(value) if value >= 100 else f"{value:.3g}"
        return f"{value:,}{unit}" if isinstance(value, int) else f"{value}{unit}"

    head = ("| asserted triples | " + " | ".join(f"{r['generate']['triples']:,}" for r in runs)
            + " |")
    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("sources / facts", lambda r: f"{r['generate']['sources']} / {r['generate']['facts']:,}"),
        ("generate, wall", lambda r: cell(r, "generate", "wall_s", unit=" s")),
        ("build, full: CPU", lambda r: cell(r, "build_full", "cpu_s", unit=" s")),
        ("  load (rdflib): CPU", lambda r: cell(r, "build_full", "load_cpu_s", unit=" s")),
        ("  OWL-RL: CPU", lambda r: cell(r, "build_full", "inference_cpu_s", unit=" s")),
        ("  SHACL: CPU", lambda r: cell(r, "build_full", "validation_cpu_s", unit=" s")),
        ("  peak RSS", lambda r: cell(r, "build_full", "peak_rss_mb", unit=" MB")),
        ("build, streaming: CPU", lambda r: cell(r, "build_streaming", "cpu_s", unit=" s")),
        ("  wall", lambda r: cell(r, "build_streaming", "wall_s", unit=" s")),
        ("  peak RSS", lambda r: cell(r, "build_streaming", "peak_rss_mb", unit=" MB")),
        ("artifact", lambda r: cell(r, "build_streaming", "artifact_mb", unit=" MB")),
        ("served build", lambda r: r["served"]),
        ("load_store: CPU", lambda r: cell(r, "load_store", "cpu_s", unit=" s")),
        ("  peak RSS", lambda r: cell(r, "load_store", "peak_rss_mb", unit=" MB")),
        ("bare pyoxigraph load: CPU", lambda r: cell(r, "bare_load", "cpu_s", unit=" s")),
        ("  peak RSS", lambda r: cell(r, "bare_load", "peak_rss_mb", unit=" MB")),
        ("proposed load (per-graph INSERT): CPU",
         lambda r: cell(r, "proposed_load", "cpu_s", unit=" s")),
        ("  peak RSS", lambda r: cell(r, "proposed_load", "peak_rss_mb", unit=" MB")),
        ("kg serve: first answer, wall", lambda r: cell(r, "serve", "startup_s", unit=" s")),
        ("  master CPU until then", lambda r: cell(r, "serve", "startup_cpu_s", unit=" s")),
        ("  master peak RSS", lambda r: cell(r, "serve", "master_peak_rss_mb", unit=" MB")),
        ("  PSS, all processes", lambda r: cell(r, "serve", "total_pss_mb", unit=" MB")),
    ]
    names = list(runs[0]["serve"]["queries"]) if runs else []

    def query_cell(run_: dict[str, Any], name: str) -> str:
        figures = run_["serve"]["queries"].get(name, {})
        if figures.get("status", 200) != 200:
            return f"HTTP {figures['status']} after {figures['median_ms'] / 1000:.0f} s"
        return cell(run_, "serve", "queries", name, "median_ms", unit=" ms")

    rows += [(f"query: {name}", partial(query_cell, name=name)) for name in names]
    lines = [head, "|---|" + "---:|" * len(runs)]
    lines += [f"| {label} | " + " | ".join(fn(r) for r in runs) + " |" for label, fn in rows]
    return "\n".join(lines)
