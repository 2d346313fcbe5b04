"""uncached.py's figures: medians over rounds with the ratio to Oxigraph taken within each
round, the issue's targets, the client's own ceiling, the plot and the docs/figures.md section."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from harness import PICTURES
from harness.peers import OURS, OXIGRAPH
from harness.plots import pyplot
from harness.report import plural, wrap
from harness.stats import median_range, median_ratio

PLOT = PICTURES / "uncached.png"
SERVERS = (OURS, OXIGRAPH)
FIGURES = ("rps", "p50_ms", "p95_ms", "p99_ms", "server_cpu_us", "client_cpu_us",
           "client_cores")
# Issue 13's targets: (workload, concurrency, figure, at least / under, value).
TARGETS = {
    "light_throughput": ("light", 16, "rps_vs_oxigraph", "at least", 0.15),
    "light_p50_ms": ("light", 1, "p50_ms", "under", 0.5),
    "mix_throughput": ("mix", 16, "rps_vs_oxigraph", "at least", 1.5),
}


def summarise(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per workload, level and server: medians over rounds, errors summed, and for kg serve
    the per-round ratios to Oxigraph of req/s and of p50 (median, lowest, highest)."""
    keys = dict.fromkeys((r["workload"], r["concurrency"]) for r in runs)
    summary = []
    for workload, level in keys:
        same = [r for r in runs if (r["workload"], r["concurrency"]) == (workload, level)]
        theirs = {r["round"]: r for r in same if r["server"] == OXIGRAPH}
        for name in SERVERS:
            mine = [r for r in same if r["server"] == name]
            row: dict[str, Any] = {"workload": workload, "concurrency": level,
                                   "server": name, "rounds": len(mine),
                                   "errors": sum(r["errors"] for r in mine)}
            for key in FIGURES:
                row[key] = round(statistics.median(r[key] for r in mine), 4)
            paired = [r for r in mine if r["round"] in theirs]
            if name != OXIGRAPH and paired:
                for key in ("rps", "p50_ms"):
                    ratio = median_ratio([r[key] for r in paired],
                                         [theirs[r["round"]][key] for r in paired])
                    row[f"{key}_vs_oxigraph"] = [round(x, 4) for x in ratio]
            summary.append(row)
    return summary


def pick(summary: list[dict[str, Any]], workload: str, level: int,
         server: str) -> dict[str, Any]:
    return next((r for r in summary if (r["workload"], r["concurrency"], r["server"])
                 == (workload, level, server)), {})


def targets(summary: list[dict[str, Any]], levels: Sequence[int]) -> dict[str, Any]:
    found = {}
    for name, (workload, level, figure, sense, goal) in TARGETS.items():
        row = pick(summary, workload, level, OURS) if level in levels else {}
        value = row.get(figure)
        mid = value[0] if isinstance(value, list) else value
        met = mid is not None and (mid >= goal if sense == "at least" else mid < goal)
        found[name] = {"workload": workload, "concurrency": level, "figure": figure,
                       "target": f"{sense} {goal:g}", "value": mid,
                       "range": value[1:] if isinstance(value, list) else None, "met": met}
    return found


