"""Our endpoint (`kg serve`) against Oxigraph's own server: same data, same queries, same client.

Both serve the built artifact: `kg serve` (gunicorn, its default workers and threads) loads it
as it always does, and `oxigraph serve-read-only` opens a store made with `oxigraph load` from
the artifact's named graphs plus a default graph holding their merge without graph:shapes,
which is exactly our default graph. rdflib-endpoint (rdflib's SPARQL engine under uvicorn),
given the same dataset, is a second peer when it is installed.

The query mix is the README's examples (`kg.examples`) and heavier queries: multi-hop joins,
aggregates, OPTIONAL with FILTER, a DESCRIBE of a busy entity and a CONSTRUCT of the whole
default graph. Every query is sent with PREFIX lines for the prefixes it uses (Oxigraph
predeclares none), as GET, asking for SPARQL JSON results or N-Triples. `kg serve` runs with
KG_MAX_ROWS high enough that the CONSTRUCT returns every triple. Each query is first run once
on every server and the answers are compared.

Then, in rounds (servers alternate, the order reversed every other round, so drift hits them
alike), at each concurrency level: `--passes` passes over the whole mix, shuffled, from a
keep-alive thread-pool client (the overall figures), and `--solo` requests of each query alone
(the per-query figures). At concurrency 1 each round also times an empty `ASK {}` (the fixed
cost of a request) and the README queries with the whole prefix table in front of each, as
the query page prefills it. The server's CPU per request is read from /proc.

    python bench/servers.py [--rounds 3] [--passes 12] [--solo 24] [--no-rdflib] [--readme]

Writes bench/results/servers.json and, with --readme, the README's bench:servers section.
Exits with status 1 if an answer differed between our endpoint and Oxigraph or a request failed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from harness import (
    JSON_RESULTS,
    RESULTS,
    ROOT,
    Request,
    Run,
    cpu_seconds,
    drive,
    fetch,
    free_port,
    machine,
    median_ratio,
    pss_mb,
    replace_section,
    spawn,
    stop,
    wait_ready,
    write_results,
)

from kg.examples import examples
from kg.namespaces import GRAPH_SHAPES, PREFIXES
from kg.settings import load_settings

N_TRIPLES = "application/n-triples"
MAX_ROWS = 1_000_000  # KG_MAX_ROWS for kg serve: far above the graph's size, so nothing is cut
OURS, OXIGRAPH, RDFLIB = "kg serve", "oxigraph", "rdflib-endpoint"
COMMAND = "python bench/servers.py --readme"

HEAVY = (
    ("Multi-hop: the rounds of each series, who attended, their blocs and supporters", """
SELECT ?series ?round ?party ?bloc ?supporter WHERE {
  ?r kg:partOfSeries ?s ; rdfs:label ?round .
  ?s rdfs:label ?series .
  ?p kg:attends ?r ; rdfs:label ?party .
  OPTIONAL { ?p kg:memberOf/rdfs:label ?bloc }
  OPTIONAL { ?x kg:supports ?p . ?x rdfs:label ?supporter }
} ORDER BY ?series ?round ?party
"""),
    ("Multi-hop: parties at the same meeting where one supports, opposes or condemns the other",
     """
SELECT ?meeting ?a ?relation ?b WHERE {
  VALUES ?rel { kg:supports kg:opposes kg:condemns kg:criticises kg:metWith }
  ?x ?rel ?y .
  ?x kg:attends ?m . ?y kg:attends ?m .
  ?m rdfs:label ?meeting . ?x rdfs:label ?a . ?y rdfs:label ?b . ?rel rdfs:label ?relation .
} ORDER BY ?meeting ?a ?b
"""),
    ("Aggregate: triples and subjects per named graph and property", """
SELECT ?g ?p (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) WHERE {
  GRAPH ?g { ?s ?p ?o }
} GROUP BY ?g ?p ORDER BY ?g DESC(?triples) ?p
"""),
    ("Aggregate: facts and mean quote length per source and property", """
