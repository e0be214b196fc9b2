"""``skillwiki show NAME/ID``: one atom as a reader wants it on a terminal."""

from __future__ import annotations

import argparse
import re
import textwrap
from typing import Any

SUMMARY = "show one atom"  # (part of 'show'; not a command of its own)

_FENCE = re.compile(r"^\s*(```|~~~)")
_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+")


def run_atom(target: str, args: argparse.Namespace, out: Any) -> int:
    """Show the atom ``target`` names (``NAME/ID`` or ``@NAME/ID``)."""
    from ..errors import NotFoundError, UsageError
    from ..query import closest, parse_ref, resolve
    from ._consumers import atom_fields, clean, installed, width

    parsed = parse_ref(target)
    if parsed is None:
        raise UsageError(
            f"'{clean(target)}' is not a path, nor NAME/ID of an atom (for example backend-architecture/saga)"
        )
    name, atom_id = parsed
    found = out.registry()
    entry = installed(found, name)
    atom = next((a for a in entry.bundle.atoms if a.id == atom_id), None)
    if atom is None:
        raise NotFoundError(
            f"domain '{name}' has no atom '{clean(atom_id)}'; {closest(atom_id, entry.bundle.atom_ids())} "
            f"(skillwiki atoms {name} lists them)"
        )
    rows = []
    for link in atom.related:
        linked = resolve(found.domains, link, name)
        rows.append(
            {
                "link": link,
                "ref": linked.ref if linked else None,
                "title": linked.title if linked else None,
                "resolved": linked is not None,
            }
        )
    problem = None
    try:
        body = atom.body
    except (OSError, ValueError) as error:
        body, problem = "", f"its body cannot be read: {error}"
    if args.format == "json":
        import json

        document = {
            "domain": name,
            **atom_fields(atom),
            "related": rows,
            "sources": [dict(source) for source in atom.sources],
            "body": body,
        }
        out.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        out.write(clean(render_atom(atom, name, rows, body, width=width(out), color=out.color())))
    if problem:
        out.note(f"skillwiki: {atom.ref}: {clean(problem)}")
        return 1
    return 0


def render_atom(
    atom: Any, domain: str, rows: list[dict[str, Any]], body: str, *, width: int = 88, color: bool = False
) -> str:
    """The atom as text: kind and ref, title, summary, its figures, links, sources and body."""
    bold = (lambda s: f"\033[1m{s}\033[0m") if color else (lambda s: s)
    dim = (lambda s: f"\033[2m{s}\033[0m") if color else (lambda s: s)
    out = [dim(f"{atom.kind or '?'} @{domain}/{atom.id}"), bold(atom.title), ""]
    out += textwrap.wrap(" ".join((atom.summary or "").split()), width) or [""]
    out.append("")
    label = 9

    def field(name: str, lines: list[str]) -> None:
        wrapped = [
            part
            for line in lines or ["-"]
            for part in textwrap.wrap(
                line, width - label, subsequent_indent="  ", break_on_hyphens=False, break_long_words=False
            )
            or [""]
        ]
        for number, line in enumerate(wrapped):
            out.append(f"{(name if number == 0 else ''):<{label}}{line}")

    field("tags", [" · ".join(atom.tags)])
    field("axes", [f"{axis}: {', '.join(values)}" for axis, values in atom.axes.items()])
    field("quality", [f"{atom.quality:.1f}" if atom.quality is not None else "-"])
    related_lines = []
    for row in rows:
        if row["resolved"]:
            related_lines.append(f"{row['ref']}  {row['title']}")
        else:
            related_lines.append(f"{row['link']}  (not installed: dangling)")
    field("related", related_lines)
    source_lines = []
    for source in atom.sources:
        title, url = str(source.get("title", "")), str(source.get("url", ""))
        source_lines.append(title or url)
        if title and url:
            source_lines.append(f"  {url}")
    field("sources", source_lines)
    if body:
        out += ["", *wrap_markdown(body, width)]
    return "\n".join(out) + "\n"


def wrap_markdown(text: str, width: int) -> list[str]:
    """Markdown wrapped to ``width``: paragraphs and list items wrapped (items with a
    hanging indent), headings, tables, quotes and code kept as written."""
    lines: list[str] = []
    paragraph: list[str] = []
    indent = ("", "")
    in_code = False

    def flush() -> None:
        nonlocal paragraph
        if paragraph:
            lines.extend(
                textwrap.wrap(
                    " ".join(paragraph),
                    width,
                    initial_indent=indent[0],
                    subsequent_indent=indent[1],
                    break_on_hyphens=False,
                    break_long_words=False,
                )
            )
            paragraph = []

    for raw in text.split("\n"):
        line = raw.rstrip()
        if _FENCE.match(line):
            flush()
            in_code = not in_code
            lines.append(line)
            continue
        if in_code or line.startswith("    ") and not paragraph or line.lstrip().startswith(("#", "|", ">")):
            flush()
            lines.append(line)
            continue
        if not line.strip():
            flush()
            lines.append("")
            continue
        item = _ITEM.match(line)
        if item:
            flush()
            indent = (item.group(0), " " * len(item.group(0)))
            paragraph = [line[item.end() :]]
            continue
        if not paragraph:
            indent = ("", "")
        paragraph.append(line.strip())
    flush()
    return lines
