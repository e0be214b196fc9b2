"""``skillwiki compat`` with OLD from each kind of baseline, with real tools: wheels and
sdists built with ``build``, a real git repository, and a real package index on
127.0.0.1 (PEP 503 and PEP 691) that is also down, slow or serving garbage."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from conftest import run_cli
from index_server import Index, serve

pytestmark = pytest.mark.slow

NAME, DIST, PACKAGE = "demo-shop", "skillwiki-demo-shop", "skillwiki_demo_shop"
ATOMS = Path("src") / PACKAGE / "bundle" / "atoms"
DOMAIN_YAML = Path("src") / PACKAGE / "bundle" / "domain.yaml"


def set_version(project: Path, version: str) -> None:
    for path, old in ((project / "pyproject.toml", 'version = "0.1.0"'), (project / DOMAIN_YAML, 'version: "0.1.0"')):
        text = path.read_text()
        current = next(
            line
            for line in text.splitlines()
            if line.startswith(old.split(" ")[0]) and "0." in line or line.startswith(old.split(" ")[0])
        )
        path.write_text(text.replace(current, old.replace("0.1.0", version), 1))


def scaffold(where: Path, version: str) -> Path:
    result = run_cli("new", NAME, "--path", str(where))
    assert result.code == 0, result.err
    set_version(where, version)
    return where


NEW_ATOM = """---
id: refunds-go-back
kind: rule
summary: Refund to the card that paid.
tags: [atoms]
axes:
  stage: [writing]
---

Refund where the money came from.
"""


def evolve(project: Path, version: str) -> Path:
    """The next release: an atom added (minor), nothing removed."""
    set_version(project, version)
    (project / ATOMS / "rules" / "refunds-go-back.md").write_text(NEW_ATOM)
    return project


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Wheels and sdists of 0.9.0 and 1.0.0, built with the build library."""
    from build.env import DefaultIsolatedEnv

    from skillwiki_sdk.commands._build import build_project

    root = tmp_path_factory.mktemp("releases")
    out: dict[str, Path] = {}
    with DefaultIsolatedEnv() as env:
        for version in ("0.9.0", "1.0.0"):
            project = scaffold(root / f"p{version}", version)
            result = build_project(project, root / f"dist-{version}", env=env)
            assert not result.failed(), [f.message for r in result.reports for f in r.findings]
            out[f"{version}.whl"], out[f"{version}.tar.gz"] = Path(result.wheel), Path(result.sdist)
    return out


def compat(new: Path | str, against: str, *extra: str, env: dict | None = None) -> tuple[int, dict]:
    result = run_cli("compat", str(new), "--against", against, "--format", "json", *extra)
    assert "Traceback" not in result.err and result.code in (0, 1), result.err
    return result.code, json.loads(result.out)


def codes(doc: dict) -> list[str]:
    return sorted(f["code"] for f in doc["findings"])


@pytest.mark.parametrize("kind", ["whl", "tar.gz"])
def test_against_a_wheel_and_an_sdist(built: dict, tmp_path: Path, kind: str) -> None:
    new = evolve(scaffold(tmp_path / "new", "1.0.0"), "1.1.0")
    code, doc = compat(new, str(built[f"1.0.0.{kind}"]))
    assert (code, codes(doc), doc["required_bump"], doc["actual_bump"]) == (0, ["SW610"], "minor", "minor")
    assert doc["old"]["version"] == "1.0.0"
    # a removal is reported inside the archive, at the member's line
    (new / ATOMS / "principles" / "one-idea-per-atom.md").unlink()
    code, doc = compat(new, str(built[f"1.0.0.{kind}"]))
    [removed] = [f for f in doc["findings"] if f["code"] == "SW602"]
    assert removed["archive"] == str(built[f"1.0.0.{kind}"]) and removed["member"].endswith(
        f"{PACKAGE}/bundle/atoms/principles/one-idea-per-atom.md"
    )
    assert (removed["line"], code) == (2, 1)


def test_a_wheel_against_a_wheel(built: dict) -> None:
    code, doc = compat(built["1.0.0.whl"], str(built["0.9.0.whl"]))
    assert (code, doc["findings"], doc["actual_bump"], doc["new"]["version"]) == (0, [], "major", "1.0.0")


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


