"""Releases: what changed between two releases of a domain, and whether the
version bump covers it (``skillwiki compat NEW --against OLD``).

A release is opened from a bundle, a plugin project, a wheel, an sdist or
``index:SPEC`` (the newest matching release on the package index pip is configured
with, downloaded with its hash checked and read in place); the command line adds
``git:REF``. :func:`compare` turns the differences into findings (``SW6xx``), each
with a *class* and the bump it requires:

========== ========================================================= ================
class      what                                                      bump
========== ========================================================= ================
breaking   an atom removed or renamed, a kind changed, a tag, an axis major (minor
           or an axis value removed, the domain renamed              below 1.0)
retirement an atom removed that the release before deprecated        minor
addition   an atom, tag, axis, axis value or kind added; an atom     minor
           deprecated
edit       summary, body, title, quality, tags, axes, related,       patch
           sources, description, requires-sdk; a rename that keeps
           the old id as an alias
========== ========================================================= ================

NEW's version against OLD's (PEP 440) either covers the largest bump required or
does not (SW640). Files that are byte for byte the same in both releases are not
parsed: a release changes a few atoms, and comparing the others costs one read.
Nothing here prints, exits or starts a process.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import rules
from .errors import UsageError
from .model import Atom, Domain, Finding, Path, Report, Rule, Severity

__all__ = [
    "BUMPS",
    "CHANGE_CODES",
    "CLASSES",
    "Change",
    "CompatResult",
    "CompatSettings",
    "Release",
    "bump_between",
    "compare",
    "load_compat_settings",
    "open_release",
    "parse_ignores",
    "render_compat",
    "required_bump",
    "summary_line",
]

BUMPS = ("none", "patch", "minor", "major")
CLASSES = ("breaking", "retirement", "addition", "edit")

# code -> class of change
_CLASS: dict[str, str] = {}
for _rule, _class in (
    (rules.DOMAIN_RENAMED, "breaking"),
    (rules.ATOM_REMOVED, "breaking"),
    (rules.ATOM_RENAMED, "breaking"),
    (rules.KIND_CHANGED, "breaking"),
    (rules.TAG_REMOVED, "breaking"),
    (rules.AXIS_REMOVED, "breaking"),
    (rules.AXIS_VALUE_REMOVED, "breaking"),
    (rules.KIND_REMOVED, "breaking"),
    (rules.DEPRECATED_REMOVED, "retirement"),
    (rules.ATOM_ADDED, "addition"),
    (rules.TAG_ADDED, "addition"),
    (rules.AXIS_ADDED, "addition"),
    (rules.AXIS_VALUE_ADDED, "addition"),
    (rules.KIND_ADDED, "addition"),
    (rules.ATOM_DEPRECATED, "addition"),
    (rules.ATOM_ALIASED, "edit"),
    (rules.SUMMARY_CHANGED, "edit"),
    (rules.BODY_CHANGED, "edit"),
    (rules.TITLE_CHANGED, "edit"),
    (rules.QUALITY_CHANGED, "edit"),
    (rules.ATOM_TAGS_CHANGED, "edit"),
    (rules.ATOM_AXES_CHANGED, "edit"),
    (rules.RELATED_CHANGED, "edit"),
    (rules.SOURCES_CHANGED, "edit"),
    (rules.DESCRIPTION_CHANGED, "edit"),
    (rules.MANIFEST_CHANGED, "edit"),
    (rules.REQUIRES_SDK_NARROWED, "edit"),
    (rules.REQUIRES_SDK_CHANGED, "edit"),
):
    _CLASS[_rule.code] = _class
CHANGE_CODES = tuple(_CLASS)


def required_bump(change_class: str, old_major: int) -> str:
    """The bump a change of ``change_class`` needs when the old release's major
    version is ``old_major``: breaking needs major (minor below 1.0), retirement and
    addition minor, edit patch."""
    if change_class == "breaking":
        return "major" if old_major >= 1 else "minor"
    if change_class in ("retirement", "addition"):
        return "minor"
    return "patch"


def bump_between(old: Any, new: Any) -> str | None:
    """The bump from version ``old`` to ``new`` (:class:`packaging.version.Version`):
    ``major``, ``minor``, ``patch`` or ``none``; ``None`` when ``new`` is lower.

    The first three release numbers decide (a missing one is 0; a new epoch is a
    major bump); a pre-, post- or dev-release of the same numbers counts as a patch.
    """
    if new < old:
        return None
    if new == old:
        return "none"
    if new.epoch != old.epoch:
        return "major"
    o = (tuple(old.release) + (0, 0, 0))[:3]
    n = (tuple(new.release) + (0, 0, 0))[:3]
    if n[0] != o[0]:
        return "major"
    if n[1] != o[1]:
        return "minor"
    return "patch"


@dataclass
class Change:
    """One finding of compat with its class (``breaking``, ``retirement``,
    ``addition``, ``edit``; ``None`` for a problem reading a release or the verdict),
    the bump it requires and its subject (an atom id, a tag, ``axis=value``, ...)."""

    finding: Finding
    change_class: str | None
    bump: str | None
    subject: str

    def to_dict(self) -> dict[str, Any]:
        from .report import split_archive

        data = self.finding.to_dict()
        data["archive"], data["member"] = split_archive(data["file"])
        data["class"] = self.change_class
        data["bump"] = self.bump
        data["subject"] = self.subject
        return data


@dataclass
class Release:
    """A release opened for comparison: where its bundle is on disk (while open),
    how its files are shown, its manifest, and what kept it from being read."""

    spec: str
    label: str
    root: str | None = None
    display: str = ""
    domain: Domain | None = None
    findings: list[Finding] = field(default_factory=list)
    distribution: str | None = None
    # index: the index was read and has no matching release (a first release)
    missing: bool = False

    @property
    def name(self) -> str | None:
        return self.domain.name if self.domain else None

    @property
    def version(self) -> str | None:
        return self.domain.version if self.domain else None

    def summary(self) -> dict[str, Any]:
        return {"release": self.spec, "label": self.label, "domain": self.name, "version": self.version}


@dataclass
class CompatResult:
    """What :func:`compare` found: the changes (findings with class and bump), those
    ignored by settings, the bump required and the bump made, and the verdict."""

    old: dict[str, Any]
    new: dict[str, Any]
    changes: list[Change] = field(default_factory=list)
    ignored: list[Change] = field(default_factory=list)
    required_bump: str = "none"
    actual_bump: str | None = None
    # the baseline was looked up on an index that has no matching release
    baseline_missing: bool = False

    @property
    def findings(self) -> list[Finding]:
        return [change.finding for change in self.changes]

    @property
    def ok(self) -> bool:
        """True when every release was read and the bump covers every change."""
        return not any(change.finding.severity is Severity.ERROR for change in self.changes)

    def count(self, change_class: str) -> int:
        return sum(1 for change in self.changes if change.change_class == change_class)

    def to_dict(self) -> dict[str, Any]:
        from . import __version__

        return {
            "version": 1,
            "tool": {"name": "skillwiki", "version": __version__},
            "old": self.old,
            "new": self.new,
            "required_bump": self.required_bump,
            "actual_bump": self.actual_bump,
            "ok": self.ok,
            "summary": {
                **{name: self.count(name) for name in CLASSES},
                "errors": sum(1 for c in self.changes if c.finding.severity is Severity.ERROR),
                "warnings": sum(1 for c in self.changes if c.finding.severity is Severity.WARNING),
                "ignored": len(self.ignored),
            },
            "findings": [change.to_dict() for change in self.changes],
            "ignored": [change.to_dict() for change in self.ignored],
        }


# --- settings -------------------------------------------------------------------

COMPAT_KEYS = ("ignore", "against")
_NOT_IGNORABLE = {rules.COMPAT_UNREADABLE.code, rules.BUMP_TOO_SMALL.code, rules.VERSION_UNUSABLE.code}


@dataclass(frozen=True)
class CompatSettings:
    """``[tool.skillwiki.compat]``: ``ignore`` (``"CODE:subject"`` entries, one finding
    each) and ``against`` (the default baseline, e.g. ``"index:"``)."""

    ignore: tuple[tuple[str, str], ...] = ()
    against: str | None = None
    source: str | None = None


def parse_ignores(values: Iterable[Any], where: str) -> tuple[tuple[str, str], ...]:
    """``("SW602", "old-atom")`` pairs from ``"SW602:old-atom"`` entries; a bare code,
    a code that is no change, or the verdict's code is a :class:`UsageError`."""
    out: list[tuple[str, str]] = []
    for item in values:
        if not isinstance(item, str) or ":" not in item:
            raise UsageError(
                f'{where}: {item!r} must be "CODE:subject", like "SW602:old-atom-id" (one finding, never a whole class)'
            )
        code, _, subject = item.partition(":")
        code, subject = code.strip().upper(), subject.strip()
        if code in _NOT_IGNORABLE:
            raise UsageError(f"{where}: {code} cannot be ignored: it is the verdict or a release that cannot be read")
        if code not in _CLASS:
            raise UsageError(f"{where}: {code!r} is not a compat change code (SW601-SW631; run 'skillwiki rules')")
        if not subject:
            raise UsageError(f"{where}: {item!r} names no subject (an atom id, a tag, axis=value)")
        out.append((code, subject))
    return tuple(out)


