"""``skillwiki validate [PATH ...]``: check bundles, plugin projects, wheels and sdists."""

from __future__ import annotations

import argparse

FORMATS = ("text", "json")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "validate",
        help="validate bundles, plugin projects, wheels and sdists",
        description="Validate each PATH (a bundle folder, a plugin project, a .whl or an sdist; default '.'). "
        "Exit 0 when nothing fails, 1 when findings fail, 2 on a usage error.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", default=["."])
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--strict", action="store_true", help="warnings fail too")
    parser.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="processes to read atoms with (default: by the size of the work)")


def run(args: argparse.Namespace, out) -> int:
    from ..report import render
    from ..validate import validate

    reports = [validate(path, jobs=args.jobs) for path in args.paths]
    out.write(render(reports, args.format, strict=args.strict, color=args.format == "text" and out.color()))
    return 1 if any(report.failed(args.strict) for report in reports) else 0
