"""Validation: find the bundles in a path, load them, check them, report.

Data flows one way: files → model (:func:`load_bundle`) → findings (schema and
checks) → :class:`~skillwiki_sdk.model.Report`. Nothing here prints or exits.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from . import rules
from .links import external_findings, external_links
from .loading import (
    LIMITS,
    MANIFEST,
    find_bundles,
    is_archive,
    is_within,
    load_yaml,
    on_unread,
    read_body,
    read_text,
    resolve_locations,
    split_frontmatter,
)
from .model import Atom, AtomOrigin, Bundle, Domain, Finding, Report, Source

__all__ = [
    "atom_files",
    "bundle_of",
    "find_bundles",
    "judge",
    "load_atom",
    "load_atoms",
    "load_bundle",
    "load_domain",
    "project_settings",
    "silenced",
    "validate",
    "validate_bundle",
]

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
    atom = Atom.from_raw(
        document.data, source, stem, body_chars=len(body), body_line=front.closing_line + (1 if front.body else 0)
    )
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
            findings.append(
                rules.UNREADABLE.finding(f"cannot list this folder: {error.strerror or error}", file=show(current))
            )
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
                    findings.append(
                        rules.NOT_A_FILE.finding(
                            "a folder is named like an atom file; atoms are files",
                            file=show(full),
                            hint="rename the folder",
                        )
                    )
                folders.append(full)
                continue
            if not name.endswith(".md"):
                findings.append(
                    rules.STRAY_FILE.finding("not an atom file (atoms end in .md); it is ignored", file=show(full))
                )
                continue
            files.append((full, show(full), name[:-3]))
            if len(files) > LIMITS.files:
                findings.append(
                    rules.LIMIT_EXCEEDED.finding(
                        f"more than {LIMITS.files:,} atom files in one bundle; the rest are not read",
                        file=show(atoms_dir),
                    )
                )
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
        return None, [
            rules.MANIFEST_MISSING.finding(
                f"no {MANIFEST} in the bundle",
                file=_display(display_root) or ".",
                hint="create domain.yaml (skillwiki new makes one)",
            )
        ]
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
    for (_, _, stem), (atom, atom_findings) in zip(files, load_atoms(files, map), strict=True):
        findings.extend(atom_findings)
        if atom is None:
            unloaded.add(stem)
        else:
            atoms.append(atom)
    origin = AtomOrigin(domain.name if domain is not None else None, read_body=read_body_of)
    return Bundle(
        root=display_root,
        domain=domain,
        atoms=atoms,
        findings=findings,
        files=len(files) + 1,
        unloaded_ids=unloaded,
        origin=origin,
    )


def read_body_of(atom: Atom) -> str:
    """An atom's Markdown body, read now from its file within the loader's limits
    (the reader :func:`load_bundle` gives its atoms; see :attr:`Atom.body`)."""
    return read_body(atom.source.path, atom.source.display)


def load_domain(root: str | os.PathLike[str], *, display: str | None = None) -> tuple[Domain | None, list[Finding]]:
    """Load only the manifest of the bundle at ``root`` (as :func:`load_bundle` does)."""
    root = os.fspath(root)
    return _load_domain(root, _display(display if display is not None else root))


def atom_files(
    root: str | os.PathLike[str], *, display: str | None = None
) -> tuple[list[tuple[str, str, str]], list[Finding]]:
    """The atom files of the bundle at ``root`` as :func:`load_bundle` lists them:
    ``(path, display, stem)`` each, sorted, and findings for what is not an atom."""
    root = os.fspath(root)
    return _atom_files(root, _display(display if display is not None else root))


def load_atoms(
    files: Sequence[tuple[Any, ...]], map: AtomMap | None = None, *, loader: Callable[..., Any] | None = None
) -> list[Any]:
    """Load the given atom files (``(path, display, stem)`` from :func:`atom_files`)
    as :func:`load_bundle` loads them, in their order; ``map`` as there. ``loader``
    replaces :func:`load_atom`: a module-level function (so that worker processes
    can run it) called with each item's values as its arguments."""
    if not files:
        return []
    mapper = map if map is not None else builtins.map
    if map is not None and loader is None:
        _ready_for_workers()
    return list(mapper(loader or load_atom, *zip(*files, strict=True)))


def _ready_for_workers() -> None:
    """Make the atom schema's check now, before ``map`` hands the files out: workers
    forked from this process then have it, instead of each making its own."""
    from .schema import prepare

    prepare("atom")


