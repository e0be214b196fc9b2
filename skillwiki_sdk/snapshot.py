"""The last discovery of an environment, kept in the cache while nothing it depends
on has changed: what stevedore does for entry points, carried on to the bundles.

The key is made without importing any plugin or reading any metadata: the SDK and
its schemas, the interpreter, ``sys.path`` and, in each of its folders, the names an
import can find there (an install or uninstall adds or removes some) and the size
and time of every distribution's entry points, METADATA and RECORD, and the
variables that select plugins. Kept beside it and checked as well: the files
of the plugins' modules (an editable install changes them in place) and every file of
every bundle. Whatever differs, discovery runs again (with the cache of each bundle)
and writes the snapshot anew.

A snapshot is two entries: a head (what it depends on, and the listing) and a body
(the registry: every domain with its atoms' fields). This module reads and checks
them as plain data, without the SDK's model, so that ``skillwiki list`` answered
from the head loads neither the model nor any plugin, nor the atoms of every domain
(:func:`listing`); ``skillwiki match`` keeps its index under the head's token;
:mod:`skillwiki_sdk.registry` makes its objects from the body.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from . import __version__
from .cache import Cache, digest
from .environment import DISABLE_AUTOLOAD_ENV, LOAD_PLUGINS_ENV

__all__ = [
    "adds_no_checks",
    "environment_key",
    "file_state",
    "keep_checks",
    "key_of",
    "listing",
    "load",
    "name",
    "plugin_files",
    "registry_data",
    "sound_listing",
    "store",
    "tree_state",
]


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


def environment_key() -> str:
    """What the entry points and the plugins found depend on, told without reading
    any metadata (``importlib.metadata`` is not even imported): every folder of
    ``sys.path`` with the names an import can find there (:func:`_importable`), and in
    it every ``*.dist-info`` and ``*.egg-info`` with the size and time of its entry
    points, METADATA and RECORD (a reinstall, or an entry point edited in place); an
    entry that is a file (a zip) with its size and time; the SDK and its schemas, the
    interpreter and the variables that select plugins."""
    from .schema_files import schema_digest

    folders = []
    for entry in sys.path:
        folder = entry or "."
        state: Any = file_state(folder)
        dists: list[Any] = []
        if state is not None and os.path.isdir(folder):
            state, metadata = _importable(folder)
            for name in metadata:
                where = os.path.join(folder, name)
                dists.append([name, file_state(where), *(file_state(os.path.join(where, f)) for f in _METADATA_FILES)])
        folders.append([entry, state, dists])
    selection = [os.environ.get(LOAD_PLUGINS_ENV), os.environ.get(DISABLE_AUTOLOAD_ENV)]
    return digest([__version__, schema_digest(), sys.version, sys.prefix, folders, selection])


_METADATA_FOLDERS = (".dist-info", ".egg-info")
_METADATA_FILES = ("entry_points.txt", "METADATA", "PKG-INFO", "RECORD")


def _importable(folder: str) -> tuple[list[str], list[str]]:
    """What a folder of ``sys.path`` offers discovery: the names an import can find
    there (a package or namespace folder, a module file), and its distributions'
    metadata folders; both sorted, ``[], []`` when it cannot be listed (nor can an
    import or ``importlib.metadata`` find anything there).

    Names, not the folder's time: a project folder (``sys.path[0]`` of ``python -m``)
    changes all day (an editor's save, a build's output) without changing what
    discovery finds, and the snapshot would never be taken. A module added there
    that shadows a plugin's is a new name."""
    from importlib.machinery import all_suffixes

    suffixes = tuple(all_suffixes())
    names: list[str] = []
    metadata: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(_METADATA_FOLDERS):
                    metadata.append(name)
                elif name.partition(".")[0].isidentifier() and (
                    name.endswith(suffixes) or ("." not in name and entry.is_dir())
                ):
                    names.append(name)
    except OSError:
        return [], []
    names.sort()
    metadata.sort()
    return names, metadata


def key_of(cache: Cache) -> str | None:
    """:func:`environment_key`, or the one a caller that owns ``cache`` for a moment
    (one command) put in ``cache.memo["environment"]``: a command that looks at the
    snapshot and then discovers computes it once. A long-lived cache object keeps no
    key of its own: the environment may change under it."""
    if "environment" in cache.memo:
        return cache.memo["environment"]  # type: ignore[no-any-return]
    return environment_key()


def load(cache: Cache, key: str | None = None) -> dict[str, Any] | None:
    """The snapshot's head while it still holds: every plugin file and every bundle
    file as they were; else ``None``. The head holds the listing and names its body
    (:func:`registry_data`), which only a caller that needs the registry reads."""
    key = key if key is not None else key_of(cache)
    if key is None:
        return None
    data = cache.get(name(), key)
    if not isinstance(data, dict) or not isinstance(data.get("body"), str) or not sound_listing(data.get("listing")):
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


def registry_data(cache: Cache, key: str, head: dict[str, Any]) -> Any:
    """The registry, as plain data, that the snapshot's ``head`` was written with,
    or ``None`` (missing, or written by another discovery since)."""
    return cache.get(_body_name(), f"{key} {head['body']}")


def _body_name() -> str:
    return name() + " registry"


