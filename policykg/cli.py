"""The `policykg` command: thin click commands over ingest/, graph/ and queries/.

Every command opens the store from one place (`--neo4j URI` / NEO4J_URI, else the embedded store
under `--data-dir` / POLICYKG_DATA / ./policykg-data) and turns library errors into `Error: …`
with a non-zero exit. Reading commands never create a store and open the embedded one read-only,
so they work while `policykg serve` holds it; writing commands say what holds it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
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


def _open(neo4j_uri: str | None, data_dir: str | None, *, create: bool = False, read_only: bool = False) -> Any:
    from policykg.graph import open_store

    try:
        store = open_store(_settings(neo4j_uri, data_dir), create=create, read_only=read_only)
    except PolicyKGError as e:
        raise click.ClickException(str(e)) from e
    if read_only and store.kind == "embedded":
        from policykg.graph.embedded_store import running_server

        server = running_server(store.data_dir)
        if server:
            click.echo(
                f"note: `policykg serve` (pid {server['pid']}, {server['url']}) holds this store; "
                "read read-only, as committed now",
                err=True,
            )
    return store


def _progress(items: Iterable[Any], total: int, label: str, enabled: bool) -> Iterator[Any]:
    """`items`, with a progress bar on stderr when there are several and the user did not ask for quiet."""
    if not enabled or total < 2:
        yield from items
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        for item in items:
            yield item
            bar.advance(task)


@click.group()
@click.version_option(package_name="policy-kg")
def cli() -> None:
    """policy-kg: Chinese policy documents into a knowledge graph of who leads, takes part in and is
    responsible for what, which policies each rests on, and which regions they cover."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write JSON lines here (default: stdout).")
@click.option("--text/--no-text", default=False, help="Include each document's clean text.")
@click.option("--report", "report", is_flag=True, help="Print what was not understood (no gold needed).")
@click.option("--report-json", type=click.Path(dir_okay=False), help="Write that report as JSON here.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Extraction processes at once (default: one per core)."
)
def extract(
    paths: tuple[str, ...],
    output: str | None,
    text: bool,
    report: bool,
    report_json: str | None,
    quiet: bool,
    jobs: int | None,
) -> None:
    """Extract facts from documents (files or folders) as JSON lines in the gold format.

    With --report, also list per document what extraction did not understand: clause-like spans naming
    agencies that gave no assignment, agency mentions the registry could not name, assignments outside
    any task, and how many duty sentences are narrative.

    Example: policykg extract samples/ -o out.jsonl --report
    """
    from policykg.graph.ingest import extract_records
    from policykg.ingest.pipeline import iter_documents
    from policykg.ingest.report import document_report

    reports: list[dict[str, Any]] = []
    want_report = report or bool(report_json)
    files = list(iter_documents(list(paths)))
    failed = written = 0
    t0 = time.perf_counter()
    settings = Settings.from_env()
    # each document in a worker process, under a time and memory budget: one bad file cannot stop the batch;
    # output in file order whatever the number of processes
    batch = extract_records(files, settings, jobs, keep_text=text or want_report)
    out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    try:
        for _path, rec in _progress(batch, len(files), "extracting", not quiet):
            if isinstance(rec, DocumentError):
                failed += 1
                click.echo(f"error: {rec}", err=True)
                continue
            if want_report:
                reports.append(document_report(rec.model_dump()))
            written += 1
            out.write(
                json.dumps(
                    rec.model_dump(exclude_none=False, exclude={"clean_text"} if not text else set()),
                    ensure_ascii=False,
                )
                + "\n"
            )
    finally:
        batch.close()
        if output:
            out.close()
    where = output or "stdout"
    click.echo(
        f"extracted {written} of {len(files)} documents to {where} ({failed} failed) in {time.perf_counter() - t0:.1f} s",
        err=True,
    )
    if want_report:
        _print_report(reports, report_json)
    if failed:
        raise SystemExit(1)


