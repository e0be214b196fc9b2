"""Validation: find the bundles in a path, load them, check them, report.

Data flows one way: files → model (:func:`load_bundle`) → findings (schema and
checks) → :class:`~skillwiki_sdk.model.Report`. Nothing here prints or exits.
"""

from __future__ import annotations

import builtins
import os
from typing import Any, Callable, Iterable, Mapping, Sequence

from . import rules
from .archives import is_archive, unpacked
from .links import external_findings, external_links
from .loading import LIMITS, MANIFEST, find_bundles, is_within, load_yaml, on_unread, read_text, resolve_locations, split_frontmatter
from .model import Atom, Bundle, Domain, Finding, Report, Source

__all__ = ["find_bundles", "load_atom", "load_bundle", "validate", "validate_bundle"]

ATOMS = "atoms"


def _display(path: str) -> str:
    return path if not path.startswith("./") else path[2:]


def load_atom(path: str, display: str, stem: str) -> tuple[Atom | None, list[Finding]]:
    """Load one atom file: read, split frontmatter, parse YAML, check the schema."""
    text, findings = read_text(path, display)
    if text is None:
        return None, findings
    front, problems = split_frontmatter(text, display)
    if front is None:
        return None, problems
    source = Source(display, display if path == display else path, offset=1)  # one string when they are equal
    document = load_yaml(front.yaml, source)
    findings = list(document.findings)
    if not document.ok:
        return None, findings
    findings.extend(_schema_findings("atom", document, source))
    body = front.body.strip()
    atom = Atom.from_raw(document.data, source, stem, body_chars=len(body), body_line=front.closing_line + (1 if front.body else 0))
    return atom, findings


def _schema_findings(name: str, document: Any, source: Source) -> list[Finding]:
    """The schema's findings on a loaded document, but those on a value YAML could
    not read: the loader's finding there already says what is wrong."""
    from .schema import schema_findings

    findings = schema_findings(name, document.data, source)
    if document.unread:
        findings = [finding for finding in findings if not on_unread(document.unread, finding.path)]
    return findings


def _atom_files(root: str, display_root: str) -> tuple[list[tuple[str, str, str]], list[Finding]]:
    """(path, display, stem) of every atom file under ``root/atoms``, sorted, and
    findings for what is not an atom or points outside the bundle.

    ``os.scandir`` tells links, folders and files apart from the directory listing
    itself: no further system call for an ordinary file.
    """
    atoms_dir = os.path.join(root, ATOMS)
    files: list[tuple[str, str, str]] = []
    findings: list[Finding] = []
    if os.path.islink(atoms_dir) and not is_within(atoms_dir, root):
        # below it, only what is not a link is walked: this one link is all that could lead out
        return files, [_outside(atoms_dir, root, display_root)]
    if not os.path.isdir(atoms_dir):
        return files, findings
    show = _shower(root, display_root)
    pending = [atoms_dir]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            findings.append(rules.UNREADABLE.finding(f"cannot list this folder: {error.strerror or error}", file=show(current)))
            continue
        folders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            full = entry.path
            if entry.is_symlink():
                if not is_within(full, root):
                    findings.append(_outside(full, root, display_root))
                    continue
                try:
                    if entry.is_dir():
                        continue  # a linked folder inside the bundle is not walked twice
                except OSError:
                    pass  # a link loop: reading it says so (SW501)
            if entry.is_dir(follow_symlinks=False):
                if name.endswith(".md"):
                    findings.append(rules.NOT_A_FILE.finding("a folder is named like an atom file; atoms are files", file=show(full), hint="rename the folder"))
                folders.append(full)
                continue
            if not name.endswith(".md"):
                findings.append(rules.STRAY_FILE.finding("not an atom file (atoms end in .md); it is ignored", file=show(full)))
                continue
            files.append((full, show(full), name[:-3]))
            if len(files) > LIMITS.files:
                findings.append(rules.LIMIT_EXCEEDED.finding(f"more than {LIMITS.files:,} atom files in one bundle; the rest are not read", file=show(atoms_dir)))
                return files[: LIMITS.files], findings
        pending.extend(reversed(folders))  # depth first, in name order
    return files, findings


def _shower(root: str, display_root: str) -> Callable[[str], str]:
    """``path`` (inside ``root``) as shown in findings: under ``display_root``, with /."""
    cut = len(os.path.join(root, ""))
    prefix = f"{display_root}/" if display_root not in ("", ".") else ""
    if os.sep == "/":
        return lambda path: prefix + path[cut:]
    return lambda path: prefix + path[cut:].replace(os.sep, "/")


def _show(path: str, root: str, display_root: str) -> str:
    relative = os.path.relpath(path, root).replace(os.sep, "/")
    return f"{display_root}/{relative}" if display_root not in ("", ".") else relative


