"""Checks of ``related`` links inside the domain (``@other/id`` is the registry's)."""

from __future__ import annotations

from typing import Iterator

from .. import rules
from ..hookspecs import hookimpl
from ..model import Bundle, Finding, check


@check(rules.DANGLING_RELATED, rules.SELF_RELATED)
def related_links(bundle: Bundle) -> Iterator[Finding]:
    """Every related id names an atom of this domain, and not the atom itself."""
    known = bundle.atom_ids() | bundle.unloaded_ids
    for atom in bundle.atoms:
        for index, target in enumerate(atom.related):
            if target.startswith("@"):
                continue
            if target == atom.id:
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


@hookimpl
def skillwiki_checks() -> list:
    return [related_links]
