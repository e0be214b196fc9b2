"""``skillwiki list``: the installed domains, and the plugins left out with their reasons."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..cli import Output

SUMMARY = "list installed domains and broken plugins"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "list",
        help=SUMMARY,
        description="List the domains of the installed plugins (entry-point group 'skillwiki'), then the plugins "
        "that were left out and why. Exit 0 when the registry loaded, even with problems; with --strict, 1 when "
        "there are problems. SKILLWIKI_DISABLE_PLUGIN_AUTOLOAD=1 loads no plugin; SKILLWIKI_LOAD_PLUGINS=a,b only "
        "those.",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any plugin has a problem")
    parser.add_argument(
        "--overlaps", action="store_true", help="show the tags several domains claim, and the links between domains"
    )


def run(args: argparse.Namespace, out: Output) -> int:
    from .. import __version__
    from ..environment import DISABLE_AUTOLOAD_ENV, LOAD_PLUGINS_ENV

    if getattr(args, "overlaps", False):
        from .overlaps import write_overlaps

        registry = out.registry()
        return write_overlaps(registry, args.format, out) or (1 if args.strict and registry.problems else 0)
    listing = _listing(out)
    failed = bool(args.strict and listing["problems"])
    if args.format == "json":
        import json

        document = {"version": 1, "tool": {"name": "skillwiki", "version": __version__}, "ok": not failed, **listing}
        out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(_text(listing, out.color()))
    if not listing["autoload"]:
        out.note(f"skillwiki: plugin autoloading is off ({DISABLE_AUTOLOAD_ENV} is set)")
    elif listing["selected"] is not None:
        selected = ", ".join(listing["selected"]) or "none"
        out.note(f"skillwiki: only these plugins were loaded ({LOAD_PLUGINS_ENV}): {selected}")
    return 1 if failed else 0


def _listing(out: Output) -> dict[str, Any]:
    """What to list (:meth:`Registry.listing`): from the snapshot of the last
    discovery while nothing in the environment changed (the SDK's model and the
    plugins are then not even imported), else from the registry."""
    from ..snapshot import environment_key, listing

    cache = out.cache()
    if out.nothing_loaded() and cache is not None:
        # computed once for this command: the registry uses it too if the snapshot missed
        key = cache.memo["environment"] = environment_key()
        found = listing(cache, key)
        if found is not None:
            return found
    return out.registry().listing()


def _text(listing: dict[str, Any], color: bool) -> str:
    from ..escapes import shown_name, shown_text

    bold, dim, red, reset = ("\033[1m", "\033[2m", "\033[31m", "\033[0m") if color else ("", "", "", "")
    lines: list[str] = []
    domains, problems = listing["domains"], listing["problems"]
    if domains:
        rows = [("DOMAIN", "VERSION", "DISTRIBUTION", "ATOMS", "TAGS", "AXES")]
        for entry in domains:
            rows.append(
                (
                    entry["name"],
                    shown_name(entry["version"]),
                    shown_name(entry["distribution"]),
                    str(entry["atoms"]),
                    str(entry["tags"]),
                    str(entry["axes"]),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for number, row in enumerate(rows):
            cells = [cell.rjust(widths[i]) if i >= 3 else cell.ljust(widths[i]) for i, cell in enumerate(row)]
            line = "  ".join(cells).rstrip()
            lines.append(f"{bold}{line}{reset}" if number == 0 else line)
        for entry in domains:
            for finding in entry["findings"]:
                where = shown_name(finding["file"] or ".") + (f":{finding['line']}" if finding["line"] else "")
                message = shown_text(finding["message"])
                lines.append(f"{dim}{entry['name']}: {where}: {finding['code']} {message}{reset}")
    else:
        lines.append("no domains installed (pip install a skillwiki-<domain> plugin)")
    if problems:
        lines.append("")
        count = len(problems)
        lines.append(f"{red}{count} plugin problem{'s' if count != 1 else ''}:{reset}")
        for problem in problems:
            domain = f", domain '{shown_name(problem['domain'])}'" if problem["domain"] else ""
            lines.append(
                f"  {bold}{shown_name(problem['distribution'])} {shown_name(problem['version'])}{reset} "
                f"(entry point '{shown_name(problem['entry_point'])}'{domain}): {problem['stage']}: "
                f"{shown_text(problem['reason'])}"
            )
            lines.append(f"    {dim}what to do: {shown_text(problem['action'])}{reset}")
    return "\n".join(lines) + "\n"
