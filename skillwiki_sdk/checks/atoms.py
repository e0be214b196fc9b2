"""Checks of each atom against its file and its domain's kinds, tags and axes."""

from __future__ import annotations

from collections.abc import Iterator

from .. import rules
from .._words import did_you_mean, is_slug, slugify
from ..hookspecs import hookimpl
from ..model import Bundle, Check, Finding, check


@check(rules.ID_MISMATCH, rules.DUPLICATE_ID)
def atom_ids(bundle: Bundle) -> Iterator[Finding]:
    """An atom's id equals its file's stem and is unique in the domain."""
    first: dict[str, str] = {}
    for atom in bundle.atoms:
        if atom.id != atom.stem:  # an id that is missing or not text is the stem
            yield rules.ID_MISMATCH.finding(
                f"id '{atom.id}' differs from the file name '{atom.stem}.md'",
                file=atom.source,
                path=("id",),
                hint=_id_hint(atom.id, atom.stem),
            )
        if atom.id in first:
            yield rules.DUPLICATE_ID.finding(
                f"id '{atom.id}' is already used by {first[atom.id]}",
                file=atom.source,
                path=("id",),
                hint="give each atom its own id",
            )
        else:
            first[atom.id] = atom.source.display


def _id_hint(atom_id: str, stem: str) -> str | None:
    """How to make id and file name agree, suggesting only ids that are slugs."""
    if is_slug(atom_id) and is_slug(stem):
        return f"rename the file to {atom_id}.md or set id: {stem}"
    if is_slug(stem):
        return f"set id: {stem}"
    if is_slug(atom_id):
        return f"rename the file to {atom_id}.md"
    slug = slugify(stem) or slugify(atom_id)
    return (
        f"rename the file to {slug}.md and set id: {slug} (ids are lowercase words joined by hyphens)" if slug else None
    )


def _joined(*parts: str | None) -> str | None:
    return "; ".join(part for part in parts if part) or None


@check(rules.UNKNOWN_KIND, rules.UNKNOWN_TAG, rules.UNKNOWN_AXIS, rules.UNKNOWN_AXIS_VALUE)
def atom_vocabulary(bundle: Bundle) -> Iterator[Finding]:
    """Kinds, tags, axes and axis values are those the domain declares."""
    domain = bundle.domain
    if domain is None:
        return
    kinds = set(domain.kinds)
    tags = set(domain.tags) if domain.tags is not None else None
    declared = domain.axes
    axes = {axis_id: set(axis.values) for axis_id, axis in declared.items()} if declared is not None else None
    for atom in bundle.atoms:
        sound = (atom.kind is None or atom.kind in kinds) and (tags is None or tags.issuperset(atom.tags))
        if sound and axes is not None:
            for axis_id, values in atom.axes.items():
                allowed = axes.get(axis_id)
                if allowed is None or not allowed.issuperset(values):
                    sound = False
                    break
        if sound:
            continue  # (nearly every atom: one test of each of its sets, not one of each word)
        if atom.kind is not None and atom.kind not in kinds:
            yield rules.UNKNOWN_KIND.finding(
                f"kind '{atom.kind}' is not one of the domain's kinds: {', '.join(domain.kinds)}",
                file=atom.source,
                path=("kind",),
                hint=_joined(
                    did_you_mean(atom.kind, domain.kinds),
                    "or declare it in kinds in domain.yaml" if is_slug(atom.kind) else None,
                ),
            )
        if tags is not None:
            for index, tag in enumerate(atom.tags):
                if tag not in tags:
                    yield rules.UNKNOWN_TAG.finding(
                        f"tag '{tag}' is not in the domain's tag vocabulary",
                        file=atom.source,
                        path=("tags", index),
                        hint=_tag_hint(tag, domain.tags or ()),
                    )
        if axes is not None and declared is not None:
            for axis_id, values in atom.axes.items():
                if axis_id not in axes:
                    yield rules.UNKNOWN_AXIS.finding(
                        f"axis '{axis_id}' is not declared in domain.yaml (axes: {', '.join(axes) or 'none'})",
                        file=atom.source,
                        path=("axes", axis_id),
                        key=True,
                        hint=did_you_mean(axis_id, axes),
                    )
                    continue
                for index, value in enumerate(values):
                    if value not in axes[axis_id]:
                        yield rules.UNKNOWN_AXIS_VALUE.finding(
                            f"value '{value}' is not declared for axis '{axis_id}'",
                            file=atom.source,
                            path=("axes", axis_id, index),
                            hint=_joined(
                                did_you_mean(value, declared[axis_id].values),
                                f"declared values: {', '.join(sorted(axes[axis_id]))}",
                            ),
                        )


def _tag_hint(tag: str, vocabulary: tuple[str, ...]) -> str:
    close = did_you_mean(tag, vocabulary)
    if is_slug(tag):
        add = "add it to tags in domain.yaml, or use a tag that is there"
    else:
        slug = slugify(tag)
        add = (
            f"tags are lowercase words joined by hyphens: write '{slug}' and add it to tags in domain.yaml"
            if slug
            else "use a tag of the vocabulary"
        )
    return f"{close} Else {add}" if close else add


@check(rules.EMPTY_BODY)
def atom_bodies(bundle: Bundle) -> Iterator[Finding]:
    """Every atom has a Markdown body after its frontmatter."""
    for atom in bundle.atoms:
        if atom.body_chars == 0:
            yield rules.EMPTY_BODY.finding(
                "the atom has no Markdown body after its frontmatter",
                file=atom.source.display,
                line=atom.body_line,
                hint="write the guidance itself below the closing '---'",
            )


@hookimpl
def skillwiki_checks() -> list[Check]:
    return [atom_ids, atom_vocabulary, atom_bodies]
