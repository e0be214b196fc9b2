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

What discovery learns from a bundle is kept in the per-user cache
(:mod:`skillwiki_sdk.cache`), keyed by everything that could change the verdict, so
a discovery in which no bundle changed reads no atom file; and while nothing in the
environment changed at all (see :class:`_Snapshot`), the last discovery is used
again without importing the plugins: its ``registry.plugins`` then name them, with
``plugin`` set to ``None`` (``installed_plugins()`` imports them). Discovery runs in
the caller's process and thread, and leaves the process as it found it.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import __version__, rules
from .cache import Cache, digest, is_plain
from .errors import SkillwikiError
from .links import external_findings, external_links
from .model import Atom, AtomOrigin, Bundle, Domain, Finding, Severity, Source
from .plugins import (
    Guard,
    InstalledPlugins,
    LoadedPlugin,
    Problem,
    describe_error,
    installed_plugins,
    make_plugin_manager,
    no_guard,
    register_plugin,
)
from .snapshot import tree_state

__all__ = ["InstalledDomain", "Problem", "Registry"]

# Findings that say the bundle needs another SDK, not that it is broken.
_COMPATIBILITY = {rules.SCHEMA_TOO_NEW.code, rules.REQUIRES_SDK_UNSATISFIED.code}

# Set while this context discovers: a plugin's hook that discovers again is refused
# (per context, so another thread's discovery is not affected).
_DISCOVERING: contextvars.ContextVar[bool] = contextvars.ContextVar("skillwiki_discovering", default=False)


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


class Registry:
    """The installed domains by name, and the problems of the plugins left out."""

    def __init__(
        self, domains: Mapping[str, InstalledDomain], problems: list[Problem], plugins: InstalledPlugins | None = None
    ) -> None:
        self.domains: dict[str, InstalledDomain] = dict(sorted(domains.items()))
        self.problems: list[Problem] = problems
        self.plugins = plugins or InstalledPlugins()
        # the token of the discovery's snapshot this registry was read from or kept
        # in (see skillwiki_sdk.snapshot), or None: what is derived from the registry
        # (the match index of `skillwiki match`) may be kept under it
        self.snapshot: str | None = None

    @classmethod
    def discover(
        cls, *, plugins: InstalledPlugins | None = None, guard: Guard = no_guard, cache: Cache | bool | None = True
    ) -> Registry:
        """The registry of this environment, discovered now.

        ``plugins``: the installed plugins already loaded (default: load them now,
        each import inside ``guard``, as each hook call is). ``cache``: ``True`` for
        the per-user cache the environment names (:meth:`Cache.default`), a
        :class:`~skillwiki_sdk.cache.Cache`, or ``False``/``None`` for none.
        """
        if _DISCOVERING.get():
            raise SkillwikiError("Registry.discover() was called from a plugin's code while discovering")
        chosen = Cache.default() if cache is True else (cache or None)
        snapshot = _Snapshot(chosen) if chosen is not None and plugins is None else None
        if snapshot is not None:
            known = snapshot.load()
            if known is not None:
                return known
        token = _DISCOVERING.set(True)
        try:
            # bound before any plugin is imported: a plugin that replaces PyYAML's
            # loaders at import does not change how the others' bundles are read
            from . import loading  # noqa: F401

            installed = plugins if plugins is not None else installed_plugins(guard=guard)
            manager = installed.manager or make_plugin_manager(installed=installed)
            problems = list(installed.problems)
            discovery = _Discovery(manager, problems, guard, chosen)
            domains = discovery.load(installed.plugins)
        finally:
            _DISCOVERING.reset(token)
        problems.sort(key=lambda p: (p.distribution.lower(), p.entry_point, p.stage))
        registry = cls(domains, problems, installed)
        if snapshot is not None:
            snapshot.store(registry, discovery)
        return registry

    @classmethod
    def from_plugins(cls, plugins: Sequence[object], *, guard: Guard = no_guard) -> Registry:
        """A registry of only ``plugins`` (plugin modules or objects), loaded as
        :meth:`discover` loads installed ones but without any installed plugin: for
        testing a plugin in isolation. Not cached. A plugin's distribution and version
        are looked up when its module is installed; otherwise the distribution is the
        module's name and the domain's version is not compared with it.
        """
        problems: list[Problem] = []
        loaded_plugins: list[LoadedPlugin] = []
        manager = make_plugin_manager(installed=False)
        for plugin in plugins:
            distribution, version, entry_point, value, dist = _origin(plugin)
            refused = None if manager.is_registered(plugin) else register_plugin(manager, plugin)
            if refused:
                problems.append(
                    Problem(
                        distribution,
                        version,
                        entry_point,
                        "import",
                        f"'{value}' is not a valid plugin: {refused}",
                        "fix its hooks; hook names are listed in skillwiki_sdk.hookspecs",
                    )
                )
            else:
                loaded_plugins.append(LoadedPlugin(distribution, version, entry_point, value, plugin, dist))
        domains = _Discovery(manager, problems, guard, None).load(loaded_plugins)
        return cls(domains, problems, InstalledPlugins(plugins=loaded_plugins, problems=list(problems), autoload=False))

    def known_ids(self) -> dict[str, set[str]]:
        """Each domain's name and the atom ids it answers to: what an
        ``@domain/id`` link may name."""
        return {name: entry.bundle.atom_ids() | entry.bundle.unloaded_ids for name, entry in self.domains.items()}

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

    def listing(self) -> dict[str, Any]:
        """What ``skillwiki list`` shows: :meth:`to_dict` and which plugins were
        chosen (``autoload``, ``selected``)."""
        selected = self.plugins.selected
        return {
            "autoload": self.plugins.autoload,
            "selected": list(selected) if selected is not None else None,
            **self.to_dict(),
        }

    # --- Consumers (issue 15): thin delegates to skillwiki_sdk.query and .match ---

    def atoms(
        self, domain: str | None = None, *, kind: Any = None, tag: Any = None, axis: Mapping[str, Any] | None = None
    ) -> list[Any]:
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


