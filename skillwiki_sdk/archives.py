"""Wheels and sdists, validated without installing them.

An archive is opened in place; its members are checked (:func:`member_findings`)
before anything is written; then its regular files are extracted, only into a
:class:`tempfile.TemporaryDirectory` that is always removed, and the bundles inside
are loaded with the same loader and checks as a folder. Findings name the archive
and the member: ``dist/x.whl!pkg/bundle/atoms/a.md:3``.

The packaging checks (SW4xx): the wheel's entry point of group ``skillwiki``, the
bundle files inside the entry point's package, the distribution's version equal to
the domain's, and a dependency on ``skillwiki-sdk`` in the metadata.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from dataclasses import dataclass
from typing import IO, Any, Callable, Iterator

from . import rules
from .model import Bundle, Finding, Report

__all__ = [
    "Archive",
    "ArchiveError",
    "Member",
    "extract",
    "is_archive",
    "member_findings",
    "open_archive",
    "validate_archive",
]

ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".zip", ".tgz")
WHEEL_SUFFIXES = (".whl",)
SDK_DISTRIBUTION = "skillwiki-sdk"
ENTRY_POINT_GROUP = "skillwiki"


def is_archive(path: str) -> bool:
    """Whether ``path`` names a wheel or an sdist (by its name)."""
    return path.lower().endswith(ARCHIVE_SUFFIXES)


class ArchiveError(Exception):
    """An archive that cannot be opened or read (becomes SW401)."""


@dataclass(frozen=True)
class Member:
    """One entry of an archive: its stored name, its type and its stated size.

    ``kind`` is ``file``, ``dir``, ``symlink`` or ``other`` (hard links, devices);
    ``handle`` is the archive library's own object for it.
    """

    name: str
    kind: str
    size: int
    handle: Any = None


class Archive:
    """A wheel (zip) or an sdist (tar or zip), read in place."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.kind = "wheel" if path.lower().endswith(WHEEL_SUFFIXES) else "sdist"
        self.members: list[Member] = []

    def open_member(self, member: Member) -> IO[bytes]:  # pragma: no cover - overridden
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - overridden
        pass

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class _ZipArchive(Archive):
    def __init__(self, path: str) -> None:
        import zipfile

        super().__init__(path)
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise ArchiveError(f"not a readable zip archive: {error}") from error
        for info in self._zip.infolist():
            mode = (info.external_attr >> 16) & 0o170000
            kind = "dir" if info.is_dir() else "symlink" if mode == 0o120000 else "file"
            self.members.append(Member(info.filename, kind, info.file_size, info))

    def open_member(self, member: Member) -> IO[bytes]:
        return self._zip.open(member.handle)

    def close(self) -> None:
        self._zip.close()


class _TarArchive(Archive):
    def __init__(self, path: str) -> None:
        import tarfile

        super().__init__(path)
        try:
            self._tar = tarfile.open(path)
            infos = _bounded_members(self._tar)
        except (tarfile.TarError, OSError, EOFError, ValueError, zlib_error()) as error:
            raise ArchiveError(f"not a readable tar archive: {error}") from error
        for info in infos:
            kind = "file" if info.isreg() else "dir" if info.isdir() else "symlink" if info.issym() else "other"
            self.members.append(Member(info.name, kind, info.size, info))

    def open_member(self, member: Member) -> IO[bytes]:
        handle = self._tar.extractfile(member.handle)
        if handle is None:
            raise ArchiveError(f"{member.name}: not a regular file")
        return handle

    def close(self) -> None:
        self._tar.close()


def zlib_error() -> type[Exception]:
    """zlib's error class: a damaged .tar.gz raises it while headers are read."""
    import zlib

    return zlib.error


def _bounded_members(tar: Any) -> list[Any]:
    """The tar's members, read one header at a time, stopping at the limits.

    ``getmembers()`` would skip over every member's data first: in a compressed tar
    that means inflating it all, so a small file that claims gigabytes would take
    minutes. Here the claims are added up before any data is skipped.
    """
    from .loading import LIMITS

    infos: list[Any] = []
    total = 0
    while True:
        info = tar.next()
        if info is None:
            return infos
        infos.append(info)
        total += max(info.size, 0)
        if len(infos) > LIMITS.archive_members:
            raise ArchiveError(f"refused: more than {LIMITS.archive_members:,} members, the limit for one archive")
        if total > LIMITS.archive_bytes:
            raise ArchiveError(f"refused: its members add up to more than {LIMITS.archive_bytes // 2**20} MiB, the limit for one archive")


def open_archive(path: str) -> Archive:
    """Open a wheel or an sdist; :class:`ArchiveError` when it cannot be read."""
    lowered = path.lower()
    if lowered.endswith((".whl", ".zip")):
        return _ZipArchive(path)
    return _TarArchive(path)


