"""What `make lint` still finds, counted per file: a map for whoever cleans the tree.

    python scripts/lint_report.py          (or: make lint-report)

For each file with something to fix: the ruff findings (with their codes), the lines
`ruff format` would rewrite, and the mypy errors. The last lines total them by rule.
It only reads: nothing is fixed or reformatted. It exits 0 whatever it finds (`make
lint` is the gate); 2 if a tool cannot run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    executable = BIN / name
    command = [str(executable) if executable.exists() else name, *args]
    try:
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    except OSError as error:
        sys.exit(f"lint_report: cannot run {name}: {error} (make lint-report installs it)")


def _relative(filename: str) -> str:
    return os.path.relpath(filename, ROOT)


def ruff_findings() -> tuple[dict[str, Counter[str]], int]:
    """file -> Counter of ruff codes, and how many of them `ruff check --fix` would fix."""
    result = _tool("ruff", "check", "--output-format", "json", "--exit-zero", "--no-cache")
    if result.returncode != 0:
        sys.exit(f"lint_report: ruff check failed:\n{result.stderr}")
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    fixable = 0
    for item in json.loads(result.stdout or "[]"):
        counts[_relative(item["filename"])][item["code"] or "syntax"] += 1
        fixable += bool(item.get("fix") and item["fix"].get("applicability") == "safe")
    return counts, fixable


def format_changes() -> dict[str, int]:
    """file -> number of its lines `ruff format` would rewrite."""
    result = _tool("ruff", "format", "--diff", "--no-cache")
    if result.returncode not in (0, 1):
        sys.exit(f"lint_report: ruff format failed:\n{result.stderr}")
    counts: dict[str, int] = defaultdict(int)
    current = None
    for line in result.stdout.splitlines():
        if line.startswith("--- "):
            current = _relative(line[4:].strip())
        elif line.startswith("-") and not line.startswith("---") and current is not None:
            counts[current] += 1
    return counts


_MYPY_LINE = re.compile(r"^(?P<file>[^:]+):\d+(?::\d+)?: error: .*?(?:\[(?P<code>[a-z-]+)\])?$")


def mypy_errors() -> dict[str, Counter[str]]:
    """file -> Counter of mypy error codes (mypy's own configuration: [tool.mypy])."""
    result = _tool("mypy", "--no-error-summary", "--no-pretty", "--show-error-codes")
    if result.returncode not in (0, 1):
        sys.exit(f"lint_report: mypy failed:\n{result.stdout}{result.stderr}")
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for line in result.stdout.splitlines():
        match = _MYPY_LINE.match(line)
        if match:
            counts[match["file"]][match["code"] or "error"] += 1
    return counts


def _codes(counter: Counter[str]) -> str:
    return " ".join(f"{code}:{n}" for code, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def main() -> int:
    (ruff, fixable), fmt, mypy = ruff_findings(), format_changes(), mypy_errors()
    files = sorted(set(ruff) | set(fmt) | set(mypy))
    if not files:
        print("lint_report: the tree is clean (ruff check, ruff format, mypy)")
        return 0
    width = max(len(f) for f in files)
    print(f"{'file':<{width}}  {'ruff':>5} {'fmt':>5} {'mypy':>5}  codes")
    for file in files:
        codes = " ".join(
            part for part in (_codes(ruff.get(file, Counter())), _codes(mypy.get(file, Counter()))) if part
        )
        print(
            f"{file:<{width}}  {sum(ruff.get(file, Counter()).values()):>5} {fmt.get(file, 0):>5}"
            f" {sum(mypy.get(file, Counter()).values()):>5}  {codes}"
        )
    ruff_total, mypy_total = Counter[str](), Counter[str]()
    for counter in ruff.values():
        ruff_total.update(counter)
    for counter in mypy.values():
        mypy_total.update(counter)
    print(
        f"{'total':<{width}}  {sum(ruff_total.values()):>5} {sum(fmt.values()):>5} {sum(mypy_total.values()):>5}"
        f"  ({len(files)} files; fmt = lines ruff format would rewrite)"
    )
    print(f"ruff by rule: {_codes(ruff_total) or 'none'}")
    print(f"mypy by code: {_codes(mypy_total) or 'none'}")
    print(f"`ruff check --fix` would fix {fixable} of the ruff findings; `ruff format` wraps most E501 lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
