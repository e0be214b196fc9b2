"""The plugin manager: the SDK's own checks and the installed plugins, registered alike.

Installed plugins are the entry points of the group ``skillwiki``. Each is loaded on
its own, so that one that fails to import (or that implements a hook that does not
exist) is recorded as a :class:`Problem` and never stops the others.

Finding the entry points (metadata only) is apart from loading them, as in flake8.
Nothing here is remembered between calls: a caller that wants one load for several
uses keeps the :class:`InstalledPlugins` it got and passes it on.

Plugin code runs in the caller's process as it is: this module never redirects
output, arms timers or installs signal handlers. A caller that owns its process
(the ``skillwiki`` command) passes a *guard*, a function that takes a description
of the plugin code about to run and returns a context manager to run it in.

Two environment variables choose what is loaded, as pytest's
``PYTEST_DISABLE_PLUGIN_AUTOLOAD`` and datasette's ``DATASETTE_LOAD_PLUGINS`` do:

``SKILLWIKI_DISABLE_PLUGIN_AUTOLOAD``
    any value but ``""``, ``0``, ``false`` or ``no``: load no installed plugin.
``SKILLWIKI_LOAD_PLUGINS``
    a comma-separated list of distribution or entry-point names: load only these
    (this wins over the variable above; set but empty, it loads none).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .environment import DISABLE_AUTOLOAD_ENV, ENTRY_POINT_GROUP, LOAD_PLUGINS_ENV, normalize, selection
from .model import Check, Finding, Rule

if TYPE_CHECKING:
    import pluggy

__all__ = [
    "DEFAULT_PLUGINS",
    "DISABLE_AUTOLOAD_ENV",
    "ENTRY_POINT_GROUP",
    "LOAD_PLUGINS_ENV",
    "Guard",
    "InstalledPlugins",
    "LoadedPlugin",
    "Problem",
    "checks_of",
    "describe_error",
    "find_entry_points",
    "installed_plugins",
    "load_entry_point",
    "make_plugin_manager",
    "no_guard",
    "register_plugin",
    "rules_of",
]

# Built-in checks go through the same registration as an outside plugin's.
DEFAULT_PLUGINS = (
    "skillwiki_sdk.checks.manifest",
    "skillwiki_sdk.checks.atoms",
    "skillwiki_sdk.checks.references",
    "skillwiki_sdk.checks.vocabulary",
)


# Registered names of installed plugins start with this, so they are told from built-ins.
INSTALLED_PREFIX = "entry-point:"

STAGES = ("import", "hook", "bundle", "compatibility", "conflict")

Guard = Callable[[str], contextlib.AbstractContextManager[None]]
"""Runs plugin code: called with what is about to run (``"importing skillwiki-foo"``),
it returns the context manager that the code runs in. An exception it raises (a
time budget that ran out) is that plugin's problem, as the plugin's own would be."""


def no_guard(what: str) -> contextlib.AbstractContextManager[None]:
    """The library's guard: plugin code runs as it is."""
    return contextlib.nullcontext()


