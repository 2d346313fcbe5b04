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
import json
import os
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from harness import ROOT
from harness.procs import run_to_end
from scale_probes import BARE_LOAD, LOAD_STORE, PROPOSED_LOAD, python_snippet, serve
from scale_report import load_results, machine, markdown, plot, save, store_py_sha256

KG = [sys.executable, "-m", "kg"]
SIZES = (10_000, 100_000, 1_000_000, 10_000_000)


def build(project: Path, reasoning: str, validation: str, log: Path) -> dict[str, Any]:
    env = {**os.environ, "KG_REASONING": reasoning, "KG_VALIDATION": validation}
    result = run_to_end([*KG, "--root", str(project), "build"], env=env, log=log)
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
    made = run_to_end([*KG, "--root", str(ROOT), "generate", "--triples", str(size), "--seed",
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
