"""The output folder of a catalog: refused unless it is empty or a previous catalog,
written only inside itself, and rewritten only where a page changed.

A catalog folder holds :data:`MANIFEST`, the record of every file the build wrote
(with its digest) and of what each source and domain was built from. The next
build compares against it: a file whose content is unchanged is not written again,
a domain whose inputs are unchanged is not rendered again, and a file the previous
build wrote that this one does not is removed. Files it did not write are never
touched, and no file of the catalog is read back, written or removed through a
link (a file of the record that a link in its path leads to is left alone, see
:attr:`Site.ignored`), nor is a pipe or a folder in the way opened or waited on.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import tempfile
from typing import Any

from ..errors import UsageError

__all__ = ["MANIFEST", "OutputRefused", "Site", "Writer"]

MANIFEST = ".skillwiki-catalog.json"
FORMAT = 1


class OutputRefused(UsageError):
    """``--out`` cannot hold a catalog: nothing was written, nothing deleted."""


def digest(data: bytes) -> str:
    """The digest a file's content is recorded by."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Site:
    """The output folder, opened for one build."""

    def __init__(self, out: str) -> None:
        self.out = os.path.abspath(out)
        self.previous: dict[str, Any] = {}
        self.files: dict[str, str] = {}  # relative path -> digest, of this build
        self.written = 0
        self.unchanged = 0
        self.removed = 0
        self.ignored: list[str] = []  # files of the previous record not removed: a link leads to them
        self.__writer: Writer | None = None
        self._check()

    def _check(self) -> None:
        out = self.out
        if os.path.lexists(out) and not os.path.isdir(out):
            raise OutputRefused(f"--out {out} is not a folder; name a new folder or a previous catalog")
        if os.path.isdir(out):
            try:
                names = [name for name in os.listdir(out)]
            except OSError as error:
                raise OutputRefused(f"--out {out} cannot be read: {error.strerror or error}") from error
            if names:
                manifest = os.path.join(out, MANIFEST)
                if MANIFEST not in names or not os.path.isfile(manifest):
                    raise OutputRefused(
                        f"--out {out} is not empty and is not a previous catalog (it has no {MANIFEST}); "
                        "nothing was written or deleted. "
                        "Name an empty or new folder, or a folder that skillwiki catalog made"
                    )
                self.previous = self._read_manifest(manifest)
        self._probe()

    def _read_manifest(self, path: str) -> dict[str, Any]:
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as error:
            raise OutputRefused(
                f"--out {self.out}: its {MANIFEST} cannot be read ({error}); nothing was written or deleted"
            ) from error
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("files"), dict):
            raise OutputRefused(
                f"--out {self.out}: its {MANIFEST} is not one this skillwiki-sdk writes; nothing was written or deleted"
            )
        return data

    def _probe(self) -> None:
        """Make the folder if needed and prove it can be written, before any work."""
        try:
            os.makedirs(self.out, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=".skillwiki-probe-", dir=self.out)
            os.close(handle)
            os.unlink(name)
        except OSError as error:
            raise OutputRefused(f"--out {self.out} cannot be written: {error.strerror or error}") from error
        self._real = os.path.realpath(self.out)
        if not self.previous:
            # claimed at once: a build stopped midway leaves a folder the next one takes back
            self._record({"generator": "", "sources": {}, "domains": {}}, {})

    def _record(self, state: dict[str, Any], files: dict[str, str]) -> None:
        record = {"format": FORMAT, **state, "files": dict(sorted(files.items()))}
        path = os.path.join(self.out, MANIFEST)
        text = json.dumps(record, separators=(",", ":"))  # (ASCII: names that are not UTF-8 escaped)
        if _read_regular(path) == text.encode("ascii"):
            return  # the same build again: nothing to record
        try:
            descriptor, temporary = tempfile.mkstemp(prefix=".skillwiki-catalog-", dir=self.out)
        except OSError as error:
            raise OutputRefused(f"{path} cannot be written: {error.strerror or error}") from error
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.chmod(temporary, 0o644)  # as readable as the pages it records
            os.replace(temporary, path)  # (over a link, the link: never what it points at)
        except BaseException as error:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            if isinstance(error, OSError):
                raise OutputRefused(f"{path} cannot be written: {error.strerror or error}") from error
            raise

    # -- what the previous build left

    def previous_files(self) -> dict[str, str]:
        files = self.previous.get("files")
        return files if isinstance(files, dict) else {}

    def previous_section(self, name: str) -> dict[str, Any]:
        value = self.previous.get(name)
        return value if isinstance(value, dict) else {}

    def read_previous(self, relative: str) -> bytes | None:
        """A file of the previous build, if it is still there as it was written (a
        regular file, not a link, in folders that are not links)."""
        if relative not in self.previous_files() or not self._real_folders(relative):
            return None
        data = _read_regular(self._path(relative))
        return data if data is not None and digest(data) == self.previous_files()[relative] else None

    def still_there(self, relatives: list[str]) -> bool:
        """Whether every one of ``relatives`` is a regular file (not a link) that the
        previous build wrote. One listing of each folder, not a ``stat`` of each file:
        a rebuild asks it of every page."""
        recorded = self.previous_files()
        folders: dict[str, set[str]] = {}
        for relative in relatives:
            if relative not in recorded:
                return False  # (so it is a path this SDK wrote: no '..' in it)
            folder, _, name = relative.rpartition("/")
            if folder not in folders:
                folders[folder] = self._regular_files(folder)
            if name not in folders[folder]:
                return False
        return True

    def _regular_files(self, folder: str) -> set[str]:
        if folder and not self._real_folders(folder + "/"):
            return set()  # a folder that is a link, or under one, holds no page of the catalog
        try:
            with os.scandir(os.path.join(self.out, folder)) as listing:
                return {entry.name for entry in listing if entry.is_file(follow_symlinks=False)}
        except (OSError, ValueError):
            return set()

    def keep(self, relatives: list[str]) -> None:
        """Record files of the previous build as part of this one, unread."""
        recorded = self.previous_files()
        for relative in relatives:
            self.files[relative] = recorded[relative]
            self.unchanged += 1

    def _path(self, relative: str) -> str:
        return _inside(self.out, relative)

    def _real_folders(self, relative: str) -> bool:
        """Whether every folder on the way to ``relative`` (a path the record names)
        is a folder, not a link to one: what is reached through a link is not ours."""
        try:
            _inside(self.out, relative.rstrip("/") or ".")
        except ValueError:
            return False
        current = self.out
        for part in relative.split("/")[:-1]:
            current = os.path.join(current, part)
            try:
                if not stat.S_ISDIR(os.lstat(current).st_mode):
                    return False
            except OSError:
                return False
        return True

    # -- writing

    def writer(self, previous: dict[str, str] | None = None) -> Writer:
        """A :class:`Writer` into this folder (for a process of its own: give it the
        previous digests of the files it will write)."""
        return Writer(self.out, self._real, self.previous_files() if previous is None else previous)

    def write(self, relative: str, data: bytes | str) -> None:
        """Write one file of the catalog, unless the previous build wrote the same."""
        self._writer.write(relative, data)

    def merge(self, files: dict[str, str], written: int, unchanged: int) -> None:
        """Take in what a :class:`Writer` elsewhere wrote."""
        self.files.update(files)
        self.written += written
        self.unchanged += unchanged

    @property
    def _writer(self) -> Writer:
        if self.__writer is None:
            self.__writer = Writer(self.out, self._real, self.previous_files(), self)
        return self.__writer

    def finish(self, state: dict[str, Any]) -> None:
        """Remove what the previous build wrote and this one did not, then record this
        build (the record last: a build stopped midway is redone where it differs)."""
        folders: set[str] = set()
        for relative in self.previous_files():
            if relative in self.files or relative == MANIFEST:
                continue
            if not self._real_folders(relative):
                self.ignored.append(relative)  # (through a link, or not a path of the catalog)
                continue
            path = self._path(relative)
            try:
                mode = os.lstat(path).st_mode
                if stat.S_ISLNK(mode) or stat.S_ISREG(mode):  # a link itself, never what it points at
                    os.unlink(path)
                    self.removed += 1
                    folders.add(os.path.dirname(path))
            except OSError:
                pass
        for folder in sorted(folders, key=len, reverse=True):
            while folder != self.out and folder.startswith(self.out + os.sep):
                try:
                    os.rmdir(folder)  # only when empty
                except OSError:
                    break
                folder = os.path.dirname(folder)
        self._record(state, self.files)


