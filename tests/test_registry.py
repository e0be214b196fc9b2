"""The registry over real installed distributions: each problem stage is reported
with its distribution and reason, and the healthy plugins beside them still load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from plugin_factory import write_bundle, write_distribution

RAISES_ON_IMPORT = 'raise RuntimeError("broken on purpose")\n'
MISSPELT_HOOK = """\
from skillwiki_sdk import hookimpl

@hookimpl
def skillwiki_domain():
    return []
"""
RAISES_IN_HOOK = """\
from skillwiki_sdk import hookimpl

@hookimpl
def skillwiki_domains():
    raise ValueError("no bundle today")
"""
NOT_A_BUNDLE = """\
from skillwiki_sdk import hookimpl

@hookimpl
def skillwiki_domains():
    return 42
"""
WITH_CHECKS = """\
from importlib.resources import files

from skillwiki_sdk import Rule, check, hookimpl

SHOUT = Rule("ACME101", "warning", "shout", "An atom's id is not shouted")

@check(SHOUT)
def shout(bundle):
    for atom in bundle.atoms:
        yield SHOUT.finding(f"atom {atom.id} is quiet", file=atom.source, path=("id",))

@check()
def crash(bundle):
    raise ZeroDivisionError("oops")

@hookimpl
def skillwiki_domains():
    return [files(__name__) / "bundle"]

@hookimpl
def skillwiki_checks():
    return [shout, crash]