def validate_bundle(bundle: Bundle, manager: Any = None, *, checks: Sequence[Any] | None = None) -> list[Finding]:
    """Run every registered check on a loaded bundle and apply the bundle's own
    silencing: the findings of its verdict, the bundle's own findings first.

    This is the one place where a finding can be silenced by what ships with the
    bundle (``x-skillwiki-ignore`` in an atom's frontmatter, see :func:`_suppressed`),
    so every judge that calls it (``validate`` of a folder, a wheel or an sdist,
    ``build``, the pytest fixture, the registry of installed domains) silences the
    same findings. Nothing outside the bundle can silence an error: project settings
    only choose warnings (:func:`skillwiki_sdk.config.apply_settings`).

    ``checks`` are those of ``manager`` when the caller has them already (one call of
    the plugins' ``skillwiki_checks`` hooks for many bundles).
    """
    if checks is None:
        from .plugins import checks_of, make_plugin_manager

        checks = checks_of(manager or make_plugin_manager())
    findings = list(bundle.findings)
    for item in checks:
        findings.extend(item(bundle))
    return _suppressed(bundle, findings, _known_codes(checks))


def _known_codes(checks: Sequence[Any]) -> tuple[str, ...]:
    """The codes an atom may name: the SDK's and those of the checks that ran."""
    codes = {rule.code for rule in rules.RULES}
    for item in checks:
        codes.update(rule.code for rule in getattr(item, "rules", ()))
    return tuple(sorted(codes))


def validate(
    path: str | os.PathLike[str],
    *,
    manager: Any = None,
    registry: Any = None,
    map: AtomMap | None = None,
    guard: Any = None,
    display: str | None = None,
    keep: Callable[[Bundle, list[Finding]], object] | None = None,
) -> Report:
    """Validate a bundle folder, a plugin project, a wheel or an sdist.

    A plugin project (a folder with ``pyproject.toml``) is also checked for what its
    wheel would be refused for (:mod:`skillwiki_sdk.project`): the entry point, the
    dependency on skillwiki-sdk, each bundle inside the shipped package, and versions
    that agree. A single file is reported with the bundle it belongs to in view.

    Returns a :class:`~skillwiki_sdk.model.Report` with every finding located by file
    and line. Bad input never raises: it is a finding in the report.

    ``manager``: the plugin manager whose checks run (default: the built-in checks
    and the installed plugins'). ``registry``: the installed domains that
    ``@other-domain/id`` links are checked against (a
    :class:`~skillwiki_sdk.Registry`, or a function that gives one when a link is
    first met); without it, such links are not checked. ``map``: see :func:`load_bundle`.
    ``guard``: what installed plugins' checks run in (see :data:`skillwiki_sdk.plugins.Guard`).
    ``display``: the name an archive's findings give it (default: ``path``), such as
    the place ``build`` moves it to once it passes. ``keep``, when given, is called
    with each bundle checked and its findings while its files still exist (an
    archive's are removed when this returns): to read what the model does not hold,
    such as the atoms' bodies.
    """
    from .plugins import make_plugin_manager

    target = os.fspath(path)
    report = Report(target=display if display is not None and is_archive(target) else target)
    if manager is None:
        manager = make_plugin_manager()  # once for every bundle of the path, and for finish
    checks = _Checks(manager, guard)
    known = _Known(registry, checks)
    if is_archive(target):
        from .archives import unpacked  # (only for an archive: it imports tempfile and shutil)

        with unpacked(target, display) as archive:
            report.findings.extend(archive.findings)
            for root, shown in archive.bundles:
                bundle = load_bundle(root, display=shown, map=map)
                findings = (
                    validate_bundle(bundle, manager, checks=checks())
                    + archive.packaged_findings(bundle)
                    + known.findings(bundle)
                )
                finish(report, bundle, findings, manager)
                if keep is not None:
                    keep(bundle, findings)
        return report
    if not os.path.lexists(target):
        report.findings.append(rules.UNREADABLE.finding("no such file or folder", file=target))
        return report
    if not os.path.isdir(target) and os.path.basename(target) != MANIFEST:
        return _validate_file(target, report, manager, checks, known, map)
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
    project = None
    if os.path.isdir(target) and os.path.isfile(os.path.join(target, "pyproject.toml")):
        from .project import project_findings, read_project

        project = read_project(target, _display(target))  # what the wheel would be refused for, known now
    for root in roots:
        bundle = load_bundle(root, map=map)
        findings = validate_bundle(bundle, manager, checks=checks()) + known.findings(bundle)
        if project is not None:
            from .project import bundle_findings

            findings.extend(bundle_findings(project, bundle, root))
        finish(report, bundle, findings, manager)
    if project is not None:
        extra = project_findings(project)
        if extra:
            report.findings.extend(extra)
            report.findings.sort(key=Finding.sort_key)
    return report


