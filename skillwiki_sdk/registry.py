"""The installed domains: discovery through entry points, and aggregation.

:meth:`Registry.discover` loads the entry points of group ``skillwiki`` (see
:mod:`skillwiki_sdk.plugins`), calls each plugin's ``skillwiki_domains`` hook on its
own, and loads every bundle with the same loader and checks as ``skillwiki
validate``. A plugin that fails at any stage is a :class:`Problem`, never an
exception, and never hides the others::

    from skillwiki_sdk import Registry

    registry = Registry.discover()
    for domain in registry:
        print(domain.name, domain.version, len(domain.bundle.atoms))
    for problem in registry.problems:
        print(problem.distribution, problem.stage, problem.reason)

This module is also registered as a built-in plugin: its check resolves
``@other-domain/id`` links against the installed domains (SW303, SW304).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from . import rules
from .hookspecs import hookimpl
from .model import Bundle, Finding, Severity, check
from .plugins import InstalledPlugins, LoadedPlugin, Problem, _describe, plugin_output, time_budget, time_budgets

__all__ = ["InstalledDomain", "Problem", "Registry", "external_related"]

_EXTERNAL = re.compile(r"^@([a-z0-9]+(?:-[a-z0-9]+)*)/(.+)$")
# Findings that say the bundle needs another SDK, not that it is broken.
_COMPATIBILITY = {rules.SCHEMA_TOO_NEW.code, rules.REQUIRES_SDK_UNSATISFIED.code}

_REGISTRY: Registry | None = None
_DISCOVERING = False


def _reset() -> None:
    global _REGISTRY
    _REGISTRY = None


@dataclass
class InstalledDomain:
    """A domain that loaded cleanly from an installed distribution."""

    name: str
    version: str
    distribution: str
    entry_point: str
    path: str
    bundle: Bundle
    # warnings of its bundle, and its @other-domain links that do not resolve
    findings: list[Finding] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.bundle.domain.display_title if self.bundle.domain else self.name

    @property
    def domains(self) -> list[str]:  # pragma: no cover - symmetry with Report
        return [self.name]

    def counts(self) -> dict[str, int]:
        """Atoms, tags and axes, as the card counts them."""
        domain = self.bundle.domain
        return {
            "atoms": len(self.bundle.atoms),
            "tags": len((domain.tags if domain else None) or ()),
            "axes": len((domain.axes if domain else None) or {}),
        }

    def to_dict(self) -> dict[str, Any]:
        """The domain in the stable JSON shape of ``skillwiki list``."""
        kinds: dict[str, int] = {}
        for atom in self.bundle.atoms:
            kinds[atom.kind or "?"] = kinds.get(atom.kind or "?", 0) + 1
        return {
            "name": self.name,
            "title": self.title,
            "version": self.version,
            "distribution": self.distribution,
            "entry_point": self.entry_point,
            "path": self.path,
            **self.counts(),
            "kinds": kinds,
            "findings": [finding.to_dict() for finding in self.findings],
        }


@dataclass
class _Candidate:
    loaded: LoadedPlugin
    path: str
    bundle: Bundle
    findings: list[Finding]


class Registry:
    """The installed domains by name, and the problems of the plugins left out."""

    def __init__(self, domains: Mapping[str, InstalledDomain], problems: list[Problem], plugins: InstalledPlugins | None = None) -> None:
        self.domains: dict[str, InstalledDomain] = dict(sorted(domains.items()))
        self.problems: list[Problem] = problems
        self.plugins = plugins or InstalledPlugins()

    @classmethod
    def discover(cls, *, refresh: bool = False) -> Registry:
        """The registry of this environment, discovered once per process.

        ``refresh`` looks again (after a ``pip install`` in the same process).
        """
        global _REGISTRY
        if _REGISTRY is not None and not refresh:
            return _REGISTRY
        from .plugins import installed_plugins, make_plugin_manager

        reader = None
        if "skillwiki_sdk.validation" not in sys.modules:
            # What reading a bundle needs (PyYAML, packaging, the schema checks) is
            # imported by a reader forked now, while the plugins load here.
            from .parallel import Helper

            reader = Helper(_prepared_reader)

        def tell_reader(entry_points: list[Any]) -> None:
            if reader is not None:  # it may start on their bundles while they load here
                reader.tell([module for _, _, ep in entry_points for module in _module_of(ep)])

        try:
            installed = installed_plugins(refresh=refresh, on_entry_points=tell_reader)
            manager = installed.manager or make_plugin_manager()
            problems = list(installed.problems)
            domains = _load_domains(installed.plugins, manager, problems, reader)
        finally:
            if reader is not None:
                reader.close()
        problems.sort(key=lambda p: (p.distribution.lower(), p.entry_point, p.stage))
        _REGISTRY = cls(domains, problems, installed)
        return _REGISTRY

    @classmethod
    def from_plugins(cls, plugins: list[object]) -> Registry:
        """A registry of only ``plugins`` (plugin modules or objects), loaded as
        :meth:`discover` loads installed ones but without any installed plugin: for
        testing a plugin in isolation. Not cached. A plugin's distribution and version
        are looked up when its module is installed; otherwise the distribution is the
        module's name and the domain's version is not compared with it.
        """
        from .plugins import _register, make_plugin_manager

        problems: list[Problem] = []
        loaded_plugins: list[LoadedPlugin] = []
        manager = make_plugin_manager(installed=False)
        for plugin in plugins:
            distribution, version, entry_point, value = _origin(plugin)
            refused = None if manager.is_registered(plugin) else _register(manager, plugin)
            if refused:
                problems.append(Problem(distribution, version, entry_point, "import", f"'{value}' is not a valid plugin: {refused}", "fix its hooks; hook names are listed in skillwiki_sdk.hookspecs"))
            else:
                loaded_plugins.append(LoadedPlugin(distribution, version, entry_point, value, plugin))
        domains = _load_domains(loaded_plugins, manager, problems)
        return cls(domains, problems, InstalledPlugins(plugins=loaded_plugins, problems=list(problems), autoload=False))

    def get(self, name: str) -> InstalledDomain | None:
        """The installed domain called ``name``, or ``None``."""
        return self.domains.get(name)

    def __getitem__(self, name: str) -> InstalledDomain:
        return self.domains[name]

    def __contains__(self, name: object) -> bool:
        return name in self.domains

    def __iter__(self) -> Iterator[InstalledDomain]:
        return iter(self.domains.values())

    def __len__(self) -> int:
        return len(self.domains)

    def to_dict(self) -> dict[str, Any]:
        """Domains and problems in the stable JSON shape of ``skillwiki list``."""
        return {
            "domains": [entry.to_dict() for entry in self],
            "problems": [problem.to_dict() for problem in self.problems],
        }

    # --- Consumers (issue 15): thin delegates to skillwiki_sdk.query and .match ---

    def atoms(self, domain: str | None = None, *, kind: Any = None, tag: Any = None, axis: Mapping[str, Any] | None = None) -> list[Any]:
        """Atoms of ``domain`` (or of all), filtered by kind, tag and axis values
        (filters AND, values OR); see :func:`skillwiki_sdk.query.atoms`."""
        from . import query

        return query.atoms(self.domains, domain, kind=kind, tag=tag, axis=axis)

    def atom(self, domain: str, atom_id: str) -> Any:
        """The atom ``atom_id`` of ``domain``, or ``None``."""
        from . import query

        return query.resolve(self.domains, atom_id, within=domain)

    def resolve(self, link: str, within: str | None = None) -> Any:
        """The atom ``@domain/id`` (or a plain id inside ``within``) names, or ``None``."""
        from . import query

        return query.resolve(self.domains, link, within)

    def related(self, atom: Any) -> Any:
        """``atom``'s related atoms across domains, and its dangling links
        (:class:`skillwiki_sdk.query.Related`)."""
        from . import query

        return query.related(self.domains, atom)

    def overlaps(self) -> Any:
        """Tags several domains claim, and links between domains."""
        from . import query

        return query.overlaps(self.domains)

    def match_index(self) -> Any:
        """The :class:`skillwiki_sdk.match.MatchIndex` of these domains, built on the
        first call (reading every body once) and kept by this registry."""
        index = self.__dict__.get("_match_index")
        if index is None:
            from .match import build_index

            index = self.__dict__["_match_index"] = build_index(self.domains)
        return index

    def match(self, brief: str, *, top: int = 10, domains: Any = None, axes: Mapping[str, Any] | None = None) -> Any:
        """The domains ``brief`` signals and the atoms that answer it best
        (:class:`skillwiki_sdk.match.MatchResult`); see :func:`skillwiki_sdk.match.match`."""
        from .match import match

        return match(self.match_index(), brief, top=top, domains=domains, axes=axes)


def _load_domains(plugins: list[LoadedPlugin], manager: Any, problems: list[Problem], reader: Any = None) -> dict[str, InstalledDomain]:
    """Load the bundles of ``plugins``, settle name conflicts, then check the
    ``@other-domain/id`` links among the domains that loaded. ``reader``: see
    :func:`_read_roots`."""
    global _DISCOVERING
    candidates: list[_Candidate] = []
    _DISCOVERING = True
    try:
        impls: dict[int, list[Any]] = {}  # each plugin's skillwiki_domains, in calling order
        for impl in manager.hook.skillwiki_domains.get_hookimpls():
            impls.setdefault(id(impl.plugin), []).append(impl)
        with time_budgets():
            roots = [(loaded, root) for loaded in plugins for root in _plugin_roots(loaded, impls.get(id(loaded.plugin), []), problems)]
        for (loaded, root), read in zip(roots, _read_roots([root for _, root in roots], manager, reader)):
            candidate = _accept(loaded, root, read, problems)
            if candidate is not None:
                candidates.append(candidate)
    finally:
        _DISCOVERING = False
    domains = _resolve_conflicts(candidates, problems)
    known = {name: entry.bundle.atom_ids() | entry.bundle.unloaded_ids for name, entry in domains.items()}
    refused: list[str] = []
    for name, entry in domains.items():
        extra = list(external_findings(entry.bundle, known))
        _locate(extra)
        errors = tuple(f for f in extra if f.severity is Severity.ERROR)
        if errors:
            # what validate rejects (a link to an atom another domain lacks), the registry reports
            first = errors[0]
            reason = f"{len(errors)} error{'s' if len(errors) != 1 else ''}, first {first.file}:{first.line}: {first.code} {first.message}"
            problems.append(Problem(entry.distribution, entry.version, entry.entry_point, "bundle", reason, f"fix the link, or upgrade {entry.distribution}", name, errors))
            refused.append(name)
            continue
        entry.findings.extend(extra)
        entry.findings.sort(key=Finding.sort_key)
    for name in refused:
        del domains[name]
    return domains


def _origin(plugin: object) -> tuple[str, str, str, str]:
    """(distribution, version, entry point, module) of a plugin given as an object:
    from the installed distribution that ships its module, else ``(module, "", ...)``."""
    from importlib import metadata

    module = getattr(plugin, "__name__", None) or type(plugin).__module__
    top = module.split(".")[0]
    for name in metadata.packages_distributions().get(top, []):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        entry = next((ep.name for ep in dist.entry_points if ep.group == "skillwiki" and ep.value.split(":")[0] == module), module)
        return dist.metadata["Name"] or name, dist.version or "", entry, module
    return module, "", module, module


def _problem(loaded: LoadedPlugin, stage: str, reason: str, action: str, domain: str | None = None, findings: tuple[Finding, ...] = ()) -> Problem:
    return Problem(loaded.distribution, loaded.version, loaded.entry_point, stage, reason, action, domain, findings)


def _is_root(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike)) or (hasattr(value, "joinpath") and hasattr(value, "is_dir"))


def _locate(findings: list[Finding]) -> None:
    if findings:  # (loading imports PyYAML)
        from .loading import resolve_locations

        resolve_locations(findings)


def _report_to(loaded: LoadedPlugin) -> str:
    return f"report it to the authors of {loaded.distribution}, or uninstall it (pip uninstall {loaded.distribution})"


def _plugin_roots(loaded: LoadedPlugin, impls: list[Any], problems: list[Problem]) -> list[Any]:
    """Call one plugin's ``skillwiki_domains`` implementations (``impls``): the bundle
    roots they name."""
    found: list[Any] = []
    for impl in impls:
        try:
            with plugin_output(), time_budget():
                roots = impl.function()
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # noqa: BLE001 - one plugin's bug is its problem only
            problems.append(_problem(loaded, "hook", f"skillwiki_domains() raised {_describe(error)}", _report_to(loaded)))
            continue
        if roots is None:
            continue
        if isinstance(roots, (str, bytes, os.PathLike)) or not isinstance(roots, (list, tuple)) or not all(_is_root(r) for r in roots):
            problems.append(_problem(loaded, "hook", f"skillwiki_domains() returned {roots!r:.200}, not a list of bundle roots (paths or importlib.resources traversables)", _report_to(loaded)))
            continue
        found.extend(roots)
    return found


# From this many bundle roots that are folders on disk, discovery reads part of them
# in a forked process at the same time: a bundle costs about a millisecond to read
# and check, a fork a few.
ROOTS_BESIDE = 24


@dataclass
class _Read:
    """A bundle root read and checked: the bundle and its findings, or what failed."""

    shown: str = ""
    bundle: Bundle | None = None
    findings: list[Finding] = field(default_factory=list)
    failure: str | None = None


def _read_roots(roots: list[Any], manager: Any, reader: Any = None) -> list[_Read]:
    """Every root read and checked, in order; the same whether or not part of them
    was read in a forked process.

    ``reader`` is a :class:`~skillwiki_sdk.parallel.Helper` forked before the
    installed plugins loaded, running :func:`_prepared_reader`. When the checks are
    the built-in ones only (no installed plugin contributes any: the reader has not
    imported them), it reads every bundle on disk, and this process none of them;
    otherwise it is closed.
    """
    from pathlib import PurePath

    from .parallel import map_beside
    from .plugins import checks_of

    on_disk = [index for index, root in enumerate(roots) if isinstance(root, (str, PurePath))]
    if reader is not None and (not on_disk or _contributed_checks(manager)):
        reader.close()
    try:
        checks: Any = checks_of(manager)  # the plugins' skillwiki_checks hooks once, not once a bundle
    except Exception:  # noqa: BLE001 - a plugin given to from_plugins returned no checks: each bundle reports it
        checks = None
    reads: list[_Read | None] = [None] * len(roots)
    if reader is not None and reader.send([(os.fspath(roots[index]),) for index in on_disk]):  # a path reads as its text
        got = reader.results()
        if got is not None and len(got) == len(on_disk):
            for index, read in zip(on_disk, got):
                reads[index] = read
    elif len(on_disk) >= ROOTS_BESIDE:
        # the first alone: the child then inherits what reading imports and compiles
        first = on_disk.pop(0)
        reads[first] = _read_root(roots[first], manager, checks)
        shared = map_beside(functools.partial(_read_root, manager=manager, checks=checks, jobs=1), [(roots[index],) for index in on_disk])
        for index, read in zip(on_disk, shared):
            reads[index] = read
    # what the reader did not bring back (there is none, or it failed), and what is not on disk
    return [read if read is not None else _read_root(root, manager, checks) for root, read in zip(roots, reads)]


def _contributed_checks(manager: Any) -> bool:
    """Whether a plugin other than the built-in ones implements ``skillwiki_checks``."""
    from .plugins import DEFAULT_PLUGINS

    return any(manager.get_name(impl.plugin) not in DEFAULT_PLUGINS for impl in manager.hook.skillwiki_checks.get_hookimpls())


def _prepared_reader() -> _Reader:
    """In a reader forked as discovery begins: import and compile what reading a
    bundle needs while the plugins load in the parent, and give the reader."""
    global _DISCOVERING
    import packaging.specifiers  # noqa: F401 - requires-sdk, as the manifest check reads it
    import packaging.version  # noqa: F401

    from . import validation  # noqa: F401 - and with it PyYAML
    from .plugins import _base_manager, checks_of
    from .schema import _fast_check

    _DISCOVERING = True  # as in the parent, which reads while discovering: links to other domains are its own check
    for name in ("domain", "atom"):
        _fast_check(name)
    manager = _base_manager()
    return _Reader(functools.partial(_read_root, manager=manager, checks=checks_of(manager), jobs=1))


# Where a plugin made by ``skillwiki new`` keeps its bundle, in its package.
_BUNDLE_FOLDER = "bundle"


class _Reader:
    """Reads bundle roots with the built-in checks (used only where they are all the
    checks); from :data:`ROOTS_BESIDE` roots on, a fork of it, which needs no
    preparing, reads half of them.

    Told the modules of the entry points about to load (while the parent imports
    them and calls their hooks), it reads at once, one by one and on one core, the
    bundles that they keep where ``skillwiki new`` puts them, until the roots come.
    Such a read is given for a root a hook then names only when the root is that
    same folder and nothing in the folder has changed since (a plugin may write its
    bundle as it loads): the results are those of reading every root when named.
    """

    def __init__(self, read: Any) -> None:
        self.read = read
        self.early: dict[str, tuple[list[tuple[Any, ...]], _Read]] = {}

    def __call__(self, items: list[tuple[Any]]) -> list[_Read]:
        reads: dict[str, _Read] = {}
        for (root,) in items:
            key = os.fspath(root)
            early = self.early.pop(key, None)
            if early is not None and early[0] == _tree_state(key):
                reads[key] = early[1]
        missing = [(key,) for key in dict.fromkeys(os.fspath(root) for root, in items) if key not in reads]
        for (key,), read in zip(missing, self._read_all(missing)):
            reads[key] = read
        return [reads[os.fspath(root)] for root, in items]

    def tell(self, modules: list[str], more: Any) -> None:
        for root in _likely_roots(modules):
            if more():
                return  # the roots have come: the rest is read with them
            if root not in self.early:
                state = _tree_state(root)  # before reading: a change meanwhile is seen later
                self.early[root] = (state, self.read(root))

    def _read_all(self, items: list[tuple[Any]]) -> list[_Read]:
        from .parallel import map_beside

        if len(items) >= ROOTS_BESIDE:
            return map_beside(self.read, items, share=0.5)
        return [self.read(*item) for item in items]


def _tree_state(root: str) -> list[tuple[Any, ...]]:
    """What changes when anything under the folder ``root`` changes: every entry's
    path, kind, size, inode and time of change, links not followed."""
    state: list[tuple[Any, ...]] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                for entry in listing:
                    info = entry.stat(follow_symlinks=False)
                    state.append((entry.path, info.st_mode, info.st_size, info.st_ino, info.st_mtime_ns, info.st_ctime_ns))
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
        except OSError as error:
            state.append((folder, error.errno))
    state.sort()
    return state


def _module_of(ep: Any) -> list[str]:
    """The module an entry point names, if its value can be read."""
    try:
        return [ep.module]
    except Exception:  # noqa: BLE001 - a malformed value: importing it will say so
        return []


def _likely_roots(modules: list[str]) -> list[str]:
    """The bundle folders that top-level packages ``modules`` hold where ``skillwiki
    new`` puts one, found without importing them (finding a submodule would import
    its package, so those are left out)."""
    import importlib.util

    roots = []
    for name in dict.fromkeys(modules):
        if "." in name:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except Exception:  # noqa: BLE001 - a name no finder can look up: no guess
            continue
        locations = list(spec.submodule_search_locations or ()) if spec is not None else []
        if locations and os.path.isfile(os.path.join(locations[0], _BUNDLE_FOLDER, "domain.yaml")):
            roots.append(os.path.join(locations[0], _BUNDLE_FOLDER))
    return roots


def _read_root(root: Any, manager: Any, checks: Any = None, jobs: int | None = None) -> _Read:
    """Load and check the bundle at ``root``; what goes wrong is the read's failure.
    ``checks`` (those of ``manager``) and ``jobs`` as for
    :func:`~skillwiki_sdk.validation.validate_bundle` and ``load_bundle``."""
    from .validation import load_bundle, validate_bundle

    try:
        with _as_folder(root) as path:
            if not os.path.isdir(path):
                return _Read(failure=f"bundle root {path} is not a folder")
            shown = path if isinstance(root, (str, os.PathLike)) else str(root).rstrip("/")
            bundle = load_bundle(path, display=shown, jobs=jobs)
            findings = validate_bundle(bundle, manager, checks=checks)
            _locate(findings)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # noqa: BLE001
        return _Read(failure=f"reading bundle {root!s:.200} failed: {_describe(error)}")
    return _Read(shown, bundle, findings)


def _accept(loaded: LoadedPlugin, root: Any, read: _Read, problems: list[Problem]) -> _Candidate | None:
    """The domain of a read bundle, or the problem that keeps it out."""
    report_to = _report_to(loaded)
    if read.bundle is None:
        problems.append(_problem(loaded, "bundle", read.failure or f"reading bundle {root!s:.200} failed", report_to))
        return None
    bundle, findings, shown = read.bundle, read.findings, read.shown
    name = bundle.domain.name if bundle.domain else None
    errors = tuple(sorted((f for f in findings if f.severity is Severity.ERROR), key=Finding.sort_key))
    if errors:
        first = errors[0]
        where = f"{first.file}:{first.line}" if first.line else f"{first.file}"
        summary = f"{len(errors)} error{'s' if len(errors) != 1 else ''}, first {where}: {first.code} {first.message}"
        if all(f.code in _COMPATIBILITY for f in errors):
            problems.append(_problem(loaded, "compatibility", summary, f"install a skillwiki-sdk that it supports, or upgrade {loaded.distribution} (pip install --upgrade {loaded.distribution})", name, errors))
        else:
            problems.append(_problem(loaded, "bundle", summary, f"run 'skillwiki validate {shown}' to see every finding; {report_to}", name, errors))
        return None
    assert bundle.domain is not None and name  # no errors means a usable manifest
    same = bundle.domain.version == loaded.version or _same_version(bundle.domain.version or "", loaded.version)
    if not same and loaded.version:  # "" is a plugin of Registry.from_plugins that is not installed
        finding = rules.VERSION_MISMATCH.finding(
            f"domain version {bundle.domain.version} differs from the distribution's version {loaded.version}",
            file=bundle.domain.source,
            path=("version",),
        )
        _locate([finding])
        problems.append(_problem(loaded, "bundle", finding.message, f"{report_to}: the domain's version must equal the distribution's", name, (finding,)))
        return None
    return _Candidate(loaded, shown, bundle, findings)


@contextlib.contextmanager
def _as_folder(root: Any) -> Iterator[str]:
    """A folder on disk holding the bundle ``root``: a path as it is; a traversable
    inside a zip (a plugin imported from a zip file) copied into a temporary folder,
    removed afterwards. ``importlib.resources.as_file`` does folders only from
    Python 3.12 on."""
    if isinstance(root, (str, os.PathLike)):
        yield os.fspath(root)
        return
    if not root.is_dir():
        yield str(root)  # reported as "not a folder"
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="skillwiki-bundle-") as tmp:
        _copy_tree(root, tmp, [0])
        yield tmp


def _copy_tree(folder: Any, dest: str, count: list[int]) -> None:
    from .loading import LIMITS

    for item in folder.iterdir():
        name = item.name
        if not name or name in (".", "..") or "/" in name or os.sep in name:
            continue  # never write outside dest
        target = os.path.join(dest, name)
        if item.is_dir():
            os.mkdir(target)
            _copy_tree(item, target, count)
        elif item.is_file():
            count[0] += 1
            if count[0] > LIMITS.files:
                return
            with item.open("rb") as source, open(target, "wb") as out:
                # one byte over the limit is enough for the loader to report the size
                out.write(source.read(LIMITS.file_bytes + 1))


def _same_version(one: str, other: str) -> bool:
    """Whether two versions are one in PEP 440 (``1.0`` and ``1.0.0``); texts that are
    not versions only when equal."""
    from packaging.version import InvalidVersion, Version

    try:
        return Version(one) == Version(other)
    except InvalidVersion:
        return one == other


def _resolve_conflicts(candidates: list[_Candidate], problems: list[Problem]) -> dict[str, InstalledDomain]:
    """Domains by name; a name claimed twice is a conflict for every claimant."""
    by_name: dict[str, list[_Candidate]] = {}
    for candidate in candidates:
        assert candidate.bundle.domain is not None
        by_name.setdefault(candidate.bundle.domain.name or "", []).append(candidate)
    domains: dict[str, InstalledDomain] = {}
    for name, claimants in by_name.items():
        if len(claimants) == 1:
            only = claimants[0]
            domains[name] = InstalledDomain(
                name=name,
                version=only.loaded.version,
                distribution=only.loaded.distribution,
                entry_point=only.loaded.entry_point,
                path=only.path,
                bundle=only.bundle,
                findings=[f for f in only.findings if f.severity is not Severity.ERROR],
            )
            continue
        for claimant in claimants:
            others = ", ".join(
                f"{other.loaded.distribution} {other.loaded.version} (entry point '{other.loaded.entry_point}')" for other in claimants if other is not claimant
            )
            dists = sorted({c.loaded.distribution for c in claimants})
            problems.append(
                _problem(
                    claimant.loaded,
                    "conflict",
                    f"domain '{name}' is also claimed by {others}; neither is loaded",
                    "keep one of them: pip uninstall " + " or pip uninstall ".join(dists),
                    name,
                )
            )
    return domains


def external_findings(bundle: Bundle, known: Mapping[str, set[str]], *, unknown_domains: bool = True) -> Iterator[Finding]:
    """``@other-domain/id`` links of ``bundle`` checked against ``known`` (domain → ids);
    a link to a domain not in ``known`` is SW303 only with ``unknown_domains``."""
    own = bundle.domain.name if bundle.domain else None
    for atom in bundle.atoms:
        for index, target in enumerate(atom.related):
            match = _EXTERNAL.match(target)
            if not match:
                continue
            domain, atom_id = match.groups()
            if domain == own:
                ids = bundle.atom_ids() | bundle.unloaded_ids
            elif domain in known:
                ids = known[domain]
            else:
                if not unknown_domains:
                    continue
                yield rules.UNKNOWN_DOMAIN_RELATED.finding(
                    f"related link '{target}' names domain '{domain}', which is not installed",
                    file=atom.source,
                    path=("related", index),
                    hint=f"install the plugin that provides '{domain}' to check this link (skillwiki list shows what is installed)",
                )
                continue
            if atom_id not in ids:
                yield rules.DANGLING_EXTERNAL_RELATED.finding(
                    f"related link '{target}' names atom '{atom_id}', which domain '{domain}' does not have",
                    file=atom.source,
                    path=("related", index),
                    hint=f"fix the id; 'skillwiki show {domain}' lists that domain",
                )


@check(rules.UNKNOWN_DOMAIN_RELATED, rules.DANGLING_EXTERNAL_RELATED)
def external_related(bundle: Bundle) -> Iterator[Finding]:
    """Every ``@other-domain/id`` link to an installed domain names one of its atoms.

    A link to a domain that is not installed here is not a finding of ``validate``
    (a plugin's CI need not install every domain it links to); ``skillwiki list``
    reports it (SW303) for installed domains, where it means a missing plugin."""
    if _DISCOVERING or not any(target.startswith("@") for atom in bundle.atoms for target in atom.related):
        return  # the registry checks links itself once every domain is loaded
    registry = Registry.discover()
    known = {name: entry.bundle.atom_ids() | entry.bundle.unloaded_ids for name, entry in registry.domains.items()}
    yield from external_findings(bundle, known, unknown_domains=False)


@hookimpl
def skillwiki_checks() -> list:
    return [external_related]
