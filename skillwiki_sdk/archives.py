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

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from . import rules
from .loading import find_bundles, is_archive
from .model import Bundle, Finding

__all__ = [
    "Archive",
    "ArchiveError",
    "Member",
    "extract",
    "is_archive",
    "member_findings",
    "open_archive",
    "OpenedArchive",
    "opened_bundles",
    "unpacked",
    "Unpacked",
]

WHEEL_SUFFIXES = (".whl",)
SDK_DISTRIBUTION = "skillwiki-sdk"
ENTRY_POINT_GROUP = "skillwiki"


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
            # as pip unpacks an sdist: by its name (.tar.gz: gzip), not by guessing
            self._tar = tarfile.open(path, _tar_mode(path))
            infos = _bounded_members(self._tar)
        except (tarfile.TarError, OSError, EOFError, ValueError, zlib_error()) as error:
            raise ArchiveError(_tar_problem(path, error)) from error
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


# The first bytes of each compression (and of a zip), to say what a file really is.
_MAGIC = (
    (b"\x1f\x8b", "gz", "gzip-compressed"),
    (b"\xfd7zXZ\x00", "xz", "xz-compressed"),
    (b"BZh", "bz2", "bzip2-compressed"),
    (b"(\xb5/\xfd", "zst", "zstd-compressed"),
    (b"PK\x03\x04", "zip", "a zip archive"),
)
# the modes tarfile.open reads with
_ReadMode = Literal["r:gz", "r:bz2", "r:xz", "r:", "r:*"]
# suffix, the mode pip opens it with, the compression it says, in words
_TAR_MODES: tuple[tuple[str, _ReadMode, str, str], ...] = (
    (".tar.gz", "r:gz", "gz", "a gzip-compressed tar"),
    (".tgz", "r:gz", "gz", "a gzip-compressed tar"),
    (".tar.bz2", "r:bz2", "bz2", "a bzip2-compressed tar"),
    (".tar.xz", "r:xz", "xz", "an xz-compressed tar"),
    (".tar", "r:", "", "an uncompressed tar"),
)


def _tar_mode(path: str) -> _ReadMode:
    """The mode pip opens an sdist of this name with (``r:gz`` for ``.tar.gz``)."""
    lowered = path.lower()
    return next((mode for suffix, mode, _, _ in _TAR_MODES if lowered.endswith(suffix)), "r:*")


def _tar_problem(path: str, error: BaseException) -> str:
    """Why a tar cannot be read: when its bytes are another compression than its name
    says (an xz tar named .tar.gz, which pip refuses), that; else the error."""
    lowered = path.lower()
    said = next(((key, words) for suffix, _, key, words in _TAR_MODES if lowered.endswith(suffix)), None)
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError:
        head = b""
    actual = next(((key, words) for magic, key, words in _MAGIC if head.startswith(magic)), None)
    if actual is None and head[257:262] == b"ustar":  # a tar header's magic: no compression at all
        actual = ("", "an uncompressed tar")
    if said is not None and actual is not None and actual[0] != said[0]:
        return (
            f"its name says {said[1]}, but the file is {actual[1]}; "
            "pip unpacks an sdist by its name and refuses this one"
        )
    return f"not a readable tar archive: {error}"


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
            raise ArchiveError(
                f"refused: its members add up to more than {LIMITS.archive_bytes // 2**20} MiB, the limit for one "
                "archive"
            )


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
    refused = "; nothing of this archive is extracted"
    hint = "rebuild the archive with a standard tool (python -m build)"
    exact: dict[tuple[str, ...], Member] = {}  # the path once extracted -> its first member
    folded: dict[tuple[str, ...], Member] = {}  # the same where case and the like do not count
    folders: set[tuple[str, ...]] = set()  # every folder that a member's path needs, folded
    for member in archive.members:
        shown = f"{display}!{member.name}"
        if member.kind in ("symlink", "other"):
            what = "a symbolic link" if member.kind == "symlink" else "a hard link or special file"
            findings.append(
                rules.UNSAFE_MEMBER.finding(
                    f"member '{member.name}' is refused: it is {what}{refused}",
                    file=shown,
                    hint="ship a copy of the file instead of a link",
                )
            )
        if "\\" in member.name:
            findings.append(
                rules.UNSAFE_MEMBER.finding(
                    f"member '{member.name}' is refused: '\\' separates folders on Windows and is part of the name "
                    "elsewhere, "
                    f"so the file lands in different places{refused}",
                    file=shown,
                    hint=hint,
                )
            )
        parts = tuple(part for part in member.name.replace("\\", "/").split("/") if part not in ("", "."))
        if not parts:
            continue
        key = _folded(parts)
        folders.update(key[:end] for end in range(1, len(key)))
        first = exact.get(parts)
        other = folded.get(key)
        if first is not None:
            if member.kind != "dir" or first.kind != "dir":  # a folder given twice is harmless
                why = (
                    "the archive holds two members of this name"
                    if first.name == member.name
                    else f"it is the same file as member '{first.name}' once extracted"
                )
                findings.append(
                    rules.UNSAFE_MEMBER.finding(
                        f"member '{member.name}' is refused: {why}{refused}", file=shown, hint=hint
                    )
                )
        elif other is not None and (member.kind != "dir" or other.kind != "dir"):
            findings.append(
                rules.UNSAFE_MEMBER.finding(
                    f"member '{member.name}' is refused: its name differs from member '{other.name}' only in case "
                    "(or Unicode normalisation, or trailing dots): on macOS and Windows one replaces the "
                    f"other{refused}",
                    file=shown,
                    hint="give the two files names that differ in more than case, then rebuild",
                )
            )
        exact.setdefault(parts, member)
        folded.setdefault(key, member)
    for key, member in folded.items():
        if member.kind != "dir" and key in folders:
            findings.append(
                rules.UNSAFE_MEMBER.finding(
                    f"member '{member.name}' is refused: it is a file, and other members put files inside it as a "
                    f"folder{refused}",
                    file=f"{display}!{member.name}",
                    hint=hint,
                )
            )
    if len(archive.members) > LIMITS.archive_members:
        findings.append(
            rules.UNSAFE_MEMBER.finding(
                f"the archive is refused: more than {LIMITS.archive_members:,} members, the limit for one archive",
                file=display,
                hint=hint,
            )
        )
    if sum(max(member.size, 0) for member in archive.members) > LIMITS.archive_bytes:
        findings.append(
            rules.UNSAFE_MEMBER.finding(
                f"the archive is refused: its members add up to more than {LIMITS.archive_bytes // 2**20} MiB "
                "uncompressed, the limit for one archive",
                file=display,
                hint=hint,
            )
        )
    return findings