def load_compat_settings(path: str | os.PathLike[str]) -> CompatSettings:
    """``[tool.skillwiki.compat]`` of the project holding ``path`` (defaults when
    there is none); a wrong key or value is a :class:`UsageError`."""
    from .config import find_pyproject, settings_table

    pyproject = find_pyproject(path)
    if pyproject is None:
        return CompatSettings()
    table, where = settings_table(pyproject, COMPAT_KEYS, "compat")
    if table is None:
        return CompatSettings(source=pyproject)
    ignore = table.get("ignore", [])
    if not isinstance(ignore, list):
        raise UsageError(f'{where}: ignore must be a list of "CODE:subject" entries')
    against = table.get("against")
    if against is not None and (not isinstance(against, str) or not against.strip()):
        raise UsageError(f'{where}: against must be a baseline such as "index:" or "git:v1.0.0"')
    return CompatSettings(parse_ignores(ignore, f"{where} ignore"), against, pyproject)


# --- opening a release ----------------------------------------------------------


def _distribution_of(path: str) -> str | None:
    """The ``[project] name`` of the project holding ``path``, if any."""
    from .config import ConfigError, find_pyproject, load_toml

    pyproject = find_pyproject(path)
    if pyproject is None:
        return None
    try:
        project = load_toml(pyproject).get("project", {})
    except ConfigError:
        return None
    name = project.get("name") if isinstance(project, dict) else None
    return name if isinstance(name, str) else None


def _unreadable(release: Release, message: str, hint: str | None = None, file: str | None = None) -> None:
    release.findings.append(
        rules.COMPAT_UNREADABLE.finding(message, file=file or release.display or release.spec, hint=hint)
    )


def _open_root(release: Release, roots: Sequence[tuple[str, str]]) -> None:
    """Take the one bundle of ``roots`` and load its manifest into ``release``."""
    from .validation import load_domain

    if not roots:
        _unreadable(
            release,
            "no bundle (domain.yaml) found in this release",
            "point at the bundle folder, the plugin project, a wheel or an sdist",
        )
        return
    if len(roots) > 1:
        listed = ", ".join(display for _, display in roots)
        _unreadable(
            release, f"{len(roots)} bundles found ({listed}); compat compares one domain", "point at one bundle folder"
        )
        return
    release.root, release.display = roots[0]
    domain, findings = load_domain(release.root, display=release.display)
    if domain is None:
        release.findings.extend(f for f in findings if f.severity is Severity.ERROR)
        _unreadable(
            release,
            f"the domain.yaml of {release.label} cannot be read, so there is nothing to compare",
            file=f"{release.display}/domain.yaml",
        )
        return
    release.domain = domain
    # a manifest that loads but breaks the schema is compared as far as it can be,
    # and its errors say why the comparison may be off
    release.findings.extend(f for f in findings if f.severity is Severity.ERROR)


