"""``skillwiki validate [PATH ...]``: check bundles, plugin projects, wheels and sdists."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..cli import Output

FORMATS = ("text", "json", "github", "sarif")


SUMMARY = "validate bundles, plugin projects, wheels and sdists"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "validate",
        help=SUMMARY,
        description="Validate each PATH (a bundle folder, a plugin project, a .whl, an sdist, or one file of a bundle, "
        "checked with its bundle in view; default '.'). "
        "Exit 0 when nothing fails, 1 when findings fail, 2 on a usage error. "
        "--select, --ignore and --strict override the same keys of [tool.skillwiki] in the project's pyproject.toml.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", default=["."])
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: github when GITHUB_ACTIONS=true, else text)",
    )
    parser.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="report only these warnings (codes or prefixes, comma-separated, e.g. SW2,SW301); "
        "errors are always reported",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        metavar="CODES",
        help="do not report these warnings (codes or prefixes, comma-separated, e.g. SW211,SW11); "
        "an error is silenced only in its atom (x-skillwiki-ignore)",
    )
    parser.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="warnings fail too (--no-strict overrides the project's strict = true)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help="worker processes that read atom files (default: one per core from 2,000 files on, else none)",
    )


def _codes(
    values: Sequence[str] | None, known: Sequence[Any], option: str, warnings_only: bool = False
) -> tuple[str, ...] | None:
    from ..config import parse_codes

    if values is None:
        return None
    return parse_codes(",".join(values), known, option, warnings_only=warnings_only)


def validate_paths(
    paths: Sequence[str], manager: Any, jobs: int | None, registry: Any = None, guard: Any = None
) -> list[Any]:
    """A report for every path, in order. Atom files are spread over a pool of
    worker processes when there are enough of them (see ``_process.AtomPool``);
    the reports are the same either way. An unexpected exception while validating
    one path is a finding of that path (SW599), and the others are still validated."""
    from .. import rules
    from ..model import Report
    from ..validation import validate
    from ._process import AtomPool

    reports = []
    with AtomPool(jobs, forking=getattr(guard, "without_watchdog", None)) as pool:
        for path in paths:
            try:
                reports.append(validate(path, manager=manager, registry=registry, map=pool, guard=guard))
            except Exception as error:  # noqa: BLE001 - one bad path never stops the others: its finding SW599
                report = Report(target=path)
                report.findings.append(
                    rules.INTERNAL_ERROR.finding(
                        f"validating this path raised {type(error).__name__}: {error}",
                        file=path,
                        hint="this is a bug in skillwiki-sdk or in a plugin's check; please report it with the file",
                    )
                )
                reports.append(report)
    return reports


def run(args: argparse.Namespace, out: Output) -> int:
    from ..config import apply_settings, load_settings, merge_settings
    from ..plugins import rules_of
    from ..report import format_summary, render

    manager = out.check_manager()
    catalogue = rules_of(manager)
    known = list(catalogue)  # rules: an error code may not be ignored
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    # every setting is checked before any work: a usage error stops the whole call
    select = _codes(args.select, known, "--select")
    ignore = _codes(args.ignore, known, "--ignore", warnings_only=True)
    settings = [
        merge_settings(load_settings(path, known), select=select, ignore=ignore, strict=args.strict)
        for path in args.paths
    ]
    reports = [
        apply_settings(report, setting)
        for report, setting in zip(
            validate_paths(args.paths, manager, args.jobs, out.registry, out.guard), settings, strict=True
        )
    ]
    strict = bool(args.strict)
    out.write(render(reports, fmt, strict=strict, color=fmt == "text" and out.color(), rules=catalogue))
    if fmt == "github":
        # annotations on stdout; the per-path summary for the person reading the log
        out.note(format_summary(reports, strict=strict))
    return 1 if any(report.failed(strict) for report in reports) else 0
