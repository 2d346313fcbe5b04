"""profile_light.py's figures as Markdown: the breakdown of one uncached `ASK {}` and the
measurements behind it, written between the bench:profile_light markers of
bench/profile_light.md."""

from __future__ import annotations

from typing import Any

from harness import BENCH
from harness.peers import OURS
from harness.report import replace_section, wrap
from profile_stacks import (
    CACHE,
    CHECKS,
    ENDPOINT,
    FLASK,
    GUNICORN,
    JSON,
    LOGGING,
    NEGOTIATION,
    OTHER,
    PYOXIGRAPH,
    THREAD,
)

DOC = BENCH / "profile_light.md"
FLOOR, FLOOR_QUIET = "gunicorn floor", "gunicorn floor, no access log"
FLOOR_QUERY = "gunicorn floor + run_query"
FLOORS = ((FLOOR, "replay"), (FLOOR_QUIET, "quiet"), (FLOOR_QUERY, "run_query"),
          ("for comparison: floor + store.query in a thread pool", "pool"),
          ("for comparison: floor + store.query in the request thread", "inline"))
QUERY_MODES = ("run_query", "pool", "inline")
RUN_QUERY = "kg.query.run_query"
APP_REST = "the rest of the app (Flask, the endpoint, the cache, JSON)"
QUERY_PARTS = (THREAD, CHECKS, PYOXIGRAPH)
APP_PARTS = (FLASK, NEGOTIATION, ENDPOINT, CACHE, JSON)
STEPS = {
    "app": "whole Flask app as WSGI, uncached (each text unique)",
    "app_cache_hit": "whole Flask app as WSGI, answer cache hit (same text)",
    "run_query": "kg.query.run_query",
    "store_query": "store.query, bare",
    "store_query_prefixes": "store.query with prefixes=PREFIXES (as run_query calls it)",
    "thread": "a thread started and joined, 256 MB stack (run_query's way)",
    "thread_default_stack": "a thread started and joined, default stack",
    "thread_store_query": "store.query in a new thread (256 MB stack)",
    "pool_round_trip": "for comparison: a ThreadPoolExecutor submit and result",
    "pool_store_query": "for comparison: store.query in a pool thread",
    "guard": "kg.guard.check_text",
    "needs_check": "kg.query.needs_check",
    "graph_names": "kg.store.graph_names",
    "render_json": "kg.render.render_json",
    "protocol": "parse_query_request",
    "negotiation": "negotiate, twice (results and graph formats)",
    "response": "_result_response (render and Response)",
    "cache": "cache key, get, _stored, set, _answer (ETag, conditional)",
    "after_request": "after_request headers (_headers)",
}


def pick(data: dict[str, Any], server: str, level: int) -> dict[str, Any]:
    return next(r for r in data["http"] if r["server"] == server and r["concurrency"] == level)


def breakdown(data: dict[str, Any]) -> dict[str, Any]:
    """µs of server CPU per request at concurrency 1, in blocks measured over HTTP (gunicorn,
    its access log, run_query, the rest of the app), each block split into its parts in the
    proportions the in-process timings give them."""
    cpu = {name: pick(data, name, 1)["server_cpu_us"]
           for name in (OURS, FLOOR, FLOOR_QUIET, FLOOR_QUERY)}
    inproc = data["in_process_breakdown"]
    blocks = {GUNICORN: (cpu[FLOOR_QUIET], {}), LOGGING: (cpu[FLOOR] - cpu[FLOOR_QUIET], {}),
              RUN_QUERY: (cpu[FLOOR_QUERY] - cpu[FLOOR], {p: inproc[p] for p in QUERY_PARTS}),
              APP_REST: (cpu[OURS] - cpu[FLOOR_QUERY], {p: inproc[p] for p in APP_PARTS})}
    out: dict[str, Any] = {"total_us": round(cpu[OURS], 1), "blocks": {}}
    for name, (server_us, parts) in blocks.items():
        whole = sum(parts.values())
        out["blocks"][name] = {
            "server_us": round(server_us, 1), "share": round(server_us / cpu[OURS], 4),
            "in_process_us": round(whole, 1) if parts else None,
            "parts": {part: {"in_process_us": round(us, 1),
                             "server_us": round(server_us * us / whole, 1) if whole else 0.0}
                      for part, us in parts.items()}}
    return out