def _outside(path: str, root: str, display_root: str) -> Finding:
    return rules.OUTSIDE_BUNDLE.finding(
        f"this link points outside the bundle (to {os.path.realpath(path)}) and is not followed",
        file=_show(path, root, display_root),
        hint=f"copy the {'folder' if os.path.isdir(path) else 'file'} into the bundle instead of linking to it",
    )


def _load_domain(root: str, display_root: str) -> tuple[Domain | None, list[Finding]]:
    path = os.path.join(root, MANIFEST)
    display = _show(path, root, display_root)
    if not os.path.lexists(path):
        return None, [rules.MANIFEST_MISSING.finding(f"no {MANIFEST} in the bundle", file=_display(display_root) or ".", hint="create domain.yaml (skillwiki new makes one)")]
    if os.path.islink(path) and not is_within(path, root):
        return None, [_outside(path, root, display_root)]
    text, findings = read_text(path, display)
    if text is None:
        return None, findings
    source = Source(display, path, offset=0)
    document = load_yaml(text, source)
    findings = list(document.findings)
    if not document.ok:
        return None, findings
    findings.extend(_schema_findings("domain", document, source))
    if not isinstance(document.data, dict):
        return None, findings
    return Domain.from_raw(document.data, source), findings


AtomMap = Callable[..., Iterable[Any]]
"""How atom files are loaded: called as ``map(load_atom, paths, displays, stems)``,
it returns the results in order, as the built-in :func:`map` and
:meth:`concurrent.futures.Executor.map` do."""


def load_bundle(root: str | os.PathLike[str], *, display: str | None = None, map: AtomMap | None = None) -> Bundle:
    """Load the bundle at ``root`` into the model; problems are findings on the bundle.

    ``display`` is the prefix shown for its files (default: ``root`` as given).
    ``map`` loads the atom files (default: the built-in :func:`map`, one after the
    other in this thread); pass an executor's ``map`` to spread them over the
    executor's workers (:func:`load_atom` and its results pickle). The result is the
    same whichever it is.
    """
    root = os.fspath(root)
    display_root = _display(display if display is not None else root)
    domain, findings = _load_domain(root, display_root)
    files, file_findings = _atom_files(root, display_root)
    findings.extend(file_findings)
    atoms: list[Atom] = []
    unloaded: set[str] = set()
    mapper = map if map is not None else builtins.map
    loaded = mapper(load_atom, [f[0] for f in files], [f[1] for f in files], [f[2] for f in files]) if files else ()
    for (_, _, stem), (atom, atom_findings) in zip(files, loaded):
        findings.extend(atom_findings)
        if atom is None:
            unloaded.add(stem)
        else:
            atoms.append(atom)
    return Bundle(root=display_root, domain=domain, atoms=atoms, findings=findings, files=len(files) + 1, unloaded_ids=unloaded)


def validate_bundle(bundle: Bundle, manager: Any = None, *, checks: Sequence[Any] | None = None) -> list[Finding]:
    """Run every registered check on a loaded bundle; the bundle's own findings first.

    ``checks`` are those of ``manager`` when the caller has them already (one call of
    the plugins' ``skillwiki_checks`` hooks for many bundles).
    """
    if checks is None:
        from .plugins import checks_of, make_plugin_manager

        checks = checks_of(manager or make_plugin_manager())
    findings = list(bundle.findings)
    for item in checks:
        findings.extend(item(bundle))
    return findings


def validate(path: str | os.PathLike[str], *, manager: Any = None, registry: Any = None, map: AtomMap | None = None, guard: Any = None) -> Report:
    """Validate a bundle folder, a plugin project, a wheel or an sdist.

    Returns a :class:`~skillwiki_sdk.model.Report` with every finding located by file
    and line. Bad input never raises: it is a finding in the report.

    ``manager``: the plugin manager whose checks run (default: the built-in checks
    and the installed plugins'). ``registry``: the installed domains that
    ``@other-domain/id`` links are checked against (a
    :class:`~skillwiki_sdk.Registry`, or a function that gives one when a link is
    first met); without it, such links are not checked. ``map``: see :func:`load_bundle`.
    ``guard``: what installed plugins' checks run in (see :data:`skillwiki_sdk.plugins.Guard`).
    """
    from .plugins import checks_of, make_plugin_manager

    target = os.fspath(path)
    report = Report(target=target)
    if manager is None:
        manager = make_plugin_manager()  # once for every bundle of the path, and for finish
    known = _Known(registry)
    if is_archive(target):
        with unpacked(target) as archive:
            report.findings.extend(archive.findings)
            if archive.bundles:
                checks = checks_of(manager, guard) if guard is not None else checks_of(manager)
                for root, shown in archive.bundles:
                    bundle = load_bundle(root, display=shown, map=map)
                    findings = validate_bundle(bundle, manager, checks=checks) + archive.packaged_findings(bundle) + known.findings(bundle)
                    finish(report, bundle, findings, manager)
        return report
    if not os.path.exists(target):
        report.findings.append(rules.UNREADABLE.finding("no such file or folder", file=target))
        return report
    roots = find_bundles(target)
    if not roots:
        report.findings.append(
            rules.MANIFEST_MISSING.finding(
                f"no bundle found: no {MANIFEST} in this folder or inside its packages",
                file=_display(target),
                hint="point at the bundle folder (the one holding domain.yaml) or at a plugin project",
            )
        )
        return report
    checks = checks_of(manager, guard) if guard is not None else checks_of(manager)
    for root in roots:
        bundle = load_bundle(root, map=map)
        finish(report, bundle, validate_bundle(bundle, manager, checks=checks) + known.findings(bundle), manager)
    return report


