"""Matching a free-text brief: the domains it signals, and the atoms that answer it.

Two steps, both BM25 (Robertson and Zaragoza's weighting, with fields weighted as
in BM25F) over the terms of :mod:`skillwiki_sdk.analysis`:

1. **Routing.** Each domain is one document (its tags, description, axis values and
   its atoms' titles, tags and summaries), scored against the other domains; a brief
   word that meets a tag of the domain's vocabulary adds a *signal* (less when
   several domains claim that tag). Domains close enough to the best are signalled.
2. **Atoms.** The atoms of the signalled domains, each a document of fields (title
   and id, tags, summary, axis values, body), scored against every installed atom;
   an atom that carries an axis value the brief names is lifted, quality weighs a
   little, and an atom of a weaker domain counts for less.

The :class:`MatchIndex` is plain data (:meth:`MatchIndex.to_dict`,
:meth:`MatchIndex.from_dict`: JSON-able dicts and lists), built once from the
domains (their bodies are read then, and only the terms are kept) and kept beside
the registry's cache. The same brief and the same domains give the same order:
ties are broken by domain and id.
"""

from __future__ import annotations

import bisect
import heapq
import math
import re
import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .analysis import ANALYZER, compounds, stem, terms, words

if TYPE_CHECKING:  # (a match of a cached index does not import the model)
    from .model import Atom, Bundle

__all__ = [
    "analysis",
    "AtomMatch",
    "DomainMatch",
    "MatchIndex",
    "MatchResult",
    "BRIEF_CHARS",
    "build_index",
    "cached_index",
    "fingerprint",
    "match",
]

FORMAT = 3
"""The format of :meth:`MatchIndex.to_dict`; another is built again."""

BRIEF_CHARS = 20_000
"""Only this many characters of a brief are read (a brief is a paragraph or two)."""

# Field weights of an atom (BM25F): a word in the title says more than one in the body.
FIELDS = ("title", "tags", "summary", "axes", "body", "phrases")
FIELD_WEIGHTS = {"title": 3.0, "tags": 2.0, "summary": 1.5, "axes": 1.0, "body": 1.0, "phrases": 1.5}
# Field weights of a domain's profile, for routing.
PROFILE_WEIGHTS = {"tags": 3.0, "description": 2.0, "axes": 1.0, "title": 1.0, "atom-tags": 0.5, "summary": 0.5}
K1 = 1.2
B = 0.75
TAG_SIGNAL = 1.0  # a brief word that meets a tag of one domain's vocabulary
PARTIAL_TAG = 0.5  # one word of a tag of several words
AXIS_LIFT = 0.2  # an atom's score grows by this share for each axis whose value the brief names
QUALITY_WEIGHT = 0.1  # and by up to this share for quality 5.0
ROUTE_SHARE = 0.5  # domains scoring at least this share of the best are signalled
ROUTE_MAX = 5
ROUTE_CANDIDATES = 10  # domains whose atoms are scored, best by profile and vocabulary first
ATOM_EVIDENCE = 1.0  # a domain's score grows by this share of its best atom's text score
_SCALE = 1000  # weights are kept as integers, in thousandths
_ESCAPE = re.compile(
    r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)", re.S
)  # terminal escapes are not words


@dataclass
class DomainMatch:
    """A domain the brief signals: its score, the brief's words that met its tags
    (``signals``; ``tags``: the tags each met), which of those other domains claim
    too (``shared``: with every domain that claims them), the words that met its
    manifest and atoms (``words``), and the parts of the score."""

    name: str
    score: float
    signals: list[str]
    shared: dict[str, list[str]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    tag_score: float = 0.0
    text_score: float = 0.0
    atom_score: float = 0.0
    tags: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "score": round(self.score, 4), "signals": list(self.signals)}
        if explain:
            data["explain"] = {
                "tag_score": round(self.tag_score, 4),
                "text_score": round(self.text_score, 4),
                "best_atom_score": round(self.atom_score, 4),
                "tags": {word: list(tags) for word, tags in self.tags.items()},
                "shared": {word: list(domains) for word, domains in self.shared.items()},
                "words": list(self.words),
            }
        return data