def test_against_a_git_revision(tmp_path: Path) -> None:
    project = scaffold(tmp_path / "repo", "1.0.0")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "1.0.0")
    _git(project, "tag", "v1.0.0")
    evolve(project, "1.1.0")
    (project / ATOMS / "principles" / "one-idea-per-atom.md").unlink()
    status, head = _git(project, "status", "--porcelain"), _git(project, "rev-parse", "HEAD")
    cwd = os.getcwd()
    os.chdir(project)
    try:
        code, doc = compat(".", "git:v1.0.0")
        sub_code, sub_doc = compat(str(Path("src") / PACKAGE / "bundle"), "git:HEAD")
    finally:
        os.chdir(cwd)
    assert (code, codes(doc), doc["required_bump"], doc["actual_bump"]) == (
        1,
        ["SW602", "SW610", "SW640"],
        "major",
        "minor",
    )
    [removed] = [f for f in doc["findings"] if f["code"] == "SW602"]
    assert (
        removed["file"] == f"git:v1.0.0:{(ATOMS / 'principles' / 'one-idea-per-atom.md').as_posix()}"
        and removed["line"] == 2
    )
    assert doc["old"]["release"] == "git:v1.0.0"
    assert (sub_code, codes(sub_doc)) == (1, ["SW602", "SW610", "SW640"])  # a bundle folder inside the repository
    # the work tree, the index and HEAD are as they were
    assert (_git(project, "status", "--porcelain"), _git(project, "rev-parse", "HEAD")) == (status, head)
    assert (project / ATOMS / "rules" / "refunds-go-back.md").read_text() == NEW_ATOM


def test_git_bad_input_is_a_usage_error(tmp_path: Path) -> None:
    project = scaffold(tmp_path / "repo", "1.0.0")
    no_repo = run_cli("compat", str(project), "--against", "git:v1.0.0")
    assert no_repo.code == 2 and "Traceback" not in no_repo.err
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "1.0.0")
    for ref in ("v9.9.9", "--output=x", "HEAD:nonsense"):
        missing = run_cli("compat", str(project), "--against", f"git:{ref}")
        assert missing.code == 2 and "Traceback" not in missing.err, missing.err
    assert "no such revision" in run_cli("compat", str(project), "--against", "git:v9.9.9").err


@pytest.fixture
def index(built: dict, monkeypatch: pytest.MonkeyPatch):
    with serve(Index()) as served:
        for version in ("0.9.0", "1.0.0"):
            served.add(DIST, built[f"{version}.whl"])
            served.add(DIST, built[f"{version}.tar.gz"])
        monkeypatch.setenv("PIP_INDEX_URL", served.url)
        monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
        monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
        monkeypatch.delenv("PIP_NO_INDEX", raising=False)
        yield served


@pytest.mark.parametrize("style", ["html", "json"])
def test_against_the_index(index: Index, tmp_path: Path, style: str) -> None:
    index.style = style
    new = evolve(scaffold(tmp_path / "new", "1.0.0"), "1.1.0")
    code, doc = compat(new, "index:")
    assert (code, codes(doc), doc["old"]["version"]) == (0, ["SW610"], "1.0.0")
    assert "skillwiki_demo_shop-1.0.0-py3-none-any.whl" in doc["old"]["label"]
    (new / ATOMS / "principles" / "one-idea-per-atom.md").unlink()
    code, doc = compat(new, "index:")
    [removed] = [f for f in doc["findings"] if f["code"] == "SW602"]
    assert (removed["archive"], removed["member"], removed["line"]) == (
        "skillwiki_demo_shop-1.0.0-py3-none-any.whl",
        f"{PACKAGE}/bundle/atoms/principles/one-idea-per-atom.md",
        2,
    )
    code, doc = compat(new, f"index:{DIST}<1")
    assert (code, doc["old"]["version"], doc["actual_bump"]) == (0, "0.9.0", "major")
    code, doc = compat(
        index_wheel := str(
            next(
                p.path for p in index.projects["skillwiki-demo-shop"] if p.path.name.endswith("1.0.0-py3-none-any.whl")
            )
        ),
        "index:<1",
    )
    assert (code, doc["old"]["version"], doc["new"]["version"]) == (0, "0.9.0", "1.0.0"), (
        index_wheel
    )  # NEW's name from the wheel
    code, doc = compat(new, "index:>=2")  # nothing matches
    assert code == 1 and codes(doc) == ["SW600"] and "no release of" in doc["findings"][0]["message"]


