"""Queries over installed domains: atoms by kind, tag and axis value, links resolved,
overlaps between domains.

Plain functions over *domains*: a mapping of domain names to bundles, or to anything
with a ``bundle`` (the registry's :class:`~skillwiki_sdk.registry.InstalledDomain`),
so that they work on ``Registry.domains`` and on bundles loaded by hand alike::

    from skillwiki_sdk import Registry, query

    registry = Registry.discover()
    for atom in query.atoms(registry.domains, "backend-architecture", kind="pattern", axis={"layer": "data"}):
        print(atom.ref, atom.title)
    saga = query.resolve(registry.domains, "@backend-architecture/saga")
    links = query.related(registry.domains, saga)
    print([a.ref for a in links.atoms], links.dangling)

Several filters combine with AND, several values of one filter with OR. A filter
that names what no domain has (a kind, a tag, an axis or a value) is a
:class:`QueryError`, which says what there is instead: a typo should not look like
an empty answer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import Atom, Bundle

__all__ = ["Overlaps", "QueryError", "Related", "atoms", "body_reader", "overlaps", "parse_ref", "related", "resolve"]

Values = str | Iterable[str] | None

_REF = re.compile(r"^@?([a-z0-9]+(?:-[a-z0-9]+)*)/([^/\s]+)$")


class QueryError(ValueError):
    """A query that names a domain, kind, tag, axis or value that is not there."""


def _bundles(domains: Mapping[str, Any]) -> dict[str, Bundle]:
    return {name: (value.bundle if hasattr(value, "bundle") else value) for name, value in sorted(domains.items())}


def _values(value: Values) -> set[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    return set(value)


def closest(word: str, choices: Iterable[str]) -> str:
    import difflib

    choices = sorted(set(choices))
    near = difflib.get_close_matches(word, choices, n=3)
    if near:
        return f"did you mean {', '.join(near)}?"
    shown = ", ".join(choices[:20]) + (", ..." if len(choices) > 20 else "")
    return f"there are: {shown}" if choices else "there are none"


def _chosen(domains: Mapping[str, Any], domain: str | Iterable[str] | None) -> dict[str, Bundle]:
    bundles = _bundles(domains)
    if domain is None:
        return bundles
    names = [domain] if isinstance(domain, str) else list(domain)
    for name in names:
        if name not in bundles:
            raise QueryError(f"no installed domain named '{name}'; {closest(name, bundles)}")
    return {name: bundles[name] for name in sorted(set(names))}


def atoms(
    domains: Mapping[str, Any],
    domain: str | Iterable[str] | None = None,
    *,
    kind: Values = None,
    tag: Values = None,
    axis: Mapping[str, Values] | None = None,
) -> list[Atom]:
    """The atoms of ``domain`` (a name, several, or every domain), sorted by domain,
    kind and id, that have one of the kinds ``kind``, one of the tags ``tag``, and for
    every axis in ``axis`` one of its values given there.

    :raises QueryError: a domain that is not there, or a kind, tag, axis or axis value
        that none of the chosen domains declares.
    """
    bundles = _chosen(domains, domain)
    kinds, tags = _values(kind), _values(tag)
    wanted = {name: _values(values) or set() for name, values in (axis or {}).items()}
    _check_filters(bundles, kinds, tags, wanted)
    found: list[Atom] = []
    for bundle in bundles.values():
        for atom in bundle.atoms_sorted():
            if kinds is not None and atom.kind not in kinds:
                continue
            if tags is not None and not tags.intersection(atom.tags):
                continue
            if any(not values.intersection(atom.axes.get(name, ())) for name, values in wanted.items()):
                continue
            found.append(atom)
    return found


def _check_filters(
    bundles: Mapping[str, Bundle], kinds: set[str] | None, tags: set[str] | None, wanted: Mapping[str, set[str]]
) -> None:
    """A :class:`QueryError` for a filter value that none of ``bundles`` declares."""
    declared_kinds: set[str] = set()
    declared_tags: set[str] = set()
    declared_axes: dict[str, set[str]] = {}
    for bundle in bundles.values():
        domain = bundle.domain
        if domain is None:
            continue
        declared_kinds.update(domain.kinds)
        declared_kinds.update(atom.kind for atom in bundle.atoms if atom.kind)
        declared_tags.update(domain.tags or ())
        for axis_id, spec in (domain.axes or {}).items():
            declared_axes.setdefault(axis_id, set()).update(spec.values)
    where = "the chosen domain" + ("s" if len(bundles) != 1 else "")
    for value in sorted(kinds or ()):
        if value not in declared_kinds:
            raise QueryError(f"no kind '{value}' in {where}; {closest(value, declared_kinds)}")
    for value in sorted(tags or ()):
        if value not in declared_tags:
            raise QueryError(f"no tag '{value}' in the vocabulary of {where}; {closest(value, declared_tags)}")
    for axis_id, values in sorted(wanted.items()):
        if axis_id not in declared_axes:
            raise QueryError(f"no axis '{axis_id}' in {where}; {closest(axis_id, declared_axes)}")
        for value in sorted(values):
            if value not in declared_axes[axis_id]:
                raise QueryError(f"axis '{axis_id}' has no value '{value}'; {closest(value, declared_axes[axis_id])}")


def parse_ref(link: str, within: str | None = None) -> tuple[str, str] | None:
    """``(domain, id)`` of ``@domain/id`` (also ``domain/id``), or of a plain ``id``
    when ``within`` names its domain; ``None`` when ``link`` is neither."""
    match = _REF.match(link)
    if match:
        return match.group(1), match.group(2)
    if within is not None and link and "/" not in link and not link.startswith("@"):
        return within, link
    return None


def resolve(domains: Mapping[str, Any], link: str, within: str | None = None) -> Atom | None:
    """The atom that ``link`` names: ``@domain/id``, ``domain/id``, or a plain ``id``
    inside the domain ``within``; ``None`` when there is no such atom."""
    parsed = parse_ref(link, within)
    if parsed is None:
        return None
    name, atom_id = parsed
    entry = domains.get(name)
    if entry is None:
        return None
    bundle: Bundle = entry.bundle if hasattr(entry, "bundle") else entry
    for atom in bundle.atoms:
        if atom.id == atom_id:
            return atom
    return None


@dataclass
class Related:
    """An atom's ``related`` links: the atoms they name, in the order written, and the
    links that name nothing installed (``dangling``), as written."""

    atoms: list[Atom] = field(default_factory=list)
    dangling: list[str] = field(default_factory=list)


def related(domains: Mapping[str, Any], atom: Atom, within: str | None = None) -> Related:
    """The atoms ``atom`` links to, across domains, and the links that dangle.

    A plain id is looked up in the atom's own domain (``within``, or the domain its
    bundle names)."""
    own = within or atom.domain
    result = Related()
    for link in atom.related:
        target = resolve(domains, link, own)
        if target is None:
            result.dangling.append(link)
        else:
            result.atoms.append(target)
    return result


@dataclass
class Overlaps:
    """What installed domains share: each tag claimed by several of them (``tags``:
    tag -> domains; tags of the same terms, such as ``pipeline`` and ``pipelines``,
    count as one, under the first spelling) and every link from an atom of one domain
    to another's (``links``: ``(from ref, to ref, resolved)``)."""

    tags: dict[str, list[str]] = field(default_factory=dict)
    links: list[tuple[str, str, bool]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "shared_tags": [{"tag": tag, "domains": list(names)} for tag, names in self.tags.items()],
            "links": [{"from": source, "to": target, "resolved": ok} for source, target, ok in self.links],
        }


