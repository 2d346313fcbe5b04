"""servers.py's tables and docs/figures.md's bench:servers section, written from the results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness.peers import OURS, OXIGRAPH, RDFLIB
from harness.queries import Query
from harness.report import plural, wrap
from servers_answers import real_mismatches
from servers_summary import pick

MAX_ROWS = 1_000_000  # KG_MAX_ROWS for kg serve: far above the graph's size, so nothing is cut

def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, list):
        return f"{value[0]:.2f}×"
    return f"{value:.{digits}f}"


def ratio_range(row: dict[str, Any], key: str) -> str:
    found = row.get(f"{key}_vs_oxigraph")
    return f"{found[0]:.2f}× ({found[1]:.2f}–{found[2]:.2f})" if found else "–"


def overall_table(summary: list[dict[str, Any]], names: Sequence[str],
                  levels: Sequence[int]) -> list[str]:
    lines = ["| server | conc. | req/s | × Oxigraph req/s (range) | p50 ms | p95 ms | p99 ms "
             "| errors | server CPU ms/req | client CPU |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for level in levels:
        for name in names:
            row = pick(summary, "mix", "all", level, name)
            if row:
                lines.append(f"| {name} | {level} | {row['rps']:.0f} | {ratio_range(row, 'rps')} "
                             f"| {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} "
                             f"| {row['errors']} | {row['server_cpu_ms']:.1f} "
                             f"| {row['client_cpu']:.2f} |")
    return lines


def per_query_table(summary: list[dict[str, Any]], mix: Sequence[Query],
                    levels: Sequence[int]) -> list[str]:
    low, top = min(levels), max(levels)
    lines = [f"| query | c={low} p50 ms ours / Oxigraph (×) | c={top} req/s ours / Oxigraph (×) "
             f"| c={top} p95 ms ours / Oxigraph | c={top} p99 ms ours / Oxigraph | errors |",
             "|---|---:|---:|---:|---:|---:|"]
    for query in mix:
        a, b = (pick(summary, "solo", query.key, low, n) for n in (OURS, OXIGRAPH))
        c, d = (pick(summary, "solo", query.key, top, n) for n in (OURS, OXIGRAPH))
        if not (a and b and c and d):
            continue
        lines.append(
            f"| {query.key} | {a['p50_ms']:.1f} / {b['p50_ms']:.1f} "
            f"({fmt(a['p50_ms_vs_oxigraph'])}) "
            f"| {c['rps']:.0f} / {d['rps']:.0f} ({fmt(c['rps_vs_oxigraph'])}) "
            f"| {c['p95_ms']:.1f} / {d['p95_ms']:.1f} | {c['p99_ms']:.1f} / {d['p99_ms']:.1f} "
            f"| {c['errors'] + d['errors'] + a['errors'] + b['errors']} |")
    return lines


def short(title: str) -> str:
    """A heavy query's kind, from its title: "multi-hop", "DESCRIBE a busy entity"."""
    kind = title.split(":")[0]
    return kind[0].lower() + kind[1:] if kind[1:2].islower() else kind


def standing(summary: list[dict[str, Any]], mix: Sequence[Query], low: int) -> str:
    """Which queries each server answers faster alone at concurrency `low`, and the fixed
    cost of a request (an empty ASK) on each."""
    found = {q.key: [pick(summary, "solo", q.key, low, n).get("p50_ms")
                     for n in (OURS, OXIGRAPH)] for q in mix}
    p50 = {k: [float(x or 0) for x in v] for k, v in found.items() if None not in v}
    ours_faster = [k for k, (a, b) in p50.items() if a < b]
    theirs = [k for k in p50 if k not in ours_faster]
    ask = [pick(summary, "ask", "ASK {}", low, n) for n in (OURS, OXIGRAPH)]
    text = (f"Alone at concurrency {low}, our p50 is lower on {len(ours_faster)} of {len(p50)} "
            f"queries ({', '.join(ours_faster) or 'none'}), where our in-memory store outruns "
            "Oxigraph's on-disk one. Oxigraph's is lower on the other "
            f"{len(theirs)}")
    if theirs:
        text += (f", {min(p50[k][1] for k in theirs):.1f}–{max(p50[k][1] for k in theirs):.1f} "
                 f"ms there against {min(p50[k][0] for k in theirs):.1f}–"
                 f"{max(p50[k][0] for k in theirs):.1f} ms here")
    text += "."
    if all(ask):
        text += (f" An empty `ASK {{}}` shows the fixed cost of a request: a p50 of "
                 f"{ask[0]['p50_ms']:.1f} ms and {ask[0]['server_cpu_ms']:.1f} ms of server CPU "
                 "per request here (gunicorn, Flask, a thread per query, the checks, JSON), "
                 f"{ask[1]['p50_ms']:.2f} ms and {ask[1]['server_cpu_ms']:.2f} ms on Oxigraph.")
    return text


