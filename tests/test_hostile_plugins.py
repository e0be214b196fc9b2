"""The registry and the validator under broken plugins.

Each plugin here is a real installed distribution as ``importlib.metadata`` sees one:
a ``*.dist-info`` folder with ``METADATA`` and ``entry_points.txt`` beside its module,
on ``PYTHONPATH`` of a real ``skillwiki`` process. Plugins that print to stdout, call
``sys.exit`` or raise other ``BaseException`` s on import or in a hook are reported;
the healthy plugin beside them still loads, and the JSON on stdout stays valid.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BASE = Path(__file__).parent / "hostile" / "_base"

# module name -> source; each becomes distribution skillwiki-<module with dashes>
PLUGINS = {
    "hostile_healthy": """
        from importlib import resources
        from skillwiki_sdk import hookimpl

        @hookimpl
        def skillwiki_domains():
            return [resources.files(__name__) / "bundle"]
    """,
    "hostile_prints_on_import": """
        print("HELLO FROM IMPORT")
        from skillwiki_sdk import hookimpl

        @hookimpl
        def skillwiki_domains():
            print("HELLO FROM THE HOOK")
            return []
    """,
    "hostile_writes_to_fd1": """
        import os, subprocess, sys
        os.write(1, b"RAW FD NOISE ON IMPORT\\n")
        from skillwiki_sdk import hookimpl

        @hookimpl
        def skillwiki_domains():
            print("STRAIGHT TO THE REAL STDOUT", file=sys.__stdout__, flush=True)
            subprocess.run(["echo", "A CHILD PROCESS SPEAKS"], check=True)
            return []
    """,
    "hostile_exits_on_import": """
        import sys
        print("about to exit")
        sys.exit(7)
    """,
    "hostile_exits_in_hook": """
        import sys
        from skillwiki_sdk import hookimpl

        @hookimpl
        def skillwiki_domains():
            sys.exit("bye from the hook")
    """,
    "hostile_base_exception": """
        from skillwiki_sdk import hookimpl

        class Boom(BaseException):
            pass

        @hookimpl
        def skillwiki_domains():
            raise Boom("not an Exception at all")
    """,
    "hostile_generator_exit": """
        from skillwiki_sdk import hookimpl

        @hookimpl
        def skillwiki_domains():
            raise GeneratorExit("odd, but possible")
    """,
    "hostile_check_exits": """
        import sys
        from skillwiki_sdk import Rule, check, hookimpl

        RULE = Rule("HX001", "warning", "hostile", "a check that misbehaves")

        @check(RULE)
        def misbehaves(bundle):
            print("HELLO FROM A CHECK")
            sys.exit(9)

        @hookimpl
        def skillwiki_checks():
            print("HELLO FROM skillwiki_checks")
            return [misbehaves]
    """,
}


SLOW_PLUGINS = {
    "hostile_slow_import": """
        import time
        time.sleep(60)
    """,
    "hostile_slow_hook": """
        import time
        from skillwiki_sdk import hookimpl

        @hookimpl
        def skillwiki_domains():
            time.sleep(60)
            return []
    """,
}
PLUGINS.update(SLOW_PLUGINS)


def _make_site(root: Path, modules: list[str]) -> Path:
    """A folder of installed (hand-made, standard-format) distributions."""
    for module in modules:
        source = PLUGINS[module]
        distribution = "skillwiki-" + module.replace("_", "-")
        package = root / module
        package.mkdir()
        (package / "__init__.py").write_text(textwrap.dedent(source))
        if module == "hostile_healthy":
            shutil.copytree(BASE, package / "bundle")
            manifest = package / "bundle" / "domain.yaml"
            manifest.write_text(manifest.read_text().replace('version: "0.3.0"', 'version: "1.0"'))
        info = root / f"{module}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 1.0\nRequires-Dist: skillwiki-sdk\n")
        (info / "entry_points.txt").write_text(f"[skillwiki]\n{module.replace('_', '-')} = {module}\n")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every plugin but the one whose check misbehaves (it would fail every bundle)."""
    return _make_site(tmp_path_factory.mktemp("site"), [m for m in PLUGINS if m != "hostile_check_exits" and m not in SLOW_PLUGINS])


