"""What a catalog is made of: each SOURCE read, checked and turned into plain data.

A source is a bundle folder, a plugin project, a wheel, an sdist, a folder of
these, an installed domain or a release on a package index. Each is loaded and
checked with the same loader and checks as ``skillwiki validate`` (and the same
``[tool.skillwiki]`` settings); what passes becomes a *domain entry* (the card's
figures, every atom with its body), what fails a *rejection* with its findings.
Both are plain JSON-able data, so that a later build can take them back unchanged
from the previous catalog when the source's *fingerprint* is the same.

Nothing here prints, exits or starts a process.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..escapes import printable, printable_data
from ..model import Bundle, Finding, Report, Severity

__all__ = [
    "SourceResult",
    "choose",
    "domain_entry",
    "expand",
    "fingerprint_file",
    "fingerprint_folder",
    "read_archive",
    "read_folder",
    "read_installed",
    "rejection",
    "verdict_key",
]

ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".zip")


@dataclass
class SourceResult:
    """What one source gave: published domain entries and rejections.

    ``key`` names the source across builds (its absolute path, or the installed
    distribution, or the index file); ``fingerprint`` changes whenever anything that
    could change the result does. ``display`` and the entries are text that any
    encoding carries (a name that is not UTF-8 shown with its bytes escaped, see
    :func:`~skillwiki_sdk.escapes.printable`); ``key`` is the name as it is.
    """

    key: str
    display: str
    kind: str
    fingerprint: str
    domains: list[dict[str, Any]] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.display = printable(self.display)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "display": self.display,
            "kind": self.kind,
            "fingerprint": self.fingerprint,
            "rejections": self.rejections,
            "domains": [d["name"] for d in self.domains],
        }


def parts_digest(parts: Iterable[Any]) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(repr(part).encode("utf-8", "surrogatepass"))
        sha.update(b"\0")
    return sha.hexdigest()[:32]


def verdict_key(checks: Iterable[Any]) -> str:
    """What, besides a source's own files, decides its verdict and its data: this
    SDK's version and the checks that plugins contribute."""
    return parts_digest([__version__, *sorted(getattr(item, "name", repr(item)) for item in checks)])


# Folders never part of a source (as validation skips them when finding bundles).
_SKIP = {
    "build",
    "dist",
    "node_modules",
    "__pycache__",
    "site-packages",
    "venv",
    "env",
    "tests",
    "test",
    "docs",
    "examples",
}


def fingerprint_folder(path: str, extra: Iterable[Any] = ()) -> str:
    """A digest of every file's name, size and times under ``path`` (environments
    and build output skipped), and of its project's ``pyproject.toml``.

    A link is not walked, as validation walks no linked folder: its own times and
    those of what it points at are part of the digest (a loop, a link to ``/``).
    """
    from ..config import find_pyproject

    state: list[Any] = list(extra)
    root = os.path.abspath(path)
    cut = len(os.path.join(root, ""))
    pending = [root]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                if entry.is_symlink():
                    link = entry.stat(follow_symlinks=False)
                    state.append((entry.path[cut:], "link", link.st_mtime_ns, link.st_ino, *_target(entry.path)))
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if not name.startswith(".") and name not in _SKIP and not name.endswith(".egg-info"):
                        pending.append(entry.path)
                    continue
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            state.append((entry.path[cut:], info.st_size, info.st_mtime_ns, info.st_ino))
    pyproject = find_pyproject(root)
    if pyproject is not None:
        try:
            info = os.stat(pyproject)
            state.append((pyproject, info.st_size, info.st_mtime_ns))
        except OSError:
            pass
    return parts_digest(state)


def _target(path: str) -> tuple[Any, ...]:
    """What a link points at, as the fingerprint records it (a file it names that
    validation reads, edited, changes it)."""
    try:
        info = os.stat(path)
    except OSError as error:  # broken, or a loop
        return ("unreadable", error.errno)
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def fingerprint_file(path: str, extra: Iterable[Any] = ()) -> str:
    """A digest of an archive's path, size and modification time."""
    try:
        info = os.stat(path)
        state: tuple[Any, ...] = (os.path.abspath(path), info.st_size, info.st_mtime_ns)
    except OSError as error:
        state = (os.path.abspath(path), "unreadable", str(error))
    return parts_digest([*extra, state])