def unsafe_name(name: str) -> str | None:
    """Why a member name would write outside the extraction folder, or ``None``."""
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or (len(normalized) > 1 and normalized[1] == ":"):
        return "it has an absolute path"
    if ".." in normalized.split("/"):
        return "it has '..' in its path"
    if "\x00" in name:
        return "it has a NUL character in its path"
    return None


def member_findings(archive: Archive, display: str) -> list[Finding]:
    """Findings for members that make the archive unsafe to extract.

    Any finding here refuses the whole archive: nothing of it is written. (Further
    checks of members — links, sizes, duplicates — belong here too.)
    """
    findings: list[Finding] = []
    for member in archive.members:
        why = unsafe_name(member.name)
        if why:
            findings.append(
                rules.UNSAFE_MEMBER.finding(
                    f"member '{member.name}' is refused: {why}; nothing of this archive is extracted",
                    file=f"{display}!{member.name}",
                    hint="rebuild the archive with a standard tool (python -m build)",
                )
            )
    findings.extend(_strange_member_findings(archive, display))
    return findings


def _strange_member_findings(archive: Archive, display: str) -> list[Finding]:
    """Links, special files, names given twice, and sizes beyond the limits.

    A link could point anywhere once extracted; a name given twice means the file
    checked is not the file installed; a total size beyond the limit is a bomb.
    """
    from .loading import LIMITS

    findings: list[Finding] = []
    seen: set[str] = set()
    refused = "; nothing of this archive is extracted"
    hint = "rebuild the archive with a standard tool (python -m build)"
    for member in archive.members:
        shown = f"{display}!{member.name}"
        if member.kind in ("symlink", "other"):
            what = "a symbolic link" if member.kind == "symlink" else "a hard link or special file"
            findings.append(rules.UNSAFE_MEMBER.finding(f"member '{member.name}' is refused: it is {what}{refused}", file=shown, hint="ship a copy of the file instead of a link"))
        key = member.name.replace("\\", "/").rstrip("/")
        if key in seen and member.kind != "dir":
            findings.append(rules.UNSAFE_MEMBER.finding(f"member '{member.name}' is refused: the archive holds two members of this name{refused}", file=shown, hint=hint))
        seen.add(key)
    if len(archive.members) > LIMITS.archive_members:
        findings.append(rules.UNSAFE_MEMBER.finding(f"the archive is refused: more than {LIMITS.archive_members:,} members, the limit for one archive", file=display, hint=hint))
    if sum(max(member.size, 0) for member in archive.members) > LIMITS.archive_bytes:
        findings.append(
            rules.UNSAFE_MEMBER.finding(
                f"the archive is refused: its members add up to more than {LIMITS.archive_bytes // 2**20} MiB uncompressed, the limit for one archive",
                file=display,
                hint=hint,
            )
        )
    return findings