def _folded(parts: tuple[str, ...]) -> tuple[str, ...]:
    """A member's path as a file system that folds names sees it: macOS's and
    Windows's ignore case, macOS's Unicode normalisation, Windows's trailing dots and
    spaces."""
    import unicodedata

    return tuple(unicodedata.normalize("NFC", part).rstrip(". ").casefold() or part for part in parts)


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


@dataclass
class Unpacked:
    """An archive checked and extracted into ``folder`` (a temporary folder): the
    findings about the archive and its metadata, and the bundles inside it as
    (root on disk, root as shown). :meth:`packaged_findings` are the packaging
    checks of one of those bundles once it is loaded."""

    display: str
    folder: str
    findings: list[Finding]
    bundles: list[tuple[str, str]]
    metadata: _Metadata | None = None

    def packaged_findings(self, bundle: Bundle) -> list[Finding]:
        """The version check and the check that the atoms were packaged."""
        findings = list(_version_findings(bundle, self.metadata))
        if bundle.domain is not None and bundle.files <= 1:
            # a source bundle with no atoms is merely empty (SW112); a packaged one lost them
            findings.append(
                rules.BUNDLE_NOT_PACKAGED.finding(
                    "the packaged bundle has domain.yaml but no atom files: they were not included",
                    file=bundle.domain.source.display,
                    line=1,
                    hint="include the bundle's .md files as package data (check excludes in pyproject.toml), then "
                    "rebuild",
                )
            )
        return findings


