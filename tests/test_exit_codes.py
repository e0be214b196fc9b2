"""Every command, run against a corrupt environment (metadata that is not UTF-8, a
plugin that fails to import, a cache folder full of garbage and one that cannot be
read), exits 0, 1 or 2 and prints no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, EXAMPLE_BUNDLE
from plugin_factory import write_bundle, write_distribution


@pytest.fixture(scope="module")
def corrupt(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("corrupt")
    site = base / "site"
    write_bundle(write_distribution(site, "skillwiki-ex-good", "1.0.0", "ex_good") / "bundle", "ex-good")
    write_distribution(site, "skillwiki-ex-broken", "0.1", "ex_broken", code="raise RuntimeError('broken')\n")
    bad = write_distribution(site, "skillwiki-ex-latin", "0.1", "ex_latin")
    info = site / "skillwiki_ex_latin-0.1.dist-info"
    (info / "METADATA").write_bytes(
        b"Metadata-Version: 2.1\nName: skillwiki-ex-latin\nVersion: 0.1\nSummary: caf\xe9\n"
    )
    (info / "entry_points.txt").write_bytes(b"[skillwiki]\nex-latin = ex_latin\n# \xff\n")
    assert bad.exists()
    cache = base / "cache" / "bundles"
    cache.mkdir(parents=True)
    for number in range(5):
        (cache / f"{number:032x}.json").write_bytes(b"\x00\xffgarbage" * number)
    locked = base / "locked-cache"
    locked.mkdir()
    (locked / "bundles").write_text("a file where a folder belongs")
    return {"site": site, "cache": base / "cache", "locked": locked, "base": base}


COMMANDS = [
    ["list"],
    ["list", "--format", "json", "--strict"],
    ["show", "ex-good"],
    ["show", "ex-broken"],
    ["show", "no-such-domain"],
    ["show", str(EXAMPLE_BUNDLE)],
    ["validate", str(EXAMPLE)],
    ["validate", "--format", "sarif", str(EXAMPLE_BUNDLE)],
    ["validate", "/no/such/path"],
    ["rules"],
    ["rules", "--format", "json"],
    ["schema", "atom"],
    ["cache", "info"],
    ["cache", "clear"],
    ["new", "ex-new", "--path", "{base}/new-{cache}"],
    ["build", "/no/such/project"],
    ["no-such-command"],
    ["validate", "--jobs", "x"],
]


@pytest.mark.parametrize("cache", ["garbage", "locked"])
@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv)[:40])
def test_every_command_in_a_corrupt_environment_exits_0_1_or_2(
    corrupt: dict[str, Path], argv: list[str], cache: str
) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ.update(
        PYTHONPATH=str(corrupt["site"]), SKILLWIKI_CACHE_DIR=str(corrupt["cache" if cache == "garbage" else "locked"])
    )
    argv = [arg.format(base=corrupt["base"], cache=cache) for arg in argv]
    done = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", *argv],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=corrupt["base"],
    )
    assert done.returncode in (0, 1, 2), done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "internal error" not in done.stderr


def _run_with_streams(argv: list[str], environ: dict[str, str], cwd: Path, **streams: object) -> tuple[int, str]:
    """Run the command with the given ``stdout``/``stderr`` (a file object, or
    ``None`` for a closed descriptor); its exit code and what it wrote to stderr."""
    stderr_file = cwd / "stderr.txt"
    with open(stderr_file, "wb") as err:
        chosen: dict[str, object] = {"stdout": subprocess.DEVNULL, "stderr": err, **streams}
        closing: list[int] = [number for number, name in ((1, "stdout"), (2, "stderr")) if chosen[name] is None]
        for name in ("stdout", "stderr"):
            if chosen[name] is None:
                chosen[name] = subprocess.DEVNULL

        def close_them() -> None:  # (in the child, before the command runs)
            for number in closing:
                os.close(number)

        done = subprocess.run(
            [sys.executable, "-m", "skillwiki_sdk", *argv],
            env=environ,
            cwd=cwd,
            timeout=120,
            preexec_fn=close_them if closing else None,  # (a test's child: no threads to mind)
            **chosen,  # type: ignore[arg-type]
        )
    return done.returncode, stderr_file.read_text(encoding="utf-8", errors="replace")


REPORTING = [
    ["rules"],
    ["schema", "atom"],
    ["validate", str(EXAMPLE_BUNDLE)],
    ["list", "--format", "json"],
    ["show", str(EXAMPLE_BUNDLE)],
    ["--help"],
    ["validate", "--help"],
]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("where", ["closed", "full", "read-only"])
@pytest.mark.parametrize("argv", REPORTING, ids=lambda argv: " ".join(argv)[:30])
def test_a_report_that_cannot_be_written_is_exit_1_and_said(tmp_path: Path, argv: list[str], where: str) -> None:
    """Standard output closed (``>&-``), full (``>/dev/full``) or open for reading
    only (``1</dev/null``): exit 1, and one line on stderr says why (it was an
    internal error, exit 3; ``--help`` to a full disk exited 0 with nothing written)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ["SKILLWIKI_CACHE_DIR"] = str(tmp_path / "cache")
    with open("/dev/full", "wb") as full, open(os.devnull, "rb") as reading:
        stdout = {"closed": None, "full": full, "read-only": reading}[where]
        code, stderr = _run_with_streams(argv, environ, tmp_path, stdout=stdout)
    reason = {"closed": "it is closed", "full": "No space left on device", "read-only": "Bad file descriptor"}[where]
    assert code == 1, stderr
    assert f"skillwiki: cannot write the output to standard output: {reason}" in stderr
    assert "Traceback" not in stderr and "internal error" not in stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("where", ["closed", "full"])
def test_a_usage_error_is_exit_2_even_when_stderr_cannot_be_written(tmp_path: Path, where: str) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ["SKILLWIKI_CACHE_DIR"] = str(tmp_path / "cache")
    with open("/dev/full", "wb") as full:
        code, _ = _run_with_streams(["no-such-command"], environ, tmp_path, stderr=None if where == "closed" else full)
    assert code == 2


@pytest.mark.parametrize("seconds", ["9999999999", "1e20", "inf", "-inf", "nan", "-5", "many", "0.5"])
def test_any_plugin_time_budget_loads_the_plugins(tmp_path: Path, seconds: str) -> None:
    """``SKILLWIKI_PLUGIN_TIMEOUT`` too large to count (it broke the watchdog thread
    with a traceback, and the plugins' imports failed), infinite, not a number or
    below zero: the plugins load as with no budget, and nothing is said."""
    site = tmp_path / "site"
    write_bundle(write_distribution(site, "skillwiki-ex-good", "1.0.0", "ex_good") / "bundle", "ex-good")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ.update(
        PYTHONPATH=str(site),
        SKILLWIKI_LOAD_PLUGINS="skillwiki-ex-good",
        SKILLWIKI_NO_CACHE="1",
        SKILLWIKI_PLUGIN_TIMEOUT=seconds,
    )
    done = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "list", "--format", "json"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Exception in thread" not in done.stderr, done.stderr
    listing = json.loads(done.stdout)
    assert [domain["name"] for domain in listing["domains"]] == ["ex-good"] and listing["problems"] == []
