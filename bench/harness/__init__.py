"""The plumbing the benchmarks share. Not a benchmark itself: the scripts in bench/ import it.

- `procs`: servers and commands as processes on 127.0.0.1: free ports, start, readiness, stop,
  and the CPU time and memory of a process or its whole group (Linux /proc);
- `peers`: the servers compared: `kg serve`, `oxigraph serve-read-only` on the same artifact,
  rdflib-endpoint;
- `queries`: the query mix (the README examples and heavier queries) with its PREFIX lines;
- `client`: the keep-alive thread-pool HTTP client and what one load run measured;
- `wrk`: the wrk load generator, driven by a Lua script that makes every request unique;
- `stats`: percentiles, per-round ratios, medians over rounds;
- `report`: machine facts, results as JSON, Markdown sections between markers, text helpers;
- `plots`: matplotlib set up to draw into files.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
# Where results go; KG_BENCH_RESULTS moves them (run_all.py --quick writes to a temp dir).
RESULTS = Path(os.environ.get("KG_BENCH_RESULTS") or BENCH / "results")
# Where plots and flame graphs go: bench/ itself, beside bench/README.md, unless results are moved.
PICTURES = RESULTS if os.environ.get("KG_BENCH_RESULTS") else BENCH
FIGURES = ROOT / "docs" / "figures.md"  # the document the benchmarks write their blocks into
JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