@contextlib.contextmanager
def open_release(
    spec: str,
    *,
    display: str | None = None,
    label: str | None = None,
    default_project: str | None = None,
    index_urls: Sequence[str] | None = None,
) -> Iterator[Release]:
    """Open a release for :func:`compare`: a bundle folder, a plugin project, a wheel,
    an sdist, or ``index:SPEC``; what is extracted or downloaded is removed when the
    block ends. Problems are findings of the release (SW600 and the loader's), never
    exceptions, except a SPEC that is not a requirement (:class:`UsageError`).

    ``display`` replaces the path shown for its files; ``default_project`` is the
    distribution ``index:`` looks up when SPEC names none (``index:`` or
    ``index:<2``); ``index_urls`` default to pip's (:func:`~skillwiki_sdk.index.configured_index_urls`).
    """
    if spec.startswith("index:"):
        with _open_index(spec, default_project, index_urls) as release:
            yield release
        return
    from .archives import opened_bundles
    from .loading import is_archive
    from .validation import find_bundles

    release = Release(spec=spec, label=label or spec, display=display or spec)
    if is_archive(spec):
        with opened_bundles(spec) as opened:
            release.findings.extend(opened.findings)
            release.distribution = opened.name
            if not opened.findings:
                roots = opened.roots
                if display is not None:
                    roots = [(root, _join(display, shown[len(spec) :])) for root, shown in roots]
                _open_root(release, roots)
            yield release
        return
    if not os.path.exists(spec):
        _unreadable(
            release,
            "no such file or folder",
            "give a bundle, a plugin project, a wheel, an sdist, git:REF or index:SPEC",
        )
        yield release
        return
    if not os.path.isdir(spec):
        _unreadable(release, "not a folder, a wheel (.whl) nor an sdist (.tar.gz, .zip)")
        yield release
        return
    shown = display if display is not None else (spec[2:] if spec.startswith("./") else spec)
    roots = [(root, _join(shown, root[len(spec) :])) for root in find_bundles(spec)]
    release.distribution = _distribution_of(spec)
    _open_root(release, roots)
    yield release


def _join(shown: str, rest: str) -> str:
    """``shown`` (how a release's folder is shown) followed by the path ``rest``."""
    if rest.startswith("!"):  # a member of an archive
        return shown + rest
    rest = rest.replace(os.sep, "/").lstrip("/")
    if shown.endswith((":", "!")):
        return shown + (rest or ".")
    if shown in ("", "."):
        return rest or "."
    return f"{shown}/{rest}" if rest else shown


_OPERATOR = re.compile(r"^\s*(?:[<>=!~]|$)")


@contextlib.contextmanager
def _open_index(spec: str, default_project: str | None, index_urls: Sequence[str] | None) -> Iterator[Release]:
    import shutil

    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    from .index import IndexFile, PackageIndex, PackageIndexError, configured_index_urls, newest_file, redact_url

    text = spec[len("index:") :].strip()
    release = Release(spec=spec, label=spec, display=spec)
    try:
        if _OPERATOR.match(text):
            if not default_project:
                raise UsageError(
                    f"{spec}: name the distribution (index:skillwiki-NAME), the new release does not say it"
                )
            project, specifier = default_project, SpecifierSet(text)
        else:
            requirement = Requirement(text)
            project, specifier = requirement.name, requirement.specifier
    except (InvalidRequirement, InvalidSpecifier) as error:
        raise UsageError(
            f"{spec}: not a distribution name with a version specifier, like index:skillwiki-foo<2 ({error})"
        ) from error
    except ValueError as error:  # (older packaging reads the numbers at once: int() refuses over 4300 digits)
        raise UsageError(f"{_cut(spec)}: a version in the specifier has more digits than Python reads") from error
    if _specifier_set(str(specifier)) is None:
        raise UsageError(f"{_cut(spec)}: a version in the specifier has more digits than Python reads")
    urls = list(index_urls) if index_urls is not None else configured_index_urls()
    shown_urls = ", ".join(redact_url(url) for url in urls)
    files: list[tuple[PackageIndex, IndexFile]] = []
    errors: list[PackageIndexError] = []
    for url in urls:
        try:
            files.extend((PackageIndex(url), file) for file in PackageIndex(url).files(project))
        except PackageIndexError as error:
            errors.append(error)
    chosen = newest_file([file for _, file in files], specifier)
    wanted = f"{project}{specifier}" if str(specifier) else project
    if chosen is None:
        if errors and not files:
            _unreadable(
                release,
                f"the package index cannot be read: {errors[0]}",
                "check the index URL (pip config list, PIP_INDEX_URL) and that it is up",
            )
        else:
            release.missing = not errors
            reason = "; ".join(str(e) for e in errors)
            _unreadable(
                release,
                f"no release of {wanted} on {shown_urls} (yanked and pre-releases count only when the specifier names "
                "them)" + (f"; also: {reason}" if reason else ""),
                "a first release has no baseline: drop --against; else check the name and the specifier",
            )
        yield release
        return
    client = next(index for index, file in files if file is chosen)
    release.distribution = project
    release.label = f"{spec} ({chosen.filename})"
    try:
        path = client.download(chosen)
    except PackageIndexError as error:
        _unreadable(
            release,
            f"{chosen.filename} cannot be downloaded: {error}",
            "try again; if the hash does not match, the index serves a damaged or altered file",
        )
        yield release
        return
    try:
        with open_release(str(path), display=chosen.filename, label=release.label) as opened:
            opened.spec = spec
            opened.distribution = project
            yield opened
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


# --- comparing --------------------------------------------------------------------


def _read(path: str) -> bytes | None:
    from .loading import LIMITS, read_regular

    try:
        data = read_regular(path, LIMITS.file_bytes + 1)
    except OSError:
        return None
    return data if len(data) <= LIMITS.file_bytes else None


def _prepare(path: str, display: str) -> tuple[Any, list[Finding]]:
    """An atom file read and split as the loader does: (frontmatter or None, findings)."""
    from .loading import read_text, split_frontmatter

    text, findings = read_text(path, display)
    if text is None:
        return None, findings
    return split_frontmatter(text, display)


