"""``skillwiki atoms NAME``: every atom of an installed domain, filtered by kind, tag
and axis value (the card's "See all N atoms")."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..cli import Output
    from ..model import Atom
    from ..registry import InstalledDomain

SUMMARY = "list a domain's atoms, filtered by kind, tag and axis value"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "atoms",
        help=SUMMARY,
        description="List every atom of the installed domain NAME. Several filters combine with AND; a filter given "
        "twice accepts either value. Exit 0 with atoms listed, 1 when none matches or NAME is not installed, 2 for a "
        "kind, tag, axis or value the domain does not declare.",
    )
    parser.add_argument("name", metavar="NAME")
    parser.add_argument("--kind", action="append", metavar="K", help="only atoms of this kind (repeatable)")
    parser.add_argument("--tag", action="append", metavar="T", help="only atoms with this tag (repeatable)")
    parser.add_argument(
        "--axis", action="append", metavar="AXIS=VALUE", help="only atoms with this value on this axis (repeatable)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args: argparse.Namespace, out: Output) -> int:
    from ..errors import UsageError
    from ..query import QueryError, atoms
    from ._consumers import atom_fields, axis_options, clean, installed

    axes = axis_options(args.axis)
    found_registry = out.registry()
    entry = installed(found_registry, args.name)
    try:
        found = atoms(found_registry.domains, entry.name, kind=args.kind, tag=args.tag, axis=axes)
    except QueryError as error:
        raise UsageError(clean(str(error))) from error
    filters = {"kind": list(args.kind or []), "tag": list(args.tag or []), "axis": axes}
    if args.format == "json":
        import json

        document = {
            "domain": entry.name,
            "version": entry.version,
            "filters": filters,
            "count": len(found),
            "atoms": [{**atom_fields(atom), "related": list(atom.related)} for atom in found],
        }
        out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(clean(_text(entry, found, filters, out.color())))
    if not found:
        out.note(f"skillwiki: no atom of {entry.name} matches these filters")
        return 1
    return 0


def _text(entry: InstalledDomain, found: list[Atom], filters: dict[str, Any], color: bool) -> str:
    bold, reset = ("\033[1m", "\033[0m") if color else ("", "")
    said = [f"kind={v}" for v in filters["kind"]] + [f"tag={v}" for v in filters["tag"]]
    said += [f"{axis}={value}" for axis, values in filters["axis"].items() for value in values]
    total = len(entry.bundle.atoms)
    head = f"{entry.name}: {len(found)} of {total} atom{'s' if total != 1 else ''}" + (
        f" ({', '.join(said)})" if said else ""
    )
    lines = [head]
    if found:
        rows = [("KIND", "ID", "TITLE", "QUALITY", "LINKS")]
        for atom in found:
            rows.append(
                (
                    atom.kind or "?",
                    atom.id,
                    atom.title,
                    f"{atom.quality:.1f}" if atom.quality is not None else "-",
                    str(len(atom.related)),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        lines.append("")
        for number, row in enumerate(rows):
            cells = [cell.rjust(widths[i]) if i >= 3 else cell.ljust(widths[i]) for i, cell in enumerate(row)]
            line = "  ".join(cells).rstrip()
            lines.append(f"{bold}{line}{reset}" if number == 0 else line)
        lines += ["", f"one atom: skillwiki show {entry.name}/ID"]
    return "\n".join(lines) + "\n"
