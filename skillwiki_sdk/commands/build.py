"""``skillwiki build [PROJECT]``: build wheel and sdist in isolation, then validate both."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..cli import Output

SUMMARY = "build the wheel and sdist, then validate both"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "build",
        help=SUMMARY,
        description="Build PROJECT's sdist, then its wheel from the sdist, in an isolated environment "
        "(as 'python -m build' does), and validate both archives with the project's [tool.skillwiki] settings. "
        "They are moved into the output folder only when neither fails: a failed build leaves nothing to upload. "
        "Exit 0 when both are good, 1 when the build fails or an archive has failing findings (a wheel without "
        "its bundle, a version that differs, ...), 2 when the settings are refused, or PROJECT or --outdir is an "
        "empty path or --outdir is not a folder.",
    )
    parser.add_argument("project", nargs="?", default=".", metavar="PROJECT", help="the plugin project (default: .)")
    parser.add_argument(
        "--outdir", "-o", default=None, metavar="DIR", help="where to write the archives (default: PROJECT/dist)"
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="format of the validation report (default: text)"
    )
    parser.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="warnings fail too (default: strict of [tool.skillwiki])",
    )
    parser.add_argument(
        "--against",
        metavar="OLD",
        default=None,
        help="first check the project against this release, as skillwiki compat does "
        "(e.g. index: for the last published one; default: against in [tool.skillwiki.compat])",
    )
    parser.add_argument(
        "--no-against", action="store_true", help="skip that check even when [tool.skillwiki.compat] names a baseline"
    )


def run(args: argparse.Namespace, out: Output) -> int:
    import os

    from ..report import render
    from ._build import BuildError, build_project, check_paths

    def shown(path: str) -> str:
        relative = os.path.relpath(path)
        return os.path.abspath(path) if relative.startswith("..") else relative

    # before the compat check (which may ask the index) and the build: a usage error
    check_paths(args.project, args.outdir, outdir_name="--outdir")
    outdir = args.outdir if args.outdir is not None else os.path.join(args.project, "dist")
    against = None if args.no_against else _against(args)
    if against:
        # the check comes first: a release whose bump does not cover its changes is not built
        from ..compat import load_compat_settings, render_compat, summary_line
        from .compat import check_release

        checked = check_release(
            args.project, against, ignore=load_compat_settings(args.project).ignore, guard=out.guard
        )
        if checked.baseline_missing:
            out.note(f"skillwiki build: {against} names no published release yet: nothing to compare, building")
        elif not checked.ok:
            out.write(render_compat(checked, args.format, color=args.format == "text" and out.color()))
            out.note("skillwiki build: not built: the version bump does not cover the changes since " + against)
            return 1
        else:
            out.note(summary_line(checked))
    progress = (lambda line: out.note(f"skillwiki build: {line}")) if out.interactive() else None
    try:
        result = build_project(args.project, args.outdir, progress=progress, strict=args.strict, registry=out.registry)
    except BuildError as error:
        out.note(f"skillwiki: {error}")
        out.note(f"skillwiki build: FAILED: nothing was written to {shown(outdir)}")
        return 1
    out.write(
        render(result.reports, args.format, strict=bool(args.strict), color=args.format == "text" and out.color())
    )
    if result.written:
        for artifact in (result.sdist, result.wheel):
            out.note(f"skillwiki build: built {shown(artifact)}")
        return 0
    removed = f" (removed the earlier {', '.join(shown(p) for p in result.removed)})" if result.removed else ""
    out.note(f"skillwiki build: FAILED: findings fail, so nothing was written to {shown(outdir)}{removed}")
    return 1


def _against(args: argparse.Namespace) -> str | None:
    from ..compat import load_compat_settings

    return args.against or load_compat_settings(args.project).against