SELECT ?title ?property (COUNT(?e) AS ?facts) (AVG(STRLEN(?q)) AS ?quote_chars) WHERE {
  ?e rdf:predicate ?p ; kg:source ?src ; kg:quote ?q .
  ?src dcterms:title ?title .
  OPTIONAL { ?p rdfs:label ?property }
} GROUP BY ?title ?property ORDER BY ?title DESC(?facts) ?property
"""),
    ("OPTIONAL and FILTER: labelled entities with their aliases, types and comments", """
SELECT ?e ?label ?alias ?type ?comment WHERE {
  ?e rdfs:label ?label .
  OPTIONAL { ?e skos:altLabel ?alias FILTER(LCASE(?alias) != LCASE(?label)) }
  OPTIONAL { ?e a ?type FILTER(STRSTARTS(STR(?type), STR(kg:))) }
  OPTIONAL { ?e rdfs:comment ?comment }
  FILTER(!isBlank(?e) && (BOUND(?alias) || CONTAINS(LCASE(STR(?label)), "syria")))
} ORDER BY ?label
"""),
    ("DESCRIBE a busy entity: Geneva IV", "DESCRIBE id:geneva-iv\n"),
    ("CONSTRUCT the whole default graph (an export)",
     "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n"),
)


@dataclass(frozen=True)
class Query:
    key: str  # ex1…ex13 for the README examples, h1… for the heavier ones
    title: str
    text: str  # without PREFIX lines
    graph: bool  # CONSTRUCT or DESCRIBE: the answer is triples

    @property
    def readme(self) -> bool:
        return self.key.startswith("ex")

    def with_prefixes(self, every: bool = False) -> str:
        """The query after PREFIX lines for the prefixes it uses (every one with `every`)."""
        used = [p for p in PREFIXES if every or re.search(rf"(?<![\w.-]){p}:", self.text)]
        return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in used) + self.text


def query_mix() -> list[Query]:
    mix = [Query(f"ex{n}", e.title, e.query, False) for n, e in enumerate(examples(), start=1)]
    for n, (title, text) in enumerate(HEAVY, start=1):
        graph = text.lstrip().startswith(("CONSTRUCT", "DESCRIBE"))
        mix.append(Query(f"h{n}", title, text.lstrip("\n"), graph))
    return mix


@dataclass
class Server:
    name: str
    path: str  # the SPARQL query URL's path
    port: int
    proc: subprocess.Popen[bytes]

    def request(self, query: Query, every_prefix: bool = False) -> Request:
        text = query.with_prefixes(every_prefix)
        return Request(self.path + "?" + urlencode({"query": text}),
                       {"Accept": N_TRIPLES if query.graph else JSON_RESULTS})


# --- the servers --------------------------------------------------------------------------


def oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise SystemExit("no `oxigraph` command: pip install oxigraph (or '.[bench]')")
    return found


def oxigraph_store(artifact: Path, location: Path, log: Path) -> None:
    """`oxigraph load` the artifact's named graphs and, into the default graph, their merge
    without graph:shapes (kg.store builds the same default graph in memory)."""
    from pyoxigraph import RdfFormat, Store, Triple, serialize

    store = Store()
    store.load(path=str(artifact), format=RdfFormat.N_QUADS)
    merged = {(q.subject, q.predicate, q.object) for q in store
              if q.graph_name.value != str(GRAPH_SHAPES)}  # type: ignore[union-attr]
    default = location.parent / "default-graph.nt"
    with default.open("wb") as out:
        serialize((Triple(*t) for t in merged), out, RdfFormat.N_TRIPLES)
    with log.open("ab") as out:
        subprocess.run([oxigraph_binary(), "load", "--location", str(location),
                        "--file", str(artifact), str(default)],
                       check=True, stdout=out, stderr=subprocess.STDOUT)
        # what `oxigraph load` advises before a read-heavy workload
        subprocess.run([oxigraph_binary(), "optimize", "--location", str(location)],
                       check=True, stdout=out, stderr=subprocess.STDOUT)


def rdflib_child(port: int) -> None:
    """Serve the artifact with rdflib-endpoint: the named graphs as they are, and a default
    graph holding their merge without graph:shapes."""
    import uvicorn
    from rdflib import Dataset, URIRef
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
    from rdflib_endpoint import SparqlEndpoint

    dataset = Dataset(default_union=False)
    dataset.parse(str(load_settings().artifact), format="nquads")
    default = dataset.graph(DATASET_DEFAULT_GRAPH_ID)
    for graph in list(dataset.graphs()):
        if graph.identifier not in (URIRef(str(GRAPH_SHAPES)), DATASET_DEFAULT_GRAPH_ID):
            for triple in graph:
                default.add(triple)
    app = SparqlEndpoint(graph=dataset, path="/sparql")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def rdflib_available() -> str | None:
    """Why rdflib-endpoint cannot run here, or None if it can."""
    try:
        import rdflib_endpoint  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as error:
        return f"rdflib-endpoint is not installed ({error}); pip install 'rdflib-endpoint[cli]'"
    return None


def start_servers(names: Sequence[str], work: Path, logs: Path) -> list[Server]:
    """Start each server on a free port; the caller stops them (also when this fails)."""
    servers: list[Server] = []
    artifact = load_settings().artifact
    for name in names:
        port = free_port()
        log = logs / f"{name.replace(' ', '-')}.log"
        log.write_bytes(b"")
        if name == OURS:
            env = {**os.environ, "KG_ROOT": str(ROOT), "KG_HOST": "127.0.0.1",
                   "KG_PORT": str(port), "KG_MAX_ROWS": str(MAX_ROWS),
                   "KG_PID_FILE": str(work / "kg-serve.pid")}
            proc = spawn([sys.executable, "-m", "kg.cli", "serve"], log, env)
            servers.append(Server(name, "/sparql", port, proc))
        elif name == OXIGRAPH:
            location = work / "oxigraph"
            oxigraph_store(artifact, location, log)
            proc = spawn([oxigraph_binary(), "serve-read-only", "--location", str(location),
                          "--bind", f"127.0.0.1:{port}"], log)
            servers.append(Server(name, "/query", port, proc))
        else:
            proc = spawn([sys.executable, __file__, "--rdflib-child", str(port)], log)
            servers.append(Server(name, "/sparql", port, proc))
    for server in servers:
        wait_ready(server.proc, server.port, server.path)
    return servers


# --- are the answers the same? ------------------------------------------------------------

XSD = "http://www.w3.org/2001/XMLSchema#"
# Oxigraph stores these as xsd:integer ("4"^^xsd:positiveInteger comes back "4"^^xsd:integer).
INTEGER_SUBTYPES = ("nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
                    "negativeInteger", "long", "int", "short", "byte", "unsignedLong",
                    "unsignedInt", "unsignedShort", "unsignedByte")
# Ways two correct answers may differ, tried in this order when the answers are not equal.
LOOSENINGS = ("SAMPLE's choice", "integer subtypes read as xsd:integer", "decimal precision")


def answer_items(query: Query, body: bytes, media_type: str) -> list[Any]:
    """The answer as a list: a SELECT's bindings (dicts of terms), a graph's triples (strings,
    blank nodes renamed alike), parsed in the format the server says it sent; rdflib-endpoint
    labels its DESCRIBE answer, RDF/XML, as SPARQL XML results, and is read as RDF/XML."""
    if query.graph:
        from pyoxigraph import RdfFormat, parse

        rdf_format = RdfFormat.from_media_type(media_type.split(";")[0].strip())
        if rdf_format is None and b"<rdf:RDF" in body[:2000]:
            rdf_format = RdfFormat.RDF_XML
        if rdf_format is None:
            raise ValueError(f"not an RDF format: {media_type}")
        return [re.sub(r"_:[^\s>]+", "_:b", str(t)) for t in parse(body, rdf_format)]
    answer = json.loads(body)
    if "boolean" in answer:
        return [{"boolean": answer["boolean"]}]
    rows = []
    for binding in answer["results"]["bindings"]:
        row = {}
        for var, term in binding.items():
            term = dict(term)
            if term["type"] == "typed-literal":
                term["type"] = "literal"
            if term["type"] == "bnode":
                term["value"] = ""
            if term.get("datatype") == XSD + "string":
                del term["datatype"]
            row[var] = term
        rows.append(row)
    return rows


def loosen(query: Query, items: list[Any], how: int) -> list[str]:
    """The items as sorted strings, after the first `how` LOOSENINGS."""
    sampled = set(re.findall(r"SAMPLE\s*\([^)]*\)\s+AS\s+\?(\w+)", query.text, re.I))
    subtypes = "|".join(INTEGER_SUBTYPES)
    out = []
    for item in items:
        if isinstance(item, str):  # a triple
            if how >= 2:
                item = re.sub(rf'"\^\^<{XSD}(?:{subtypes})>', f'"^^<{XSD}integer>', item)
            out.append(item)
            continue
        row = {}
        for var, term in item.items():
            if how >= 1 and var in sampled:
                continue
            if isinstance(term, dict):
                term = dict(term)
                datatype = term.get("datatype", "")
                if how >= 2 and datatype[len(XSD):] in INTEGER_SUBTYPES:
                    term["datatype"] = XSD + "integer"
                if how >= 3 and datatype == XSD + "decimal":
                    term["value"] = f"{float(term['value']):.12g}"
            row[var] = term
        out.append(json.dumps(row, sort_keys=True, ensure_ascii=False))
    return sorted(out)


def compare(query: Query, ours: list[Any], theirs: list[Any]) -> dict[str, Any]:
    """Whether two answers are equal, else equal up to which LOOSENINGS, else how they differ."""
    used: list[str] = []
    before = None
    for how in range(len(LOOSENINGS) + 1):
        a, b = loosen(query, ours, how), loosen(query, theirs, how)
        if before is not None and (a, b) != before:
            used.append(LOOSENINGS[how - 1])  # this loosening changed something
        if a == b:
            return {"same": how == 0, "same_up_to": used}
        before = (a, b)
    a, b = set(loosen(query, ours, 0)), set(loosen(query, theirs, 0))
    return {"same": False, "same_up_to": None, "only_ours": len(a - b),
            "only_theirs": len(b - a), "example_ours": sorted(a - b)[:1],
            "example_theirs": sorted(b - a)[:1]}


def check_answers(servers: Sequence[Server], mix: Sequence[Query]) -> list[dict[str, Any]]:
    """Run each query once on every server; compare each peer's answer with ours."""
    report = []
    for query in mix:
        answers: dict[str, Any] = {}
        for server in servers:
            try:
                status, headers, body = fetch(server.port, server.request(query), timeout=60)
            except (OSError, http.client.HTTPException) as error:
                status, headers, body = 0, {}, f"no answer: {error!r}".encode()
            entry: dict[str, Any] = {"status": status, "bytes": len(body),
                                     "media_type": headers.get("content-type", "")}
            if status == 200:
                try:
                    entry["items"] = answer_items(query, body, entry["media_type"])
                    entry["cut"] = headers.get("x-sparql-maxrows")
                except (SyntaxError, ValueError) as error:
                    entry.update(status=-1, error=f"unreadable answer: {error}")
            else:
                entry["error"] = body[:300].decode("utf-8", "replace")
            answers[server.name] = entry
        ours = answers[OURS]
        row: dict[str, Any] = {"query": query.key, "counts": {}, "bytes": {}, "compared": {}}
        for name, entry in answers.items():
            row["counts"][name] = len(entry["items"]) if "items" in entry else None
            row["bytes"][name] = entry["bytes"]
            if name == OURS:
                continue
            if "items" in entry and "items" in ours:
                row["compared"][name] = compare(query, ours["items"], entry["items"])
            else:
                row["compared"][name] = {"same": False, "same_up_to": None,
                                         "error": entry.get("error") or ours.get("error")}
            if entry["media_type"] and query.graph and RDFLIB == name:
                row["compared"][name]["media_type"] = entry["media_type"]
        if ours.get("cut"):
            row["cut"] = ours["cut"]
        report.append(row)
    return report


