"""The per-user cache of checked bundles.

Discovery keeps what it learnt from each installed bundle (its domain, its atoms'
figures, its findings) so that the next discovery reads no atom file of a bundle
that has not changed. An entry is plain JSON (never pickle: a cache folder someone
else can write must not be able to run code here), written to a temporary file and
moved into place with :func:`os.replace`, so a reader sees a whole entry or none.

Each entry is stored under a name made from what it is about (a bundle root) and
holds the *key* it was made for: a digest of everything that could change the
verdict. An entry whose key differs (stale), whose format is another (older or
newer SDK), or that cannot be read or parsed (damaged, foreign) is ignored, and the
next write replaces it. A cache folder that cannot be created or written is no
error: nothing is kept, and the results are the same.

Where: ``SKILLWIKI_CACHE_DIR`` if set, else the platform's per-user cache folder
(``platformdirs``: ``~/.cache/skillwiki`` on Linux). ``SKILLWIKI_NO_CACHE=1`` turns
it off.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from typing import Any

__all__ = ["KINDS", "CACHE_DIR_ENV", "FORMAT", "NO_CACHE_ENV", "Cache", "CacheInfo", "digest", "is_plain"]

CACHE_DIR_ENV = "SKILLWIKI_CACHE_DIR"
NO_CACHE_ENV = "SKILLWIKI_NO_CACHE"
# The layout of an entry; an entry of another format is ignored and rewritten.
FORMAT = 1
_MAGIC = "skillwiki-cache"
_SUFFIX = ".json"
_TEMP_PREFIX = ".tmp-"
# The largest entry read back: a cache folder is not trusted to hold sane files.
_MAX_ENTRY_BYTES = 256 * 1024 * 1024


def digest(value: Any) -> str:
    """A hex SHA-256 of a plain value (as canonical JSON)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def is_plain(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` survives a JSON round trip unchanged in meaning: text,
    finite numbers, booleans, ``None``, lists and tuples of them, mappings with text
    keys. A date or a mapping keyed by numbers does not (those bundles are not kept)."""
    if depth > 100:
        return False
    if value is None or isinstance(value, (str, bool)):
        return True
    if isinstance(value, int):
        return abs(value) < 2**64  # (nanosecond times fit; a 5,000-digit number is not kept)
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return all(is_plain(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and is_plain(item, depth + 1) for key, item in value.items())
    return False


class CacheInfo:
    """Where the cache is, how many entries it holds and their size in bytes.

    (A plain class: this module is read by a discovery answered from the cache,
    which must not pay for importing ``dataclasses``.)"""

    __slots__ = ("folder", "entries", "bytes", "enabled")

    def __init__(self, folder: str, entries: int, bytes: int, enabled: bool = True) -> None:
        self.folder, self.entries, self.bytes, self.enabled = folder, entries, bytes, enabled

    def __repr__(self) -> str:
        return f"CacheInfo(folder={self.folder!r}, entries={self.entries}, bytes={self.bytes}, enabled={self.enabled})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CacheInfo) and self.to_dict() == other.to_dict()

    def to_dict(self) -> dict[str, Any]:
        return {"folder": self.folder, "enabled": self.enabled, "entries": self.entries, "bytes": self.bytes}


def default_folder() -> str:
    """The cache folder: ``SKILLWIKI_CACHE_DIR``, else the platform's per-user one."""
    chosen = os.environ.get(CACHE_DIR_ENV)
    if chosen:
        return os.path.abspath(os.path.expanduser(chosen))
    import platformdirs

    return platformdirs.user_cache_dir("skillwiki", appauthor=False)


def disabled() -> bool:
    """Whether ``SKILLWIKI_NO_CACHE`` turns the cache off."""
    value = os.environ.get(NO_CACHE_ENV, "")
    return value.strip().lower() not in ("", "0", "false", "no")


KINDS = ("bundles", "match")
"""The kinds of entries the SDK keeps in a cache folder, each in a sub-folder: the
checked bundles and the discovery's snapshot; the match index."""


class Cache:
    """Entries of one kind (``bundles``) in a cache folder."""

    def __init__(self, folder: str, kind: str = "bundles") -> None:
        self.folder = folder
        self.kind = kind
        self._where = os.path.join(folder, kind)
        # what a caller computed once for this cache object (the environment's key
        # of a discovery, say): kept by the object, not by the process
        self.memo: dict[str, Any] = {}

    @classmethod
    def default(cls) -> Cache | None:
        """The cache the environment asks for, or ``None`` when it is turned off."""
        if disabled():
            return None
        return cls(default_folder())

    def _path(self, name: str) -> str:
        return os.path.join(
            self._where, hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:32] + _SUFFIX
        )

    def get(self, name: str, key: str) -> Any:
        """The data kept for ``name`` under ``key``, or ``None`` (missing, stale,
        damaged, foreign or of another format)."""
        try:
            with open(self._path(name), "rb") as handle:
                raw = handle.read(_MAX_ENTRY_BYTES + 1)
            if len(raw) > _MAX_ENTRY_BYTES:
                return None
            entry = json.loads(raw)
        except (OSError, ValueError, RecursionError):
            return None
        if (
            not isinstance(entry, dict)
            or entry.get(_MAGIC) != FORMAT
            or entry.get("key") != key
            or entry.get("name") != name
        ):
            return None
        return entry.get("data")

    def put(self, name: str, key: str, data: Any) -> bool:
        """Keep ``data`` (plain JSON values) for ``name`` under ``key``; whether it
        was written. Never raises for a folder that cannot be written."""
        try:
            text = json.dumps(
                {_MAGIC: FORMAT, "name": name, "key": key, "data": data}, ensure_ascii=False, separators=(",", ":")
            )
        except (TypeError, ValueError, RecursionError):
            return False
        temp = None
        try:
            os.makedirs(self._where, exist_ok=True)
            # a name no other writer picks, created only if it does not exist, readable
            # by this user only: what tempfile.mkstemp does, without importing it (6 ms)
            chosen = os.path.join(self._where, f"{_TEMP_PREFIX}{os.urandom(8).hex()}{_SUFFIX}")
            handle = os.open(chosen, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
            temp = chosen  # (ours to remove from now on)
            with open(handle, "w", encoding="utf-8", errors="surrogatepass") as out:
                out.write(text)
            os.replace(temp, self._path(name))
            return True
        except (OSError, UnicodeError):
            if temp is not None:
                try:
                    os.unlink(temp)
                except OSError:
                    pass
            return False

    def _entries(self) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(self._where) as listing:
                return [
                    entry for entry in listing if entry.name.endswith(_SUFFIX) and entry.is_file(follow_symlinks=False)
                ]
        except OSError:
            return []

    def problem(self) -> str | None:
        """Why this cache cannot keep or give entries (its folder is a file, or cannot
        be listed or written), or ``None``. Never an error: discovery then works
        without the cache."""
        for path in (self.folder, self._where):
            if os.path.lexists(path) and not os.path.isdir(path):
                return f"{path} is not a folder"
        where = self._where if os.path.isdir(self._where) else self.folder
        if not os.path.isdir(where):
            return None  # (made when the first entry is kept)
        if not os.access(where, os.R_OK | os.X_OK):
            return f"{where} cannot be read (permission denied)"
        if not os.access(where, os.W_OK | os.X_OK):
            return f"{where} cannot be written (permission denied)"
        return None

    def info(self) -> CacheInfo:
        """How many entries there are, and their size."""
        entries = self._entries()
        size = 0
        for entry in entries:
            try:
                size += entry.stat(follow_symlinks=False).st_size
            except OSError:
                pass
        return CacheInfo(self.folder, len(entries), size)

    def clear(self) -> int:
        """Remove every entry (only files this cache writes: ``*.json`` in its own
        sub-folder); how many were removed."""
        removed = 0
        for entry in self._entries():
            try:
                os.unlink(entry.path)
                removed += not entry.name.startswith(_TEMP_PREFIX)
            except OSError:
                pass
        try:
            os.rmdir(self._where)
        except OSError:
            pass
        return removed
