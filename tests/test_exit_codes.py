"""Every command, run against a corrupt environment (metadata that is not UTF-8, a
plugin that fails to import, a cache folder full of garbage and one that cannot be
read), exits 0, 1 or 2 and prints no traceback."""

from __future__ import annotations

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
