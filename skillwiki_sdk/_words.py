"""Words for hints: the nearest declared word ("did you mean"), and slugs.

A hint suggests only values that pass: a declared word, or a slug that the slug
rule accepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["SLUG", "did_you_mean", "is_slug", "nearest", "slugify"]

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def is_slug(text: object) -> bool:
    """Whether ``text`` is lowercase words of letters and digits joined by hyphens."""
    return isinstance(text, str) and bool(SLUG.match(text))


def slugify(text: str) -> str | None:
    """``Least_Privilege`` → ``least-privilege``; ``None`` when nothing of it is left."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug if is_slug(slug) else None


def nearest(word: str, choices: Iterable[object], n: int = 3) -> list[str]:
    """The declared ``choices`` closest to ``word`` (difflib), best first; case and
    ``_``/``-`` do not count as a difference."""
    import difflib

    options = [choice for choice in dict.fromkeys(choices) if isinstance(choice, str)]
    folded: dict[str, str] = {}
    for choice in options:
        folded.setdefault(choice.lower().replace("_", "-"), choice)
    key = word.lower().replace("_", "-")
    if key in folded:
        return [folded[key]]
    return [folded[match] for match in difflib.get_close_matches(key, list(folded), n=n, cutoff=0.6)]


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """``did you mean 'caching'?`` (or two or three of them), or ``None``."""
    close = nearest(word, choices)
    if not close:
        return None
    return "did you mean " + " or ".join(f"'{choice}'" for choice in close) + "?"