@dataclass
class AtomMatch:
    """An atom that answers the brief, with its score and why (``fields``: the brief's
    words met in each field; ``lifts``: the axis values the brief names that it
    carries; ``text``, ``quality`` and ``domain_factor``: the parts of the score)."""

    domain: str
    id: str
    title: str
    kind: str | None
    score: float
    text: float = 0.0
    fields: dict[str, list[str]] = field(default_factory=dict)
    lifts: list[str] = field(default_factory=list)
    quality: float | None = None
    domain_factor: float = 1.0

    @property
    def ref(self) -> str:
        return f"@{self.domain}/{self.id}"

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "domain": self.domain,
            "id": self.id,
            "ref": self.ref,
            "title": self.title,
            "kind": self.kind,
            "score": round(self.score, 4),
        }
        if explain:
            data["explain"] = {
                "text": round(self.text, 4),
                "fields": {name: list(found) for name, found in self.fields.items()},
                "axis_lifts": list(self.lifts),
                "quality": self.quality,
                "domain_factor": round(self.domain_factor, 4),
            }
        return data


@dataclass
class MatchResult:
    """What :func:`match` found: the domains, best first, then the atoms, best first;
    ``notes`` say what was done to the brief (cut, or nothing in it to match)."""

    brief: str
    domains: list[DomainMatch]
    atoms: list[AtomMatch]
    notes: list[str] = field(default_factory=list)

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """The stable JSON shape: ``{"brief", "domains": [{"name", "score", "signals"}],
        "atoms": [{"domain", "id", "ref", "title", "kind", "score"}]}`` (with
        ``explain``, an ``explain`` object in each, and ``notes``)."""
        data: dict[str, Any] = {
            "brief": self.brief,
            "domains": [domain.to_dict(explain) for domain in self.domains],
            "atoms": [atom.to_dict(explain) for atom in self.atoms],
        }
        if explain:
            data["notes"] = list(self.notes)
        return data


class _DomainIndex:
    """One domain's part of the index (see :meth:`MatchIndex.to_dict`).

    Its terms are numbers into the index's sorted vocabulary (``term_ids``, sorted),
    each with its slice of three arrays of postings (atom numbers, weights in
    thousandths, field masks) from ``starts``: about 7 bytes a posting and 8 a term,
    kept in the plain data as base64 text, so that loading an index decodes a few
    strings instead of building millions of numbers."""

    __slots__ = (
        "name",
        "atoms",
        "term_ids",
        "starts",
        "numbers",
        "weights",
        "masks",
        "profile",
        "length",
        "tags",
        "axes",
        "values",
    )

    def __init__(self, data: Mapping[str, Any], vocabulary: int) -> None:
        self.name: str = data["name"]
        # [id, kind, title, quality, [numbers of its values in `values`]] a list an atom, as given
        self.atoms: list[list[Any]] = data["atoms"]
        self.term_ids = _unpack("I", data["term_ids"])
        self.starts = _unpack("I", data["starts"])
        number_type = data["number_type"]
        if number_type not in ("H", "I"):
            raise ValueError("atom numbers of an unknown type")
        self.numbers = _unpack(number_type, data["numbers"])
        self.weights = _unpack("H", data["weights"])
        self.masks = _unpack("B", data["masks"])
        if not len(self.numbers) == len(self.weights) == len(self.masks) or len(self.starts) != len(self.term_ids) + 1:
            raise ValueError("postings of different lengths")
        # (max() and map() run in C: a check of every number costs little)
        if self.term_ids and (max(self.term_ids) >= vocabulary or not _increasing(self.term_ids, strictly=True)):
            raise ValueError("term numbers out of order or range")
        if self.starts[0] != 0 or self.starts[-1] != len(self.numbers) or not _increasing(self.starts):
            raise ValueError("postings out of range")
        if self.numbers and max(self.numbers) >= len(self.atoms):
            raise ValueError("postings of atoms the domain does not have")
        self.profile: dict[str, float] = {sys.intern(term): float(weight) for term, weight in data["profile"].items()}
        self.length = float(data["length"])
        self.tags: dict[str, list[Any]] = data["tags"]  # tag -> [its terms, its compound]
        self.axes: dict[str, list[str]] = data["axes"]
        # "axis=value" of every axis value in order (atoms name them by number), each
        # with its terms and its compound: the values a brief may name
        self.values: list[tuple[str, list[str], str | None]] = []
        for axis, values in self.axes.items():
            for value in values:
                value_words = words(value)
                self.values.append(
                    (f"{axis}={value}", terms(value), stem("".join(value_words)) if len(value_words) > 1 else None)
                )
        count = len(self.values)
        for item in self.atoms:
            if not (
                isinstance(item, list)
                and len(item) == 5
                and isinstance(item[0], str)
                and isinstance(item[2], str)
                and isinstance(item[4], list)
            ):
                raise ValueError("an atom is not [id, kind, title, quality, values]")
            if not (item[3] is None or isinstance(item[3], (int, float))) or any(
                not isinstance(v, int) or not 0 <= v < count for v in item[4]
            ):
                raise ValueError(f"atom {item[0]!r} has a quality or axis values out of range")

    def postings(self, term_id: int) -> tuple[array[int], array[int], array[int]] | None:
        """The postings of the term numbered ``term_id``, or ``None``."""
        at = bisect.bisect_left(self.term_ids, term_id)
        if at == len(self.term_ids) or self.term_ids[at] != term_id:
            return None
        start, end = self.starts[at], self.starts[at + 1]
        return self.numbers[start:end], self.weights[start:end], self.masks[start:end]

    def has(self, term_id: int) -> bool:
        at = bisect.bisect_left(self.term_ids, term_id)
        return at < len(self.term_ids) and self.term_ids[at] == term_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "atoms": self.atoms,
            "term_ids": _pack(self.term_ids),
            "starts": _pack(self.starts),
            "number_type": self.numbers.typecode,
            "numbers": _pack(self.numbers),
            "weights": _pack(self.weights),
            "masks": _pack(self.masks),
            "profile": self.profile,
            "length": self.length,
            "tags": self.tags,
            "axes": self.axes,
        }