def _origin(plugin: object) -> tuple[str, str, str, str, Any]:
    """(distribution, version, entry point, module, dist) of a plugin given as an
    object: from the installed distribution that ships its module, else
    ``(module, "", module, module, None)``."""
    from importlib import metadata

    module = getattr(plugin, "__name__", None) or type(plugin).__module__
    top = module.split(".")[0]
    for name in metadata.packages_distributions().get(top, []):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        entry = next(
            (ep.name for ep in dist.entry_points if ep.group == "skillwiki" and ep.value.split(":")[0] == module),
            module,
        )
        return dist.metadata["Name"] or name, dist.version or "", entry, module, dist
    return module, "", module, module, None


def _report_to(loaded: LoadedPlugin) -> str:
    return f"report it to the authors of {loaded.distribution}, or uninstall it (pip uninstall {loaded.distribution})"


def _problem(
    loaded: LoadedPlugin,
    stage: str,
    reason: str,
    action: str,
    domain: str | None = None,
    findings: tuple[Finding, ...] = (),
) -> Problem:
    return Problem(loaded.distribution, loaded.version, loaded.entry_point, stage, reason, action, domain, findings)


def _is_root(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike)) or (hasattr(value, "joinpath") and hasattr(value, "is_dir"))


def _on_disk(root: Any) -> str | None:
    """The folder a root names on disk: a path, or a traversable that is one (what
    ``importlib.resources.files`` gives for a package installed as files)."""
    if isinstance(root, (str, os.PathLike)):
        try:
            return os.fspath(root)
        except TypeError:
            return None
    return None