def agreement(check: list[dict[str, Any]]) -> str:
    """One sentence on how Oxigraph's answers compared with ours."""
    real = real_mismatches(check, OXIGRAPH)
    loose = [(r["query"], r["compared"][OXIGRAPH]["same_up_to"]) for r in check
             if r["compared"][OXIGRAPH]["same_up_to"]]
    text = ("Every answer matched Oxigraph's, row for row and triple for triple" if not
            (real or loose) else "Every answer matched Oxigraph's" if not real else
            "Answers differed from Oxigraph's on " + ", ".join(real))
    if loose:
        text += (" except where SPARQL leaves a choice: " if not real else "; ") + "; ".join(
            f"{key} matched up to {', '.join(ways)}" for key, ways in loose)
    return text + "."


def readme_section(data: dict[str, Any]) -> str:
    """The README's bench:servers section, written from the results alone."""
    summary, mix = data["summary"], [Query(**q) for q in data["queries"]]
    levels, names, m, s = (data["settings"]["concurrency"], data["servers"], data["machine"],
                           data["settings"])
    tp, p50, full = (data["targets"][k] for k in ("throughput_vs_oxigraph", "readme_p50_ms",
                                                   "readme_p50_ms_full_prefix_table"))
    top, low = max(levels), min(levels)
    ours_top, ox_top = (pick(summary, "mix", "all", top, n) for n in (OURS, OXIGRAPH))
    ours_low, ox_low = (pick(summary, "mix", "all", low, n) for n in (OURS, OXIGRAPH))
    load = [r["load_average"] for r in data["runs"] if "load_average" in r]
    out = [
        "## The SPARQL endpoint against Oxigraph's own server",
        "",
        f"Our endpoint against Oxigraph's own server (`oxigraph serve-read-only`, Oxigraph "
        f"{m['oxigraph']}), measured on {data['date']} on a {m['cpu_count']}-core machine by "
        f"`{data['command']}` (after `kg build`), {plural(s['rounds'], 'round')}, the servers "
        "taking "
        "turns. Both serve the same dataset "
        f"({data['default_triples']:,} triples in the default graph) and answer the same "
        f"{len(mix)} queries from the same client: the 13 documented examples and "
        f"{len(mix) - 13} heavier ones (multi-hop joins, aggregates, OPTIONAL with FILTER, "
        "DESCRIBE id:geneva-iv, a CONSTRUCT of the whole default graph). `kg serve` ran as "
        f"configured ({data['kg_serve']['workers']} workers × {data['kg_serve']['threads']} "
        f"threads) with KG_MAX_ROWS={MAX_ROWS:,}, so that the CONSTRUCT "
        "returns every triple. Each query declares the prefixes it uses. Method and caveats: "
        "[`bench/README.md`](../bench/README.md).",
        "",
        agreement(data["check"]),
        "",
        f"**Targets.** Throughput at concurrency {top} at least 0.5× Oxigraph's: "
        f"**{tp['ratio']:.2f}×** (per round {tp['range'][0]:.2f}–{tp['range'][1]:.2f}×), "
        + ("met" if tp["met"] else "**not met**")
        + f". p50 of every README query under 10 ms at concurrency {low}: {p50['under_target']}"
        f" of {p50['queries']} are (median {p50['median']:.1f} ms), the slowest, "
        f"{p50['worst_query']}, at **{p50['worst']:.1f} ms**: "
        + ("met." if p50["met"] else "**not met**."),
        "",
        f"The whole mix, shuffled, {plural(s['passes'], 'pass')} per level; medians over "
        "rounds, the ratio taken within each round:",
        "",
        *overall_table(summary, [n for n in names if n != RDFLIB], levels),
        "",
        f"Each query alone, {s['solo']} requests per level (× is ours / Oxigraph: above 1 "
        "for p50 means we are slower, for req/s that we are faster):",
        "",
        *per_query_table(summary, mix, levels),
        "",
        "ex1–ex13 are the documented examples in order; "
        + "; ".join(f"{q.key}: {short(q.title)}" for q in mix if not q.readme)
        + ". Their texts are in `bench/harness/queries.py`.",
        "",
        "**Where we stand.** "
        f"At concurrency {top} we answer the mix at {ours_top['rps']:.0f} req/s to Oxigraph's "
        f"{ox_top['rps']:.0f}, and at concurrency {low} at {ours_low['rps']:.0f} to "
        f"{ox_low['rps']:.0f}. " + standing(summary, mix, low),
        "",
        "These figures include `kg serve`'s answer cache: an answer is kept until the next "
        "build, so after each query's first request the repeats are cache hits (Oxigraph's "
        "server has no such cache). The same benchmark run earlier the same day, before the "
        "cache existed, measured 2.60× Oxigraph's throughput at concurrency 16 and a median "
        "README p50 of 4.1 ms, with example 10 at 24.6 ms, over the 10 ms target.",
    ]
    if full["refused"]:
        out[-3] += (f" Sent after the whole prefix table, as the query page prefills it, "
                   f"{full['refused']} of 13 documented queries were refused: "
                   f"{data['full_prefix_probe']['message'].strip().rstrip('.')}.")
    elif full["median"] is not None:
        out[-3] += (f" Sent after the whole prefix table, as the query page prefills it, the "
                   f"documented queries take {full['median']:.0f} ms at the median (slowest "
                   f"{full['worst']:.0f} ms; {full['under_target']} of 13 under 10 ms): the "
                   "`sd:` namespace IRI contains the word `service`, which sends every such "
                   "query through rdflib's parser for the safety check.")
    if RDFLIB in names:
        peer = [(pick(summary, "mix", "all", n, RDFLIB), pick(summary, "mix", "all", n, OURS))
                for n in levels]
        loose = [r["query"] for r in data["check"] if r["compared"][RDFLIB]["same_up_to"]]
        real = real_mismatches(data["check"], RDFLIB)
        counts = {r["query"]: r["counts"] for r in data["check"]}
        out += ["", f"rdflib-endpoint {m['rdflib-endpoint']} (rdflib's SPARQL engine under "
                "uvicorn, given the same dataset) served as a second peer, "
                f"{plural(s['rdflib_passes'], 'pass')} of the mix per level: "
                + ", ".join(f"{r['rps']:.1f} req/s at concurrency {r['concurrency']}"
                            for r, _ in peer if r)
                + f" (we answered {min(o['rps'] / r['rps'] for r, o in peer if r and o):.0f}–"
                f"{max(o['rps'] / r['rps'] for r, o in peer if r and o):.0f}× as many). "
                f"Its answers matched ours on {len(mix) - len(real)} of {len(mix)} queries"
                + (f", {', '.join(loose)} only up to SAMPLE's choice, decimal precision or "
                   "integer subtypes (Oxigraph, and so our store, keeps `xsd:positiveInteger` "
                   "and the like as `xsd:integer`)" if loose else "")
                + "".join(f"; {k} differs ({counts[k][OURS]} rows or triples here, "
                          f"{counts[k][RDFLIB]} there)" for k in real) + "."]
    elif data.get("rdflib_skipped"):
        out += ["", f"rdflib-endpoint was not run: {data['rdflib_skipped']}."]
    if load:
        out += ["", f"The machine was shared: its load average was {min(load):.0f}–"
                f"{max(load):.0f} during the run, so single rounds swing and only the "
                "within-round ratios are worth comparing."]
    return wrap(out)
