"""The `policykg` command: thin click commands over ingest/, graph/ and queries/.

Every command opens the store from one place (`--neo4j URI` / NEO4J_URI, else the embedded store
under `--data-dir` / POLICYKG_DATA / ./policykg-data) and turns library errors into `Error: …`
with a non-zero exit.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import click

from policykg.errors import DocumentError, PolicyKGError
from policykg.settings import Settings

__all__ = ["cli", "main"]


def store_options(f: Any) -> Any:
    f = click.option("--data-dir", type=click.Path(file_okay=False), help="Embedded store folder (POLICYKG_DATA).")(f)
    f = click.option("--neo4j", "neo4j_uri", metavar="URI", help="Use Neo4j at URI (NEO4J_URI).")(f)
    return f


def _settings(neo4j_uri: str | None, data_dir: str | None) -> Settings:
    settings = Settings.from_env(neo4j_uri=neo4j_uri, data_dir=Path(data_dir) if data_dir else None)
    if data_dir and not neo4j_uri:  # an explicit --data-dir means the embedded store, whatever NEO4J_URI says
        settings = replace(settings, neo4j_uri=None)
    return settings


def _open(neo4j_uri: str | None, data_dir: str | None) -> Any:
    from policykg.graph import open_store

    try:
        return open_store(_settings(neo4j_uri, data_dir))
    except PolicyKGError as e:
        raise click.ClickException(str(e)) from e


@click.group()
@click.version_option(package_name="policy-kg")
def cli() -> None:
    """policy-kg: Chinese policy documents into a knowledge graph of who leads, takes part in and is
    responsible for what, which policies each rests on, and which regions they cover."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write JSON lines here (default: stdout).")
@click.option("--text/--no-text", default=False, help="Include each document's clean text.")
def extract(paths: tuple[str, ...], output: str | None, text: bool) -> None:
    """Extract facts from documents (files or folders) as JSON lines in the gold format.

    Example: policykg extract samples/ -o out.jsonl
    """
    from policykg.ingest import extract_many

    failed = 0
    out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    try:
        for _path, rec in extract_many(list(paths), keep_text=text):
            if isinstance(rec, DocumentError):
                failed += 1
                click.echo(f"error: {rec}", err=True)
                continue
            out.write(
                json.dumps(
                    rec.model_dump(exclude_none=False, exclude={"clean_text"} if not text else set()),
                    ensure_ascii=False,
                )
                + "\n"
            )
    finally:
        if output:
            out.close()
    if failed:
        raise SystemExit(1)


@cli.command("eval")
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate(gold_dir: str, paths: tuple[str, ...], as_json: bool) -> None:
    """Precision, recall and F1 per field and per document against gold annotations.

    PATHS are documents (extracted now) or .jsonl files of earlier `extract` output.

    Example: policykg eval --gold ../shared/gold policykg/samples
    """
    from policykg.evaluate import score
    from policykg.ingest import extract_many

    preds: list[dict[str, Any]] = []
    docs = []
    for p in paths:
        if p.endswith(".jsonl"):
            preds += [json.loads(line) for line in Path(p).read_text(encoding="utf-8").splitlines() if line.strip()]
        else:
            docs.append(p)
    for _p, rec in extract_many(docs):
        if isinstance(rec, DocumentError):
            click.echo(f"error: {rec}", err=True)
        else:
            preds.append(rec.model_dump())
    result = score(gold_dir, preds)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    for stem, fields in result["documents"].items():
        a = fields.get("assign_mention", {})
        click.echo(
            f"{stem[:40]:40} assign P={a.get('precision', 0):.3f} R={a.get('recall', 0):.3f} F1={a.get('f1', 0):.3f}"
            f" tasksF1={fields.get('tasks', {}).get('f1', 0):.3f}"
        )
    click.echo("-- totals (micro over documents)")
    for k, v in result["totals"].items():
        click.echo(
            f"{k:18} gold={v['gold']:5} pred={v['pred']:5} tp={v['tp']:5} P={v['precision']:.3f} R={v['recall']:.3f} F1={v['f1']:.3f}"
        )


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@store_options
@click.option("--quiet", is_flag=True, help="No progress bar.")
def ingest(paths: tuple[str, ...], neo4j_uri: str | None, data_dir: str | None, quiet: bool) -> None:
    """Extract documents and store them in the graph, one transaction per document.

    Unchanged files are skipped; a changed file replaces its own facts only.

    Example: policykg ingest policykg/samples
    """
    from policykg.graph.ingest import ingest_paths

    store = _open(neo4j_uri, data_dir)
    with store:
        summary = ingest_paths(store, list(paths), progress=not quiet)
    click.echo(summary.describe())
    if summary.failed:
        raise SystemExit(1)