class _Checks:
    """The checks of ``manager``, asked of the plugins once, when a bundle needs them."""

    def __init__(self, manager: Any, guard: Any) -> None:
        self._manager = manager
        self._guard = guard
        self._checks: list[Any] | None = None

    def __call__(self) -> list[Any]:
        if self._checks is None:
            from .plugins import checks_of

            self._checks = (
                checks_of(self._manager, self._guard) if self._guard is not None else checks_of(self._manager)
            )
        return self._checks


class _Known:
    """The installed domains that links to other domains are checked against,
    asked for only when a bundle has such a link."""

    def __init__(self, registry: Any, checks: _Checks) -> None:
        self._registry = registry
        self._checks = checks
        self._ids: Mapping[str, set[str]] | None = None

    def findings(self, bundle: Bundle) -> list[Finding]:
        if self._registry is None or not any(True for _ in external_links(bundle)):
            return []
        if self._ids is None:
            registry = self._registry() if callable(self._registry) else self._registry
            self._ids = registry.known_ids()
        # a link to a domain not installed here is no finding of validate: a plugin's
        # CI need not install every domain it links to
        found = list(external_findings(bundle, self._ids, unknown_domains=False))
        return silenced(bundle, found, self._checks()) if found else []


def bundle_of(path: str) -> str | None:
    """The root of the bundle that the file ``path`` belongs to: the nearest folder
    above it holding ``domain.yaml``, where a file under an ``atoms/`` folder belongs
    to the bundle right above that folder. Spelt relative to the working folder when
    ``path`` is relative; ``None`` when no bundle holds it."""
    absolute = os.path.abspath(path)
    current = os.path.dirname(absolute)
    while True:
        if os.path.lexists(os.path.join(current, MANIFEST)):
            inside = os.path.relpath(absolute, current).split(os.sep)
            if ATOMS not in inside[1:-1] or inside[0] == ATOMS:  # not another bundle's atoms/ below
                return current if os.path.isabs(path) else os.path.relpath(current)
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _validate_file(
    target: str, report: Report, manager: Any, checks: _Checks, known: _Known, map: AtomMap | None
) -> Report:
    """One file of a bundle: the whole bundle is checked (its vocabulary, axes and
    links in view) and only that file's findings are reported, under the name the
    file was given by."""
    root = bundle_of(target)
    shown = _display(target)
    if root is None:
        report.findings.append(
            rules.MANIFEST_MISSING.finding(
                f"this file belongs to no bundle: no {MANIFEST} in a folder above it",
                file=shown,
                hint="validate a file inside a bundle (<bundle>/atoms/**/<id>.md), or the bundle itself",
            )
        )
        return report
    if os.path.relpath(os.path.abspath(target), os.path.abspath(root)).split(os.sep)[0] != ATOMS:
        report.findings.append(
            rules.STRAY_FILE.finding(
                f"this file is not under the atoms/ folder of the bundle {_display(root)}, so it is not an atom and "
                "is not checked",
                file=shown,
                hint="atoms live in <bundle>/atoms/**/<id>.md",
            )
        )
        return report
    whole = Report(target=root)
    bundle = load_bundle(root, map=map)
    finish(whole, bundle, validate_bundle(bundle, manager, checks=checks()) + known.findings(bundle))
    wanted = os.path.abspath(target)
    for finding in whole.findings:
        if finding.file is not None and os.path.abspath(finding.file) == wanted:
            finding.file = shown
            report.findings.append(finding)
    report.domains = whole.domains
    report.atoms = 1 if target.endswith(".md") else 0
    return report


def project_settings(project: str | os.PathLike[str], manager: Any = None, *, strict: bool | None = None) -> Any:
    """The ``[tool.skillwiki]`` settings of the project holding ``project`` (see
    :mod:`skillwiki_sdk.config`), with ``strict`` overriding the file's when given.

    Raises :class:`~skillwiki_sdk.config.ConfigError` for a wrong table, such as an
    error code in ``ignore``: such a setting is refused by every judge alike.
    """
    from .config import load_settings, merge_settings
    from .plugins import make_plugin_manager, rules_of

    known = rules_of(manager or make_plugin_manager())
    return merge_settings(load_settings(project, known), strict=strict)


