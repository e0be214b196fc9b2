"""A client of Python package indexes: the simple repository API.

Reads PEP 691 (JSON) and PEP 503 (HTML, with PEP 592 yanking and the
``data-requires-python`` of PEP 503) simple indexes over ``http(s)://`` and
``file://``, with the standard library (``urllib``) and ``packaging`` only:

- :func:`configured_index_urls` - the index URLs pip is configured with (its
  environment variables and configuration files, read as pip reads them, without
  running pip);
- :func:`check_index_url` - an index URL given by the user, refused with
  :class:`IndexURLError` (a usage error naming where it came from) when it is not
  a URL at all;
- :class:`PackageIndex` - one index: :meth:`~PackageIndex.projects` and
  :meth:`~PackageIndex.files` of a project (filename, version, hashes, yanked,
  requires-python), and :meth:`~PackageIndex.download` of a file into a temporary
  file beside its name, with its hash checked;
- :func:`newest_file` - the newest release matching a specifier, yanked files and
  pre-releases skipped unless the specifier names them, a wheel preferred.

Every request has a timeout, a deadline for the whole answer and a size limit, so
an index that is down, slow or serves garbage ends in a :class:`PackageIndexError`
(with the URL, never its password), not in a hang. The module starts no thread and
no process, and keeps no state between calls.

Stable API (other parts of the SDK build on it): the names in ``__all__``.
"""

from __future__ import annotations

