"""Shared fixtures: fixture bundles copied to a temporary folder, and the CLI in-process."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from skillwiki_sdk.cli import main

# The per-user cache of checked bundles lives in a folder of this run, for this
# process and the commands it starts (platformdirs honours XDG_CACHE_HOME; tests that
# clear SKILLWIKI_* variables keep it).
_CACHE_HOME = tempfile.mkdtemp(prefix="skillwiki-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME
os.environ.pop("SKILLWIKI_CACHE_DIR", None)

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
EXAMPLE = ROOT / "examples" / "backend-architecture"
EXAMPLE_BUNDLE = EXAMPLE / "src" / "skillwiki_backend_architecture" / "bundle"


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*argv: str) -> Result:
    """Run ``skillwiki ARGV`` in this process and capture what it writes."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def valid_bundle(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/valid, free to break."""
    target = tmp_path / "bundle"
    shutil.copytree(FIXTURES / "valid", target)
    return target


@pytest.fixture
def example_bundle(tmp_path: Path) -> Path:
    """A copy of the example plugin's bundle, free to break."""
    target = tmp_path / "bundle"
    shutil.copytree(EXAMPLE_BUNDLE, target)
    return target


@pytest.fixture(scope="session")
def pre_commit(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """A real pre-commit, installed from the package registry into its own
    environment once a session; ``None`` when it cannot be installed (the tests then
    run the hook's entry as pre-commit would)."""
    import subprocess
    import venv

    if shutil.which("git") is None:
        return None
    home = tmp_path_factory.mktemp("pre-commit-env")
    venv.create(home / "venv", with_pip=True)
    done = subprocess.run(
        [str(home / "venv/bin/python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "pre-commit"],
        capture_output=True,
        timeout=600,
    )
    return home / "venv/bin/pre-commit" if done.returncode == 0 else None


def readme_blocks(heading: str, language: str = "yaml") -> list[str]:
    """The fenced ``language`` blocks of README.md's section ``heading``, as written."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    end = text.find("\n#", start + len(heading) + 2)
    while end != -1 and text.count("```", start, end) % 2:  # a '#' inside a block is not a heading
        end = text.find("\n#", end + 1)
    section = text[start : end if end != -1 else len(text)]
    return re.findall(rf"```{language}\n(.*?)```", section, re.S)


def git(*args: str, cwd: Path) -> str:
    """Run git with a fixed identity; its output."""
    import os
    import subprocess

    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()
