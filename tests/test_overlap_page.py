"""The overlap page and /docs in a real headless Chromium against `policykg serve` on the sample graph.

Chromium and its driver are Debian packages (`scripts/system-deps`, run by the README's test command); a
missing browser fails the test with that instruction. The test saves a screenshot and prints its path
(POLICYKG_SCREENSHOT_DIR, else a temporary folder).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from policykg.graph.embedded_store import EmbeddedStore
from policykg.graph.ingest import ingest_paths
from test_api_server import running_server

SAMPLES = Path(__file__).resolve().parent.parent / "policykg" / "samples"
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
DRIVER = "/usr/bin/chromedriver"
# The sample graph: 90 agencies with a role on some task, 520 ties; leads only: 15 agencies, 11 ties.
ALL_AGENCIES, ALL_TIES = 90, 520
LEAD_AGENCIES = 15
DATED_AGENCIES = 43  # policies dated 2023–2024 (the two undated documents drop out)
HUB, HUB_TASKS = "山东省知识产权局", 67


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("overlap") / "data"
    with EmbeddedStore(data) as store:
        assert ingest_paths(store, [str(SAMPLES)], progress=False).failed == 0
    with running_server(["--data-dir", str(data)]) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = next((b for b in CHROMIUM if Path(b).exists()), None)
    if binary is None or not Path(DRIVER).exists():
        pytest.fail("Chromium and chromedriver are needed: run scripts/system-deps (as root)", pytrace=False)
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1700",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: object, script: str, timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)  # type: ignore[attr-defined]
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {script}")


def _errors(driver: object) -> list[dict[str, object]]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]


def _drawn(driver: object) -> int:
    _wait(driver, "return window.overlapPage && window.overlapPage.ready")
    return driver.execute_script("return overlapPage.chart.getOption().series[0].data.length")  # type: ignore[attr-defined]


def _screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("POLICYKG_SCREENSHOT_DIR")
    folder = Path(given) if given else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_overlap_page_draws_filters_and_shows_tasks(
    server: str, browser: object, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    d = browser
    d.get(f"{server}/overlap")  # type: ignore[attr-defined]
    assert _drawn(d) == ALL_AGENCIES
    assert d.find_element(By.ID, "node-count").text == str(ALL_AGENCIES)  # type: ignore[attr-defined]
    assert d.find_element(By.ID, "edge-count").text == str(ALL_TIES)  # type: ignore[attr-defined]
    links = d.execute_script("return overlapPage.chart.getOption().series[0].links.length")  # type: ignore[attr-defined]
    assert links == ALL_TIES
    heat_rows = d.execute_script("return overlapPage.heatmap.getOption().yAxis[0].data.length")  # type: ignore[attr-defined]
    assert heat_rows == ALL_AGENCIES
    assert "机构职责交叉网络" in d.title  # type: ignore[attr-defined]

    # a click on the hub agency lists its tasks, each with evidence and a link to the document view
    graph = d.find_element(By.ID, "graph")  # type: ignore[attr-defined]
    x, y = d.execute_script("return overlapPage.nodePixel(arguments[0])", HUB)  # type: ignore[attr-defined]
    ActionChains(d).move_to_element_with_offset(
        graph, x - graph.rect["width"] / 2, y - graph.rect["height"] / 2
    ).click().perform()
    _wait(d, "return document.getElementById('detail-count')")
    detail = d.find_element(By.ID, "detail")  # type: ignore[attr-defined]
    assert detail.find_element(By.TAG_NAME, "h2").text == HUB
    assert d.find_element(By.ID, "detail-count").text == str(HUB_TASKS)  # type: ignore[attr-defined]
    tasks = detail.find_elements(By.CLASS_NAME, "task")
    assert len(tasks) == HUB_TASKS
    assert all(t.find_elements(By.TAG_NAME, "blockquote") for t in tasks)
    href = tasks[0].find_element(By.TAG_NAME, "a").get_attribute("href")
    view = httpx2.get(href, timeout=30)
    assert view.status_code == 200 and "<mark" in view.text and "牵头" in view.text

    # a click on a cell of the heatmap lists the tasks the two agencies share
    heat = d.find_element(By.ID, "heatmap")  # type: ignore[attr-defined]
    d.execute_script("arguments[0].scrollIntoView()", heat)  # type: ignore[attr-defined]
    hx, hy = d.execute_script(  # type: ignore[attr-defined]
        "const names = overlapPage.heatmap.getOption().xAxis[0].data;"
        "return overlapPage.heatmap.convertToPixel({seriesIndex: 0}, [names.indexOf(arguments[0]), names.indexOf(arguments[1])])",
        HUB,
        "山东省工商行政管理局",
    )
    ActionChains(d).move_to_element_with_offset(
        heat, hx - heat.rect["width"] / 2, hy - heat.rect["height"] / 2
    ).click().perform()
    # while loading, the heading is there and the count is not
    _wait(
        d,
        "return document.querySelector('#detail h2').textContent.includes('—') && document.getElementById('detail-count')",
    )
    assert d.find_element(By.CSS_SELECTOR, "#detail h2").text == f"山东省工商行政管理局 — {HUB}"  # type: ignore[attr-defined]
    assert d.find_element(By.ID, "detail-count").text == "30"  # type: ignore[attr-defined]
    d.execute_script("window.scrollTo(0, 0)")  # type: ignore[attr-defined]

    folder = _screenshot_dir(tmp_path_factory)
    shot = folder / "overlap-page.png"
    assert d.save_screenshot(str(shot)) and shot.stat().st_size > 10_000  # type: ignore[attr-defined]
    print(f"\nscreenshot of the overlap page: {shot}")

    # filters change what is drawn: leads only, then the year slider (dated policies only)
    for role in ("参加", "负责"):
        d.find_element(By.CSS_SELECTOR, f"#f-roles input[value='{role}']").click()  # type: ignore[attr-defined]
    _wait(d, f"return overlapPage.ready && overlapPage.nodeCount === {LEAD_AGENCIES}")
    assert _drawn(d) == LEAD_AGENCIES
    for role in ("参加", "负责"):
        d.find_element(By.CSS_SELECTOR, f"#f-roles input[value='{role}']").click()  # type: ignore[attr-defined]
    _wait(d, f"return overlapPage.ready && overlapPage.nodeCount === {ALL_AGENCIES}")
    d.find_element(By.ID, "f-years-on").click()  # type: ignore[attr-defined]
    _wait(d, f"return overlapPage.ready && overlapPage.nodeCount === {DATED_AGENCIES}")
    assert _drawn(d) == DATED_AGENCIES
    assert d.find_element(By.ID, "f-years-label").text == "2023–2024 年"  # type: ignore[attr-defined]

    # search finds an agency and shows its tasks
    box = d.find_element(By.ID, "f-search")  # type: ignore[attr-defined]
    box.send_keys("山东省科学技术厅\n")
    _wait(
        d,
        "return document.querySelector('#detail h2').textContent === '山东省科学技术厅' && document.getElementById('detail-count')",
    )

    assert _errors(d) == []


def test_docs_load_offline_from_the_package(server: str, browser: object) -> None:
    d = browser
    d.get(f"{server}/docs")  # type: ignore[attr-defined]
    _wait(d, "return document.querySelectorAll('.opblock').length > 0")
    scripts = d.execute_script("return [...document.scripts].map(s => s.src).filter(Boolean)")  # type: ignore[attr-defined]
    sheets = d.execute_script("return [...document.styleSheets].map(s => s.href).filter(Boolean)")  # type: ignore[attr-defined]
    assert scripts and all(s.startswith(server) for s in scripts + sheets), scripts + sheets
    assert d.execute_script("return document.body.innerText").count("/overlap/network") >= 1  # type: ignore[attr-defined]
    assert _errors(d) == []


def test_page_uses_no_outside_resources(server: str) -> None:
    html = httpx2.get(f"{server}/overlap").text
    assert "http://" not in html and "https://" not in html
    for path in ("/static/overlap.js", "/static/overlap.css", "/static/vendor/echarts/echarts.min.js"):
        r = httpx2.get(server + path)
        assert r.status_code == 200 and len(r.content) > 1000
    assert httpx2.get(f"{server}/static/vendor/echarts/LICENSE").status_code == 200
    for bad in ("/static/../pyproject.toml", "/static/%2e%2e/app.py", "/static/nothing.js", "/static/__init__.py"):
        assert httpx2.get(server + bad).status_code == 404, bad
