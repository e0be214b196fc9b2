"""``skillwiki schema domain|atom``: print a JSON Schema."""

from __future__ import annotations

import argparse

SUMMARY = "print a JSON Schema"


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "schema",
        help=SUMMARY,
        description="Print the JSON Schema (draft 2020-12) of domain.yaml or of an atom's frontmatter.",
    )
    parser.add_argument("name", choices=("domain", "atom"))


def run(args: argparse.Namespace, out) -> int:
    from ..schema import schema_text

    out.write(schema_text(args.name))
    return 0
