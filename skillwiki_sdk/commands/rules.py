"""``skillwiki rules [CODE]``: list the finding codes, or explain one."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..cli import Output

SUMMARY = "list the finding codes, or explain one"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "rules",
        help=SUMMARY,
        description="List every finding code: the SDK's own and those of installed plugins' checks. "
        "With CODE, explain it: what it means, an example that triggers it, and how to fix it.",
    )
    parser.add_argument("code", nargs="?", metavar="CODE", help="a code to explain, such as SW209")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def _content(content: Any) -> list[str]:
    """The lines that show one file of an example."""
    from ..explain import Big, Link

    if isinstance(content, Link):
        return [f"    (a symbolic link to {content.target})"]
    if isinstance(content, Big):
        return [f"    (an atom of {content.size:,} bytes)"]
    if isinstance(content, bytes):
        return ["    (bytes, not UTF-8) " + line for line in content.decode("latin-1").splitlines()]
    if isinstance(content, str):
        return [f"    {line}".rstrip() for line in content.splitlines()] or ["    (empty)"]
    lines: list[str] = []
    for member, text in content.items():
        lines.append(f"    member {member}:")
        lines += [f"        {line}".rstrip() for line in text.splitlines()]
    return lines


_BASE_SHOWN = (
    "a valid bundle/ (domain.yaml declares tags caching, queues and axis layer: data, transport; "
    "atoms cache-near-reads and queue-writes)"
)


def _files(files: Any, prefix: str = "") -> list[str]:
    from ..explain import BASE

    out = []
    for name, content in files.items():
        if content is None:
            out.append(f"  {prefix}{name}: removed" if name in BASE else f"  {prefix}{name}: missing")
            continue
        out.append(f"  {prefix}{name}:")
        out += _content(content)
    return out


def _example(rule: Any, item: Any) -> list[str]:
    from ..explain import COMPAT, REGISTRY

    if item.judge == COMPAT:
        out = [
            f"Example{f' ({item.note})' if item.note else ''}: two releases, old/ and new/, each {_BASE_SHOWN} "
            "changed as shown (version 0.3.0 unless domain.yaml is shown)"
        ]
        for side, files in (("old/", item.old), ("new/", item.files)):
            out += _files(files, side) if files else [f"  {side}: the valid bundle, unchanged"]
        out.append(f"  then: skillwiki compat new/{item.target} --against old/{item.target}")
        out += [f"  {line}" for line in _found(rule, item)]
        return out
    out = [f"Example{f' ({item.note})' if item.note else ''}: over {_BASE_SHOWN}"]
    out += _files(item.files)
    if item.plugin:
        out.append("  a plugin module with this check:")
        out += [f"    {line}".rstrip() for line in item.plugin.splitlines()]
    out.append("  then: skillwiki list" if item.judge == REGISTRY else f"  then: skillwiki validate {item.target}")
    out += [f"  {line}" for line in _found(rule, item)]
    return out


def _judged(item: Any, tmp: str) -> list[Any]:
    """The findings of the example written in ``tmp``: validated, or for a compat
    example its two releases compared (in this process: no pool of workers)."""
    from ..explain import COMPAT, write_example, write_releases

    if item.judge == COMPAT:
        from ..compat import compare, open_release

        old, new = write_releases(item, tmp)
        with open_release(old) as old_release, open_release(new) as new_release:
            return compare(old_release, new_release).findings
    from ..validation import validate

    return validate(write_example(item, tmp)).findings


def _found(rule: Any, item: Any) -> list[str]:
    """What judging the example reports for the code (the example is real)."""
    import os
    import tempfile

    from ..explain import COMPAT, VALIDATE

    if item.judge not in (VALIDATE, COMPAT):
        return []
    try:
        with tempfile.TemporaryDirectory(prefix="skillwiki-example-") as tmp:
            findings = [f for f in _judged(item, tmp) if f.code == rule.code]
            lines = []
            for finding in findings[:1]:
                where = (finding.file or ".").replace(os.path.join(tmp, ""), "")
                where += "".join(
                    f":{n}" for n in (finding.line, finding.column if finding.line else None) if n is not None
                )
                lines.append(f"{where}: {finding.code} {finding.message.replace(os.path.join(tmp, ''), '')}")
                if finding.hint:
                    lines.append(f"    hint: {finding.hint}")
            return lines
    except OSError:  # a system without symbolic links, say: the example still reads
        return []


def explain_text(rule: Any, item: Any) -> str:
    """The explanation of one rule, for people."""
    out = [f"{rule.code}  {rule.severity.value}  {rule.name}", rule.summary, ""]
    if item is None:
        out.append("No explanation: the rule comes from an installed plugin's checks.")
        return "\n".join(out) + "\n"
    out += ["What it means", f"  {item.meaning}", ""]
    out += _example(rule, item)
    out += ["", "How to fix it", f"  {item.fix}"]
    return "\n".join(out) + "\n"


# characters typed for the digits they look like: O for 0, I and l for 1
_LOOK_ALIKES = {"O": "0", "I": "1", "L": "1"}


def nearest_code(code: str, codes: list[str]) -> str | None:
    """The known code ``code`` (upper case) was meant to be: first one with look-alike
    letters read as digits (``SW2O9`` is SW209), else the closest by difflib."""
    import difflib
    import itertools

    known = set(codes)
    spots = [index for index, char in enumerate(code) if char in _LOOK_ALIKES][:8]
    for count in range(1, len(spots) + 1):
        for chosen in itertools.combinations(spots, count):
            chars = list(code)
            for index in chosen:
                chars[index] = _LOOK_ALIKES[chars[index]]
            if "".join(chars) in known:
                return "".join(chars)
    close = difflib.get_close_matches(code, codes, n=1)
    return close[0] if close else None


def run(args: argparse.Namespace, out: Output) -> int:
    from ..errors import UsageError
    from ..plugins import rules_of

    found = rules_of(out.check_manager())
    if args.code is not None:
        from ..explain import explanation

        code = args.code.strip().upper()
        rule = next((r for r in found if r.code == code), None)
        if rule is None:
            close = nearest_code(code, [r.code for r in found])
            raise UsageError(
                f"no rule has the code {args.code!r}"
                + (f"; did you mean {close}?" if close else "")
                + " (run 'skillwiki rules' for the list)"
            )
        item = explanation(code)
        if args.format == "json":
            import json

            document = {"code": rule.code, "severity": rule.severity.value, "name": rule.name, "summary": rule.summary}
            if item is not None:
                document.update(meaning=item.meaning, example="\n".join(_example(rule, item)), fix=item.fix)
            out.write(json.dumps(document, indent=2) + "\n")
            return 0
        out.write(explain_text(rule, item))
        return 0
    if args.format == "json":
        import json

        out.write(
            json.dumps(
                [{"code": r.code, "severity": r.severity.value, "name": r.name, "summary": r.summary} for r in found],
                indent=2,
            )
            + "\n"
        )
        return 0
    lines = [f"{r.code}  {r.severity.value:<7}  {r.name:<28}  {r.summary}" for r in found]
    out.write("\n".join(lines) + "\n")
    return 0