def expand(path: str) -> list[tuple[str, str]]:
    """(path, kind) of the sources a SOURCE argument names.

    A wheel or sdist is one source; a folder holding ``domain.yaml`` is a bundle; one
    holding ``pyproject.toml`` a plugin project; any other folder a folder of sources
    (its archives, bundles and projects, in name order; its folders searched in
    turn, but not one it links to: as validation, no linked folder is walked, so
    that a loop, ``/`` or ``/proc`` is not searched for ever). A path that does not
    exist is returned as ``missing``.
    """
    if not os.path.exists(path):
        return [(path, "missing")]
    if os.path.isfile(path):
        lowered = path.lower()
        if lowered.endswith(ARCHIVE_SUFFIXES):
            return [(path, "wheel" if lowered.endswith(".whl") else "sdist")]
        if os.path.basename(path) == "domain.yaml":
            return [(os.path.dirname(path) or ".", "bundle")]
        return [(path, "unknown")]
    if os.path.lexists(os.path.join(path, "domain.yaml")):
        return [(path, "bundle")]
    if os.path.isfile(os.path.join(path, "pyproject.toml")):
        return [(path, "project")]
    found: list[tuple[str, str]] = []
    listing = _listing(path)
    if listing is None:
        return [(path, "unreadable")]
    # each folder's entries in name order, a folder's sources in its place; a stack,
    # not a recursion: a deep tree is no RecursionError
    stack = [iter(listing)]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        name, child = entry.name, entry.path
        if name.lower().endswith(ARCHIVE_SUFFIXES) and os.path.isfile(child):
            found.extend(expand(child))
        elif name in _SKIP or not os.path.isdir(child):
            continue
        elif os.path.lexists(os.path.join(child, "domain.yaml")) or os.path.isfile(
            os.path.join(child, "pyproject.toml")
        ):
            found.extend(expand(child))  # (a link to a bundle or a project: one source, as if named)
        elif not entry.is_symlink():
            inner = _listing(child)
            if inner is None:
                found.append((child, "unreadable"))
            else:
                stack.append(iter(inner))
    return found


def _listing(path: str) -> list[os.DirEntry[str]] | None:
    """The entries of a folder but those whose name starts with a dot, by name (None:
    it cannot be read)."""
    try:
        with os.scandir(path) as entries:
            return sorted((entry for entry in entries if not entry.name.startswith(".")), key=lambda entry: entry.name)
    except OSError:
        return None


def _finding_dict(finding: Finding) -> dict[str, Any]:
    return finding.to_dict()


def rejection(
    source: str, kind: str, reason: str, findings: Iterable[Finding] = (), *, domain: str | None = None
) -> dict[str, Any]:
    """A source (or one bundle of it) left out of the catalog, as plain data (its
    names and findings :func:`~skillwiki_sdk.escapes.printable`)."""
    listed = sorted(findings, key=Finding.sort_key)
    shown: dict[str, Any] = printable_data(
        {
            "source": source,
            "kind": kind,
            "domain": domain,
            "reason": reason,
            "findings": [_finding_dict(f) for f in listed if f.severity is Severity.ERROR]
            + [_finding_dict(f) for f in listed if f.severity is not Severity.ERROR],
        }
    )
    return shown


def _read_body(path: str, display: str) -> str:
    """The Markdown body of the atom file at ``path`` ("" when it cannot be read)."""
    from ..loading import read_text, split_frontmatter

    text, _ = read_text(path, display)
    if text is None:
        return ""
    front, _ = split_frontmatter(text, display)
    return front.body.strip() if front is not None else ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def domain_entry(bundle: Bundle, origin: dict[str, Any], warnings: Iterable[Finding] = ()) -> dict[str, Any]:
    """A checked bundle as the catalog publishes it: the card's figures
    (:func:`skillwiki_sdk.card.figures`) and every atom with its figures and body.

    Every text in it is :func:`~skillwiki_sdk.escapes.printable`: a path or a file
    name in a finding that is not UTF-8 has its bytes escaped, as validate shows it
    (pages and JSON are UTF-8, which cannot carry them as they are)."""
    from ..card import excerpt, figures

    entry = figures(bundle)
    domain = bundle.domain
    if domain is None:  # every caller passes a bundle whose domain.yaml loaded
        raise ValueError(f"{bundle.root}: a bundle without a domain cannot be published")
    raw = domain.raw if isinstance(domain.raw, dict) else {}
    entry["license"] = _text(raw.get("license")) or None
    entry["homepage"] = _text(raw.get("homepage")) or None
    authors = raw.get("authors")
    names = (
        [a if isinstance(a, str) else a.get("name") if isinstance(a, dict) else None for a in authors]
        if isinstance(authors, list)
        else []
    )
    entry["authors"] = [name for name in names if isinstance(name, str)]
    atoms = []
    for atom in bundle.atoms_sorted():
        summary = atom.summary or ""
        atoms.append(
            {
                "id": atom.id,
                "kind": atom.kind or "",
                "title": atom.title,
                "summary": " ".join(summary.split()),
                "excerpt": excerpt(" ".join(summary.split())),
                "tags": list(atom.tags),
                "axes": {axis: list(values) for axis, values in atom.axes.items()},
                "quality": atom.quality,
                "related": list(atom.related),
                "sources": [{"title": _text(s.get("title")), "url": _text(s.get("url"))} for s in atom.sources],
                "body": _read_body(atom.source.path, atom.source.display),
            }
        )
    entry["atoms"] = atoms
    entry["origin"] = origin
    entry["warnings"] = [
        f.to_dict() for f in sorted(warnings, key=Finding.sort_key) if f.severity is not Severity.ERROR
    ]
    shown: dict[str, Any] = printable_data(entry)
    return shown


