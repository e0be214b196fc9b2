"""Reading files into YAML data, with every problem turned into a located finding.

Parsing is done once, with PyYAML's C parser where present. Lines are not recorded
while parsing: :func:`locate` composes a document again, only for a file that has a
finding whose line is not known yet.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import yaml

from . import rules
from .model import Finding, Path, Rule, Source

try:  # the C parser is several times faster; the pure one gives the same results
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

__all__ = [
    "ARCHIVE_SUFFIXES",
    "Document",
    "LIMITS",
    "NotRegularFile",
    "load_yaml",
    "locate",
    "read_body",
    "read_text",
    "split_frontmatter",
    "describe_value",
    "is_archive",
]

_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Limits:
    """Limits that no honest bundle reaches; crossing one is a finding (SW509)."""

    file_bytes: int = 1024 * 1024  # one atom or manifest file
    yaml_nodes: int = 50_000  # nodes of one YAML document, aliases expanded
    yaml_depth: int = 64  # nesting of mappings and lists
    line_chars: int = 100_000  # one line of a file
    files: int = 200_000  # files in one bundle
    archive_bytes: int = 256 * 1024 * 1024  # members of one wheel or sdist, uncompressed, as their headers state
    archive_members: int = 250_000  # members of one wheel or sdist
    number_digits: int = 600  # one whole number: below the 640 digits any Python may print


LIMITS = Limits()


@dataclass
class Document:
    """The result of reading one YAML document: data (or ``None``) and findings."""

    data: Any = None
    findings: list[Finding] = field(default_factory=list)
    ok: bool = True
    # paths of the values (and keys) YAML could not read, kept as the author's text
    unread: frozenset[Path] = frozenset()


class _Unread(str):
    """A scalar that YAML could not read as the type its tag or its look gives it
    (``2024-02-30``, ``!!int 4x``, a number of thousands of digits): the text the
    author wrote, beside a located finding, so the rest of the document is checked.
    It never leaves this module: :func:`load_yaml` makes it plain text again."""

    __slots__ = ()


def _plain(data: Any, path: Path, found: set[Path]) -> Any:
    """``data`` with every :class:`_Unread` made plain text; their paths into ``found``."""
    if isinstance(data, dict):
        plain = {}
        for key, value in data.items():
            if isinstance(key, _Unread):
                key = str(key)
                found.add((*path, key))
            plain[key] = _plain(value, (*path, key), found)
        return plain
    if isinstance(data, list):
        return [_plain(item, (*path, index), found) for index, item in enumerate(data)]
    if isinstance(data, _Unread):
        found.add(path)
        return str(data)
    return data


def on_unread(unread: frozenset[Path], path: Path | None) -> bool:
    """Whether ``path`` leads to (or through) a value or key YAML could not read
    (:attr:`Document.unread`): a schema finding there repeats the loader's finding."""
    where = tuple(path or ())
    return any(where[: len(bad)] == bad for bad in unread)


_STR_TAG = "tag:yaml.org,2002:str"
# Scalar tags whose values the safe constructors make from the node's text alone.
_PLAIN_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)


class _Unusual(Exception):
    """The document needs PyYAML's general construction (aliases, merges, tags,
    complex keys, or a limit crossed): the direct path gives way to it."""