import base64
import configparser
import hashlib
import http.client
import json
import os
import re
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import (
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

from .errors import SkillwikiError, UsageError

if TYPE_CHECKING:
    from email.message import Message

__all__ = [
    "DEFAULT_INDEX_URL",
    "IndexFile",
    "IndexURLError",
    "PackageIndex",
    "PackageIndexError",
    "check_index_url",
    "configured_index_urls",
    "newest_file",
    "redact_url",
]

#: pip's default when nothing is configured.
DEFAULT_INDEX_URL = "https://pypi.org/simple/"

_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
_JSON_TYPE = "application/vnd.pypi.simple.v1+json"
_CHUNK = 1 << 16
# pip's configuration files are a few lines; a bigger one is refused, not read
_PIP_CONFIG_BYTES = 1 << 20
# Strongest first: the first one the index gives and hashlib has is checked.
_HASH_PREFERENCE = (
    "sha512",
    "sha384",
    "sha256",
    "sha3_512",
    "sha3_384",
    "sha3_256",
    "blake2b",
    "sha224",
    "sha1",
    "md5",
)


class _Response(Protocol):
    """What is read of an answer of ``urlopen``: an HTTP response, or a local file's."""

    @property
    def headers(self) -> Message: ...

    def geturl(self) -> str: ...

    def read(self, amount: int, /) -> bytes: ...

    def close(self) -> None: ...


class PackageIndexError(SkillwikiError):
    """An index could not be read, answered something that is not a simple index,
    or served a file that is too large or does not match its hash.

    ``url`` is the URL that failed, with any password removed (also in the message).
    """

    def __init__(self, message: str, url: str) -> None:
        self.url = redact_url(url)
        self.message = message
        super().__init__(f"{message} ({self.url})")


@dataclass(frozen=True)
class IndexFile:
    """One file of a project on an index.

    ``version`` is read from the filename (``None`` when the name is not a wheel's
    nor an sdist's); ``kind`` is ``"wheel"``, ``"sdist"`` or ``"other"``;
    ``hashes`` maps a hashlib name to a hex digest; ``yanked`` is ``None`` when the
    file is not yanked, else the reason (``""`` when none was given).
    """

    project: str
    filename: str
    url: str
    version: Version | None
    kind: str
    hashes: Mapping[str, str] = field(default_factory=dict)
    requires_python: str | None = None
    yanked: str | None = None
    size: int | None = None

    @property
    def is_yanked(self) -> bool:
        """True when the index marks the file yanked (PEP 592)."""
        return self.yanked is not None


class IndexURLError(UsageError):
    """An index URL that is not a URL (``urllib`` refuses it: ``http://[::1``, a port
    that is not a number); the message names the URL (without its password) and
    where it came from. A usage error: the index is never asked."""


def _parse(url: str) -> urllib.parse.SplitResult:
    """The parts of ``url``; ``ValueError`` when it is not a URL: ``urlsplit`` raises
    it for some (an unclosed ``[``), and ``.port`` for a port that is not a number in
    range. Every URL this module takes apart goes through here."""
    parts = urllib.parse.urlsplit(url)
    parts.port  # noqa: B018 - parsed lazily: this is where a bad port raises
    return parts


def _split(url: str) -> urllib.parse.SplitResult | None:
    """The parts of ``url``, or ``None`` when it is not a URL."""
    try:
        return _parse(url)
    except ValueError:
        return None


def _joined(base: str, href: str) -> str | None:
    """``href`` (from an index's page) resolved against ``base``; ``None`` when either
    is not a URL."""
    try:
        url = urllib.parse.urljoin(base, href)
    except ValueError:
        return None
    return url if _split(url) is not None else None


def _scheme(url: str) -> str:
    parts = _split(url)
    return parts.scheme.lower() if parts is not None else ""


# user:password@ in a text that is not a URL, so that it is not shown either
_CREDENTIALS = re.compile(r"^([^:/?#]+://[^/?#@:]*):[^/?#@]*@")


def redact_url(url: str) -> str:
    """``url`` with the password of its user information replaced by ``***``."""
    parts = _split(url)
    if parts is None:
        return _CREDENTIALS.sub(r"\1:***@", url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{f'[{host}]' if ':' in host else host}"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def check_index_url(url: str, origin: str) -> str:
    """``url``, when it is a URL; else :class:`IndexURLError` naming ``origin`` (how
    the user gave it: ``--index``, ``PIP_INDEX_URL``, a pip configuration file)."""
    try:
        _parse(url)
    except ValueError as error:
        raise IndexURLError(f"{origin}: {redact_url(url)!r} is not a valid URL ({error})") from None
    return url


# --- what pip is configured with ------------------------------------------------


def _pip_config_files(environ: Mapping[str, str]) -> list[Path] | None:
    """The configuration files pip reads, lowest priority first (pip's own order);
    ``None`` when ``PIP_CONFIG_FILE`` is the null device (pip then reads none)."""
    env_file = environ.get("PIP_CONFIG_FILE")
    if env_file is not None and os.path.normcase(env_file) == os.path.normcase(os.devnull):
        return None
    files: list[Path] = []
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        program_data = environ.get("PROGRAMDATA")
        if program_data:
            files.append(Path(program_data) / "pip" / "pip.ini")
        appdata = environ.get("APPDATA")
        user = [Path(appdata) / "pip" / "pip.ini"] if appdata else []
        user.insert(0, Path.home() / "pip" / "pip.ini")
        name = "pip.ini"
    else:
        dirs = environ.get("XDG_CONFIG_DIRS") or "/etc/xdg"
        files.extend(Path(d) / "pip" / "pip.conf" for d in dirs.split(os.pathsep) if d)
        files.append(Path("/etc/pip.conf"))
        home = Path(environ.get("HOME") or Path.home())
        config_home = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
        user = [home / ".pip" / "pip.conf", config_home / "pip" / "pip.conf"]
        name = "pip.conf"
    if not (env_file and os.path.exists(env_file)):
        files.extend(user)
    files.append(Path(sys.prefix) / name)
    if env_file:
        files.append(Path(env_file))
    return files


def configured_index_urls(environ: Mapping[str, str] | None = None) -> list[str]:
    """The index URL pip is configured with, then its extra index URLs.

    Read as pip reads them, without running pip: ``PIP_INDEX_URL`` and
    ``PIP_EXTRA_INDEX_URL`` first, else the ``index-url`` and ``extra-index-url`` of
    the ``[install]`` then ``[global]`` sections of pip's configuration files
    (``PIP_CONFIG_FILE``, the user's, the site's, the system's; none when
    ``PIP_CONFIG_FILE`` is the null device); ``PIP_NO_INDEX`` or ``no-index`` gives
    only the extra URLs. The default index is :data:`DEFAULT_INDEX_URL`.
    ``environ`` defaults to ``os.environ``. A URL that is not one is an
    :class:`IndexURLError` naming the variable or the file and key that set it.
    """
    env = os.environ if environ is None else environ
    settings: dict[str, str] = {}
    origins: dict[str, str] = {}  # key -> where its value was set, for messages
    files = _pip_config_files(env)
    for path in files or ():
        text = _read_pip_config(path, from_env=str(path) == env.get("PIP_CONFIG_FILE"))
        if text is None:
            continue
        parser = configparser.RawConfigParser()
        try:
            parser.read_string(text, source=str(path))
        except configparser.Error:
            continue  # pip refuses a broken file loudly; here it just gives nothing
        for section in ("global", "install"):  # install overrides global, as in pip
            if parser.has_section(section):
                for key, value in parser.items(section):
                    settings[key.replace("_", "-")] = value
                    origins[key.replace("_", "-")] = f"{key} in {path} [{section}]"
    for key in ("index-url", "extra-index-url", "no-index"):
        variable = "PIP_" + key.replace("-", "_").upper()
        env_value = env.get(variable)
        if env_value is not None:
            settings[key] = env_value
            origins[key] = variable
    urls = []
    if not _truthy(settings.get("no-index", "")):
        index_url = settings.get("index-url", "").strip()
        urls.append(check_index_url(index_url, origins["index-url"]) if index_url else DEFAULT_INDEX_URL)
    for url in settings.get("extra-index-url", "").split():
        if url not in urls:
            urls.append(check_index_url(url, origins["extra-index-url"]))
    return urls


def _read_pip_config(path: Path, *, from_env: bool) -> str | None:
    """The text of one of pip's configuration files; ``None`` when it is missing,
    a folder, unreadable or not UTF-8 (pip would say so; here it gives nothing).
    A FIFO, a device or a file larger than a configuration file is refused with a
    :class:`UsageError` instead of being read: it could block or never end."""
    from .loading import NotRegularFile, read_regular

    named = f"pip configuration file {path}" + (" (PIP_CONFIG_FILE)" if from_env else "")
    try:
        raw = read_regular(str(path), _PIP_CONFIG_BYTES + 1)
    except NotRegularFile as error:
        raise UsageError(
            f"{named} is {error}, not a regular file: it is not read; point it at a pip.conf file"
        ) from error
    except OSError:  # missing, a folder, unreadable
        return None
    if len(raw) > _PIP_CONFIG_BYTES:
        raise UsageError(f"{named} is larger than {_PIP_CONFIG_BYTES >> 20} MiB: it is not read as pip's configuration")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


# --- reading an index -------------------------------------------------------------


class _Anchors(HTMLParser):
    """The anchors of a PEP 503 page: (href, text, attributes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str, dict[str, str | None]]] = []
        self._open: tuple[str, dict[str, str | None]] | None = None
        self._text: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and self.base is None:
            self.base = dict(attrs).get("href")
        elif tag == "a":
            attributes = dict(attrs)
            href = attributes.get("href")
            self._open = (href, attributes) if href else None
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            href, attributes = self._open
            self.anchors.append((href, "".join(self._text).strip(), attributes))
            self._open = None


def _file_kind(filename: str) -> tuple[str, Version | None]:
    try:
        if filename.endswith(".whl"):
            return "wheel", parse_wheel_filename(filename)[1]
        if filename.endswith((".tar.gz", ".zip")):
            return "sdist", parse_sdist_filename(filename)[1]
    except ValueError:  # InvalidWheelFilename, InvalidSdistFilename, or a number of more digits than Python reads
        pass
    return "other", None


class PackageIndex:
    """One simple index (PEP 691 JSON or PEP 503 HTML) at ``url``.

    ``timeout`` bounds each connection and read (seconds), ``deadline`` a whole
    answer; ``max_page_bytes`` and ``max_file_bytes`` bound what is read. A user and
    password in the URL are sent as HTTP basic authentication. A ``url`` that is
    not a URL is an :class:`IndexURLError` naming ``origin``.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 15.0,
        deadline: float = 120.0,
        max_page_bytes: int = 32 << 20,
        max_file_bytes: int = 256 << 20,
        origin: str = "the index URL",
    ) -> None:
        check_index_url(url, origin)
        self.url = url if url.endswith("/") else url + "/"
        self.timeout = timeout
        self.deadline = deadline
        self.max_page_bytes = max_page_bytes
        self.max_file_bytes = max_file_bytes

    def __repr__(self) -> str:
        return f"PackageIndex({redact_url(self.url)!r})"

    # -- requests --

    def _request(self, url: str, accept: str, parts: urllib.parse.SplitResult) -> urllib.request.Request:
        headers = {"Accept": accept, "User-Agent": "skillwiki-sdk"}
        if parts.username is not None:
            netloc = parts.hostname or ""
            if parts.port is not None:
                netloc += f":{parts.port}"
            credentials = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
            headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode("ascii")
            url = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
        if parts.scheme == "file":
            # pip reads a folder's index.html
            local = Path(urllib.request.url2pathname(parts.path))
            if local.is_dir():
                url = urllib.parse.urljoin(url if url.endswith("/") else url + "/", "index.html")
        return urllib.request.Request(url, headers=headers)  # noqa: S310 - _open, its only caller, checks the scheme

    def _open(self, url: str, accept: str) -> _Response:
        parts = _split(url)
        if parts is None:
            raise PackageIndexError("not a URL", url)
        scheme = parts.scheme.lower()
        if scheme not in {"http", "https", "file"}:
            raise PackageIndexError(f"not an http, https or file URL: {scheme or 'no scheme'}", url)
        try:
            # (typeshed types urlopen's answer as Any)
            response = urllib.request.urlopen(self._request(url, accept, parts), timeout=self.timeout)  # noqa: S310 - schemes checked
            return cast("_Response", response)
        except urllib.error.HTTPError as error:
            error.close()
            raise PackageIndexError(f"the index answered HTTP {error.code} {error.reason}", url) from error
        except urllib.error.URLError as error:
            raise PackageIndexError(f"the index cannot be reached: {error.reason}", url) from error
        except (OSError, ValueError, http.client.HTTPException) as error:
            raise PackageIndexError(f"the index cannot be reached: {error}", url) from error

    def _read(self, response: _Response, url: str, limit: int, sink: Callable[[bytes], None] | None = None) -> bytes:
        """Read the whole answer (or stream it into ``sink``), within the size limit
        and the deadline."""
        start = time.monotonic()
        length = response.headers.get("Content-Length") if response.headers else None
        if length and length.isdigit() and int(length) > limit:
            raise PackageIndexError(f"the answer is {int(length)} bytes, more than the limit of {limit}", url)
        chunks: list[bytes] = []
        total = 0
        # read1 returns what one read of the socket gives: a server that trickles
        # bytes meets the deadline instead of filling a 64 KiB read forever
        read = getattr(response, "read1", None) or response.read
        try:
            while True:
                chunk = read(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > limit:
                    raise PackageIndexError(f"the answer is more than the limit of {limit} bytes", url)
                if time.monotonic() - start > self.deadline:
                    raise PackageIndexError(f"the answer took more than {self.deadline:g} s", url)
                if sink is None:
                    chunks.append(chunk)
                else:
                    sink(chunk)
        except PackageIndexError:
            raise
        except (OSError, ValueError, http.client.HTTPException) as error:
            raise PackageIndexError(f"the answer was cut off: {error}", url) from error
        finally:
            response.close()
        return b"".join(chunks)

    def _page(self, url: str) -> tuple[str, str, bytes]:
        """(final URL, content type, body) of a simple-index page."""
        response = self._open(url, _ACCEPT)
        final = response.geturl() or url
        content_type = (
            (response.headers.get("Content-Type") or "").split(";")[0].strip().lower() if response.headers else ""
        )
        body = self._read(response, url, self.max_page_bytes)
        if not content_type and _scheme(final) == "file":
            content_type = _JSON_TYPE if body.lstrip()[:1] == b"{" else "text/html"
        return final, content_type, body

    @staticmethod
    def _json(body: bytes, url: str) -> dict[str, Any]:
        try:
            document = json.loads(body)
        except (ValueError, RecursionError) as error:
            raise PackageIndexError(f"the index's JSON answer does not parse: {error}", url) from error
        if not isinstance(document, dict):
            raise PackageIndexError("the index's JSON answer is not an object", url)
        meta = document.get("meta")
        version = meta.get("api-version") if isinstance(meta, dict) else None
        if not isinstance(version, str) or not version.startswith("1."):
            raise PackageIndexError(f"the index speaks simple API version {version!r}, not 1.x", url)
        return document

    @staticmethod
    def _html(body: bytes, url: str) -> _Anchors:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise PackageIndexError("the index's page is not UTF-8 text", url) from error
        if "<" not in text:
            raise PackageIndexError("the index's answer is neither JSON nor an HTML page", url)
        parser = _Anchors()
        try:
            parser.feed(text)
            parser.close()
        except (AssertionError, ValueError) as error:  # HTMLParser on some malformed input
            raise PackageIndexError(f"the index's page does not parse: {error}", url) from error
        return parser

    # -- the API --

    def project_url(self, project: str) -> str:
        """The URL of ``project``'s page: ``<index>/<normalized name>/`` (PEP 503)."""
        return urllib.parse.urljoin(self.url, canonicalize_name(project) + "/")

    def projects(self) -> list[str]:
        """The names of the projects the index lists, as it spells them."""
        final, content_type, body = self._page(self.url)
        if content_type == _JSON_TYPE:
            entries = self._json(body, final).get("projects")
            if not isinstance(entries, list):
                raise PackageIndexError("the index's JSON answer has no list of projects", final)
            return [e["name"] for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)]
        return [text for _href, text, _attrs in self._html(body, final).anchors if text]

    def files(self, project: str) -> list[IndexFile]:
        """Every file the index lists for ``project`` (``[]`` when it has no such
        project: HTTP 404)."""
        url = self.project_url(project)
        try:
            final, content_type, body = self._page(url)
        except PackageIndexError as error:
            if isinstance(error.__cause__, urllib.error.HTTPError) and error.__cause__.code in (404, 410):
                return []
            if isinstance(error.__cause__, urllib.error.URLError) and _scheme(url) == "file":
                return []  # a file:// index without that folder
            raise
        name = canonicalize_name(project)
        found: list[IndexFile] = []
        if content_type == _JSON_TYPE:
            entries = self._json(body, final).get("files")
            if not isinstance(entries, list):
                raise PackageIndexError("the index's JSON answer has no list of files", final)
            for entry in entries:
                if not isinstance(entry, dict):
                    continue
                filename, href = entry.get("filename"), entry.get("url")
                if not isinstance(filename, str) or not isinstance(href, str):
                    continue
                entry_hashes = entry.get("hashes")
                yanked = entry.get("yanked", False)
                requires = entry.get("requires-python")
                size = entry.get("size")
                absolute = _joined(final, href)
                if absolute is None or not self._allowed(absolute):
                    continue
                found.append(
                    self._file(
                        name,
                        filename,
                        absolute,
                        {str(k).lower(): str(v).lower() for k, v in entry_hashes.items()}
                        if isinstance(entry_hashes, dict)
                        else {},
                        requires if isinstance(requires, str) else None,
                        (yanked if isinstance(yanked, str) else "") if yanked else None,
                        size if isinstance(size, int) and not isinstance(size, bool) else None,
                    )
                )
            return found
        parsed = self._html(body, final)
        base = (_joined(final, parsed.base) if parsed.base else None) or final
        for href, text, attrs in parsed.anchors:
            absolute = _joined(base, href)
            if absolute is None or not self._allowed(absolute):
                continue
            path, _, fragment = absolute.partition("#")
            filename = urllib.parse.unquote(path.rsplit("/", 1)[-1]) or text
            hashes: dict[str, str] = {}
            algorithm, sep, digest = fragment.partition("=")
            if sep and algorithm and digest:
                hashes[algorithm.lower()] = digest.lower()
            found.append(
                self._file(
                    name,
                    filename,
                    path,
                    hashes,
                    attrs.get("data-requires-python"),
                    (attrs.get("data-yanked") or "") if "data-yanked" in attrs else None,
                    None,
                )
            )
        return found

    def _allowed(self, url: str) -> bool:
        """A file of an http(s) index is fetched over http(s) only: an index never
        makes this client read a local file (``file://``)."""
        mine, theirs = _scheme(self.url), _scheme(url)
        return theirs in ("http", "https") or (mine == "file" and theirs == "file")

    @staticmethod
    def _file(
        project: str,
        filename: str,
        url: str,
        hashes: Mapping[str, str],
        requires_python: str | None,
        yanked: str | None,
        size: int | None,
    ) -> IndexFile:
        kind, version = _file_kind(filename)
        return IndexFile(project, filename, url, version, kind, hashes, requires_python, yanked, size)

    def download(
        self, file: IndexFile, directory: str | os.PathLike[str] | None = None, *, require_hash: bool = True
    ) -> Path:
        """Download ``file`` into a new temporary folder (inside ``directory`` if
        given) under its own filename, and return its path; the caller removes it
        (its parent folder too). The file's strongest known hash is checked while it
        is read; a file without one is refused unless ``require_hash`` is false.
        Nothing is left behind when it fails."""
        algorithm = next((a for a in _HASH_PREFERENCE if a in file.hashes), None)
        if algorithm is None:
            algorithm = next((a for a in file.hashes if a in hashlib.algorithms_available), None)
        if algorithm is None and require_hash:
            raise PackageIndexError(
                f"the index gives no hash this tool knows for {file.filename}, so it cannot be checked", file.url
            )
        name = os.path.basename(file.filename)
        if name in {"", ".", ".."} or name != file.filename or "\x00" in name:
            raise PackageIndexError(f"refusing a file named {file.filename!r}", file.url)
        if file.size is not None and file.size > self.max_file_bytes:
            raise PackageIndexError(
                f"{name} is {file.size} bytes, more than the limit of {self.max_file_bytes}", file.url
            )
        expected = file.hashes[algorithm] if algorithm else None
        digest = hashlib.new(algorithm) if algorithm else None
        folder = Path(tempfile.mkdtemp(prefix="skillwiki-download-", dir=directory))
        target = folder / name
        try:
            response = self._open(file.url, "*/*")
            with open(target, "wb") as out:

                def sink(chunk: bytes) -> None:
                    if digest is not None:
                        digest.update(chunk)
                    out.write(chunk)

                self._read(response, file.url, self.max_file_bytes, sink)
            if digest is not None and digest.hexdigest() != expected:
                raise PackageIndexError(
                    f"{name} does not match its {algorithm} hash on the index "
                    f"(expected {expected}, got {digest.hexdigest()})",
                    file.url,
                )
        except BaseException:
            _remove(folder)
            raise
        return target


def _remove(folder: Path) -> None:
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()


# --- choosing a release ---------------------------------------------------------


def _pins(specifier: SpecifierSet, version: Version) -> bool:
    """Whether ``specifier`` names ``version`` exactly (``==V`` or ``===V``): PEP 592
    lets such a specifier pick a yanked release."""
    for one in specifier:
        if one.operator == "===" and one.version == str(version):
            return True
        if one.operator == "==" and not one.version.endswith(".*"):
            try:
                if Version(one.version) == version:
                    return True
            except ValueError:  # InvalidVersion, or a number of more digits than Python reads
                continue
    return False


def newest_file(
    files: Iterable[IndexFile],
    specifier: SpecifierSet | str = "",
    *,
    prereleases: bool | None = None,
    kinds: tuple[str, ...] = ("wheel", "sdist"),
) -> IndexFile | None:
    """The file of the newest release in ``files`` that ``specifier`` allows, or
    ``None``.

    Pre-releases count only when ``prereleases`` is true, or when it is ``None`` and
    the specifier names one (``>=2.0b1``); a yanked file counts only when the
    specifier pins its version (``==1.2.0``). Of a release's files the first kind in
    ``kinds`` is chosen (a wheel before an sdist), then the name in sort order.
    Raises :class:`packaging.specifiers.InvalidSpecifier` for a bad text, and for
    one naming a version of more digits than Python reads.
    """
    try:
        spec = specifier if isinstance(specifier, SpecifierSet) else SpecifierSet(specifier)
        for clause in spec:  # one comparison a clause reads every version the text names
            clause.contains(Version("0"), prereleases=True)
        allow_pre = spec.prereleases if prereleases is None else prereleases
    except InvalidSpecifier:
        raise
    except ValueError as error:  # int() refuses more than 4300 digits
        shown = str(specifier) if len(str(specifier)) <= 60 else str(specifier)[:57] + "..."
        raise InvalidSpecifier(f"{shown!r}: a version in it has more digits than Python reads") from error
    best: tuple[Version, int, str] | None = None
    chosen: IndexFile | None = None
    for file in files:
        if file.version is None or file.kind not in kinds:
            continue
        if not spec.contains(file.version, prereleases=bool(allow_pre)):
            continue
        if file.is_yanked and not _pins(spec, file.version):
            continue
        key = (file.version, -kinds.index(file.kind), file.filename)
        if best is None or (key[0], key[1]) > (best[0], best[1]) or (key[:2] == best[:2] and key[2] < best[2]):
            best, chosen = key, file
    return chosen
