"""Pictures for papers and the document view: `policykg viz overlap` (PNG, SVG, PDF with Chinese labels drawn
by a CJK font, never empty boxes) and `policykg viz document` (displaCy marks over the text)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from policykg.graph.docview import file_view, render

from policykg.cli import cli

HUB = "山东省知识产权局"


@pytest.fixture(scope="module")
def data_dir(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    data = str(tmp_path_factory.mktemp("pictures") / "data")
    assert CliRunner().invoke(cli, ["ingest", str(samples), "--data-dir", data, "--quiet"]).exit_code == 0
    return data


def test_a_cjk_font_is_installed() -> None:
    from policykg.graph.pictures import cjk_font

    assert "CJK" in cjk_font() or "Han" in cjk_font() or "WenQuanYi" in cjk_font()


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_viz_overlap_draws_chinese_labels(data_dir: str, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"overlap{suffix}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = CliRunner().invoke(cli, ["viz", "overlap", "-o", str(out), "--dpi", "60", "--data-dir", data_dir])
    assert res.exit_code == 0, res.output
    # matplotlib warns "Glyph … missing from font(s)" for every character it draws as an empty box
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []
    data = out.read_bytes()
    if suffix == ".png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    elif suffix == ".svg":
        text = data.decode("utf-8")
        # text stays text: every agency is named in the heatmap, the hub in the network too
        assert text.count(HUB) >= 3 and "机构职责交叉网络" in text and "共享任务矩阵" in text
        assert re.search(r"font-family[:=][^;>]*(CJK|Han|WenQuanYi)", text)
    else:
        assert data[:5] == b"%PDF-" and (b"CJK" in data or b"Han" in data)


def test_viz_overlap_with_filters_and_errors(data_dir: str, tmp_path: Path) -> None:
    out = tmp_path / "weihai.svg"
    res = CliRunner().invoke(cli, ["viz", "overlap", "-o", str(out), "--region", "威海市", "--data-dir", data_dir])
    assert res.exit_code == 0 and "威海市市场监督管理局" in out.read_text(encoding="utf-8")
    assert HUB not in out.read_text(encoding="utf-8")
    res = CliRunner().invoke(cli, ["viz", "overlap", "-o", str(tmp_path / "x.gif"), "--data-dir", data_dir])
    assert res.exit_code == 1 and ".png" in res.output
    res = CliRunner().invoke(
        cli, ["viz", "overlap", "-o", str(tmp_path / "y.png"), "--years", "2030", "--data-dir", data_dir]
    )
    assert res.exit_code == 1 and "no agencies" in res.output


def test_viz_document(samples: Path, tmp_path: Path) -> None:
    out = tmp_path / "doc.html"
    res = CliRunner().invoke(cli, ["viz", "document", str(samples / "003_22293d2eac0c7b96.txt"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert "https://" not in html and "<mark" in html
    labels = re.findall(r'<span style="font-size: 0.8em; font-weight: bold[^>]*>([^<]+)</span>', html)
    assert {"牵头", "参加", "依据", "地区"} <= set(labels)
    assert labels.count("牵头") >= 10
    assert "区市场监管局" in html and "济南市历下区国家知识产权强县" in html
    bad = CliRunner().invoke(cli, ["viz", "document", str(tmp_path / "none.txt"), "-o", str(out)])
    assert bad.exit_code == 2


def test_render_keeps_the_text_and_resolves_overlaps() -> None:
    text = "由省知识产权局牵头，省科技厅参加。"
    html = render(text, [(1, 7, "牵头"), (1, 4, "地区"), (10, 15, "参加")], "例")
    assert html.count("<mark") == 2 and "省知识产权局" in html and "省科技厅" in html
    assert re.sub(r"<[^>]+>|\s|牵头|参加|例|地区|依据|引用|负责|任务", "", html.split("</p>", 2)[2]).startswith(
        "由省知识产权局"
    )


def test_file_view_names_the_file(samples: Path) -> None:
    html = file_view(samples / "000_ccc32b89488884bc.txt")
    assert "<title>000_ccc32b89488884bc.txt</title>" in html and html.count("<mark") > 50
