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


# The second round (issue 19): plugins with bugs that reach past their own code.
ROUND_TWO = {
    "hostile_thread_left": """
        import threading
        from skillwiki_sdk import hookimpl

        threading.Thread(target=threading.Event().wait, name="never-ends").start()  # not a daemon

        @hookimpl
        def skillwiki_domains():
            return []
    """,
    "hostile_daemon_writes": """
        import os, threading, time
        from skillwiki_sdk import hookimpl

        def noise():
            while True:
                os.write(1, b"DAEMON NOISE\\n")
                time.sleep(0.001)

        threading.Thread(target=noise, daemon=True).start()

        @hookimpl
        def skillwiki_domains():
            return []
    """,
    "hostile_replaces_loader": """
        import yaml
        from skillwiki_sdk import hookimpl

        class Broken:
            def __init__(self, *args, **kwargs):
                raise RuntimeError("this loader is broken on purpose")

        yaml.CSafeLoader = yaml.SafeLoader = Broken

        @hookimpl
        def skillwiki_domains():
            return []
    """,
    "hostile_claims_another": """
        from importlib import resources
        from skillwiki_sdk import hookimpl

        @hookimpl
        def skillwiki_domains():
            return [resources.files("hostile_healthy") / "bundle"]
    """,
    "hostile_endless_folder": """
        import io
        from skillwiki_sdk import hookimpl

        class Endless:
            def __init__(self, name="bundle", depth=0):
                self.name, self.depth = name, depth
            def is_dir(self):
                return True
            def is_file(self):
                return False
            def joinpath(self, *parts):
                return Endless("/".join(parts), self.depth + 1)
            def iterdir(self):
                number = 0
                while True:
                    number += 1
                    yield Endless(f"folder-{number}", self.depth + 1) if number % 2 else File(f"file-{number}.md")
            def __str__(self):
                return "endless://" + self.name

        class File:
            def __init__(self, name):
                self.name = name
            def is_dir(self):
                return False
            def is_file(self):
                return True
            def open(self, mode="rb"):
                return io.BytesIO(b"---\\n")

        @hookimpl
        def skillwiki_domains():
            return [Endless()]
    """,
    "hostile_discovers": """
        from skillwiki_sdk import Registry, hookimpl

        @hookimpl
        def skillwiki_domains():
            Registry.discover()
            return []
    """,
    "hostile_bad_metadata": """
        from skillwiki_sdk import hookimpl

        @hookimpl
        def skillwiki_domains():
            return []
    """,
}
PLUGINS.update(ROUND_TWO)

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
    "hostile_ignores_alarm": """
        import signal, time
        from skillwiki_sdk import hookimpl

        @hookimpl
        def skillwiki_domains():
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
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
        metadata = f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 1.0\nRequires-Dist: skillwiki-sdk\n".encode()
        if module == "hostile_bad_metadata":
            metadata += "Summary: caf\u00e9\n".encode("latin-1")  # not UTF-8, as no tool writes it
        (info / "METADATA").write_bytes(metadata)
        (info / "entry_points.txt").write_text(f"[skillwiki]\n{module.replace('_', '-')} = {module}\n")
        # as pip records an install: every file the distribution put there
        files = [p for p in sorted(package.rglob("*")) if p.is_file()]
        (info / "RECORD").write_text(
            "".join(f"{p.relative_to(root).as_posix()},sha256=x,{p.stat().st_size}\n" for p in files)
        )
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every plugin but the one whose check misbehaves (it would fail every bundle)."""
    return _make_site(
        tmp_path_factory.mktemp("site"),
        [m for m in PLUGINS if m != "hostile_check_exits" and m not in SLOW_PLUGINS and m not in ROUND_TWO],
    )


@pytest.fixture(scope="module")
def check_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Only the plugin whose check prints and calls sys.exit."""
    return _make_site(tmp_path_factory.mktemp("check-site"), ["hostile_check_exits"])


def _skillwiki(site: Path, *argv: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "SKILLWIKI_DEBUG": "", **extra_env}
    env.pop("SKILLWIKI_LOAD_PLUGINS", None)
    env.pop("SKILLWIKI_DISABLE_PLUGIN_AUTOLOAD", None)
    return subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", *argv], capture_output=True, text=True, env=env, timeout=120
    )


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
    assert [d["name"] for d in document["domains"] if d["distribution"].startswith("skillwiki-hostile-")] == [
        "tiny-domain"
    ]
    problems = {
        p["distribution"]: (p["stage"], p["reason"])
        for p in document["problems"]
        if p["distribution"].startswith("skillwiki-hostile-")
    }
    assert sorted(problems) == [
        "skillwiki-hostile-ignores-alarm",
        "skillwiki-hostile-slow-hook",
        "skillwiki-hostile-slow-import",
    ]
    assert problems["skillwiki-hostile-ignores-alarm"][0] == "hook"
    assert problems["skillwiki-hostile-slow-import"][0] == "import"
    assert problems["skillwiki-hostile-slow-hook"][0] == "hook"
    for _, reason in problems.values():
        assert "took longer than 1 s" in reason


@pytest.fixture(scope="module")
def round_two(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_site(tmp_path_factory.mktemp("round-two"), ["hostile_healthy", *ROUND_TWO])


def test_plugins_that_reach_past_their_own_code_are_their_own_problems(round_two: Path) -> None:
    """A thread left running, a daemon writing to fd 1, PyYAML's loader replaced, a
    bundle claimed from another distribution, an endless folder, a nested discovery
    and metadata that is not UTF-8: the healthy plugin is listed, stdout is JSON
    only, and the process ends, within the time budget."""
    import time

    started = time.monotonic()
    process = _skillwiki(round_two, "list", "--format", "json", SKILLWIKI_NO_CACHE="1", SKILLWIKI_PLUGIN_TIMEOUT="5")
    assert time.monotonic() - started < 30
    assert "Traceback" not in process.stdout + process.stderr
    assert process.returncode == 0, process.stderr
    document = json.loads(process.stdout)
    assert "DAEMON NOISE" not in process.stdout
    [healthy] = [d for d in document["domains"] if d["distribution"] == "skillwiki-hostile-healthy"]
    assert (healthy["name"], healthy["atoms"]) == ("tiny-domain", 3)
    problems = {p["distribution"]: p for p in document["problems"]}
    claim = problems["skillwiki-hostile-claims-another"]
    assert claim["stage"] == "hook" and "a bundle of skillwiki-hostile-healthy" in claim["reason"]
    assert "skillwiki-hostile-healthy" not in problems  # the owner keeps its bundle
    endless = problems["skillwiki-hostile-endless-folder"]
    assert endless["stage"] == "bundle" and "more than" in endless["reason"]
    nested = problems["skillwiki-hostile-discovers"]
    assert (
        nested["stage"] == "hook"
        and "Registry.discover() was called from a plugin's code while discovering" in nested["reason"]
    )
    [bad] = [p for p in document["problems"] if "its metadata cannot be read" in p["reason"]]
    assert "hostile_bad_metadata-1.0.dist-info" in bad["distribution"] and bad["stage"] == "import"
    assert not any(
        p["distribution"] in ("skillwiki-hostile-replaces-loader", "skillwiki-hostile-thread-left")
        for p in document["problems"]
    )


def test_validate_in_an_environment_with_bad_metadata_still_validates(round_two: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(BASE, bundle)
    process = _skillwiki(round_two, "validate", "--format", "json", str(bundle), SKILLWIKI_PLUGIN_TIMEOUT="5")
    assert process.returncode == 0, process.stdout + process.stderr
    assert json.loads(process.stdout)["ok"] is True
