"""How the build, the store and the server grow with the graph: 10^4 to 10^7 triples.

    python bench/scale.py [--sizes 1e4,1e5,1e6,1e7] [--max-size 1e6] [--full-up-to 1e5]
                          [--workdir /tmp/kg-scale] [--seed 1] [--repeat 7]
    python bench/scale.py --plot-only      # redraw bench/scale.png from the results
    python bench/scale.py --markdown       # print the README table from the results

For each size it generates a synthetic project (`kg generate`), then builds it: with OWL-RL
and SHACL on up to --full-up-to triples (the default build), and with both off at every
size (the streaming build, KG_REASONING=off KG_VALIDATION=off), so that one series spans
all sizes. The artifact that is served is the last one built: the full build where there
is one. Then it times kg.store.load_store on that artifact in a fresh process (and, to
attribute its cost, a bare pyoxigraph load and the load proposed for store.py below),
starts `kg serve` (KG_ROOT=<project>, a free port) and records the time to the first
answer, the peak RSS of its processes and the latency of a small query mix over HTTP
(each request made unique by a comment, so the server's answer cache never serves it).

Every step runs in its own process, timed with os.wait4: wall time, CPU time (user +
system) and peak RSS. On a shared machine the wall time swings with the load; the CPU time
does not, so the README compares CPU times across sizes. Results go to
bench/results/scale.json (merged with earlier runs, by size) and bench/scale.png.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "scale.json"
PLOT = ROOT / "bench" / "scale.png"
KG = [sys.executable, "-m", "kg"]
SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
JSON_RESULTS = "application/sparql-results+json"

# The load kg.store.load_store does, timed in a fresh process.
LOAD_STORE = """
import sys, time
from pathlib import Path
from kg.store import load_store
started, cpu = time.perf_counter(), time.process_time()
loaded = load_store(Path(sys.argv[1]))
print({"seconds": time.perf_counter() - started, "cpu_s": time.process_time() - cpu,
       "quads": loaded.quads, "default_triples": loaded.default_triples})
"""
# Only what pyoxigraph itself does: parse the N-Quads into an in-memory store.
BARE_LOAD = """
import sys, time
from pyoxigraph import RdfFormat, Store
started, cpu = time.perf_counter(), time.process_time()
store = Store()
store.load(path=sys.argv[1], format=RdfFormat.N_QUADS)
print({"seconds": time.perf_counter() - started, "cpu_s": time.process_time() - cpu,
       "quads": len(store)})