@dataclass
class _Read:
    """A bundle root read and checked: the bundle and its findings, or what failed.
    ``links``: where each ``@domain/id`` link is, (atom index, link index) → (line,
    column), so that their findings need no file read again."""

    shown: str = ""
    bundle: Bundle | None = None
    findings: list[Finding] = field(default_factory=list)
    failure: str | None = None
    links: dict[tuple[int, int], tuple[int | None, int | None]] = field(default_factory=dict)


@dataclass
class _Candidate:
    """A read bundle accepted: ``bundle`` is ``read.bundle``, ``name`` its domain's."""

    loaded: LoadedPlugin
    read: _Read
    bundle: Bundle
    name: str


class _Discovery:
    """One discovery: the hooks called, each root read (or taken from the cache),
    then what is accepted."""

    def __init__(self, manager: Any, problems: list[Problem], guard: Guard, cache: Cache | None) -> None:
        self.manager = manager
        self.problems = problems
        self.guard = guard
        self.cache = cache
        self._checks: list[Any] | None = None
        self._checks_failed: BaseException | None = None
        self._checkers: list[list[str]] = []
        self._key_base: list[Any] | None = None
        # every root named, and whether it is a folder on disk whose files can be told
        self.roots: list[Any] = []
        # the tree of each bundle folder, as its cache key saw it (the snapshot keeps
        # it), and each bundle's data as its cache entry holds it, by the bundle's id
        self.trees: dict[str, list[Any]] = {}
        self.kept: dict[int, dict[str, Any]] = {}

    def load(self, plugins: list[LoadedPlugin]) -> dict[str, InstalledDomain]:
        impls: dict[int, list[Any]] = {}  # each plugin's skillwiki_domains, in calling order
        for impl in self.manager.hook.skillwiki_domains.get_hookimpls():
            impls.setdefault(id(impl.plugin), []).append(impl)
        records = _Records(plugins)
        adding = {impl.plugin for impl in self.manager.hook.skillwiki_checks.get_hookimpls()}
        self._checkers = sorted([loaded.distribution, loaded.version] for loaded in plugins if loaded.plugin in adding)
        candidates: list[_Candidate] = []
        for loaded in plugins:
            for root in self._roots(loaded, impls.get(id(loaded.plugin), [])):
                self.roots.append(root)
                owner = records.owner_of(root)
                if owner is not None and owner.distribution != loaded.distribution:
                    self.problems.append(
                        _problem(
                            loaded,
                            "hook",
                            f"skillwiki_domains() returned {root!s:.200}, a bundle of {owner.distribution} "
                            "(it is in that distribution's RECORD)",
                            _report_to(loaded),
                        )
                    )
                    continue
                candidate = self._accept(loaded, root, self._read(root, records.hashes(loaded, root)))
                if candidate is not None:
                    candidates.append(candidate)
        domains = _resolve_conflicts(candidates, self.problems)
        return self._check_links(domains)

    def _roots(self, loaded: LoadedPlugin, impls: list[Any]) -> list[Any]:
        """Call one plugin's ``skillwiki_domains`` implementations: the bundle roots
        they name."""
        found: list[Any] = []
        for impl in impls:
            try:
                with self.guard(f"the skillwiki_domains hook of {loaded.distribution}"):
                    roots = impl.function()
                    if (
                        roots is not None
                        and not isinstance(roots, (str, bytes, os.PathLike))
                        and isinstance(roots, (list, tuple))
                    ):
                        roots = list(roots)
            except KeyboardInterrupt:
                raise
            except BaseException as error:  # noqa: BLE001 - one plugin's bug is its problem only
                self.problems.append(
                    _problem(loaded, "hook", f"skillwiki_domains() raised {describe_error(error)}", _report_to(loaded))
                )
                continue
            if roots is None:
                continue
            if not isinstance(roots, list) or not all(_is_root(r) for r in roots):
                self.problems.append(
                    _problem(
                        loaded,
                        "hook",
                        f"skillwiki_domains() returned {_safe_repr(roots)}, not a list of bundle roots "
                        "(paths or importlib.resources traversables)",
                        _report_to(loaded),
                    )
                )
                continue
            found.extend(roots)
        return found

    def checks(self) -> list[Any] | None:
        """The checks of every registered plugin, asked once, when a bundle is read."""
        if self._checks_failed is not None:
            raise self._checks_failed  # a plugin given to from_plugins returned no checks: each bundle reports it
        if self._checks is None:
            from .plugins import checks_of

            try:
                self._checks = checks_of(self.manager, self.guard)
            except Exception as error:
                self._checks_failed = error
                raise
        return self._checks

    def _key(self, path: str, hashes: list[Any]) -> str | None:
        """What could change the verdict on the bundle at ``path``: its files (path,
        kind, size, time of change), the RECORD hashes of them where a wheel was
        installed, the SDK, its schemas and the plugins that add checks."""
        if self._key_base is None:
            from .schema_files import schema_digest

            self._key_base = [__version__, schema_digest(), self._checkers]
        tree = tree_state(path)
        if tree is None:
            return None
        self.trees[path] = tree
        return digest([self._key_base, path, tree, hashes])

    def _read(self, root: Any, hashes: list[Any]) -> _Read:
        path = _on_disk(root)
        key = self._key(path, hashes) if path is not None and self.cache is not None else None
        if key is not None and path is not None and self.cache is not None:
            data = self.cache.get(path, key)
            if data is not None:
                read = _read_from_data(data)
                if read is not None:
                    self.kept[id(read.bundle)] = data
                    return read
        read = self._read_root(root)
        if key is not None and path is not None and self.cache is not None and read.bundle is not None:
            data = _read_to_data(read)
            if data is not None:
                self.kept[id(read.bundle)] = data
                self.cache.put(path, key, data)
        return read

    def _read_root(self, root: Any) -> _Read:
        """Load and check the bundle at ``root``; what goes wrong is the read's failure."""
        from .loading import resolve_locations
        from .validation import load_bundle, validate_bundle

        try:
            with _as_folder(root) as path:
                if not os.path.isdir(path):
                    return _Read(failure=f"bundle root {_safe_text(path)} is not a folder")
                shown = path if isinstance(root, (str, os.PathLike)) else str(root).rstrip("/")
                bundle = load_bundle(path, display=shown)
                findings = validate_bundle(bundle, self.manager, checks=self.checks())
                resolve_locations(findings)
                links = {
                    (number, index): _probe(bundle.atoms[number], index) for number, index, *_ in external_links(bundle)
                }
                resolve_locations(list(links.values()))
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # noqa: BLE001
            return _Read(failure=f"reading bundle {_safe_text(root)} failed: {describe_error(error)}")
        return _Read(
            shown, bundle, findings, links={where: (probe.line, probe.column) for where, probe in links.items()}
        )

    def _accept(self, loaded: LoadedPlugin, root: Any, read: _Read) -> _Candidate | None:
        """The domain of a read bundle, or the problem that keeps it out."""
        report_to = _report_to(loaded)
        if read.bundle is None:
            self.problems.append(
                _problem(loaded, "bundle", read.failure or f"reading bundle {_safe_text(root)} failed", report_to)
            )
            return None
        bundle, findings, shown = read.bundle, read.findings, read.shown
        name = bundle.domain.name if bundle.domain else None
        errors = tuple(sorted((f for f in findings if f.severity is Severity.ERROR), key=Finding.sort_key))
        if errors:
            first = errors[0]
            where = f"{first.file}:{first.line}" if first.line else f"{first.file}"
            summary = (
                f"{len(errors)} error{'s' if len(errors) != 1 else ''}, first {where}: {first.code} {first.message}"
            )
            if all(f.code in _COMPATIBILITY for f in errors):
                self.problems.append(
                    _problem(
                        loaded,
                        "compatibility",
                        summary,
                        f"install a skillwiki-sdk that it supports, or upgrade {loaded.distribution} "
                        f"(pip install --upgrade {loaded.distribution})",
                        name,
                        errors,
                    )
                )
            else:
                self.problems.append(
                    _problem(
                        loaded,
                        "bundle",
                        summary,
                        f"run 'skillwiki validate {shown}' to see every finding; {report_to}",
                        name,
                        errors,
                    )
                )
            return None
        domain = bundle.domain
        if domain is None or not name:
            # no errors means a usable manifest: its absence and a missing name are errors
            # (SW101, SW102) in domain.yaml, which no atom can silence
            raise RuntimeError(f"bundle {shown} has no errors, yet no domain name")
        if loaded.version and not _same_version(domain.version or "", loaded.version):
            # "" is a plugin of Registry.from_plugins that is not installed
            from .loading import resolve_locations

            finding = rules.VERSION_MISMATCH.finding(
                f"domain version {domain.version} differs from the distribution's version {loaded.version}",
                file=domain.source,
                path=("version",),
            )
            resolve_locations([finding])
            self.problems.append(
                _problem(
                    loaded,
                    "bundle",
                    finding.message,
                    f"{report_to}: the domain's version must equal the distribution's",
                    name,
                    (finding,),
                )
            )
            return None
        return _Candidate(loaded, read, bundle, name)

    def _check_links(self, domains: dict[str, tuple[InstalledDomain, _Read]]) -> dict[str, InstalledDomain]:
        """Check the ``@other-domain/id`` links among the domains that loaded: a
        link to an atom another installed domain lacks leaves the domain out, as
        ``validate`` rejects it; a link to a domain not installed is a warning."""
        known = {name: entry.bundle.atom_ids() | entry.bundle.unloaded_ids for name, (entry, _) in domains.items()}
        # installed, but left out before the links are checked (a bundle with errors, a conflict)
        left_out = {p.domain: p.reason for p in self.problems if p.domain and p.domain not in known}
        accepted: dict[str, InstalledDomain] = {}
        for name, (entry, read) in domains.items():
            extra = list(external_findings(entry.bundle, known, left_out=left_out))
            if extra:
                from .validation import silenced

                try:
                    checks = self.checks() or []
                except Exception:  # noqa: BLE001 - their failure is each bundle's finding already
                    checks = []
                extra = silenced(entry.bundle, extra, checks)  # as validate silences them
            if extra:
                where = {
                    (atom.source.display, index): read.links.get((number, index))
                    for number, index, *_ in external_links(entry.bundle)
                    for atom in (entry.bundle.atoms[number],)
                }
                for finding in extra:
                    index = finding.path[-1] if finding.path else None
                    line_column = where.get((finding.file or "", index)) if isinstance(index, int) else None
                    if line_column is not None:
                        finding.line, finding.column = line_column
                        finding.source = None
            errors = tuple(f for f in extra if f.severity is Severity.ERROR)
            if errors:
                first = errors[0]
                reason = (
                    f"{len(errors)} error{'s' if len(errors) != 1 else ''}, "
                    f"first {first.file}:{first.line}: {first.code} {first.message}"
                )
                self.problems.append(
                    Problem(
                        entry.distribution,
                        entry.version,
                        entry.entry_point,
                        "bundle",
                        reason,
                        f"fix the link, or upgrade {entry.distribution}",
                        name,
                        errors,
                    )
                )
                continue
            entry.findings.extend(extra)
            entry.findings.sort(key=Finding.sort_key)
            accepted[name] = entry
        return accepted