def breakdown_table(data: dict[str, Any]) -> list[str]:
    b, spied = data["breakdown"], data["py_spy"]["parts"]
    lines = ["| part | in one process, µs | in kg serve, µs | share of kg serve's CPU "
             "| py-spy under load |", "|---|---:|---:|---:|---:|"]
    for name, block in b["blocks"].items():
        sampled = sum(spied.get(p, {}).get("share", 0) for p in (name, *block["parts"]))
        own = "–" if block["in_process_us"] is None else f"{block['in_process_us']:.0f}"
        label = f"**{name}**" if block["parts"] else name
        lines.append(f"| {label} | {own} | **{block['server_us']:.0f}** | "
                     f"{100 * block['share']:.0f}% | {100 * sampled:.0f}% |")
        for part, figures in block["parts"].items():
            share = figures["server_us"] / b["total_us"]
            lines.append(f"| &nbsp;&nbsp;{part} | {figures['in_process_us']:.0f} | "
                         f"{figures['server_us']:.0f} | {100 * share:.0f}% | "
                         f"{100 * spied.get(part, {}).get('share', 0):.0f}% |")
    lines.append(f"| {OTHER} | – | – | – | {100 * spied.get(OTHER, {}).get('share', 0):.0f}% |")
    lines.append(f"| **all** | {data['in_process']['app']['cpu_us']:.0f} (the app) | "
                 f"**{b['total_us']:.0f}** | 100% | 100% |")
    return lines


def tables(data: dict[str, Any]) -> str:
    spy, m = data["py_spy"], data["machine"]
    ours1, ours16 = pick(data, OURS, 1), pick(data, OURS, 16)
    lines = [
        f"Measured on {data['date']} on a {m['cpu_count']}-core machine (load average "
        f"{m['load_average_before'][0]:.1f} at the start, {m['load_average'][0]:.1f} at the "
        f"end) by `{data['command']}`, `kg serve` as configured ({data['kg_serve']['workers']} "
        f"workers × {data['kg_serve']['threads']} threads), pyoxigraph {m['pyoxigraph']}, "
        f"gunicorn {m['gunicorn']}, Flask {m['flask']}, Werkzeug {m['werkzeug']}.",
        "",
        f"One uncached `ASK {{}}` costs kg serve **{data['breakdown']['total_us']:.0f} µs of "
        f"server CPU** at concurrency 1 ({ours1['rps']:.0f} req/s, p50 "
        f"{ours1['p50_ms']:.2f} ms; at concurrency 16 {ours16['rps']:.0f} req/s, p50 "
        f"{ours16['p50_ms']:.1f} ms, {ours16['server_cpu_us']:.0f} µs of CPU per request). "
        "It splits like this:",
        "",
        *breakdown_table(data),
        "",
        "The blocks in bold are measured over HTTP at concurrency 1, as differences between "
        "gunicorn servers with kg serve's options: one replaying kg serve's answer without the "
        "access log (gunicorn), the same with it (the log), the same after running the query "
        "through `run_query` (run_query), and kg serve itself (the rest of the app). Each "
        "block is split into its parts in the proportions of the in-process timings below. "
        f"py-spy: {spy['samples']:,} `--gil` samples of one worker at {spy['rate_hz']} Hz "
        f"while wrk kept 4 unique ASKs in flight ({spy['rps_while_sampled']:,} req/s under the "
        "profiler).",
        "",
        "Over HTTP (wrk, unique ASKs, medians of "
        f"{data['settings']['rounds']} rounds of {data['settings']['seconds']:g} s):",
        "",
        "| server | conc. | req/s | p50 ms | p99 ms | server CPU µs/req | client CPU µs/req "
        "| errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in data["http"]:
        lines.append(f"| {row['server']} | {row['concurrency']} | {row['rps']:,.0f} | "
                     f"{row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['server_cpu_us']:.0f} "
                     f"| {row['client_cpu_us']:.0f} | {row['errors']} |")
    lines += ["", f"In one process (best of seven batches of {data['settings']['calls']:,} "
              "calls, the steps taking turns, µs per call):", "",
              "| step | wall µs | CPU µs |", "|---|---:|---:|"]
    for key, label in STEPS.items():
        figures = data["in_process"][key]
        lines.append(f"| {label} | {figures['wall_us']:.1f} | {figures['cpu_us']:.1f} |")
    lines += ["", "The busiest lines in py-spy's samples (the frame holding the GIL):", "",
              "| frame | share |", "|---|---:|"]
    lines += [f"| `{leaf['frame']}` | {100 * leaf['share']:.1f}% |"
              for leaf in spy["top_leaves"][:10]]
    return wrap(lines)


def write_markdown(data: dict[str, Any]) -> bool:
    return replace_section("profile_light", tables(data), DOC)
