"""Every benchmark behind the README's "Measured figures", in one command.

    python bench/run_all.py [--build-runs 3] [--no-build] [--skip NAME ...] [--quick]

In order: `kg build` timed --build-runs times (wall clock and peak memory, with the step
times the build records in build/summary.json), then query_engines.py, wsgi_servers.py,
startup.py, servers.py --readme, uncached.py --readme and, when it exists, scale.py (with
--scale-args) followed by `scale.py --markdown`. Each script also runs alone; this only runs
them in turn, each in its own process, its output shown and kept in
bench/results/<name>.log.

The scripts write their results to bench/results/*.json. The README sections between
`<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->` markers are rewritten from them:
`bench:servers` by servers.py, `bench:uncached` by uncached.py, and `bench:scale-table` (the
table inside the hand-written `bench:scale` section) from scale.py's markdown. A summary of every
figure, for checking the prose around them, goes to bench/results/run_all.json and is printed
at the end.

--quick runs everything briefly, as a smoke test: its results go to a temporary directory
(KG_BENCH_RESULTS), it writes no README section, and it skips the build timings and scale.py.

Exits with status 1 if a step failed or missed its target.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from typing import Any

if "--quick" in sys.argv and not os.environ.get("KG_BENCH_RESULTS"):
    # a smoke run must not overwrite the measured results: every script writes elsewhere
    os.environ["KG_BENCH_RESULTS"] = tempfile.mkdtemp(prefix="kg-bench-quick-")

from harness import RESULTS, ROOT  # noqa: E402
from harness.report import machine, replace_section, write_results  # noqa: E402

from kg.settings import load_settings  # noqa: E402

BENCH = ROOT / "bench"
SUMMARY = load_settings().summary  # build/summary.json unless KG_BUILD_DIR or KG_SUMMARY moves it


def steps(args: argparse.Namespace) -> list[tuple[str, list[str]]]:
    """(name, arguments) of each benchmark script to run, in order."""
    quick = {
        "query_engines": ["--repeat", "1"],
        "wsgi_servers": ["--requests", "40", "--rounds", "1", "--no-extra"],
        "startup": ["--runs", "1"],
        "servers": ["--rounds", "1", "--passes", "2", "--solo", "4",
                    "--full-prefix-requests", "2", "--rdflib-passes", "1"],
        "uncached": ["--rounds", "1", "--seconds", "1", "--warmup", "1",
                     "--concurrency", "1,16"],
    }
    full = {
        "query_engines": ["--repeat", "5"],
        "wsgi_servers": [],
        "startup": ["--runs", "5"],
        "servers": ["--readme"],
        "uncached": ["--readme"],
    }
    chosen = quick if args.quick else full
    found = list(chosen.items())
    if (BENCH / "scale.py").is_file() and not args.quick:
        found.append(("scale", shlex.split(args.scale_args)))
    return [(name, arguments) for name, arguments in found if name not in args.skip]


def run_step(name: str, arguments: list[str]) -> dict[str, Any]:
    """Run bench/<name>.py, echoing its output and keeping it in bench/results/<name>.log."""
    command = [sys.executable, str(BENCH / f"{name}.py"), *arguments]
    print(f"\n=== {name}: {shlex.join(command[1:])}", flush=True)
    log = RESULTS / f"{name}.log"
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                sys.stdout.write(line)
                out.write(line)
            proc.wait()
        finally:
            if proc.poll() is None:  # interrupted: let the script run its own clean-up
                proc.terminate()
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    return {"name": name, "command": shlex.join(["python", f"bench/{name}.py", *arguments]),
            "status": proc.returncode, "seconds": round(time.monotonic() - started),
            "log": str(log.relative_to(ROOT) if log.is_relative_to(ROOT) else log)}


def time_builds(runs: int) -> dict[str, Any]:
    """`kg build` `runs` times: wall clock and peak RSS (os.wait4), and the build's own step
    times from build/summary.json."""
    results: list[dict[str, Any]] = []
    for n in range(runs):
        print(f"\n=== build {n + 1} of {runs}: kg build", flush=True)
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "kg", "--root", str(ROOT), "build"],
                                cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            return {"status": proc.returncode, "runs": results}
        summary = json.loads(SUMMARY.read_text(encoding="utf-8"))
        results.append({
            "wall_s": round(wall, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "load_s": summary.get("load_seconds"),
            "reasoning_s": summary.get("inference", {}).get("seconds"),
            "inferred_triples": summary.get("inference", {}).get("added"),
            "validation_s": summary.get("validation", {}).get("seconds"),
            "shapes": summary.get("validation", {}).get("shapes"),
        })
        print(json.dumps(results[-1]), flush=True)
    return {"status": 0, "runs": results}


def span(values: list[float], unit: str = "") -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    low, high = min(values), max(values)
    return f"{low:g}{unit}" if low == high else f"{low:g}–{high:g}{unit}"


def figures() -> dict[str, Any]:
    """The headline figures of each script's results file, where it wrote one."""
    found: dict[str, Any] = {}
    for name in ("servers", "uncached"):
        path = RESULTS / f"{name}.json"
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            found[name] = {"date": data["date"], "targets": data["targets"]}
    engines = RESULTS / "query_engines.json"
    if engines.is_file():
        data = json.loads(engines.read_text(encoding="utf-8"))
        found["query_engines"] = {"date": data["date"], "median_speedup": data["median_speedup"]}
    startup = RESULTS / "startup.json"
    if startup.is_file():
        data = json.loads(startup.read_text(encoding="utf-8"))
        found["startup"] = {"date": data["date"], "median_s": data["median_s"]}
    wsgi = RESULTS / "wsgi_servers.json"
    if wsgi.is_file():
        data = json.loads(wsgi.read_text(encoding="utf-8"))
        found["wsgi_servers"] = {
            "date": data["date"],
            "vs_waitress": {f"{r['config']} c={r['concurrency']}": r["vs_waitress"]
                            for r in data["summary"]}}
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-runs", type=int, default=3, help="timed `kg build` runs")
    parser.add_argument("--no-build", action="store_true",
                        help="skip the build timings (the scripts still need a build)")
    parser.add_argument("--skip", nargs="*", default=[],
                        help="scripts to leave out: query_engines wsgi_servers startup servers "
                        "uncached scale")
    parser.add_argument("--scale-args", default="", help="arguments for scale.py, quoted")
    parser.add_argument("--quick", action="store_true",
                        help="a brief smoke run of everything; writes no README section")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    report: dict[str, Any] = {"date": date.today().isoformat(),
                              "machine": machine("pyoxigraph", "rdflib", "gunicorn"),
                              "quick": args.quick, "steps": []}
    failed = False
    if not (args.no_build or args.quick):
        builds = time_builds(args.build_runs)
        report["build"] = builds
        failed |= builds["status"] != 0
    elif not SUMMARY.is_file():
        print("\n=== no build yet: kg build", flush=True)
        if subprocess.call([sys.executable, "-m", "kg", "--root", str(ROOT), "build"]) != 0:
            return 1
    for name, arguments in steps(args):
        result = run_step(name, arguments)
        report["steps"].append(result)
        failed |= result["status"] != 0
        if name == "scale" and result["status"] == 0:
            markdown = subprocess.run([sys.executable, str(BENCH / "scale.py"), "--markdown"],
                                      cwd=ROOT, capture_output=True, text=True)
            result["readme_section"] = markdown.returncode == 0 and replace_section(
                "scale-table", markdown.stdout)
    report["figures"] = figures()
    report["seconds"] = round(time.monotonic() - started)
    write_results("run_all", report)

    print(f"\n=== all done in {report['seconds']} s on {os.cpu_count()} cores")
    if "build" in report and report["build"]["runs"]:
        runs = report["build"]["runs"]
        print(f"build ({len(runs)} runs): wall {span([r['wall_s'] for r in runs], ' s')}, "
              f"load {span([r['load_s'] for r in runs], ' s')}, "
              f"OWL-RL {span([r['reasoning_s'] for r in runs], ' s')} "
              f"(+{runs[0]['inferred_triples']} triples), "
              f"SHACL {span([r['validation_s'] for r in runs], ' s')} "
              f"({runs[0]['shapes']} shapes), peak RSS "
              f"{span([r['peak_rss_mb'] for r in runs], ' MB')}, median wall "
              f"{statistics.median(r['wall_s'] for r in runs):.1f} s")
    for step in report["steps"]:
        state = "ok" if step["status"] == 0 else f"exit status {step['status']}"
        print(f"{step['name']:<14} {state:<15} {step['seconds']:>5} s  {step['command']}")
    print(json.dumps(report["figures"], indent=1, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
