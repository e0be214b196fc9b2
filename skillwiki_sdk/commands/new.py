"""``skillwiki new NAME``: scaffold a domain plugin project that works unchanged."""

from __future__ import annotations

import argparse
import os


SUMMARY = "create a domain plugin project"


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "new",
        help=SUMMARY,
        description="Create a domain plugin project for domain NAME: pyproject.toml, the package with its hook, "
        "a bundle with one atom of each kind, README.md, tests and .gitignore. It validates, passes its tests, "
        "builds and installs unchanged. Never overwrites: the folder must not exist or be empty.",
    )
    parser.add_argument("name", metavar="NAME", help="the domain name: lowercase words joined by hyphens, such as 'backend-architecture'")
    parser.add_argument("--path", metavar="DIR", default=None, help="the project folder to create (default: ./NAME)")
    parser.add_argument("--title", default=None, help="display title (default: NAME in title case)")
    parser.add_argument("--description", default=None, help="one line on what the domain covers")
    parser.add_argument("--author", default=None, help="author name for pyproject.toml and domain.yaml")


def run(args: argparse.Namespace, out) -> int:
    import shlex

    from ..scaffold import create_project

    made = create_project(args.name, args.path, title=args.title, description=args.description, author=args.author)
    shown = made.root.rstrip("/\\") or "."
    lines = [f"created {made.distribution} (domain {made.name}) in {shown}{os.sep}"]
    lines += [f"  {relative}" for relative in made.files]
    lines += [
        "",
        "next:",
        f"  cd {shlex.quote(shown)}",
        "  skillwiki validate",
        "  python -m pytest",
        "",
    ]
    out.write("\n".join(lines))
    return 0