class _Snapshot:
    """The whole outcome of the last discovery of this environment (see
    :mod:`skillwiki_sdk.snapshot`). A discovery in which a plugin failed to import or
    its hook failed is not kept: such a failure may not last."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self._key: str | None = None
        self._keyed = False

    def key(self) -> str | None:
        if not self._keyed:
            from .snapshot import key_of

            self._key, self._keyed = key_of(self.cache), True
        return self._key

    def load(self) -> Registry | None:
        from .snapshot import load, registry_data

        key = self.key()
        head = load(self.cache, key)
        if head is None or key is None:
            return None
        data = registry_data(self.cache, key, head)
        if not isinstance(data, dict):
            return None
        try:
            registry = _registry_from_data(data)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        if registry is not None:
            registry.snapshot = head["body"]
        return registry

    def store(self, registry: Registry, discovery: _Discovery) -> None:
        from .snapshot import plugin_files, store

        if any(problem.stage in ("import", "hook") for problem in registry.problems):
            return
        on_disk = [_on_disk(root) for root in discovery.roots]
        if any(path is None for path in on_disk):
            return  # a bundle inside a zip: its files cannot be told from here
        registry.snapshot = store(
            self.cache,
            self.key(),
            [p for p in on_disk if p is not None],
            plugin_files((plugin.value for plugin in registry.plugins.plugins), registry.plugins.imported),
            _registry_to_data(registry, discovery.kept),
            registry.listing(),
            seen=discovery.trees,
        )


def _problem_data(problem: Problem) -> list[Any]:
    return [
        problem.distribution,
        problem.version,
        problem.entry_point,
        problem.stage,
        problem.reason,
        problem.action,
        problem.domain,
        [_finding_data(f) for f in problem.findings],
    ]


def _problem_from(data: list[Any]) -> Problem:
    distribution, version, entry_point, stage, reason, action, domain, findings = data
    return Problem(
        distribution, version, entry_point, stage, reason, action, domain, tuple(_finding_from(f) for f in findings)
    )


def _registry_to_data(registry: Registry, kept: Mapping[int, dict[str, Any]]) -> dict[str, Any] | None:
    """The registry as plain data; ``kept``: the data each bundle's cache entry holds,
    by the bundle's ``id`` (taken as it is, not made and checked again)."""
    installed = registry.plugins
    domains = []
    for entry in registry:
        known = kept.get(id(entry.bundle))
        if known is not None and known["shown"] == entry.path:
            read: dict[str, Any] | None = {**known, "findings": [], "links": []}
        else:
            read = _read_to_data(_Read(entry.path, entry.bundle, []))
        if read is None:
            return None
        domains.append(
            [
                entry.name,
                entry.version,
                entry.distribution,
                entry.entry_point,
                entry.path,
                read,
                [_finding_data(f) for f in entry.findings],
            ]
        )
    return {
        "domains": domains,
        "problems": [_problem_data(p) for p in registry.problems],
        "plugins": [[p.distribution, p.version, p.entry_point, p.value] for p in installed.plugins],
        "autoload": installed.autoload,
        "selected": list(installed.selected) if installed.selected is not None else None,
    }


