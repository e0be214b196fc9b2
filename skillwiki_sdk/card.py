"""A domain's card: the figures the marketplace page shows, and their rendering."""

from __future__ import annotations

import textwrap
from typing import Any

from .model import Bundle

__all__ = ["SAMPLE_ATOMS", "EXCERPT_CHARS", "excerpt", "figures", "render_card"]

SAMPLE_ATOMS = 12
EXCERPT_CHARS = 220


def excerpt(summary: str, limit: int = EXCERPT_CHARS) -> str:
    """Cut a summary to about ``limit`` characters, as the card does.

    A summary that fits is shown whole. Otherwise it is cut after its last sentence
    that ends within the limit, if that keeps at least half of it; else hard at the
    limit. Either way an ellipsis marks the cut.
    """
    if len(summary) <= limit:
        return summary
    end = -1
    for index in range(min(limit, len(summary) - 1), 0, -1):
        if summary[index - 1] in ".!?" and summary[index] == " ":
            end = index
            break
    if end >= limit // 2:
        return summary[:end] + "…"
    return summary[:limit].rstrip() + "…"


def figures(bundle: Bundle) -> dict[str, Any]:
    """Every figure of the card, as plain data (the JSON of ``skillwiki show``)."""
    domain = bundle.domain
    if domain is None:
        raise ValueError(f"{bundle.root}: the bundle has no usable domain.yaml")
    atoms = bundle.atoms
    kinds = list(domain.kinds)
    for atom in atoms:
        if atom.kind and atom.kind not in kinds:
            kinds.append(atom.kind)
    by_kind = {kind: sum(1 for atom in atoms if atom.kind == kind) for kind in kinds}
    axes = []
    for axis_id, axis in (domain.axes or {}).items():
        axes.append(
            {
                "id": axis_id,
                "description": axis.description,
                "matches": sum(1 for atom in atoms if atom.axes.get(axis_id)),
                "values": list(axis.values),
            }
        )
    samples = []
    for atom in bundle.atoms_sorted()[:SAMPLE_ATOMS]:
        samples.append(
            {
                "id": atom.id,
                "kind": atom.kind,
                "title": atom.title,
                "summary": atom.summary or "",
                "excerpt": excerpt(atom.summary or ""),
                "related": len(atom.related),
                "quality": atom.quality,
                "deprecated": atom.deprecated,
            }
        )
    return {
        "name": domain.name,
        "title": domain.display_title,
        "description": " ".join((domain.description or "").split()),
        "version": domain.version,
        "counts": {"atoms": len(atoms), "tags": len(domain.tags or ()), "axes": len(axes)},
        "kinds": by_kind,
        "tags": list(domain.tags or ()),
        "axes": axes,
        "samples": samples,
        # every deprecated atom (to be removed in a later release) and why
        "deprecated": [
            {"id": atom.id, "title": atom.title, "reason": atom.deprecated}
            for atom in bundle.atoms_sorted()
            if atom.deprecated is not None
        ],
    }


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else (many or one + 's')}"


def render_card(card: dict[str, Any], *, width: int = 88, color: bool = False) -> str:
    """The card as text, laid out as on the marketplace page."""
    bold = (lambda s: f"\033[1m{s}\033[0m") if color else (lambda s: s)
    dim = (lambda s: f"\033[2m{s}\033[0m") if color else (lambda s: s)
    name = card["name"]
    counts = card["counts"]
    out: list[str] = [bold(name), ""]
    out += textwrap.wrap(card["description"], width) or [""]
    out += [
        "",
        f"v{card['version']} · {_count(counts['atoms'], 'atom')} · {_count(counts['tags'], 'tag')} · "
        f"{_count(counts['axes'], 'axis', 'axes')}",
        "",
    ]
    out.append(bold("Atom counts by kind"))
    kind_width = max([len(k) for k in card["kinds"]] + [4])
    out.append(f"  {'Kind':<{kind_width}}  Count")
    for kind, count in card["kinds"].items():
        out.append(f"  {kind:<{kind_width}}  {count:>5}")
    out += ["", bold("Tag vocabulary"), dim("Words a brief might contain that signal this domain.")]
    out += textwrap.wrap(
        " · ".join(card["tags"]), width, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False
    )
    out += ["", bold("Retrieval axes"), dim("Domain-specific dimensions used by retrieval scoring.")]
    for axis in card["axes"]:
        out += ["", f"  {bold(axis['id'])} · {_count(axis['matches'], 'match', 'matches')}"]
        out += textwrap.wrap(
            " ".join(axis["description"].split()), width, initial_indent="    ", subsequent_indent="    "
        )
        out += textwrap.wrap(
            " · ".join(axis["values"]), width, initial_indent="    ", subsequent_indent="    ", break_on_hyphens=False
        )
    out += ["", bold("Sample atoms")]
    for sample in card["samples"]:
        quality = f" · q{sample['quality']:.1f}" if sample["quality"] is not None else ""
        out += [
            "",
            f"  {sample['kind']} @{name}",
            f"  {bold(sample['title'])}" + (f" {dim('(deprecated)')}" if sample.get("deprecated") is not None else ""),
            f"  {sample['excerpt']}",
            f"  {dim(name)} ↗ {sample['related']}{quality}",
        ]
    if card.get("deprecated"):
        out += ["", bold("Deprecated atoms"), dim("To be removed in a later release.")]
        for atom in card["deprecated"]:
            out += textwrap.wrap(
                f"{atom['id']}: {atom['reason']}", width, initial_indent="  ", subsequent_indent="    "
            )
    out += ["", f"See all {_count(counts['atoms'], 'atom')} in {name}: skillwiki atoms {name}"]
    return "\n".join(out) + "\n"