class _Loader(_BaseLoader):
    """Safe loading that reports duplicate and non-text keys instead of hiding them.

    A document of plain mappings, lists and scalars (what atoms are made of) is built
    directly from its nodes, which gives the same data as PyYAML's constructor at a
    fraction of its cost, counting nodes and depth for :data:`LIMITS` on the way.
    Anything else goes through PyYAML's own construction.
    """

    # The first characters for which YAML's implicit resolvers may give a plain
    # scalar a tag other than text (digits, signs, '~', 'n' of null, 'y' of yes...).
    # Empty when a wildcard resolver is registered: then every scalar asks them all.
    _RESOLVED_FIRST = (
        frozenset(key for key in _BaseLoader.yaml_implicit_resolvers if key)
        if None not in _BaseLoader.yaml_implicit_resolvers and not _BaseLoader.yaml_path_resolvers
        else None
    )

    def __init__(self, stream: str, source: Source) -> None:
        super().__init__(stream)
        self.source = source
        self.problems: list[Finding] = []
        # an alias ('*name') shares a node between places: only the general path
        # constructs shared values once, as YAML means them
        self._direct = "*" not in stream
        self.measured = False  # whether the direct path has checked the limits
        self._nodes = 0
        self._text = stream
        self.unread = False  # whether some scalar became an _Unread
        self._unread_nodes: set[int] = set()  # reported once, however often constructed

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        # Called by the parser for every node. Text that no implicit resolver could
        # claim (most of it) is text, and without path resolvers an untagged mapping
        # or list is one: the answers PyYAML's resolve would give.
        first = self._RESOLVED_FIRST
        if first is not None:
            if kind is yaml.ScalarNode:
                if not implicit[0] or (value and value[0] not in first):
                    return _STR_TAG
            elif kind is yaml.MappingNode:
                return self.DEFAULT_MAPPING_TAG
            elif kind is yaml.SequenceNode:
                return self.DEFAULT_SEQUENCE_TAG
        # types-PyYAML leaves BaseResolver.resolve unannotated: it returns the tag, a str
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return,no-untyped-call]

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        if self._direct:
            kept = len(self.problems)
            try:
                data = self._build(node, 1)
            except _Unusual:
                del self.problems[kept:]  # the general path reports them again
                self._unread_nodes.clear()
            else:
                self.measured = True
                return data
        return self.construct_document(node)

    def _build(self, node: yaml.Node, depth: int) -> Any:
        """The value of ``node``, made directly; raises :class:`_Unusual` for what
        only the general construction handles, or for a limit crossed (which the
        general path then reports as it always has)."""
        kind = type(node)
        if kind is yaml.ScalarNode:
            tag = node.tag
            if tag == _STR_TAG:
                return node.value
            if tag in _PLAIN_SCALAR_TAGS:
                return self.yaml_constructors[tag](self, node)
            raise _Unusual
        if depth > LIMITS.yaml_depth:
            raise _Unusual
        self._nodes += len(node.value) + 1
        if self._nodes > LIMITS.yaml_nodes:
            raise _Unusual
        depth += 1
        build = self._build
        if kind is yaml.SequenceNode:
            if node.tag != "tag:yaml.org,2002:seq":
                raise _Unusual
            return [build(child, depth) for child in node.value]
        if node.tag != "tag:yaml.org,2002:map":
            raise _Unusual
        mapping: dict[Any, Any] = {}
        text_keys = True
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode or key_node.tag == _MERGE_TAG:
                raise _Unusual
            if key_node.tag == _STR_TAG:
                key = key_node.value
            else:
                key = build(key_node, depth)
                text_keys = False
            mapping[key] = build(value_node, depth)
        if len(mapping) != len(node.value):
            self._report_duplicates(node.value)
        if not text_keys:  # (a mapping node: the kinds above have returned)
            mapping = self._text_keys(cast("yaml.MappingNode", node), mapping)
        return mapping

    def _at(self, node: yaml.Node) -> tuple[int, int]:
        mark = node.start_mark
        return mark.line + 1 + self.source.offset, mark.column + 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        pairs = node.value[:]  # as written: merging (<<) rewrites node.value in place
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        if len(mapping) != len(pairs):
            # fewer keys than pairs: one is repeated (or a << merge is at work)
            self._report_duplicates(pairs)
        if any(not isinstance(key, str) for key in mapping):
            mapping = self._text_keys(node, mapping)
        return mapping

    def _problem(self, rule: Rule, node: yaml.Node, message: str, hint: str) -> None:
        line, column = self._at(node)
        self.problems.append(rule.finding(message, file=self.source.display, line=line, column=column, hint=hint))

    def _unreadable(self, node: yaml.ScalarNode, kind: str, reason: str | None) -> _Unread:
        """Report a scalar that cannot be made into ``kind`` (``reason``; ``None``: a
        number beyond the limit); it stays the author's text."""
        self.unread = True
        if id(node) not in self._unread_nodes:
            self._unread_nodes.add(id(node))
            text = node.value
            shown = text if len(text) <= 40 else text[:37] + "..."
            start = node.start_mark.index
            tagged = 0 <= start < len(self._text) and self._text[start] == "!"
            if reason is None:
                self._problem(
                    rules.LIMIT_EXCEEDED,
                    node,
                    f"this number has more than {LIMITS.number_digits} digits, the limit for one number",
                    "if it is text, put it in quotes",
                )
            else:
                words = _SCALAR_WORDS[kind] if kind != "timestamp" or ":" in text else "a date"
                how = (
                    f"the tag !!{kind} asks YAML to read {shown!r} as {words}"
                    if tagged
                    else f"YAML reads {shown} as {words}"
                )
                fix = (
                    f"remove the tag !!{kind}, or write {words}"
                    if tagged
                    else f'if it is text, put it in quotes: "{shown}"'
                )
                self._problem(rules.YAML_SYNTAX, node, f"{how}, but it is not one: {reason}", fix)
        return _Unread(node.value)

    def _report_duplicates(self, pairs: list[tuple[yaml.Node, yaml.Node]]) -> None:
        seen: dict[str, yaml.Node] = {}  # the first key node; its line only when repeated
        for key_node, _ in pairs:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE_TAG:
                key = key_node.value
                if key in seen:
                    self._problem(
                        rules.DUPLICATE_KEY,
                        key_node,
                        f"key '{key}' appears twice in the same mapping (first on line {self._at(seen[key])[0]}); "
                        "YAML would silently keep only the last one",
                        "remove one of them, or merge their values",
                    )
                else:
                    seen[key] = key_node

    def _text_keys(self, node: yaml.MappingNode, mapping: dict[Any, Any]) -> dict[str, Any]:
        """Report keys that YAML reads as something other than text; keep their spelling."""
        fixed: dict[str, Any] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag not in ("tag:yaml.org,2002:str", _MERGE_TAG):
                key = self.construct_object(key_node)
                if isinstance(key, _Unread):
                    continue  # reported as what YAML could not read
                self._problem(
                    rules.NON_STRING_KEY,
                    key_node,
                    f"key {key_node.value!r} is read by YAML as {describe_value(key)}, but keys must be text",
                    f'put it in quotes: "{key_node.value}"',
                )
        spelled = {self.construct_object(k): k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        for key, value in mapping.items():
            # keep the author's spelling ('no', not 'False') so later messages match the file
            fixed[key if isinstance(key, str) else spelled.get(key, str(key))] = value
        return fixed


_SCALAR_WORDS = {"int": "a whole number", "float": "a number", "bool": "true or false", "timestamp": "a timestamp"}
# What PyYAML's constructors raise on a scalar they cannot make into their type
# (int('4x'), datetime(2024, 2, 30), a bool table without 'maybe', an empty text).
_CONSTRUCTION_ERRORS = (ValueError, KeyError, IndexError, AttributeError, TypeError, OverflowError)
_NUMBER_BITS = 1993  # 2**1993 < 10**600: a whole number of at most 600 digits


def _reason(kind: str, text: str, error: Exception) -> str:
    """Why ``text`` is not of ``kind``, in words."""
    if not text.strip():
        return "it is empty"
    if kind == "timestamp":
        return _date_reason(text, error)
    if kind == "bool":
        return "YAML's booleans are true/false, yes/no, on/off"
    if kind == "int":
        return "it has characters that are not digits"
    return "it is not written as a number"


def _date_reason(text: str, error: Exception) -> str:
    import calendar

    match = _BaseLoader.timestamp_regexp.match(text)
    if match is None:
        return "a date is written like 2024-01-31, a timestamp like 2024-01-31 10:00:00"
    values = match.groupdict()
    year, month, day = int(values["year"]), int(values["month"]), int(values["day"])
    if not 1 <= year <= 9999:
        return "years run from 1 to 9999"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{calendar.month_name[month]} {year} has {days} days"
    if values["tz_hour"] and int(values["tz_hour"]) * 60 + int(values["tz_minute"] or 0) >= 24 * 60:
        return "its time zone must be less than 24 hours from UTC"
    for unit, most in (("hour", 23), ("minute", 59), ("second", 59)):
        if values[unit] and int(values[unit]) > most:
            return f"the {unit} must be from 0 to {most}"
    return str(error)


def _guarded(kind: str) -> Any:
    """PyYAML's safe constructor of ``kind``, made to report what it cannot read."""
    construct = _BaseLoader.yaml_constructors[f"tag:yaml.org,2002:{kind}"]
    is_int = kind == "int"

    def build(loader: _Loader, node: yaml.Node) -> Any:
        if type(node) is not yaml.ScalarNode:
            return construct(loader, node)  # PyYAML says 'expected a scalar node' (SW503)
        if is_int and len(node.value) > LIMITS.number_digits:
            # int() of more than 4300 decimal digits raises, and printing one fails
            return loader._unreadable(node, kind, None)
        try:
            value = construct(loader, node)
        except _CONSTRUCTION_ERRORS as error:
            return loader._unreadable(node, kind, _reason(kind, node.value, error))
        if is_int and value.bit_length() > _NUMBER_BITS:  # 0x... or 1:00:00:... short to write
            return loader._unreadable(node, kind, None)
        return value

    return build


for _kind in ("int", "float", "bool", "timestamp"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_kind}", _guarded(_kind))


def describe_value(value: Any) -> str:
    """Name a YAML value the way an author would: 'the number 1.0', 'a date'."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, datetime.datetime):
        return f"a timestamp ({value.isoformat()})"
    if isinstance(value, datetime.date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, (set, frozenset)):
        return "a set (!!set)"
    if isinstance(value, tuple):
        return "a key-value pair (from !!omap or !!pairs)"
    return type(value).__name__


def read_text(path: str, display: str) -> tuple[str | None, list[Finding]]:
    """Read a file as UTF-8 text with ``\\n`` line ends; problems become findings.

    A byte-order mark is accepted and dropped; CRLF and CR line ends become LF, so
    line numbers stay those an editor shows.
    """
    try:
        data = read_regular(path, LIMITS.file_bytes + 1)
    except IsADirectoryError:
        return None, [rules.NOT_A_FILE.finding("this is a folder, not a file", file=display, line=1)]
    except NotRegularFile as error:
        return None, [
            rules.NOT_A_FILE.finding(
                f"this is {error}, not a file; it is not read",
                file=display,
                line=1,
                hint="replace it with a regular file",
            )
        ]
    except OSError as error:
        reason = error.strerror or str(error)
        return None, [
            rules.UNREADABLE.finding(
                f"cannot read this file: {reason}",
                file=display,
                line=1,
                hint="check that it exists and that its permissions allow reading",
            )
        ]
    return decode_text(data, display)


def decode_text(data: bytes, display: str) -> tuple[str | None, list[Finding]]:
    """The bytes of a file (read with one byte over the limit) as :func:`read_text`
    gives its text: UTF-8, a byte-order mark dropped, ``\\n`` line ends, within
    :data:`LIMITS`; problems become findings."""
    if len(data) > LIMITS.file_bytes:
        return None, [
            rules.LIMIT_EXCEEDED.finding(
                f"file is larger than {LIMITS.file_bytes // 1024} KiB, the limit for one file",
                file=display,
                line=1,
                hint="split it into several atoms",
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, [
            rules.NOT_UTF8.finding(
                f"file is not UTF-8 text: byte 0x{data[error.start]:02x} cannot be decoded",
                file=display,
                line=line,
                column=column,
                hint="save the file as UTF-8",
            )
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    long_line = _long_line(text, LIMITS.line_chars)
    if long_line:
        return None, [
            rules.LIMIT_EXCEEDED.finding(
                f"line is longer than {LIMITS.line_chars:,} characters, the limit for one line",
                file=display,
                line=long_line,
                hint="break the text into lines (Markdown joins them again)",
            )
        ]
    return text, []


class NotRegularFile(OSError):
    """A path that is a pipe, socket or device: opening or reading it could block
    forever. Its text is what the path is (``a named pipe (FIFO)``, ``a device``)."""


def read_regular(path: str, limit: int, *, follow_links: bool = True) -> bytes:
    """At most ``limit`` bytes of a regular file; never blocks on a FIFO or a device.
    ``follow_links=False``: a link at ``path`` is an :class:`OSError` (ELOOP), not
    read through (where the platform has ``O_NOFOLLOW``)."""
    import stat

    # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags if follow_links else flags | getattr(os, "O_NOFOLLOW", 0))
    try:
        status = os.fstat(fd)
        mode = status.st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(mode):
            kind = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
            raise NotRegularFile(kind)
        # Ask for the size the file has (and one byte more, to see it grow), not for
        # `limit`: a read of `limit` bytes allocates that much for every small file.
        chunks: list[bytes] = []
        got = 0
        ask = min(status.st_size + 1, limit)
        while got < limit:
            chunk = os.read(fd, min(ask, limit - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            ask = 1 << 16
        return b"".join(chunks)
    finally:
        os.close(fd)


def _long_line(text: str, limit: int) -> int | None:
    """The 1-based number of the first line longer than ``limit`` characters, if any."""
    if len(text) <= limit:
        return None
    start = 0
    number = 1
    while True:
        end = text.find("\n", start)
        if (len(text) if end < 0 else end) - start > limit:
            return number
        if end < 0:
            return None
        start = end + 1
        number += 1


def _mark_position(mark: Any, source: Source) -> tuple[int, int]:
    if mark is None:
        return 1 + source.offset, 1
    return mark.line + 1 + source.offset, mark.column + 1


def _yaml_error_finding(error: yaml.YAMLError, source: Source, text: str | None = None) -> Finding:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line, column = _mark_position(mark, source)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    if isinstance(error, yaml.constructor.ConstructorError) and "could not determine a constructor" in str(problem):
        tag = str(problem).split("tag ", 1)[-1].strip(" '").replace("tag:yaml.org,2002:", "!!")
        return rules.UNSAFE_TAG.finding(
            f"YAML tag {tag} is not allowed: only plain YAML values are read, nothing is ever executed or constructed",
            file=source.display,
            line=line,
            column=column,
            hint="remove the tag and write the value as plain text, a list or a mapping",
        )
    message = str(problem)
    if context:
        message = f"{context}, {message}"
    if "maximum nesting depth" in message:
        return rules.LIMIT_EXCEEDED.finding(
            f"YAML is nested too deeply (more than {LIMITS.yaml_depth} levels)",
            file=source.display,
            line=line,
            column=column,
        )
    explained = _explain(error, text) if text is not None else None
    if explained is not None:
        words, hint, (at_line, at_column) = explained
        line, column = at_line + 1 + source.offset, at_column + 1
        return rules.YAML_SYNTAX.finding(words, file=source.display, line=line, column=column, hint=hint)
    hint = None
    if "'\\t'" in message or " tab " in message:  # not "unacceptable", which also holds "tab"
        hint = "YAML does not allow tabs for indentation: indent with spaces"
    return rules.YAML_SYNTAX.finding(
        f"YAML does not parse: {message}", file=source.display, line=line, column=column, hint=hint
    )


Explained = tuple[str, "str | None", tuple[int, int]]


def _explain(error: yaml.YAMLError, text: str) -> Explained | None:
    """The commonest mistakes of authors, in their words, at the place an editor shows
    (0-based line and column in ``text``): a tab, ': ' inside a value, a quote or a
    bracket never closed (where it opened), no space after a colon, no colon, a list
    item among keys, a value starting with '@', '`', '%', '*' or '&', indentation off
    by a space or two, text after a closing quote or after '|', and a second '---'.
    ``None`` for anything else: PyYAML's words then. The C parser's messages name no
    character, so the character is read from ``text`` at the error's mark."""
    problem_mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    problem = str(getattr(error, "problem", None) or "")
    context = str(getattr(error, "context", None) or "")
    lines = text.split("\n")

    def line_of(mark: Any) -> str:
        return lines[mark.line] if mark is not None and 0 <= mark.line < len(lines) else ""

    def at(mark: Any) -> str:
        line = line_of(mark)
        return line[mark.column] if mark is not None and 0 <= mark.column < len(line) else ""

    def quoted(mark: Any) -> str:
        """The line of ``mark`` with its value in quotes: what the author should write."""
        key, colon, value = line_of(mark).partition(": ")
        value = value.strip()
        if not colon or not value:
            return ""
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'{key.strip()}: "{escaped}"'

    if problem_mark is not None and at(problem_mark) == "\t":  # the C parser never says "tab"
        if not line_of(problem_mark)[: problem_mark.column].strip():
            return (
                "a tab is used for indentation here; YAML indents with spaces only",
                "replace the tab with spaces, as many as the lines around it use",
                (problem_mark.line, problem_mark.column),
            )
        return (
            "a tab stands where YAML expects a value or a key; YAML allows only spaces there",
            "replace the tab with a space",
            (problem_mark.line, problem_mark.column),
        )

    if "quoted scalar" in context and context_mark is not None:
        quote = at(context_mark) or '"'
        return (
            f"the quote {quote} opened here is never closed",
            f"close it with {quote} at the end of the value (a {quote} inside the value is written "
            + ("'' in single quotes)" if quote == "'" else '\\" in double quotes)'),
            (context_mark.line, context_mark.column),
        )
    if "flow sequence" in context or "flow mapping" in context:
        if context_mark is not None:
            bracket, closing = ("[", "]") if "sequence" in context else ("{", "}")
            return (
                f"the '{bracket}' opened here is never closed",
                f"close it with '{closing}' on the same line"
                + (", or write one '- item' per line" if bracket == "[" else ""),
                (context_mark.line, context_mark.column),
            )
    if "simple key" in context and "':'" in problem and context_mark is not None:
        line = line_of(context_mark)
        stripped = line.strip()
        glued = re.match(r"\s*(?:- )?([^\s:#][^:#]*?):(\S)", line)
        if glued is not None:
            column = glued.start(2) - 1
            return (
                f"'{stripped}' has no space after its colon, so YAML reads it as text, not as a key and its value",
                f"put a space after the colon: '{line[glued.start(1) : column].strip()}: {line[column + 1 :].strip()}'",
                (context_mark.line, column),
            )
        return (
            f"'{stripped}' has no colon, so it is neither a key nor a list item",
            "write it as 'key: value'",
            (context_mark.line, context_mark.column),
        )
    if "alias" in context or "anchor" in context or "undefined alias" in problem:
        mark = (
            context_mark if context_mark is not None and ("alias" in context or "anchor" in context) else problem_mark
        )
        if mark is not None:
            sign = at(mark) or ("&" if "anchor" in context else "*")
            what = (
                "alias (a reference to a value marked with '&')"
                if sign == "*"
                else "anchor (a name for the value, for '*' to refer to)"
            )
            fix = quoted(mark)
            return (
                f"a value that starts with '{sign}' is a YAML {what}, not text",
                f"put the value in quotes: {fix}" if fix else "put the value in quotes",
                (mark.line, mark.column),
            )
    if "cannot start any token" in problem and problem_mark is not None:
        sign = at(problem_mark)
        if sign in ("@", "`", "%"):
            fix = quoted(problem_mark)
            return (
                f"a value cannot start with '{sign}' in YAML (the character is reserved)",
                f"put the value in quotes: {fix}" if fix else "put the value in quotes",
                (problem_mark.line, problem_mark.column),
            )
    if "mapping values are not allowed" in problem and problem_mark is not None:
        line = line_of(problem_mark)
        before = line[: problem_mark.column]
        if ": " in before.lstrip(" -") or before.rstrip().endswith(":"):
            fix = quoted(problem_mark)
            return (
                "this value holds a colon followed by a space (or ending the line), which YAML reads as the start of "
                "another key",
                f"put the value in quotes: {fix}" if fix else "put the value in quotes",
                (problem_mark.line, problem_mark.column),
            )
        return _indentation(lines, problem_mark.line)
    if "block scalar" in context and problem_mark is not None:
        return (
            "text after '|' or '>' on the same line: a block of text starts on the next line",
            "move the text to the next line, indented, or drop the '|'",
            (problem_mark.line, problem_mark.column),
        )
    if "block mapping" in context and problem_mark is not None:
        sign = at(problem_mark)
        if sign == "-":
            return (
                f"a list item ('{line_of(problem_mark).strip()}') stands among the keys of a mapping",
                "indent it under the key whose list it belongs to, or add it to that key's [list]",
                (problem_mark.line, problem_mark.column),
            )
        if sign in ("]", "}"):
            return (
                f"a '{sign}' that closes nothing",
                "remove it, or open its list where it begins",
                (problem_mark.line, problem_mark.column),
            )
        line = line_of(problem_mark)
        head = line[: problem_mark.column].rstrip()
        if head.endswith(('"', "'")) and problem_mark.column > len(line) - len(line.lstrip()):
            return (
                "text after the closing quote: YAML ends the value where its quote closes",
                "put the whole value in quotes, or use the other kind of quote around it ('Keep \"this\" close')",
                (problem_mark.line, problem_mark.column),
            )
        if problem_mark.column == len(line) - len(line.lstrip(" ")):
            return _indentation(lines, problem_mark.line)
    if "block collection" in context and problem_mark is not None:
        return (
            f"'{line_of(problem_mark).strip()}' stands in a list, where every item starts with '- '",
            "start it with '- ', or indent it as the key it belongs beside",
            (problem_mark.line, problem_mark.column),
        )
    if "document start" in problem and problem_mark is not None:
        return (
            "this line comes after the end of the YAML document (the '...' or '---' line above it); the file holds "
            "one document",
            "remove that line",
            (problem_mark.line, problem_mark.column),
        )
    if "single document" in context and problem_mark is not None:
        return (
            f"a second YAML document starts here ('{line_of(problem_mark).strip()[:3]}'); the file holds one",
            "remove the line, or merge what follows it into the document above",
            (problem_mark.line, problem_mark.column),
        )
    return None


def _indentation(lines: list[str], number: int) -> Explained:
    """A line indented unlike the keys around it: say by how much, against what."""
    line = lines[number] if 0 <= number < len(lines) else ""
    indent = len(line) - len(line.lstrip(" "))
    before = [other for other in lines[:number] if other.strip() and not other.lstrip().startswith("#")]
    near = len(before[-1]) - len(before[-1].lstrip(" ")) if before else 0
    return (
        f"this line is indented by {indent} space{'s' if indent != 1 else ''}, the line above by {near}: YAML reads "
        "indentation as structure, and this one fits none",
        "indent it exactly as the keys it stands beside",
        (number, indent),
    )


def _reader_error_finding(error: yaml.reader.ReaderError, text: str, source: Source) -> Finding:
    """A character YAML refuses (NUL, other control characters): located by its position."""
    position = min(max(error.position, 0), len(text))
    line = text.count("\n", 0, position) + 1 + source.offset
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    character = error.character if isinstance(error.character, str) else chr(error.character or 0)
    return rules.YAML_SYNTAX.finding(
        f"YAML does not allow the control character U+{ord(character):04X} in its text",
        file=source.display,
        line=line,
        column=column,
        hint="remove the character (a binary or badly converted file?)",
    )


def _measure(data: Any, limit_nodes: int, limit_depth: int) -> str | None:
    """Count nodes with aliases expanded, without expanding them (memoised by identity)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, int, bool]] = [(data, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        if depth > limit_depth:
            return f"is nested more than {limit_depth} levels deep"
        if not isinstance(node, (dict, list)):
            continue
        key = id(node)
        if done:
            children = node.values() if isinstance(node, dict) else node
            total = 1
            for child in children:
                total += sizes.get(id(child), 1) if isinstance(child, (dict, list)) else 1
            sizes[key] = total
            if total > limit_nodes:
                return f"expands to more than {limit_nodes:,} values (YAML aliases repeat what they point to)"
            continue
        if key in sizes:
            continue
        stack.append((node, depth, True))
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, (dict, list)) and id(child) not in sizes:
                stack.append((child, depth + 1, False))
    return None


def _measure_tree(data: Any, limit_nodes: int, limit_depth: int) -> str | None:
    """:func:`_measure` for a document without aliases, where no value is shared, so
    nothing needs remembering: a plain walk, several times faster."""
    count = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit_depth:
            return f"is nested more than {limit_depth} levels deep"
        children = node.values() if type(node) is dict else node
        count += len(children) + 1
        if count > limit_nodes:
            return f"has more than {limit_nodes:,} values"
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                stack.append((child, depth + 1))
    return None


def load_yaml(text: str, source: Source, *, direct: bool = True) -> Document:
    """Parse one YAML document safely; every problem is a finding located in ``source``.

    ``direct=False`` uses PyYAML's general construction for every document: the
    reference that the direct path is tested against (the results are the same).
    """
    loader = _Loader(text, source)
    loader._direct = loader._direct and direct
    try:
        data = loader.get_single_data()
    except yaml.reader.ReaderError as error:
        return Document(None, [*loader.problems, _reader_error_finding(error, text, source)], ok=False)
    except yaml.YAMLError as error:
        return Document(None, [*loader.problems, _yaml_error_finding(error, source, text)], ok=False)
    except RecursionError:
        return Document(
            None,
            [
                rules.LIMIT_EXCEEDED.finding(
                    f"YAML is nested too deeply (more than {LIMITS.yaml_depth} levels)",
                    file=source.display,
                    line=1 + source.offset,
                )
            ],
            ok=False,
        )
    except _CONSTRUCTION_ERRORS as error:  # pragma: no cover - what no constructor above lets through
        return Document(
            None,
            [
                *loader.problems,
                rules.YAML_SYNTAX.finding(
                    f"YAML cannot read this document: {type(error).__name__}",
                    file=source.display,
                    line=1 + source.offset,
                ),
            ],
            ok=False,
        )
    finally:
        loader.dispose()
    if isinstance(data, (dict, list)) and not loader.measured:
        # an alias is written with '*': without one, no value is shared
        measure = _measure if "*" in text else _measure_tree
        problem = measure(data, LIMITS.yaml_nodes, LIMITS.yaml_depth)
        if problem:
            return Document(
                None,
                [
                    *loader.problems,
                    rules.LIMIT_EXCEEDED.finding(
                        f"YAML document {problem}", file=source.display, line=1 + source.offset
                    ),
                ],
                ok=False,
            )
    if loader.unread:
        found: set[Path] = set()
        data = _plain(data, (), found)
        return Document(data, loader.problems, ok=True, unread=frozenset(found))
    return Document(data, loader.problems, ok=True)


@dataclass(frozen=True)
class Frontmatter:
    """An atom file split into its frontmatter text and the size of its body."""

    yaml: str
    body: str
    closing_line: int  # 1-based line of the closing ---


# A line that closes the frontmatter: --- (or YAML's document end ...), trailing blanks allowed.
_CLOSING = re.compile(r"^(?:---|\.\.\.)[^\S\n]*$", re.M)


def split_frontmatter(text: str, display: str) -> tuple[Frontmatter | None, list[Finding]]:
    """Split ``---``-delimited YAML frontmatter from the Markdown body after it."""
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if first.rstrip() != "---":
        return None, [
            rules.NO_FRONTMATTER.finding(
                "an atom file must start with a line '---' that opens its YAML frontmatter",
                file=display,
                line=1,
                column=1,
                hint="put the atom's keys (id, kind, summary, ...) between two '---' lines at the top",
            )
        ]
    start = first_end + 1
    closing = _CLOSING.search(text, start) if first_end >= 0 else None
    if closing is not None:
        line = text.count("\n", 0, closing.start()) + 1
        if line == 2 and _CLOSING.search(text, closing.end() + 1) is not None:
            # '---' twice at the top: the frontmatter closes before it begins, and the
            # keys below would be read as the body
            return None, [
                rules.YAML_SYNTAX.finding(
                    "'---' is written twice at the top: the second one closes the frontmatter before any key",
                    file=display,
                    line=2,
                    column=1,
                    hint="remove the second '---' line",
                )
            ]
        return Frontmatter(text[start : closing.start()], text[closing.end() + 1 :], line), []
    return None, [
        rules.UNCLOSED_FRONTMATTER.finding(
            "the frontmatter opened on line 1 is never closed",
            file=display,
            line=1,
            column=1,
            hint="add a line '---' after the last key of the frontmatter",
        )
    ]


def body_of(text: str | None, findings: list[Finding], display: str) -> str:
    """The stripped Markdown body of an atom file's ``text`` as :func:`read_text`
    gave it (with its ``findings``); :class:`ValueError` naming the first finding when
    there is none to give."""
    front = None
    if text is not None:
        front, findings = split_frontmatter(text, display)
    if front is None:
        first = findings[0] if findings else None
        raise ValueError(f"{display}: {first.code} {first.message}" if first else f"{display}: cannot be read")
    return front.body.strip()


def _zip_member(display: str) -> tuple[str | None, list[Finding]] | None:
    """The text of ``display`` when it names a member of a zip file on disk
    (``/x/plugin.zip/pkg/bundle/atoms/a.md``, as a bundle read from a zip import is
    shown), read as :func:`read_text` reads a file; ``None`` when it names none."""
    import zipfile

    parts = display.split("/")
    for cut in range(len(parts) - 1, 0, -1):
        archive = "/".join(parts[:cut])
        if not os.path.isfile(archive):
            continue
        try:
            with zipfile.ZipFile(archive) as opened:
                info = opened.getinfo("/".join(parts[cut:]))
                with opened.open(info) as member:
                    data = member.read(LIMITS.file_bytes + 1)
        except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError):
            return None
        return decode_text(data, display)
    return None


def read_body(path: str, display: str) -> str:
    """The Markdown body of the atom file at ``path``, stripped, read within
    :data:`LIMITS` (``display`` names it in errors). :class:`OSError` when the file
    is gone, :class:`ValueError` when it is no longer an atom file."""
    if not os.path.lexists(path):
        member = _zip_member(display)
        if member is None:
            raise FileNotFoundError(2, "no such file", display)
        return body_of(*member, display)
    text, findings = read_text(path, display)
    if text is None and findings and findings[0].code == rules.UNREADABLE.code:
        raise OSError(f"{display}: {findings[0].message}")
    return body_of(text, findings, display)


def locate(text: str, path: Path, *, key: bool = False, offset: int = 0) -> tuple[int, int]:
    """The 1-based line and column of ``path`` in the YAML document ``text``.

    Follows the path as far as it exists; a missing key points at the mapping that
    should hold it. With ``key=True`` the last step points at the key, not its value.
    """
    try:
        node = yaml.compose(text, Loader=_BaseLoader)
    except (yaml.YAMLError, RecursionError):
        return 1 + offset, 1
    if node is None:
        return 1 + offset, 1
    target: yaml.Node = node
    for index, step in enumerate(path):
        last = index == len(path) - 1
        if isinstance(target, yaml.MappingNode):
            found = None
            for key_node, value_node in reversed(target.value):
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(step):
                    found = key_node if (last and key) else value_node
                    break
            if found is None:
                break
            target = found
        elif isinstance(target, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(target.value):
            target = target.value[step]
        else:
            break
    return target.start_mark.line + 1 + offset, target.start_mark.column + 1


def resolve_locations(findings: Iterable[Finding]) -> None:
    """Fill in the line and column of findings that carry a source and path."""
    texts: dict[str, str | None] = {}
    for finding in findings:
        if finding.line is not None or finding.source is None:
            continue
        source = finding.source
        if source.path not in texts:
            text, _ = read_text(source.path, source.display)
            if text is not None and source.offset:
                # an atom: keep only the frontmatter, which starts after line `offset`
                lines = text.split("\n")
                closing = next(
                    (i for i in range(source.offset, len(lines)) if lines[i].rstrip() in ("---", "...")), len(lines)
                )
                text = "\n".join(lines[source.offset : closing])
            texts[source.path] = text
        text = texts[source.path]
        if text is None:
            finding.line, finding.column = 1, None
        else:
            finding.line, finding.column = locate(text, finding.path or (), key=finding.at_key, offset=source.offset)


def is_within(path: str, root: str) -> bool:
    """Whether ``path`` resolves (links followed) to a place inside ``root``."""
    real = os.path.realpath(path)
    base = os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


MANIFEST = "domain.yaml"
# Folders of a project that never hold its bundle (fixtures, environments, output).
_SKIP_DIRS = {
    "build",
    "dist",
    "node_modules",
    "__pycache__",
    "site-packages",
    "tests",
    "test",
    "docs",
    "examples",
    "venv",
    "env",
}


ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".zip", ".tgz")


def is_archive(path: str) -> bool:
    """Whether ``path`` names a wheel or an sdist (by its name; see
    :mod:`skillwiki_sdk.archives`, which opens them)."""
    return path.lower().endswith(ARCHIVE_SUFFIXES)


def find_bundles(path: str) -> list[str]:
    """The bundle roots in ``path``: the path itself if it holds ``domain.yaml``, else
    every ``domain.yaml`` folder inside a plugin project (environments, tests and
    build output skipped), sorted."""
    if os.path.isfile(path) and os.path.basename(path) == MANIFEST:
        return [os.path.dirname(path) or "."]
    if os.path.lexists(os.path.join(path, MANIFEST)):
        return [path]  # even a folder or a broken link: loading says what is wrong with it
    found: list[str] = []
    for current, dirs, files in os.walk(path):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS and not d.endswith(".egg-info")
        )
        if MANIFEST in files:
            found.append(current)
            dirs[:] = []  # a bundle does not nest another
    return sorted(found)
