"""`policykg overlap …`, `policykg export` and `policykg viz …`: thin click commands over graph/network.py,
graph/measures.py, graph/exports.py and graph/pictures.py (added to the main group in cli.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from policykg.errors import PolicyKGError

__all__ = ["export", "overlap", "viz"]

ROLES = ("牵头", "参加", "负责")


def filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--policy, --region, --level, --role (repeatable), --years FROM-TO: which part of the graph."""
    f = click.option("--years", metavar="FROM-TO", help="Policies dated in these years, e.g. 2021-2023 or 2023.")(f)
    f = click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), help="Only these roles (repeatable).")(
        f
    )
    f = click.option("--level", default="", help="Only agencies of this level (省级, 地级, 县级, 中央 …).")(f)
    f = click.option("--region", default="", help="Only policies of this region.")(f)
    f = click.option("--policy", default="", help="Only this policy (key or title).")(f)
    return f


def parse_years(years: str | None) -> tuple[int | None, int | None]:
    if not years:
        return None, None
    lo, sep, hi = years.partition("-")
    try:
        return int(lo), int(hi if sep else lo)
    except ValueError:
        raise click.BadParameter(f"{years!r} is not YEAR or FROM-TO", param_hint="--years") from None


def make_filters(policy: str, region: str, level: str, roles: tuple[str, ...], years: str | None) -> Any:
    from policykg.graph.network import Filters

    lo, hi = parse_years(years)
    try:
        return Filters(policy=policy, region=region, level=level, roles=tuple(roles), year_from=lo, year_to=hi)
    except ValueError as e:
        raise click.BadParameter(str(e)) from e


def _store(neo4j_uri: str | None, data_dir: str | None) -> Any:
    from policykg.cli import _open

    return _open(neo4j_uri, data_dir)


def _emit(rows: list[dict[str, Any]], fmt: str) -> None:
    from policykg.cli import _format
    from policykg.graph.store import QueryResult

    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    columns = list(rows[0]) if rows else []
    click.echo(_format(QueryResult(columns, [list(r.values()) for r in rows]), fmt))


def _store_options(f: Callable[..., Any]) -> Callable[..., Any]:
    # cli.py imports this module at its end, after store_options exists: the same options on every command
    from policykg.cli import store_options

    return store_options(f)


