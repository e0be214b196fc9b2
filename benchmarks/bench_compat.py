"""The compat measure: ``skillwiki compat NEW --against OLD`` of two releases of
N atoms, against ``skillwiki validate NEW`` (target: at most 2x).

Two pairs are timed. The *release* pair is what a release looks like: NEW is OLD
with the minor version bumped, 2 % of the summaries and 1 % of the bodies edited,
1 % of the atoms added, 0.5 % deprecated. The *bodies* pair has every body edited
(each frontmatter is parsed once, for both releases); the *rewrite* pair is the
worst case: every summary and body edited, so compat parses every file of both
releases.

    python benchmarks/bench_compat.py --python .venv-bench/bin/python [--count N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from generate import generate_bundle  # noqa: E402

Row = tuple[str, str, str, "bool | None"]


def _edit(path: str, change: Callable[[str], str]) -> None:
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(change(text))


def make_release_pair(data: str, count: int, kind: str = "release") -> tuple[str, str]:
    """OLD and NEW (``release``, ``bodies`` or ``rewrite``) of ``count`` atoms under
    ``data`` (written once, kept)."""
    rewrite = kind != "release"
    old, new = os.path.join(data, f"compat-{count}-old"), os.path.join(data, f"compat-{count}-{kind}")
    if not os.path.exists(os.path.join(old, ".complete")):
        shutil.rmtree(old, ignore_errors=True)
        generate_bundle(old, count)
        open(os.path.join(old, ".complete"), "w").close()
    if os.path.exists(os.path.join(new, ".complete")):
        return old, new
    shutil.rmtree(new, ignore_errors=True)
    shutil.copytree(old, new)
    os.remove(os.path.join(new, ".complete"))
    _edit(os.path.join(new, "domain.yaml"), lambda text: text.replace('version: "1.0.0"', 'version: "1.1.0"'))
    files = sorted(
        os.path.join(folder, name) for folder, _, names in os.walk(os.path.join(new, "atoms")) for name in names
    )
    for index, path in enumerate(files):
        if rewrite or index % 100 == 1:
            _edit(path, lambda text: text.rstrip("\n") + "\n\nRevised in 1.1.0.\n")
        if (kind == "rewrite") or (not rewrite and index % 50 == 0):
            _edit(path, lambda text: text.replace("\nsummary: ", "\nsummary: Revised ", 1))
        if not rewrite and index % 200 == 3:
            _edit(path, lambda text: text.replace("\nkind: ", '\ndeprecated: "superseded"\nkind: ', 1))
    if not rewrite:
        for index in range(count // 100):
            atom = f"added-{index:05d}"
            with open(os.path.join(new, "atoms", f"{atom}.md"), "w", encoding="utf-8") as handle:
                handle.write(f"---\nid: {atom}\nkind: rule\nsummary: A rule added in 1.1.0.\n---\n\nIt is new.\n")
    open(os.path.join(new, ".complete"), "w").close()
    return old, new


def measure_compat(
    skillwiki: str,
    data: str,
    count: int,
    repeat: int,
    best: Callable[[dict[str, list[str]], int], dict[str, float]],
    warm: Callable[[str], None],
) -> list[Row]:
    """Rows for run.py's table: compat / validate for the release pair and the
    rewrite pair (``best`` and ``warm`` are run.py's)."""
    rows: list[Row] = []
    whats = {
        "release": "a release: 1 % added, 2 % summaries and 1 % bodies edited",
        "bodies": "every body edited",
        "rewrite": "every summary and body edited",
    }
    for kind, what in whats.items():
        rewrite = kind != "release"
        old, new = make_release_pair(data, count, kind)
        warm(old)
        warm(new)
        times = best(
            {"validate": [skillwiki, "validate", new], "compat": [skillwiki, "compat", new, "--against", old]}, repeat
        )
        ratio = times["compat"] / times["validate"]
        rows.append(
            (
                f"compat / validate, {count:,} atoms ({what})",
                f"{ratio:.2f}  ({times['compat']:.2f}s / {times['validate']:.2f}s)",
                "<= 2" if not rewrite else "",
                ratio <= 2 if not rewrite else None,
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    from run import best, warm

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--data", default=os.path.join(os.path.dirname(HERE), ".venv-bench", "data"))
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.makedirs(args.data, exist_ok=True)
    skillwiki = os.path.join(os.path.dirname(args.python), "skillwiki")
    for name, value, target, met in measure_compat(skillwiki, args.data, args.count, args.repeat, best, warm):
        print(f"{name}: {value}  target {target or '-'}  {'' if met is None else ('MET' if met else 'NOT MET')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
