"""Checks of the vocabulary as a whole: tags and axis values that no atom uses."""

from __future__ import annotations

from collections.abc import Iterator

from .. import rules
from ..hookspecs import hookimpl
from ..model import Bundle, Check, Finding, check


@check(rules.UNUSED_TAG, rules.UNUSED_AXIS_VALUE, rules.NO_ATOMS)
def unused_vocabulary(bundle: Bundle) -> Iterator[Finding]:
    """A tag or axis value no atom uses is likely a mistake (or a missing atom)."""
    domain = bundle.domain
    if domain is None:
        return
    if not bundle.atoms and not bundle.unloaded_ids:
        yield rules.NO_ATOMS.finding(
            "the bundle has no atoms: put them in atoms/<id>.md", file=domain.source.display, line=1
        )
        return
    if bundle.unloaded_ids:
        return  # an atom that did not load may use them: do not guess
    used_tags = {tag for atom in bundle.atoms for tag in atom.tags}
    for index, tag in enumerate(domain.tags or ()):
        if tag not in used_tags:
            yield rules.UNUSED_TAG.finding(
                f"tag '{tag}' is in the vocabulary but no atom uses it",
                file=domain.source,
                path=("tags", index),
                hint="tag an atom with it, or remove it from the vocabulary",
            )
    for axis_id, axis in (domain.axes or {}).items():
        used = {value for atom in bundle.atoms for value in atom.axes.get(axis_id, ())}
        for index, value in enumerate(axis.values):
            if value not in used:
                yield rules.UNUSED_AXIS_VALUE.finding(
                    f"value '{value}' of axis '{axis_id}' is used by no atom",
                    file=domain.source,
                    path=("axes", axis_id, "values", index),
                    hint="give an atom this value, or remove it",
                )


@hookimpl
def skillwiki_checks() -> list[Check]:
    return [unused_vocabulary]
