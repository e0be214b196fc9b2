"""Validation: find the bundles in a path, load them, check them, report.

Data flows one way: files → model (:func:`load_bundle`) → findings (schema and
checks) → :class:`~skillwiki_sdk.model.Report`. Nothing here prints or exits.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Sequence

from . import rules
from .loading import LIMITS, is_within, load_yaml, read_text, resolve_locations, split_frontmatter
from .model import Atom, Bundle, Domain, Finding, Report, Source

__all__ = ["atom_files", "find_bundles", "load_atom", "load_atoms", "load_bundle", "load_domain", "validate", "validate_bundle"]

MANIFEST = "domain.yaml"
ATOMS = "atoms"
# Folders of a project that never hold its bundle (fixtures, environments, output).
_SKIP_DIRS = {"build", "dist", "node_modules", "__pycache__", "site-packages", "tests", "test", "docs", "examples", "venv", "env"}


def _display(path: str) -> str:
    return path if not path.startswith("./") else path[2:]


def find_bundles(path: str) -> list[str]:
    """The bundle roots in ``path``: the path itself if it holds ``domain.yaml``, else
    every ``domain.yaml`` folder inside a plugin project (environments, tests and
    build output skipped), sorted."""
    if os.path.isfile(path) and os.path.basename(path) == MANIFEST:
        return [os.path.dirname(path) or "."]
    if os.path.lexists(os.path.join(path, MANIFEST)):
        return [path]  # even a folder or a broken link: loading says what is wrong with it
    found: list[str] = []
    for current, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS and not d.endswith(".egg-info"))
        if MANIFEST in files:
            found.append(current)
            dirs[:] = []  # a bundle does not nest another
    return sorted(found)


def load_atom(path: str, display: str, stem: str) -> tuple[Atom | None, list[Finding]]:
    """Load one atom file: read, split frontmatter, parse YAML, check the schema."""
    from .schema import schema_findings

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
    findings.extend(schema_findings("atom", document.data, source))
    body = front.body.strip()
    atom = Atom.from_raw(document.data, source, stem, body_chars=len(body), body_line=front.closing_line + (1 if front.body else 0))
    return atom, findings


def _atom_files(root: str, display_root: str) -> tuple[list[tuple[str, str, str]], list[Finding]]:
    """(path, display, stem) of every atom file under ``root/atoms``, sorted, and
    findings for what is not an atom or points outside the bundle.

    ``os.scandir`` tells links, folders and files apart from the directory listing
    itself: no further system call for an ordinary file.
    """
    atoms_dir = os.path.join(root, ATOMS)
    files: list[tuple[str, str, str]] = []
    findings: list[Finding] = []
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
        hint="copy the file into the bundle instead of linking to it",
    )


def _load_domain(root: str, display_root: str) -> tuple[Domain | None, list[Finding]]:
    from .schema import schema_findings

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
    findings.extend(schema_findings("domain", document.data, source))
    if not isinstance(document.data, dict):
        return None, findings
    return Domain.from_raw(document.data, source), findings


def load_bundle(root: str | os.PathLike[str], *, display: str | None = None, jobs: int | None = None) -> Bundle:
    """Load the bundle at ``root`` into the model; problems are findings on the bundle.

    ``display`` is the prefix shown for its files (default: ``root`` as given).
    ``jobs`` is how many processes may read atoms (default: decided by the size of
    the work); the result is the same whatever it is.
    """
    root = os.fspath(root)
    display_root = _display(display if display is not None else root)
    domain, findings = _load_domain(root, display_root)
    files, file_findings = _atom_files(root, display_root)
    findings.extend(file_findings)
    atoms: list[Atom] = []
    unloaded: set[str] = set()
    for (path, _, stem), (atom, atom_findings) in zip(files, _load_atoms(files, jobs)):
        findings.extend(atom_findings)
        if atom is None:
            unloaded.add(stem)
        else:
            atoms.append(atom)
    return Bundle(root=display_root, domain=domain, atoms=atoms, findings=findings, files=len(files) + 1, unloaded_ids=unloaded)


def load_domain(root: str | os.PathLike[str], *, display: str | None = None) -> tuple[Domain | None, list[Finding]]:
    """Load only the manifest of the bundle at ``root`` (as :func:`load_bundle` does)."""
    root = os.fspath(root)
    return _load_domain(root, _display(display if display is not None else root))


def atom_files(root: str | os.PathLike[str], *, display: str | None = None) -> tuple[list[tuple[str, str, str]], list[Finding]]:
    """The atom files of the bundle at ``root`` as :func:`load_bundle` lists them:
    ``(path, display, stem)`` each, sorted, and findings for what is not an atom."""
    root = os.fspath(root)
    return _atom_files(root, _display(display if display is not None else root))


def load_atoms(files: Sequence[tuple[Any, ...]], jobs: int | None = None, *, loader: Callable[..., Any] | None = None) -> list[Any]:
    """Load the given atom files (``(path, display, stem)`` from :func:`atom_files`)
    as :func:`load_bundle` loads them, in their order; ``jobs`` as there. ``loader``
    replaces :func:`load_atom`: a module-level function (so that worker processes
    can run it) called with each item's values as its arguments."""
    return list(_load_atoms(files, jobs, loader or load_atom))


def _load_atoms(files: Sequence[tuple[Any, ...]], jobs: int | None, function: Callable[..., Any] = load_atom) -> Iterable[tuple[Atom | None, list[Finding]]]:
    from .parallel import map_files

    return map_files(function, files, jobs)


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


def validate(path: str | os.PathLike[str], *, manager: Any = None, jobs: int | None = None) -> Report:
    """Validate a bundle folder, a plugin project, a wheel or an sdist.

    Returns a :class:`~skillwiki_sdk.model.Report` with every finding located by file
    and line. Bad input never raises: it is a finding in the report.
    """
    target = os.fspath(path)
    from .archives import is_archive

    if is_archive(target):
        from .archives import validate_archive

        return validate_archive(target, manager=manager, jobs=jobs)
    from .plugins import checks_of

    report = Report(target=target)
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
    if manager is None:
        from .plugins import make_plugin_manager

        manager = make_plugin_manager()  # once for every bundle of the path, and for finish
    checks = checks_of(manager)
    for root in roots:
        bundle = load_bundle(root, jobs=jobs)
        finish(report, bundle, validate_bundle(bundle, manager, checks=checks), manager)
    return report


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
