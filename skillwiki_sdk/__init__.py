"""skillwiki-sdk: make Skill Wiki domain plugins real Python packages.

The public surface is small and imported lazily, so that ``import skillwiki_sdk``
(which every plugin does for :data:`hookimpl`) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Atom",
    "Axis",
    "Bundle",
    "Check",
    "Domain",
    "Finding",
    "Registry",
    "Report",
    "Rule",
    "Severity",
    "SkillwikiError",
    "__version__",
    "check",
    "hookimpl",
    "hookspec",
    "load_bundle",
    "validate",
]

_LAZY = {
    "Atom": "model",
    "Axis": "model",
    "Bundle": "model",
    "Check": "model",
    "Domain": "model",
    "Finding": "model",
    "Report": "model",
    "Rule": "model",
    "Severity": "model",
    "check": "model",
    "hookimpl": "hookspecs",
    "hookspec": "hookspecs",
    "load_bundle": "validation",
    "validate": "validation",
    "Registry": "registry",
    "SkillwikiError": "errors",
}

if TYPE_CHECKING:
    from .errors import SkillwikiError
    from .hookspecs import hookimpl, hookspec
    from .model import Atom, Axis, Bundle, Check, Domain, Finding, Report, Rule, Severity, check
    from .registry import Registry
    from .validation import load_bundle, validate


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'skillwiki_sdk' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