def _increasing(values: array[int], *, strictly: bool = False) -> bool:
    """Whether each number is above (or, not ``strictly``, at least) the one before."""
    import operator
    from itertools import islice

    return all(map(operator.lt if strictly else operator.le, values, islice(values, 1, None)))


def _pack(values: array[int]) -> str:
    """An array as base64 text of its little-endian bytes."""
    import base64

    if sys.byteorder != "little":  # pragma: no cover - no such machine here
        values = array(values.typecode, values)
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode("ascii")


def _unpack(typecode: str, text: str) -> array[int]:
    import base64

    values = array(typecode)
    values.frombytes(base64.b64decode(text.encode("ascii"), validate=True))
    if sys.byteorder != "little":  # pragma: no cover
        values.byteswap()
    return values


def _saturate(tf: float, length: float, average: float) -> float:
    norm = 1 - B + B * (length / average if average else 1.0)
    return tf * (K1 + 1) / (tf + K1 * norm)


def _add(counts: dict[str, float], items: Iterable[str], weight: float) -> None:
    for item, count in Counter(items).items():
        counts[item] = counts.get(item, 0.0) + weight * count


def _domain_postings(
    name: str, bundle: Bundle, read_bodies: bool
) -> tuple[dict[str, Any], dict[str, list[tuple[int, int, int]]]]:
    """One domain's data but its postings, and its postings by term."""
    domain = bundle.domain
    atoms_data: list[list[Any]] = []
    docs: list[tuple[dict[str, float], dict[str, int], float]] = []
    profile: dict[str, float] = {}
    for atom in sorted(bundle.atoms, key=lambda a: a.id):
        title = terms(atom.title)
        fields: dict[str, list[str]] = {
            "title": title + terms(" ".join(atom.id.split("-"))) + compounds(words(atom.title)),
            "tags": [t for tag in atom.tags for t in terms(tag) + compounds(words(tag))],
            "summary": terms(atom.summary or ""),
            "axes": [t for values in atom.axes.values() for value in values for t in terms(value)],
            "body": terms(_body(atom)) if read_bodies else [],
        }
        # two terms next to each other in the title or summary, as a term of their own
        fields["phrases"] = _pairs(title) + _pairs(fields["summary"])
        tf: dict[str, float] = {}
        mask: dict[str, int] = {}
        length = 0.0
        for number, (field_name, items) in enumerate(fields.items()):
            weight = FIELD_WEIGHTS[field_name]
            bit = 1 << number
            for item, count in Counter(items).items():
                tf[item] = tf.get(item, 0.0) + weight * count
                mask[item] = mask.get(item, 0) | bit
            length += weight * len(items)
        docs.append((tf, mask, length))
        atoms_data.append([atom.id, atom.kind, atom.title, atom.quality, atom.axes])
        _add(profile, fields["tags"], PROFILE_WEIGHTS["atom-tags"])
        _add(profile, fields["title"] + fields["summary"], PROFILE_WEIGHTS["summary"])
    average = sum(length for _, _, length in docs) / len(docs) if docs else 0.0
    by_term: dict[str, list[tuple[int, int, int]]] = {}
    scale = (K1 + 1) * _SCALE  # (at most 2,200: a weight fits in 16 bits)
    for number, (tf, mask, length) in enumerate(docs):
        norm = K1 * (1 - B + B * (length / average if average else 1.0))
        for term, frequency in tf.items():
            weight = int(frequency * scale / (frequency + norm) + 0.5) or 1
            entry = (number, weight, mask[term])
            found = by_term.get(term)
            if found is None:
                by_term[term] = [entry]
            else:
                found.append(entry)
    tags: dict[str, list[Any]] = {}
    for tag in (domain.tags if domain is not None else None) or ():
        tag_words = words(tag)
        tags[tag] = [terms(tag), stem("".join(tag_words)) if len(tag_words) > 1 else None]
        _add(profile, tags[tag][0], PROFILE_WEIGHTS["tags"])
    if domain is not None:
        _add(profile, terms(domain.description or ""), PROFILE_WEIGHTS["description"])
        _add(profile, terms(domain.display_title), PROFILE_WEIGHTS["title"])
    axes = {axis_id: list(axis.values) for axis_id, axis in sorted(((domain.axes if domain else None) or {}).items())}
    number_of = {
        (axis, value): number
        for number, (axis, value) in enumerate((axis, value) for axis, values in axes.items() for value in values)
    }
    for atom_data in atoms_data:  # an atom's axis values as numbers into the domain's (in that order)
        atom_data[4] = sorted(
            number_of[(axis, value)]
            for axis, values in atom_data[4].items()
            for value in values
            if (axis, value) in number_of
        )
    for values in axes.values():
        _add(profile, [t for value in values for t in terms(value)], PROFILE_WEIGHTS["axes"])
    data = {
        "name": name,
        "atoms": atoms_data,
        "profile": {term: round(weight, 3) for term, weight in sorted(profile.items())},
        "length": round(sum(profile.values()), 3),
        "tags": tags,
        "axes": axes,
    }
    return data, by_term