# --- load ---------------------------------------------------------------------------------


def measure(server: Server, requests: Sequence[Request], concurrency: int) -> tuple[Run, float]:
    """Run the load; also the server's CPU per request, in milliseconds."""
    cpu = cpu_seconds(server.proc.pid)
    run = drive(server.port, requests, concurrency)
    return run, (cpu_seconds(server.proc.pid) - cpu) * 1000 / len(requests)


def round_of_load(server: Server, mix: Sequence[Query], args: argparse.Namespace,
                  round_no: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    peer = server.name == RDFLIB
    passes = args.rdflib_passes if peer else args.passes

    def record(phase: str, query: str, concurrency: int, figures: dict[str, float],
               **extra: Any) -> None:
        rows.append({"round": round_no, "server": server.name, "phase": phase, "query": query,
                     "concurrency": concurrency, **figures, **extra})

    for concurrency in args.concurrency:
        order: list[Query] = []
        for n in range(passes):  # the same shuffled order for every server
            shuffled = list(mix)
            random.Random(n).shuffle(shuffled)
            order += shuffled
        run, server_cpu = measure(server, [server.request(q) for q in order], concurrency)
        record("mix", "all", concurrency, run.figures(), client_cpu=run.client_cpu,
               server_cpu_ms=server_cpu)
        for query in mix:
            indices = [i for i, q in enumerate(order) if q.key == query.key]
            record("mix", query.key, concurrency, run.figures(indices))
        readme = [i for i, q in enumerate(order) if q.readme]
        record("mix", "readme", concurrency, run.figures(readme))
        print(f"  {server.name:<15} c={concurrency:<3} mix  {run.figures()['rps']:7.1f} req/s  "
              f"p50 {run.figures()['p50_ms']:6.1f} ms  errors {run.figures()['errors']}  "
              f"client CPU {run.client_cpu:.2f}", flush=True)
        if peer:
            continue
        for query in mix:
            run, server_cpu = measure(server, [server.request(query)] * args.solo, concurrency)
            record("solo", query.key, concurrency, run.figures(), client_cpu=run.client_cpu,
                   server_cpu_ms=server_cpu)
    if not peer and args.ask_requests:
        ask = Request(server.path + "?" + urlencode({"query": "ASK {}"}), {"Accept": JSON_RESULTS})
        run, server_cpu = measure(server, [ask] * args.ask_requests, 1)
        record("ask", "ASK {}", 1, run.figures(), client_cpu=run.client_cpu,
               server_cpu_ms=server_cpu)
    if not peer and args.full_prefix_requests:
        for query in (q for q in mix if q.readme):
            run, server_cpu = measure(server, [server.request(query, every_prefix=True)]
                                      * args.full_prefix_requests, 1)
            record("full-prefixes", query.key, 1, run.figures(), server_cpu_ms=server_cpu)
    return rows


# --- summary ------------------------------------------------------------------------------


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
    """The issue's two targets, and the README queries' p50 with the whole prefix table."""
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


# --- output -------------------------------------------------------------------------------


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


def mismatch_lines(check: list[dict[str, Any]], peer: str | None = None) -> list[str]:
    """One line per answer that was not identical to ours."""
    lines = []
    for row in check:
        for name, result in row["compared"].items():
            if result["same"] or peer not in (None, name):
                continue
            counts = f"{row['counts'][OURS]} vs {row['counts'][name]} rows or triples"
            if result["same_up_to"]:
                detail = "same up to: " + ", ".join(result["same_up_to"])
            elif "only_ours" in result:
                detail = (f"{result['only_ours']} only in ours, {result['only_theirs']} only "
                          "in theirs")
            else:
                detail = f"error: {result['error']}"
            lines.append(f"{row['query']} vs {name}: {counts}; {detail}")
    return lines


def real_mismatches(check: list[dict[str, Any]], peer: str) -> list[str]:
    return [row["query"] for row in check
            if not row["compared"][peer]["same"] and not row["compared"][peer]["same_up_to"]]


def short(title: str) -> str:
    """A heavy query's kind, from its title: "multi-hop", "DESCRIBE a busy entity"."""
    kind = title.split(":")[0]
    return kind[0].lower() + kind[1:] if kind[1:2].islower() else kind


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "es" if word.endswith("s") else "s")


