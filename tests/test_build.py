"""``skillwiki build``: sdist, then wheel from the sdist, in isolation; both validated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from built_packages import PACKAGES, build_all

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return build_all(tmp_path_factory.mktemp("built"))


def _codes(report) -> list[tuple[str, str | None, int | None]]:
    return [(f.code, f.file, f.line) for f in report.findings]


def test_wheel_that_lost_its_bundle_fails_while_the_sdist_passes(built: dict) -> None:
    result = built["lost-bundle"]
    assert Path(result.wheel).name == "skillwiki_lost_bundle-1.0.0-py3-none-any.whl"
    assert Path(result.sdist).name == "skillwiki_lost_bundle-1.0.0.tar.gz"
    sdist_report, wheel_report = result.reports
    assert sdist_report.errors == 0 and sdist_report.domains == ["lost-bundle"] and sdist_report.atoms == 2
    wheel = wheel_report.target
    assert Path(wheel).resolve() == Path(result.wheel).resolve()
    assert _codes(wheel_report) == [("SW404", f"{wheel}!skillwiki_lost_bundle", None)]
    assert "the bundle files were not included" in wheel_report.findings[0].message
    assert result.failed()


def test_wheel_that_lost_only_its_atoms_fails(built: dict) -> None:
    """domain.yaml made it into the wheel, the atoms did not: a packaging error, not an empty bundle."""
    sdist_report, wheel_report = built["lost-atoms"].reports
    assert sdist_report.errors == 0 and sdist_report.atoms == 2
    wheel = wheel_report.target
    assert ("SW404", f"{wheel}!skillwiki_lost_atoms/bundle/domain.yaml", 1) in _codes(wheel_report)
    assert built["lost-atoms"].failed()


def test_the_wheel_must_carry_every_atom_of_the_sdist() -> None:
    from skillwiki_sdk.commands._build import _compare
    from skillwiki_sdk.model import Report

    sdist, wheel = Report("x.tar.gz", ["d"], atoms=3), Report("x.whl", ["d"], atoms=2)
    _compare(sdist, wheel)
    assert [(f.code, f.file) for f in wheel.findings] == [("SW404", "x.whl")]
    assert "the wheel holds 2 atoms, the sdist 3" in wheel.findings[0].message


def test_version_skew_fails_both_archives_at_the_version_line(built: dict) -> None:
    result = built["version-skew"]
    sdist_report, wheel_report = result.reports
    wheel, sdist = wheel_report.target, sdist_report.target
    assert (Path(wheel).resolve(), Path(sdist).resolve()) == (
        Path(result.wheel).resolve(),
        Path(result.sdist).resolve(),
    )
    assert _codes(wheel_report) == [("SW405", f"{wheel}!skillwiki_version_skew/bundle/domain.yaml", 3)]
    assert _codes(sdist_report) == [
        ("SW405", f"{sdist}!skillwiki_version_skew-1.1.0/src/skillwiki_version_skew/bundle/domain.yaml", 3)
    ]
    assert wheel_report.findings[0].message.startswith(
        "domain version 1.0.0 differs from the distribution's version 1.1.0"
    )


def test_build_command_writes_only_the_report_on_stdout(cli, tmp_path: Path) -> None:
    result = cli("build", str(PACKAGES / "lost-bundle"), "--outdir", str(tmp_path), "--format", "json")
    assert result.code == 1
    document = json.loads(result.out)
    assert [r["ok"] for r in document["results"]] == [True, False]
    assert [f["code"] for f in document["results"][1]["findings"]] == ["SW404"]
    assert list(tmp_path.iterdir()) == []  # nothing that failed where an upload would pick it up
    # no progress when stderr is not a terminal; the last line says it failed
    assert result.err.splitlines() == [f"skillwiki build: FAILED: findings fail, so nothing was written to {tmp_path}"]


def test_a_failed_build_removes_the_earlier_archives_of_the_same_names(cli, tmp_path: Path) -> None:
    stale = tmp_path / "skillwiki_lost_bundle-1.0.0-py3-none-any.whl"
    stale.write_bytes(b"an earlier build")
    (tmp_path / "other-1.0.0.tar.gz").write_bytes(b"not ours")
    result = cli("build", str(PACKAGES / "lost-bundle"), "--outdir", str(tmp_path))
    assert result.code == 1
    assert [p.name for p in tmp_path.iterdir()] == ["other-1.0.0.tar.gz"]
    assert result.err.splitlines()[-1] == (
        f"skillwiki build: FAILED: findings fail, so nothing was written to {tmp_path} (removed the earlier {stale})"
    )


def test_backend_failure_is_a_message_not_a_traceback(cli, tmp_path: Path) -> None:
    project = tmp_path / "broken"
    project.mkdir()
    (project / "pyproject.toml").write_text('[build-system]\nrequires = []\nbuild-backend = "no_such_backend"\n')
    result = cli("build", str(project))
    assert result.code == 1
    assert result.err.startswith(f"skillwiki: building the sdist of {project} failed")
    assert result.err.splitlines()[-1] == f"skillwiki build: FAILED: nothing was written to {project / 'dist'}"
    assert not (project / "dist").exists()
    assert "Traceback" not in result.err


def test_not_a_project(cli, tmp_path: Path) -> None:
    result = cli("build", str(tmp_path))
    assert (result.code, result.err) == (
        1,
        f"skillwiki: {tmp_path}: not a Python project (no pyproject.toml)\n"
        f"skillwiki build: FAILED: nothing was written to {tmp_path / 'dist'}\n",
    )


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    import shutil

    from conftest import EXAMPLE

    return Path(shutil.copytree(EXAMPLE, tmp_path / "project", ignore=shutil.ignore_patterns("dist", "build")))


@pytest.mark.parametrize(
    ("outdir", "says"),
    [
        ("", "--outdir is an empty path: name a folder (default: PROJECT/dist)"),
        ("/dev/null", "--outdir /dev/null: it is not a folder (a file or a device is there)"),
        ("{file}", "--outdir {file}: it is not a folder (a file or a device is there)"),
        ("{file}/sub/dist", "--outdir {file}/sub/dist: {file} is not a folder (a file or a device is there)"),
    ],
    ids=["empty", "device", "file", "under-a-file"],
)
def test_an_outdir_that_cannot_be_a_folder_is_a_usage_error_before_anything_is_built(
    cli, example_project: Path, tmp_path: Path, outdir: str, says: str
) -> None:
    """'' was an internal error (exit 3, "no path specified"); a file or a device there
    was "cannot create an isolated build environment: File exists", after the
    environment was made."""
    file = tmp_path / "a-file"
    file.write_text("not a folder")
    outdir, says = outdir.format(file=file), says.format(file=file)
    result = cli("build", str(example_project), "--outdir", outdir, "--no-against")
    assert (result.code, result.out, result.err) == (2, "", f"skillwiki: error: {says}\n")
    assert file.read_text() == "not a folder" and not (example_project / "dist").exists()


def test_an_empty_project_path_is_a_usage_error(cli, example_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """'' is no folder; it was joined onto pyproject.toml and so built the working
    folder's project into ./dist, then failed (exit 1)."""
    monkeypatch.chdir(example_project)
    result = cli("build", "")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "skillwiki: error: the project is an empty path: name the plugin project's folder (default: .)\n"
    )
    assert not (example_project / "dist").exists()
