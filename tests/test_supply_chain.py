"""The SDK's own wheel and sdist, built with ``build`` as a release would be: they pass
``twine check`` and ``check-wheel-contents``, and the sdist builds a wheel identical in
content to the wheel built from the tree (what PyPI users get from either)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from skillwiki_sdk import __version__

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def _build(source: Path, outdir: Path, kind: str) -> Path:
    """``python -m build --KIND SOURCE``, in an isolated environment; the one file it wrote."""
    subprocess.run(
        [sys.executable, "-m", "build", f"--{kind}", "--outdir", str(outdir), str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    (built,) = outdir.iterdir()
    return built


def _extract(sdist: Path, into: Path) -> Path:
    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):  # 3.12, and security releases of 3.10 and 3.11
            archive.extractall(into, filter="data")
        else:  # our own sdist, just built
            archive.extractall(into)  # noqa: S202
    (top,) = into.iterdir()
    return top


def _contents(wheel: Path) -> dict[str, str]:
    """name -> sha256 of every member but RECORD (which lists the others' hashes)."""
    with zipfile.ZipFile(wheel) as archive:
        return {
            info.filename: hashlib.sha256(archive.read(info)).hexdigest()
            for info in archive.infolist()
            if not info.filename.endswith(".dist-info/RECORD")
        }


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("supply-chain")
    wheel = _build(ROOT, base / "tree", "wheel")
    sdist = _build(ROOT, base / "sdist", "sdist")
    unpacked = _extract(sdist, base / "unpacked")
    from_sdist = _build(unpacked, base / "from-sdist", "wheel")
    return {"wheel": wheel, "sdist": sdist, "from_sdist": from_sdist}


def test_the_builds_are_named_for_this_version(dists: dict[str, Path]) -> None:
    assert dists["wheel"].name == f"skillwiki_sdk-{__version__}-py3-none-any.whl"
    assert dists["sdist"].name == f"skillwiki_sdk-{__version__}.tar.gz"
    assert dists["from_sdist"].name == dists["wheel"].name


def test_twine_check_passes_the_wheel_and_the_sdist(dists: dict[str, Path]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(dists["wheel"]), str(dists["sdist"])],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_check_wheel_contents_passes_the_wheel(dists: dict[str, Path]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_wheel_contents", str(dists["wheel"])],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{dists['wheel']}: OK"


def test_the_wheel_built_from_the_sdist_is_the_wheel_built_from_the_tree(dists: dict[str, Path]) -> None:
    from_tree, from_sdist = _contents(dists["wheel"]), _contents(dists["from_sdist"])
    assert sorted(from_sdist) == sorted(from_tree)
    differ = sorted(name for name in from_tree if from_tree[name] != from_sdist[name])
    assert differ == []


def test_the_wheel_ships_py_typed_the_schemas_and_no_stray_files(dists: dict[str, Path]) -> None:
    names = set(_contents(dists["wheel"]))
    # py.typed: a plugin author's type checker reads the SDK's annotations
    assert "skillwiki_sdk/py.typed" in names
    assert {"skillwiki_sdk/schemas/domain.schema.json", "skillwiki_sdk/schemas/atom.schema.json"} <= names
    # every template file, as in the tree (the scaffold reads them from the package)
    templates = ROOT / "skillwiki_sdk" / "templates"
    in_tree = {
        f"skillwiki_sdk/{path.relative_to(ROOT / 'skillwiki_sdk').as_posix()}" for path in templates.rglob("*.tmpl")
    }
    assert in_tree and in_tree <= names
    tops = {name.split("/")[0] for name in names}
    assert tops == {"skillwiki_sdk", f"skillwiki_sdk-{__version__}.dist-info"}
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_the_sdist_carries_the_tests_and_the_example(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"pyproject.toml", "README.md", "skillwiki_sdk/py.typed", "schemas/domain.schema.json"} <= names
    assert "tests/test_supply_chain.py" in names
    assert any(name.startswith("examples/backend-architecture/") for name in names)
