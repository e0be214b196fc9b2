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