def _common(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")(f)
    return _store_options(filter_options(f))


def _network(store: Any, filters: Any) -> tuple[Any, Any]:
    from policykg.graph.network import projection, role_edges, two_mode

    try:
        B = two_mode(role_edges(store, filters))
    except PolicyKGError as e:
        raise click.ClickException(str(e)) from e
    return B, projection(B)


@click.group()
def overlap() -> None:
    """Where agencies' duties overlap: the agency network of shared tasks and its measures.

    Every subcommand takes the same filters (--policy, --region, --level, --role, --years) and
    --format table|json|csv.

    Example: policykg overlap pairs --limit 10
    """


@overlap.command()
@_common
@click.option("--limit", default=20, show_default=True, help="Pairs to show.")
def pairs(limit: int, fmt: str, neo4j_uri: str | None, data_dir: str | None, **filters: Any) -> None:
    """Pairs of agencies sharing the most tasks, with the count per role pair.

    Example: policykg overlap pairs --role 牵头 --role 参加 --limit 10
    """
    from policykg.graph.measures import top_pairs

    with _store(neo4j_uri, data_dir) as store:
        _B, G = _network(store, make_filters(**filters))
    _emit(top_pairs(G, limit), fmt)


@overlap.command()
@_common
@click.option(
    "--sort",
    "sort_by",
    default="weighted_degree",
    show_default=True,
    type=click.Choice(["degree", "weighted_degree", "tasks_led", "betweenness", "eigenvector", "core"]),
)
@click.option("--limit", default=20, show_default=True, help="Agencies to show (0 = all).")
@click.option("--seed", default=42, show_default=True, help="Seed of the Louvain communities.")
def measures(
    sort_by: str, limit: int, seed: int, fmt: str, neo4j_uri: str | None, data_dir: str | None, **filters: Any
) -> None:
    """Every agency's degree, weighted degree, tasks led, betweenness, eigenvector centrality,
    community, k-core and type (主导型/关键型/辅助型).

    Example: policykg overlap measures --sort betweenness --limit 10
    """
    from policykg.graph.measures import agency_table

    with _store(neo4j_uri, data_dir) as store:
        _B, G = _network(store, make_filters(**filters))
    rows = sorted(agency_table(G, seed=seed), key=lambda r: (-r[sort_by], r["agency"]))
    _emit(rows[:limit] if limit else rows, fmt)


@overlap.command()
@_common
@click.option("--seed", default=42, show_default=True, help="Seed of the Louvain method.")
def communities(seed: int, fmt: str, neo4j_uri: str | None, data_dir: str | None, **filters: Any) -> None:
    """Louvain communities of the agency network (seeded: the same graph gives the same answer).

    Example: policykg overlap communities --seed 7
    """
    from policykg.graph import measures as m

    with _store(neo4j_uri, data_dir) as store:
        _B, G = _network(store, make_filters(**filters))
    rows = [
        {"community": i, "size": len(c), "agencies": c if fmt == "json" else "、".join(c)}
        for i, c in enumerate(m.communities(G, seed=seed))
    ]
    _emit(rows, fmt)


@overlap.command()
@_common
def typology(fmt: str, neo4j_uri: str | None, data_dir: str | None, **filters: Any) -> None:
    """The leading (主导型) / key (关键型) / auxiliary (辅助型) agencies, from breadth (distinct
    partners) × depth (shared tasks) against their means, with the k-core of each.

    Example: policykg overlap typology --format csv
    """
    from policykg.graph.measures import core_numbers
    from policykg.graph.measures import typology as types

    with _store(neo4j_uri, data_dir) as store:
        _B, G = _network(store, make_filters(**filters))
    core = core_numbers(G)
    rows = [{"agency": a, **t, "core": core[a]} for a, t in types(G).items()]
    order = {"leading": 0, "key": 1, "auxiliary": 2}
    _emit(sorted(rows, key=lambda r: (order[r["type"]], -r["depth"], r["agency"])), fmt)


@overlap.command()
@_common
@click.option("--min-tasks", default=2, show_default=True, help="At least this many tasks in common.")
def together(min_tasks: int, fmt: str, neo4j_uri: str | None, data_dir: str | None, **filters: Any) -> None:
    """Pairs of agencies that always appear together (exactly the same tasks).

    Example: policykg overlap together --min-tasks 3
    """
    from policykg.graph.measures import always_together

    with _store(neo4j_uri, data_dir) as store:
        B, _G = _network(store, make_filters(**filters))
    rows = always_together(B, min_tasks)
    if fmt != "json":
        rows = [{k: v for k, v in r.items() if k != "task_keys"} for r in rows]
    _emit(rows, fmt)


@overlap.command("co-issuing")
@_common
def co_issuing_cmd(fmt: str, neo4j_uri: str | None, data_dir: str | None, **filters: Any) -> None:
    """The co-issuing network: pairs of agencies that issue documents together.

    Example: policykg overlap co-issuing
    """
    from policykg.graph.network import co_issuing, issuing_rows

    with _store(neo4j_uri, data_dir) as store:
        G = co_issuing(issuing_rows(store, make_filters(**filters)))
    rows = [
        {
            "agency_a": min(a, b),
            "agency_b": max(a, b),
            "documents": e["weight"],
            "policies": e["policies"] if fmt == "json" else "、".join(e["policies"]),
        }
        for a, b, e in G.edges(data=True)
    ]
    _emit(sorted(rows, key=lambda r: (-r["documents"], r["agency_a"], r["agency_b"])), fmt)


@overlap.command("change")
@click.option("--before", "before", required=True, metavar="FROM-TO", help="The first year range.")
@click.option("--after", "after", required=True, metavar="FROM-TO", help="The second year range.")
@click.option("--policy", default="", help="Only this policy (key or title).")
@click.option("--region", default="", help="Only policies of this region.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@_store_options
def change_cmd(
    before: str, after: str, policy: str, region: str, fmt: str, neo4j_uri: str | None, data_dir: str | None
) -> None:
    """How the agency network changed between two year ranges: agencies and ties added and removed,
    ties whose weight changed, and the size and density of both.

    Example: policykg overlap change --before 2021-2022 --after 2023-2024
    """
    from policykg.graph.measures import change
    from policykg.graph.network import agency_network

    f1 = make_filters(policy, region, "", (), before)
    f2 = make_filters(policy, region, "", (), after)
    with _store(neo4j_uri, data_dir) as store:
        result = change(agency_network(store, f1), agency_network(store, f2))
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    for name, label in (("before", before), ("after", after)):
        s = result["summary"][name]
        click.echo(f"{label}: {s['agencies']} agencies, {s['ties']} ties, density {s['density']:.3f}")
    click.echo(
        f"agencies added {len(result['agencies_added'])}, removed {len(result['agencies_removed'])}; "
        f"ties added {len(result['ties_added'])}, removed {len(result['ties_removed'])}, "
        f"changed weight {len(result['ties_changed'])}"
    )


@click.command()
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["graphml", "gexf", "pajek", "ucinet", "csv", "jsonl", "neo4j-admin"]),
    help="The file format.",
)
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="Folder to write into.")
@_store_options
def export(fmt: str, output: str, neo4j_uri: str | None, data_dir: str | None) -> None:
    """Export the full graph and the agency network for Gephi, UCINET, Pajek, networkx or neo4j-admin.

    graphml, gexf (the agency network with a year timeline), pajek (.net), ucinet (DL matrices, one- and
    two-mode), csv (Gephi's Source,Target,Weight), jsonl, neo4j-admin (CSV files and import.sh for
    `neo4j-admin database import full`).

    Example: policykg export --format gexf -o out/
    """
    from policykg.graph.exports import export as write

    with _store(neo4j_uri, data_dir) as store:
        try:
            files = write(store, fmt, output)
        except (PolicyKGError, ValueError) as e:
            raise click.ClickException(str(e)) from e
    for f in files:
        click.echo(str(f))