@cli.command()
@click.argument("doc")
@store_options
def remove(doc: str, neo4j_uri: str | None, data_dir: str | None) -> None:
    """Take a stored document's facts out of the graph (by file name, title or key).

    Example: policykg remove 003_22293d2eac0c7b96.txt
    """
    store = _open(neo4j_uri, data_dir)
    with store:
        try:
            key = store.remove_document(doc)
        except PolicyKGError as e:
            raise click.ClickException(str(e)) from e
    click.echo(f"removed {key}")


@cli.command("queries")
def list_queries() -> None:
    """List the Cypher query templates and their parameters.

    Example: policykg queries
    """
    from policykg.queries.registry import templates

    for t in templates().values():
        params = ", ".join(f"{p.name}:{p.type}{'' if p.required else '?'}" for p in t.params)
        click.echo(f"{t.name:22} {t.title}  ({params})\n{'':22} {t.description}")


def _format(result: Any, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"columns": result.columns, "rows": result.rows}, ensure_ascii=False, indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(result.columns)
        w.writerows(result.rows)
        return buf.getvalue().rstrip("\n")
    from rich.console import Console
    from rich.table import Table

    table = Table(*result.columns, show_lines=False)
    for row in result.rows:
        table.add_row(*["" if v is None else ", ".join(map(str, v)) if isinstance(v, list) else str(v) for v in row])
    buf = io.StringIO()
    Console(file=buf, width=200).print(table)
    return buf.getvalue().rstrip("\n")


@cli.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="K=V", help="A template parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@store_options
def query(name: str, params: tuple[str, ...], fmt: str, neo4j_uri: str | None, data_dir: str | None) -> None:
    """Run a query template by name.

    Example: policykg query agency_tasks --param agency=山东省知识产权局
    """
    from policykg.queries.registry import run

    given = {}
    for kv in params:
        if "=" not in kv:
            raise click.BadParameter(f"{kv!r} is not K=V", param_hint="--param")
        k, _, v = kv.partition("=")
        given[k] = v
    store = _open(neo4j_uri, data_dir)
    with store:
        try:
            result = run(store, name, given)
        except PolicyKGError as e:
            raise click.ClickException(str(e)) from e
    click.echo(_format(result, fmt))


@cli.command()
@store_options
def demo(neo4j_uri: str | None, data_dir: str | None) -> None:
    """Build the graph from the bundled sample documents and show who leads what.

    Example: policykg demo
    """
    from policykg.graph.ingest import ingest_paths
    from policykg.queries.registry import run

    samples = resources.files("policykg").joinpath("samples")
    store = _open(neo4j_uri, data_dir)
    with store:
        summary = ingest_paths(store, [str(samples)], progress=False)
        click.echo(summary.describe())
        click.echo("\nAgencies that lead the most tasks (lead_ranking):")
        click.echo(_format(run(store, "lead_ranking", {"limit": 10}), "table"))
        click.echo("\nWho leads what (who_leads, first 15):")
        click.echo(_format(run(store, "who_leads", {"limit": 15}), "table"))
    if summary.failed:
        raise SystemExit(1)


@cli.command()
@store_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
def serve(neo4j_uri: str | None, data_dir: str | None, host: str, port: int) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs) on the configured store.

    Example: POLICYKG_TOKEN=secret policykg serve --port 8000
    """
    import uvicorn

    from policykg.api import create_app

    store = _open(neo4j_uri, data_dir)
    app = create_app(_settings(neo4j_uri, data_dir), store=store)
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        store.close()


# The overlap analysis, exports and pictures live in their own module (imported last: it reuses store_options).
from policykg.overlap_cli import export, overlap, viz  # noqa: E402

cli.add_command(overlap)
cli.add_command(export)
cli.add_command(viz)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
