"""``skillwiki show NAME|PATH``: a domain's card, as on the marketplace page;
``skillwiki show NAME/ID``: one atom, with its links and its body."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..cli import Output
    from ..model import Bundle, Finding
    from ..registry import Registry

SUMMARY = "show a domain's card, or one atom (NAME/ID)"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "show",
        help=SUMMARY,
        description="Show the card of an installed domain (by NAME, or @NAME when a folder here has that name) or "
        "of a bundle or plugin project (by PATH), or one atom of an installed domain (by NAME/ID or @NAME/ID): "
        "its figures, its links resolved and its body.",
    )
    parser.add_argument("target", metavar="NAME|@NAME|PATH|NAME/ID")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args: argparse.Namespace, out: Output) -> int:
    from ..errors import NotFoundError

    target = args.target
    if target.startswith("@") and "/" not in target:  # @NAME: the installed domain, whatever folder is here
        return _show(target, *_installed(target[1:], out.registry(), "no installed domain named"), args, out)
    if not os.path.exists(target) and "/" in target:
        from ..query import parse_ref

        if parse_ref(target) is not None:  # NAME/ID; else a path that is not there, said below
            from .show_atom import run_atom

            return run_atom(target, args, out)
    if os.path.exists(target):
        from ..validation import find_bundles, load_bundle, validate_bundle

        roots = find_bundles(target)
        bare = _bare_name(target)  # a name as much as a path: an installed domain may be meant
        if not roots and bare and bare in out.registry():
            return _show(target, *_installed(bare, out.registry()), args, out)
        if not roots:
            raise NotFoundError(f"{target}: no bundle here (no domain.yaml in it or in its packages)")
        if len(roots) > 1:
            from ..errors import UsageError

            raise UsageError(f"{target} holds {len(roots)} bundles; show one of them: " + ", ".join(roots))
        bundle = load_bundle(roots[0])
        findings = validate_bundle(bundle, out.check_manager())
        if bare and bare in out.registry():
            out.note(
                f"skillwiki: showing the bundle in the folder {target}; "
                f"for the installed domain {bare}, run 'skillwiki show @{bare}'"
            )
    else:
        bundle, findings = _installed(target, out.registry())
    return _show(target, bundle, findings, args, out)


def _bare_name(target: str) -> str | None:
    """``target`` when it could name an installed domain as well as a folder here (a
    word with no path separator, not ``.`` or ``..``); else ``None``."""
    if os.sep in target or (os.altsep and os.altsep in target) or target in (".", "..") or not target:
        return None
    return target


def _show(target: str, bundle: Bundle, findings: list[Finding], args: argparse.Namespace, out: Output) -> int:
    from ..card import figures, render_card
    from ..errors import NotFoundError

    if bundle.domain is None:
        raise NotFoundError(f"{target}: the bundle has no usable domain.yaml; run 'skillwiki validate {target}'")
    card = figures(bundle)
    errors = sum(1 for f in findings if f.severity.value == "error")
    if args.format == "json":
        import json

        card["errors"] = errors
        out.write(json.dumps(card, indent=2, ensure_ascii=False) + "\n")
    else:
        import shutil

        width = min(100, shutil.get_terminal_size((88, 24)).columns) if out.color() else 88
        out.write(render_card(card, width=width, color=out.color()))
    if errors:
        out.note(
            f"skillwiki: {target} has {errors} error{'s' if errors != 1 else ''}: the card may be incomplete; "
            f"run 'skillwiki validate {target}'"
        )
        return 1
    return 0


def _installed(
    name: str, registry: Registry, missing: str = "no such path, and no installed domain named"
) -> tuple[Bundle, list[Finding]]:
    """The bundle of the installed domain ``name`` and its findings, from the registry
    (which checked it as ``validate`` does)."""
    from ._consumers import installed

    entry = installed(registry, name, missing=missing)
    return entry.bundle, entry.findings