def _pairs(items: list[str]) -> list[str]:
    return [f"{first} {second}" for first, second in zip(items, items[1:], strict=False)]


def _body(atom: Atom) -> str:
    try:
        return atom.body
    except (OSError, ValueError):  # gone or changed since it loaded: its frontmatter still counts
        return ""


def _bundles(domains: Mapping[str, Any]) -> dict[str, Bundle]:
    """Name -> bundle, from a mapping of names to bundles or to installed domains."""
    return {name: (value.bundle if hasattr(value, "bundle") else value) for name, value in sorted(domains.items())}


def build_index(domains: Mapping[str, Any], *, bodies: bool = True) -> MatchIndex:
    """The index of ``domains`` (name -> :class:`~skillwiki_sdk.model.Bundle`, or
    anything with a ``bundle``, such as the registry's installed domains). With
    ``bodies`` (the default) every atom's body is read once and its terms kept."""
    parts = [_domain_postings(name, bundle, bodies) for name, bundle in _bundles(domains).items()]
    vocabulary = sorted({term for _, by_term in parts for term in by_term})
    number_of = {term: number for number, term in enumerate(vocabulary)}
    df = array("I", [0]) * len(vocabulary)
    items = []
    for data, by_term in parts:
        ordered = sorted(by_term)  # the vocabulary's order
        flat = [entry for term in ordered for entry in by_term[term]]
        term_ids = array("I", [number_of[term] for term in ordered])
        starts = array("I", [0])
        for term in ordered:
            postings = len(by_term[term])
            df[number_of[term]] += postings
            starts.append(starts[-1] + postings)
        # atom numbers in two bytes while a domain has at most 65,536 atoms (a third
        # less to read and decode for each match of a cached index)
        number_type = "H" if len(data["atoms"]) <= 1 << 16 else "I"
        numbers = array(number_type, [entry[0] for entry in flat])
        weights = array("H", [entry[1] for entry in flat])
        masks = array("B", [entry[2] for entry in flat])
        data.update(
            term_ids=_pack(term_ids),
            starts=_pack(starts),
            number_type=number_type,
            numbers=_pack(numbers),
            weights=_pack(weights),
            masks=_pack(masks),
        )
        items.append(data)
    return MatchIndex.from_dict(
        {
            "format": FORMAT,
            "analyzer": ANALYZER,
            "bodies": bodies,
            "vocabulary": "\n".join(vocabulary),
            "df": _pack(df),
            "domains": items,
        }
    )


