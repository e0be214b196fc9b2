"""``skillwiki rules``: list the finding codes."""

from __future__ import annotations

import argparse


SUMMARY = "list the finding codes"


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("rules", help=SUMMARY, description="List every finding code: the SDK's own and those of installed plugins' checks.")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args: argparse.Namespace, out) -> int:
    from ..plugins import make_plugin_manager, rules_of

    found = rules_of(make_plugin_manager(installed=out.plugins()))
    if args.format == "json":
        import json

        out.write(json.dumps([{"code": r.code, "severity": r.severity.value, "name": r.name, "summary": r.summary} for r in found], indent=2) + "\n")
        return 0
    lines = [f"{r.code}  {r.severity.value:<7}  {r.name:<28}  {r.summary}" for r in found]
    out.write("\n".join(lines) + "\n")
    return 0
