"""``skillwiki schema domain|atom``: print a JSON Schema."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..cli import Output

SUMMARY = "print a JSON Schema"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "schema",
        help=SUMMARY,
        description="Print the JSON Schema (draft 2020-12) of domain.yaml or of an atom's frontmatter.",
    )
    parser.add_argument("name", choices=("domain", "atom"))


def run(args: argparse.Namespace, out: Output) -> int:
    from ..schema import schema_text

    out.write(schema_text(args.name))
    return 0