def _registry_from_data(data: dict[str, Any]) -> Registry | None:
    domains = {}
    for name, version, distribution, entry_point, path, read_data, findings in data["domains"]:
        read = _read_from_data(read_data)
        if read is None or read.bundle is None:
            return None
        domains[name] = InstalledDomain(
            name, version, distribution, entry_point, path, read.bundle, [_finding_from(f) for f in findings]
        )
    selected = data["selected"]
    plugins = InstalledPlugins(
        plugins=[
            LoadedPlugin(distribution, version, entry_point, value, None)
            for distribution, version, entry_point, value in data["plugins"]
        ],
        problems=[],
        autoload=bool(data["autoload"]),
        selected=tuple(selected) if selected is not None else None,
    )
    return Registry(domains, [_problem_from(p) for p in data["problems"]], plugins)


def _probe(atom: Atom, index: int) -> Finding:
    return rules.DANGLING_EXTERNAL_RELATED.finding("", file=atom.source, path=("related", index))


def _safe_text(value: Any) -> str:
    try:
        return f"{value!s:.200}"
    except Exception:  # noqa: BLE001 - a plugin's object whose str() raises
        return f"<{type(value).__name__}>"


def _safe_repr(value: Any) -> str:
    try:
        return f"{value!r:.200}"
    except Exception:  # noqa: BLE001
        return f"<{type(value).__name__}>"


