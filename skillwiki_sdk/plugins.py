"""The plugin manager: the SDK's own checks and the installed plugins, registered alike.

Installed plugins are the entry points of the group ``skillwiki``. Each is loaded on
its own, so that one that fails to import (or that implements a hook that does not
exist) is recorded as a :class:`Problem` and never stops the others. Loading is done
once per process; :func:`clear_cache` forgets it.

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
import importlib
import os
import sys
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

import pluggy

from . import hookspecs
from .model import Check, Finding, Rule

__all__ = [
    "DEFAULT_PLUGINS",
    "DISABLE_AUTOLOAD_ENV",
    "ENTRY_POINT_GROUP",
    "LOAD_PLUGINS_ENV",
    "InstalledPlugins",
    "LoadedPlugin",
    "Problem",
    "checks_of",
    "clear_cache",
    "installed_plugins",
    "make_plugin_manager",
    "rules_of",
]

# Built-in checks go through the same registration as an outside plugin's.
DEFAULT_PLUGINS = (
    "skillwiki_sdk.checks.manifest",
    "skillwiki_sdk.checks.atoms",
    "skillwiki_sdk.checks.references",
    "skillwiki_sdk.checks.vocabulary",
    "skillwiki_sdk.registry",
)

ENTRY_POINT_GROUP = "skillwiki"
DISABLE_AUTOLOAD_ENV = "SKILLWIKI_DISABLE_PLUGIN_AUTOLOAD"
LOAD_PLUGINS_ENV = "SKILLWIKI_LOAD_PLUGINS"

# Registered names of installed plugins start with this, so they are told from built-ins.
_INSTALLED_PREFIX = "entry-point:"

STAGES = ("import", "hook", "bundle", "compatibility", "conflict")


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
    """An entry point of group ``skillwiki`` that imported and whose hooks are valid."""

    distribution: str
    version: str
    entry_point: str
    value: str
    plugin: object

    @property
    def registered_name(self) -> str:
        return f"{_INSTALLED_PREFIX}{self.distribution}:{self.entry_point}"


@dataclass
class InstalledPlugins:
    """The outcome of loading the installed plugins: those loaded, and the problems."""

    plugins: list[LoadedPlugin] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    autoload: bool = True
    selected: tuple[str, ...] | None = None
    # the built-in checks and ``plugins``, registered while they were checked: the
    # manager that discovery calls (make_plugin_manager makes a fresh one)
    manager: pluggy.PluginManager | None = field(default=None, repr=False, compare=False)


_CACHE: InstalledPlugins | None = None


def clear_cache() -> None:
    """Forget the loaded plugins (and the registry), so the next call looks again."""
    global _CACHE
    _CACHE = None
    registry = importlib.import_module(".registry", __package__)
    registry._reset()


def _normalize(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def _flag(value: str | None) -> bool:
    return value is not None and value.strip().lower() not in ("", "0", "false", "no")


def _selection() -> tuple[bool, tuple[str, ...] | None]:
    """(autoload, names): what the environment variables ask for."""
    names = os.environ.get(LOAD_PLUGINS_ENV)
    if names is not None:
        return True, tuple(_normalize(n.strip()) for n in names.split(",") if n.strip())
    return not _flag(os.environ.get(DISABLE_AUTOLOAD_ENV)), None


def _entry_points() -> list[tuple[str, str, Any]]:
    """(distribution, version, entry point) of group ``skillwiki``, one distribution
    once (the first on ``sys.path`` wins, as for imports), in a stable order.

    Only the distributions that have such an entry point have their metadata read
    (once each): an environment holds many more that are not plugins.
    """
    from importlib import metadata

    found: list[tuple[str, str, Any]] = []
    described: dict[int, tuple[str, str]] = {}
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist
        if dist is None:
            continue
        if id(dist) not in described:
            described[id(dist)] = _name_and_version(dist)
        name, version = described[id(dist)]
        if name:
            found.append((name, version, ep))
    return sorted(found, key=lambda item: (_normalize(item[0]), item[2].name))


def _name_and_version(dist: Any) -> tuple[str, str]:
    """A distribution's Name and Version from its core metadata, headers only: what
    ``dist.metadata`` gives, without parsing the long description that follows."""
    from email.parser import HeaderParser

    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    headers = HeaderParser().parsestr(text)
    return headers["Name"] or "", headers["Version"] or ""


def _describe(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _register(manager: pluggy.PluginManager, plugin: object, name: str | None = None) -> str | None:
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


class _Manager(pluggy.PluginManager):
    """pluggy's manager, quicker to register a module.

    pluggy looks every name of a plugin up with :func:`inspect.getattr_static`, so
    that no property runs; for a module that walks the module type's classes for
    each of its names, most of the cost of registering a plugin. A module's names
    are its ``__dict__``: one that holds no function (or method wrapper) there can
    hold no hook implementation, nor can a plain function without pluggy's marker
    among its attributes (a helper the module imported or defined). pluggy's own
    lookup decides for the rest.
    """

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        if isinstance(plugin, types.ModuleType):
            value = vars(plugin).get(name)
            if not isinstance(value, _HOOKABLE):
                return None
            if type(value) is types.FunctionType and not name.startswith("__"):
                # a plain function: pluggy would read its marker (or that of its
                # __func__) from the function's own attributes
                attributes = value.__dict__
                if self.project_name + "_impl" not in attributes and "__func__" not in attributes:
                    return None
        return super().parse_hookimpl_opts(plugin, name)


_HOOKABLE = (types.FunctionType, types.MethodType, staticmethod, classmethod)


def _base_manager() -> pluggy.PluginManager:
    """A plugin manager with the hook specifications and the built-in checks."""
    manager = _Manager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
    return manager


@contextlib.contextmanager
def plugin_output() -> Iterator[None]:
    """While a plugin's code runs, what it prints goes to stderr: stdout carries only
    the report (``--format json`` stays valid JSON whatever a plugin prints).

    Both levels are redirected: ``sys.stdout`` for ``print``, and file descriptor 1
    for what writes there directly (``os.write(1, ...)``, C code, a child process).
    """
    with contextlib.redirect_stdout(sys.stderr):
        try:
            sys.__stdout__.flush() if sys.__stdout__ else None
            saved = os.dup(1)
        except (OSError, ValueError, AttributeError):
            yield  # no descriptor 1 to guard (an embedding host): Python level only
            return
        try:
            os.dup2(2, 1)
            yield
        finally:
            try:
                sys.__stdout__.flush() if sys.__stdout__ else None
            except (OSError, ValueError):
                pass
            os.dup2(saved, 1)
            os.close(saved)


TIMEOUT_ENV = "SKILLWIKI_PLUGIN_TIMEOUT"
DEFAULT_TIMEOUT = 10.0


class PluginTimeout(Exception):
    """A plugin's import or hook ran longer than its time budget."""


