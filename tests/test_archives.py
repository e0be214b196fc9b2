"""Validating wheels and sdists in place: findings point into the archive, unsafe
members are refused, and nothing is written outside a temporary folder."""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLE_BUNDLE
from plugin_factory import write_bundle

METADATA = "Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{requires}\n"


def _bundle_members(bundle: Path, prefix: str) -> dict[str, bytes]:
    return {
        f"{prefix}/{p.relative_to(bundle).as_posix()}": p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()
    }


def make_wheel(
    path: Path,
    bundle: Path | None,
    *,
    name: str = "skillwiki-demo",
    version: str = "1.0.0",
    module: str = "skillwiki_demo",
    entry_point: bool = True,
    requires: str = "Requires-Dist: skillwiki-sdk>=0.1",
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A wheel as a build backend writes one: the package, its bundle and a dist-info."""
    info = f"{name.replace('-', '_')}-{version}.dist-info"
    members = {f"{module}/__init__.py": b"from skillwiki_sdk import hookimpl\n"}
    if bundle is not None:
        members.update(_bundle_members(bundle, f"{module}/bundle"))
    members[f"{info}/METADATA"] = METADATA.format(name=name, version=version, requires=requires).encode()
    if entry_point:
        members[f"{info}/entry_points.txt"] = f"[skillwiki]\ndemo = {module}\n".encode()
    members[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    members.update(extra or {})
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def _findings(report) -> list[tuple[str, str | None, int | None]]:
    return [(f.code, f.file, f.line) for f in report.findings]


@pytest.fixture
def tmp_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary folders go here, so a test can see that they are gone afterwards."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_example_wheel_validates_clean(tmp_path: Path, tmp_tempdir: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_wheel(tmp_path / "demo.whl", EXAMPLE_BUNDLE, name="skillwiki-backend-architecture")
    result = cli("validate", "--format", "json", "demo.whl")
    document = json.loads(result.out)["results"][0]
    assert (result.code, document["domains"], document["atoms"], document["findings"]) == (
        0,
        ["backend-architecture"],
        18,
        [],
    )
    assert list(tmp_tempdir.iterdir()) == []  # the extraction folder was removed


def test_findings_point_into_the_archive_at_the_right_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from skillwiki_sdk import validate

    bundle = write_bundle(tmp_path / "bundle", "demo", atoms={"hello": {"tags": "alpha, gamma"}, "world": {}})
    (tmp_path / "dist").mkdir()
    make_wheel(tmp_path / "dist" / "x.whl", bundle)
    monkeypatch.chdir(tmp_path)
    report = validate("dist/x.whl")
    assert _findings(report) == [("SW207", "dist/x.whl!skillwiki_demo/bundle/atoms/hello.md", 5)]
    assert report.findings[0].column == 15


def test_dotdot_member_is_refused_and_nothing_is_written(tmp_path: Path, tmp_tempdir: Path) -> None:
    from skillwiki_sdk import validate

    sdist = tmp_path / "evil-1.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as archive:
        for name, data in (
            ("evil-1.0/PKG-INFO", b"Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n"),
            ("evil-1.0/../../escaped.txt", b"gotcha"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    report = validate(str(sdist))
    assert _findings(report) == [("SW402", f"{sdist}!evil-1.0/../../escaped.txt", None)]
    assert "'..'" in report.findings[0].message
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path.parent / "escaped.txt").exists()
    assert list(tmp_tempdir.iterdir()) == []


def test_absolute_member_is_refused(tmp_path: Path) -> None:
    from skillwiki_sdk import validate

    wheel = make_wheel(tmp_path / "abs.whl", EXAMPLE_BUNDLE, extra={"/etc/skillwiki-test": b"x"})
    report = validate(str(wheel))
    assert _findings(report) == [("SW402", f"{wheel}!/etc/skillwiki-test", None)]
    assert report.atoms == 0


def test_wheel_without_bundle_files(tmp_path: Path) -> None:
    from skillwiki_sdk import validate

    wheel = make_wheel(tmp_path / "nobundle.whl", None)
    assert _findings(validate(str(wheel))) == [("SW404", f"{wheel}!skillwiki_demo", None)]


def test_version_of_domain_must_equal_the_wheel_version(tmp_path: Path) -> None:
    from skillwiki_sdk import validate

    wheel = make_wheel(tmp_path / "skew.whl", write_bundle(tmp_path / "b", "demo", "1.0.0"), version="1.0.1")
    report = validate(str(wheel))
    assert _findings(report) == [("SW405", f"{wheel}!skillwiki_demo/bundle/domain.yaml", 3)]


def test_wheel_without_entry_point(tmp_path: Path) -> None:
    from skillwiki_sdk import validate

    wheel = make_wheel(tmp_path / "noep.whl", EXAMPLE_BUNDLE, entry_point=False)
    assert _findings(validate(str(wheel))) == [
        ("SW403", f"{wheel}!skillwiki_demo-1.0.0.dist-info/entry_points.txt", None)
    ]


def test_wheel_must_depend_on_the_sdk(tmp_path: Path) -> None:
    from skillwiki_sdk import validate

    bundle = write_bundle(tmp_path / "b", "demo")
    for requires in ("", "Requires-Dist: skillwiki-sdk; extra == 'dev'", "Requires-Dist: pyyaml"):
        wheel = make_wheel(tmp_path / "nodep.whl", bundle, requires=requires)
        assert _findings(validate(str(wheel))) == [
            ("SW406", f"{wheel}!skillwiki_demo-1.0.0.dist-info/METADATA", None)
        ], requires
    wheel = make_wheel(tmp_path / "dep.whl", bundle, requires="Requires-Dist: Skillwiki_SDK (>=0.1)")
    assert _findings(validate(str(wheel))) == []


def test_not_an_archive(tmp_path: Path) -> None:
    from skillwiki_sdk import validate

    fake = tmp_path / "fake.whl"
    fake.write_bytes(b"this is not a zip file")
    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes(b"\x1f\x8b\x08\x00garbage")
    assert [f.code for f in validate(str(fake)).findings] == ["SW401"]
    assert [f.code for f in validate(str(truncated)).findings] == ["SW401"]
    assert _findings(validate(str(tmp_path / "missing.whl"))) == [("SW501", str(tmp_path / "missing.whl"), None)]


def test_sdist_is_checked_from_its_pyproject_and_pkg_info(tmp_path: Path) -> None:
    from skillwiki_sdk import validate

    bundle = write_bundle(tmp_path / "b", "demo")
    sdist = tmp_path / "skillwiki_demo-1.0.0.tar.gz"
    pyproject = b'[project]\nname = "skillwiki-demo"\nversion = "1.0.0"\ndependencies = []\n'
    members = {
        "skillwiki_demo-1.0.0/PKG-INFO": METADATA.format(name="skillwiki-demo", version="1.0.0", requires="").encode(),
        "skillwiki_demo-1.0.0/pyproject.toml": pyproject,
    }
    members.update(_bundle_members(bundle, "skillwiki_demo-1.0.0/src/skillwiki_demo/bundle"))
    with tarfile.open(sdist, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    shown = f"{sdist}!skillwiki_demo-1.0.0"
    assert _findings(validate(str(sdist))) == [
        ("SW406", f"{shown}/PKG-INFO", None),
        ("SW403", f"{shown}/pyproject.toml", None),
    ]


@pytest.mark.parametrize(
    "pyproject",
    [b'[project]\nname = "caf\xe9"\n', b"a = " + b"[" * 100_000 + b"\n"],
    ids=["not-utf8", "nested-too-deep"],
)
def test_an_sdists_pyproject_that_is_not_toml_is_passed_over_as_a_syntax_error_is(
    tmp_path: Path, pyproject: bytes
) -> None:
    """Not UTF-8 or nested too deeply to parse: the sdist is judged from its PKG-INFO
    and bundle alone, as with a TOML syntax error (it was SW599, a RecursionError)."""
    from skillwiki_sdk import validate

    bundle = write_bundle(tmp_path / "b", "demo")
    sdist = tmp_path / "skillwiki_demo-1.0.0.tar.gz"
    requires = "Requires-Dist: skillwiki-sdk>=0.1"
    members = {
        "skillwiki_demo-1.0.0/PKG-INFO": METADATA.format(
            name="skillwiki-demo", version="1.0.0", requires=requires
        ).encode(),
        "skillwiki_demo-1.0.0/pyproject.toml": pyproject,
    }
    members.update(_bundle_members(bundle, "skillwiki_demo-1.0.0/src/skillwiki_demo/bundle"))
    with tarfile.open(sdist, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    report = validate(str(sdist))
    assert (_findings(report), report.atoms) == ([], 2)


@pytest.mark.slow
def test_built_wheels_fail_validate_with_packaging_findings(tmp_path_factory: pytest.TempPathFactory, cli) -> None:
    from built_packages import build_all

    built = build_all(tmp_path_factory.mktemp("built"))
    lost = cli("validate", "--format", "json", built["lost-bundle"].wheel)
    skew = cli("validate", "--format", "json", built["version-skew"].wheel)
    assert (lost.code, skew.code) == (1, 1)
    assert [(f["code"], f["line"]) for f in json.loads(lost.out)["results"][0]["findings"]] == [("SW404", None)]
    assert [(f["code"], f["line"]) for f in json.loads(skew.out)["results"][0]["findings"]] == [("SW405", 3)]