def _parse(
    front: Any, problems: list[Finding], path: str, display: str, stem: str
) -> tuple[Atom | None, list[Finding], Any]:
    """The atom of a split file (as :func:`~skillwiki_sdk.validation.load_atom` makes
    it, without the schema check: compat needs the typed fields, and the schema's
    findings are validate's), the findings that kept it from loading, and its body's
    digest, first line and the frontmatter's text."""
    from .loading import load_yaml
    from .model import Source

    if front is None:
        return None, problems, None
    source = Source(display, display if path == display else path, offset=1)
    document = load_yaml(front.yaml, source)
    if not document.ok:
        return None, list(document.findings), None
    body = front.body.strip()
    atom = Atom.from_raw(
        document.data, source, stem, body_chars=len(body), body_line=front.closing_line + (1 if front.body else 0)
    )
    blank = len(front.body) - len(front.body.lstrip())
    start = front.closing_line + 1 + front.body.count("\n", 0, blank)
    return atom, [], (hashlib.blake2b(body.encode("utf-8"), digest_size=16).digest(), start, front.yaml)


def _same_bytes(path: str, other: str) -> bool:
    try:
        if os.stat(path).st_size != os.stat(other).st_size:
            return False
    except OSError:
        return False
    data = _read(path)
    return data is not None and data == _read(other)


def _load_item(path: str, display: str, stem: str, old_path: str | None, old_display: str | None) -> tuple[Any, ...]:
    """One atom file of a release, with OLD's file at the same place if there is one;
    run in the loader's worker processes. ``("same",)`` when the two are equal byte for
    byte (nothing parsed); ``("shared", atom, findings, digest, old_digest)`` when only
    their bodies differ (the frontmatter parsed once); else ``("one", ...)`` or
    ``("pair", new..., old...)``."""
    if old_path is None:
        return ("one", *_parse(*_prepare(path, display), path, display, stem))
    if _same_bytes(path, old_path):
        return ("same",)
    front, problems = _prepare(path, display)
    old_front, old_problems = _prepare(old_path, old_display or old_path)
    if front is not None and old_front is not None and front.yaml == old_front.yaml:
        atom, findings, digest = _parse(front, problems, path, display, stem)
        old_digest = _parse_body(old_front)
        return ("shared", atom, findings, digest, old_digest)
    return (
        "pair",
        *_parse(front, problems, path, display, stem),
        *_parse(old_front, old_problems, old_path, old_display or old_path, stem),
    )


def _parse_body(front: Any) -> Any:
    body = front.body.strip()
    return (hashlib.blake2b(body.encode("utf-8"), digest_size=16).digest(), 0, front.yaml)


@dataclass
class _Side:
    """The atoms of one release that compat looks at: those in files that differ
    from the other release's (loaded), and the ids of the others (file stems)."""

    release: Release
    atoms: dict[str, Atom] = field(default_factory=dict)
    digests: dict[str, bytes | None] = field(default_factory=dict)  # atom id -> body digest
    body_lines: dict[str, int] = field(default_factory=dict)  # atom id -> first line of the body
    fronts: dict[str, str] = field(default_factory=dict)  # shown file -> its frontmatter text
    same_ids: set[str] = field(default_factory=set)
    problems: list[Finding] = field(default_factory=list)

    def ids(self) -> set[str]:
        return set(self.atoms) | self.same_ids

    def add(self, atom: Atom | None, findings: list[Finding], digest: Any, shown: str, stem: str) -> bool:
        """Take one loaded atom (or the findings of one that did not load)."""
        if atom is None:
            # not comparable: what is wrong with it is the loader's finding
            self.problems.extend(f for f in findings if f.severity is Severity.ERROR)
            self.same_ids.add(stem)  # unknown content: neither removed nor added
            return False
        if atom.id in self.atoms or atom.id in self.same_ids:
            return False  # a duplicate id: validate says so (SW205)
        self.atoms[atom.id] = atom
        self.digests[atom.id] = digest[0] if digest else None
        if digest:
            self.body_lines[atom.id] = digest[1]
            self.fronts[shown] = digest[2]
        return True


def _sides(old: Release, new: Release, map: Any) -> tuple[_Side, _Side]:
    from .validation import atom_files, load_atoms

    sides = (_Side(old), _Side(new))
    listed = []
    for side in sides:
        files, _ = atom_files(side.release.root or "", display=side.release.display)
        cut = len(os.path.join(side.release.root or "", ""))
        listed.append({path[cut:]: (path, shown, stem) for path, shown, stem in files})
    old_files, new_files = listed
    items: list[tuple[Any, ...]] = []
    for relative, (path, shown, stem) in new_files.items():
        other = old_files.get(relative)
        items.append((path, shown, stem, other[0], other[1]) if other else (path, shown, stem, None, None))
    old_only = [
        (path, shown, stem, None, None)
        for relative, (path, shown, stem) in old_files.items()
        if relative not in new_files
    ]
    # one call for both releases: one pool of workers when the work is large, and the
    # reading, comparing and parsing of each file happen there
    results = load_atoms(items + old_only, map, loader=_load_item)
    old_side, new_side = sides
    for (_path, shown, stem, old_path, old_shown), outcome in zip(items + old_only, results, strict=True):
        if outcome[0] == "same":
            old_side.same_ids.add(stem)
            new_side.same_ids.add(stem)
        elif outcome[0] == "shared":
            _, atom, findings, digest, old_digest = outcome
            if atom is None:  # as broken in OLD: validate's business, not a change
                old_side.same_ids.add(stem)
                new_side.same_ids.add(stem)
            elif new_side.add(atom, findings, digest, shown, stem) and atom.id not in old_side.atoms:
                old_side.add(atom, [], old_digest, old_shown or shown, stem)
        elif outcome[0] == "pair":
            new_side.add(outcome[1], outcome[2], outcome[3], shown, stem)
            old_side.add(outcome[4], outcome[5], outcome[6], old_shown or old_path or shown, stem)
    # results go on with those of old_only: only the first len(items) are paired
    for (_path, shown, stem, _, _), outcome in zip(items, results, strict=False):
        if outcome[0] == "one":
            new_side.add(outcome[1], outcome[2], outcome[3], shown, stem)
    for (_path, shown, stem, _, _), outcome in zip(old_only, results[len(items) :], strict=True):
        old_side.add(outcome[1], outcome[2], outcome[3], shown, stem)
    return sides