class _Known:
    """The installed domains that links to other domains are checked against,
    asked for only when a bundle has such a link."""

    def __init__(self, registry: Any) -> None:
        self._registry = registry
        self._ids: Mapping[str, set[str]] | None = None

    def findings(self, bundle: Bundle) -> list[Finding]:
        if self._registry is None or not any(True for _ in external_links(bundle)):
            return []
        if self._ids is None:
            registry = self._registry() if callable(self._registry) else self._registry
            self._ids = registry.known_ids()
        # a link to a domain not installed here is no finding of validate: a plugin's
        # CI need not install every domain it links to
        return list(external_findings(bundle, self._ids, unknown_domains=False))


def finish(report: Report, bundle: Bundle, findings: list[Finding], manager: Any = None) -> None:
    """Add a checked bundle to ``report``: suppressed findings dropped, lines looked
    up, findings sorted. ``manager`` knows the codes an atom may suppress."""
    findings = _suppressed(bundle, findings, manager)
    resolve_locations(findings)
    findings.sort(key=Finding.sort_key)
    report.findings.extend(findings)
    report.atoms += len(bundle.atoms) + len(bundle.unloaded_ids)
    if bundle.domain is not None and bundle.domain.name:
        report.domains.append(bundle.domain.name)


SUPPRESS_KEY = "x-skillwiki-ignore"


def _suppressed(bundle: Bundle, findings: list[Finding], manager: Any = None) -> list[Finding]:
    """Drop the findings in an atom's own file that the atom suppresses.

    ``x-skillwiki-ignore: [SW202, SW3xx]`` in an atom's frontmatter names codes or
    prefixes (``SW3``, ``SW3xx`` and ``sw3xx`` are the same prefix); a single code
    may be given as text. Only findings located in that atom's file are dropped. An
    entry that is not a code, or that no known rule has, suppresses nothing and is
    itself a finding (SW212) at that entry, which no inline entry suppresses.
    """
    from .config import normalize_code

    ignores: dict[str, tuple[str, ...]] = {}
    problems: list[Finding] = []
    known: tuple[str, ...] | None = None
    for atom in bundle.atoms:
        if SUPPRESS_KEY not in atom.extra:
            continue
        if known is None:
            from .plugins import make_plugin_manager, rules_of

            known = tuple(rule.code for rule in rules_of(manager or make_plugin_manager()))
        value = atom.extra[SUPPRESS_KEY]
        entries: list[tuple[Any, tuple[Any, ...]]]
        if isinstance(value, str):
            entries = [(value, (SUPPRESS_KEY,))]
        elif isinstance(value, list):
            entries = [(item, (SUPPRESS_KEY, index)) for index, item in enumerate(value)]
        else:
            problems.append(rules.SUPPRESSION_INVALID.finding(f"{SUPPRESS_KEY} must be a list of codes or prefixes, like [SW202, SW3xx]", file=atom.source, path=(SUPPRESS_KEY,)))
            continue
        prefixes: list[str] = []
        for item, where in entries:
            prefix = normalize_code(item) if isinstance(item, str) else None
            if prefix is None:
                problems.append(rules.SUPPRESSION_INVALID.finding(f"{item!r} is not a code or prefix; expected text like SW202, SW20 or SW2xx", file=atom.source, path=where, hint="it suppresses nothing"))
            elif not any(code.startswith(prefix) for code in known):
                problems.append(rules.SUPPRESSION_INVALID.finding(f"no rule has the code or prefix {item!r}; it suppresses nothing", file=atom.source, path=where, hint="run 'skillwiki rules' for the codes"))
            else:
                prefixes.append(prefix)
        ignores[atom.source.display] = tuple(prefixes)
    # SW212 is added after suppressing: a mistaken entry never hides its own finding
    kept = [f for f in findings if not any(f.code.startswith(prefix) for prefix in ignores.get(f.file or "", ()))]
    return kept + problems