def client(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The load client's own cost: CPU per request and the rate one core of it could send,
    against the fastest rate any server reached."""
    light = [r for r in runs if r["workload"] == "light" and r["server"] == OXIGRAPH]
    busiest = max(runs, key=lambda r: r["rps"])
    cpu = median_range(r["client_cpu_us"] for r in light)
    return {"cpu_us_per_request": [round(x, 2) for x in cpu],
            "ceiling_rps_per_core": round(1e6 / cpu[0]) if cpu[0] else None,
            "fastest_rps": round(busiest["rps"]),
            "fastest_client_cores": round(busiest["client_cores"], 3)}


def failures(data: dict[str, Any]) -> list[str]:
    found = [f"{row['query']} on {name}: HTTP {row[name]['status']}" for row in data["check"]
             for name in SERVERS if row[name]["status"] != 200]
    found += [f"{row['query']}: kg serve cut the answer at {row[OURS]['cut']} rows"
              for row in data["check"] if row[OURS]["cut"]]
    found += [f"{r['errors']} failed requests: {r['server']}, {r['workload']}, concurrency "
              f"{r['concurrency']}" for r in data["summary"] if r["errors"]]
    return found


def table(data: dict[str, Any]) -> list[str]:
    lines = ["| workload | conc. | server | req/s | × Oxigraph (per-round range) | p50 ms "
             "| p95 ms | p99 ms | errors | server CPU µs/req |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in data["summary"]:
        ratio = row.get("rps_vs_oxigraph")
        shown = f"**{ratio[0]:.2f}×** ({ratio[1]:.2f}–{ratio[2]:.2f})" if ratio else "–"
        lines.append(f"| {row['workload']} | {row['concurrency']} | {row['server']} "
                     f"| {row['rps']:,.0f} | {shown} | {row['p50_ms']:.2f} "
                     f"| {row['p95_ms']:.2f} | {row['p99_ms']:.1f} | {row['errors']} "
                     f"| {row['server_cpu_us']:,.0f} |")
    return lines


def target_lines(found: dict[str, Any]) -> list[str]:
    lines = []
    for item in found.values():
        what = ("throughput, × Oxigraph's" if item["figure"] == "rps_vs_oxigraph"
                else "p50 latency, ms")
        shown = "not measured" if item["value"] is None else (
            f"{item['value']:.2f}×" if item["figure"] == "rps_vs_oxigraph"
            else f"{item['value']:.2f} ms")
        spread = (f" (per round {item['range'][0]:.2f}–{item['range'][1]:.2f}×)"
                  if item["range"] else "")
        lines.append(f"- {item['workload']}, concurrency {item['concurrency']}, {what}, "
                     f"{item['target']}: **{shown}**{spread}: "
                     + ("met." if item["met"] else "**not met**."))
    return lines


def readme_section(data: dict[str, Any]) -> str:
    m, s, c = data["machine"], data["settings"], data["client"]
    check = {row["query"]: row for row in data["check"]}
    load = [r["load_average"] for r in data["runs"]]
    env = ", ".join(f"{k}={v}" for k, v in data["kg_serve"]["env"].items())
    h7 = check.get("h7", {})
    out = [
        "## Uncached requests against Oxigraph's own server",
        "",
        f"Measured on {data['date']} on a {m['cpu_count']}-core machine by `{data['command']}` "
        f"(after `kg build`; {data['seconds']} s): {plural(s['rounds'], 'round')}, in each "
        f"of which both servers ran {s['seconds']:g} s of load per workload and concurrency "
        "level, one after the other, the order reversed every other round. Every request is "
        "unique (a counter in a trailing comment), so `kg serve`'s answer cache never serves "
        f"one. `kg serve` ran as configured ({data['kg_serve']['workers']} workers × "
        f"{data['kg_serve']['threads']} threads{', ' + env if env else ''}) against "
        f"`oxigraph {data['oxigraph']}` (Oxigraph {m['oxigraph']}) on a store loaded from the "
        "same artifact. The client is wrk with one thread and a Lua script that makes each "
        f"request unique; it spent {c['cpu_us_per_request'][0]:.0f} µs of CPU per request "
        f"against Oxigraph's `ASK {{}}`, a ceiling of about "
        f"{round(c['ceiling_rps_per_core'], -3):,.0f} "
        f"requests/s on one core, and used {c['fastest_client_cores']:.2f} of a core at the "
        f"fastest run ({c['fastest_rps']:,} req/s). Method: [`bench/README.md`]"
        "(../bench/README.md).",
        "",
        "The light workload is `ASK {}`. The mix is "
        f"{len(data['workloads']['mix'])} queries in turn ({', '.join(data['workloads']['mix'])})"
        ": example 1 (a join of facts with their evidence), two multi-hop joins, two "
        "aggregates, OPTIONAL with FILTER, DESCRIBE id:geneva-iv and a CONSTRUCT of the whole "
        "default graph (example 1 is in `src/kg/examples.rq`, the others in "
        "`bench/harness/queries.py`). Each is sent after the "
        "PREFIX lines it uses; SELECT is answered as SPARQL JSON, DESCRIBE and CONSTRUCT as "
        "N-Triples."
        + (f" Oxigraph's union default graph holds graph:shapes too (ours leaves it out), "
           f"so its h7 answer has "
           f"{h7[OXIGRAPH]['items']:,} triples against our {h7[OURS]['items']:,}."
           if h7 and h7[OXIGRAPH]["items"] and h7[OURS]["items"] else ""),
        "",
        "**Targets** (issue 13), medians over rounds of the per-round figures:",
        "",
        *target_lines(data["targets"]),
        "",
        *table(data),
        "",
        "![Uncached requests per second and latency, kg serve and Oxigraph](../bench/uncached.png)",
        "",
        f"The machine was shared: its load average was {min(load):.1f}–{max(load):.1f} during "
        "the run (other work on the same 2 cores), so single rounds swing; the ratios taken "
        "within each round are the figures to compare.",
    ]
    return wrap(out)


def log_axes(axis: Any, levels: Sequence[int]) -> None:
    """Concurrency levels along x, both axes logarithmic."""
    axis.set_xscale("log", base=2)
    axis.set_yscale("log")
    axis.set_xticks(levels, [str(n) for n in levels])
    axis.set_xlabel("concurrent connections")
    axis.grid(True, which="both", linewidth=0.3)
    axis.legend(fontsize=8)


def plot(data: dict[str, Any]) -> None:
    plt = pyplot()
    summary, levels = data["summary"], data["settings"]["concurrency"]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
    colours = {OURS: "tab:blue", OXIGRAPH: "tab:orange"}
    for axis, workload in zip(axes[:2], ("light", "mix"), strict=True):
        for name in SERVERS:
            runs = [r for r in data["runs"] if r["workload"] == workload and r["server"] == name]
            axis.scatter([r["concurrency"] for r in runs], [r["rps"] for r in runs], s=10,
                         color=colours[name], alpha=0.4)
            axis.plot(levels, [pick(summary, workload, n, name)["rps"] for n in levels],
                      marker="o", color=colours[name], label=f"{name} (median; dots: rounds)")
        for level in levels:
            ours = pick(summary, workload, level, OURS)
            axis.annotate(f"{ours['rps_vs_oxigraph'][0]:.2f}×", (level, ours["rps"]),
                          textcoords="offset points", xytext=(4, -12), fontsize=8,
                          color=colours[OURS])
        axis.set_title(f"{workload}: requests/s, every request unique (× Oxigraph)")
        log_axes(axis, levels)
    axis = axes[2]
    for workload, style in (("light", "-"), ("mix", "--")):
        for name in SERVERS:
            axis.plot(levels, [pick(summary, workload, n, name)["p50_ms"] for n in levels],
                      style, marker="o", color=colours[name], label=f"{name}, {workload}")
    axis.axhline(0.5, color="grey", linewidth=0.8, linestyle=":")
    axis.annotate("light p50 target, 0.5 ms", (levels[0], 0.5), fontsize=7,
                  textcoords="offset points", xytext=(2, 3))
    axis.set_title("p50 latency (ms)")
    log_axes(axis, levels)
    fig.suptitle(f"kg serve against oxigraph serve-read-only, uncached, {data['date']}, "
                 f"{data['machine']['cpu_count']} cores")
    fig.tight_layout()
    fig.savefig(PLOT, dpi=100)
