"""Formatters that only read reports: text for people, JSON for programs.

Each formatter takes the reports of one ``validate`` call and returns the text to
write on stdout. Formatters are chosen by name from :data:`FORMATTERS`.
"""

from __future__ import annotations

import json
from typing import Callable, Sequence

from . import __version__
from .model import Finding, Report, Severity

__all__ = ["FORMATTERS", "JSON_FORMAT_VERSION", "render", "format_text", "format_json"]

JSON_FORMAT_VERSION = 1

_RED, _YELLOW, _BOLD, _DIM, _GREEN, _RESET = "\033[31m", "\033[33m", "\033[1m", "\033[2m", "\033[32m", "\033[0m"


def _location(finding: Finding) -> str:
    where = finding.file or "."
    if finding.line is not None:
        where += f":{finding.line}"
        if finding.column is not None:
            where += f":{finding.column}"
    return where


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def format_text(reports: Sequence[Report], *, strict: bool = False, color: bool = False) -> str:
    """``path:line:col: CODE message`` a finding, grouped by file, then a summary."""

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines: list[str] = []
    for report in reports:
        current_file: str | None = None
        for finding in report.findings:
            if color and finding.file != current_file and current_file is not None:
                lines.append("")
            current_file = finding.file
            tone = _RED if finding.severity is Severity.ERROR else _YELLOW
            lines.append(f"{paint(_location(finding), _BOLD)}: {paint(finding.code, tone)} {finding.message}")
            if finding.hint:
                lines.append(f"    {paint('hint: ' + finding.hint, _DIM)}")
    for report in reports:
        name = ", ".join(report.domains) or "no domain"
        status = paint("FAILED", _RED) if report.failed(strict) else paint("ok", _GREEN)
        lines.append(
            f"{report.target}: {name}: {_plural(report.atoms, 'atom')}, "
            f"{_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')} [{status}]"
        )
    if len(reports) > 1:
        atoms = sum(r.atoms for r in reports)
        errors = sum(r.errors for r in reports)
        warnings = sum(r.warnings for r in reports)
        failed = sum(1 for r in reports if r.failed(strict))
        lines.append(f"{_plural(len(reports), 'path')}, {_plural(atoms, 'atom')}, {_plural(errors, 'error')}, {_plural(warnings, 'warning')}; {failed} failed")
    return "\n".join(lines) + "\n"


def to_json_document(reports: Sequence[Report], *, strict: bool = False) -> dict:
    """The stable JSON shape (see the README, "JSON output")."""
    return {
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": "skillwiki", "version": __version__},
        "strict": strict,
        "ok": not any(r.failed(strict) for r in reports),
        "summary": {
            "paths": len(reports),
            "atoms": sum(r.atoms for r in reports),
            "errors": sum(r.errors for r in reports),
            "warnings": sum(r.warnings for r in reports),
        },
        "results": [r.to_dict(strict) for r in reports],
    }


def format_json(reports: Sequence[Report], *, strict: bool = False, color: bool = False) -> str:
    """The JSON document, indented, on one write."""
    return json.dumps(to_json_document(reports, strict=strict), indent=2, ensure_ascii=False) + "\n"


Formatter = Callable[..., str]
FORMATTERS: dict[str, Formatter] = {"text": format_text, "json": format_json}


def render(reports: Sequence[Report], fmt: str, *, strict: bool = False, color: bool = False) -> str:
    """Render ``reports`` in format ``fmt`` (a key of :data:`FORMATTERS`)."""
    return FORMATTERS[fmt](reports, strict=strict, color=color)
