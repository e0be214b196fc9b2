"""Rule control: which finding codes count, from ``[tool.skillwiki]`` and the command line.

A plugin project may hold, in its ``pyproject.toml``::

    [tool.skillwiki]
    select = ["SW1", "SW2"]   # only these codes or prefixes are reported
    ignore = ["SW211"]        # these are dropped (after select)
    strict = true             # warnings fail too

Codes are given exactly (``SW201``) or as a prefix (``SW2``, ``SW20``, also written
``SW2xx``). The command line wins over the file, key by key. An unknown code or
prefix, an unknown key or a value of the wrong type is a :class:`ConfigError`
(a usage error: exit code 2), never silently ignored.

One verdict: these settings live outside the bundle, so the wheel does not carry
them and an installed plugin is judged without them. They may therefore only choose
among *warnings* (which never keep a domain out of the registry) and harden them
(``strict``): ``ignore`` naming an error code, or a prefix that covers one, is a
:class:`ConfigError` that says how to silence it where it ships (``x-skillwiki-ignore``
in the atom), and ``select`` never hides an error (:func:`apply_settings`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .errors import UsageError
from .model import Finding, Report, Severity

__all__ = [
    "CONFIG_KEYS",
    "ConfigError",
    "Settings",
    "apply_settings",
    "find_pyproject",
    "load_settings",
    "load_toml",
    "matches",
    "merge_settings",
    "normalize_code",
    "parse_codes",
    "read_toml",
    "settings_table",
]

# The keys [tool.skillwiki] may hold; another key is a typo and a usage error.
CONFIG_KEYS = ("select", "ignore", "strict", "compat")  # compat: [tool.skillwiki.compat], read by compat

_CODE_RE = re.compile(r"^([A-Z]{1,8})([0-9]{0,3})(X*)$")


class ConfigError(UsageError):
    """A setting names an unknown code, has an unknown key or a value of the wrong type."""


@dataclass(frozen=True)
class Settings:
    """Effective rule control for one validated path.

    ``select`` is ``None`` when every code is reported; ``ignore`` codes or prefixes
    are dropped after selection; ``source`` is the ``pyproject.toml`` read, if any.
    """

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    strict: bool = False
    source: str | None = None


def normalize_code(text: str) -> str | None:
    """``sw2xx`` → ``SW2``; ``None`` when the text is not shaped like a code or prefix."""
    match = _CODE_RE.match(text.strip().upper())
    if not match:
        return None
    letters, digits, wild = match.groups()
    if wild and len(digits) + len(wild) != 3:
        return None  # SW2x is neither SW2xx nor a code
    return letters + digits


def matches(code: str, prefixes: Iterable[str]) -> bool:
    """Whether ``code`` is one of ``prefixes`` or begins with one of them."""
    return any(code.startswith(prefix) for prefix in prefixes)


def _catalogue(known: Iterable[Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(codes, error codes) of ``known``: codes as text, or rules (which tell errors)."""
    codes: list[str] = []
    errors: list[str] = []
    for item in known:
        code = getattr(item, "code", item)
        codes.append(code)
        if str(getattr(item, "severity", "")) == "error":
            errors.append(code)
    return tuple(codes), tuple(errors)


def parse_codes(value: Any, known: Iterable[Any], where: str, *, warnings_only: bool = False) -> tuple[str, ...]:
    """Normalized codes or prefixes from a list (or a comma-separated string).

    ``known`` are the codes (or :class:`~skillwiki_sdk.model.Rule` objects, which
    tell errors from warnings). Raises :class:`ConfigError` naming ``where`` and the
    first entry that is not a code or prefix of a ``known`` code, or, with
    ``warnings_only`` (for ``ignore``), that covers an error code.
    """
    if isinstance(value, str):
        items: list[Any] = [part for part in value.split(",") if part.strip()]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise ConfigError(
            f'{where}: expected a list of codes or prefixes such as ["SW2", "SW301"], got {type(value).__name__}'
        )
    known_codes, error_codes = _catalogue(known)
    result: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f'{where}: {item!r} is not a code or prefix (expected text like "SW201" or "SW2")')
        prefix = normalize_code(item)
        if prefix is None:
            raise ConfigError(
                f'{where}: {item.strip()!r} is not a code or prefix (expected text like "SW201", "SW20" or "SW2")'
            )
        if not any(code.startswith(prefix) for code in known_codes):
            raise ConfigError(
                f"{where}: unknown code or prefix {item.strip()!r}: no rule has it (run 'skillwiki rules' for the list)"
            )
        covered = [code for code in error_codes if code.startswith(prefix)]
        if warnings_only and covered:
            raise ConfigError(
                _error_refused(
                    where,
                    item.strip(),
                    covered,
                    [code for code in known_codes if code.startswith(prefix) and code not in error_codes],
                )
            )
        if prefix not in result:
            result.append(prefix)
    return tuple(result)


def _error_refused(where: str, entry: str, errors: Sequence[str], warnings: Sequence[str]) -> str:
    """Why ``ignore`` may not name ``entry``, and what to do instead."""
    named = ", ".join(errors[:4]) + (", ..." if len(errors) > 4 else "")
    what = (
        f"{entry!r} is an error code"
        if len(errors) == 1 and errors[0] == normalize_code(entry)
        else f"{entry!r} covers error codes ({named})"
    )
    instead = f"; to drop only its warnings, name them ({', '.join(warnings)})" if warnings else ""
    return (
        f"{where}: {what}, and an error cannot be silenced from outside the bundle: the wheel does not "
        f"carry this setting, so an installed plugin would still be refused for it. Fix the finding, or silence "
        f"it in the atom it belongs to (x-skillwiki-ignore: [{normalize_code(entry) or errors[0]}] in its "
        f"frontmatter, which ships with it){instead}"
    )