class _Records:
    """The installed files of each plugin's distribution, from its RECORD: which
    distribution a bundle folder belongs to, and the hashes of its files."""

    def __init__(self, plugins: list[LoadedPlugin]) -> None:
        self._plugins = plugins
        self._files: dict[int, list[tuple[str, str]]] | None = None
        self._all: list[tuple[str, int]] = []

    def _load(self) -> dict[int, list[tuple[str, str]]]:
        if self._files is None:
            self._files = {}
            for number, loaded in enumerate(self._plugins):
                files = _record_files(loaded.dist)
                self._files[id(loaded)] = files
                self._all.extend((name, number) for name, _ in files)
            self._all.sort()
        return self._files

    def owner_of(self, root: Any) -> LoadedPlugin | None:
        """The plugin whose distribution installed files under the folder ``root``."""
        import bisect

        path = _on_disk(root)
        if path is None:
            return None
        inside = os.path.join(os.path.normpath(os.path.abspath(path)), "")
        self._load()
        at = bisect.bisect_left(self._all, (inside, -1))
        if at < len(self._all) and self._all[at][0].startswith(inside):
            return self._plugins[self._all[at][1]]
        return None

    def hashes(self, loaded: LoadedPlugin, root: Any) -> list[tuple[str, str]]:
        """The RECORD hashes of the files under ``root`` that ``loaded`` installed."""
        path = _on_disk(root)
        if path is None:
            return []
        inside = os.path.join(os.path.normpath(os.path.abspath(path)), "")
        return [
            (name[len(inside) :], value) for name, value in self._load().get(id(loaded), ()) if name.startswith(inside)
        ]