def standing(summary: list[dict[str, Any]], mix: Sequence[Query], low: int) -> str:
    """Which queries each server answers faster alone at concurrency `low`, and the fixed
    cost of a request (an empty ASK) on each."""
    p50 = {q.key: [pick(summary, "solo", q.key, low, n).get("p50_ms") for n in (OURS, OXIGRAPH)]
           for q in mix}
    p50 = {k: v for k, v in p50.items() if None not in v}
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


def wrap(lines: list[str], width: int = 100) -> str:
    """Paragraphs wrapped like the rest of the README; tables and headings left alone."""
    out = []
    for line in lines:
        if line.startswith(("|", "#")) or len(line) <= width:
            out.append(line)
        else:
            out.append(textwrap.fill(line, width, break_long_words=False,
                                     break_on_hyphens=False))
    return "\n".join(out)


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
        "### The SPARQL endpoint against Oxigraph's own server",
        "",
        f"Our endpoint against Oxigraph's own server (`oxigraph serve-read-only`, Oxigraph "
        f"{m['oxigraph']}), measured on {data['date']} on a {m['cpu_count']}-core machine by "
        f"`{data['command']}` (after `kg build`), {plural(s['rounds'], 'round')}, the servers "
        "taking "
        "turns. Both serve the same dataset "
        f"({data['default_triples']:,} triples in the default graph) and answer the same "
        f"{len(mix)} queries from the same client: the 13 README examples and "
        f"{len(mix) - 13} heavier ones (multi-hop joins, aggregates, OPTIONAL with FILTER, "
        "DESCRIBE id:geneva-iv, a CONSTRUCT of the whole default graph). `kg serve` ran as "
        f"configured ({data['kg_serve']['workers']} workers × {data['kg_serve']['threads']} "
        f"threads) with KG_MAX_ROWS={MAX_ROWS:,}, so that the CONSTRUCT "
        "returns every triple. Each query declares the prefixes it uses. Method and caveats: "
        "[`bench/README.md`](bench/README.md).",
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
        "ex1–ex13 are the README examples in order; "
        + "; ".join(f"{q.key}: {short(q.title)}" for q in mix if not q.readme)
        + ". Their texts are in `bench/servers.py`.",
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
                   f"{full['refused']} of 13 README queries were refused: "
                   f"{data['full_prefix_probe']['message'].strip().rstrip('.')}.")
    elif full["median"] is not None:
        out[-3] += (f" Sent after the whole prefix table, as the query page prefills it, the "
                   f"README queries take {full['median']:.0f} ms at the median (slowest "
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--passes", type=int, default=12,
                        help="passes over the whole mix per concurrency level")
    parser.add_argument("--solo", type=int, default=24,
                        help="requests of each query alone per concurrency level")
    parser.add_argument("--full-prefix-requests", type=int, default=6,
                        help="requests of each README query with the whole prefix table "
                        "(0: skip)")
    parser.add_argument("--ask-requests", type=int, default=200,
                        help="requests of an empty ASK at concurrency 1, the fixed cost (0: skip)")
    parser.add_argument("--rdflib-passes", type=int, default=1,
                        help="passes over the mix per level for rdflib-endpoint")
    parser.add_argument("--no-rdflib", action="store_true", help="leave rdflib-endpoint out")
    parser.add_argument("--concurrency", type=lambda s: [int(c) for c in s.split(",")],
                        default=[1, 4, 16])
    parser.add_argument("--readme", action="store_true",
                        help="write the figures into README.md's bench:servers section")
    parser.add_argument("--readme-only", action="store_true",
                        help="rewrite the README section from bench/results/servers.json; no run")
    parser.add_argument("--rdflib-child", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rdflib_child:
        rdflib_child(args.rdflib_child)
        return 0

    if args.readme_only:
        data = json.loads((RESULTS / "servers.json").read_text(encoding="utf-8"))
        return 0 if replace_section("servers", readme_section(data)) else 1

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks
    mix = query_mix()
    names = [OURS, OXIGRAPH]
    skipped = None if not args.no_rdflib else "left out with --no-rdflib"
    if not args.no_rdflib and (skipped := rdflib_available()) is None:
        names.append(RDFLIB)
    logs = Path(tempfile.gettempdir()) / "kg-bench-servers"
    logs.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kg-bench-servers-"))
    started = time.monotonic()
    print(f"{os.cpu_count()} cores; {len(mix)} queries; servers: {', '.join(names)}; "
          f"logs in {logs}", flush=True)
    servers: list[Server] = []
    try:
        servers = start_servers(names, work, logs)
        check = check_answers(servers, mix)
        probe = full_prefix_probe(servers[0], mix)
        for line in mismatch_lines(check) or ["every answer matched"]:
            print("  check:", line)
        for server in servers:  # warm every worker on every query
            drive(server.port, [server.request(q) for q in mix] * 2, 4)
        runs: list[dict[str, Any]] = []
        load_before = os.getloadavg()
        for round_no in range(1, args.rounds + 1):
            print(f"round {round_no}", flush=True)
            for server in servers if round_no % 2 else servers[::-1]:
                load_average = os.getloadavg()[0]
                runs += [{**row, "load_average": load_average}
                         for row in round_of_load(server, mix, args, round_no)]
        memory = {s.name: round(pss_mb(s.proc.pid), 1) for s in servers}
    finally:
        for server in servers:
            stop(server.proc)
        shutil.rmtree(work, ignore_errors=True)

    summary = summarise(runs, names)
    data: dict[str, Any] = {
        "date": date.today().isoformat(), "command": COMMAND,
        "machine": {**machine("pyoxigraph", "oxigraph", "gunicorn", "flask", "rdflib",
                              "rdflib-endpoint", "uvicorn"),
                    "load_average_before": load_before},
        "settings": {k: v for k, v in vars(args).items()
                     if k in ("rounds", "passes", "solo", "full_prefix_requests",
                              "ask_requests", "rdflib_passes", "concurrency")},
        "kg_max_rows": MAX_ROWS, "servers": names,
        "kg_serve": {"workers": load_settings().workers, "threads": load_settings().threads},
        "rdflib_skipped": skipped,
        "default_triples": next(iter(r["counts"][OURS] for r in check if r["query"] == "h7")),
        "pss_mb": memory, "seconds": round(time.monotonic() - started),
        "full_prefix_probe": probe,
        "queries": [asdict(q) for q in mix], "check": check,
        "targets": targets(summary, mix, args.concurrency), "summary": summary, "runs": runs,
    }
    print(f"\n{args.rounds} rounds in {data['seconds']} s; memory (PSS, MB): {memory}\n")
    print("\n".join(overall_table(summary, names, args.concurrency)), "\n")
    print("\n".join(per_query_table(summary, mix, args.concurrency)), "\n")
    for key, value in data["targets"].items():
        print(f"{key}: {json.dumps(value)}")
    write_results("servers", data)
    if args.readme and not replace_section("servers", readme_section(data)):
        print("README.md has no bench:servers markers; section not written", file=sys.stderr)
    reasons = [f"answers differ from Oxigraph's on {', '.join(real_mismatches(check, OXIGRAPH))}"
               ] if real_mismatches(check, OXIGRAPH) else []
    reasons += [f"{r['errors']} failed requests: {r['server']}, {r['phase']} {r['query']}, "
                f"concurrency {r['concurrency']}" for r in summary
                if r["errors"] and r["server"] != RDFLIB and r["query"] != "readme"
                and (r["phase"] != "mix" or r["query"] == "all")]
    for reason in reasons:
        print("FAILED:", reason, file=sys.stderr)
    return 1 if reasons else 0


if __name__ == "__main__":
    sys.exit(main())
