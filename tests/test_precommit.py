"""The hook in .pre-commit-hooks.yaml, run by a real pre-commit on a real git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT

pytestmark = pytest.mark.slow

ATOM = "src/skillwiki_backend_architecture/bundle/atoms/patterns/saga.md"


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def pre_commit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit, installed from the package registry into its own environment."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    home = tmp_path_factory.mktemp("pre-commit-env")
    venv.create(home / "venv", with_pip=True)
    subprocess.run([str(home / "venv/bin/python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "pre-commit"], check=True, timeout=600)
    return home / "venv/bin/pre-commit"


def test_the_hook_passes_a_good_plugin_and_fails_a_broken_atom(pre_commit: Path, tmp_path: Path) -> None:
    try:
        head = git("rev-parse", "HEAD", cwd=ROOT)
        git("cat-file", "-e", f"{head}:.pre-commit-hooks.yaml", cwd=ROOT)
    except (subprocess.CalledProcessError, FileNotFoundError):
        pytest.fail(f"{ROOT} must be a git repository with .pre-commit-hooks.yaml committed (pre-commit clones the hook's repository)")
    plugin = tmp_path / "plugin"
    shutil.copytree(EXAMPLE, plugin, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build", "dist"))
    (plugin / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {head}\n    hooks:\n      - id: skillwiki-validate\n"
    )
    git("init", "-q", cwd=plugin)
    git("add", ".", cwd=plugin)
    git("commit", "-q", "-m", "plugin", cwd=plugin)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PRE_COMMIT", "VIRTUAL_ENV", "GITHUB_ACTIONS"))}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "cache"), NO_COLOR="1")

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(pre_commit), "run", "--all-files", "--color", "never"], cwd=plugin, env=env, capture_output=True, text=True, timeout=900)

    good = run()
    assert good.returncode == 0, good.stdout + good.stderr
    assert "skillwiki validate" in good.stdout and "Passed" in good.stdout

    atom = plugin / ATOM
    atom.write_text(atom.read_text().replace("tags: [microservices,", "tags: [no-such-tag,", 1))
    bad = run()
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert f"{ATOM}:6:8: SW207 tag 'no-such-tag' is not in the domain's tag vocabulary" in bad.stdout