"""


def _site(root: Path) -> Path:
    site = root / "site"
    ok = write_distribution(site, "skillwiki-rt-healthy", "1.0.0", "rt_healthy")
    write_bundle(ok / "bundle", "rt-healthy", atoms={"hello": {}, "world": {"related": ["hello"]}})
    linker = write_distribution(site, "skillwiki-rt-linker", "2.0", "rt_linker")
    write_bundle(
        linker / "bundle",
        "rt-linker",
        "2.0",
        atoms={
            "link": {"related": ["'@rt-healthy/hello'", "'@rt-ghost/x'"]},
            "left": {"related": ["'@rt-invalid/hello'"]},
        },
    )
    badlink = write_distribution(site, "skillwiki-rt-badlink", "1.0", "rt_badlink")
    write_bundle(
        badlink / "bundle",
        "rt-badlink",
        "1.0",
        atoms={"link": {"related": ["'@rt-healthy/hello'", "'@rt-healthy/nope'"]}},
    )
    # one distribution whose two entry points name one module: one plugin, no conflict
    twice = write_distribution(site, "skillwiki-rt-twice", "1.0", "rt_twice")
    write_bundle(twice / "bundle", "rt-twice", "1.0")
    entry_points = next(site.glob("skillwiki_rt_twice-1.0.dist-info")) / "entry_points.txt"
    entry_points.write_text(entry_points.read_text() + "rt-twice-again = rt_twice\n")
    write_distribution(site, "skillwiki-rt-import", "0.1", "rt_import", code=RAISES_ON_IMPORT)
    write_distribution(site, "skillwiki-rt-misspelt", "0.1", "rt_misspelt", code=MISSPELT_HOOK)
    write_distribution(site, "skillwiki-rt-hook", "0.1", "rt_hook", code=RAISES_IN_HOOK)
    write_distribution(site, "skillwiki-rt-notbundle", "0.1", "rt_notbundle", code=NOT_A_BUNDLE)
    invalid = write_distribution(site, "skillwiki-rt-invalid", "1.0.0", "rt_invalid")
    write_bundle(invalid / "bundle", "rt-invalid", atoms={"hello": {"tags": "gamma"}})
    newer = write_distribution(site, "skillwiki-rt-newer", "1.0.0", "rt_newer")
    write_bundle(newer / "bundle", "rt-newer", requires=">=9.0")
    skew = write_distribution(site, "skillwiki-rt-skew", "1.0.1", "rt_skew")
    write_bundle(skew / "bundle", "rt-skew", "1.0.0")
    for dist, module in (("skillwiki-rt-twin-a", "rt_twin_a"), ("skillwiki-rt-twin-b", "rt_twin_b")):
        write_bundle(write_distribution(site, dist, "1.0.0", module) / "bundle", "rt-twin")
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _site(tmp_path_factory.mktemp("registry"))


def _list(site: Path, *args: str, **env: str) -> tuple[int, dict]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ.update(PYTHONPATH=str(site), **env)
    done = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "list", "--format", "json", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.fixture(scope="module")
def listed(site: Path) -> dict:
    code, document = _list(site)
    assert code == 0  # problems do not fail without --strict
    return document


def _problems(document: dict, distribution: str) -> list[dict]:
    return [p for p in document["problems"] if p["distribution"] == distribution]


def test_healthy_plugin_loads_beside_broken_ones(listed: dict) -> None:
    domains = {d["name"]: d for d in listed["domains"] if d["distribution"].startswith("skillwiki-rt-")}
    assert sorted(domains) == ["rt-healthy", "rt-linker", "rt-twice"]
    healthy = domains["rt-healthy"]
    assert (healthy["distribution"], healthy["version"], healthy["entry_point"]) == (
        "skillwiki-rt-healthy",
        "1.0.0",
        "rt-healthy",
    )
    assert (healthy["atoms"], healthy["tags"], healthy["axes"]) == (2, 2, 1)
    assert healthy["findings"] == []


def test_import_failure_is_reported_with_distribution_and_reason(listed: dict) -> None:
    [problem] = _problems(listed, "skillwiki-rt-import")
    assert (problem["stage"], problem["entry_point"], problem["version"]) == ("import", "rt-import", "0.1")
    assert problem["reason"] == "importing 'rt_import' failed: RuntimeError: broken on purpose"
    assert "pip" in problem["action"]


def test_misspelt_hook_is_an_import_problem(listed: dict) -> None:
    [problem] = _problems(listed, "skillwiki-rt-misspelt")
    assert problem["stage"] == "import"
    assert "skillwiki_domain" in problem["reason"] and "not a valid plugin" in problem["reason"]


def test_hook_that_raises_is_reported(listed: dict) -> None:
    [problem] = _problems(listed, "skillwiki-rt-hook")
    assert problem["stage"] == "hook"
    assert problem["reason"] == "skillwiki_domains() raised ValueError: no bundle today"


def test_hook_that_returns_no_bundle_is_reported(listed: dict) -> None:
    [problem] = _problems(listed, "skillwiki-rt-notbundle")
    assert problem["stage"] == "hook"
    assert problem["reason"].startswith("skillwiki_domains() returned 42, not a list of bundle roots")


def test_invalid_bundle_is_reported_with_its_findings(listed: dict, site: Path) -> None:
    [problem] = _problems(listed, "skillwiki-rt-invalid")
    assert (problem["stage"], problem["domain"]) == ("bundle", "rt-invalid")
    [finding] = problem["findings"]
    assert finding["code"] == "SW207"
    assert finding["file"] == str(site / "rt_invalid" / "bundle" / "atoms" / "hello.md")
    assert finding["line"] == 5  # tags: [gamma]
    assert "skillwiki validate" in problem["action"]


def test_plugin_needing_another_sdk_is_a_compatibility_problem(listed: dict) -> None:
    [problem] = _problems(listed, "skillwiki-rt-newer")
    assert problem["stage"] == "compatibility"
    assert [f["code"] for f in problem["findings"]] == ["SW108"]
    assert problem["findings"][0]["line"] == 5


def test_domain_version_must_equal_distribution_version(listed: dict, site: Path) -> None:
    [problem] = _problems(listed, "skillwiki-rt-skew")
    assert problem["stage"] == "bundle"
    assert problem["reason"] == "domain version 1.0.0 differs from the distribution's version 1.0.1"
    [finding] = problem["findings"]
    assert (finding["code"], finding["file"], finding["line"]) == (
        "SW405",
        str(site / "rt_skew" / "bundle" / "domain.yaml"),
        3,
    )


def test_two_distributions_claiming_one_name_are_both_conflicts(listed: dict) -> None:
    assert "rt-twin" not in {d["name"] for d in listed["domains"]}
    a = _problems(listed, "skillwiki-rt-twin-a")
    b = _problems(listed, "skillwiki-rt-twin-b")
    assert [p["stage"] for p in a + b] == ["conflict", "conflict"]
    assert "skillwiki-rt-twin-b 1.0.0" in a[0]["reason"] and "skillwiki-rt-twin-a 1.0.0" in b[0]["reason"]


def test_links_to_other_domains_are_checked_against_the_registry(listed: dict, site: Path) -> None:
    [linker] = [d for d in listed["domains"] if d["name"] == "rt-linker"]
    atom = str(site / "rt_linker" / "bundle" / "atoms" / "link.md")
    got = [(f["code"], f["file"], f["line"], f["column"]) for f in linker["findings"]]
    # related: ['@rt-healthy/hello', '@rt-ghost/x'] on line 8: a domain not installed
    # is a warning at the second item (column 32); the domain still loads
    left = str(site / "rt_linker" / "bundle" / "atoms" / "left.md")
    assert sorted(got) == sorted([("SW303", atom, 8, 32), ("SW303", left, 8, 11)])
    messages = {f["file"]: f["message"] for f in linker["findings"]}
    assert messages[atom] == "related link '@rt-ghost/x' names domain 'rt-ghost', which is not installed"
    # an installed domain that was left out (its bundle has errors) is named as such, with why
    assert messages[left].startswith(
        "related link '@rt-invalid/hello' names domain 'rt-invalid', which is installed but was left out: "
    )
    assert "error" in messages[left]


def test_a_link_to_an_atom_an_installed_domain_lacks_leaves_the_domain_out(listed: dict, site: Path) -> None:
    """What validate rejects (SW304 is an error), the registry reports."""
    assert "rt-badlink" not in [d["name"] for d in listed["domains"]]
    [problem] = _problems(listed, "skillwiki-rt-badlink")
    atom = str(site / "rt_badlink" / "bundle" / "atoms" / "link.md")
    assert (problem["stage"], problem["domain"]) == ("bundle", "rt-badlink")
    assert [(f["code"], f["file"], f["line"], f["column"]) for f in problem["findings"]] == [("SW304", atom, 8, 32)]


def test_two_entry_points_naming_one_module_are_one_plugin(listed: dict) -> None:
    assert _problems(listed, "skillwiki-rt-twice") == []
    assert [d["entry_point"] for d in listed["domains"] if d["name"] == "rt-twice"] == ["rt-twice"]


def test_strict_makes_problems_fail(site: Path) -> None:
    code, document = _list(site, "--strict")
    assert code == 1 and document["ok"] is False


def test_disable_autoload_loads_nothing(site: Path) -> None:
    code, document = _list(site, SKILLWIKI_DISABLE_PLUGIN_AUTOLOAD="1")
    assert code == 0
    assert (document["domains"], document["problems"], document["autoload"]) == ([], [], False)


def test_load_plugins_names_the_only_ones_imported(site: Path) -> None:
    code, document = _list(site, "--strict", SKILLWIKI_LOAD_PLUGINS="skillwiki-rt-healthy, rt-hook")
    assert code == 1
    assert [d["name"] for d in document["domains"]] == ["rt-healthy"]
    # the module that raises on import was never imported
    assert [(p["distribution"], p["stage"]) for p in document["problems"]] == [("skillwiki-rt-hook", "hook")]


def test_text_listing_names_each_problem_and_what_to_do(site: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ["PYTHONPATH"] = str(site)
    done = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "list"], env=environ, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["DOMAIN", "VERSION", "DISTRIBUTION", "ATOMS", "TAGS", "AXES"]
    assert ["rt-healthy", "1.0.0", "skillwiki-rt-healthy", "2", "2", "1"] in [line.split() for line in lines]
    assert (
        "  skillwiki-rt-hook 0.1 (entry point 'rt-hook'): hook: skillwiki_domains() raised ValueError: no bundle today"
        in lines
    )
    assert sum(1 for line in lines if line.startswith("    what to do: ")) == sum(
        1 for line in lines if line.startswith("  skillwiki-")
    )


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A site folder on this process's sys.path, forgotten afterwards."""
    import importlib

    for name in list(os.environ):
        if name.startswith("SKILLWIKI_"):
            monkeypatch.delenv(name)
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    before = set(sys.modules)
    yield site
    for name in set(sys.modules) - before:
        if name.startswith("rt_"):
            del sys.modules[name]
    monkeypatch.undo()