def overlaps(domains: Mapping[str, Any]) -> Overlaps:
    """The tags several domains claim, and the links between domains."""
    from .analysis import terms

    bundles = _bundles(domains)
    claims: dict[tuple[str, ...], tuple[str, list[str]]] = {}
    for name, bundle in bundles.items():
        for tag in (bundle.domain.tags if bundle.domain else None) or ():
            key = tuple(terms(tag)) or (tag,)
            spelling, names = claims.setdefault(key, (tag, []))
            if name not in names:
                names.append(name)
    result = Overlaps()
    for spelling, names in sorted(claims.values()):
        if len(names) > 1:
            result.tags[spelling] = sorted(names)
    for name, bundle in bundles.items():
        for atom in bundle.atoms_sorted():
            for link in atom.related:
                parsed = parse_ref(link) if link.startswith("@") else None
                if parsed is None or parsed[0] == name:
                    continue
                target = resolve(domains, link)
                result.links.append((f"@{name}/{atom.id}", f"@{parsed[0]}/{parsed[1]}", target is not None))
    return result


def body_reader(root: Any, display_root: str) -> Callable[[Atom], str]:
    """A reader of atom bodies for a bundle that was read from ``root``, an
    ``importlib.resources`` traversable (a plugin imported from a zip file), and
    shown as ``display_root``: an atom's file is found in ``root`` by its place under
    ``display_root``, and read within the loader's limits. For a registry to set as
    the bundle's ``origin.read_body``."""
    from .loading import LIMITS, body_of

    prefix = display_root.rstrip("/") + "/"

    def read(atom: Atom) -> str:
        display = atom.source.display
        if not display.startswith(prefix):
            raise FileNotFoundError(2, "not in this bundle", display)
        item = root
        for part in display[len(prefix) :].split("/"):
            if part in ("", ".", "..") or os.sep in part:
                raise FileNotFoundError(2, "not in this bundle", display)
            item = item.joinpath(part)
        if not item.is_file():
            raise FileNotFoundError(2, "no such file", display)
        with item.open("rb") as stream:
            data = stream.read(LIMITS.file_bytes + 1)
        from .loading import decode_text

        return body_of(*decode_text(data, display), display)

    return read