def extract(archive: Archive, dest: str) -> None:
    """Write the regular files and folders of ``archive`` under ``dest``.

    Only call after :func:`member_findings` found nothing. Links and special files are
    not written; every target is checked to be inside ``dest`` once more.
    """
    root = os.path.realpath(dest)
    for member in archive.members:
        if member.kind not in ("file", "dir"):
            continue
        parts = [part for part in member.name.replace("\\", "/").split("/") if part not in ("", ".")]
        if not parts:
            continue
        target = os.path.join(root, *parts)
        if os.path.commonpath([root, os.path.realpath(target)]) != root:
            raise ArchiveError(f"member '{member.name}' would be written outside the extraction folder")
        if member.kind == "dir":
            os.makedirs(target, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with archive.open_member(member) as source, open(target, "wb") as sink:
            shutil.copyfileobj(source, sink)


def validate_archive(target: str, *, manager: Any = None, jobs: int | None = None, keep: Callable[[Bundle, list[Finding]], None] | None = None) -> Report:
    """Validate a wheel or an sdist without installing it; see the module docstring.

    ``keep``, when given, is called with each bundle checked and its findings while
    the bundle's extracted files still exist (to read what the model does not hold,
    such as the atoms' bodies); the files are removed when this returns.
    """
    report = Report(target=target)
    display = target[2:] if target.startswith("./") else target
    if not os.path.isfile(target):
        report.findings.append(rules.UNREADABLE.finding("no such file" if not os.path.exists(target) else "not a file", file=display))
        return report
    try:
        archive = open_archive(target)
    except ArchiveError as error:
        report.findings.append(rules.ARCHIVE_UNREADABLE.finding(str(error), file=display, hint="rebuild it: skillwiki build"))
        return report
    with archive, tempfile.TemporaryDirectory(prefix="skillwiki-archive-") as tmp:
        refused = member_findings(archive, display)
        if refused:
            report.findings.extend(refused)
            return report
        try:
            extract(archive, tmp)
        except (ArchiveError, OSError, EOFError, ValueError) as error:
            report.findings.append(rules.ARCHIVE_UNREADABLE.finding(f"cannot be extracted: {error}", file=display, hint="rebuild it: skillwiki build"))
            return report
        except Exception as error:  # zipfile and tarfile raise their own errors on damaged data
            report.findings.append(rules.ARCHIVE_UNREADABLE.finding(f"cannot be extracted: {type(error).__name__}: {error}", file=display, hint="rebuild it: skillwiki build"))
            return report
        checker = _check_wheel if archive.kind == "wheel" else _check_sdist
        checker(report, tmp, display, manager, jobs, keep)
    return report


@dataclass
class _Metadata:
    name: str | None
    version: str | None
    requires: list[str]
    file: str


def _read_metadata(path: str, shown: str, findings: list[Finding]) -> _Metadata | None:
    """Core metadata (METADATA or PKG-INFO), parsed leniently with packaging."""
    from packaging.metadata import parse_email

    try:
        with open(path, "rb") as handle:
            raw, _ = parse_email(handle.read())
    except (OSError, ValueError) as error:
        findings.append(rules.METADATA_INVALID.finding(f"cannot read the core metadata: {error}", file=shown))
        return None
    name, version = raw.get("name"), raw.get("version")
    if not name or not version:
        findings.append(rules.METADATA_INVALID.finding("the core metadata has no Name or no Version", file=shown, hint="rebuild with a standard build backend"))
        return None
    return _Metadata(name, version, list(raw.get("requires_dist", [])), shown)


def _sdk_dependency(requires: list[str]) -> bool:
    """Whether ``requires`` (Requires-Dist lines) depend on skillwiki-sdk unconditionally."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    for line in requires:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if canonicalize_name(requirement.name) != SDK_DISTRIBUTION:
            continue
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            return True
    return False


def _shown(tmp: str, path: str, display: str) -> str:
    return f"{display}!{os.path.relpath(path, tmp).replace(os.sep, '/')}"


def _check_bundles(report: Report, tmp: str, roots: list[str], display: str, metadata: _Metadata | None, manager: Any, jobs: int | None, keep: Any = None) -> None:
    """Load and check every bundle, with the version check; add them to ``report``."""
    from .validation import finish, load_bundle, validate_bundle

    for root in roots:
        bundle = load_bundle(root, display=_shown(tmp, root, display), jobs=jobs)
        findings = validate_bundle(bundle, manager)
        findings.extend(_version_findings(bundle, metadata))
        if bundle.domain is not None and bundle.files <= 1:
            # a source bundle with no atoms is merely empty (SW112); a packaged one lost them
            findings.append(
                rules.BUNDLE_NOT_PACKAGED.finding(
                    "the packaged bundle has domain.yaml but no atom files: they were not included",
                    file=bundle.domain.source.display,
                    line=1,
                    hint="include the bundle's .md files as package data (check excludes in pyproject.toml), then rebuild",
                )
            )
        finish(report, bundle, findings)
        if keep is not None:
            keep(bundle, findings)


def _version_findings(bundle: Bundle, metadata: _Metadata | None) -> Iterator[Finding]:
    from packaging.version import InvalidVersion, Version

    domain = bundle.domain
    if metadata is None or domain is None or domain.version is None or metadata.version is None:
        return
    try:
        same = Version(domain.version) == Version(metadata.version)
    except InvalidVersion:
        return  # SW106 already says the version is not PEP 440
    if not same:
        yield rules.VERSION_MISMATCH.finding(
            f"domain version {domain.version} differs from the distribution's version {metadata.version} ({metadata.file})",
            file=domain.source,
            path=("version",),
            hint="make them equal: set the same version in domain.yaml and pyproject.toml",
        )


def _dependency_findings(metadata: _Metadata, extra_requires: list[str] = ()) -> list[Finding]:  # type: ignore[assignment]
    if _sdk_dependency(list(metadata.requires) + list(extra_requires)):
        return []
    return [
        rules.NO_SDK_DEPENDENCY.finding(
            f"{metadata.name} {metadata.version} does not declare a dependency on {SDK_DISTRIBUTION} (Requires-Dist)",
            file=metadata.file,
            hint='add it to [project] dependencies, e.g. "skillwiki-sdk>=0.1,<0.2"',
        )
    ]


def _check_wheel(report: Report, tmp: str, display: str, manager: Any, jobs: int | None, keep: Any = None) -> None:
    from importlib.metadata import PathDistribution
    from pathlib import Path

    from .validation import find_bundles

    infos = sorted(name for name in os.listdir(tmp) if name.endswith(".dist-info") and os.path.isfile(os.path.join(tmp, name, "METADATA")))
    if not infos:
        report.findings.append(rules.METADATA_INVALID.finding("the wheel has no *.dist-info/METADATA", file=display, hint="rebuild it: skillwiki build"))
        return
    info = os.path.join(tmp, infos[0])
    metadata = _read_metadata(os.path.join(info, "METADATA"), _shown(tmp, os.path.join(info, "METADATA"), display), report.findings)
    if metadata is None:
        return
    report.findings.extend(_dependency_findings(metadata))
    entry_points = [ep for ep in PathDistribution(Path(info)).entry_points if ep.group == ENTRY_POINT_GROUP]
    if not entry_points:
        report.findings.append(
            rules.NO_ENTRY_POINT.finding(
                f"{metadata.name} {metadata.version} has no entry point in the group '{ENTRY_POINT_GROUP}', so an install registers nothing",
                file=_shown(tmp, os.path.join(info, "entry_points.txt"), display),
                hint='declare it in pyproject.toml: [project.entry-points.skillwiki] my-domain = "my_package"',
            )
        )
        return
    roots: list[str] = []
    for ep in entry_points:
        module_path = os.path.join(tmp, *ep.module.split("."))
        if os.path.isdir(module_path):
            search = module_path
        elif os.path.isfile(module_path + ".py"):
            search = os.path.dirname(module_path) if os.path.dirname(module_path) != tmp else tmp
        else:
            report.findings.append(
                rules.BUNDLE_NOT_PACKAGED.finding(
                    f"entry point '{ep.name}' names module '{ep.module}', which is not in the wheel",
                    file=_shown(tmp, os.path.join(info, "entry_points.txt"), display),
                    hint="fix the entry point, or include the package in the wheel",
                )
            )
            continue
        found = [root for root in find_bundles(search) if root not in roots]
        if not found:
            report.findings.append(
                rules.BUNDLE_NOT_PACKAGED.finding(
                    f"the wheel has no domain.yaml inside package '{ep.module}' (entry point '{ep.name}'): the bundle files were not included",
                    file=_shown(tmp, search, display),
                    hint="include the bundle's .yaml and .md files as package data (hatchling: do not exclude them; setuptools: package-data or MANIFEST.in), then rebuild",
                )
            )
        roots.extend(found)
    _check_bundles(report, tmp, roots, display, metadata, manager, jobs, keep)


def _pyproject(path: str) -> dict[str, Any]:
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            return {}
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _check_sdist(report: Report, tmp: str, display: str, manager: Any, jobs: int | None, keep: Any = None) -> None:
    from .validation import find_bundles

    tops = sorted(name for name in os.listdir(tmp) if os.path.isdir(os.path.join(tmp, name)))
    top = os.path.join(tmp, tops[0]) if len(tops) == 1 else tmp
    metadata = None
    if os.path.isfile(os.path.join(top, "PKG-INFO")):
        metadata = _read_metadata(os.path.join(top, "PKG-INFO"), _shown(tmp, os.path.join(top, "PKG-INFO"), display), report.findings)
    else:
        report.findings.append(rules.METADATA_INVALID.finding("the sdist has no PKG-INFO at its top folder", file=display, hint="build it with python -m build or skillwiki build"))
    project = _pyproject(os.path.join(top, "pyproject.toml")).get("project", {})
    project = project if isinstance(project, dict) else {}
    if metadata is not None:
        dependencies = project.get("dependencies", [])
        report.findings.extend(_dependency_findings(metadata, [d for d in dependencies if isinstance(d, str)] if isinstance(dependencies, list) else []))
        groups = project.get("entry-points", {})
        declared = isinstance(groups, dict) and bool(groups.get(ENTRY_POINT_GROUP))
        dynamic = "entry-points" in (project.get("dynamic") or [])
        if project and not declared and not dynamic:
            report.findings.append(
                rules.NO_ENTRY_POINT.finding(
                    f"{metadata.name} {metadata.version} declares no entry point in the group '{ENTRY_POINT_GROUP}' in pyproject.toml",
                    file=_shown(tmp, os.path.join(top, "pyproject.toml"), display),
                    hint='declare it: [project.entry-points.skillwiki] my-domain = "my_package"',
                )
            )
    roots = find_bundles(top)
    if not roots:
        report.findings.append(
            rules.BUNDLE_NOT_PACKAGED.finding(
                "the sdist has no domain.yaml: the bundle files were not included",
                file=_shown(tmp, top, display),
                hint="include the bundle in the sdist (hatchling: [tool.hatch.build.targets.sdist]; setuptools: MANIFEST.in), then rebuild",
            )
        )
    _check_bundles(report, tmp, roots, display, metadata, manager, jobs, keep)