def _settings(path: str, known: Iterable[str]) -> Any:
    from ..config import load_settings

    return load_settings(path, known)


def _verdict(report: Report, path: str, known: list[str]) -> tuple[Report, str | None]:
    """``report`` under its project's settings, and why it fails (None: it passes)."""
    from ..config import ConfigError, apply_settings

    try:
        settings = _settings(path, known)
    except ConfigError as error:
        return report, f"its [tool.skillwiki] settings are wrong: {error}"
    report = apply_settings(report, settings)
    if report.failed():
        errors, warnings = report.errors, report.warnings
        if errors:
            return report, f"{errors} error{'s' if errors != 1 else ''} found by validation"
        return report, f"{warnings} warning{'s' if warnings != 1 else ''} found by validation (the project is strict)"
    return report, None


def read_folder(
    path: str, kind: str, manager: Any, checks: list[Any], known: list[str], fingerprint: str, jobs: int | None = 1
) -> SourceResult:
    """A bundle folder or a plugin project: each bundle in it checked on its own.
    ``fingerprint`` is :func:`fingerprint_folder` of it."""
    from ..validation import find_bundles, finish, load_bundle, validate_bundle

    result = SourceResult(os.path.abspath(path), path, kind, fingerprint)
    roots = find_bundles(path)
    if not roots:
        result.rejections.append(
            rejection(path, kind, "no bundle here: no domain.yaml in this folder or inside its packages")
        )
        return result
    for root in roots:
        bundle = load_bundle(root)
        report = Report(target=root)
        finish(report, bundle, validate_bundle(bundle, manager, checks=checks), manager)
        report, failure = _verdict(report, root, known)
        name = bundle.domain.name if bundle.domain is not None else None
        if failure is None and bundle.domain is not None and name:
            origin: dict[str, Any] = {"kind": kind, "source": root}
            distribution = _project_name(path) if kind == "project" else None
            if distribution:
                origin["distribution"] = distribution
            result.domains.append(domain_entry(bundle, origin, report.findings))
        else:
            result.rejections.append(
                rejection(root, kind, failure or "the bundle has no usable domain.yaml", report.findings, domain=name)
            )
    return result


def read_archive(
    path: str,
    kind: str,
    manager: Any,
    known: list[str],
    fingerprint: str,
    *,
    display: str | None = None,
    origin: dict[str, Any] | None = None,
    key: str | None = None,
    jobs: int | None = 1,
) -> SourceResult:
    """A wheel or an sdist, read in place (see :mod:`skillwiki_sdk.archives`): its
    bundles are published only when the whole archive validates. ``display``,
    ``origin`` and ``key`` name an archive fetched from elsewhere (an index)."""
    from ..validation import validate

    shown = display or path
    result = SourceResult(key or os.path.abspath(path), shown, kind, fingerprint)
    kept: list[tuple[Bundle, dict[str, Any]]] = []
    metadata: dict[str, Any] = dict(origin or {"kind": kind, "source": shown})

    def keep(bundle: Bundle, findings: list[Finding]) -> None:
        if bundle.domain is not None and bundle.domain.name and not any(f.severity is Severity.ERROR for f in findings):
            kept.append((bundle, domain_entry(bundle, metadata, findings)))  # bodies read while the files exist

    report = validate(path, manager=manager, keep=keep)
    if shown != path:
        for finding in report.findings:
            if finding.file and finding.file.startswith(path):
                finding.file = shown + finding.file[len(path) :]
    report, failure = _verdict(report, path, known) if not display else (report, _failure(report))
    if failure is not None:
        result.rejections.append(rejection(shown, kind, failure, report.findings))
        return result
    if not kept:
        result.rejections.append(rejection(shown, kind, "it holds no domain", report.findings))
        return result
    distribution = _distribution_of(path)
    for _, entry in kept:
        if distribution:
            entry["origin"].setdefault("distribution", distribution[0])
            entry["origin"].setdefault("version", distribution[1])
        result.domains.append(entry)
    return result


