"""``skillwiki catalog --index URL``: a real simple index on 127.0.0.1 (PEP 503 HTML
and PEP 691 JSON) serving real wheels and sdists built with ``build``."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from conftest import run_cli
from index_server import Index, serve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from catalog_dists import example_dists, plain_wheel

    base = tmp_path_factory.getbasetemp()
    example = example_dists(base)
    wheel = next(example.glob("*.whl"))
    sdist = next(example.glob("*.tar.gz"))
    extra = tmp_path_factory.mktemp("renamed")
    # the same wheel under newer versions' names: were either chosen, its version
    # (1.0.0 inside) would not match its name's, and it would not be published
    yanked = extra / wheel.name.replace("-1.0.0-", "-2.0.0-")
    pre = extra / wheel.name.replace("-1.0.0-", "-3.0.0rc1-")
    tampered = extra / "skillwiki_tampered-1.0.0-py3-none-any.whl"
    for target in (yanked, pre, tampered):
        shutil.copy(wheel, target)
    return {
        "wheel": wheel,
        "sdist": sdist,
        "yanked": yanked,
        "pre": pre,
        "plain": plain_wheel(base),
        "tampered": tampered,
        "other": sdist,
    }


def _index(dists: dict[str, Path], style: str) -> Index:
    index = Index(style=style)
    index.add("skillwiki-backend-architecture", dists["sdist"])
    index.add("skillwiki-backend-architecture", dists["wheel"])
    index.add("skillwiki-backend-architecture", dists["yanked"], yanked="broken release")
    index.add("skillwiki-backend-architecture", dists["pre"])
    index.add("skillwiki-plain", dists["plain"])
    index.add("skillwiki-tampered", dists["tampered"], sha256="0" * 64)
    index.add("not-a-domain", dists["other"])
    return index


@pytest.mark.parametrize("style", ["html", "json"])
def test_every_skillwiki_project_of_an_index_newest_release_hash_checked(
    tmp_path: Path, dists: dict[str, Path], style: str
) -> None:
    out = tmp_path / "site"
    with serve(_index(dists, style)) as index:
        result = run_cli("catalog", "--index", index.url, "--out", str(out), "--format", "json")
    assert result.code == 1, result.err  # two projects left out
    report = json.loads(result.out)
    assert report["domains"] == ["backend-architecture"]
    catalog = json.loads((out / "catalog.json").read_text(encoding="utf-8"))
    [entry] = catalog["domains"]
    assert entry["version"] == "1.0.0"
    assert entry["origin"]["distribution"] == "skillwiki-backend-architecture"
    assert entry["origin"]["source"].startswith(dists["wheel"].name)  # the wheel, not the sdist
    reasons = {item["source"].split(" ")[0]: item for item in report["rejections"]}
    assert set(reasons) == {dists["plain"].name, f"{dists['tampered'].name}"}
    assert {f["code"] for f in reasons[dists["plain"].name]["findings"]} >= {"SW403"}
    assert "hash" in reasons[dists["tampered"].name]["reason"]
    assert "not-a-domain" not in (out / "problems.html").read_text(encoding="utf-8")
    page = (out / "domains/backend-architecture/atoms/saga.html").read_text(encoding="utf-8")
    assert "<h2>What it is</h2>" in page
    assert "pip install skillwiki-backend-architecture" in (out / "domains/backend-architecture/index.html").read_text(
        encoding="utf-8"
    )


def test_an_unchanged_release_is_not_downloaded_again(tmp_path: Path, dists: dict[str, Path]) -> None:
    out = tmp_path / "site"
    index = Index()
    index.add("skillwiki-backend-architecture", dists["wheel"])
    with serve(index) as served:
        assert run_cli("catalog", "--index", served.url, "--out", str(out)).code == 0
        served.routes[f"/files/skillwiki-backend-architecture/{dists['wheel'].name}"] = (
            500,
            "text/plain",
            b"no more downloads",
        )
        again = run_cli("catalog", "--index", served.url, "--out", str(out), "--format", "json")
    assert again.code == 0, again.out
    report = json.loads(again.out)
    assert report["reused_sources"] == 1 and report["files"]["written"] == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("trouble", ["down", "garbage-json", "server-error"])
def test_an_index_down_or_serving_garbage_stops_before_any_page_is_written(
    tmp_path: Path, dists: dict[str, Path], trouble: str
) -> None:
    out = tmp_path / "site"
    index = Index()
    index.add("skillwiki-backend-architecture", dists["wheel"])
    with serve(index) as served:
        assert run_cli("catalog", "--index", served.url, "--out", str(out)).code == 0
        before = sorted((p.relative_to(out).as_posix(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file())
        if trouble == "garbage-json":
            served.routes["/simple/"] = (200, "application/vnd.pypi.simple.v1+json", b"{this is not json")
        elif trouble == "server-error":
            served.routes["/simple/"] = (503, "text/html", b"<h1>down for maintenance</h1>")
        url = served.url if trouble != "down" else f"http://127.0.0.1:{_free_port()}/simple/"
        result = run_cli("catalog", "--index", url, "--out", str(out))
    assert result.code == 1
    assert "cannot list its projects" in result.err and "Traceback" not in result.err + result.out
    after = sorted((p.relative_to(out).as_posix(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file())
    assert after == before  # the previous catalog stands as it was
