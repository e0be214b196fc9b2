"""Text analysis for matching briefs: words, stems and the keys tags are matched by.

A brief and an atom meet on *terms*: lowercase words of letters and digits, with
number words written as digits (``twelve-factor`` and ``12factor`` meet on ``12``
and ``factor``), a few shorthands written out (``k8s``, ``db``, ``repo``), stop words
left out, and each word cut to its stem by a small English suffix stripper
(``services``/``service``, ``partitioning``/``partition``, ``retries``/``retry``).
Adjacent words are also joined (``circuit breaker`` gives ``circuitbreaker``) so that
compound and hyphenated spellings meet.

Plain functions over text; nothing here reads files or keeps state beyond a bounded
cache of stems.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["ANALYZER", "STOP_WORDS", "compounds", "stem", "terms", "words"]

ANALYZER = "light-5"
"""The name of this analysis; an index built with another is built again."""

_WORD = re.compile(r"[a-z]+|[0-9]+")

_NUMBERS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "first": "1", "second": "2",
}  # fmt: skip

# Shorthands engineers write, as the words atoms spell out (both sides are analysed
# alike): "k8s" would otherwise be the letters k and s and the digit 8.
_SHORTHANDS = {
    "k8s": "kubernetes", "db": "database", "dbs": "databases", "repo": "repository", "repos": "repositories",
    "env": "environment", "envs": "environments", "authn": "authentication", "authz": "authorization",
    "infra": "infrastructure", "msg": "message", "msgs": "messages", "perf": "performance",
}  # fmt: skip
_SHORTHAND = re.compile(r"\b(?:" + "|".join(sorted(_SHORTHANDS, key=len, reverse=True)) + r")\b")

STOP_WORDS = frozenset(
    """a about above after again against all almost also am an and any are as at be because been before being below
    between both but by can cannot could did do does doing done down during each either else even ever every few for
    from further get gets got had has have having he her here hers him his how however i if in into is it its itself
    just like many may me might more most much must my need needs no nor not now of off often on once only or other
    our ours out over own per quite rather same say says she should since so some still such than that the their
    them then there these they this those though through thus to too under until up upon us very via was we well were
    what when where whether which while who whom whose why will with within without would yet you your yours
    want wants wanted keep keeps kept make makes made use uses used using one ones thing things way ways lot lots
    something anything nothing someone everyone people team teams day days time week really already ago new""".split()
)
"""Words that say nothing about a domain; never terms."""

# (suffix, replacement, shortest stem left): the first that applies is used
_SUFFIXES = (
    ("ational", "ate", 3), ("ization", "ize", 3), ("isation", "ize", 3), ("fulness", "ful", 3),
    ("iveness", "ive", 3), ("ousness", "ous", 3), ("ements", "", 3), ("ement", "", 3), ("ments", "", 3),
    ("ment", "", 4), ("ations", "ate", 3), ("ation", "ate", 3), ("ities", "", 3), ("ity", "", 3),
    ("nesses", "", 3), ("ness", "", 3), ("ically", "ic", 3), ("ally", "al", 3), ("ingly", "", 3),
    ("edly", "", 3), ("ly", "", 4), ("ings", "", 3), ("ing", "", 3), ("ies", "y", 2), ("ied", "y", 2),
    ("ers", "", 3), ("er", "", 4), ("ed", "", 3), ("es", "", 3), ("s", "", 3),
)  # fmt: skip
_ES_AFTER = ("ss", "sh", "ch", "x", "zz")
_VOWELS = frozenset("aeiouy")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of a lowercase ``word``: a light, English suffix stripper.

    It errs on the side of stripping too little: ``services`` → ``servic``,
    ``service`` → ``servic``, ``retries`` → ``retry``, ``deployed`` → ``deploy``,
    ``caching`` → ``cach``, ``cache`` → ``cach``. Words and stems of up to three
    letters and numbers are kept as they are.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ss") or word.endswith("us") or word.endswith("is"):
        return word[:-1] if word.endswith("ss") and len(word) > 4 else word
    for suffix, replacement, shortest in _SUFFIXES:
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if len(base) < shortest or not (_VOWELS & set(base)):
                continue
            if suffix == "es" and not base.endswith(_ES_AFTER):
                base = word[:-1]  # "caches" -> "cache", "boxes" -> "box"
            word = base + replacement
            break
    # what remains loses "-ion" after t or s ("encryption", "partitions", "sessions"
    # meet "encrypted", "partitioning", "session"), a silent e, a doubled consonant
    if len(word) > 6 and word.endswith(("tion", "sion")):
        word = word[:-3]
    if len(word) > 4 and word[-1] == "e" and word[-2] not in _VOWELS:
        word = word[:-1]  # "cache" and "caching" meet on "cach", "service" on "servic"
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "lsz" and word[-1] not in _VOWELS:
        word = word[:-1]  # "shipped" -> "shipp" -> "ship"
    return word


def words(text: str) -> list[str]:
    """The words of ``text``: lowercase runs of letters or of digits (accents folded,
    ``12factor`` is ``12`` and ``factor``, number words up to twelve as digits)."""
    return [_NUMBERS.get(word, word) for word in _WORD.findall(_lowered(text))]


def _lowered(text: str) -> str:
    """``text`` in lowercase ASCII (accents folded), shorthands written out."""
    lowered = text.lower()
    if not lowered.isascii():
        lowered = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")
    return _SHORTHAND.sub(lambda found: _SHORTHANDS[found.group(0)], lowered)


@functools.lru_cache(maxsize=65536)
def _term(word: str) -> str | None:
    """The term a word of :data:`_WORD` gives, or ``None`` (a stop word, one digit)."""
    word = _NUMBERS.get(word, word)
    if word in STOP_WORDS or (len(word) == 1 and word.isdigit()):
        return None
    return stem(word)


def terms(text: str) -> list[str]:
    """The terms of ``text`` in order: its words' stems, stop words and numbers of
    one digit left out (``three services``: a count, not a subject)."""
    return [term for term in map(_term, _WORD.findall(_lowered(text))) if term is not None]


def compounds(items: list[str]) -> list[str]:
    """Each pair of adjacent words joined, stemmed (``circuit breaker`` →
    ``circuitbreak``): so that a compound written as one word meets one written
    as two."""
    return [
        stem(first + second)
        for first, second in zip(items, items[1:], strict=False)
        if not (first.isdigit() and second.isdigit())
    ]
