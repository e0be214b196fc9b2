"""``skillwiki list --overlaps``: what installed domains share (tags several of them
claim weaken routing; links between them), from :func:`skillwiki_sdk.query.overlaps`."""

from __future__ import annotations

from typing import Any

SUMMARY = "what installed domains share"  # (part of 'list'; not a command of its own)


def write_overlaps(registry: Any, format: str, out: Any) -> int:
    """Write the overlaps of ``registry``'s domains in ``format``; the exit code."""
    from ._consumers import clean

    found = registry.overlaps()
    if format == "json":
        import json

        out.write(
            json.dumps({"domains": sorted(registry.domains), **found.to_dict()}, indent=2, ensure_ascii=False) + "\n"
        )
        return 0
    lines = []
    if found.tags:
        width = max(len(tag) for tag in found.tags)
        lines.append(
            f"{len(found.tags)} tag{'s' if len(found.tags) != 1 else ''} claimed by several domains "
            "(each counts less in 'skillwiki match'):"
        )
        lines += [f"  {tag:<{width}}  {', '.join(names)}" for tag, names in found.tags.items()]
    else:
        lines.append("no tag is claimed by more than one installed domain")
    lines.append("")
    if found.links:
        lines.append(f"{len(found.links)} link{'s' if len(found.links) != 1 else ''} between domains:")
        lines += [f"  {source} -> {target}" + ("" if ok else "  (dangling)") for source, target, ok in found.links]
    else:
        lines.append("no links between installed domains")
    out.write(clean("\n".join(lines) + "\n"))
    return 0
