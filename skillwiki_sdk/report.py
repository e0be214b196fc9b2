"""Formatters that only read reports: text for people, JSON for programs,
GitHub workflow commands for annotations and SARIF 2.1.0 for code-scanning.

Each formatter takes the reports of one ``validate`` call and returns the text to
write on stdout. Formatters are chosen by name from :data:`FORMATTERS`.

A finding inside a wheel or an sdist has a ``file`` like
``dist/x.whl!pkg/bundle/atoms/a.md``: the archive, ``!``, the member. Its line and
column are in the member. Every format carries both parts (see
:func:`split_archive`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import __version__
from .escapes import printable, printable_data, shown_name, shown_text
from .model import Finding, Report, Rule, Severity

__all__ = [
    "FORMATTERS",
    "JSON_FORMAT_VERSION",
    "SARIF_SCHEMA",
    "format_github",
    "format_json",
    "format_sarif",
    "format_summary",
    "format_text",
    "render",
    "split_archive",
    "to_json_document",
    "to_sarif_document",
]

JSON_FORMAT_VERSION = 1

_RED, _YELLOW, _BOLD, _DIM, _GREEN, _RESET = "\033[31m", "\033[33m", "\033[1m", "\033[2m", "\033[32m", "\033[0m"


def _location(finding: Finding) -> str:
    where = shown_name(finding.file or ".")
    if finding.line is not None:
        where += f":{finding.line}"
        if finding.column is not None:
            where += f":{finding.column}"
    return where


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def format_text(reports: Sequence[Report], *, strict: bool = False, color: bool = False, **_: Any) -> str:
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
            message = shown_text(finding.message)
            lines.append(f"{paint(_location(finding), _BOLD)}: {paint(finding.code, tone)} {message}")
            if finding.hint:
                lines.append(f"    {paint('hint: ' + shown_text(finding.hint), _DIM)}")
    lines.append(format_summary(reports, strict=strict, color=color))
    return printable("\n".join(lines) + "\n")


def format_summary(reports: Sequence[Report], *, strict: bool = False, color: bool = False) -> str:
    """A line a path (domains, atoms, errors, warnings, ok or FAILED), then the totals
    when there are several paths."""

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines: list[str] = []
    for report in reports:
        name = ", ".join(report.domains) or "no domain"
        status = paint("FAILED", _RED) if report.failed(strict) else paint("ok", _GREEN)
        lines.append(
            f"{shown_name(report.target)}: {shown_text(name)}: {_plural(report.atoms, 'atom')}, "
            f"{_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')} [{status}]"
        )
    if len(reports) > 1:
        atoms = sum(r.atoms for r in reports)
        errors = sum(r.errors for r in reports)
        warnings = sum(r.warnings for r in reports)
        failed = sum(1 for r in reports if r.failed(strict))
        lines.append(
            f"{_plural(len(reports), 'path')}, {_plural(atoms, 'atom')}, {_plural(errors, 'error')}, "
            f"{_plural(warnings, 'warning')}; {failed} failed"
        )
    return printable("\n".join(lines))


def split_archive(file: str | None) -> tuple[str | None, str | None]:
    """``(archive, member)`` of a finding's file: ``("dist/x.whl", "pkg/a.md")`` for
    ``dist/x.whl!pkg/a.md``, ``(None, None)`` for a file that is not in an archive."""
    from .loading import ARCHIVE_SUFFIXES

    if not file:
        return None, None
    start = 0
    while (mark := file.find("!", start)) != -1:
        if file[:mark].lower().endswith(ARCHIVE_SUFFIXES):
            return file[:mark], file[mark + 1 :]
        start = mark + 1
    return None, None


def _relative(path: str) -> str:
    """``path`` relative to the working folder when it lies inside it, with ``/``."""
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:  # another drive on Windows
            return path.replace(os.sep, "/")
        if relative != ".." and not relative.startswith(".." + os.sep):
            path = relative
        else:
            return path.replace(os.sep, "/")
    return os.path.normpath(path).replace(os.sep, "/")


def to_json_document(reports: Sequence[Report], *, strict: bool = False) -> dict[str, Any]:
    """The stable JSON shape (see the README, "JSON output").

    Each finding has, beside ``file``, its ``archive`` and ``member`` (both ``null``
    for a file that is not inside a wheel or sdist); each result its ``strict``.
    """
    results = []
    for report in reports:
        result = report.to_dict(strict)
        result["strict"] = bool(strict or report.strict)
        for finding in result["findings"]:
            finding["archive"], finding["member"] = split_archive(finding["file"])
        results.append(result)
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
        "results": results,
    }


def format_json(reports: Sequence[Report], *, strict: bool = False, **_: Any) -> str:
    """The JSON document, indented, on one write."""
    return json.dumps(printable_data(to_json_document(reports, strict=strict)), indent=2, ensure_ascii=False) + "\n"


# GitHub workflow commands: the message escapes %, CR and LF; a property value
# also escapes : and , (they separate the properties).
def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(reports: Sequence[Report], *, strict: bool = False, **_: Any) -> str:
    """One ``::error``/``::warning`` workflow command a finding, for annotations.

    ``file`` is relative to the working folder. A finding inside an archive is
    annotated on the archive, and the member with its line leads the message (the
    line numbers are the member's, not the archive's).
    """
    lines: list[str] = []
    for report in reports:
        for finding in report.findings:
            command = "error" if finding.severity is Severity.ERROR else "warning"
            message = finding.message
            properties: list[tuple[str, str]] = []
            archive, member = split_archive(finding.file)
            if archive is not None:
                where = member or ""
                if finding.line is not None:
                    where += f":{finding.line}" + (f":{finding.column}" if finding.column is not None else "")
                message = f"{where}: {message}"
                properties.append(("file", _relative(archive)))
            elif finding.file:
                properties.append(("file", _relative(finding.file)))
                if finding.line is not None:
                    properties.append(("line", str(finding.line)))
                    if finding.column is not None:
                        properties.append(("col", str(finding.column)))
            properties.append(("title", finding.code))
            if finding.hint:
                message += f"\nhint: {finding.hint}"
            rendered = ",".join(f"{key}={_escape_property(value)}" for key, value in properties)
            lines.append(f"::{command} {rendered}::{_escape_data(message)}")
    return printable("".join(line + "\n" for line in lines))


SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def _uri(path: str) -> str:
    from pathlib import Path

    relative = _relative(path)
    if os.path.isabs(relative):
        try:
            return Path(relative).as_uri()
        except UnicodeEncodeError:  # a surrogate no file system gave
            return Path(printable(relative)).as_uri()
    return _quote(relative)


def _quote(path: str) -> str:
    """``path`` percent-encoded for a URI: a name that was not UTF-8 by its very bytes
    (``caf%E9.md``), as the file system holds it."""
    from urllib.parse import quote_from_bytes

    try:
        data = os.fsencode(path)
    except UnicodeEncodeError:  # a surrogate no file system gave: its escape
        data = printable(path).encode("utf-8")
    return quote_from_bytes(data, safe="/")


def _sarif_rule(code: str, rule: Rule | None, severity: Severity) -> dict[str, Any]:
    name = rule.name if rule else code
    summary = rule.summary if rule else f"Finding {code}"
    level = _SARIF_LEVEL[rule.severity if rule else severity]
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": f"{code} {name}: {summary}."},
        "help": {
            "text": f"{summary}. Run 'skillwiki rules' for every code; each finding's message says what was expected."
        },
        "defaultConfiguration": {"level": level},
    }


def to_sarif_document(reports: Sequence[Report], *, strict: bool = False, rules: Iterable[Rule] = ()) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one run, one rule a finding code, one result a finding.

    A result's ``physicalLocation.artifactLocation`` has the file's URI relative to
    the working folder and the index of its entry in ``run.artifacts``. A member of a
    wheel or sdist is a *nested artifact*: its entry has the member path as URI and a
    ``parentIndex`` pointing at the archive's entry; the result's property bag also
    says ``archive`` and ``member``. Regions are the member's lines.
    """
    if not rules:
        from .rules import RULES

        rules = RULES
    catalogue = {rule.code: rule for rule in rules}
    findings = [finding for report in reports for finding in report.findings]
    codes: dict[str, Severity] = {}
    for finding in findings:
        codes.setdefault(finding.code, finding.severity)
    rule_index = {code: index for index, code in enumerate(sorted(codes))}
    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[tuple[int | None, str], int] = {}

    def artifact(uri: str, parent: int | None = None) -> int:
        key = (parent, uri)
        if key not in artifact_index:
            entry: dict[str, Any] = {"location": {"uri": uri}}
            if parent is not None:
                entry["parentIndex"] = parent
            artifact_index[key] = len(artifacts)
            artifacts.append(entry)
        return artifact_index[key]

    results = []
    for finding in findings:
        text = finding.message + (f"\nhint: {finding.hint}" if finding.hint else "")
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": rule_index[finding.code],
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": text},
        }
        if finding.file:
            archive, member = split_archive(finding.file)
            if archive is not None and member is not None:
                parent = artifact(_uri(archive))
                uri = _quote(member)
                location: dict[str, Any] = {"artifactLocation": {"uri": uri, "index": artifact(uri, parent)}}
                result["properties"] = {"archive": _relative(archive), "member": member}
            else:
                uri = _uri(finding.file)
                location = {"artifactLocation": {"uri": uri, "index": artifact(uri)}}
            if finding.line is not None:
                region = {"startLine": finding.line}
                if finding.column is not None:
                    region["startColumn"] = finding.column
                location["region"] = region
            result["locations"] = [{"physicalLocation": location}]
        results.append(result)
    failed = any(report.failed(strict) for report in reports)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "skillwiki",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://pypi.org/project/skillwiki-sdk/",
                        "rules": [_sarif_rule(code, catalogue.get(code), codes[code]) for code in sorted(codes)],
                    }
                },
                "invocations": [{"executionSuccessful": True, "exitCode": 1 if failed else 0}],
                "columnKind": "unicodeCodePoints",
                "artifacts": artifacts,
                "results": results,
            }
        ],
    }


def format_sarif(reports: Sequence[Report], *, strict: bool = False, rules: Iterable[Rule] = (), **_: Any) -> str:
    """The SARIF 2.1.0 log, indented, on one write."""
    return (
        json.dumps(printable_data(to_sarif_document(reports, strict=strict, rules=rules)), indent=2, ensure_ascii=False)
        + "\n"
    )


Formatter = Callable[..., str]
FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
    "sarif": format_sarif,
}


def render(
    reports: Sequence[Report], fmt: str, *, strict: bool = False, color: bool = False, rules: Iterable[Rule] = ()
) -> str:
    """Render ``reports`` in format ``fmt`` (a key of :data:`FORMATTERS`).

    ``rules`` describe the codes (for SARIF); by default the SDK's catalogue.
    """
    return FORMATTERS[fmt](reports, strict=strict, color=color, rules=rules)