@dataclass(frozen=True)
class Problem:
    """Why an installed plugin (or one of its domains) was left out.

    ``stage`` is where it failed: ``import`` (the entry point did not load or its hooks
    are not valid), ``hook`` (``skillwiki_domains`` raised or returned something that
    is not a list of bundle roots), ``bundle`` (a bundle has errors or its version is
    not the distribution's), ``compatibility`` (it needs another skillwiki-sdk) or
    ``conflict`` (another distribution claims the same domain name). ``action`` says
    what to do about it.
    """

    distribution: str
    version: str
    entry_point: str
    stage: str
    reason: str
    action: str
    domain: str | None = None
    findings: tuple[Finding, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The problem in the stable JSON shape of ``skillwiki list``."""
        return {
            "distribution": self.distribution,
            "version": self.version,
            "entry_point": self.entry_point,
            "stage": self.stage,
            "domain": self.domain,
            "reason": self.reason,
            "action": self.action,
            "findings": [finding.to_dict() for finding in self.findings],
        }


@dataclass(frozen=True)
class LoadedPlugin:
    """An entry point of group ``skillwiki`` that imported and whose hooks are valid.

    ``dist`` is its ``importlib.metadata`` distribution (``None`` for a plugin given
    as an object that no installed distribution ships)."""

    distribution: str
    version: str
    entry_point: str
    value: str
    plugin: object
    dist: Any = field(default=None, repr=False, compare=False)

    @property
    def registered_name(self) -> str:
        return f"{INSTALLED_PREFIX}{self.distribution}:{self.entry_point}"


@dataclass
class InstalledPlugins:
    """The outcome of loading the installed plugins: those loaded, and the problems.

    ``manager`` holds the built-in checks and ``plugins``, registered while they were
    checked; :func:`make_plugin_manager` makes a fresh one from them."""

    plugins: list[LoadedPlugin] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    autoload: bool = True
    selected: tuple[str, ...] | None = None
    manager: pluggy.PluginManager | None = field(default=None, repr=False, compare=False)
    # the modules first imported while the plugins were (a plugin's own, and what it
    # imports in turn): what a cache of this load must watch for edits in place
    imported: tuple[str, ...] = field(default=(), repr=False, compare=False)


def find_entry_points() -> tuple[list[tuple[str, str, Any]], list[Problem]]:
    """(distribution, version, entry point) of group ``skillwiki``, in a stable order,
    and the problems of distributions whose metadata cannot be read.

    Only the distributions that have such an entry point have their metadata read
    (once each, headers only): an environment holds many more that are not plugins.
    Nothing is imported.
    """
    from importlib import metadata

    found: list[tuple[str, str, Any]] = []
    problems: list[Problem] = []
    described: dict[int, tuple[str, str] | None] = {}
    try:
        entry_points = list(metadata.entry_points(group=ENTRY_POINT_GROUP))
    except Exception as error:  # noqa: BLE001 - a broken entry_points.txt somewhere in the environment
        return [], [
            Problem(
                "?",
                "",
                "?",
                "import",
                f"listing the entry points failed: {describe_error(error)}",
                "repair or remove the distribution whose metadata is damaged",
            )
        ]
    for ep in entry_points:
        dist = getattr(ep, "dist", None)
        if dist is None:
            continue
        if id(dist) not in described:
            try:
                described[id(dist)] = _name_and_version(dist)
            except Exception as error:  # noqa: BLE001 - METADATA that is not UTF-8, unreadable, ...
                described[id(dist)] = None
                where = getattr(dist, "_path", None)
                problems.append(
                    Problem(
                        str(where or "?"),
                        "",
                        ep.name,
                        "import",
                        f"its metadata cannot be read: {describe_error(error)}",
                        "reinstall it with pip, or remove it",
                    )
                )
        named = described[id(dist)]
        if named and named[0]:
            found.append((named[0], named[1], ep))
    return sorted(found, key=lambda item: (normalize(item[0]), item[2].name)), problems


def _name_and_version(dist: Any) -> tuple[str, str]:
    """A distribution's Name and Version from its core metadata, headers only: what
    ``dist.metadata`` gives, without parsing the long description that follows."""
    from email.parser import HeaderParser

    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    headers = HeaderParser().parsestr(text)
    return headers["Name"] or "", headers["Version"] or ""


def describe_error(error: BaseException) -> str:
    """An exception as one line: its type and its text."""
    try:
        text = str(error).strip()
    except Exception:  # noqa: BLE001 - an exception whose str() raises
        text = ""
    return f"{type(error).__name__}: {text[:500]}" if text else type(error).__name__


def register_plugin(manager: pluggy.PluginManager, plugin: object, name: str | None = None) -> str | None:
    """Register ``plugin``, which is not registered on ``manager`` yet (callers
    check); or, when pluggy refuses it (a misspelt hook, a wrong signature), leave
    ``manager`` as it was and say why."""
    try:
        manager.register(plugin, name=name)
        manager.check_pending()
    except KeyboardInterrupt:
        raise
    except Exception as error:  # noqa: BLE001 - pluggy's refusals, and what a hostile plugin's attributes raise
        if manager.is_registered(plugin):
            manager.unregister(plugin)  # the hooks registered before the refused one
        return str(error) or type(error).__name__
    return None


@functools.cache
def _manager_class() -> type[pluggy.PluginManager]:
    """pluggy's manager, quicker to register a module (made at first use: a discovery
    answered from the cache imports no pluggy).

    pluggy looks every name of a plugin up with :func:`inspect.getattr_static`, so
    that no property runs; for a module that walks the module type's classes for
    each of its names, most of the cost of registering a plugin. A module's names
    are its ``__dict__``: one that holds no function (or method wrapper) there can
    hold no hook implementation, nor can a plain function without pluggy's marker
    among its attributes (a helper the module imported or defined). pluggy's own
    lookup decides for the rest. ``make bench`` measures it against plain pluggy
    (100 plugins: about 3 ms against 50 ms), and ``tests/test_checks.py`` holds the
    hooks it finds equal to plain pluggy's.
    """
    import pluggy

    hookable = (types.FunctionType, types.MethodType, staticmethod, classmethod)

    class _Manager(pluggy.PluginManager):
        def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
            if isinstance(plugin, types.ModuleType):
                value = vars(plugin).get(name)
                if not isinstance(value, hookable):
                    return None
                if type(value) is types.FunctionType and not name.startswith("__"):
                    attributes = value.__dict__
                    if self.project_name + "_impl" not in attributes and "__func__" not in attributes:
                        return None
            return super().parse_hookimpl_opts(plugin, name)

    return _Manager


def _base_manager() -> pluggy.PluginManager:
    """A plugin manager with the hook specifications and the built-in checks."""
    from . import hookspecs

    manager = _manager_class()(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
    return manager


def load_entry_point(
    distribution: str, version: str, ep: Any, manager: pluggy.PluginManager | None = None, guard: Guard = no_guard
) -> LoadedPlugin | Problem:
    """Import one entry point (inside ``guard``) and register it on ``manager``
    (default: a new one), which checks its hooks; a failure is a :class:`Problem`."""
    try:
        with guard(f"importing {distribution}"):
            plugin = ep.load()
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # noqa: BLE001 - a plugin may raise anything, even SystemExit
        return Problem(
            distribution,
            version,
            ep.name,
            "import",
            f"importing '{ep.value}' failed: {describe_error(error)}",
            f"reinstall or upgrade {distribution} (pip install --force-reinstall {distribution}), or uninstall it",
        )
    loaded = LoadedPlugin(distribution, version, ep.name, ep.value, plugin, getattr(ep, "dist", None))
    manager = manager or _base_manager()
    if manager.is_registered(plugin):
        return loaded  # two entry points naming one module: its hooks run once
    refused = register_plugin(manager, plugin, loaded.registered_name)
    if refused:
        return Problem(
            distribution,
            version,
            ep.name,
            "import",
            f"'{ep.value}' is not a valid plugin: {refused}",
            f"report it to the authors of {distribution}; hook names are listed in skillwiki_sdk.hookspecs",
        )
    return loaded


def installed_plugins(*, guard: Guard = no_guard) -> InstalledPlugins:
    """Load the installed plugins that the environment variables let in.

    Each call looks again (Python's own import system keeps the modules imported);
    keep the result to use one load for several things. ``guard`` runs each import.
    """
    autoload, selected = selection()
    result = InstalledPlugins(autoload=autoload, selected=selected, manager=_base_manager())
    if not autoload:
        return result
    found, problems = find_entry_points()
    result.problems.extend(problems)
    before = set(sys.modules)
    for distribution, version, ep in found:
        if selected is not None and normalize(distribution) not in selected and normalize(ep.name) not in selected:
            continue
        if any(p.distribution == distribution and p.value == ep.value for p in result.plugins):
            continue  # two entry points of one distribution naming one module: one plugin
        outcome = load_entry_point(distribution, version, ep, result.manager, guard)
        (result.problems if isinstance(outcome, Problem) else result.plugins).append(outcome)  # type: ignore[arg-type]
    result.imported = tuple(sorted(set(sys.modules) - before))
    return result


def make_plugin_manager(
    extra: Iterable[object] = (), *, installed: bool | InstalledPlugins = True
) -> pluggy.PluginManager:
    """A plugin manager with the hook specifications, the built-in checks, the
    installed plugins and ``extra``.

    ``installed``: ``True`` loads the installed plugins now (with no guard), an
    :class:`InstalledPlugins` registers those already loaded, ``False`` none.
    ``extra`` are plugin objects (modules or instances with hook implementations).
    Registration checks every implementation against its specification at once.
    """
    manager = _base_manager()
    if installed is True:
        installed = installed_plugins()
    if isinstance(installed, InstalledPlugins):
        for loaded in installed.plugins:
            if manager.is_registered(loaded.plugin):
                continue  # two entry points naming one module: its hooks run once
            manager.register(loaded.plugin, name=loaded.registered_name)
    for plugin in extra:
        manager.register(plugin)
    manager.check_pending()
    return manager


def _guarded(item: Check, owner: str) -> Check:
    """``item`` with its exceptions turned into a finding (SW408) naming ``owner``.
    It runs unguarded: a check over a large bundle may rightly take long."""
    from . import rules

    def run(bundle: Any) -> list[Finding]:
        try:
            return list(item.run(bundle))
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # noqa: BLE001 - one plugin's bug (even sys.exit) is a finding
            return [
                rules.PLUGIN_CHECK_FAILED.finding(
                    f"check {item.name} of {owner} raised {describe_error(error)}",
                    file=bundle.root,
                    hint=f"report it to the authors of {owner}, or run with {DISABLE_AUTOLOAD_ENV}=1",
                )
            ]

    return Check(item.name, item.rules + (rules.PLUGIN_CHECK_FAILED,), run, item.doc)


def checks_of(manager: pluggy.PluginManager, guard: Guard = no_guard) -> list[Check]:
    """All checks contributed by the registered plugins, built-in ones first.

    An installed plugin's hook is called on its own (inside ``guard``): if it raises or
    returns something that is not a check, that plugin contributes one check that
    reports it (SW408), and the other plugins' checks still run.
    """
    from . import rules

    found: list[Check] = []
    for impl in manager.hook.skillwiki_checks.get_hookimpls():  # registration order
        name = manager.get_name(impl.plugin) or ""
        if not name.startswith(INSTALLED_PREFIX):
            produced: Any = impl.function()  # a plugin's hook: anything at all
            for item in produced or ():
                if not isinstance(item, Check):
                    raise TypeError(f"skillwiki_checks returned {item!r}, which is not a skillwiki_sdk.Check")
                found.append(item)
            continue
        owner = name[len(INSTALLED_PREFIX) :].split(":")[0]
        try:
            with guard(f"the skillwiki_checks hook of {owner}"):
                produced = impl.function()
                items = list(produced or ())
            bad = next((item for item in items if not isinstance(item, Check)), None)
            if bad is not None:
                raise TypeError(f"skillwiki_checks returned {bad!r:.200}, which is not a skillwiki_sdk.Check")
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # noqa: BLE001 - even sys.exit
            message = f"the skillwiki_checks hook of {owner} raised {describe_error(error)}"

            def failed(bundle: Any, message: str = message, owner: str = owner) -> list[Finding]:
                return [
                    rules.PLUGIN_CHECK_FAILED.finding(
                        message,
                        file=bundle.root,
                        hint=f"report it to the authors of {owner}, or run with {DISABLE_AUTOLOAD_ENV}=1",
                    )
                ]

            found.append(Check(f"{owner}.skillwiki_checks", (rules.PLUGIN_CHECK_FAILED,), failed))
            continue
        found.extend(_guarded(item, owner) for item in items)
    return found


def rules_of(manager: pluggy.PluginManager) -> list[Rule]:
    """The SDK's catalogue followed by the rules of plugin checks, by code."""
    from .rules import RULES

    by_code = {rule.code: rule for rule in RULES}
    for item in checks_of(manager):
        for rule in item.rules:
            by_code.setdefault(rule.code, rule)
    return sorted(by_code.values(), key=lambda rule: rule.code)
