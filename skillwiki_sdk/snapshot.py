"""The last discovery of an environment, kept in the cache while nothing it depends
on has changed: what stevedore does for entry points, carried on to the bundles.

The key is made without importing any plugin: the SDK and its schemas, the
interpreter, ``sys.path`` and the modification time of each of its folders (an
install or uninstall changes the folder it writes into), the entry points of group
``skillwiki`` with the size and time of their distributions' METADATA and RECORD,
and the variables that select plugins. Kept beside it and checked as well: the files
of the plugins' modules (an editable install changes them in place) and every file of
every bundle. Whatever differs, discovery runs again (with the cache of each bundle)
and writes the snapshot anew.

This module reads and checks a snapshot as plain data, without the SDK's model, so
that ``skillwiki list`` answered from it loads neither the model nor any plugin
(:func:`listing`); :mod:`skillwiki_sdk.registry` makes its objects from the same data.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from . import __version__
from .cache import Cache, digest
from .environment import DISABLE_AUTOLOAD_ENV, ENTRY_POINT_GROUP, LOAD_PLUGINS_ENV

__all__ = ["environment_key", "file_state", "key_of", "listing", "load", "name", "store", "tree_state"]


def name() -> str:
    """The name of the cache entry that holds the last discovery of this
    environment: one for each interpreter prefix and ``sys.path`` (a script's folder
    is its ``sys.path[0]``), so that environments do not take each other's place."""
    return "discovery " + digest([sys.prefix, sys.path])[:24]


def file_state(path: str) -> list[int] | None:
    """A file's size and modification time in nanoseconds, or ``None``."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


def tree_state(root: str) -> list[Any] | None:
    """Every entry under the folder ``root``: path, kind, size and modification time
    in nanoseconds, links not followed; ``None`` when it cannot be listed."""
    state: list[Any] = []
    pending = [root]
    cut = len(os.path.join(root, ""))
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    info = entry.stat(follow_symlinks=False)
                    state.append([entry.path[cut:], info.st_mode, info.st_size, info.st_mtime_ns])
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    if len(state) > 1_000_000:
                        return None
        except OSError:
            return None
    state.sort()
    return state


def environment_key() -> str | None:
    """What the entry points and the plugins found depend on; ``None`` when the
    metadata cannot be scanned (discovery then says what is wrong)."""
    from importlib import metadata

    from .schema_files import schema_digest

    try:
        points = []
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            dist = getattr(ep, "dist", None)
            where = os.fspath(getattr(dist, "_path", "") or "")
            files = [file_state(os.path.join(where, part)) for part in ("METADATA", "RECORD")] if where else None
            points.append([where, files, ep.name, ep.value])
    except Exception:  # noqa: BLE001 - damaged metadata somewhere
        return None
    folders = [[entry, file_state(entry or ".")] for entry in sys.path]
    selection = [os.environ.get(LOAD_PLUGINS_ENV), os.environ.get(DISABLE_AUTOLOAD_ENV)]
    return digest([__version__, schema_digest(), sys.version, sys.prefix, folders, sorted(points), selection])


def key_of(cache: Cache) -> str | None:
    """:func:`environment_key`, or the one a caller that owns ``cache`` for a moment
    (one command) put in ``cache.memo["environment"]``: a command that looks at the
    snapshot and then discovers computes it once. A long-lived cache object keeps no
    key of its own: the environment may change under it."""
    if "environment" in cache.memo:
        return cache.memo["environment"]  # type: ignore[no-any-return]
    return environment_key()


def load(cache: Cache, key: str | None = None) -> dict[str, Any] | None:
    """The snapshot's data while it still holds: every plugin file and every bundle
    file as they were; else ``None``."""
    key = key if key is not None else key_of(cache)
    if key is None:
        return None
    data = cache.get(name(), key)
    if not isinstance(data, dict):
        return None
    try:
        for path, state in data["files"]:
            if file_state(path) != state:
                return None
        for path, state in data["roots"]:
            if tree_state(path) != state:
                return None
    except (KeyError, TypeError, ValueError):
        return None
    return data


def store(cache: Cache, key: str | None, roots: list[str], files: list[str], registry: Any, listing: Any) -> bool:
    """Keep a discovery: the bundle folders and plugin files it depends on, the
    registry as plain data and its listing (what ``skillwiki list --format json``
    prints of it); whether it was kept."""
    if key is None:
        return False
    trees = []
    for path in dict.fromkeys(roots):
        tree = tree_state(path)
        if tree is None:
            return False
        trees.append([path, tree])
    data = {
        "files": [[path, file_state(path)] for path in files],
        "roots": trees,
        "registry": registry,
        "listing": listing,
    }
    return registry is not None and cache.put(name(), key, data)


def listing(cache: Cache | None, key: str | None = None) -> dict[str, Any] | None:
    """The listing of the installed domains from the snapshot, while it holds
    (see :meth:`skillwiki_sdk.registry.Registry.listing`), or ``None``."""
    if cache is None:
        return None
    data = load(cache, key)
    found = data.get("listing") if data is not None else None
    return found if isinstance(found, dict) else None