def store(
    cache: Cache,
    key: str | None,
    roots: list[str],
    files: list[str],
    registry: Any,
    listing: Any,
    *,
    seen: Mapping[str, list[Any]] | None = None,
) -> str | None:
    """Keep a discovery: the bundle folders and plugin files it depends on and its
    listing (what ``skillwiki list --format json`` prints of it) in the head, the
    registry as plain data in a body of its own, so that a listing does not read the
    atoms of every domain; the token that names the body, or ``None`` when it was
    not kept.

    ``seen``: the tree of a bundle folder as the discovery saw it (one that changed
    since makes the snapshot stale at once, never wrong). The body is written first,
    under a token the head names: two discoveries writing at once leave a head and a
    body that either belong together or are both ignored."""
    if key is None or registry is None:
        return None
    trees = []
    for path in dict.fromkeys(roots):
        tree = seen.get(path) if seen is not None else None
        tree = tree if tree is not None else tree_state(path)
        if tree is None:
            return None
        trees.append([path, tree])
    token = os.urandom(12).hex()
    if not cache.put(_body_name(), f"{key} {token}", registry):
        return None
    data = {
        "files": [[path, file_state(path)] for path in files],
        "roots": trees,
        "listing": listing,
        "body": token,
    }
    return token if cache.put(name(), key, data) else None


def plugin_files(values: Iterable[str], imported: Iterable[str] = ()) -> list[str]:
    """The source files, imported now, of the modules and packages that the entry
    point ``values`` (``module:attribute``) name, and of the modules ``imported``
    while the plugins were (a plugin's hooks may live in a module of another name):
    what an editable install of a plugin changes in place."""
    tops = {value.split(":")[0].split(".")[0] for value in values}
    named = set(imported)
    files = set()
    for module_name, module in list(sys.modules.items()):
        if module_name.split(".")[0] in tops or module_name in named:
            path = getattr(module, "__file__", None)
            if isinstance(path, str):
                files.add(path)
    return sorted(files)


def _checks_name() -> str:
    return name() + " checks"


def keep_checks(cache: Cache, files: list[str], adding: list[str], key: str | None = None) -> None:
    """Keep which installed plugins add checks (their distributions, ``adding``),
    as a command that loaded every plugin of this environment found, beside the
    files of the plugins' modules (:func:`plugin_files`)."""
    key = key if key is not None else key_of(cache)
    if key is not None:
        cache.put(_checks_name(), key, {"files": [[path, file_state(path)] for path in files], "adding": adding})


def adds_no_checks(cache: Cache, key: str | None = None) -> bool:
    """Whether no installed plugin adds checks, as :func:`keep_checks` kept it for
    this very environment, with every file of the plugins' modules as it was then:
    a validation then runs the same checks without importing any plugin."""
    key = key if key is not None else key_of(cache)
    data = cache.get(_checks_name(), key) if key is not None else None
    if not isinstance(data, dict) or data.get("adding") != [] or not isinstance(data.get("files"), list):
        return False
    try:
        return all(file_state(path) == state for path, state in data["files"])
    except (TypeError, ValueError):
        return False


def _is(value: Any, kinds: Any) -> bool:
    """``isinstance``, but a bool is no number (only ``bool`` takes it)."""
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    return bool in kinds if isinstance(value, bool) else isinstance(value, kinds)


def _fits(value: Any, shape: Mapping[str, Any]) -> bool:
    """Whether ``value`` is a mapping with each key of ``shape``, of its type(s)."""
    return isinstance(value, dict) and all(key in value and _is(value[key], kinds) for key, kinds in shape.items())


def sound_listing(listing: Any) -> bool:
    """Whether a listing read from the cache has the shape :meth:`Registry.listing`
    gives (every field that ``skillwiki list`` and ``match`` read, of its type): a
    head that parses but was damaged or written by someone else is then not taken."""
    text, number, maybe_text, maybe_number = str, int, (str, type(None)), (int, type(None))
    finding = {
        "code": text,
        "severity": text,
        "file": maybe_text,
        "line": maybe_number,
        "column": maybe_number,
        "message": text,
        "hint": maybe_text,
    }
    domain = {
        "name": text,
        "title": maybe_text,
        "version": text,
        "distribution": text,
        "entry_point": text,
        "path": text,
        "atoms": number,
        "tags": number,
        "axes": number,
        "kinds": dict,
        "findings": list,
    }
    problem = {
        "distribution": text,
        "version": text,
        "entry_point": text,
        "stage": text,
        "domain": maybe_text,
        "reason": text,
        "action": text,
        "findings": list,
    }
    if not _fits(listing, {"autoload": bool, "domains": list, "problems": list}):
        return False
    selected = listing.get("selected")
    if not (selected is None or (isinstance(selected, list) and all(isinstance(name, str) for name in selected))):
        return False
    for items, shape in ((listing["domains"], domain), (listing["problems"], problem)):
        for item in items:
            if not _fits(item, shape) or not all(_fits(f, finding) for f in item["findings"]):
                return False
    return all(
        all(isinstance(kind, str) and _is(count, int) for kind, count in entry["kinds"].items())
        for entry in listing["domains"]
    )


def listing(cache: Cache | None, key: str | None = None) -> dict[str, Any] | None:
    """The listing of the installed domains from the snapshot, while it holds
    (see :meth:`skillwiki_sdk.registry.Registry.listing`), or ``None``."""
    if cache is None:
        return None
    data = load(cache, key)
    found = data.get("listing") if data is not None else None
    return found if isinstance(found, dict) else None