class MatchIndex:
    """The terms of every domain and atom, ready for :func:`match`; plain data through
    :meth:`to_dict` and :meth:`from_dict`.

    The vocabulary (every term, sorted) is one list, terms looked up by bisection;
    each term's document frequency over all atoms is one array beside it."""

    def __init__(self, vocabulary: list[str], df: array[int], domains: list[_DomainIndex], bodies: bool) -> None:
        self.vocabulary = vocabulary
        self.df = df
        self.domains: dict[str, _DomainIndex] = {d.name: d for d in domains}
        self.bodies = bodies
        self._profile_df: dict[str, int] = {}
        self._tag_claims: dict[str, list[str]] = {}
        self._tag_terms: dict[str, list[tuple[str, str]]] = {}  # a term or compound of tags -> (domain, tag)
        self._atoms = 0
        self._profile_average = 0.0
        for d in self.domains.values():
            self._atoms += len(d.atoms)
            for term in d.profile:
                self._profile_df[term] = self._profile_df.get(term, 0) + 1
            for tag, (key, compound) in d.tags.items():
                if not key:
                    continue
                claims = self._tag_claims.setdefault(" ".join(key), [])
                if d.name not in claims:
                    claims.append(d.name)
                for term in [*key, compound] if compound else key:
                    self._tag_terms.setdefault(term, []).append((d.name, tag))
        if self.domains:
            self._profile_average = sum(d.length for d in self.domains.values()) / len(self.domains)

    @classmethod
    def from_dict(cls, data: object) -> MatchIndex:
        """The index from :meth:`to_dict`'s data (a mapping, as read from JSON);
        :class:`ValueError` when it is of another format or analyzer, or damaged
        (build it again)."""
        if not isinstance(data, Mapping) or data.get("format") != FORMAT or data.get("analyzer") != ANALYZER:
            raise ValueError("the match index is of another format or analysis; build it again")
        try:
            text = data["vocabulary"]
            vocabulary = [sys.intern(term) for term in text.split("\n")] if text else []
            if sorted(vocabulary) != vocabulary or len(set(vocabulary)) != len(vocabulary):
                raise ValueError("the vocabulary is not sorted")
            df = _unpack("I", data["df"])
            if len(df) != len(vocabulary):
                raise ValueError("document frequencies do not fit the vocabulary")
            return cls(
                vocabulary,
                df,
                [_DomainIndex(item, len(vocabulary)) for item in data["domains"]],
                bool(data.get("bodies", True)),
            )
        except (KeyError, TypeError, IndexError, ValueError, AttributeError) as error:
            raise ValueError(f"the match index is damaged ({type(error).__name__}: {error}); build it again") from error

    def to_dict(self) -> dict[str, Any]:
        """JSON-able plain data: dicts, lists, text and numbers (the postings as base64 text)."""
        return {
            "format": FORMAT,
            "analyzer": ANALYZER,
            "bodies": self.bodies,
            "vocabulary": "\n".join(self.vocabulary),
            "df": _pack(self.df),
            "domains": [d.to_dict() for d in self.domains.values()],
        }

    def _tags_touched(self, brief: Mapping[str, str], joined: set[str]) -> dict[str, set[str]]:
        """Domain -> its tags that share a term (or a compound) with the brief."""
        touched: dict[str, set[str]] = {}
        for term in {*brief, *joined}:
            for name, tag in self._tag_terms.get(term, ()):
                touched.setdefault(name, set()).add(tag)
        return touched

    def term_id(self, term: str) -> int | None:
        """The number of ``term`` in the vocabulary, or ``None``."""
        at = bisect.bisect_left(self.vocabulary, term)
        return at if at < len(self.vocabulary) and self.vocabulary[at] == term else None

    def idf(self, term_id: int) -> float:
        """BM25's inverse document frequency of the term numbered ``term_id`` over every atom."""
        df = self.df[term_id]
        return math.log(1 + (self._atoms - df + 0.5) / (df + 0.5))

    def _profile_idf(self, term: str) -> float:
        df = self._profile_df.get(term, 0)
        return math.log(1 + (len(self.domains) - df + 0.5) / (df + 0.5))

    def tag_claims(self, tag: str) -> list[str]:
        """The domains whose vocabulary has ``tag`` (or a tag of the same terms)."""
        return list(self._tag_claims.get(" ".join(terms(tag)), []))