_TOP_KEY = re.compile(r"^([A-Za-z0-9_-]+)[ \t]*:", re.M)


class _Collector:
    """Changes as they are found, each with its class and subject."""

    def __init__(self, fronts: Mapping[str, str] | None = None) -> None:
        self.changes: list[Change] = []
        self.fronts = fronts or {}
        self._keys: dict[str, dict[str, int]] = {}

    def _key_line(self, display: str, key: Any) -> int | None:
        """The line of a top-level key of an atom's frontmatter, found by a scan of
        its lines: composing the YAML for each of thousands of findings costs more
        than comparing the releases."""
        text = self.fronts.get(display)
        if text is None:
            return None
        keys = self._keys.get(display)
        if keys is None:
            keys = self._keys[display] = {}
            for match in _TOP_KEY.finditer(text):
                keys.setdefault(match.group(1), text.count("\n", 0, match.start()) + 2)  # after the opening ---
        return keys.get(str(key))

    def add(
        self,
        rule: Rule,
        subject: str,
        message: str,
        *,
        file: Any,
        path: Path = (),
        key: bool = False,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        # a top-level key is pointed at by its key: a list or mapping in block style
        # starts on the line after it
        if line is None and len(path) == 1 and hasattr(file, "display"):
            line = self._key_line(file.display, path[0])
        finding = rule.finding(
            message,
            file=file,
            path=path if line is None else None,
            key=key or len(path) == 1,
            line=line,
            column=1 if line is not None and len(path) == 1 else None,
            hint=hint,
        )
        self.changes.append(Change(finding, _CLASS[rule.code], None, subject))


def _words(items: Iterable[str]) -> str:
    return ", ".join(f"'{item}'" for item in items)


def _compare_domains(old: Domain, new: Domain, out: _Collector) -> None:
    name = new.name or "?"
    if old.name != new.name:
        out.add(
            rules.DOMAIN_RENAMED,
            old.name or "?",
            f"the domain was renamed from '{old.name}' to '{new.name}': every @{old.name}/id link and every install "
            "by name breaks",
            file=new.source,
            path=("name",),
            hint="keep the name; publish a new domain beside the old one instead",
        )
    old_tags, new_tags = (
        (list(old.tags or ()), list(new.tags or ())) if old.tags is not None and new.tags is not None else ([], [])
    )
    kept = set(new_tags)
    for index, tag in enumerate(old_tags):
        if tag not in kept:
            out.add(
                rules.TAG_REMOVED,
                tag,
                f"tag '{tag}' was removed from the vocabulary: briefs with it no longer signal '{name}'",
                file=old.source,
                path=("tags", index),
                hint="keep the tag (a tag no atom uses is only a warning, SW110), or bump the major version",
            )
    before = set(old_tags)
    for index, tag in enumerate(new_tags):
        if tag not in before:
            out.add(
                rules.TAG_ADDED, tag, f"tag '{tag}' was added to the vocabulary", file=new.source, path=("tags", index)
            )
    old_axes, new_axes = (old.axes, new.axes) if old.axes is not None and new.axes is not None else ({}, {})
    for axis_id, axis in old_axes.items():
        if axis_id not in new_axes:
            out.add(
                rules.AXIS_REMOVED,
                axis_id,
                f"axis '{axis_id}' was removed: retrieval that scores on it breaks",
                file=old.source,
                path=("axes", axis_id),
                key=True,
                hint="keep the axis, or bump the major version",
            )
            continue
        new_axis = new_axes[axis_id]
        values = set(new_axis.values)
        for index, value in enumerate(axis.values):
            if value not in values:
                out.add(
                    rules.AXIS_VALUE_REMOVED,
                    f"{axis_id}={value}",
                    f"value '{value}' was removed from axis '{axis_id}'",
                    file=old.source,
                    path=("axes", axis_id, "values", index),
                    hint="keep the value, or bump the major version",
                )
        old_values = set(axis.values)
        for index, value in enumerate(new_axis.values):
            if value not in old_values:
                out.add(
                    rules.AXIS_VALUE_ADDED,
                    f"{axis_id}={value}",
                    f"value '{value}' was added to axis '{axis_id}'",
                    file=new.source,
                    path=("axes", axis_id, "values", index),
                )
        if " ".join(axis.description.split()) != " ".join(new_axis.description.split()):
            out.add(
                rules.MANIFEST_CHANGED,
                f"axes.{axis_id}.description",
                f"the description of axis '{axis_id}' changed",
                file=new.source,
                path=("axes", axis_id, "description"),
            )
    for axis_id in new_axes:
        if axis_id not in old_axes:
            out.add(
                rules.AXIS_ADDED,
                axis_id,
                f"axis '{axis_id}' was added",
                file=new.source,
                path=("axes", axis_id),
                key=True,
            )
    new_kinds = set(new.kinds)
    for index, kind in enumerate(old.kinds):
        if kind not in new_kinds:
            where: dict[str, Any] = (
                {"file": old.source, "path": ("kinds", index)}
                if "kinds" in old.raw
                else {"file": new.source, "path": ("kinds",), "key": True}
            )
            out.add(
                rules.KIND_REMOVED,
                kind,
                f"kind '{kind}' was removed from the domain's kinds",
                hint="keep the kind, or bump the major version",
                **where,
            )
    old_kinds = set(old.kinds)
    for index, kind in enumerate(new.kinds):
        if kind not in old_kinds:
            out.add(
                rules.KIND_ADDED,
                kind,
                f"kind '{kind}' was added to the domain's kinds",
                file=new.source,
                path=("kinds", index) if "kinds" in new.raw else (),
            )
    if " ".join((old.description or "").split()) != " ".join((new.description or "").split()):
        out.add(
            rules.DESCRIPTION_CHANGED, name, "the domain's description changed", file=new.source, path=("description",)
        )
    for key in ("title", "authors", "license", "homepage"):
        if old.raw.get(key) != new.raw.get(key):
            where = {"file": new.source, "path": (key,)} if key in new.raw else {"file": old.source, "path": (key,)}
            out.add(
                rules.MANIFEST_CHANGED,
                key,
                f"'{key}' of domain.yaml changed"
                if key in new.raw and key in old.raw
                else f"'{key}' of domain.yaml was {'added' if key in new.raw else 'removed'}",
                **where,
            )
    if (old.requires_sdk or "") != (new.requires_sdk or ""):
        was, now = old.requires_sdk or "", new.requires_sdk or ""
        changed = f"requires-sdk changed from '{_cut(was)}' to '{_cut(now)}'"
        unreadable = [text for text in (now, was) if _specifier_set(text) is None]
        narrowed = None if unreadable else _narrowed(was, now)
        if narrowed is not None:
            out.add(
                rules.REQUIRES_SDK_NARROWED,
                "requires-sdk",
                f"requires-sdk narrowed from '{_cut(was)}' to '{_cut(now)}': skillwiki-sdk {narrowed} "
                "was accepted and is not any more",
                file=new.source,
                path=("requires-sdk",),
                hint="users on the SDK versions left out keep the older release",
            )
        elif unreadable:  # (validate says SW107)
            out.add(
                rules.REQUIRES_SDK_CHANGED,
                "requires-sdk",
                f"{changed}; '{_cut(unreadable[0])}' is not a PEP 440 specifier set, so which SDK versions each "
                "accepts cannot be compared",
                file=new.source,
                path=("requires-sdk",),
            )
        else:
            out.add(
                rules.REQUIRES_SDK_CHANGED,
                "requires-sdk",
                f"{changed} and accepts every SDK version it did",
                file=new.source,
                path=("requires-sdk",),
            )


def _cut(text: str, width: int = 60) -> str:
    """``text`` cut to ``width`` characters for a message (as validate cuts a version)."""
    return text if len(text) <= width else text[: width - 3] + "..."


def _cut_repr(text: str | None) -> str:
    return repr(text if text is None else _cut(text))


def _specifier_set(text: str) -> Any:
    """``text`` as a :class:`~packaging.specifiers.SpecifierSet` whose versions
    Python can read, or ``None``: a version of more digits than ``int`` reads (4300)
    parses as a specifier but raises ``ValueError`` when it is compared, and a
    comparison with one clause at a time reaches every clause's version."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    try:
        specifier = SpecifierSet(text)
        for clause in specifier:
            clause.contains(Version("0"), prereleases=True)
    except ValueError:  # InvalidSpecifier, or the digits
        return None
    return specifier


def _narrowed(old: str, new: str) -> str | None:
    """A skillwiki-sdk version that ``old`` accepts and ``new`` does not, found
    among the versions either specifier names and their neighbours; or None."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    try:
        before, after = SpecifierSet(old), SpecifierSet(new)
    except InvalidSpecifier:
        return None  # SW107 says the specifier is not PEP 440
    candidates: set[Version] = set()
    for spec in list(before) + list(after):
        try:
            version = Version(spec.version.rstrip(".*").rstrip("."))
        except ValueError:  # InvalidVersion, or more digits than Python reads
            continue
        release = (tuple(version.release) + (0, 0, 0))[:3]
        for index in range(3):
            for delta in (-1, 0, 1):
                parts = list(release)
                parts[index] = max(0, parts[index] + delta)
                for tail in range(index + 1, 3):
                    parts[tail] = 0 if delta else parts[tail]
                try:
                    candidates.add(Version(".".join(map(str, parts))))
                except ValueError:  # a neighbour one digit past what Python reads
                    continue
    from . import __version__

    candidates.update(Version(v) for v in (__version__, "0.1.0", "0.2.0", "1.0.0", "2.0.0"))
    for version in sorted(candidates):
        if before.contains(version, prereleases=True) and not after.contains(version, prereleases=True):
            return str(version)
    return None


def _compare_atoms(
    old_atom: Atom,
    new_atom: Atom,
    old_digest: bytes | None,
    new_digest: bytes | None,
    out: _Collector,
    subject: str,
    body_line: int | None = None,
) -> None:
    at = new_atom.source
    if old_atom.kind != new_atom.kind:
        out.add(
            rules.KIND_CHANGED,
            subject,
            f"atom '{subject}' changed kind from '{old_atom.kind}' to '{new_atom.kind}'",
            file=at,
            path=("kind",),
            hint="keep the kind; add a new atom of the other kind instead, or bump the major version",
        )
    if old_atom.summary != new_atom.summary:
        out.add(rules.SUMMARY_CHANGED, subject, f"the summary of atom '{subject}' changed", file=at, path=("summary",))
    if old_digest != new_digest:
        out.add(
            rules.BODY_CHANGED,
            subject,
            f"the body of atom '{subject}' changed",
            file=at,
            line=body_line or new_atom.body_line or None,
            path=("id",),
        )
    if old_atom.title != new_atom.title:
        out.add(
            rules.TITLE_CHANGED,
            subject,
            f"the title of atom '{subject}' changed from '{old_atom.title}' to '{new_atom.title}'",
            file=at,
            path=("title",) if new_atom.title_given is not None else ("id",),
        )
    if old_atom.quality != new_atom.quality:
        out.add(
            rules.QUALITY_CHANGED,
            subject,
            f"the quality of atom '{subject}' changed from {old_atom.quality} to {new_atom.quality}",
            file=at,
            path=("quality",) if new_atom.quality is not None else ("id",),
        )
    for rule, key, before, after in (
        (rules.ATOM_TAGS_CHANGED, "tags", old_atom.tags, new_atom.tags),
        (rules.RELATED_CHANGED, "related", old_atom.related, new_atom.related),
    ):
        if set(before) != set(after):
            gone = [item for item in before if item not in set(after)]
            came = [item for item in after if item not in set(before)]
            detail = "; ".join(
                part
                for part in (f"added {_words(came)}" if came else "", f"removed {_words(gone)}" if gone else "")
                if part
            )
            out.add(
                rule,
                subject,
                f"the {key} of atom '{subject}' changed: {detail}",
                file=at,
                path=(key,) if after else ("id",),
            )
    if {k: set(v) for k, v in old_atom.axes.items()} != {k: set(v) for k, v in new_atom.axes.items()}:
        out.add(
            rules.ATOM_AXES_CHANGED,
            subject,
            f"the axis values of atom '{subject}' changed",
            file=at,
            path=("axes",) if new_atom.axes else ("id",),
        )
    if list(old_atom.sources) != list(new_atom.sources):
        out.add(
            rules.SOURCES_CHANGED,
            subject,
            f"the sources of atom '{subject}' changed",
            file=at,
            path=("sources",) if new_atom.sources else ("id",),
        )
    if new_atom.deprecated is not None and old_atom.deprecated is None:
        out.add(
            rules.ATOM_DEPRECATED,
            subject,
            f"atom '{subject}' is deprecated: {new_atom.deprecated}",
            file=at,
            path=("deprecated",),
            hint="the next release may remove it with a minor bump",
        )
    elif old_atom.deprecated != new_atom.deprecated:
        what = "is no longer deprecated" if new_atom.deprecated is None else "has a new deprecation notice"
        out.add(
            rules.MANIFEST_CHANGED,
            subject,
            f"atom '{subject}' {what}",
            file=at,
            path=("deprecated",) if new_atom.deprecated is not None else ("id",),
        )
    kept_aliases = set(new_atom.aliases) | {new_atom.id}
    for index, alias in enumerate(old_atom.aliases):
        if alias not in kept_aliases:
            out.add(
                rules.ATOM_REMOVED,
                alias,
                f"alias '{alias}' of atom '{subject}' was removed: links to '{alias}' no longer resolve",
                file=old_atom.source,
                path=("aliases", index),
                hint="keep the alias, or bump the major version",
            )


def compare(old: Release, new: Release, *, ignore: Iterable[tuple[str, str]] = (), map: Any = None) -> CompatResult:
    """Compare two open releases (see :func:`open_release`) of one domain.

    Every change is a :class:`Change` whose finding names its file and line (in NEW,
    or in OLD for what was removed); ``ignore`` drops findings by ``(code, subject)``.
    A change is an error when the bump from OLD's version to NEW's does not cover
    it, else a warning. Call it while both releases are open: lines are looked up
    in their files.
    """
    from packaging.version import Version

    from .loading import resolve_locations

    result = CompatResult(old=old.summary(), new=new.summary(), baseline_missing=old.missing)
    problems: list[Finding] = old.findings + new.findings
    if old.domain is None or new.domain is None:
        result.changes = [Change(f, None, None, "") for f in problems]
        return _finish(result)
    old_side, new_side = _sides(old, new, map)
    out = _Collector({**old_side.fronts, **new_side.fronts})
    problems += old_side.problems + new_side.problems
    if old.name != new.name and old_side.ids() and not (old_side.ids() & new_side.ids()):
        problems.append(
            rules.COMPAT_UNREADABLE.finding(
                f"'{new.name}' and '{old.name}' are two different domains (no atom in common), not two releases of one",
                file=new.domain.source,
                path=("name",),
                hint="compare a release with an earlier release of the same domain",
            )
        )
        result.changes = [Change(f, None, None, "") for f in problems]
        resolve_locations(result.findings)
        return _finish(result)
    _compare_domains(old.domain, new.domain, out)
    new_ids, old_ids = new_side.ids(), old_side.ids()
    aliases = {alias: atom for atom in new_side.atoms.values() for alias in atom.aliases if alias not in new_ids}
    removed = [atom for atom_id, atom in old_side.atoms.items() if atom_id not in new_ids]
    added = {atom_id: atom for atom_id, atom in new_side.atoms.items() if atom_id not in old_ids}
    for atom_id, new_atom in new_side.atoms.items():
        old_atom = old_side.atoms.get(atom_id)
        if old_atom is not None:
            _compare_atoms(
                old_atom,
                new_atom,
                old_side.digests.get(atom_id),
                new_side.digests.get(atom_id),
                out,
                atom_id,
                new_side.body_lines.get(atom_id),
            )
    renamed_to: set[str] = set()
    by_summary = {atom.summary: atom for atom in added.values() if atom.summary}
    by_body = {new_side.digests[atom_id]: atom for atom_id, atom in added.items() if new_side.digests.get(atom_id)}
    for old_atom in removed:
        target = aliases.get(old_atom.id)
        if target is not None:
            out.add(
                rules.ATOM_ALIASED,
                old_atom.id,
                f"atom '{old_atom.id}' was renamed to '{target.id}', which keeps '{old_atom.id}' as an alias: links "
                "to it still resolve",
                file=target.source,
                path=("aliases", target.aliases.index(old_atom.id)),
            )
            renamed_to.add(target.id)
            if target.id not in old_ids:  # a rename; a merge into an atom OLD had is compared with that one
                _compare_atoms(
                    old_atom,
                    target,
                    old_side.digests.get(old_atom.id),
                    new_side.digests.get(target.id),
                    out,
                    target.id,
                    new_side.body_lines.get(target.id),
                )
            continue
        if old_atom.deprecated is not None:
            out.add(
                rules.DEPRECATED_REMOVED,
                old_atom.id,
                f"atom '{old_atom.id}' was removed; the release before deprecated it ({old_atom.deprecated})",
                file=old_atom.source,
                path=("deprecated",),
            )
            continue
        twin = by_body.get(old_side.digests.get(old_atom.id) or b"") or (
            by_summary.get(old_atom.summary) if old_atom.summary else None
        )
        if twin is not None and twin.id not in renamed_to:
            renamed_to.add(twin.id)
            out.add(
                rules.ATOM_RENAMED,
                old_atom.id,
                f"atom '{old_atom.id}' looks renamed to '{twin.id}' (same "
                f"{'body' if by_body.get(old_side.digests.get(old_atom.id) or b'') is twin else 'summary'}): links to "
                f"'{old_atom.id}' break",
                file=twin.source,
                path=("id",),
                hint=f"add 'aliases: [{old_atom.id}]' to '{twin.id}' to keep the old id alive (then it is an edit), "
                "or bump the major version",
            )
            continue
        out.add(
            rules.ATOM_REMOVED,
            old_atom.id,
            f"atom '{old_atom.id}' was removed: links to @{old.name}/{old_atom.id} break",
            file=old_atom.source,
            path=("id",),
            hint='deprecate it first (deprecated: "why, and what to use instead") and remove it in a later minor '
            "release, or bump the major version",
        )
    for atom_id, atom in added.items():
        if atom_id not in renamed_to:
            out.add(rules.ATOM_ADDED, atom_id, f"atom '{atom_id}' was added", file=atom.source, path=("id",))
    ignores = set(ignore)
    changes: list[Change] = []
    for change in out.changes:
        (result.ignored if (change.finding.code, change.subject) in ignores else changes).append(change)
    # the verdict: which bump is needed, which was made
    major = 0
    versions = []
    for release, domain in ((old, old.domain), (new, new.domain)):
        try:
            versions.append(Version(release.version or ""))
        except ValueError:  # InvalidVersion, or a number of more digits than Python reads
            problems.append(
                rules.VERSION_UNUSABLE.finding(
                    f"{release.label}: version {_cut_repr(release.version)} is not a PEP 440 version, so the bump "
                    "cannot be judged",
                    file=domain.source,
                    path=("version",),
                )
            )
    if len(versions) == 2:
        major = versions[0].release[0] if versions[0].release else 0
        result.actual_bump = bump_between(versions[0], versions[1])
        if result.actual_bump is None:
            problems.append(
                rules.VERSION_UNUSABLE.finding(
                    f"version {versions[1]} is lower than the baseline's {versions[0]} ({old.label})",
                    file=new.domain.source,
                    path=("version",),
                    hint="a new release needs a higher version",
                )
            )
    for change in changes:
        change.bump = required_bump(change.change_class or "edit", major)
    needed = max((change.bump for change in changes if change.bump), key=BUMPS.index, default="none")
    result.required_bump = needed
    made = result.actual_bump
    covered = made is not None and BUMPS.index(made) >= BUMPS.index(needed)
    for change in changes:
        ok = made is not None and BUMPS.index(made) >= BUMPS.index(change.bump or "none")
        change.finding.severity = Severity.WARNING if ok else Severity.ERROR
    if made is not None and not covered:
        worst = next(c for c in changes if c.bump == needed)
        problems.append(
            rules.BUMP_TOO_SMALL.finding(
                f"the changes need a {needed} bump from {old.version} ({worst.finding.code} {worst.subject}, and "
                f"others) but {old.version} -> {new.version} is "
                f"{'no bump' if made == 'none' else 'a ' + made + ' one'}",
                file=new.domain.source,
                path=("version",),
                hint=f"set version to {_suggest(versions[0], needed)} (in domain.yaml and pyproject.toml), or undo "
                "the changes",
            )
        )
    result.changes = [Change(f, None, None, "") for f in problems] + changes
    resolve_locations(result.findings)
    resolve_locations(change.finding for change in result.ignored)
    return _finish(result)


def _suggest(old: Any, bump: str) -> str:
    major, minor, micro = (tuple(old.release) + (0, 0, 0))[:3]
    try:
        if bump == "major":
            return f"{major + 1}.0.0"
        if bump == "minor":
            return f"{major}.{minor + 1}.0"
        return f"{major}.{minor}.{micro + 1}"
    except ValueError:  # a number one digit past what Python writes
        return f"a {bump} bump"


def _finish(result: CompatResult) -> CompatResult:
    result.changes.sort(key=lambda change: change.finding.sort_key())
    return result


# --- output -----------------------------------------------------------------------


def _summary_line(result: CompatResult) -> str:
    old, new = result.old, result.new

    def counted(number: int, one: str, many: str) -> str:
        return f"{number} {one if number == 1 else many}"

    parts = [counted(result.count("breaking"), "breaking", "breaking")]
    if result.count("retirement"):
        parts.append(counted(result.count("retirement"), "retirement", "retirements"))
    parts.append(counted(result.count("addition"), "addition", "additions"))
    parts.append(counted(result.count("edit"), "edit", "edits"))
    if result.ignored:
        parts.append(f"{len(result.ignored)} ignored")
    made = result.actual_bump if result.actual_bump is not None else "unknown"
    verdict = "ok" if result.ok else "FAILED"
    return (
        f"compat: {new.get('domain') or '?'} {_cut(new.get('version') or '?')} ({new['label']}) against "
        f"{_cut(old.get('version') or '?')} ({old['label']}): "
        f"{', '.join(parts)}; required bump: {result.required_bump}, made: {made} [{verdict}]"
    )


def _as_report(result: CompatResult) -> Report:
    report = Report(target=result.new["label"], findings=result.findings)
    if result.new.get("domain"):
        report.domains.append(result.new["domain"])
    return report


def render_compat(result: CompatResult, fmt: str, *, color: bool = False, rules_catalogue: Iterable[Rule] = ()) -> str:
    """``result`` as ``text`` (a line a finding, then the summary), ``json``,
    ``github`` (workflow annotations) or ``sarif``, as ``validate`` writes them."""
    from . import report as reports

    if fmt == "json":
        import json

        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        return reports.format_github([_as_report(result)])
    if fmt == "sarif":
        return reports.format_sarif([_as_report(result)], rules=rules_catalogue or rules.RULES)
    text = reports.format_text([_as_report(result)], color=color)
    lines = text.rstrip("\n").split("\n")[:-1]  # validate's summary gives way to compat's
    lines.append(_summary_line(result))
    return "\n".join(lines) + "\n"


def summary_line(result: CompatResult) -> str:
    """The one-line verdict: counts by class, the bump required and the bump made."""
    return _summary_line(result)