def test_registry_api_finds_a_domain_and_each_discovery_looks_again(installed: Path) -> None:
    import importlib

    from skillwiki_sdk import Registry

    write_bundle(write_distribution(installed, "skillwiki-rt-api", "1.2.0", "rt_api") / "bundle", "rt-api", "1.2.0")
    registry = Registry.discover()
    entry = registry.get("rt-api")
    assert entry is not None and (entry.distribution, entry.version, len(entry.bundle.atoms)) == (
        "skillwiki-rt-api",
        "1.2.0",
        2,
    )
    assert "rt-api" in registry and registry["rt-api"] is entry
    # nothing is remembered in the process: a plugin installed later is seen by the next discovery
    write_bundle(write_distribution(installed, "skillwiki-rt-late", "1.0.0", "rt_late") / "bundle", "rt-late")
    importlib.invalidate_caches()
    assert registry.get("rt-late") is None
    assert Registry.discover().get("rt-late") is not None


def test_a_domain_version_spelt_otherwise_but_equal_in_pep_440_is_the_distribution_s(installed: Path) -> None:
    from skillwiki_sdk import Registry

    write_bundle(write_distribution(installed, "skillwiki-rt-spelt", "2.0", "rt_spelt") / "bundle", "rt-spelt", "2.0.0")
    registry = Registry.discover()
    assert registry.get("rt-spelt") is not None
    assert [p.distribution for p in registry.problems if p.distribution == "skillwiki-rt-spelt"] == []


