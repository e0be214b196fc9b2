"""Checks of ``related`` links inside the domain (``@other/id`` is the registry's).

A link may name an atom's id or one of its ``aliases`` (former ids, kept after a
rename); an alias that is another atom's id or alias is ambiguous (SW305).
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import rules
from ..hookspecs import hookimpl
from ..model import Bundle, Check, Finding, check


@check(rules.DANGLING_RELATED, rules.SELF_RELATED)
def related_links(bundle: Bundle) -> Iterator[Finding]:
    """Every related id names an atom of this domain, and not the atom itself."""
    known = bundle.atom_ids() | bundle.unloaded_ids
    for atom in bundle.atoms:
        related = atom.related
        if (
            known.issuperset(related)
            and atom.id not in related
            and (not atom.aliases or not any(alias in related for alias in atom.aliases))
        ):
            continue  # (nearly every atom: one test of its set of links, not one of each)
        for index, target in enumerate(related):
            if target.startswith("@"):
                continue
            if target == atom.id or target in atom.aliases:
                yield rules.SELF_RELATED.finding(
                    f"atom '{atom.id}' lists itself as related",
                    file=atom.source,
                    path=("related", index),
                    hint="remove the link",
                )
            elif target not in known:
                yield rules.DANGLING_RELATED.finding(
                    f"related atom '{target}' does not exist in this domain",
                    file=atom.source,
                    path=("related", index),
                    hint="fix the id, or write @other-domain/id for an atom of another domain",
                )


@check(rules.ALIAS_CONFLICT)
def alias_conflicts(bundle: Bundle) -> Iterator[Finding]:
    """No alias is an atom's id, nor the alias of two atoms."""
    ids = {atom.id for atom in bundle.atoms} | bundle.unloaded_ids
    claimed: dict[str, str] = {}
    for atom in bundle.atoms:
        for index, alias in enumerate(atom.aliases):
            if alias in ids:
                whose = "its own id" if alias == atom.id else f"the id of atom '{alias}'"
                yield rules.ALIAS_CONFLICT.finding(
                    f"alias '{alias}' of atom '{atom.id}' is {whose}",
                    file=atom.source,
                    path=("aliases", index),
                    hint="an alias is a former id that no atom has any more: remove it here, or rename the other atom",
                )
            elif alias in claimed and claimed[alias] != atom.id:
                yield rules.ALIAS_CONFLICT.finding(
                    f"alias '{alias}' of atom '{atom.id}' is also an alias of atom '{claimed[alias]}'",
                    file=atom.source,
                    path=("aliases", index),
                    hint="keep the alias on one atom only",
                )
            else:
                claimed.setdefault(alias, atom.id)


@hookimpl
def skillwiki_checks() -> list[Check]:
    return [related_links, alias_conflicts]
