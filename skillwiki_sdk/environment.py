"""What in the environment chooses the installed plugins: the entry-point group and
the two variables that select plugins, as pytest's ``PYTEST_DISABLE_PLUGIN_AUTOLOAD``
and datasette's ``DATASETTE_LOAD_PLUGINS`` do.

``SKILLWIKI_DISABLE_PLUGIN_AUTOLOAD``
    any value but ``""``, ``0``, ``false`` or ``no``: load no installed plugin.
``SKILLWIKI_LOAD_PLUGINS``
    a comma-separated list of distribution or entry-point names: load only these
    (this wins over the variable above; set but empty, it loads none).

This module imports nothing but the standard library's ``os`` and ``re``: a
discovery answered from the cache reads it without loading the SDK's model.
"""

from __future__ import annotations

import os
import re

__all__ = ["DISABLE_AUTOLOAD_ENV", "ENTRY_POINT_GROUP", "LOAD_PLUGINS_ENV", "normalize", "selection"]

ENTRY_POINT_GROUP = "skillwiki"
DISABLE_AUTOLOAD_ENV = "SKILLWIKI_DISABLE_PLUGIN_AUTOLOAD"
LOAD_PLUGINS_ENV = "SKILLWIKI_LOAD_PLUGINS"


def normalize(name: str) -> str:
    """A distribution or entry-point name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _flag(value: str | None) -> bool:
    return value is not None and value.strip().lower() not in ("", "0", "false", "no")


def selection() -> tuple[bool, tuple[str, ...] | None]:
    """(autoload, names): what the environment variables ask for."""
    names = os.environ.get(LOAD_PLUGINS_ENV)
    if names is not None:
        return True, tuple(normalize(n.strip()) for n in names.split(",") if n.strip())
    return not _flag(os.environ.get(DISABLE_AUTOLOAD_ENV)), None