def find_pyproject(path: str | os.PathLike[str]) -> str | None:
    """The ``pyproject.toml`` of the project holding ``path``.

    Looks in the path's folder (for a file, its parent) and upward, and stops at the
    first ``pyproject.toml``, at a repository root (a folder with ``.git``) or at
    the top of the file system.
    """
    current = os.path.abspath(os.fspath(path))
    if not os.path.isdir(current):
        current = os.path.dirname(current)
    while True:
        candidate = os.path.join(current, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(current)
        if parent == current or os.path.exists(os.path.join(current, ".git")):
            return None
        current = parent


# No real pyproject.toml comes near this; a bigger file is refused, not parsed.
TOML_BYTES = 4 << 20


def read_toml(path: str) -> tuple[str, dict[str, Any]]:
    """The text of the TOML file at ``path`` (a ``pyproject.toml``) and its document.

    The one reader of ``pyproject.toml``: a :class:`ConfigError` naming the file when
    it cannot be read, is not a regular file (a FIFO or a device is never opened for
    a blocking read), is larger than :data:`TOML_BYTES`, is not UTF-8, or is not
    TOML (nested deeper than the parser can follow included).
    """
    from .loading import NotRegularFile, read_regular

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        raw = read_regular(path, TOML_BYTES + 1)
    except IsADirectoryError as error:
        raise ConfigError(f"{path}: cannot be read: it is a folder") from error
    except NotRegularFile as error:
        raise ConfigError(f"{path}: cannot be read: it is {error}, not a regular file") from error
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read: {error.strerror or error}") from error
    if len(raw) > TOML_BYTES:
        raise ConfigError(f"{path}: larger than {TOML_BYTES >> 20} MiB, more than a pyproject.toml holds")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}: not valid TOML: line {line}: byte 0x{raw[error.start]:02x} is not UTF-8 (TOML files are UTF-8)"
        ) from error
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    except RecursionError as error:  # the parser recurses once per nested array or inline table
        raise ConfigError(f"{path}: not valid TOML: arrays or tables nested too deeply to parse") from error


def load_toml(path: str) -> dict[str, Any]:
    """The document of the TOML file at ``path``; :class:`ConfigError` as :func:`read_toml` says."""
    return read_toml(path)[1]


def settings_table(
    pyproject: str, keys: Sequence[str], section: str | None = None
) -> tuple[dict[str, Any] | None, str]:
    """``[tool.skillwiki]`` of ``pyproject`` (or ``[tool.skillwiki.SECTION]``) and how
    findings name it: ``None`` when there is none (a ``tool`` or ``tool.skillwiki``
    that is not a table holds none of a section); :class:`ConfigError` when it is not
    a table or has a key outside ``keys``."""
    data = load_toml(pyproject)
    tool = data.get("tool")
    table = tool.get("skillwiki") if isinstance(tool, dict) else None
    name = "[tool.skillwiki]"
    if section is not None:
        table = table.get(section) if isinstance(table, dict) else None
        name = f"[tool.skillwiki.{section}]"
    where = f"{os.path.relpath(pyproject)}: {name}"
    if table is None:
        return None, where
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(key for key in table if key not in keys)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known keys: {', '.join(keys)})")
    return table, where


def load_settings(path: str | os.PathLike[str], known: Iterable[Any]) -> Settings:
    """The ``[tool.skillwiki]`` settings of the project holding ``path``.

    Returns default settings when there is no ``pyproject.toml`` or it has no such
    table. Raises :class:`ConfigError` for anything wrong in the table.
    """
    pyproject = find_pyproject(path)
    if pyproject is None:
        return Settings()
    table, where = settings_table(pyproject, CONFIG_KEYS)
    if table is None:
        return Settings(source=pyproject)
    known = tuple(known)
    strict = table.get("strict", False)
    if not isinstance(strict, bool):
        raise ConfigError(f"{where}: strict must be true or false, got {strict!r}")
    return Settings(
        select=parse_codes(table["select"], known, f"{where} select") if "select" in table else None,
        ignore=parse_codes(table["ignore"], known, f"{where} ignore", warnings_only=True) if "ignore" in table else (),
        strict=strict,
        source=pyproject,
    )


def merge_settings(
    base: Settings,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    strict: bool | None = None,
) -> Settings:
    """``base`` (from the file) overridden key by key by what the command line gives."""
    return replace(
        base,
        select=tuple(select) if select is not None else base.select,
        ignore=tuple(ignore) if ignore is not None else base.ignore,
        strict=strict if strict is not None else base.strict,
    )


def _kept(finding: Finding, settings: Settings) -> bool:
    """Whether ``finding`` stays: an error always does (only the bundle silences one)."""
    if finding.severity is Severity.ERROR:
        return True
    if settings.select is not None and not matches(finding.code, settings.select):
        return False
    return not matches(finding.code, settings.ignore)


def apply_settings(report: Report, settings: Settings) -> Report:
    """``report`` with only the selected, not ignored warnings, every error, and its
    strictness set. The policy for settings from outside the bundle
    (``[tool.skillwiki]``, the command line): see the module docstring."""
    report.findings = [finding for finding in report.findings if _kept(finding, settings)]
    report.strict = settings.strict
    return report
