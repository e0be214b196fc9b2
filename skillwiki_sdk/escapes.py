"""Text made safe to show: what no encoding can carry and what a terminal would
take as a command, written as backslash escapes; and free text with the bytes
that were not of its encoding replaced. (A module of its own, importing only
``re``: the listing of a warm ``skillwiki list`` uses it without the model.)"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["decoded", "printable", "printable_data", "shown_name", "shown_text"]


# A file name that is not UTF-8 reaches Python with each byte it cannot decode as a
# lone surrogate (U+DC80-U+DCFF, PEP 383); YAML's "\ud800" makes another. No encoding
# can carry them: every formatter shows them as \xNN (the byte) or \uNNNN.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` that any encoding can carry: the bytes of a name that was not UTF-8
    (``caf\\xe9.md``) and other lone surrogates written as backslash escapes."""
    return _SURROGATE.sub(_escape_surrogate, text) if _SURROGATE.search(text) else text


def printable_data(value: Any) -> Any:
    """A JSON document with every text in it (keys too) :func:`printable`."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(key) if isinstance(key, str) else key: printable_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [printable_data(item) for item in value]
    return value


def decoded(text: str) -> str:
    """Free text from the command line or standard input with each byte that was not
    of its encoding (kept by Python as a lone surrogate, PEP 383) as U+FFFD, the
    replacement character: a brief is words, not a file name to round-trip, and
    JSON with a lone surrogate is refused by strict parsers."""
    if not _SURROGATE.search(text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no decoder made (U+D800 to U+DC7F)
        raw = text.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")


# What a terminal would take as a command (ESC starts one; a carriage return or a
# backspace rewrites the line), from a file's name or a finding's words: written as
# \xNN. In a name every control character is, newlines and tabs too (a finding is
# one line); in a message or a hint those two stay.
_CONTROL_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape_control(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def shown_name(text: str) -> str:
    """A file's name (or a path given) for a line of text output: its control
    characters as ``\\xNN``."""
    return _CONTROL_IN_NAME.sub(_escape_control, text)


def shown_text(text: str) -> str:
    """A message or a hint for text output: its control characters but newline and
    tab as ``\\xNN``."""
    return _CONTROL_IN_TEXT.sub(_escape_control, text)
