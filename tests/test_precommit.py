"""The README's two pre-commit recipes, run as written by a real pre-commit on a real
git repository: the local hook (the skillwiki on the PATH), and the hook of this
repository at its release tag ``v0.1.0`` (a copy of the working tree, tagged, stands
in for the SDK's repository: only its address differs from the recipe)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, git, readme_blocks

pytestmark = pytest.mark.slow

ATOM = "src/skillwiki_backend_architecture/bundle/atoms/patterns/saga.md"
LOCAL, REMOTE = readme_blocks("### pre-commit")


@pytest.fixture(scope="module")
def sdk_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's working tree (what the tests test), committed and tagged v0.1.0."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    copy = tmp_path_factory.mktemp("sdk") / "skillwiki-sdk"
    listed = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    git("init", "-q", cwd=copy)
    git("add", ".", cwd=copy)
    git("commit", "-q", "-m", "sdk", cwd=copy)
    git("tag", "v0.1.0", cwd=copy)
    return copy


def run_recipe(pre_commit: Path, config: str, tmp_path: Path) -> tuple[Path, callable]:
    plugin = tmp_path / "plugin"
    shutil.copytree(EXAMPLE, plugin, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build", "dist"))
    (plugin / ".pre-commit-config.yaml").write_text(config)
    git("init", "-q", cwd=plugin)
    git("add", ".", cwd=plugin)
    git("commit", "-q", "-m", "plugin", cwd=plugin)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PRE_COMMIT", "VIRTUAL_ENV", "GITHUB_ACTIONS"))
    }
    # the environment one commits from: the SDK installed, its skillwiki on the PATH
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "cache"),
        NO_COLOR="1",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(pre_commit), "run", "--all-files", "--color", "never"],
            cwd=plugin,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    return plugin, run


def check_recipe(plugin: Path, run) -> None:
    good = run()
    assert good.returncode == 0, good.stdout + good.stderr
    assert "skillwiki validate" in good.stdout and "Passed" in good.stdout
    atom = plugin / ATOM
    atom.write_text(atom.read_text().replace("tags: [microservices,", "tags: [no-such-tag,", 1))
    bad = run()
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert f"{ATOM}:6:8: SW207 tag 'no-such-tag' is not in the domain's tag vocabulary" in bad.stdout


def test_the_local_recipe_as_written(pre_commit: Path | None, tmp_path: Path) -> None:
    if pre_commit is None:
        pytest.skip("pre-commit cannot be installed from the package registry here")
    check_recipe(*run_recipe(pre_commit, LOCAL, tmp_path))


def test_the_tagged_recipe_as_written(pre_commit: Path | None, sdk_repository: Path, tmp_path: Path) -> None:
    if pre_commit is None:
        pytest.skip("pre-commit cannot be installed from the package registry here")
    written = "  - repo: https://github.com/<owner>/skillwiki-sdk\n"
    assert written in REMOTE and "    rev: v0.1.0\n" in REMOTE
    check_recipe(*run_recipe(pre_commit, REMOTE.replace(written, f"  - repo: {sdk_repository}\n"), tmp_path))