def _brief_terms(brief: str) -> tuple[dict[str, str], set[str]]:
    """The brief's terms (each with the first word that gave it) and its compounds."""
    found: dict[str, str] = {}
    brief_words = words(brief)
    from .analysis import STOP_WORDS

    kept = [word for word in brief_words if word not in STOP_WORDS and not (len(word) == 1 and word.isdigit())]
    for word in kept:
        found.setdefault(stem(word), word)
    for first, second in zip(kept, kept[1:], strict=False):
        found.setdefault(f"{stem(first)} {stem(second)}", f"{first} {second}")
    joined = set(compounds(brief_words))
    for word in brief_words:
        joined.add(stem(word))
    return found, joined


def _tag_signals(
    d: _DomainIndex, index: MatchIndex, brief: dict[str, str], joined: set[str], touched: set[str]
) -> tuple[float, dict[str, list[str]], dict[str, list[str]]]:
    """What the brief's words are worth as signals of domain ``d``'s vocabulary: the
    score, each signal (the brief's words as written) with the tags it met, and the
    signals whose tags other domains claim too (with all the claimants)."""
    score = 0.0
    met: dict[str, list[str]] = {}
    shared: dict[str, list[str]] = {}
    for tag in sorted(touched):
        key, compound = d.tags[tag]
        present = [t for t in key if t in brief]
        whole = len(present) == len(key) or (compound is not None and compound in joined)
        if not present and not whole:
            continue
        claims = index._tag_claims.get(" ".join(key), [d.name])
        score += (TAG_SIGNAL if whole else PARTIAL_TAG * len(present) / len(key)) / len(claims)
        said = " ".join(brief[t] for t in present) if len(present) == len(key) or not whole else tag
        met.setdefault(said, []).append(tag if whole else f"{tag} (in part)")
        if len(claims) > 1:
            shared[said] = list(claims)
    return score, met, shared


def _named_values(d: _DomainIndex, brief: dict[str, str], joined: set[str]) -> set[int]:
    """The numbers of domain ``d``'s axis values that the brief names."""
    return {
        number
        for number, (_, key, compound) in enumerate(d.values)
        if (key and all(t in brief for t in key)) or (compound is not None and compound in joined)
    }


