"""The corpus of hostile and broken bundles in ``tests/hostile/``: each gets its finding.

A case is a folder ``tests/hostile/<group>/<case>/`` holding ``expect.json`` and the
files that differ from ``tests/hostile/_base/`` (a valid bundle). The test copies the
base into a temporary folder, removes what ``remove`` names, lays the case's files
over it, runs the ``make`` steps (links, pipes, permissions, generated large files,
names that are not UTF-8: what git cannot hold or should not), then runs
``skillwiki validate``:

- the exit code is 1 (``strict`` cases run with ``--strict``);
- every expected finding is there, with its code, file (relative to the bundle;
  ``.`` is the bundle itself; for an archive, relative to the work folder) and, when
  the case names them, its line (``null``: none), its column and words its message
  ``says``;
- no other error is reported: the corpus pins every error, not just one of them;
- nothing says "Traceback", and each case finishes within a second.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skillwiki_sdk.cli import main

HOSTILE = Path(__file__).parent / "hostile"
BASE = HOSTILE / "_base"
CASES = sorted(path.parent for path in HOSTILE.rglob("expect.json"))
SECOND = 1.0
# Cases run through a real ``skillwiki`` process as well: one per kind of danger.
SUBPROCESS_CASES = (
    "files/fifo-atom",
    "files/not-utf8-atom",
    "yaml/billion-laughs-manifest",
    "yaml/python-tag",
    "files/huge-atom",
    "schema/summary-two-lines-long",
)


def _case_id(case: Path) -> str:
    return case.relative_to(HOSTILE).as_posix()


def _expect(case: Path) -> dict[str, Any]:
    return json.loads((case / "expect.json").read_text(encoding="utf-8"))


def build_case(case: Path, workdir: Path) -> Path:
    """Lay out ``case`` as a bundle in ``workdir/bundle``; return the bundle's path."""
    expect = _expect(case)
    bundle = workdir / "bundle"
    outside = workdir / "outside"
    shutil.copytree(BASE, bundle)
    shutil.copytree(BASE, outside)  # what links that leave the bundle point at
    for relative in expect.get("remove", []):
        target = bundle / relative
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    for source in case.rglob("*"):
        relative = source.relative_to(case)
        if source.is_file() and relative.as_posix() != "expect.json":
            (bundle / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, bundle / relative)
    for step in expect.get("make", []):
        path = (workdir if step["do"] == "archive" else bundle) / step["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        if step["do"] == "symlink":
            os.symlink(step["to"].replace("{outside}", str(outside)), path)
        elif step["do"] == "mkdir":
            path.mkdir()
            (path / "notes.txt").write_text("a folder, not an atom\n")
        elif step["do"] == "fifo":
            os.mkfifo(path)
        elif step["do"] == "chmod":
            path.chmod(step["mode"])
        elif step["do"] == "rename":  # to a name git would hold badly: one that is not UTF-8 ("\udce9" is byte 0xe9)
            (bundle / step["to"]).parent.mkdir(parents=True, exist_ok=True)
            path.rename(bundle / step["to"])
        elif step["do"] == "archive":
            make_archive(workdir / step["path"], step)
        elif step["do"] == "write":
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(step.get("head", "") + step["repeat"] * step["times"] + step.get("tail", ""))
        else:  # pragma: no cover - a typo in a case
            raise AssertionError(f"{_case_id(case)}: unknown make step {step['do']!r}")
    return workdir / expect["target"] if "target" in expect else bundle


def make_archive(path: Path, step: dict[str, Any]) -> None:
    """Write a crafted wheel or sdist: members that standard tools would never write.

    ``format`` is ``zip``, ``tar.gz``, ``tar.xz``, ``tar.bz2`` or ``tar`` (whatever the
    file's name says); a member has ``name`` and one of ``text`` (in UTF-8 or the
    member's ``encoding``), ``zeros`` (that many zero bytes; ``claim`` makes the zip's
    directory state another size), ``symlink`` or ``hardlink`` (a target); ``size`` is
    a tar header's claimed size with no data after it. ``truncate`` keeps only that
    fraction of the bytes; ``raw`` writes that text instead of an archive.
    """
    import tarfile
    import zipfile

    if "raw" in step:
        path.write_text(step["raw"])
        return
    buffer = io.BytesIO()
    if step["format"] == "zip":
        with warnings_ignored(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in step["members"]:
                info = zipfile.ZipInfo(member["name"])
                info.compress_type = zipfile.ZIP_DEFLATED
                if "symlink" in member:
                    info.external_attr = (stat.S_IFLNK | 0o777) << 16
                    archive.writestr(info, member["symlink"])
                else:
                    archive.writestr(
                        info,
                        member.get("text", "").encode(member.get("encoding", "utf-8")) or bytes(member.get("zeros", 0)),
                    )
        data = buffer.getvalue()
        for member in step["members"]:
            if "claim" in member:  # the central directory's uncompressed size: offset 24 of the entry
                entry = data.index(b"PK\x01\x02")
                while (
                    data[entry + 46 : entry + 46 + int.from_bytes(data[entry + 28 : entry + 30], "little")]
                    != member["name"].encode()
                ):
                    entry = data.index(b"PK\x01\x02", entry + 4)
                data = data[: entry + 24] + member["claim"].to_bytes(4, "little") + data[entry + 28 :]
    else:
        with tarfile.open(
            fileobj=buffer, mode="w" + {"tar.gz": ":gz", "tar.xz": ":xz", "tar.bz2": ":bz2", "tar": ""}[step["format"]]
        ) as archive:
            for member in step["members"]:
                info = tarfile.TarInfo(member["name"])
                if "symlink" in member or "hardlink" in member:
                    info.type = tarfile.SYMTYPE if "symlink" in member else tarfile.LNKTYPE
                    info.linkname = member.get("symlink") or member["hardlink"]
                    archive.addfile(info)
                elif "size" in member:  # a header only: the data it announces never comes
                    info.size = member["size"]
                    archive.fileobj.write(info.tobuf(archive.format, archive.encoding, archive.errors))
                else:
                    payload = member.get("text", "").encode(member.get("encoding", "utf-8"))
                    info.size = len(payload)
                    archive.addfile(info, io.BytesIO(payload))
        data = buffer.getvalue()
    if "truncate" in step:
        data = data[: int(len(data) * step["truncate"])]
    path.write_bytes(data)


@contextlib.contextmanager
def warnings_ignored() -> Iterator[None]:
    """zipfile warns about the duplicate names that a case writes on purpose."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def _as_nobody_when_root(case: Path) -> Iterator[None]:
    """Permissions do not stop root: read a ``chmod`` case as user ``nobody``.

    Only the effective uid changes (and back); everything the validator imports is
    imported before, by the warm-up fixture.
    """
    needs = any(step["do"] == "chmod" for step in _expect(case).get("make", []))
    if not needs or os.geteuid() != 0:
        yield
        return
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)


@contextlib.contextmanager
def _nothing_left_behind(workdir: Path) -> Iterator[None]:
    """Run with an empty current folder and a private temporary folder; both must be
    empty afterwards, and nothing new may appear in the case's own folder."""
    scratch = workdir / "scratch"
    scratch.mkdir()
    scratch.chmod(0o777)
    before = sorted(str(p) for p in workdir.rglob("*") if not str(p).startswith(str(scratch)))
    cwd, tmp = os.getcwd(), tempfile.tempdir
    os.chdir(scratch)
    tempfile.tempdir = str(scratch)
    try:
        yield
    finally:
        os.chdir(cwd)
        tempfile.tempdir = tmp
    assert list(scratch.iterdir()) == [], "something was left in the temporary or current folder"
    after = sorted(str(p) for p in workdir.rglob("*") if not str(p).startswith(str(scratch)))
    assert after == before, "something was written next to the input"
    scratch.rmdir()


def run_in_process(argv: list[str], timeout: float = 20.0) -> tuple[int, str, str, float]:
    """``skillwiki ARGV`` in this process, in a thread that may not outlive ``timeout``.

    Returns the exit code, stdout, stderr and the thread's CPU seconds: the budget of a
    second is measured in CPU time, so that a loaded machine does not fail the test.
    """
    stdout, stderr = io.StringIO(), io.StringIO()
    result: dict[str, Any] = {}

    def target() -> None:
        start = time.thread_time()
        try:
            result["code"] = main(argv, stdout=stdout, stderr=stderr)
        except BaseException as error:  # noqa: BLE001 - the test reports what escaped
            result["escaped"] = error
        result["cpu"] = time.thread_time() - start

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"skillwiki {' '.join(argv)} hangs (still running after {timeout} s)"
    assert "escaped" not in result, f"an exception escaped: {result.get('escaped')!r}"
    return result["code"], stdout.getvalue(), stderr.getvalue(), result["cpu"]


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Import everything validation needs (jsonschema, checks) before timing a case."""
    bundle = tmp_path_factory.mktemp("warm") / "bundle"
    shutil.copytree(BASE, bundle)
    (bundle / "atoms" / "principles" / "cache-near-reads.md").write_text("---\nid: 1\n---\n")
    run_in_process(["validate", "--format", "json", str(bundle)])


def _enterable_by_all(folder: str) -> bool:
    """Whether every folder from ``/`` down to ``folder`` lets other users through."""
    current = os.path.realpath(folder)
    while True:
        try:
            if not os.stat(current).st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
        parent = os.path.dirname(current)
        if parent == current:
            return True
        current = parent


def _world_readable_workdir() -> Path:
    """A temporary folder that user ``nobody`` can enter (pytest's own is root-only,
    and a TMPDIR inside a private folder, as nox's sessions may set, is not either)."""
    base = next((folder for folder in (tempfile.gettempdir(), "/tmp", "/var/tmp") if _enterable_by_all(folder)), None)
    path = Path(tempfile.mkdtemp(prefix="skillwiki-hostile-", dir=base))
    path.chmod(0o755)
    return path


def _relative(file: str | None, target: Path, workdir: Path) -> str:
    """A finding's file relative to the bundle (a bundle case) or to the work folder (an archive)."""
    base = str(target) if target.is_dir() else str(workdir)
    if file is None or file == base:
        return "."
    return file[len(base) + 1 :] if file.startswith(base + "/") else file


def check_report(case: Path, target: Path, workdir: Path, code: int, stdout: str, stderr: str) -> None:
    """Assert the case's expectations on one JSON report."""
    expect = _expect(case)
    assert "Traceback" not in stdout + stderr
    assert code == 1, f"exit code {code}, expected 1\n{stdout}\n{stderr}"
    document = json.loads(stdout)
    findings = [finding for result in document["results"] for finding in result["findings"]]
    got = [
        (f["code"], _relative(f["file"], target, workdir), f["line"], f["severity"], f["message"], f["column"])
        for f in findings
    ]
    for wanted in expect["findings"]:
        matches = [
            g
            for g in got
            if g[0] == wanted["code"]
            and g[1] == wanted["file"]
            and ("line" not in wanted or g[2] == wanted["line"])
            and ("column" not in wanted or g[5] == wanted["column"])
            and wanted.get("says", "") in g[4]
        ]
        assert matches, f"expected {wanted} in {got}"
        got.remove(matches[0])
    unexpected = [g for g in got if g[3] == "error"]
    assert not unexpected, f"errors the case does not expect: {unexpected}"
    assert stderr == ""


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_hostile_case(case: Path, warm: None) -> None:
    """Each broken input exits 1 with exactly its findings, in under a second."""
    if _case_id(case) == "files/fifo-atom" and not hasattr(os, "mkfifo"):  # pragma: no cover
        pytest.skip("no named pipes on this system")
    workdir = _world_readable_workdir()
    try:
        bundle = build_case(case, workdir)
        argv = ["validate", "--format", "json", *(["--strict"] if _expect(case).get("strict") else []), str(bundle)]
        with _nothing_left_behind(workdir), _as_nobody_when_root(case):
            code, stdout, stderr, elapsed = run_in_process(argv)
        check_report(case, bundle, workdir, code, stdout, stderr)
        assert elapsed < SECOND, f"took {elapsed:.2f} s of CPU time"
    finally:
        for current, dirs, _ in os.walk(workdir):  # undo chmod 000 so the folder can go
            for name in dirs:
                if not os.path.islink(os.path.join(current, name)):  # a link's chmod is its target's: /etc!
                    os.chmod(os.path.join(current, name), stat.S_IRWXU)
        for path in workdir.rglob("*"):
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | stat.S_IRUSR | stat.S_IWUSR)
        shutil.rmtree(workdir)


def test_the_corpus_is_broad() -> None:
    """At least 40 cases, across files, YAML, schema and cross-references."""
    groups = {case.relative_to(HOSTILE).parts[0] for case in CASES}
    assert len(CASES) >= 40
    assert {"files", "yaml", "schema", "xref"} <= groups
    for case in CASES:
        expect = _expect(case)
        assert expect["why"] and expect["findings"], _case_id(case)


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_hostile_case_through_a_real_process(name: str, tmp_path: Path) -> None:
    """The same cases through the ``skillwiki`` command: no traceback, no hang, exit 1."""
    case = HOSTILE / name
    bundle = build_case(case, tmp_path)
    process = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "validate", "--format", "json", str(bundle)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SKILLWIKI_DEBUG": ""},
    )
    check_report(case, bundle, tmp_path, process.returncode, process.stdout, process.stderr)


def test_a_file_that_disappears_between_listing_and_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The atom is listed, then deleted before it is read: SW501 on it, nothing raised."""
    import importlib

    validate_module = importlib.import_module("skillwiki_sdk.validation")

    bundle = tmp_path / "bundle"
    shutil.copytree(BASE, bundle)
    victim = bundle / "atoms" / "patterns" / "read-through.md"
    listed = validate_module._atom_files

    def list_then_delete(root: str, display_root: str) -> Any:
        result = listed(root, display_root)
        victim.unlink()
        return result

    monkeypatch.setattr(validate_module, "_atom_files", list_then_delete)
    report = validate_module.validate(bundle)
    codes = [(f.code, f.file, f.line) for f in report.findings if f.severity == "error"]
    assert codes == [("SW501", f"{bundle}/atoms/patterns/read-through.md", 1)]


@pytest.mark.parametrize("suffix", [".whl", ".tar.gz"])
def test_an_archive_over_the_size_limit_is_refused_before_extraction(
    suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Members whose stated sizes add up beyond LIMITS.archive_bytes: refused, nothing written."""
    from skillwiki_sdk import loading
    from skillwiki_sdk.validation import validate

    monkeypatch.setattr(loading, "LIMITS", loading.Limits(archive_bytes=10_000))
    target = tmp_path / f"skillwiki_tiny-0.3.0{'-py3-none-any' if suffix == '.whl' else ''}{suffix}"
    make_archive(
        target,
        {"format": "zip" if suffix == ".whl" else "tar.gz", "members": [{"name": "a/big.txt", "text": "x" * 20_000}]},
    )
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    report = validate(target)
    assert [(f.code, f.file) for f in report.findings] == [("SW401" if suffix == ".tar.gz" else "SW402", str(target))]
    assert "add up to more than" in report.findings[0].message
    assert list(scratch.iterdir()) == []


def test_installed_plugins_bundles_refuse_links_that_leave_them(tmp_path: Path) -> None:
    """The registry reads installed bundles with the walker validate uses: a plugin
    whose atoms/ links outside (or to /etc) is a problem naming SW510, nothing there
    is read, and a healthy plugin beside it is listed."""
    from plugin_factory import write_bundle, write_distribution

    site = tmp_path / "site"
    write_bundle(write_distribution(site, "skillwiki-lk-healthy", "1.0.0", "lk_healthy") / "bundle", "lk-healthy")
    elsewhere = write_bundle(tmp_path / "elsewhere", "lk-elsewhere")
    for name, target in (("lk-out", str(elsewhere / "atoms")), ("lk-etc", "/etc")):
        bundle = write_bundle(
            write_distribution(site, f"skillwiki-{name}", "1.0.0", name.replace("-", "_")) / "bundle", name
        )
        shutil.rmtree(bundle / "atoms")
        os.symlink(target, bundle / "atoms")
    deep = write_bundle(write_distribution(site, "skillwiki-lk-deep", "1.0.0", "lk_deep") / "bundle", "lk-deep")
    (deep / "atoms" / "a" / "b").mkdir(parents=True)
    os.symlink(elsewhere / "atoms", deep / "atoms" / "a" / "b" / "c")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ.update(PYTHONPATH=str(site), SKILLWIKI_NO_CACHE="1")
    done = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "list", "--format", "json"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    document = json.loads(done.stdout)
    assert [d["name"] for d in document["domains"] if d["name"].startswith("lk-")] == [
        "lk-healthy"
    ]  # (and what else is installed)
    problems = {p["distribution"]: p for p in document["problems"]}
    assert set(problems) == {"skillwiki-lk-out", "skillwiki-lk-etc", "skillwiki-lk-deep"}
    for problem in problems.values():
        assert "SW510" in json.dumps(problem) and "points outside the bundle" in json.dumps(problem)
    assert "passwd" not in done.stdout and "lk-elsewhere" not in done.stdout


@pytest.mark.parametrize("target", ["/etc", "{outside}/atoms", "../outside/atoms"])
def test_a_linked_atoms_folder_is_not_walked(target: str, tmp_path: Path) -> None:
    """atoms/ linking out of the bundle: one SW510 and nothing else, not even a
    warning about a file found there (the walk never starts)."""
    from skillwiki_sdk.validation import load_bundle

    bundle, outside = tmp_path / "bundle", tmp_path / "outside"
    shutil.copytree(BASE, bundle)
    shutil.copytree(BASE, outside)
    shutil.rmtree(bundle / "atoms")
    os.symlink(target.replace("{outside}", str(outside)), bundle / "atoms")
    loaded = load_bundle(bundle)
    assert [(f.code, f.file) for f in loaded.findings] == [("SW510", f"{bundle}/atoms")]
    assert loaded.atoms == [] and loaded.files == 1