def judge(
    path: str | os.PathLike[str],
    *,
    settings: Any = None,
    strict: bool | None = None,
    manager: Any = None,
    registry: Any = None,
    map: AtomMap | None = None,
) -> Report:
    """The verdict on ``path`` as every judge of a plugin project gives it: what
    :func:`validate` finds (the bundle's own silencing applied by
    :func:`validate_bundle`), then the project's settings (:func:`project_settings`
    of ``path``, or ``settings``) applied by
    :func:`skillwiki_sdk.config.apply_settings`, which never hides an error.

    ``skillwiki validate``, ``skillwiki build``, the pytest fixture and the
    pre-commit hook all give this verdict; the registry gives that of
    :func:`validate_bundle`, which differs only in the warnings it lists.
    """
    from .config import apply_settings

    if manager is None:
        from .plugins import make_plugin_manager

        manager = make_plugin_manager()
    if settings is None:
        settings = project_settings(path, manager, strict=strict)
    elif strict is not None:
        from .config import merge_settings

        settings = merge_settings(settings, strict=strict)
    return apply_settings(validate(path, manager=manager, registry=registry, map=map), settings)


def finish(report: Report, bundle: Bundle, findings: list[Finding], manager: Any = None) -> None:
    """Add a checked bundle (its findings from :func:`validate_bundle`, which has
    applied the bundle's silencing) to ``report``: lines looked up, findings sorted.
    ``manager`` is accepted for older callers and not used."""
    resolve_locations(findings)
    findings.sort(key=Finding.sort_key)
    report.findings.extend(findings)
    report.atoms += len(bundle.atoms) + len(bundle.unloaded_ids)
    if bundle.domain is not None and bundle.domain.name:
        report.domains.append(bundle.domain.name)


SUPPRESS_KEY = "x-skillwiki-ignore"


def silenced(bundle: Bundle, findings: Iterable[Finding], checks: Sequence[Any] = ()) -> list[Finding]:
    """``findings`` of ``bundle`` found apart from :func:`validate_bundle` (the
    registry's ``@other-domain/id`` links, SW303 and SW304, once every domain is
    loaded), less those its atoms silence with ``x-skillwiki-ignore``, as
    :func:`validate_bundle` silences its own. Wrong entries are not reported again
    (``validate_bundle`` has reported them).
    """
    given = list(findings)
    known = tuple(sorted(set(_known_codes(checks)) | {finding.code for finding in given}))
    return _suppressed(bundle, given, known, report_entries=False)


def _suppressed(
    bundle: Bundle, findings: list[Finding], known: Sequence[str], *, report_entries: bool = True
) -> list[Finding]:
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
    for atom in bundle.atoms:
        if SUPPRESS_KEY not in atom.extra:
            continue
        value = atom.extra[SUPPRESS_KEY]
        entries: list[tuple[Any, tuple[Any, ...]]]
        if isinstance(value, str):
            entries = [(value, (SUPPRESS_KEY,))]
        elif isinstance(value, list):
            entries = [(item, (SUPPRESS_KEY, index)) for index, item in enumerate(value)]
        else:
            problems.append(
                rules.SUPPRESSION_INVALID.finding(
                    f"{SUPPRESS_KEY} must be a list of codes or prefixes, like [SW202, SW3xx]",
                    file=atom.source,
                    path=(SUPPRESS_KEY,),
                )
            )
            continue
        prefixes: list[str] = []
        for item, where in entries:
            prefix = normalize_code(item) if isinstance(item, str) else None
            if prefix is None:
                problems.append(
                    rules.SUPPRESSION_INVALID.finding(
                        f"{item!r} is not a code or prefix; expected text like SW202, SW20 or SW2xx",
                        file=atom.source,
                        path=where,
                        hint="it suppresses nothing",
                    )
                )
            elif not any(code.startswith(prefix) for code in known):
                problems.append(
                    rules.SUPPRESSION_INVALID.finding(
                        f"no rule has the code or prefix {item!r}; it suppresses nothing",
                        file=atom.source,
                        path=where,
                        hint="run 'skillwiki rules' for the codes",
                    )
                )
            else:
                prefixes.append(prefix)
        ignores[atom.source.display] = tuple(prefixes)
    # SW212 is added after suppressing: a mistaken entry never hides its own finding
    kept = [f for f in findings if not any(f.code.startswith(prefix) for prefix in ignores.get(f.file or "", ()))]
    return kept + problems if report_entries else kept