def test_installed_plugin_checks_apply_to_validate_and_a_crash_is_isolated(installed: Path, cli) -> None:
    package = write_distribution(installed, "skillwiki-rt-checks", "1.0.0", "rt_checks", code=WITH_CHECKS)
    write_bundle(package / "bundle", "rt-checks")
    target = installed / "other"
    write_bundle(target, "other", atoms={"hello": {"related": ["world"]}, "world": {}})
    (target / "atoms" / "world.md").write_text(
        (target / "atoms" / "world.md").read_text().replace("tags: [alpha, beta]", "tags: [alpha, nope]")
    )
    result = cli("validate", "--format", "json", str(target))
    findings = json.loads(result.out)["results"][0]["findings"]
    got = [(f["code"], f["file"], f["line"]) for f in findings]
    assert (("ACME101", str(target / "atoms" / "hello.md"), 2)) in got
    assert ("SW207", str(target / "atoms" / "world.md"), 5) in got  # built-in checks still ran
    [crash] = [f for f in findings if f["code"] == "SW408"]
    assert crash["message"] == "check rt_checks.crash of skillwiki-rt-checks raised ZeroDivisionError: oops"
    assert result.code == 1


def test_validate_checks_links_to_installed_domains(installed: Path, cli) -> None:
    write_bundle(write_distribution(installed, "skillwiki-rt-target", "1.0.0", "rt_target") / "bundle", "rt-target")
    bundle = installed / "linking"
    write_bundle(
        bundle, "linking", atoms={"a": {"related": ["'@rt-target/hello'", "'@rt-target/gone'", "'@rt-absent/x'"]}}
    )
    result = cli("validate", "--format", "json", str(bundle))
    findings = json.loads(result.out)["results"][0]["findings"]
    assert [(f["code"], f["file"], f["line"], f["column"]) for f in findings] == [
        ("SW304", str(bundle / "atoms" / "a.md"), 8, 31)
    ]  # 11 + len("'@rt-target/hello', ") = 31
    # a domain that is not installed here is no finding of validate (only of list)


def test_show_by_name_finds_installed_domain_and_explains_a_left_out_one(site: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ["PYTHONPATH"] = str(site)
    shown = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "show", "rt-healthy", "--format", "json"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["counts"] == {"atoms": 2, "tags": 2, "axes": 1}
    skewed = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "show", "rt-skew"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert skewed.returncode == 1 and skewed.stdout == ""
    assert skewed.stderr.startswith(
        "skillwiki: domain 'rt-skew' of skillwiki-rt-skew 1.0.1 is installed but was left out (bundle: domain "
        "version 1.0.0 differs"
    )


def test_a_plugin_imported_from_a_zip_file_is_listed(tmp_path: Path) -> None:
    """The hook returns a traversable inside a zip: the bundle is read from the zip."""
    import zipfile

    site = tmp_path / "unzipped"
    plugin = write_distribution(site, "skillwiki-rt-zipped", "1.0.0", "rt_zipped")
    write_bundle(plugin / "bundle", "rt-zipped", atoms={"hello": {}, "world": {"related": ["hello"]}})
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(site.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(site).as_posix())
    code, document = _list(archive)
    [domain] = [d for d in document["domains"] if d["name"] == "rt-zipped"]
    assert (domain["atoms"], domain["version"], domain["findings"]) == (2, "1.0.0", [])
    assert domain["path"].startswith(str(archive))
    assert [p for p in document["problems"] if p["distribution"] == "skillwiki-rt-zipped"] == []
    assert not list(Path(tempfile.gettempdir()).glob("skillwiki-bundle-*"))  # the copy is removed


def test_a_link_an_atom_silences_inline_is_accepted_by_the_registry_as_by_validate(installed: Path, cli) -> None:
    from skillwiki_sdk import Registry

    write_bundle(write_distribution(installed, "skillwiki-rt-target", "1.0.0", "rt_target") / "bundle", "rt-target")
    bundle = write_distribution(installed, "skillwiki-rt-quiet", "1.0.0", "rt_quiet") / "bundle"
    write_bundle(bundle, "rt-quiet", atoms={"a": {"related": ["'@rt-target/gone'"]}, "b": {}})
    atom = bundle / "atoms" / "a.md"
    atom.write_text(
        atom.read_text(encoding="utf-8").replace("kind: principle\n", "kind: principle\nx-skillwiki-ignore: [SW304]\n"),
        encoding="utf-8",
    )
    registry = Registry.discover(cache=None)
    assert "rt-quiet" in registry and [p.distribution for p in registry.problems] == []
    assert cli("validate", str(bundle)).code == 0
    atom.write_text(atom.read_text(encoding="utf-8").replace("x-skillwiki-ignore: [SW304]\n", ""), encoding="utf-8")
    registry = Registry.discover(cache=None)
    assert "rt-quiet" not in registry and [p.findings[0].code for p in registry.problems] == ["SW304"]
    assert cli("validate", str(bundle)).code == 1