def _project_name(path: str) -> str | None:
    """The distribution name in a plugin project's ``pyproject.toml``, if it has one."""
    from ..config import ConfigError, load_toml

    try:
        data = load_toml(os.path.join(path, "pyproject.toml"))
    except ConfigError:
        return None
    project = data.get("project")  # (tomllib's document is always a table; its entries may be anything)
    name = project.get("name") if isinstance(project, dict) else None
    return name if isinstance(name, str) else None


def _failure(report: Report) -> str | None:
    if report.failed():
        errors = report.errors
        return f"{errors} error{'s' if errors != 1 else ''} found by validation"
    return None


def _distribution_of(path: str) -> tuple[str, str] | None:
    """(name, version) from an archive's file name, when it follows the standard form."""
    from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename

    name = os.path.basename(path)
    try:
        if name.lower().endswith(".whl"):
            dist, version, _, _ = parse_wheel_filename(name)
        else:
            dist, version = parse_sdist_filename(name)
    except (InvalidWheelFilename, InvalidSdistFilename, ValueError):
        return None
    return str(dist), str(version)


def read_installed(registry: Any, key_extra: str) -> list[SourceResult]:
    """The installed domains of ``registry`` (checked by discovery) and its problems."""
    results: list[SourceResult] = []
    for installed in registry:
        path = installed.path
        state = (
            fingerprint_folder(path, [key_extra, installed.distribution, installed.version])
            if os.path.isdir(path)
            else parts_digest([key_extra, installed.distribution, installed.version, path])
        )
        result = SourceResult(
            f"installed:{installed.distribution}:{installed.name}",
            f"{installed.distribution} {installed.version}",
            "installed",
            state,
        )
        origin = {
            "kind": "installed",
            "source": result.display,
            "distribution": installed.distribution,
            "version": installed.version,
        }
        result.domains.append(domain_entry(installed.bundle, origin, installed.findings))
        results.append(result)
    for problem in registry.problems:
        display = f"{problem.distribution} {problem.version}".strip()
        result = SourceResult(
            f"installed-problem:{problem.distribution}:{problem.entry_point}:{problem.stage}",
            display,
            "installed",
            parts_digest([key_extra, "problem", problem.distribution, problem.version, problem.reason]),
        )
        result.rejections.append(
            rejection(
                display,
                "installed",
                f"{problem.stage}: {problem.reason} ({problem.action})",
                getattr(problem, "findings", ()) or (),
                domain=problem.domain,
            )
        )
        results.append(result)
    return results


def choose(results: list[SourceResult]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The domains to publish (one per name: the highest version, then the first
    source given) and the entries left out as duplicates."""
    from packaging.version import InvalidVersion, Version

    def version(entry: dict[str, Any]) -> Any:
        try:
            return (1, Version(entry.get("version") or ""))
        except InvalidVersion:
            return (0, Version("0"))

    best: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    duplicates: list[dict[str, Any]] = []
    for result in results:
        for entry in result.domains:
            name = entry["name"]
            if name not in best:
                best[name] = entry
                order.append(name)
            elif version(entry) > version(best[name]):
                duplicates.append(_duplicate(best[name], entry))
                best[name] = entry
            else:
                duplicates.append(_duplicate(entry, best[name]))
    return [best[name] for name in sorted(order)], duplicates


def _duplicate(left_out: dict[str, Any], kept: dict[str, Any]) -> dict[str, Any]:
    return {
        "domain": left_out["name"],
        "version": left_out.get("version"),
        "source": left_out["origin"].get("source"),
        "reason": (
            f"domain {kept['name']} {kept.get('version')} is published from {kept['origin'].get('source')} instead"
        ),
    }
