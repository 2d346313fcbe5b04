"""The query store against rdflib's own SPARQL engine, on the documented example queries.

Both engines load the same built artifact and answer the same queries in the same run;
the figure that matters is the ratio of their times, not either time alone. Run after
`kg build`:

    python bench/query_engines.py [--repeat N] [--min-ratio R]

It exits with status 1 if the store is not at least R times faster (median over queries), and
writes bench/results/query_engines.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from harness.report import machine, write_results
from rdflib import Dataset

from kg.examples import examples as kg_examples
from kg.namespaces import PREFIXES
from kg.query import run_query
from kg.settings import load_settings
from kg.store import open_store

ROOT = Path(__file__).resolve().parents[1]


def examples() -> list[str]:
    """The example queries (src/kg/examples.rq, shown in docs/queries.md)."""
    return [example.query for example in kg_examples()]


def best_of(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per query; the best counts")
    parser.add_argument("--min-ratio", type=float, default=10.0,
                        help="fail unless the store's median speed-up is at least this")
    args = parser.parse_args()

    artifact = load_settings().artifact
    started = time.perf_counter()
    store = open_store(artifact)
    store_load = time.perf_counter() - started
    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(artifact, format="nquads")
    rdflib_load = time.perf_counter() - started
    header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

    print(f"load: store {store_load:.3f} s, rdflib {rdflib_load:.3f} s")
    print(f"{'README example':<16} {'store s':>9} {'rdflib s':>9} {'ratio':>7}")
    ratios, rows = [], []
    for number, query in enumerate(examples(), start=1):
        ours = best_of(args.repeat, lambda q=query: run_query(store, q, timeout_s=600))
        theirs = best_of(args.repeat, lambda q=query: list(dataset.query(header + q)))
        ratios.append(theirs / ours)
        rows.append({"example": number, "store_s": ours, "rdflib_s": theirs})
        print(f"{number:<16} {ours:>9.4f} {theirs:>9.4f} {theirs / ours:>6.0f}x")
    median = statistics.median(ratios)
    print(f"median speed-up over rdflib: {median:.0f}x (target >= {args.min_ratio:g}x)")
    write_results("query_engines", {
        "date": date.today().isoformat(), "machine": machine("pyoxigraph", "rdflib"),
        "repeat": args.repeat, "load_s": {"store": store_load, "rdflib": rdflib_load},
        "examples": rows, "median_speedup": median, "min_ratio": args.min_ratio})
    return 0 if median >= args.min_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