def _print_report(reports: list[dict[str, Any]], path: str | None) -> None:
    from policykg.ingest.report import summarise

    totals = summarise(reports)
    if path:
        Path(path).write_text(
            json.dumps({"totals": totals, "documents": reports}, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    for r in reports:
        if r["unread_clauses"] or r["unread_lists"] or r["unresolved_agencies"] or r["orphan_assignments"]:
            click.echo(
                f"{r['doc']}: {r['assignments']} assignments, {len(r['unread_clauses'])} unread clauses, "
                f"{len(r['unread_lists'])} unread agency lists, "
                f"{sum(r['unresolved_agencies'].values())} unresolved mentions, {r['narrative_duties']} narrative duties",
                err=True,
            )
            for u in r["unread_clauses"][:5]:
                click.echo(f"    unread ({u['reason']}) @{u['start']}: {u['text'][:80]}", err=True)
            for u in r["unread_lists"][:3]:
                click.echo(f"    unread list @{u['start']}: {u['text'][:80]}", err=True)
    click.echo(
        "report: {documents} documents, {assignments} assignments, {tasks} tasks; {unread_clauses} unread clauses"
        " ({unread_clauses_in_tasks} inside tasks, in {documents_with_unread_clauses} documents); {unread_lists} unread"
        " agency lists (in {documents_with_unread_lists} documents); {unresolved_mentions}"
        " mentions outside the registry ({unresolved_distinct} distinct); {orphan_assignments} assignments outside"
        " any task; {narrative_duties} narrative duty sentences".format(**totals),
        err=True,
    )
    if totals["unresolved_top"]:
        top = ", ".join(f"{k} ×{v}" for k, v in list(totals["unresolved_top"].items())[:10])
        click.echo(f"report: most frequent unresolved mentions: {top}", err=True)


@cli.command("eval")
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--diff", "show_diff", is_flag=True, help="Show, per document, the missed and extra facts.")
@click.option(
    "--field",
    "diff_fields",
    multiple=True,
    type=click.Choice(
        [
            "assignments",
            "canonical",
            "tasks",
            "regions",
            "issuer",
            "title",
            "doc_number",
            "date",
            "region",
            "basis",
            "cited",
        ]
    ),
    help="With --diff: only these fields (repeatable).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def evaluate(
    gold_dir: str, paths: tuple[str, ...], as_json: bool, show_diff: bool, diff_fields: tuple[str, ...], quiet: bool
) -> None:
    """Precision, recall and F1 per field and per document against gold annotations.

    PATHS are documents (extracted now) or .jsonl files of earlier `extract` output.

    Example: policykg eval --gold ../shared/gold policykg/samples
    """
    from policykg.evaluate import diff, score
    from policykg.ingest import extract_many
    from policykg.ingest.pipeline import iter_documents

    preds: list[dict[str, Any]] = []
    docs = []
    for p in paths:
        if p.endswith(".jsonl"):
            preds += [json.loads(line) for line in Path(p).read_text(encoding="utf-8").splitlines() if line.strip()]
        else:
            docs.append(p)
    files = list(iter_documents(docs))
    for _p, rec in _progress(extract_many(files), len(files), "extracting", not quiet):
        if isinstance(rec, DocumentError):
            click.echo(f"error: {rec}", err=True)
        else:
            preds.append(rec.model_dump())
    result = score(gold_dir, preds)
    if not result["documents"]:
        raise click.ClickException(
            f"no gold annotation in {gold_dir} for any of the {len(preds)} documents read: a gold file is "
            '<file stem>.json whose "doc" names the document; nothing was scored'
        )
    if show_diff:
        _print_diff(diff(gold_dir, preds, list(diff_fields) or None), as_json)
        return
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


def _print_diff(result: dict[str, Any], as_json: bool) -> None:
    """Gold beside prediction: `~` the same fact with another role or value, `-` missed, `+` extra."""
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    if not result:
        click.echo("no differences")
    for stem, fields in result.items():
        click.echo(f"== {stem}")
        for name, d in fields.items():
            missed, extra = list(d["missed"]), list(d["extra"])
            if missed and extra and isinstance(missed[0], (list, tuple)) and len(missed[0]) == 3:
                # an assignment found with the wrong role: one line, gold role beside the predicted one
                for m in list(missed):
                    twin = next((e for e in extra if tuple(e[:2]) == tuple(m[:2])), None)
                    if twin is not None:
                        click.echo(f"  ~ {name:11} {m[0]} | {m[1]} | gold {m[2]}, extracted {twin[2]}")
                        missed.remove(m)
                        extra.remove(twin)
            if len(missed) == 1 and len(extra) == 1 and not isinstance(missed[0], (list, tuple)):
                click.echo(f"  ~ {name:11} gold {missed[0]} | extracted {extra[0]}")
                continue
            for sign, items in (("-", missed), ("+", extra)):
                for item in items:
                    shown = " | ".join(map(str, item)) if isinstance(item, (list, tuple)) else str(item)
                    click.echo(f"  {sign} {name:11} {shown}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@store_options
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Extraction processes, each under the per-document time and memory budget [default: one per core].",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Documents per write transaction (a failing document is retried alone and leaves no trace).",
)
def ingest(
    paths: tuple[str, ...], neo4j_uri: str | None, data_dir: str | None, quiet: bool, jobs: int | None, batch_size: int
) -> None:
    """Extract documents on every core and store them in the graph, many documents per transaction,
    each stored whole or not at all.

    Unchanged files are skipped; a changed file replaces its own facts only.

    Example: policykg ingest policykg/samples --jobs 4 --batch-size 100
    """
    from policykg.graph.ingest import ingest_paths

    store = _open(neo4j_uri, data_dir, create=True)
    with store:
        summary = ingest_paths(store, list(paths), progress=not quiet, jobs=jobs, batch_size=batch_size)
    click.echo(summary.describe())
    if summary.failed:
        raise SystemExit(1)


@cli.command()
@click.argument("doc")
@store_options
def remove(doc: str, neo4j_uri: str | None, data_dir: str | None) -> None:
    """Take a stored document's facts out of the graph (by the path it was ingested from, its file
    name, title or key).

    Example: policykg remove policykg/samples/003_22293d2eac0c7b96.txt
    """
    store = _open(neo4j_uri, data_dir)
    with store:
        try:
            key = store.remove_document(doc)
        except PolicyKGError as e:
            raise click.ClickException(str(e)) from e
    click.echo(f"removed {key}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--bulk", is_flag=True, help="The bulk path: files loaded by the engine's own loader (required).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="An EMPTY (or new) embedded store folder.")
@click.option(
    "--neo4j-import",
    "neo4j_home",
    type=click.Path(file_okay=False),
    help="A STOPPED scripts/neo4j-local server home (NEO4J_LOCAL_HOME) whose database is empty; started after.",
)
@click.option("--files", "files_dir", type=click.Path(file_okay=False), help="Keep the bulk files in this new folder.")
@click.option("--workers", type=int, help="Extraction processes (default: one per core).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def load(
    paths: tuple[str, ...],
    bulk: bool,
    data_dir: str | None,
    neo4j_home: str | None,
    files_dir: str | None,
    workers: int | None,
    quiet: bool,
) -> None:
    """First load of many documents into an EMPTY store: extraction on every core, one file per table, then the
    engine's loader (ladybug COPY FROM, or neo4j-admin database import full into a stopped server's database).
    The graph is the one `policykg ingest` of the same documents makes; a file that fails is named and the rest
    load.

    Example: policykg load docs/ --bulk --data-dir new-store
    """
    from policykg.graph.bulk import load_documents
    from policykg.ingest.pipeline import iter_documents

    if not bulk:
        raise click.UsageError(
            "`policykg load` is the bulk path for a first load: pass --bulk (or use `policykg ingest`)"
        )
    if (data_dir is None) == (neo4j_home is None):
        raise click.UsageError("give one store: --data-dir DIR (embedded) or --neo4j-import HOME (Neo4j)")
    total = len(list(iter_documents(list(paths))))
    bar = None
    if not quiet and total > 1:
        from rich.console import Console
        from rich.progress import Progress

        bar = Progress(console=Console(stderr=True), transient=True)
        bar.start()
        task = bar.add_task("extracting", total=total)
    try:
        summary = load_documents(
            list(paths),
            data_dir=data_dir,
            neo4j_home=neo4j_home,
            files_dir=files_dir,
            settings=Settings.from_env(),
            workers=workers,
            progress=(lambda: bar.advance(task)) if bar is not None else None,
        )
    except PolicyKGError as e:
        raise click.ClickException(str(e)) from e
    finally:
        if bar is not None:
            bar.stop()
    click.echo(summary.describe())
    if summary.uri:
        click.echo(f"Neo4j is running at {summary.uri}")
    if summary.failed:
        raise SystemExit(1)


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
        body = {"columns": result.columns, "rows": result.rows, "truncated": result.truncated, "total": result.total}
        return json.dumps(body, ensure_ascii=False, indent=1)
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


def _echo(result: Any, fmt: str, offset: int = 0) -> None:
    """The rows on stdout; when more rows exist, a line on stderr says how many and how to see them."""
    click.echo(_format(result, fmt))
    if result.truncated:
        of = f" of {result.total}" if result.total is not None else ""
        click.echo(
            f"{len(result.rows)}{of} rows shown (truncated): more with --param offset={offset + len(result.rows)} "
            "or a larger --param limit=N",
            err=True,
        )


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
    store = _open(neo4j_uri, data_dir, read_only=True)
    with store:
        try:
            result = run(store, name, given, count=True)
        except PolicyKGError as e:
            raise click.ClickException(str(e)) from e
    offset = given.get("offset", "0")
    _echo(result, fmt, int(offset) if str(offset).isdigit() else 0)


@cli.command()
@store_options
def demo(neo4j_uri: str | None, data_dir: str | None) -> None:
    """Build the graph from the bundled sample documents and show who leads what.

    Example: policykg demo
    """
    from policykg.graph.ingest import ingest_paths
    from policykg.queries.registry import run

    samples = resources.files("policykg").joinpath("samples")
    store = _open(neo4j_uri, data_dir, create=True)
    with store:
        summary = ingest_paths(store, [str(samples)], progress=False)
        click.echo(summary.describe())
        click.echo("\nAgencies that lead the most tasks (lead_ranking):")
        _echo(run(store, "lead_ranking", {"limit": 10}, count=True), "table")
        click.echo("\nWho leads what (who_leads, first 15):")
        _echo(run(store, "who_leads", {"limit": 15}, count=True), "table")
    if summary.failed:
        raise SystemExit(1)


@cli.command()
@store_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes. On the embedded store more than one means read-only workers: uploads are refused "
    "and `policykg ingest` writes beside them.",
)
@click.option("--access-log/--no-access-log", default=False, show_default=True, help="Log every request.")
def serve(neo4j_uri: str | None, data_dir: str | None, host: str, port: int, workers: int, access_log: bool) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs) on the configured store.

    With --workers N, N processes share the port. On Neo4j each has its own driver. The embedded store
    lets one process write: with one worker the server holds it and takes uploads; with more, every
    worker opens it read-only, answers uploads and deletes with 409, and sees what `policykg ingest`
    (or `policykg load`) commits beside it on its next request.

    Example: POLICYKG_TOKEN=secret policykg serve --port 8000 --workers 2
    """
    import uvicorn

    from policykg.api import create_app
    from policykg.api.app import READ_ONLY_ENV
    from policykg.api.protocol import best_protocol
    from policykg.graph.embedded_store import SERVER_FILE

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "info",
        "access_log": access_log,
        "http": best_protocol(),
        "loop": "auto",  # uvloop when installed
        "timeout_keep_alive": 30,
    }
    settings = _settings(neo4j_uri, data_dir)
    if workers > 1:
        # each worker builds its app from the environment: the store this command was given
        if settings.neo4j_uri:
            os.environ["NEO4J_URI"] = settings.neo4j_uri
        else:
            os.environ.pop("NEO4J_URI", None)
            os.environ["POLICYKG_DATA"] = str(settings.data_dir)
            os.environ[READ_ONLY_ENV] = "1"
            _open(neo4j_uri, data_dir, read_only=True).close()  # a missing store is an error here, not per worker
        uvicorn.run("policykg.api.app:worker_app", factory=True, workers=workers, **options)
        return
    store = _open(neo4j_uri, data_dir, create=True)
    app = create_app(settings, store=store)
    # the address is recorded beside an embedded store, so a command that cannot write there can say who holds it
    record = Path(store.data_dir) / SERVER_FILE if store.kind == "embedded" else None
    if record is not None:
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
        record.write_text(json.dumps({"url": url, "pid": os.getpid()}), encoding="utf-8")
    try:
        uvicorn.run(app, **options)
    finally:
        store.close()
        if record is not None:
            record.unlink(missing_ok=True)


# The overlap analysis, exports and pictures live in their own module (imported last: it reuses store_options).
from policykg.overlap_cli import export, overlap, viz  # noqa: E402

cli.add_command(overlap)
cli.add_command(export)
cli.add_command(viz)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