@contextlib.contextmanager
def unpacked(target: str, display: str | None = None) -> Iterator[Unpacked]:
    """Check a wheel or an sdist and extract it into a temporary folder, removed on
    leaving; see the module docstring. What is wrong is in the findings (with no
    bundles when the archive is refused). ``display`` is the name its findings give
    the archive (default: ``target``), such as the place ``build`` moves it to."""
    if display is None:
        display = target[2:] if target.startswith("./") else target
    result = Unpacked(display, "", [], [])
    if not os.path.isfile(target):
        result.findings.append(
            rules.UNREADABLE.finding("no such file" if not os.path.exists(target) else "not a file", file=display)
        )
        yield result
        return
    try:
        archive = open_archive(target)
    except ArchiveError as error:
        result.findings.append(
            rules.ARCHIVE_UNREADABLE.finding(str(error), file=display, hint="rebuild it: skillwiki build")
        )
        yield result
        return
    with archive, tempfile.TemporaryDirectory(prefix="skillwiki-archive-") as tmp:
        result.folder = tmp
        refused = member_findings(archive, display)
        if refused:
            result.findings.extend(refused)
            yield result
            return
        try:
            extract(archive, tmp)
        except (ArchiveError, OSError, EOFError, ValueError) as error:
            result.findings.append(
                rules.ARCHIVE_UNREADABLE.finding(
                    f"cannot be extracted: {error}", file=display, hint="rebuild it: skillwiki build"
                )
            )
            yield result
            return
        except Exception as error:  # noqa: BLE001 - zipfile and tarfile raise their own errors on damaged data
            result.findings.append(
                rules.ARCHIVE_UNREADABLE.finding(
                    f"cannot be extracted: {type(error).__name__}: {error}",
                    file=display,
                    hint="rebuild it: skillwiki build",
                )
            )
            yield result
            return
        checker = _check_wheel if archive.kind == "wheel" else _check_sdist
        result.metadata, roots = checker(result.findings, tmp, display)
        result.bundles = [(root, _shown(tmp, root, display)) for root in roots]
        yield result


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
            data = handle.read()
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        # packaging would read it as Latin-1; pip and importlib.metadata refuse it
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        findings.append(
            rules.METADATA_INVALID.finding(
                f"the core metadata is not UTF-8: byte 0x{data[error.start]:02x} cannot be decoded, and pip refuses a "
                "distribution whose metadata is not UTF-8",
                file=shown,
                line=line,
                column=column,
                hint="write pyproject.toml (the README, the author names) as UTF-8 and rebuild",
            )
        )
        return None
    except OSError as error:
        findings.append(
            rules.METADATA_INVALID.finding(f"cannot read the core metadata: {error.strerror or error}", file=shown)
        )
        return None
    try:
        raw, _ = parse_email(text)
    except ValueError as error:
        findings.append(rules.METADATA_INVALID.finding(f"cannot read the core metadata: {error}", file=shown))
        return None
    name, version = raw.get("name"), raw.get("version")
    if not name or not version:
        findings.append(
            rules.METADATA_INVALID.finding(
                "the core metadata has no Name or no Version", file=shown, hint="rebuild with a standard build backend"
            )
        )
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