@click.group()
def viz() -> None:
    """Pictures: the agency network and its heatmap, a document with its facts highlighted.

    Example: policykg viz overlap -o overlap.png
    """


@viz.command("overlap")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="overlap.png, .svg or .pdf")
@click.option("--seed", default=42, show_default=True, help="Seed of the layout and the communities.")
@click.option("--dpi", default=150, show_default=True, help="Resolution of a PNG.")
@filter_options
@_store_options
def viz_overlap(output: str, seed: int, dpi: int, neo4j_uri: str | None, data_dir: str | None, **filters: Any) -> None:
    """Draw the agency network and the overlap heatmap (Chinese labels; needs a CJK font and matplotlib).

    Example: policykg viz overlap -o overlap.pdf --region 山东省
    """
    try:
        from policykg.graph.pictures import NoCJKFont, save_overlap
    except ImportError as e:
        raise click.ClickException(f"pictures need matplotlib: pip install 'policy-kg[viz]' ({e})") from e
    with _store(neo4j_uri, data_dir) as store:
        _B, G = _network(store, make_filters(**filters))
    if G.number_of_nodes() == 0:
        raise click.ClickException("no agencies match these filters: nothing to draw")
    try:
        click.echo(str(save_overlap(G, output, seed=seed, dpi=dpi)))
    except (NoCJKFont, ValueError) as e:
        raise click.ClickException(str(e)) from e


@viz.command("document")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The HTML file to write.")
def viz_document(path: str, output: str) -> None:
    """A document with its extracted facts highlighted (task headings, roles, citations, regions) as HTML.

    Example: policykg viz document policykg/samples/003_22293d2eac0c7b96.txt -o doc.html
    """
    from policykg.graph.docview import file_view

    try:
        html = file_view(path)
    except PolicyKGError as e:
        raise click.ClickException(str(e)) from e
    Path(output).write_text(html, encoding="utf-8")
    click.echo(output)
