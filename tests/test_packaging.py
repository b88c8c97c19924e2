"""Packaging and deployment files: the wheel, an install outside the checkout, the compose file, the Dockerfile."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_SPEC = json.loads((Path(__file__).parent / "fixtures" / "compose-spec.json").read_text(encoding="utf-8"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (whl,) = out.glob("policy_kg-*.whl")
    return whl


def test_wheel_installs_one_import_name_with_its_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert top == {"policykg"}  # no generic top-level api/graph/ingest/queries module
    for needed in [
        "policykg/api/app.py",
        "policykg/api/routes/agencies.py",
        "policykg/graph/store.py",
        "policykg/queries/agency_tasks.cypher",
        "policykg/ingest/data/agencies.json",
        "policykg/samples/003_22293d2eac0c7b96.txt",
    ]:
        assert needed in names, needed
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "policykg = policykg.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_installed_wheel_runs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("NEO4J_URI", None)
    where = subprocess.run(
        [sys.executable, "-c", "import policykg.api, policykg.queries; print(policykg.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip().startswith(str(site))  # the installed copy, not the checkout
    helped = subprocess.run(
        [sys.executable, "-m", "policykg", "--help"], cwd=work, env=env, capture_output=True, text=True
    )
    assert helped.returncode == 0 and "serve" in helped.stdout and "ingest" in helped.stdout
    demo = subprocess.run([sys.executable, "-m", "policykg", "demo"], cwd=work, env=env, capture_output=True, text=True)
    assert demo.returncode == 0, demo.stderr
    assert "5 new" in demo.stdout and "山东省知识产权局" in demo.stdout
    assert (work / "policykg-data").is_dir()


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_file_follows_the_compose_specification() -> None:
    jsonschema.Draft201909Validator(COMPOSE_SPEC).validate(compose())
    broken = compose()
    broken["services"]["api"]["depends_on"] = {"neo4j": {"condition": "when_ready"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft201909Validator(COMPOSE_SPEC).validate(broken)


def test_compose_wires_the_api_to_neo4j() -> None:
    services = compose()["services"]
    neo4j, api = services["neo4j"], services["api"]
    assert neo4j["image"] == "neo4j:5.26" and "NEO4J_PLUGINS" not in neo4j["environment"]
    assert "healthcheck" in neo4j and any(v.split(":")[0] in compose()["volumes"] for v in neo4j["volumes"])
    assert api["environment"]["NEO4J_URI"] == "bolt://neo4j:7687" and "7687:7687" in neo4j["ports"]
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert (ROOT / api["build"] / "Dockerfile").is_file()
    password = re.search(r"neo4j/(\$\{[^}]+\})", neo4j["environment"]["NEO4J_AUTH"]).group(1)  # type: ignore[union-attr]
    assert api["environment"]["NEO4J_PASSWORD"] == password


def test_dockerfile_installs_like_the_readme_and_serves() -> None:
    docker = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11", docker, re.M)
    assert "pip install --no-cache-dir ." in docker and "python -m venv" in docker
    copied = {line.split()[1] for line in docker.splitlines() if line.startswith("COPY")}
    for folder in set(PYPROJECT["tool"]["setuptools"]["package-dir"].values()):
        assert folder.split("/")[0] in copied, f"Dockerfile does not copy {folder}"
    cmd = json.loads(docker.split("CMD", 1)[1].strip())
    assert cmd[:2] == ["policykg", "serve"] and "0.0.0.0" in cmd