def _record_files(dist: Any) -> list[tuple[str, str]]:
    """(absolute path, hash) of every file a distribution's RECORD lists with a hash."""
    if dist is None:
        return []
    try:
        text = dist.read_text("RECORD")
        base = os.fspath(dist.locate_file(""))
    except Exception:  # noqa: BLE001 - no RECORD (an egg, a bare folder), or one that cannot be read
        return []
    if not text:
        return []
    import csv

    files = []
    try:
        for row in csv.reader(text.splitlines()):
            if len(row) >= 2 and row[1]:
                files.append((os.path.normpath(os.path.join(base, row[0])), row[1]))
    except csv.Error:
        return []
    return sorted(files)


def _finding_data(finding: Finding) -> list[Any]:
    return [
        finding.code,
        finding.severity.value,
        finding.message,
        finding.file,
        finding.line,
        finding.column,
        finding.hint,
    ]


def _finding_from(data: list[Any]) -> Finding:
    code, severity, message, file, line, column, hint = data
    return Finding(
        code=code, severity=Severity(severity), message=message, file=file, line=line, column=column, hint=hint
    )


def _read_to_data(read: _Read) -> dict[str, Any] | None:
    """A read as plain data for the cache, or ``None`` when it does not survive JSON
    unchanged (a date among an atom's extension keys, say)."""
    bundle = read.bundle
    if bundle is None:
        raise ValueError("a read that failed has no bundle to keep")
    domain = bundle.domain
    data = {
        "shown": read.shown,
        "root": bundle.root,
        "files": bundle.files,
        "unloaded": sorted(bundle.unloaded_ids),
        "domain": None
        if domain is None
        else [domain.source.display, domain.source.path, domain.source.offset, dict(domain.raw)],
        "atoms": [
            [a.stem, a.source.display, a.source.path, a.source.offset, a.body_chars, a.body_line, a.raw]
            for a in bundle.atoms
        ],
        "loaded": [_finding_data(f) for f in bundle.findings],
        "findings": [_finding_data(f) for f in read.findings],
        "links": [[number, index, line, column] for (number, index), (line, column) in read.links.items()],
    }
    return data if is_plain(data) else None