"""
# The load proposed for store.py: the merged default graph and the counts made by Oxigraph
# (one SPARQL update per named graph, then COUNT queries) instead of a Python set of every
# triple. One update per graph keeps each update's buffer to one graph's size; lenient skips
# re-checking the IRIs the build already checked (syntax errors are still raised).
PROPOSED_LOAD = """
import sys, time
from pyoxigraph import RdfFormat, Store
SHAPES = "https://w3id.org/syria-talks/graph/shapes"
started, cpu = time.perf_counter(), time.process_time()
store = Store()
store.load(path=sys.argv[1], format=RdfFormat.N_QUADS, lenient=True)
for graph in list(store.named_graphs()):
    if graph.value != SHAPES:
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH <%s> { ?s ?p ?o } }" % graph.value)
per_graph = {row["g"].value: int(row["n"].value) for row in store.query(
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
default = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
print({"seconds": time.perf_counter() - started, "cpu_s": time.process_time() - cpu,
       "quads": sum(per_graph.values()), "default_triples": default})
"""


def queries(sample: dict[str, str]) -> dict[str, tuple[str, str]]:
    """README-style questions adapted to the synthetic data: name -> (accept, query)."""
    conference, party, series = sample["conference"], sample["party"], sample["series"]
    return {
        # README example 1: a join of the fact with its evidence, for one conference.
        "join: attendees of a round, with quotes": (JSON_RESULTS, f"""
SELECT ?name ?quote ?source WHERE {{
  ?party kg:attends <{conference}> ; rdfs:label ?name .
  ?evidence rdf:subject ?party ; rdf:predicate kg:attends ; rdf:object <{conference}> ;
            kg:quote ?quote ; kg:source ?source .
}} ORDER BY ?name"""),
        # README example 4: an aggregate over the evidence of one party's supporters.
        "aggregate: supporters of a party, by sources": (JSON_RESULTS, f"""
SELECT ?supporter (COUNT(DISTINCT ?source) AS ?sources) (SAMPLE(?quote) AS ?example) WHERE {{
  ?s kg:supports <{party}> ; rdfs:label ?supporter .
  ?evidence rdf:subject ?s ; rdf:predicate kg:supports ; rdf:object <{party}> ;
            kg:quote ?quote ; kg:source ?source .
}} GROUP BY ?supporter ORDER BY DESC(?sources)"""),
        # An aggregate over the whole graph: every attendance, grouped by party.
        "aggregate: top parties by rounds attended": (JSON_RESULTS, """
SELECT ?party (COUNT(DISTINCT ?c) AS ?rounds) WHERE {
  ?p kg:attends ?c ; rdfs:label ?party .
} GROUP BY ?party ORDER BY DESC(?rounds) LIMIT 10"""),
        # README example 9: a timeline, here of one series.
        "timeline: rounds of a series by date": (JSON_RESULTS, f"""
SELECT ?round ?date WHERE {{
  ?m kg:partOfSeries <{series}> ; rdfs:label ?round ; kg:startDate ?date .
}} ORDER BY ?date"""),
        "describe: a party": ("text/turtle", f"DESCRIBE <{party}>"),
    }


# ---------------------------------------------------------------------------------------
# Processes


def run(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
        log: Path | None = None) -> dict[str, Any]:
    """Run a command to its end: wall and CPU seconds, peak RSS (its own, by wait4)."""
    started = time.perf_counter()
    out = log.open("ab") if log else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE,
                                stderr=out, stdin=subprocess.DEVNULL)
        stdout = proc.stdout.read() if proc.stdout else b""  # type: ignore[union-attr]
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            out.close()  # type: ignore[union-attr]
    return {
        "wall_s": round(time.perf_counter() - started, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "status": proc.returncode,
        "stdout": stdout.decode("utf-8", "replace"),
    }


def python_snippet(code: str, *args: str, log: Path) -> dict[str, Any]:
    result = run([sys.executable, "-c", code, *args], log=log)
    if result["status"] != 0:
        raise RuntimeError(f"snippet failed ({result['status']}); see {log}")
    figures = ast.literal_eval(result.pop("stdout").strip().splitlines()[-1])
    return {**result, **{k: round(v, 2) if isinstance(v, float) else v
                         for k, v in figures.items()}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text().split() if (task / "children").exists() else []
        found += [int(child) for child in text]
    return found


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pss_kb(pid: int) -> int:
    path = Path(f"/proc/{pid}/smaps_rollup")
    for line in path.read_text().splitlines() if path.exists() else []:
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def get(port: int, query: str, accept: str, timeout: float = 600) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/sparql?" + urlencode({"query": query}), headers={"Accept": accept})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def serve(project: Path, sample: dict[str, str], repeat: int, log: Path,
          timeout_s: float = 3600) -> dict[str, Any]:
    """Start `kg serve` on the project, time its first answer, query it, measure it, stop it."""
    port = free_port()
    env = {**os.environ, "KG_ROOT": str(project), "KG_PORT": str(port)}
    started = time.perf_counter()
    with log.open("ab") as out:
        proc = subprocess.Popen([*KG, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"kg serve exited with {proc.returncode}; see {log}")
            if time.perf_counter() - started > timeout_s:
                raise RuntimeError(f"kg serve did not answer within {timeout_s} s")
            try:
                if get(port, "ASK {}", JSON_RESULTS, timeout=5)[0] == 200:
                    break
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        startup = time.perf_counter() - started
        startup_cpu = cpu_seconds(proc.pid)
        latency: dict[str, Any] = {}
        runs = iter(range(10**9))
        for name, (accept, query) in queries(sample).items():
            # The server keeps each answer until the next build, keyed by the query's text: a
            # comment that differs on every request makes each one a real query.
            def text(query: str = query) -> str:
                return f"{query}\n# scale.py request {next(runs)}\n"

            status, body = get(port, text(), accept)  # warm-up (one per worker), and the size
            get(port, text(), accept)
            times = []
            for _ in range(repeat):
                began = time.perf_counter()
                again, _ = get(port, text(), accept)
                times.append((time.perf_counter() - began) * 1000)
                status = max(status, again)
            rows = (len(json.loads(body)["results"]["bindings"])
                    if status == 200 and accept == JSON_RESULTS
                    else body.count(b"\n"))
            latency[name] = {"median_ms": round(statistics.median(times), 1),
                             "max_ms": round(max(times), 1), "status": status, "rows": rows}
        workers = children(proc.pid)
        memory = {
            "master_peak_rss_mb": round(status_kb(proc.pid, "VmHWM") / 1024),
            "worker_peak_rss_mb": max((round(status_kb(w, "VmHWM") / 1024) for w in workers),
                                      default=0),
            "total_pss_mb": round(sum(pss_kb(p) for p in [proc.pid, *workers]) / 1024),
            "workers": len(workers),
        }
        return {"startup_s": round(startup, 2), "startup_cpu_s": round(startup_cpu, 2), **memory,
                "queries": latency}
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# ---------------------------------------------------------------------------------------
# One size


def build(project: Path, reasoning: str, validation: str, log: Path) -> dict[str, Any]:
    env = {**os.environ, "KG_REASONING": reasoning, "KG_VALIDATION": validation}
    result = run([*KG, "--root", str(project), "build"], env=env, log=log)
    result.pop("stdout")
    if result["status"] != 0:
        raise RuntimeError(f"build failed ({result['status']}); see {log}")
    summary = json.loads((project / "build" / "summary.json").read_text())
    return {
        **result,
        "load_s": summary["load_seconds"],
        "inference_s": summary["inference"]["seconds"],
        "validation_s": summary["validation"]["seconds"],
        "conforms": summary["validation"]["conforms"],
        # CPU seconds of the steps of the full build (kg.build.check): load, inference, validation
        **{f"{step}_cpu_s": seconds for step, seconds in summary.get("cpu_seconds", {}).items()},
        "triples": summary["triples"],
        "artifact_mb": round((project / "build" / "kg.nq").stat().st_size / 2**20, 1),
    }


def measure(size: int, args: argparse.Namespace) -> dict[str, Any]:
    project = args.workdir / f"p{size}"
    log = args.workdir / f"p{size}.log"
    log.unlink(missing_ok=True)
    row: dict[str, Any] = {"size": size, "load_average": os.getloadavg()[0]}

    def step(name: str) -> None:
        print(f"[{datetime.now():%H:%M:%S}] {size:>10,} {name}", flush=True)

    step("generate")
    made = run([*KG, "--root", str(ROOT), "generate", "--triples", str(size), "--seed",
                str(args.seed), "--out", str(project), "--force"], log=log)
    made.pop("stdout")
    if made["status"] != 0:
        raise RuntimeError(f"generate failed; see {log}")
    synthetic = json.loads((project / "synthetic.json").read_text())
    row["generate"] = {**made, "triples": synthetic["triples"], "sources": synthetic["sources"],
                       "facts": synthetic["facts"], "conferences": synthetic["conferences"]}

    step("build: streaming (reasoning and validation off)")
    row["build_streaming"] = build(project, "off", "off", log)
    if size <= args.full_up_to:
        step("build: full (OWL-RL and SHACL on)")
        row["build_full"] = build(project, "on", "on", log)
    artifact = project / "build" / "kg.nq"
    row["served"] = "full" if "build_full" in row else "streaming"

    step("store: kg.store.load_store")
    row["load_store"] = python_snippet(LOAD_STORE, str(artifact), log=log)
    row["load_store"]["store_py_sha256"] = store_py_sha256()
    step("store: bare pyoxigraph load")
    row["bare_load"] = python_snippet(BARE_LOAD, str(artifact), log=log)
    step("store: proposed load (SPARQL INSERT)")
    row["proposed_load"] = python_snippet(PROPOSED_LOAD, str(artifact), log=log)

    step("serve")
    row["serve"] = serve(project, synthetic["sample"], args.repeat, log)
    row["serve"]["store_py_sha256"] = store_py_sha256()
    step("done")
    if not args.keep:
        shutil.rmtree(project)
    return row


# ---------------------------------------------------------------------------------------
# Results, plot and table


def load_results() -> dict[str, Any]:
    if RESULTS.is_file():
        return json.loads(RESULTS.read_text())
    return {"runs": {}}


def save(results: dict[str, Any]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    results["runs"] = dict(sorted(results["runs"].items(), key=lambda kv: int(kv[0])))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


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
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = list(results["runs"].values())
    fig, axes = plt.subplots(1, 3, figsize=(16, 5.2))
    panels = [
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
    rows = [
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

    rows += [(f"query: {name}", lambda r, n=name: query_cell(r, n)) for name in names]
    lines = [head, "|---|" + "---:|" * len(runs)]
    lines += [f"| {label} | " + " | ".join(fn(r) for r in runs) + " |" for label, fn in rows]
    return "\n".join(lines)


def parse_size(text: str) -> int:
    return int(float(text))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES),
                        help="comma-separated sizes in triples (1e4,1e5,...)")
    parser.add_argument("--max-size", type=parse_size, default=None,
                        help="skip sizes above this")
    parser.add_argument("--full-up-to", type=parse_size, default=100_000,
                        help="largest size built with OWL-RL and SHACL on")
    parser.add_argument("--workdir", type=Path,
                        default=Path(tempfile.gettempdir()) / "kg-scale")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each query")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument("--plot-only", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    results = load_results()
    if args.markdown:
        print(markdown(results))
        return 0
    if not args.plot_only:
        sizes = [parse_size(s) for s in args.sizes.split(",")]
        sizes = [s for s in sizes if args.max_size is None or s <= args.max_size]
        args.workdir.mkdir(parents=True, exist_ok=True)
        results["machine"] = machine()
        results["full_up_to"] = args.full_up_to
        for size in sizes:
            row = measure(size, args)
            results["runs"][str(size)] = row
            save(results)
    plot(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