def _budget() -> float:
    try:
        return max(0.0, float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


@contextlib.contextmanager
def time_budget(seconds: float | None = None) -> Iterator[None]:
    """Interrupt the plugin code run inside after ``seconds`` (default: the
    ``SKILLWIKI_PLUGIN_TIMEOUT`` environment variable, else 10; 0 turns it off), with
    :class:`PluginTimeout`, so that a slow plugin is reported and the others still load.

    A real-time alarm: it needs the main thread of a platform with ``setitimer``;
    elsewhere plugin code runs without a budget.
    """
    import signal

    seconds = _budget() if seconds is None else seconds
    if not seconds or not _alarms():
        yield
        return
    installed = _ALARM["installed"]
    previous = None if installed else signal.signal(signal.SIGALRM, _expire)
    _ALARM["seconds"] = seconds
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if not installed:
            signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def time_budgets() -> Iterator[None]:
    """Around many :func:`time_budget` in a row: the alarm's handler is installed once
    (installing one costs more than arming the alarm)."""
    import signal

    if _ALARM["installed"] or not _alarms():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    _ALARM["installed"] = True
    try:
        yield
    finally:
        _ALARM["installed"] = False
        signal.signal(signal.SIGALRM, previous)


_ALARM: dict[str, Any] = {"installed": False, "seconds": 0.0}


def _alarms() -> bool:
    """Whether a real-time alarm can interrupt code here: a platform with setitimer,
    in the main thread."""
    import signal
    import threading

    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _expire(signum: int, frame: Any) -> None:
    raise PluginTimeout(f"took longer than {_ALARM['seconds']:g} s (set {TIMEOUT_ENV} to allow more)")


def load_entry_point(distribution: str, version: str, ep: Any, manager: pluggy.PluginManager | None = None) -> LoadedPlugin | Problem:
    """Import one entry point and register it on ``manager`` (default: a new one),
    which checks its hooks; a failure is a :class:`Problem`."""
    try:
        with plugin_output(), time_budget():
            plugin = ep.load()
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # noqa: BLE001 - a plugin may raise anything, even SystemExit
        return Problem(
            distribution, version, ep.name, "import",
            f"importing '{ep.value}' failed: {_describe(error)}",
            f"reinstall or upgrade {distribution} (pip install --force-reinstall {distribution}), or uninstall it",
        )
    loaded = LoadedPlugin(distribution, version, ep.name, ep.value, plugin)
    manager = manager or _base_manager()
    if manager.is_registered(plugin):
        return loaded  # two entry points naming one module: its hooks run once
    refused = _register(manager, plugin, loaded.registered_name)
    if refused:
        return Problem(
            distribution, version, ep.name, "import",
            f"'{ep.value}' is not a valid plugin: {refused}",
            f"report it to the authors of {distribution}; hook names are listed in skillwiki_sdk.hookspecs",
        )
    return loaded


def installed_plugins(refresh: bool = False, *, on_entry_points: Callable[[list[tuple[str, str, Any]]], object] | None = None) -> InstalledPlugins:
    """Load the installed plugins once per process (again with ``refresh``).

    Entry points that the environment variables leave out are not imported.
    ``on_entry_points`` is called with the (distribution, version, entry point) about
    to be imported, before the first is (not when they were loaded already).
    """
    global _CACHE
    if _CACHE is not None and not refresh:
        return _CACHE
    if refresh:
        importlib.invalidate_caches()
    autoload, selected = _selection()
    result = InstalledPlugins(autoload=autoload, selected=selected, manager=_base_manager())
    if autoload:
        with time_budgets():
            _load_all(result, selected, on_entry_points)
    _CACHE = result
    return result


def _load_all(result: InstalledPlugins, selected: tuple[str, ...] | None, on_entry_points: Callable[[list[tuple[str, str, Any]]], object] | None = None) -> None:
    """Import the entry points that the selection lets in, into ``result``."""
    chosen = [
        (distribution, version, ep)
        for distribution, version, ep in _entry_points()
        if selected is None or _normalize(distribution) in selected or _normalize(ep.name) in selected
    ]
    if on_entry_points is not None:
        on_entry_points(chosen)
    for distribution, version, ep in chosen:
        if any(p.distribution == distribution and p.value == ep.value for p in result.plugins):
            continue  # two entry points of one distribution naming one module: one plugin
        outcome = load_entry_point(distribution, version, ep, result.manager)
        (result.problems if isinstance(outcome, Problem) else result.plugins).append(outcome)  # type: ignore[arg-type]


def make_plugin_manager(extra: Iterable[object] = (), *, installed: bool = True) -> pluggy.PluginManager:
    """A plugin manager with the hook specifications, the built-in checks, the
    installed plugins (unless ``installed`` is false) and ``extra``.

    ``extra`` are plugin objects (modules or instances with hook implementations).
    Registration checks every implementation against its specification at once.
    """
    manager = _base_manager()
    if installed:
        for loaded in installed_plugins().plugins:
            if manager.is_registered(loaded.plugin):
                continue  # two entry points naming one module: its hooks run once
            manager.register(loaded.plugin, name=loaded.registered_name)
    for plugin in extra:
        manager.register(plugin)
    manager.check_pending()
    return manager


def _guarded(item: Check, owner: str) -> Check:
    """``item`` with its exceptions turned into a finding (SW408) naming ``owner``."""
    from . import rules

    def run(bundle: Any) -> list[Finding]:
        try:
            with plugin_output():
                return list(item.run(bundle))
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # noqa: BLE001 - one plugin's bug (even sys.exit) is a finding
            return [
                rules.PLUGIN_CHECK_FAILED.finding(
                    f"check {item.name} of {owner} raised {_describe(error)}",
                    file=bundle.root,
                    hint=f"report it to the authors of {owner}, or run with {DISABLE_AUTOLOAD_ENV}=1",
                )
            ]

    return Check(item.name, item.rules + (rules.PLUGIN_CHECK_FAILED,), run, item.doc)


def checks_of(manager: pluggy.PluginManager) -> list[Check]:
    """All checks contributed by the registered plugins, built-in ones first.

    An installed plugin's hook is called on its own: if it raises or returns
    something that is not a check, that plugin contributes one check that reports
    it (SW408), and the other plugins' checks still run.
    """
    from . import rules

    found: list[Check] = []
    for impl in manager.hook.skillwiki_checks.get_hookimpls():  # registration order
        name = manager.get_name(impl.plugin) or ""
        if not name.startswith(_INSTALLED_PREFIX):
            for item in impl.function() or ():
                if not isinstance(item, Check):
                    raise TypeError(f"skillwiki_checks returned {item!r}, which is not a skillwiki_sdk.Check")
                found.append(item)
            continue
        owner = name[len(_INSTALLED_PREFIX):].split(":")[0]
        try:
            with plugin_output():
                items = list(impl.function() or ())
            bad = next((item for item in items if not isinstance(item, Check)), None)
            if bad is not None:
                raise TypeError(f"skillwiki_checks returned {bad!r}, which is not a skillwiki_sdk.Check")
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # noqa: BLE001 - even sys.exit
            message = f"the skillwiki_checks hook of {owner} raised {_describe(error)}"

            def failed(bundle: Any, message: str = message, owner: str = owner) -> list[Finding]:
                return [rules.PLUGIN_CHECK_FAILED.finding(message, file=bundle.root, hint=f"report it to the authors of {owner}, or run with {DISABLE_AUTOLOAD_ENV}=1")]

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