def _version_findings(bundle: Bundle, metadata: _Metadata | None) -> Iterator[Finding]:
    from packaging.version import Version

    domain = bundle.domain
    if metadata is None or domain is None or domain.version is None or metadata.version is None:
        return
    try:
        same = Version(domain.version) == Version(metadata.version)
    except ValueError:  # InvalidVersion, or digits beyond what Python reads: SW106 says so
        return  # SW106 already says the version is not PEP 440
    if not same:
        yield rules.VERSION_MISMATCH.finding(
            f"domain version {domain.version} differs from the distribution's version {metadata.version} "
            f"({metadata.file})",
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


def _check_wheel(findings: list[Finding], tmp: str, display: str) -> tuple[_Metadata | None, list[str]]:
    """The packaging checks of an extracted wheel: its metadata and its bundles."""
    from importlib.metadata import PathDistribution
    from pathlib import Path

    infos = sorted(
        name
        for name in os.listdir(tmp)
        if name.endswith(".dist-info") and os.path.isfile(os.path.join(tmp, name, "METADATA"))
    )
    if not infos:
        findings.append(
            rules.METADATA_INVALID.finding(
                "the wheel has no *.dist-info/METADATA", file=display, hint="rebuild it: skillwiki build"
            )
        )
        return None, []
    info = os.path.join(tmp, infos[0])
    metadata = _read_metadata(
        os.path.join(info, "METADATA"), _shown(tmp, os.path.join(info, "METADATA"), display), findings
    )
    if metadata is None:
        return None, []
    findings.extend(_dependency_findings(metadata))
    entry_points = [ep for ep in PathDistribution(Path(info)).entry_points if ep.group == ENTRY_POINT_GROUP]
    if not entry_points:
        findings.append(
            rules.NO_ENTRY_POINT.finding(
                f"{metadata.name} {metadata.version} has no entry point in the group '{ENTRY_POINT_GROUP}', so an "
                "install registers nothing",
                file=_shown(tmp, os.path.join(info, "entry_points.txt"), display),
                hint='declare it in pyproject.toml: [project.entry-points.skillwiki] my-domain = "my_package"',
            )
        )
        return metadata, []
    roots: list[str] = []
    for ep in entry_points:
        module_path = os.path.join(tmp, *ep.module.split("."))
        if os.path.isdir(module_path):
            search = module_path
        elif os.path.isfile(module_path + ".py"):
            search = os.path.dirname(module_path) if os.path.dirname(module_path) != tmp else tmp
        else:
            findings.append(
                rules.BUNDLE_NOT_PACKAGED.finding(
                    f"entry point '{ep.name}' names module '{ep.module}', which is not in the wheel",
                    file=_shown(tmp, os.path.join(info, "entry_points.txt"), display),
                    hint="fix the entry point, or include the package in the wheel",
                )
            )
            continue
        found = [root for root in find_bundles(search) if root not in roots]
        if not found:
            findings.append(
                rules.BUNDLE_NOT_PACKAGED.finding(
                    f"the wheel has no domain.yaml inside package '{ep.module}' (entry point '{ep.name}'): the bundle "
                    "files were not included",
                    file=_shown(tmp, search, display),
                    hint="include the bundle's .yaml and .md files as package data (hatchling: do not exclude them; "
                    "setuptools: package-data or MANIFEST.in), then rebuild",
                )
            )
        roots.extend(found)
    return metadata, roots


def _pyproject(path: str) -> dict[str, Any]:
    """An sdist's ``pyproject.toml``; empty when it has none or it does not parse."""
    from .config import ConfigError, load_toml

    try:
        return load_toml(path)
    except ConfigError:
        return {}


def _check_sdist(findings: list[Finding], tmp: str, display: str) -> tuple[_Metadata | None, list[str]]:
    """The packaging checks of an extracted sdist: its metadata and its bundles."""

    tops = sorted(name for name in os.listdir(tmp) if os.path.isdir(os.path.join(tmp, name)))
    top = os.path.join(tmp, tops[0]) if len(tops) == 1 else tmp
    metadata = None
    if os.path.isfile(os.path.join(top, "PKG-INFO")):
        metadata = _read_metadata(
            os.path.join(top, "PKG-INFO"), _shown(tmp, os.path.join(top, "PKG-INFO"), display), findings
        )
    else:
        findings.append(
            rules.METADATA_INVALID.finding(
                "the sdist has no PKG-INFO at its top folder",
                file=display,
                hint="build it with python -m build or skillwiki build",
            )
        )
    project = _pyproject(os.path.join(top, "pyproject.toml")).get("project", {})
    project = project if isinstance(project, dict) else {}
    if metadata is not None:
        dependencies = project.get("dependencies", [])
        findings.extend(
            _dependency_findings(
                metadata, [d for d in dependencies if isinstance(d, str)] if isinstance(dependencies, list) else []
            )
        )
        groups = project.get("entry-points", {})
        declared = isinstance(groups, dict) and bool(groups.get(ENTRY_POINT_GROUP))
        dynamic = "entry-points" in (project.get("dynamic") or [])
        if project and not declared and not dynamic:
            findings.append(
                rules.NO_ENTRY_POINT.finding(
                    f"{metadata.name} {metadata.version} declares no entry point in the group '{ENTRY_POINT_GROUP}' "
                    "in pyproject.toml",
                    file=_shown(tmp, os.path.join(top, "pyproject.toml"), display),
                    hint='declare it: [project.entry-points.skillwiki] my-domain = "my_package"',
                )
            )
    roots = find_bundles(top)
    if not roots:
        findings.append(
            rules.BUNDLE_NOT_PACKAGED.finding(
                "the sdist has no domain.yaml: the bundle files were not included",
                file=_shown(tmp, top, display),
                hint="include the bundle in the sdist (hatchling: [tool.hatch.build.targets.sdist]; setuptools: "
                "MANIFEST.in), then rebuild",
            )
        )
    return metadata, roots


@dataclass
class OpenedArchive:
    """A wheel or sdist extracted by :func:`opened_bundles`: its bundle roots, each
    with how its files are shown (``dist/x.whl!pkg/bundle``), the findings that kept
    it from being read, and the distribution's name and version from its metadata."""

    roots: list[tuple[str, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    name: str | None = None
    version: str | None = None


@contextlib.contextmanager
def opened_bundles(target: str) -> Iterator[OpenedArchive]:
    """The bundles of ``target`` (a wheel or sdist, checked and extracted as
    :func:`unpacked` does, into a temporary folder removed when the block ends), for
    a reader of their content rather than a judge of the packaging: the findings are
    only those that kept any bundle from being found."""
    with unpacked(target) as archive:
        metadata = archive.metadata
        yield OpenedArchive(
            roots=list(archive.bundles),
            findings=[] if archive.bundles else list(archive.findings),
            name=metadata.name if metadata is not None else None,
            version=metadata.version if metadata is not None else None,
        )