class Writer:
    """Writes files of a catalog inside its folder, never through a link, and only
    when their content differs from the previous build's (by digest)."""

    def __init__(self, out: str, real: str, previous: dict[str, str], tally: Any = None) -> None:
        self.out = out
        self._real = real
        self.previous = previous
        self.tally = tally if tally is not None else self
        if tally is None:
            self.files: dict[str, str] = {}
            self.written = 0
            self.unchanged = 0
        self._dirs: set[str] = {out}

    def _path(self, relative: str) -> str:
        return _inside(self.out, relative)

    def _folder(self, folder: str) -> None:
        if folder in self._dirs:
            return
        parent = os.path.dirname(folder)
        if parent != folder:
            self._folder(parent)
        if os.path.islink(folder):
            raise OutputRefused(f"{folder} is a symbolic link: the catalog writes only inside --out")
        try:
            os.mkdir(folder)
        except FileExistsError:
            if not os.path.isdir(folder):
                raise OutputRefused(f"{folder} is in the way of the catalog and is not a folder") from None
        except OSError as error:
            raise OutputRefused(f"{folder} cannot be made: {error.strerror or error}") from error
        real = os.path.realpath(folder)
        if os.path.commonpath([self._real, real]) != self._real:
            raise OutputRefused(f"{folder} leads outside --out: the catalog writes only inside it")
        self._dirs.add(folder)

    def write(self, relative: str, data: bytes | str) -> None:
        """Write one file of the catalog, unless the previous build wrote the same."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        key = digest(data)
        self.tally.files[relative] = key
        path = self._path(relative)
        self._folder(os.path.dirname(path))  # (first: a file reached through a link is not unchanged, it is not ours)
        try:
            info = os.lstat(path)
        except OSError:
            info = None
        if info is not None and stat.S_ISLNK(info.st_mode):
            try:
                os.unlink(path)  # a link where a page goes: replaced, never followed
            except OSError as error:
                raise OutputRefused(f"{path} is a link that cannot be removed: {error.strerror or error}") from error
        elif info is not None and not stat.S_ISREG(info.st_mode):
            raise OutputRefused(f"{path} is in the way of the catalog and is not a file")  # a folder, a pipe
        elif info is not None and self.previous.get(relative) == key and info.st_size == len(data):
            self.tally.unchanged += 1
            return
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW | getattr(os, "O_BINARY", 0)
        try:
            handle = os.open(path, flags, 0o644)
            with os.fdopen(handle, "wb") as stream:
                if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):  # (a pipe made since)
                    raise OutputRefused(f"{path} is in the way of the catalog and is not a file")
                stream.write(data)
        except OSError as error:
            if error.errno == errno.ELOOP:  # a link made since: refused, never followed
                raise OutputRefused(f"{path} became a symbolic link: the catalog writes only inside --out") from None
            if error.errno in (errno.EISDIR, errno.ENXIO, errno.EAGAIN):
                raise OutputRefused(f"{path} is in the way of the catalog and is not a file") from None
            raise OutputRefused(f"{path} cannot be written: {error.strerror or error}") from error
        self.tally.written += 1


# opened without following a link, and without waiting for a pipe's reader
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


# What a file of the previous build may hold to be read back (pages of 10,000 atoms
# are a few megabytes); a larger one is not ours, and is written anew.
_PREVIOUS_BYTES = 1 << 30


def _read_regular(path: str) -> bytes | None:
    """The content of the regular file at ``path`` (None: it is not one, or it is a
    link, or it cannot be read); a pipe or a device is never waited on."""
    from ..loading import read_regular

    try:
        data = read_regular(path, _PREVIOUS_BYTES + 1, follow_links=False)
    except OSError:  # (a link, a folder, a pipe, a device, or unreadable)
        return None
    return data if len(data) <= _PREVIOUS_BYTES else None


def _inside(out: str, relative: str) -> str:
    parts = relative.split("/")
    if not relative or any(part in ("", ".", "..") or "\\" in part or "\x00" in part for part in parts):
        raise ValueError(f"not a path inside the catalog: {relative!r}")
    return os.path.join(out, *parts)