def match(
    index: MatchIndex,
    brief: str,
    *,
    top: int = 10,
    domains: Iterable[str] | None = None,
    axes: Mapping[str, Iterable[str]] | None = None,
) -> MatchResult:
    """Match ``brief`` against ``index``: the signalled domains, best first, and the
    ``top`` atoms, best first.

    ``domains`` restricts both to those domains (all are ranked, signalled or not);
    ``axes`` keeps only atoms that carry one of the given values on each given axis.
    A domain, axis or value not in the index is a
    :class:`~skillwiki_sdk.query.QueryError`. Nothing is raised for any text of the
    brief: one with no words gives no domains and a note.
    """
    notes: list[str] = []
    text = str(brief)  # the brief itself when it is text; anything else as text
    if len(text) > BRIEF_CHARS:
        notes.append(f"the brief is {len(text):,} characters long; only its first {BRIEF_CHARS:,} were read")
        text = text[:BRIEF_CHARS]
    found, joined = _brief_terms(_ESCAPE.sub(" ", text))
    if not found:
        notes.append(
            "the brief has no words to match (only stop words, numbers of one digit or punctuation)"
            if text.strip()
            else "the brief is empty"
        )
        return MatchResult(brief, [], [], notes)
    chosen = _check(index, domains, axes)
    numbered = {term: number for term, number in ((term, index.term_id(term)) for term in found) if number is not None}
    touched = index._tags_touched(found, joined)
    # 1. routing: each domain's profile and vocabulary, then (for the best few) its best atoms
    routed: list[DomainMatch] = []
    for name in chosen:
        d = index.domains[name]
        text_score = 0.0
        text_words = []
        for term, word in found.items():
            tf = d.profile.get(term)
            if tf:
                text_score += index._profile_idf(term) * _saturate(tf, d.length, index._profile_average)
                text_words.append(word)
        tag_score, met, shared = _tag_signals(d, index, found, joined, touched.get(name, set()))
        score = text_score + tag_score * _tag_scale(index)
        if score > 0 or any(d.has(number) for number in numbered.values()):  # (a word of its atoms' bodies only)
            routed.append(DomainMatch(name, score, list(met), shared, text_words, tag_score, text_score, tags=met))
    routed.sort(key=lambda m: (-round(m.score, 9), m.name))
    candidates = routed[:ROUTE_CANDIDATES] if domains is None else routed
    wanted = [
        {f"{axis}={value}" for value in ([values] if isinstance(values, str) else values)}
        for axis, values in (axes or {}).items()
    ]  # each axis: either value
    scored: dict[str, list[AtomMatch]] = {}
    for routing in candidates:
        best_text, scored[routing.name] = _score_atoms(
            index, index.domains[routing.name], found, numbered, joined, wanted, max(0, top)
        )
        routing.atom_score = best_text
        routing.score += ATOM_EVIDENCE * best_text
    candidates = [m for m in candidates if m.score > 0]
    candidates.sort(key=lambda m: (-round(m.score, 9), m.name))
    if not candidates:
        notes.append("no domain's vocabulary or atoms share a word with the brief")
        return MatchResult(brief, [], [], notes)
    best = candidates[0].score
    signalled = [m for m in candidates if m.score >= ROUTE_SHARE * best][:ROUTE_MAX] if domains is None else candidates
    # 2. atoms of the signalled domains, a weaker domain's counting for less
    results: list[AtomMatch] = []
    for routing in signalled:
        factor = math.sqrt(routing.score / best) if best > 0 else 1.0
        for atom in scored[routing.name]:
            atom.domain_factor = factor
            atom.score *= factor
            results.append(atom)
    results.sort(key=lambda m: (-round(m.score, 9), m.domain, m.id))
    shared_words = sorted({word for m in signalled for word in m.shared})
    if shared_words:
        notes.append(
            "signal words claimed by several domains: "
            + ", ".join(
                f"{w} ({', '.join(next(m.shared[w] for m in signalled if w in m.shared))})" for w in shared_words
            )
        )
    return MatchResult(brief, signalled, results[: max(0, top)], notes)


def _check(index: MatchIndex, domains: Iterable[str] | None, axes: Mapping[str, Iterable[str]] | None) -> list[str]:
    """The names of the domains to match in; a :class:`~skillwiki_sdk.query.QueryError`
    for a domain, axis or axis value that is not in the index."""
    from .query import QueryError, closest

    names = list(index.domains) if domains is None else sorted(set([domains] if isinstance(domains, str) else domains))
    for name in names:
        if name not in index.domains:
            raise QueryError(f"no installed domain named '{name}'; {closest(name, index.domains)}")
    declared: dict[str, set[str]] = {}
    for name in names:
        for axis, declared_values in index.domains[name].axes.items():
            declared.setdefault(axis, set()).update(declared_values)
    for axis, values in sorted((axes or {}).items()):
        if axis not in declared:
            raise QueryError(f"no axis '{axis}' in the domains matched; {closest(axis, declared)}")
        for value in sorted([values] if isinstance(values, str) else values):
            if value not in declared[axis]:
                raise QueryError(f"axis '{axis}' has no value '{value}'; {closest(value, declared[axis])}")
    return names


