"""The `kg` command line: thin wrappers over the library; options override settings."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from kg.atomic import write_atomic
from kg.errors import KgError
from kg.export import SELECTIONS, export
from kg.formats import (
    RDF_FORMATS,
    RESULT_FORMATS,
    RdfFormat,
    ResultFormat,
    lookup,
    lookup_result,
    names,
    write_result,
)
from kg.query import run_query
from kg.remote.load import push_build
from kg.report import read_summary, summary_markdown, summary_text, update_stats_block
from kg.settings import SETTINGS, Settings, load_settings
from kg.sources import KINDS, add_source
from kg.store import open_store


class KgGroup(click.Group):
    """Expected errors become `Error: <message>` on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (KgError, OSError) as error:
            raise click.ClickException(str(error)) from None


def _settings_epilog() -> str:
    lines = ["\b", "Settings (environment variables; override with --setting NAME VALUE):"]
    width = max(len(s.env_var) for s in SETTINGS)
    lines += [f"  {s.env_var:<{width}}  {s.help}" for s in SETTINGS]
    return "\n".join(lines)


@click.group(cls=KgGroup, epilog=_settings_epilog())
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="Project root (holds ontology/, shapes/, data/).")
@click.option("--setting", "setting_pairs", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Override any setting, e.g. --setting query_timeout_s 5.")
@click.version_option(package_name="kg")
@click.pass_context
def cli(ctx: click.Context, root: Path | None, setting_pairs: tuple[tuple[str, str], ...]) -> None:
    """Build, validate, query and export the Syrian peace talks knowledge graph."""
    ctx.obj = dict(setting_pairs)
    if root is not None:
        ctx.obj["root"] = root


def _progress(message: str) -> None:
    click.echo(message, err=True)


def _settings(ctx: click.Context, **overrides: object) -> Settings:
    # A command option left unset must not hide the same setting given to the group.
    given = {name: value for name, value in overrides.items() if value is not None}
    return load_settings(**{**ctx.obj, **given})


@cli.command()
@click.option("--artifact", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the built dataset (N-Quads).")
@click.pass_context
def build(ctx: click.Context, artifact: Path | None) -> None:
    """Load, reason, validate and write the artifact (only if everything passes)."""
    # A path typed on the command line is relative to where the user stands.
    settings = _settings(ctx, artifact=artifact.resolve() if artifact else None)
    from kg import build as build_mod  # reasoning and SHACL load only for the commands using them

    result = build_mod.build(settings, progress=_progress)
    if not result.written:
        click.echo(result.report.text(), err=True)
        raise click.ClickException(
            f"validation failed with {len(result.report.violations)} result(s); "
            f"nothing written, {settings.artifact} left unchanged"
        )
    if result.report.violations:  # warnings only: they do not stop the build
        click.echo(result.report.text(), err=True)
    click.echo(summary_text(result.summary))
    click.echo(f"\nArtifact: {settings.artifact}\nSummary:  {settings.summary}")


def _bench_synthetic(settings: Settings) -> Any:
    """The generator, bench/synthetic/ of the checkout kg runs from (or of --root): a tool
    apart from the library, so an installed kg does not carry it."""
    import importlib.util

    places = [Path(__file__).resolve().parents[2], settings.root]
    for init in (place / "bench" / "synthetic" / "__init__.py" for place in places):
        if init.is_file():
            loaded = sys.modules.get("bench.synthetic")
            if loaded is not None and Path(loaded.__file__ or "") == init:
                return loaded
            spec = importlib.util.spec_from_file_location(
                "bench.synthetic", init, submodule_search_locations=[str(init.parent)])
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules["bench.synthetic"] = module
            spec.loader.exec_module(module)
            return module
    raise click.ClickException(
        "kg generate runs the generator in bench/synthetic/ of a checkout of the project, and "
        f"found none (looked in {' and '.join(str(p / 'bench') for p in places)}): clone the "
        "repository, `pip install -e .` in it and run kg generate there, or point --root at "
        "a checkout")


@cli.command()
@click.option("--triples", type=int, required=True,
              help="About how many asserted triples to write (within 1%).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed: the same seed and size give byte-identical files.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory to write the project to (must be empty, or use --force).")
@click.option("--force", is_flag=True, help="Replace the project files already in --out.")
@click.pass_context
def generate(ctx: click.Context, triples: int, seed: int, out: Path, force: bool) -> None:
    """Write a synthetic project of any size, for measuring how the build scales.

    It copies this project's ontology and shapes, and invents conferences, parties, envoys,
    resolutions, attendance, support and condemnation, each fact quoting a sentence of its
    synthetic source text. Build it with `kg --root OUT build`.
    """
    settings = _settings(ctx)
    made = _bench_synthetic(settings).generate(out.resolve(), triples, seed,
                                               settings.ontology_dir, settings.shapes_dir,
                                               force=force)
    click.echo(f"Wrote {made['triples']} triples ({made['facts']} facts, "
               f"{made['conferences']} conferences, {made['sources']} sources) to {out}")


@cli.command("add-source")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", required=True, help="The document's title, as its text gives it.")
@click.option("--kind", required=True, type=click.Choice(sorted(KINDS)),
              help="What the document is.")
@click.option("--stem", help="The source's name in file names and IRIs (default: the file's).")
@click.option("--date", help="The document's date, if it states one (2017-02-23, 2017-02, "
                             "2017 or --02-16).")
@click.pass_context
def add_source_cmd(ctx: click.Context, path: Path, title: str, kind: str, stem: str | None,
                   date: str | None) -> None:
    """Add a source document: copy its text in, describe it with its checksum in
    sources.ttl, and start its data file. Then write its facts (docs/contributing.md)."""
    added = add_source(_settings(ctx), path, title, kind, stem=stem, date=date)
    click.echo(f"Added source {added.stem} (SHA-256 {added.sha256}):\n"
               f"  text         {added.text}\n  description  {added.description}\n"
               f"  facts        {added.data} (empty: write the source's facts here)")


@cli.command()
@click.pass_context
def validate(ctx: click.Context) -> None:
    """Load, reason and validate; print the SHACL report (exit 1 on violations)."""
    from kg import build as build_mod

    checked = build_mod.check(_settings(ctx))
    click.echo(checked.report.text())
    if not checked.report.conforms:
        ctx.exit(1)


@cli.command()
@click.argument("query_text", metavar="[QUERY]", required=False)
@click.option("--file", "query_file", type=click.File("r", encoding="utf-8"),
              help="Read the query from a file ('-' for stdin).")
@click.option("--format", "format_name", default="table", show_default=True,
              type=click.Choice(list(dict.fromkeys(names(RESULT_FORMATS) + names(RDF_FORMATS)))),
              help="Result format; CONSTRUCT and DESCRIBE take an RDF format (default ttl).")
@click.option("--timeout", type=float, help="Time limit in seconds (query_timeout_s).")
@click.pass_context
def query(ctx: click.Context, query_text: str | None, query_file: TextIO | None,
          format_name: str, timeout: float | None) -> None:
    """Run a read-only SPARQL query over the built artifact (all graphs as default).

    The project prefixes (kg:, id:, ev:, src:, graph:, rdf:, rdfs:, owl:, ...) are
    predeclared. CONSTRUCT and DESCRIBE results are printed as Turtle unless --format
    names an RDF format.
    """
    if (query_text is None) == (query_file is None):
        raise click.UsageError("give the query either as an argument or with --file")
    try:
        text = query_text if query_text is not None else query_file.read()  # type: ignore[union-attr]
    except UnicodeDecodeError:
        raise click.BadParameter("the query file is not UTF-8 text", param_hint="--file") from None
    settings = _settings(ctx, query_timeout_s=timeout)
    result = run_query(open_store(settings.artifact), text, settings.query_timeout_s)
    fmt: RdfFormat | ResultFormat
    if result.kind == "graph":
        fmt = lookup(format_name) if format_name in names(RDF_FORMATS) else lookup("ttl")
    else:
        fmt = lookup_result(format_name)
    click.echo(write_result(result, fmt), nl=False)


@cli.command("export")
@click.option("--format", "format_name", default="ttl", show_default=True,
              help=f"One of {', '.join(names(RDF_FORMATS))} (or a media type).")
@click.option("--graph", "selection", default="all", show_default=True,
              help=f"{'|'.join(SELECTIONS)} or a graph name (ontology, sources, <stem>).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
@click.pass_context
def export_cmd(ctx: click.Context, format_name: str, selection: str,
               output: Path | None) -> None:
    """Serialize the built dataset (or part of it) in an RDF format."""
    data = export(_settings(ctx).artifact, format_name, selection)
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream unchanged
    else:
        write_atomic(output, data)
        click.echo(f"Wrote {len(data)} bytes to {output}", err=True)


@cli.command()
@click.option("--format", "form", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="text to read, json for programs, markdown for the docs.")
@click.option("--update", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the Markdown tables into FILE between its stats markers "
                   "(docs/data.md holds them).")
@click.pass_context
def stats(ctx: click.Context, form: str, update: Path | None) -> None:
    """Counts from the last build: facts per source, triples per graph, class and property."""
    summary = read_summary(_settings(ctx))
    if update is not None:
        changed = update_stats_block(update, summary_markdown(summary))
        click.echo(f"{update}: {'updated' if changed else 'already up to date'}", err=True)
        return
    renderers = {"text": summary_text, "markdown": summary_markdown,
                 "json": lambda s: json.dumps(s, indent=2)}
    click.echo(renderers[form](summary))


@cli.command()
@click.option("--into", metavar="URL",
              help="The store's Graph Store Protocol endpoint (setting store_update_url; "
                   "default: store_url with /store for /query).")
@click.option("--default-graph", "default_graph", default="auto", show_default=True,
              type=click.Choice(["auto", "default", "named"]),
              help="Where the merged default graph goes: the store's default graph, or a "
                   "named graph that kg serve names as the default graph (for stores whose "
                   "default graph is the union of all graphs, like Virtuoso); auto tries the "
                   "store's own first.")
@click.pass_context
def load(ctx: click.Context, into: str | None, default_graph: str) -> None:
    """Push the built artifact to a remote store (KG_STORE_URL), for `kg serve` to serve.

    Each named graph is replaced by a Graph Store Protocol PUT, the merged default graph too,
    graphs of an older build are deleted, and the store's counts are checked against the
    build's. Loading twice gives the same store.
    """
    report = push_build(_settings(ctx, store_update_url=into), default_graph)
    click.echo("\n".join(report.summary()), err=True)
    if report.mismatches:
        raise click.ClickException("the store does not hold what was loaded:\n  "
                                   + "\n  ".join(report.mismatches))
    click.echo(f"Checked: {report.query_url} holds the build", err=True)


@cli.command()
@click.option("--host", help="Interface to listen on (setting host, default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (setting port, default 5000).")
@click.option("--workers", type=int, help="Worker processes (setting workers).")
@click.option("--threads", type=int, help="Request threads per worker (setting threads).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int | None,
          threads: int | None) -> None:
    """Serve the SPARQL endpoint and pages over the built artifact (built first if missing).

    The endpoint is /sparql (SPARQL 1.1 Protocol, read-only), the query page /query.
    """
    settings = _settings(ctx, host=host, port=port, workers=workers, threads=threads)
    from kg.web.server import serve as run_server  # Flask and gunicorn load only here

    run_server(settings, progress=_progress)


@cli.command()
@click.pass_context
def reload(ctx: click.Context) -> None:
    """Make the running `kg serve` serve the current build (after `kg build`), atomically."""
    from kg.web.server import reload as reload_server

    pid = reload_server(_settings(ctx))
    click.echo(f"Asked kg serve (pid {pid}) to load the current build.", err=True)


def main() -> None:
    # rdflib logs its own complaints about terms; the loader reports them as errors.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    cli(prog_name="kg")


if __name__ == "__main__":
    main()
