"""The catalog's two speed targets: 100 domains of 100 atoms each (10,000 atoms)
built in at most 15 s, and a second build after one domain changed in at most a
fifth of the first.

    python benchmarks/bench_catalog.py [--skillwiki PATH] [--data DIR] [--domains 100] [--atoms 100]

Both builds run ``skillwiki catalog`` as a user would, in a process of its own,
from bundle folders generated once (see generate.py) and kept in DATA. Between the
two, one atom of one domain is edited.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from generate import generate_bundle  # noqa: E402

__all__ = ["bench_catalog"]


def _domains(data: str, domains: int, atoms: int) -> list[str]:
    root = os.path.join(data, f"catalog-{domains}x{atoms}")
    stamp = os.path.join(root, ".complete")
    if not os.path.exists(stamp):
        shutil.rmtree(root, ignore_errors=True)
        for index in range(domains):
            generate_bundle(os.path.join(root, f"domain-{index:03d}"), atoms, name=f"bench-domain-{index:03d}")
        open(stamp, "w").close()
    return [os.path.join(root, f"domain-{index:03d}") for index in range(domains)]


def _build(skillwiki: str, sources: list[str], out: str) -> tuple[float, float]:
    """Wall and CPU seconds (user and system, of every process) of one build."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([skillwiki, "catalog", *sources, "--out", out], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"skillwiki catalog failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_catalog(
    skillwiki: str, data: str, *, domains: int = 100, atoms: int = 100
) -> list[tuple[str, str, str, bool | None]]:
    """Rows (measure, measured, target, met) of the two catalog builds."""
    sources = _domains(data, domains, atoms)
    changed = os.path.join(sources[len(sources) // 2], "atoms")
    for current, _, names in os.walk(changed):
        if names:
            target = os.path.join(current, sorted(names)[0])
            break
    with open(target, encoding="utf-8") as handle:
        original = handle.read()
    out = tempfile.mkdtemp(prefix="skillwiki-bench-catalog-")
    try:
        first, first_cpu = _build(skillwiki, sources, os.path.join(out, "site"))
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(original.rstrip("\n") + "\n\nOne more sentence, edited between the builds.\n")
        second, second_cpu = _build(skillwiki, sources, os.path.join(out, "site"))
    finally:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(original)
        shutil.rmtree(out, ignore_errors=True)
    total = domains * atoms
    ratio = second / first
    return [
        (
            f"catalog: {domains} domains, {total:,} atoms, first build",
            f"{first:.2f}s (CPU {first_cpu:.2f}s)",
            "<= 15 s",
            first <= 15,
        ),
        (
            "catalog: second build, one domain changed",
            f"{second:.2f}s (CPU {second_cpu:.2f}s), {ratio:.2f} of the first",
            "<= 1/5 of the first",
            ratio <= 0.2,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skillwiki", default=os.path.join(os.path.dirname(sys.executable), "skillwiki"))
    parser.add_argument("--data", default=os.path.join(os.path.dirname(HERE), ".venv-bench", "data"))
    parser.add_argument("--domains", type=int, default=100)
    parser.add_argument("--atoms", type=int, default=100)
    args = parser.parse_args(argv)
    os.makedirs(args.data, exist_ok=True)
    for name, value, target, met in bench_catalog(args.skillwiki, args.data, domains=args.domains, atoms=args.atoms):
        print(f"{name:50}  {value:30}  {target:20}  {'' if met is None else 'MET' if met else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