def _score_atoms(
    index: MatchIndex,
    d: _DomainIndex,
    found: dict[str, str],
    numbered: dict[str, int],
    joined: set[str],
    wanted: list[set[str]],
    top: int,
) -> tuple[float, list[AtomMatch]]:
    """The best text score of one domain's atoms, and its ``top`` atoms scored (before
    the domain's factor), with the words met by field and the axis lifts."""
    named = _named_values(d, found, joined)
    said = [value[0] for value in d.values]
    wanted_numbers = [{number for number, name in enumerate(said) if name in values} for values in wanted]
    totals = [0.0] * len(d.atoms)
    lists = []
    for term, number in numbered.items():
        posting = d.postings(number)
        if posting is None:
            continue
        lists.append((found[term], posting))
        idf = index.idf(number) / _SCALE
        numbers, weights, _ = posting
        try:
            for atom_number, weight in zip(numbers, weights, strict=True):
                totals[atom_number] += idf * weight
        except IndexError:  # a damaged index names an atom that is not there: the term is left out
            lists.pop()
            continue
    best_text = max(totals, default=0.0)
    ranked = []
    for atom_number, text_score in enumerate(totals):
        if not text_score:
            continue
        atom_axes = d.atoms[atom_number][4]
        if wanted_numbers and not all(not values.isdisjoint(atom_axes) for values in wanted_numbers):
            continue
        lift_axes = len({said[number].split("=", 1)[0] for number in atom_axes if number in named}) if named else 0
        quality = d.atoms[atom_number][3]
        score = text_score * (1 + AXIS_LIFT * lift_axes) * (1 + QUALITY_WEIGHT * (quality or 0.0) / 5.0)
        ranked.append((-round(score, 9), d.atoms[atom_number][0], atom_number, score, text_score))
    chosen = heapq.nsmallest(top, ranked)
    # why, for the chosen only
    met: dict[int, dict[str, list[str]]] = {item[2]: {} for item in chosen}
    for word, (numbers, _, masks) in lists:
        for atom_number, mask in zip(numbers, masks, strict=True):
            by_field = met.get(atom_number)
            if by_field is not None:
                for bit, field_name in enumerate(FIELDS):
                    if mask & (1 << bit):
                        by_field.setdefault(field_name, []).append(word)
    results = []
    for _, atom_id, atom_number, score, text_score in chosen:
        _, kind, title, quality, atom_axes = d.atoms[atom_number]
        lifts = sorted(said[number] for number in atom_axes if number in named)
        results.append(AtomMatch(d.name, atom_id, title, kind, score, text_score, met[atom_number], lifts, quality))
    return best_text, results


def _tag_scale(index: MatchIndex) -> float:
    """What a tag signal is worth beside the text: about one well-chosen word's score."""
    return math.log(1 + (len(index.domains) + 0.5) / 1.5) if index.domains else 1.0


def analysis() -> str:
    """The format, analysis and weights an index is built with: an index kept under a
    key made with another is not read."""
    return f"{FORMAT} {ANALYZER} {FIELD_WEIGHTS} {PROFILE_WEIGHTS}"


def fingerprint(domains: Mapping[str, Any]) -> str:
    """What the index of ``domains`` depends on, as a hash: this analysis and format,
    each domain's name, version and manifest, and each atom file's path, size and
    time of change (so a body edited since is seen)."""
    import hashlib
    import os

    digest = hashlib.sha256(analysis().encode())
    for name, bundle in _bundles(domains).items():
        domain = bundle.domain
        digest.update(
            f"\0{name}\0{domain.version if domain else ''}\0{domain.raw if domain else ''}\0{bundle.root}".encode(
                "utf-8", "replace"
            )
        )
        for atom in bundle.atoms:
            try:
                info = os.stat(atom.source.path)
                state = f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"
            except (OSError, ValueError):
                state = f"-{atom.raw}"  # (a file read from elsewhere: what it says)
            digest.update(f"\0{atom.source.display}\0{state}".encode("utf-8", "replace"))
    return digest.hexdigest()


def cached_index(domains: Mapping[str, Any], folder: str | None) -> MatchIndex:
    """The index of ``domains``, kept in the cache folder ``folder`` (as the checked
    bundles are, see :mod:`skillwiki_sdk.cache`) under the :func:`fingerprint` of
    those domains: read from there when it was built from the same domains, else
    built and written there. ``folder`` ``None``: always built. An entry that is
    damaged, foreign or stale is built again; a folder that cannot be written is no
    error."""
    from .cache import Cache

    if folder is None:
        return build_index(domains)
    cache = Cache(folder, kind="match")
    key = fingerprint(domains)
    data = cache.get("index", key)
    if data is not None:
        try:
            kept = MatchIndex.from_dict(data)
        except (ValueError, TypeError, KeyError):
            pass  # damaged: build it again
        else:
            if set(kept.domains) == set(_bundles(domains)):
                return kept  # (an index of other domains under this key is damaged too)
    index = build_index(domains)
    cache.put("index", key, index.to_dict())
    return index
