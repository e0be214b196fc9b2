"""The data model: findings and rules, and a bundle's domain, axes and atoms.

Everything here is plain data. Loading turns files into these objects; checks read
them and yield :class:`Finding` objects; reporters only read findings.
"""

from __future__ import annotations

import enum
import operator
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple, SupportsIndex

__all__ = [
    "Atom",
    "AtomOrigin",
    "Axis",
    "Bundle",
    "Check",
    "Domain",
    "Finding",
    "Report",
    "Rule",
    "Severity",
    "Source",
    "check",
    "title_from_id",
]

Path = tuple[str | int, ...]
"""A path into a YAML document: mapping keys and list indices."""

DEFAULT_KINDS = ("principle", "pattern", "rule")


class Severity(str, enum.Enum):
    """How bad a finding is: errors fail validation, warnings only with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


class Source(NamedTuple):
    """Where a document lives: what to show a person and how to find lines in it.

    ``display`` is the path printed in findings (for an archive member
    ``dist/x.whl!pkg/bundle/atoms/a.md``); ``path`` is the file on disk that holds the
    text; ``offset`` is how many lines of that file come before the YAML document
    (1 for an atom's frontmatter, which follows the opening ``---`` line).

    A named tuple: there is one an atom, and 100,000 of them take ~9 MB less than
    dataclass instances, and pickle (to and from the workers of ``validate``) in C.
    """

    display: str
    path: str
    offset: int = 0


_CODE_RE = re.compile(r"^[A-Z]{2,8}[0-9]{3}$")


@dataclass(frozen=True)
class Rule:
    """A kind of finding: a stable code, a severity, a short name and a one-line summary."""

    code: str
    severity: Severity
    name: str
    summary: str

    def __post_init__(self) -> None:
        if not _CODE_RE.match(self.code):
            raise ValueError(f"rule code {self.code!r} must be 2-8 capital letters and 3 digits, like SW201")
        object.__setattr__(self, "severity", Severity(self.severity))

    def finding(
        self,
        message: str,
        *,
        file: str | Source | None = None,
        path: Path | None = None,
        key: bool = False,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> Finding:
        """Make a finding of this rule.

        Give either ``line`` (and ``column``) directly, or a ``Source`` and a ``path``
        into its document: the line is then looked up only when the finding is reported.
        With ``key=True`` the finding points at the last key of ``path`` rather than at
        its value.
        """
        source = file if isinstance(file, Source) else None
        display = file.display if isinstance(file, Source) else file
        return Finding(
            code=self.code,
            severity=self.severity,
            message=message,
            file=display,
            line=line,
            column=column,
            hint=hint,
            source=source,
            path=path,
            at_key=key,
        )


@dataclass
class Finding:
    """One problem: code, severity, file, 1-based line and column, message and hint."""

    code: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    # Where to look the line up lazily (see Rule.finding); not part of the output.
    source: Source | None = field(default=None, repr=False, compare=False)
    path: Path | None = field(default=None, repr=False, compare=False)
    at_key: bool = field(default=False, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The finding in the stable JSON shape."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file or "", self.line or 0, self.column or 0, self.code)


CheckFunction = Callable[["Bundle"], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    """A named check over a whole bundle and the rules whose findings it may yield."""

    name: str
    rules: tuple[Rule, ...]
    run: CheckFunction
    doc: str = ""

    def __call__(self, bundle: Bundle) -> Iterable[Finding]:
        return self.run(bundle)


def check(*rules: Rule) -> Callable[[CheckFunction], Check]:
    """Decorate ``def my_check(bundle): yield ...`` as a :class:`Check` of ``rules``.

    Return the decorated checks from a ``skillwiki_checks`` hook implementation.
    """

    def decorate(function: CheckFunction) -> Check:
        return Check(
            name=f"{function.__module__}.{function.__qualname__}",
            rules=tuple(rules),
            run=function,
            doc=(function.__doc__ or "").strip(),
        )

    return decorate


def title_from_id(atom_id: str) -> str:
    """The default title of an atom: ``api-gateway`` becomes ``Api Gateway``."""
    return " ".join(word[:1].upper() + word[1:] for word in atom_id.split("-") if word)


@dataclass(frozen=True)
class Axis:
    """A retrieval axis: an id, a description and its allowed values."""

    id: str
    description: str
    values: tuple[str, ...]


def _str(value: Any, default: Any = None) -> Any:
    return value if isinstance(value, str) else default


def _str_tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str))
    return ()


@dataclass(frozen=True)
class Domain:
    """A domain's manifest (``domain.yaml``), in its well-typed parts.

    Built leniently: a key whose value has the wrong type is left at its default, and
    the schema reports it; ``tags`` and ``axes`` are ``None`` when they are unusable, so
    that checks against the vocabulary do not pile up findings on top of that one.
    """

    name: str | None
    version: str | None
    description: str | None
    requires_sdk: str | None
    schema: Any
    title: str | None
    kinds: tuple[str, ...]
    tags: tuple[str, ...] | None
    axes: dict[str, Axis] | None
    source: Source
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_raw(cls, raw: Any, source: Source) -> Domain:
        data = raw if isinstance(raw, dict) else {}
        kinds = data.get("kinds", list(DEFAULT_KINDS))
        tags = data.get("tags")
        axes_raw = data.get("axes")
        axes: dict[str, Axis] | None = None
        if isinstance(axes_raw, dict):
            axes = {}
            for axis_id, spec in axes_raw.items():
                if isinstance(axis_id, str) and isinstance(spec, dict):
                    axes[axis_id] = Axis(axis_id, _str(spec.get("description"), ""), _str_tuple(spec.get("values")))
        return cls(
            name=_str(data.get("name")),
            version=_str(data.get("version")),
            description=_str(data.get("description")),
            requires_sdk=_str(data.get("requires-sdk")),
            schema=data.get("schema"),
            title=_str(data.get("title")),
            kinds=_str_tuple(kinds) if isinstance(kinds, list) else DEFAULT_KINDS,
            tags=_str_tuple(tags) if isinstance(tags, list) else None,
            axes=axes,
            source=source,
            raw=data,
        )

    @property
    def display_title(self) -> str:
        return self.title or self.name or "?"


# Keys whose well-typed values the model holds in fields of its own.
_ATOM_FIELDS = (
    "id",
    "kind",
    "title",
    "summary",
    "tags",
    "axes",
    "quality",
    "related",
    "sources",
    "aliases",
    "deprecated",
)


def _words(value: Any) -> tuple[str, ...]:
    """Text items of a list, interned: tags, axis values and ids repeat in every atom,
    and one shared copy of each keeps a 100,000-atom bundle much smaller."""
    if isinstance(value, list):
        try:
            return tuple(map(sys.intern, value))  # (in C; a list of text, as nearly always)
        except TypeError:  # an item that is not text is left out; text of a str subclass is kept as it is
            return tuple(sys.intern(item) if type(item) is str else item for item in value if isinstance(item, str))
    return ()


@dataclass(slots=True)
class Atom:
    """One atom's frontmatter, in its well-typed parts (see :class:`Domain`).

    The Markdown body is not kept, only its size; nor is the frontmatter as a whole:
    what the typed fields do not hold (extension keys, unknown keys, values of the
    wrong type) is in ``extra``, and :attr:`raw` puts the two together again. So a
    bundle of 100,000 atoms holds one small object per atom.
    """

    id: str
    kind: str | None
    summary: str | None
    tags: tuple[str, ...]
    axes: dict[str, tuple[str, ...]]
    quality: float | None
    related: tuple[str, ...]
    title_given: str | None
    stem: str
    source: Source
    body_chars: int = 0
    body_line: int = 0
    sources: tuple[Mapping[str, Any], ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False)
    # former ids that links may still name; why the atom is to be removed, if it is
    aliases: tuple[str, ...] = ()
    deprecated: str | None = None
    # shared by the atoms of one bundle: their domain's name and how a body is read
    origin: AtomOrigin | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_raw(cls, raw: Any, source: Source, stem: str, body_chars: int = 0, body_line: int = 0) -> Atom:
        data = raw if isinstance(raw, dict) else {}
        axes: dict[str, tuple[str, ...]] = {}
        axes_raw = data.get("axes")
        axes_ok = isinstance(axes_raw, dict)  # and every entry an axis id with a list of text
        if isinstance(axes_raw, dict):
            for axis_id, values in axes_raw.items():
                if isinstance(axis_id, str) and isinstance(values, list):
                    axes[sys.intern(axis_id)] = words = _words(values)
                    axes_ok = axes_ok and len(words) == len(values)
                else:
                    axes_ok = False
        quality = data.get("quality")
        if isinstance(quality, bool) or not isinstance(quality, (int, float)):
            quality = None
        sources = data.get("sources")
        sources_ok = isinstance(sources, list) and all(isinstance(item, dict) for item in sources)
        kept_sources = tuple(sources) if isinstance(sources, list) and sources_ok else ()
        kind = _str(data.get("kind"))
        atom_id = _str(data.get("id"), stem)
        atom = cls(
            id=atom_id,
            kind=sys.intern(kind) if kind is not None else None,
            summary=_str(data.get("summary")),
            tags=_words(data.get("tags")),
            axes=axes,
            quality=float(quality) if quality is not None else None,
            related=_words(data.get("related")),
            title_given=_str(data.get("title")),
            stem=atom_id if atom_id == stem else stem,  # one string when they agree (most atoms)
            source=source,
            body_chars=body_chars,
            body_line=body_line,
            sources=kept_sources,
            aliases=_words(data.get("aliases")),
            deprecated=_str(data.get("deprecated")),
        )
        # Whatever the fields above did not take exactly as written stays in extra.
        held = {
            "id": isinstance(data.get("id"), str),
            "kind": kind is not None,
            "title": atom.title_given is not None,
            "summary": atom.summary is not None,
            "tags": isinstance(data.get("tags"), list) and len(atom.tags) == len(data["tags"]),
            "axes": axes_ok,
            "quality": quality is not None and not isinstance(data.get("quality"), bool),
            "related": isinstance(data.get("related"), list) and len(atom.related) == len(data["related"]),
            "sources": sources_ok,
            "aliases": isinstance(data.get("aliases"), list) and len(atom.aliases) == len(data["aliases"]),
            "deprecated": atom.deprecated is not None,
        }
        extra = {key: value for key, value in data.items() if not held.get(key, False)}
        if extra:
            atom.extra = extra
        return atom

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        # pickled as its field values in order, made again by __init__: a worker of
        # `validate --jobs` sends every atom back, and this is a fifth cheaper to
        # pickle and unpickle than the state a slots dataclass pickles by default;
        # a subclass, which may have fields of its own, is pickled the default way
        if type(self) is Atom:
            return (Atom, _atom_values(self))
        return object.__reduce_ex__(self, protocol)

    @property
    def raw(self) -> dict[str, Any]:
        """The frontmatter: the typed fields and ``extra`` in one new mapping (an atom
        that names no id has its file's stem as ``id`` here too)."""
        raw: dict[str, Any] = {}
        if "id" not in self.extra:
            raw["id"] = self.id
        if self.kind is not None:
            raw["kind"] = self.kind
        if self.title_given is not None:
            raw["title"] = self.title_given
        if self.summary is not None:
            raw["summary"] = self.summary
        if self.tags:
            raw["tags"] = list(self.tags)
        if self.axes:
            raw["axes"] = {axis: list(values) for axis, values in self.axes.items()}
        if self.quality is not None:
            raw["quality"] = self.quality
        if self.related:
            raw["related"] = list(self.related)
        if self.sources:
            raw["sources"] = list(self.sources)
        if self.aliases:
            raw["aliases"] = list(self.aliases)
        if self.deprecated is not None:
            raw["deprecated"] = self.deprecated
        raw.update(self.extra)
        return raw

    @property
    def title(self) -> str:
        """The title, or the id in title case when none is given."""
        return self.title_given or title_from_id(self.id)

    @property
    def domain(self) -> str | None:
        """The name of the domain whose bundle holds this atom (``None`` before it is in one)."""
        return self.origin.domain if self.origin is not None else None

    @property
    def ref(self) -> str:
        """``@domain/id``, the link another domain's ``related`` uses for this atom
        (the plain id while the atom is in no named domain)."""
        domain = self.domain
        return f"@{domain}/{self.id}" if domain else self.id

    @property
    def body(self) -> str:
        """The Markdown after the frontmatter, stripped, read from the atom's file now
        (it is not kept: ask once and keep it if needed).

        Read by the bundle's reader (:attr:`AtomOrigin.read_body`), which whoever
        loaded the bundle gives it: :func:`skillwiki_sdk.load_bundle` and the registry
        read with the loader's limits from ``source.path`` (or the zip file a plugin
        was imported from). Raises :class:`OSError` (or :class:`ValueError` for a file
        that is no longer an atom) when it cannot be read, and :class:`LookupError`
        for an atom of a bundle made without a reader.
        """
        read = self.origin.read_body if self.origin is not None else None
        if read is None:
            raise LookupError(
                f"{self.source.display}: this atom's bundle has no body reader (load it with load_bundle)"
            )
        return read(self)


_atom_values = operator.attrgetter(*(item.name for item in fields(Atom)))


@dataclass
class AtomOrigin:
    """What the atoms of one bundle share: their domain's name, and the function that
    reads an atom's body (``None``: from the file its source names). A registry that
    read a bundle from elsewhere (a zip file) sets ``read_body`` for all its atoms."""

    domain: str | None
    read_body: Callable[[Atom], str] | None = None


@dataclass
class Bundle:
    """A loaded bundle: its domain (``None`` when the manifest is unusable) and atoms.

    Its atoms share one :class:`AtomOrigin` (``origin``), made when the bundle is."""

    root: str
    domain: Domain | None
    atoms: list[Atom]
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    # ids (file stems) of atom files that did not load, so links to them are not dangling
    unloaded_ids: set[str] = field(default_factory=set)
    origin: AtomOrigin | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.origin is None:
            self.origin = AtomOrigin(self.domain.name if self.domain is not None else None)
        origin = self.origin
        for atom in self.atoms:
            if atom.origin is None:
                atom.origin = origin

    def atom_ids(self) -> set[str]:
        """The ids a link may name: every atom's id and its aliases (former ids)."""
        ids = {atom.id for atom in self.atoms}
        for atom in self.atoms:
            if atom.aliases:
                ids.update(atom.aliases)
        return ids

    def atoms_sorted(self) -> list[Atom]:
        """Atoms sorted by kind, then id, as the card lists them."""
        return sorted(self.atoms, key=lambda atom: (atom.kind or "", atom.id))

    def __iter__(self) -> Iterator[Atom]:
        return iter(self.atoms)


@dataclass
class Report:
    """The result of validating one path: the domains found, atom count and findings."""

    target: str
    domains: list[str] = field(default_factory=list)
    atoms: int = 0
    findings: list[Finding] = field(default_factory=list)
    # warnings fail this path too (from --strict or its project's [tool.skillwiki])
    strict: bool = False

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.WARNING)

    def failed(self, strict: bool = False) -> bool:
        """Whether these findings fail validation (warnings too when ``strict`` or
        the report's own ``strict`` is set)."""
        return bool(self.errors or ((strict or self.strict) and self.warnings))

    def to_dict(self, strict: bool = False) -> dict[str, Any]:
        return {
            "path": self.target,
            "domains": list(self.domains),
            "atoms": self.atoms,
            "errors": self.errors,
            "warnings": self.warnings,
            "ok": not self.failed(strict),
            "findings": [finding.to_dict() for finding in self.findings],
        }