def _read_body(atom: Atom) -> str:
    """An atom's body, read when asked (PyYAML is imported only then)."""
    from .loading import read_body

    return read_body(atom.source.path, atom.source.display)


def _read_from_data(data: Any) -> _Read | None:
    """The read that :func:`_read_to_data` kept, or ``None`` for data of another shape."""
    try:
        domain_data = data["domain"]
        domain = None
        if domain_data is not None:
            display, path, offset, raw = domain_data
            domain = Domain.from_raw(raw, Source(display, path, offset))
        atoms = [
            Atom.from_raw(raw, Source(display, path, offset), stem, body_chars, body_line)
            for stem, display, path, offset, body_chars, body_line, raw in data["atoms"]
        ]
        bundle = Bundle(
            root=data["root"],
            domain=domain,
            atoms=atoms,
            findings=[_finding_from(f) for f in data["loaded"]],
            files=data["files"],
            unloaded_ids=set(data["unloaded"]),
            origin=AtomOrigin(domain.name if domain is not None else None, read_body=_read_body),
        )
        links = {(number, index): (line, column) for number, index, line, column in data["links"]}
        return _Read(data["shown"], bundle, [_finding_from(f) for f in data["findings"]], links=links)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


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
        _copy_tree(root, tmp, [0], 0)
        yield tmp


class _TooLarge(Exception):
    pass


def _copy_tree(folder: Any, dest: str, count: list[int], depth: int) -> None:
    """Copy a traversable's tree into ``dest``, within the loader's limits: more
    entries or deeper nesting than a bundle may have stops the copy (an ``iterdir``
    that never ends, too)."""
    from .loading import LIMITS

    if depth > 32:
        raise _TooLarge("the bundle's folders nest more than 32 levels deep")
    for item in folder.iterdir():
        count[0] += 1
        if count[0] > LIMITS.files + 1000:
            raise _TooLarge(f"the bundle has more than {LIMITS.files:,} entries")
        name = item.name
        if not name or name in (".", "..") or "/" in name or os.sep in name or "\x00" in name:
            continue  # never write outside dest
        target = os.path.join(dest, name)
        if item.is_dir():
            os.mkdir(target)
            _copy_tree(item, target, count, depth + 1)
        elif item.is_file():
            with item.open("rb") as source, open(target, "wb") as out:
                # one byte over the limit is enough for the loader to report the size
                out.write(source.read(LIMITS.file_bytes + 1))


def _same_version(one: str, other: str) -> bool:
    """Whether two versions are one in PEP 440 (``1.0`` and ``1.0.0``); texts that are
    not versions only when equal."""
    if one == other:
        return True
    from packaging.version import InvalidVersion, Version

    try:
        return Version(one) == Version(other)
    except InvalidVersion:
        return False


def _resolve_conflicts(
    candidates: list[_Candidate], problems: list[Problem]
) -> dict[str, tuple[InstalledDomain, _Read]]:
    """Domains by name; a name claimed twice is a conflict for every claimant."""
    by_name: dict[str, list[_Candidate]] = {}
    for candidate in candidates:
        by_name.setdefault(candidate.name, []).append(candidate)
    domains: dict[str, tuple[InstalledDomain, _Read]] = {}
    for name, claimants in by_name.items():
        if len(claimants) == 1:
            only = claimants[0]
            entry = InstalledDomain(
                name=name,
                version=only.loaded.version,
                distribution=only.loaded.distribution,
                entry_point=only.loaded.entry_point,
                path=only.read.shown,
                bundle=only.bundle,
                findings=[f for f in only.read.findings if f.severity is not Severity.ERROR],
            )
            domains[name] = (entry, only.read)
            continue
        for claimant in claimants:
            others = ", ".join(
                f"{other.loaded.distribution} {other.loaded.version} (entry point '{other.loaded.entry_point}')"
                for other in claimants
                if other is not claimant
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
