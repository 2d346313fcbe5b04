"""The servers the benchmarks compare, each a process on a free port of 127.0.0.1 serving the
built artifact: `kg serve` as a user runs it, `oxigraph serve-read-only` on a store made with
`oxigraph load`, and rdflib-endpoint (rdflib's SPARQL engine under uvicorn)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from harness import JSON_RESULTS, N_TRIPLES, ROOT
from harness.client import Request
from harness.procs import spawn
from harness.queries import Query
from kg.namespaces import GRAPH_SHAPES
from kg.settings import load_settings

OURS, OXIGRAPH, RDFLIB = "kg serve", "oxigraph", "rdflib-endpoint"


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


def start_kg_serve(port: int, work: Path, log: Path,
                   env: Mapping[str, str] | None = None) -> Server:
    """`kg serve` on this checkout's build, with its settings unless `env` overrides some
    (KG_* variables); its pid file goes to `work`, not beside the build."""
    full = {**os.environ, "KG_ROOT": str(ROOT), "KG_HOST": "127.0.0.1", "KG_PORT": str(port),
            "KG_PID_FILE": str(work / f"kg-serve-{port}.pid"), **(env or {})}
    proc = spawn([sys.executable, "-m", "kg.cli", "serve"], log, full)
    return Server(OURS, "/sparql", port, proc)


def oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise SystemExit("no `oxigraph` command: pip install oxigraph (or '.[bench]')")
    return found


def merged_default_graph(artifact: Path, out: Path) -> Path:
    """Write, as N-Triples, the merge of the artifact's named graphs without graph:shapes:
    exactly the default graph kg.store materialises in memory."""
    from pyoxigraph import RdfFormat, Store, Triple, serialize

    store = Store()
    store.load(path=str(artifact), format=RdfFormat.N_QUADS)
    merged = {(q.subject, q.predicate, q.object) for q in store
              if q.graph_name.value != str(GRAPH_SHAPES)}  # type: ignore[union-attr]
    with out.open("wb") as sink:
        serialize((Triple(*t) for t in merged), sink, RdfFormat.N_TRIPLES)
    return out


def oxigraph_store(artifact: Path, location: Path, log: Path, merged_default: bool) -> None:
    """`oxigraph load` the artifact's named graphs (and, with `merged_default`, their merge as
    the default graph), then `oxigraph optimize`, as `oxigraph load` advises before a
    read-heavy workload."""
    files = [str(artifact)]
    if merged_default:
        files.append(str(merged_default_graph(artifact, location.parent / "default-graph.nt")))
    with log.open("ab") as out:
        subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file",
                        *files], check=True, stdout=out, stderr=subprocess.STDOUT)
        subprocess.run([oxigraph_binary(), "optimize", "--location", str(location)],
                       check=True, stdout=out, stderr=subprocess.STDOUT)


def start_oxigraph(port: int, location: Path, log: Path, union_default_graph: bool) -> Server:
    """`oxigraph serve-read-only` on a store made by oxigraph_store."""
    command = [oxigraph_binary(), "serve-read-only", "--location", str(location),
               "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        command.append("--union-default-graph")
    return Server(OXIGRAPH, "/query", port, spawn(command, log))


def rdflib_child(port: int) -> None:
    """Serve the artifact with rdflib-endpoint: the named graphs as they are, and a default
    graph holding their merge without graph:shapes. Runs in a process of its own."""
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


def start_rdflib(port: int, script: str, log: Path) -> Server:
    """rdflib-endpoint, started as `python <script> --rdflib-child PORT` (see rdflib_child)."""
    proc = spawn([sys.executable, script, "--rdflib-child", str(port)], log)
    return Server(RDFLIB, "/sparql", port, proc)
