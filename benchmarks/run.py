"""Measure skillwiki against the floor and against a peer; print a table of ratios.

    python benchmarks/run.py --python .venv-bench/bin/python [--data DIR] [--quick]

Every command runs as a whole process (interpreter start-up included), in the
environment of ``--python``, which must have skillwiki-sdk, check-jsonschema and the
benchmark plugins installed (``make bench`` prepares it). Times are the best of a few
runs, taken alternately so that a busy machine hurts both sides alike. Peak memory is
the largest sum of proportional set sizes (PSS) over the whole process tree, pool
workers included: a page shared by a forked worker and its parent counts once.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from generate import generate_bundle, write_standalone  # noqa: E402


@dataclass
class Run:
    seconds: float
    peak_mb: float
    returncode: int


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
        except OSError:
            pass
    return found


def _rss_kb(pid: int) -> int:
    """The process's proportional set size (PSS): its own pages, plus its share of the
    pages it shares with others (a forked worker shares much with its parent), so
    that the sum over a process tree counts every page once. VmRSS where the kernel
    gives no PSS."""
    return _proc_kb(f"/proc/{pid}/smaps_rollup", "Pss:") or _proc_kb(f"/proc/{pid}/status", "VmRSS:")


def _proc_kb(path: str, field: str) -> int:
    """The kB figure of ``field`` in a /proc file, or 0 when it cannot be read."""
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_rss_kb(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += _rss_kb(current)
        stack.extend(_children(current))
    return total


def run(command: list[str], *, memory: bool = False) -> Run:
    """Run ``command`` to its end; wall time and (when asked) peak tree memory."""
    peak = [0]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(process.pid))
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory and os.path.isdir("/proc"):
        sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    if sampler.is_alive():
        sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(
            f"benchmark command failed ({process.returncode}): {' '.join(command)}\n{stderr.decode(errors='replace')}"
        )
    return Run(seconds, peak[0] / 1024, process.returncode)


def best(commands: dict[str, list[str]], repeat: int, before: dict[str, list[str]] | None = None) -> dict[str, float]:
    """The best wall time of each command over ``repeat`` rounds, run alternately;
    ``before[name]`` runs (untimed) before each run of that command."""
    times = {name: float("inf") for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            if before and name in before:
                run(before[name])
            times[name] = min(times[name], run(command).seconds)
    return times


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def warm(path: str) -> None:
    """Read every file under ``path`` once, so that a single timed run measures our
    work and not the disk (a cold page cache doubles the time of 100,000 files)."""
    for folder, _, names in os.walk(path):
        for name in names:
            with open(os.path.join(folder, name), "rb") as handle:
                while handle.read(1 << 20):
                    pass


def bundle(data: str, count: int) -> str:
    """The generated bundle of ``count`` atoms under ``data`` (written once, kept)."""
    path = os.path.join(data, f"bundle-{count}")
    stamp = os.path.join(path, ".complete")
    if not os.path.exists(stamp):
        shutil.rmtree(path, ignore_errors=True)
        generate_bundle(path, count)
        open(stamp, "w").close()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="python of the benchmark environment")
    parser.add_argument(
        "--plugins-python", help="python of the environment with the benchmark plugins (default: --python)"
    )
    parser.add_argument(
        "--data", default=os.path.join(ROOT, ".venv-bench", "data"), help="where generated bundles are kept"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes, one round: to try the runner, not to quote"
    )
    args = parser.parse_args(argv)
    # the cache of checked bundles of these runs is the bench's own, not the user's
    os.environ["SKILLWIKI_CACHE_DIR"] = os.path.join(os.path.abspath(args.data), "cache")
    os.environ.pop("SKILLWIKI_NO_CACHE", None)
    bindir = os.path.dirname(args.python)
    python = args.python
    skillwiki = os.path.join(bindir, "skillwiki")
    checker = os.path.join(bindir, "check-jsonschema")
    os.makedirs(args.data, exist_ok=True)
    repeat = 1 if args.quick else 5
    main_size = 2000 if args.quick else 10_000
    sizes = (1000, 2000, 5000) if args.quick else (1000, 10_000, 100_000)
    rows: list[tuple[str, str, str, bool | None]] = []
    started = time.perf_counter()

    def note(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {text}", file=sys.stderr, flush=True)

    print(f"machine: {machine()}")
    note(f"generating bundles of {', '.join(map(str, sorted({main_size, *sizes})))} atoms (kept in {args.data})")
    bundles = {count: bundle(args.data, count) for count in sorted({main_size, *sizes})}
    main_bundle = bundles[main_size]

    # floor ratio
    note(f"floor: {main_size} atoms, {repeat} rounds")
    floor = best(
        {
            "floor": [python, os.path.join(HERE, "floor.py"), main_bundle],
            "one": [skillwiki, "validate", "--jobs", "1", main_bundle],
            "default": [skillwiki, "validate", main_bundle],
        },
        repeat,
    )
    one, many = floor["one"] / floor["floor"], floor["default"] / floor["floor"]
    rows.append(
        (
            f"floor ratio, 1 core ({main_size:,} atoms)",
            f"{one:.2f}  ({floor['one']:.2f}s / {floor['floor']:.2f}s)",
            "<= 1.3",
            one <= 1.3,
        )
    )
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    rows.append(
        (
            f"floor ratio, default jobs ({cores} cores)",
            f"{many:.2f}  ({floor['default']:.2f}s)",
            "< 0.8",
            many < 0.8 if cores > 1 else None,
        )
    )

    # peer ratio
    standalone = os.path.join(args.data, f"standalone-{main_size}")
    if not os.path.exists(os.path.join(standalone, ".complete")):
        shutil.rmtree(standalone, ignore_errors=True)
        write_standalone(main_bundle, standalone)
        open(os.path.join(standalone, ".complete"), "w").close()
    if os.path.exists(checker):
        note(f"peer: check-jsonschema on {main_size} standalone frontmatters")
        files = sorted(os.path.join(standalone, name) for name in os.listdir(standalone) if name.endswith(".yaml"))
        warm(standalone)  # as our side was, by its rounds
        peer = run([checker, "--schemafile", os.path.join(ROOT, "schemas", "atom.schema.json"), *files]).seconds
        ratio = peer / floor["one"]
        rows.append(
            (
                "peer ratio: check-jsonschema / us (1 core)",
                f"{ratio:.1f}x  ({peer:.2f}s / {floor['one']:.2f}s)",
                ">= 10x",
                ratio >= 10,
            )
        )
    else:
        rows.append(("peer ratio: check-jsonschema / us", "check-jsonschema not installed", ">= 10x", False))

    # scaling
    scaling: dict[int, Run] = {}
    for count in sizes:
        note(f"scaling: {count} atoms")
        warm(bundles[count])
        # time and memory from separate runs: reading /proc/PID/smaps_rollup walks the
        # page tables of the process sampled, and would slow the run being timed
        command = [skillwiki, "validate", bundles[count]]
        seconds = best({"validate": command}, 3 if count <= main_size else 2)["validate"]
        scaling[count] = Run(seconds, run(command, memory=True).peak_mb, 0)
        per = scaling[count].seconds / count * 1e6
        rows.append(
            (
                f"scaling: {count:,} atoms",
                f"{scaling[count].seconds:.2f}s, {per:.0f} us/atom, peak {scaling[count].peak_mb:.0f} MB",
                "",
                None,
            )
        )
    small, large = sizes[-2], sizes[-1]
    growth = (scaling[large].seconds / large) / (scaling[small].seconds / small)
    rows.append((f"time per atom, {large:,} vs {small:,}", f"{growth:.2f}", "<= 1.25 (linear)", growth <= 1.25))
    rows.append(
        (f"peak memory, {large:,} atoms", f"{scaling[large].peak_mb:.0f} MB", "< 300 MB", scaling[large].peak_mb < 300)
    )

    # discovery
    note("discovery: skillwiki list (cache warm, then cold) vs importlib.metadata.entry_points")
    python = args.plugins_python or python
    skillwiki = os.path.join(os.path.dirname(python), "skillwiki")
    scan = [python, "-c", "import importlib.metadata as m; m.entry_points(group='skillwiki')"]
    run([skillwiki, "list"])  # warm the cache
    discovery = best({"entry_points": scan, "list": [skillwiki, "list"]}, 3 * repeat)  # short runs: more rounds
    # the floor of any discovery that reads the bundles: import the plugins, parse their YAML
    floor_scan = [python, os.path.join(HERE, "discovery_floor.py")]
    # and of one that gives validate's verdict: the SDK loads and checks each bundle
    checked_scan = [*floor_scan, "--checked"]
    cold = best(
        {"entry_points": scan, "list": [skillwiki, "list"], "floor": floor_scan, "checked": checked_scan},
        repeat,
        before={"list": [skillwiki, "cache", "clear"]},
    )
    plugins = subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(len(m.entry_points(group='skillwiki')))"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    ratio = discovery["list"] / discovery["entry_points"]
    rows.append(
        (
            f"discovery, warm cache ({plugins} plugins)",
            f"{ratio:.2f}  ({discovery['list']:.3f}s / {discovery['entry_points']:.3f}s)",
            "<= 1.5",
            ratio <= 1.5,
        )
    )
    ratio = cold["list"] / cold["entry_points"]
    rows.append(
        (
            f"discovery, cold cache ({plugins} plugins)",
            f"{ratio:.2f}  ({cold['list']:.3f}s / {cold['entry_points']:.3f}s)",
            "<= 3",
            ratio <= 3,
        )
    )
    rows.append(
        (
            "  the floor: import the plugins, parse their YAML, nothing else",
            f"{cold['floor'] / cold['entry_points']:.2f}  "
            f"({cold['floor']:.3f}s; cold list {cold['list'] / cold['floor']:.2f}x it)",
            "",
            None,
        )
    )
    rows.append(
        (
            "  the floor, checked: the same, each bundle loaded and checked by the SDK",
            f"{cold['checked'] / cold['entry_points']:.2f}  "
            f"({cold['checked']:.3f}s; cold list {cold['list'] / cold['checked']:.2f}x it)",
            "",
            None,
        )
    )

    def inprocess(interpreter: str, *arguments: str) -> list[str]:
        """What benchmarks/inprocess.py prints for ``arguments``, as words."""
        done = subprocess.run(
            [interpreter, os.path.join(HERE, "inprocess.py"), *arguments], capture_output=True, text=True, check=True
        )
        return done.stdout.split()

    warm_discover, first_discover = inprocess(python, "discover")
    plain, ours = inprocess(python, "register")
    general, direct = inprocess(args.python, "yaml", main_bundle)
    (compile_seconds,) = inprocess(python, "compile", "compile")
    (generated_seconds,) = inprocess(python, "compile", "generated")
    rows += [
        (
            f"Registry.discover() in-process, warm ({plugins} plugins)",
            f"{float(warm_discover) * 1000:.1f} ms (first {float(first_discover) * 1000:.0f} ms)",
            "",
            None,
        ),
        (
            f"registering {plugins} plugins: plain pluggy / ours",
            f"{float(plain) * 1000:.1f} ms / {float(ours) * 1000:.1f} ms",
            "",
            None,
        ),
        (
            f"YAML of {main_size:,} frontmatters: PyYAML's construction / direct",
            f"{float(general):.2f}s / {float(direct):.2f}s",
            "",
            None,
        ),
        (
            "schema checks made ahead of time / compiled at first use",
            f"{float(generated_seconds) * 1000:.1f} ms / {float(compile_seconds) * 1000:.1f} ms a process",
            "",
            None,
        ),
    ]

    # compat: two releases of main_size atoms against validating one (bench_compat.py)
    note(f"compat: two releases of {main_size} atoms")
    from bench_compat import measure_compat

    rows.extend(
        measure_compat(os.path.join(bindir, "skillwiki"), args.data, main_size, 3 if not args.quick else 1, best, warm)
    )

    # cold start
    note("cold start")
    example = os.path.join(ROOT, "examples", "backend-architecture")
    python, skillwiki = args.python, os.path.join(bindir, "skillwiki")
    cold = best(
        {
            "pass": [python, "-c", "pass"],
            "version": [skillwiki, "--version"],
            "validate": [skillwiki, "validate", example],
        },
        repeat + 4,
    )
    extra = (cold["version"] - cold["pass"]) * 1000
    rows.append(
        (
            "cold start: skillwiki --version - python -c pass",
            f"{extra:.0f} ms  ({cold['version'] * 1000:.0f} / {cold['pass'] * 1000:.0f} ms)",
            "<= 150 ms",
            extra <= 150,
        )
    )
    extra = (cold["validate"] - cold["pass"]) * 1000
    rows.append(
        (
            "cold start: validate the example plugin - python -c pass",
            f"{extra:.0f} ms  ({cold['validate'] * 1000:.0f} ms)",
            "",
            None,
        )
    )

    # catalog: 100 domains of 100 atoms, then again after one domain changed
    note("catalog: 100 domains, 10,000 atoms, built twice")
    from bench_catalog import bench_catalog

    rows.extend(bench_catalog(skillwiki, args.data, domains=20 if args.quick else 100))

    width = max(len(row[0]) for row in rows)
    value_width = max(len(row[1]) for row in rows)
    print()
    print(f"{'measure'.ljust(width)}  {'measured'.ljust(value_width)}  {'target'.ljust(16)}  result")
    for name, value, target, met in rows:
        verdict = "" if met is None else ("MET" if met else "NOT MET")
        print(f"{name.ljust(width)}  {value.ljust(value_width)}  {target.ljust(16)}  {verdict}")
    print(f"\nbench took {time.perf_counter() - started:.0f}s")
    # matching briefs: quality on the labelled briefs, latency, memory (its own table)
    note("match: bench_match.py")
    subprocess.run(
        [
            sys.executable,
            os.path.join(HERE, "bench_match.py"),
            "--python",
            args.python,
            "--data",
            args.data,
            *(["--quick"] if args.quick else []),
        ],
        check=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