def test_index_skips_yanked_unless_pinned(index: Index, tmp_path: Path) -> None:
    for served in index.projects["skillwiki-demo-shop"]:
        if "1.0.0" in served.path.name:
            served.yanked = "broken"
    new = evolve(scaffold(tmp_path / "new", "1.0.0"), "1.1.0")
    assert compat(new, "index:")[1]["old"]["version"] == "0.9.0"
    assert compat(new, f"index:{DIST}==1.0.0")[1]["old"]["version"] == "1.0.0"


def test_index_hash_mismatch_is_refused(index: Index, tmp_path: Path) -> None:
    for served in index.projects["skillwiki-demo-shop"]:
        served.sha256 = "0" * 64
    new = scaffold(tmp_path / "new", "1.1.0")
    code, doc = compat(new, "index:")
    assert code == 1 and codes(doc) == ["SW600"] and "does not match its sha256 hash" in doc["findings"][0]["message"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_index_down_garbage_or_slow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new = scaffold(tmp_path / "new", "1.1.0")
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_INDEX_URL", f"http://127.0.0.1:{_free_port()}/simple/")
    start = time.monotonic()
    code, doc = compat(new, "index:")
    assert code == 1 and codes(doc) == ["SW600"] and "cannot be read" in doc["findings"][0]["message"]
    with serve(Index()) as served:
        monkeypatch.setenv("PIP_INDEX_URL", served.url)
        served.routes[f"/simple/{DIST}/"] = (200, "application/vnd.pypi.simple.v1+json", b"{garbage")
        code, doc = compat(new, "index:")
        assert code == 1 and codes(doc) == ["SW600"] and "does not parse" in doc["findings"][0]["message"]
        served.routes[f"/simple/{DIST}/"] = (
            200,
            "text/html",
            b'<a href="../../files/x/skillwiki_demo_shop-1.0.0-py3-none-any.whl#sha256=00">x</a>',
        )
        code, doc = compat(new, "index:")
        assert code == 1 and codes(doc) == ["SW600"]  # a file that is not there
    assert time.monotonic() - start < 60


def test_build_refuses_a_release_whose_bump_is_too_small(index: Index, tmp_path: Path) -> None:
    new = scaffold(tmp_path / "new", "1.0.1")
    (new / ATOMS / "principles" / "one-idea-per-atom.md").unlink()
    result = run_cli("build", str(new), "--against", "index:")
    assert result.code == 1 and "SW602" in result.out and "not built" in result.err
    assert not (new / "dist").exists()
    with open(new / "pyproject.toml", "a") as handle:
        handle.write('\n[tool.skillwiki.compat]\nagainst = "index:"\n')
    again = run_cli("build", str(new))
    assert again.code == 1 and "not built" in again.err


def test_build_of_a_first_release_checks_then_builds(
    index: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing published yet under this name: nothing to compare, so it goes on to
    build (the build itself, tested in test_build.py, is replaced here: its isolated
    environment would look for hatchling on this test's index)."""
    import skillwiki_sdk.commands._build as build_module

    calls: list[str] = []

    def fake_build(project, outdir=None, **kwargs):
        calls.append(str(project))
        return build_module.BuildResult(str(project), str(outdir), "x.tar.gz", "x.whl", [], written=True)

    monkeypatch.setattr(build_module, "build_project", fake_build)
    assert run_cli("new", "fresh-shop", "--path", str(tmp_path / "fresh")).code == 0
    built = run_cli("build", str(tmp_path / "fresh"), "--against", "index:")
    assert (built.code, calls) == (0, [str(tmp_path / "fresh")]) and "names no published release yet" in built.err
    # a published one whose bump covers the changes is built too
    new = evolve(scaffold(tmp_path / "new", "1.0.0"), "1.1.0")
    built = run_cli("build", str(new), "--against", "index:")
    assert (built.code, calls[-1]) == (0, str(new)) and "required bump: minor, made: minor [ok]" in built.err


def test_a_revision_before_the_bundle_existed(tmp_path: Path) -> None:
    project = scaffold(tmp_path / "repo", "1.0.0")
    shutil.move(str(project / "src"), str(tmp_path / "src"))
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "no bundle yet")
    _git(project, "tag", "v0")
    shutil.move(str(tmp_path / "src"), str(project / "src"))
    code, doc = compat(project, "git:v0")
    assert (code, codes(doc)) == (1, ["SW600"]) and "no bundle" in doc["findings"][0]["message"]
    assert doc["findings"][0]["file"] == "git:v0:"
