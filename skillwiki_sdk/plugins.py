"""The plugin manager, with the SDK's own checks registered as ordinary plugins."""

from __future__ import annotations

import importlib
from typing import Iterable

import pluggy

from . import hookspecs
from .model import Check, Rule

__all__ = ["DEFAULT_PLUGINS", "make_plugin_manager", "checks_of", "rules_of"]

# Built-in checks go through the same registration as an outside plugin's.
DEFAULT_PLUGINS = (
    "skillwiki_sdk.checks.manifest",
    "skillwiki_sdk.checks.atoms",
    "skillwiki_sdk.checks.references",
    "skillwiki_sdk.checks.vocabulary",
)


def make_plugin_manager(extra: Iterable[object] = ()) -> pluggy.PluginManager:
    """A plugin manager with the hook specifications, the built-in checks and ``extra``.

    ``extra`` are plugin objects (modules or instances with hook implementations).
    Registration checks every implementation against its specification at once.
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
    for plugin in extra:
        manager.register(plugin)
    manager.check_pending()
    return manager


def checks_of(manager: pluggy.PluginManager) -> list[Check]:
    """All checks contributed by the registered plugins, built-in ones first."""
    found: list[Check] = []
    for contributed in reversed(manager.hook.skillwiki_checks()):
        for item in contributed or ():
            if isinstance(item, Check):
                found.append(item)
            else:
                raise TypeError(f"skillwiki_checks returned {item!r}, which is not a skillwiki_sdk.Check")
    return found


def rules_of(manager: pluggy.PluginManager) -> list[Rule]:
    """The SDK's catalogue followed by the rules of plugin checks, by code."""
    from .rules import RULES

    by_code = {rule.code: rule for rule in RULES}
    for item in checks_of(manager):
        for rule in item.rules:
            by_code.setdefault(rule.code, rule)
    return sorted(by_code.values(), key=lambda rule: rule.code)
