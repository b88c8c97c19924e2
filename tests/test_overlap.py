"""The overlap analysis on both stores holding the samples: the networks, their measures, the CLI and the API.

Expected values are those of the five sample documents, written out; the same numbers must come from the
embedded store and from Neo4j.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import networkx as nx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from policykg.api import create_app
from policykg.graph import GraphStore
from policykg.graph import measures as m
from policykg.graph.network import (
    Filters,
    agency_network,
    co_issuing,
    facets,
    issuing_rows,
    projection,
    role_edges,
    role_pair,
    two_mode,
)

from policykg.cli import cli
from policykg.settings import Settings

HUB = "山东省知识产权局"


@pytest.fixture(scope="module")
def networks(sample_store: GraphStore) -> tuple[nx.Graph, nx.Graph]:
    B = two_mode(role_edges(sample_store))
    return B, projection(B)


@pytest.fixture(scope="module")
def client(sample_store: GraphStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), store=sample_store)) as c:
        yield c


def test_two_mode_and_projection(networks: tuple[nx.Graph, nx.Graph]) -> None:
    B, G = networks
    kinds = Counter(d["kind"] for _n, d in B.nodes(data=True))
    assert kinds == {"agency": 90, "task": 97} and B.number_of_edges() == 441 - _double_roles(B)
    assert nx.is_bipartite(B)
    assert G.number_of_nodes() == 90 and G.number_of_edges() == 520
    # weight = shared tasks, counted again from the two-mode network
    for a, b, e in G.edges(data=True):
        shared = set(B[a]) & set(B[b])
        assert (
            e["weight"]
            == len(shared)
            == sum(e[k] for k in ("lead_lead", "lead_participant", "participant_participant", "responsible"))
        )
        assert e["tasks"] == sorted(shared)
    assert G.nodes[HUB]["tasks"] == 67 and G.nodes[HUB]["tasks_led"] == 24 and G.nodes[HUB]["level"] == "省级"


def _double_roles(B: nx.Graph) -> int:
    # an agency named twice on one task (two mentions) is one edge of the two-mode network
    return sum(len(d["evidence"]) - 1 for *_at, d in B.edges(data=True))


def test_policy_filter_takes_any_name_of_a_policy_and_refuses_an_unknown_one(
    sample_store: GraphStore, client: TestClient
) -> None:
    from policykg.errors import NameNotFound

    key, title, number = sample_store.query(
        "MATCH (p:Policy) WHERE p.ingested = true AND p.doc_number IS NOT NULL "
        "RETURN p.key, p.title, p.doc_number ORDER BY p.key LIMIT 1"
    ).rows[0]
    by_key = role_edges(sample_store, Filters(policy=key))
    assert by_key and {r["policy"] for r in by_key} == {key}
    assert role_edges(sample_store, Filters(policy=title)) == by_key == role_edges(sample_store, Filters(policy=number))
    issuing = issuing_rows(sample_store, Filters(policy=number))
    assert issuing and {r["policy"] for r in issuing} == {key}
    for rows_of in (role_edges, issuing_rows):
        with pytest.raises(NameNotFound, match="no policy"):
            rows_of(sample_store, Filters(policy="不存在的实施方案"))
    res = client.get("/overlap/network", params={"policy": "不存在的实施方案"})
    assert res.status_code == 404 and "不存在的实施方案" in res.text


def test_role_pairs() -> None:
    assert role_pair("牵头", "牵头") == "lead_lead"
    assert role_pair("参加", "牵头") == "lead_participant"
    assert role_pair("参加", "参加") == "participant_participant"
    assert role_pair("负责", "牵头") == "responsible"


def test_projection_by_role_pair(networks: tuple[nx.Graph, nx.Graph]) -> None:
    B, G = networks
    leads = projection(B, ["lead_lead"])
    assert leads.number_of_edges() == sum(1 for *_ab, e in G.edges(data=True) if e["lead_lead"])
    assert all(e["weight"] == e["lead_lead"] for *_ab, e in leads.edges(data=True))
    with pytest.raises(ValueError, match="unknown role pair"):
        projection(B, ["boss_boss"])


def test_top_pairs(networks: tuple[nx.Graph, nx.Graph]) -> None:
    top = m.top_pairs(networks[1], 3)
    assert top[0] == {
        "agency_a": "山东省工商行政管理局",
        "agency_b": HUB,
        "shared_tasks": 30,
        "lead_lead": 0,
        "lead_participant": 10,
        "participant_participant": 7,
        "responsible": 13,
    }
    assert [(p["agency_b"], p["shared_tasks"]) for p in top[1:]] == [("山东省科学技术厅", 24), (HUB, 23)]


def test_centrality_tops(networks: tuple[nx.Graph, nx.Graph]) -> None:
    c = m.centrality(networks[1])
    top = {
        k: max(c, key=lambda a, k=k: (c[a][k], a))
        for k in ("degree", "weighted_degree", "tasks_led", "betweenness", "eigenvector")
    }
    assert set(top.values()) == {HUB}
    assert c[HUB] == {
        "degree": 54,
        "weighted_degree": 244,
        "tasks_led": 24,
        "betweenness": 0.28253,
        "eigenvector": 0.525577,
    }
    second = sorted(c, key=lambda a: -c[a]["eigenvector"])[1]
    assert second == "山东省工商行政管理局"
    # agencies outside the largest component have no eigenvector score
    giant = max(nx.connected_components(networks[1]), key=len)
    assert all(c[a]["eigenvector"] == 0 for a in c if a not in giant)


def test_communities_repeat_with_a_seed(networks: tuple[nx.Graph, nx.Graph]) -> None:
    G = networks[1]
    parts = m.communities(G, seed=42)
    assert parts == m.communities(G, seed=42)
    assert sorted(a for p in parts for a in p) == sorted(G)
    assert [len(p) for p in parts] == [33, 22, 20, 14, 1]
    # the documents' own networks do not mix: Weihai's and Lixia's agencies never share a community with another city
    comm = m.community_of(parts)
    assert len({comm[a] for a in G if a.startswith("济南市历下区")}) == 1


def test_core_and_typology(networks: tuple[nx.Graph, nx.Graph]) -> None:
    G = networks[1]
    core = m.core_numbers(G)
    assert max(core.values()) == 13 == core[HUB]
    k = nx.k_core(G, 13)
    assert all(core[a] == 13 for a in k) and all(k.degree(a) >= 13 for a in k)
    types = m.typology(G)
    assert Counter(t["type"] for t in types.values()) == {"auxiliary": 55, "leading": 19, "key": 16}
    t = types[HUB]
    assert t["type_zh"] == "主导型" and t["breadth"] > t["breadth_mean"] and t["depth"] > t["depth_mean"]
    for a, t in types.items():
        above = (t["breadth"] > t["breadth_mean"]) + (t["depth"] > t["depth_mean"])
        assert t["type"] == ("auxiliary", "key", "leading")[above], a


def test_always_together(networks: tuple[nx.Graph, nx.Graph]) -> None:
    B, _G = networks
    pairs = m.always_together(B)
    assert len(pairs) == 12
    assert (pairs[0]["agency_a"], pairs[0]["agency_b"], pairs[0]["tasks"]) == ("山东省农业厅", "山东省林业厅", 8)
    for p in pairs:
        assert set(B[p["agency_a"]]) == set(B[p["agency_b"]]) == set(p["task_keys"])


def test_filters(sample_store: GraphStore) -> None:
    leads = agency_network(sample_store, Filters(roles=("牵头",)))
    assert (leads.number_of_nodes(), leads.number_of_edges()) == (15, 11)
    dated = agency_network(sample_store, Filters(year_from=2023, year_to=2024))
    assert dated.number_of_nodes() == 43
    weihai = agency_network(sample_store, Filters(region="威海市"))
    assert (weihai.number_of_nodes(), weihai.number_of_edges()) == (21, 86)
    assert {d["region"] for _n, d in weihai.nodes(data=True)} == {"威海市", "荣成市", None}
    provincial = agency_network(sample_store, Filters(level="省级"))
    assert provincial.number_of_nodes() > 0 and all(d["level"] == "省级" for _n, d in provincial.nodes(data=True))
    lixia = "济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)"
    by_key = agency_network(sample_store, Filters(policy=lixia))
    by_title = agency_network(
        sample_store, Filters(policy="济南市历下区国家知识产权强县建设示范县（区）工作方案（2024—2026年）")
    )
    assert sorted(by_key) == sorted(by_title) and len(by_key) == 14
    assert agency_network(sample_store, Filters(year_from=2030)).number_of_nodes() == 0
    with pytest.raises(ValueError, match="unknown role"):
        Filters(roles=("主办",))
    with pytest.raises(ValueError, match="empty"):
        Filters(year_from=2024, year_to=2023)


def test_facets_co_issuing_and_change(sample_store: GraphStore) -> None:
    f = facets(role_edges(sample_store))
    assert f.years == [2023, 2024] and f.regions == ["威海市", "山东省", "济南市历下区"] and len(f.policies) == 4
    G = co_issuing(issuing_rows(sample_store))
    assert [(*sorted((a, b)), e["weight"]) for a, b, e in G.edges(data=True)] == [
        ("国家知识产权局", "山东省人民政府", 1)
    ]
    assert G.number_of_nodes() == 4
    diff = m.change(
        agency_network(sample_store, Filters(year_from=2023, year_to=2023)),
        agency_network(sample_store, Filters(year_from=2024, year_to=2024)),
    )
    assert diff["summary"]["before"]["agencies"] == 29 and diff["summary"]["before"]["ties"] == 142
    assert diff["summary"]["after"]["agencies"] == 14 and diff["summary"]["after"]["ties"] == 62
    assert len(diff["ties_added"]) == 62 and len(diff["ties_removed"]) == 142 and diff["ties_changed"] == []


def test_change_of_weights() -> None:
    a, b = nx.Graph(), nx.Graph()
    a.add_edge("甲", "乙", weight=1)
    a.add_edge("乙", "丙", weight=2)
    b.add_edge("甲", "乙", weight=3)
    b.add_edge("丙", "丁", weight=1)
    diff = m.change(a, b)
    assert diff["ties_changed"] == [{"agency_a": "乙", "agency_b": "甲", "before": 1, "after": 3}]
    assert diff["ties_removed"] == [{"agency_a": "丙", "agency_b": "乙", "weight": 2}]
    assert diff["agencies_added"] == ["丁"] and diff["agencies_removed"] == []


# -- CLI ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data_dir(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    data = str(tmp_path_factory.mktemp("overlap-cli") / "data")
    res = CliRunner().invoke(cli, ["ingest", str(samples), "--data-dir", data, "--quiet"])
    assert res.exit_code == 0, res.output
    return data


def _cli(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def test_cli_overlap_commands(data_dir: str) -> None:
    res = _cli("overlap", "pairs", "--limit", "2", "--format", "json", "--data-dir", data_dir)
    assert res.exit_code == 0, res.output
    assert [(p["agency_a"], p["shared_tasks"]) for p in json.loads(res.output)] == [
        ("山东省工商行政管理局", 30),
        (HUB, 24),
    ]
    res = _cli(
        "overlap", "measures", "--sort", "betweenness", "--limit", "1", "--format", "csv", "--data-dir", data_dir
    )
    assert res.exit_code == 0 and res.output.splitlines()[1].startswith(f"{HUB},省级,67,54,244,24,0.28253,0.525577")
    res = _cli("overlap", "communities", "--format", "json", "--data-dir", data_dir)
    assert [c["size"] for c in json.loads(res.output)] == [33, 22, 20, 14, 1]
    res = _cli("overlap", "typology", "--format", "csv", "--data-dir", data_dir)
    assert res.output.splitlines()[1].startswith(f"{HUB},54,244,leading,主导型")
    res = _cli("overlap", "together", "--min-tasks", "6", "--format", "csv", "--data-dir", data_dir)
    assert res.output.splitlines() == [
        "agency_a,agency_b,tasks",
        "山东省农业厅,山东省林业厅,8",
        "济南市历下区工业和信息化局,济南市历下区科学技术局,6",
        "济南市历下区自然资源局,济南市生态环境局历下分局,6",
    ]
    res = _cli("overlap", "co-issuing", "--format", "csv", "--data-dir", data_dir)
    assert res.output.splitlines()[1] == "国家知识产权局,山东省人民政府,1,共建绿色低碳高质量发展知识产权强省实施方案"
    res = _cli("overlap", "change", "--before", "2023", "--after", "2024", "--data-dir", data_dir)
    assert (
        res.exit_code == 0
        and "2023: 29 agencies, 142 ties" in res.output
        and "2024: 14 agencies, 62 ties" in res.output
    )
    res = _cli("overlap", "pairs", "--role", "牵头", "--years", "2023-2024", "--format", "json", "--data-dir", data_dir)
    assert res.exit_code == 0 and all(p["lead_lead"] == p["shared_tasks"] for p in json.loads(res.output))


def test_cli_overlap_errors(data_dir: str) -> None:
    res = _cli("overlap", "pairs", "--years", "2025-2020", "--data-dir", data_dir)
    assert res.exit_code == 2 and "empty" in res.output
    res = _cli("overlap", "pairs", "--years", "later", "--data-dir", data_dir)
    assert res.exit_code == 2 and "FROM-TO" in res.output
    res = _cli("overlap", "pairs", "--role", "主办", "--data-dir", data_dir)
    assert res.exit_code == 2


# -- API ---------------------------------------------------------------------------------------------------------


def test_api_network(client: TestClient) -> None:
    body = client.get("/overlap/network").json()
    assert len(body["nodes"]) == 90 and len(body["edges"]) == 520 and body["tasks"] == 97
    assert body["facets"]["years"] == [2023, 2024] and not body["truncated"]
    hub = next(n for n in body["nodes"] if n["agency"] == HUB)
    assert hub["tasks_led"] == 24 and hub["type_zh"] == "主导型" and 0 <= hub["x"] <= 1 and 0 <= hub["y"] <= 1
    leads = client.get("/overlap/network", params={"role": "牵头"}).json()
    assert len(leads["nodes"]) == 15 and leads["filters"]["roles"] == ["牵头"]
    two = client.get("/overlap/network", params=[("role", "牵头"), ("role", "参加")]).json()
    assert 15 < len(two["nodes"]) < 90
    assert len(client.get("/overlap/network", params={"year_from": 2023, "year_to": 2024}).json()["nodes"]) == 43
    bad = client.get("/overlap/network", params={"role": "主办"})
    assert bad.status_code == 422 and "主办" in bad.json()["error"]["message"]
    assert client.get("/overlap/network", params={"year_from": 2025, "year_to": 2020}).status_code == 422
    assert client.get("/overlap/network", params={"year_from": 99999}).status_code == 422
    assert client.get("/overlap/network", params={"region": "x" * 101}).status_code == 422


def test_api_measures_and_lists(client: TestClient) -> None:
    top = client.get("/overlap/measures", params={"sort": "eigenvector", "limit": 2}).json()
    assert [r["agency"] for r in top["items"]] == [HUB, "山东省工商行政管理局"] and top["total"] == 90
    assert client.get("/overlap/measures", params={"sort": "name"}).status_code == 422
    assert client.get("/overlap/pairs", params={"limit": 1}).json()["items"][0]["shared_tasks"] == 30
    assert [c["size"] for c in client.get("/overlap/communities").json()["items"]] == [33, 22, 20, 14, 1]
    types = client.get("/overlap/typology").json()["items"]
    assert Counter(t["type"] for t in types) == {"auxiliary": 55, "leading": 19, "key": 16}
    together = client.get("/overlap/together", params={"min_tasks": 8}).json()["items"]
    assert [(p["agency_a"], p["agency_b"]) for p in together] == [("山东省农业厅", "山东省林业厅")]
    co = client.get("/overlap/co-issuing").json()
    assert [(e["source"], e["target"], e["weight"]) for e in co["edges"]] == [("国家知识产权局", "山东省人民政府", 1)]
    change = client.get(
        "/overlap/change", params={"before_from": 2023, "before_to": 2023, "after_from": 2024, "after_to": 2024}
    ).json()
    assert change["summary"]["after"] == {"agencies": 14, "ties": 62, "density": pytest.approx(0.681319, abs=1e-6)}
    assert client.get("/overlap/change", params={"before_from": 2023}).status_code == 422


def test_api_matrix_is_symmetric_and_ordered_by_community(client: TestClient) -> None:
    body = client.get("/overlap/matrix").json()
    n = len(body["agencies"])
    assert n == 90 and body["communities"] == sorted(body["communities"])
    cells = {(i, j): w for i, j, w in body["cells"]}
    assert len(cells) == 2 * 520 and all(cells[j, i] == w for (i, j), w in cells.items())
    i, j = body["agencies"].index("山东省工商行政管理局"), body["agencies"].index(HUB)
    assert cells[i, j] == 30


def test_api_tasks_behind_a_tie_with_evidence_and_document(client: TestClient) -> None:
    body = client.get("/overlap/tasks", params={"agency": "山东省农业厅", "other": "山东省林业厅"}).json()
    assert len(body["items"]) == 8
    for t in body["items"]:
        assert set(t["roles"]) == {"山东省农业厅", "山东省林业厅"}
        assert t["evidence"] and all(e["mention"] in e["evidence"] for e in t["evidence"])
    page = client.get(body["items"][0]["document"])
    assert (
        page.status_code == 200 and "<mark" in page.text and "山东省知识产权强省建设实施方案重点任务分工表" in page.text
    )
    hub = client.get("/overlap/tasks", params={"agency": HUB}).json()
    assert len(hub["items"]) == 67
    missing = client.get("/overlap/tasks", params={"agency": "没有这个机构"})
    assert missing.status_code == 404 and "没有这个机构" in missing.json()["error"]["message"]
    assert client.get("/overlap/tasks").status_code == 422


def test_api_document_view(client: TestClient) -> None:
    doc = "济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)"
    page = client.get(f"/documents/{quote(doc, safe='')}/view")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "济南市历下区国家知识产权强县建设示范县（区）工作方案（2024—2026年）" in text
    assert text.count("<mark") >= 60 and "区市场监管局" in text and "https://" not in text
    by_file = client.get("/documents/003_22293d2eac0c7b96.txt/view")
    assert by_file.status_code == 200 and by_file.text.count("<mark") == text.count("<mark")
    assert client.get("/documents/nothing/view").status_code == 404


def test_api_page_and_docs_are_served_from_the_package(client: TestClient) -> None:
    page = client.get("/overlap")
    assert (
        page.status_code == 200
        and "机构职责交叉网络" in page.text
        and "/static/vendor/echarts/echarts.min.js" in page.text
    )
    docs = client.get("/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs and "cdn.jsdelivr" not in docs
    assert client.get("/redoc").status_code == 404
    assert "/overlap/network" in client.get("/openapi.json").json()["paths"]
