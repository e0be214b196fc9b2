"""``skillwiki new NAME``: scaffold a domain plugin project that works unchanged."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..cli import Output

SUMMARY = "create a domain plugin project"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "new",
        help=SUMMARY,
        description="Create a domain plugin project for domain NAME: pyproject.toml, the package with its hook, "
        "a bundle with one atom of each kind, README.md, tests and .gitignore. It validates, passes its tests, "
        "builds and installs unchanged. Never overwrites: the folder must not exist or be empty.",
    )
    parser.add_argument(
        "name",
        metavar="NAME",
        help="the domain name: lowercase words joined by hyphens, such as 'backend-architecture'",
    )
    parser.add_argument("--path", metavar="DIR", default=None, help="the project folder to create (default: ./NAME)")
    parser.add_argument("--title", default=None, help="display title (default: NAME in title case)")
    parser.add_argument("--description", default=None, help="one line on what the domain covers")
    parser.add_argument("--author", default=None, help="author name for pyproject.toml and domain.yaml")


def run(args: argparse.Namespace, out: Output) -> int:
    import shlex

    from ..scaffold import create_project

    title, description, author = (_text(getattr(args, key), f"--{key}") for key in ("title", "description", "author"))
    made = create_project(args.name, args.path, title=title, description=description, author=author)
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


def _text(value: str | None, option: str) -> str | None:
    """An option's text as the files will hold it (UTF-8). Where the locale is not
    UTF-8 (``LANG=C``), Python keeps the bytes of ``Café`` it cannot decode as lone
    surrogates: they are read again as the UTF-8 they almost always are."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        pass
    try:
        return os.fsencode(value).decode("utf-8")
    except UnicodeError:
        from ..errors import UsageError

        raise UsageError(f"{option} is not UTF-8 text; write it in UTF-8") from None
