"""Exit codes in a corrupt environment (issue 19, item 6, for validate, show, rules,
schema, new and build): a plugin that fails to import, one whose hook raises
``SystemExit``, a distribution whose METADATA is not UTF-8, a cache folder that
cannot be read or is a file. Each command exits 0, 1 or 2, never with a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from plugin_factory import write_bundle, write_distribution

HOSTILE_BASE = Path(__file__).parent / "hostile" / "_base"

EXITS_IN_HOOK = """\
from skillwiki_sdk import hookimpl

@hookimpl
def skillwiki_domains():
    raise SystemExit(7)
"""


@pytest.fixture(scope="module")
def corrupt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("corrupt")
    site = work / "site"
    write_bundle(write_distribution(site, "skillwiki-ex-healthy", "1.0.0", "ex_healthy") / "bundle", "ex-healthy")
    write_distribution(
        site, "skillwiki-ex-broken", "0.1", "ex_broken", code='raise RuntimeError("broken on purpose")\n'
    )
    write_distribution(site, "skillwiki-ex-exits", "0.1", "ex_exits", code=EXITS_IN_HOOK)
    latin_site = work / "latin-site"  # the same plugins, and one whose METADATA is Latin-1
    shutil.copytree(site, latin_site)
    latin = write_distribution(latin_site, "skillwiki-ex-latin", "1.0.0", "ex_latin")
    write_bundle(latin / "bundle", "ex-latin")
    metadata = next(latin_site.glob("skillwiki_ex_latin-1.0.0.dist-info")) / "METADATA"
    metadata.write_bytes(metadata.read_bytes().replace(b"\n\n", b"\nAuthor: Jos\xe9 M\xfcller\n\n"))
    shutil.copytree(HOSTILE_BASE, work / "bundle")
    (work / "unreadable-cache").mkdir()
    (work / "unreadable-cache").chmod(0)
    (work / "cache-is-a-file").write_text("not a folder\n")
    return work


COMMANDS = {
    "validate a bundle": (["validate", "--format", "json", "bundle"], (0, 1)),
    "validate what is not there": (["validate", "nowhere"], (1,)),
    "show a bundle": (["show", "bundle"], (0, 1)),
    "show an installed domain": (["show", "ex-healthy"], (0, 1)),
    "show a domain not installed": (["show", "ex-nowhere"], (1,)),
    "rules": (["rules"], (0,)),
    "schema": (["schema", "atom"], (0,)),
    "new": (["new", "ex-new", "--path", "new-{site}-{cache}"], (0,)),
    "build what is not a project": (["build", "bundle"], (1,)),
}


@pytest.mark.parametrize("site", ["site", "latin-site"])
@pytest.mark.parametrize("cache", ["unreadable-cache", "cache-is-a-file"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_exits_0_1_or_2_in_a_corrupt_environment(
    corrupt: Path, command: str, cache: str, site: str
) -> None:
    argv, codes = COMMANDS[command]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ.update(
        PYTHONPATH=str(corrupt / site), SKILLWIKI_CACHE_DIR=str(corrupt / cache), SKILLWIKI_PLUGIN_TIMEOUT="20"
    )
    done = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", *[a.replace("{cache}", cache).replace("{site}", site) for a in argv]],
        cwd=corrupt,
        env=environ,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=180,
    )
    assert "Traceback" not in done.stderr + done.stdout and "internal error" not in done.stderr, done.stderr
    assert done.returncode in codes, (done.returncode, done.stderr)