@pytest.fixture(scope="module")
def check_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Only the plugin whose check prints and calls sys.exit."""
    return _make_site(tmp_path_factory.mktemp("check-site"), ["hostile_check_exits"])


def _skillwiki(site: Path, *argv: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "SKILLWIKI_DEBUG": "", **extra_env}
    env.pop("SKILLWIKI_LOAD_PLUGINS", None)
    env.pop("SKILLWIKI_DISABLE_PLUGIN_AUTOLOAD", None)
    return subprocess.run([sys.executable, "-m", "skillwiki_sdk", *argv], capture_output=True, text=True, env=env, timeout=120)


def test_list_reports_broken_plugins_and_prints_json_only(site: Path) -> None:
    """Exits, BaseExceptions and prints in plugins: problems on the list, JSON intact."""
    process = _skillwiki(site, "list", "--format", "json")
    assert "Traceback" not in process.stdout + process.stderr
    document = json.loads(process.stdout)  # nothing a plugin printed is mixed in
    assert process.returncode == 0
    names = {domain["name"]: domain for domain in document["domains"]}
    assert names["tiny-domain"]["distribution"] == "skillwiki-hostile-healthy"
    problems = {problem["distribution"]: problem for problem in document["problems"]}
    assert problems["skillwiki-hostile-exits-on-import"]["stage"] == "import"
    assert "SystemExit" in problems["skillwiki-hostile-exits-on-import"]["reason"]
    for distribution, words in [
        ("skillwiki-hostile-exits-in-hook", "bye from the hook"),
        ("skillwiki-hostile-base-exception", "not an Exception at all"),
        ("skillwiki-hostile-generator-exit", "odd, but possible"),
    ]:
        assert problems[distribution]["stage"] == "hook", problems[distribution]
        assert words in problems[distribution]["reason"]
    assert "skillwiki-hostile-prints-on-import" not in problems  # printing is not a problem, only not stdout's
    assert "HELLO FROM IMPORT" in process.stderr and "HELLO FROM THE HOOK" in process.stderr
    # below print: the file descriptor itself, the interpreter's own stdout, a child process
    for words in ("RAW FD NOISE ON IMPORT", "STRAIGHT TO THE REAL STDOUT", "A CHILD PROCESS SPEAKS"):
        assert words in process.stderr and words not in process.stdout


def test_validate_survives_a_check_that_exits_and_prints(check_site: Path, tmp_path: Path) -> None:
    """A plugin's check that prints and calls sys.exit: SW408 in valid JSON, the other checks ran."""
    bundle = tmp_path / "bundle"
    shutil.copytree(BASE, bundle)
    atom = bundle / "atoms" / "patterns" / "read-through.md"
    atom.write_text(atom.read_text().replace("tags: [caching]", "tags: [caching, nope]"))
    process = _skillwiki(check_site, "validate", "--format", "json", str(bundle))
    assert "Traceback" not in process.stdout + process.stderr
    document = json.loads(process.stdout)
    assert process.returncode == 1
    codes = {(f["code"], f["file"]) for result in document["results"] for f in result["findings"]}
    assert ("SW207", f"{bundle}/atoms/patterns/read-through.md") in codes
    assert ("SW408", str(bundle)) in codes
    assert "HELLO FROM A CHECK" in process.stderr


def test_a_slow_plugin_is_reported_and_the_others_still_load(tmp_path: Path) -> None:
    import time

    (tmp_path / "site").mkdir()
    site = _make_site(tmp_path / "site", ["hostile_healthy", *SLOW_PLUGINS])
    started = time.monotonic()
    process = _skillwiki(site, "list", "--format", "json", SKILLWIKI_PLUGIN_TIMEOUT="1")
    took = time.monotonic() - started
    document = json.loads(process.stdout)
    assert took < 20, f"the 60-second plugins were not cut short ({took:.0f} s)"
    assert [d["name"] for d in document["domains"] if d["distribution"].startswith("skillwiki-hostile-")] == ["tiny-domain"]
    problems = {p["distribution"]: (p["stage"], p["reason"]) for p in document["problems"] if p["distribution"].startswith("skillwiki-hostile-")}
    assert sorted(problems) == ["skillwiki-hostile-slow-hook", "skillwiki-hostile-slow-import"]
    assert problems["skillwiki-hostile-slow-import"][0] == "import"
    assert problems["skillwiki-hostile-slow-hook"][0] == "hook"
    for _, reason in problems.values():
        assert "took longer than 1 s" in reason
