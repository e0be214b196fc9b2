"""skillwiki_sdk.testing: throw-away bundles, assert_valid, the pytest plugin's
`skillwiki` fixture, and registries of only the given plugins."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from skillwiki_sdk import hookimpl
from skillwiki_sdk.report import format_text
from skillwiki_sdk.testing import OMIT, BundleInvalid, assert_valid, isolated_registry, make_bundle
from skillwiki_sdk.validation import validate

pytest_plugins = ["pytester"]


def _where(report) -> list[tuple[str, str | None, int | None]]:
    return [(f.code, f.file, f.line) for f in report.findings]


def _plugin(name: str, hook) -> types.ModuleType:
    module = types.ModuleType(name)
    module.skillwiki_domains = hookimpl(hook)
    return module


# --- make_bundle ---------------------------------------------------------------------


def test_make_bundle_fills_in_a_valid_domain_from_what_the_atoms_use(tmp_path: Path) -> None:
    root = make_bundle(
        tmp_path,
        atoms=[{"tags": ["a", "b"], "axes": {"level": ["x"]}}, {"id": "two", "tags": ["b", "c"], "kind": "rule"}],
    )
    assert root == tmp_path / "test-domain"
    report = validate(root)
    assert report.findings == []
    assert (report.domains, report.atoms) == (["test-domain"], 2)
    assert (root / "domain.yaml").read_text(encoding="utf-8").splitlines()[5:10] == [
        "tags: [a, b, c]",
        "axes:",
        "  level:",
        "    description: The level axis.",
        "    values: [x]",
    ]
    assert (root / "atoms" / "two.md").read_text(
        encoding="utf-8"
    ) == "---\nid: two\nkind: rule\nsummary: Summary of two.\ntags: [b, c]\n---\n\nThe body of two.\n"


def test_make_bundle_omits_keys_so_a_test_can_assert_the_exact_line(tmp_path: Path) -> None:
    root = make_bundle(
        tmp_path,
        domain={"tags": ["spare"], "description": OMIT},
        atoms=[{"id": "two", "summary": OMIT, "file": "rules/two.md"}],
    )
    report = validate(root)
    assert _where(report) == [
        ("SW201", f"{root}/atoms/rules/two.md", 2),
        ("SW102", f"{root}/domain.yaml", 1),
        ("SW110", f"{root}/domain.yaml", 5),
    ]


def test_make_bundle_writes_text_as_it_is(tmp_path: Path) -> None:
    root = make_bundle(tmp_path, domain="name: [\n", atoms=[{"file": "x/bad.md", "text": "no frontmatter\n"}])
    assert root == tmp_path / "bundle"
    assert (root / "atoms" / "x" / "bad.md").read_text(encoding="utf-8") == "no frontmatter\n"
    assert _where(validate(root)) == [("SW506", f"{root}/atoms/x/bad.md", 1), ("SW503", f"{root}/domain.yaml", 2)]


def test_make_bundle_never_writes_into_an_existing_folder(tmp_path: Path) -> None:
    make_bundle(tmp_path)
    with pytest.raises(FileExistsError):
        make_bundle(tmp_path)
    assert make_bundle(tmp_path, folder="second") == tmp_path / "second"
    with pytest.raises(ValueError, match="needs a 'file'"):
        make_bundle(tmp_path, atoms=[{"text": "x"}], folder="third")


# --- assert_valid --------------------------------------------------------------------


def test_assert_valid_returns_the_report_of_a_valid_bundle(tmp_path: Path) -> None:
    report = assert_valid(make_bundle(tmp_path, atoms=[{}]))
    assert (report.errors, report.warnings, report.atoms) == (0, 0, 1)


def test_assert_valid_fails_with_the_text_validate_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_bundle(tmp_path, atoms=[{"related": ["missing"]}])
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BundleInvalid) as raised:
        assert_valid(root)
    assert str(raised.value) == format_text([validate("test-domain")]).rstrip("\n")
    assert (
        str(raised.value).splitlines()[0].startswith("test-domain/atoms/atom-1.md:5:11: SW301 related atom 'missing' ")
    )
    assert raised.value.report.errors == 1


def test_assert_valid_strict_fails_on_warnings(tmp_path: Path) -> None:
    root = make_bundle(tmp_path, domain={"tags": ["unused"]}, atoms=[{}])
    assert assert_valid(root).warnings == 1
    with pytest.raises(BundleInvalid, match="SW110"):
        assert_valid(root, strict=True)


# --- the pytest plugin: the `skillwiki` fixture ----------------------------------------

_TEST = """
def test_bundle_is_valid(skillwiki):
    skillwiki.assert_valid()
"""


def _project(pytester: pytest.Pytester, **atom) -> Path:
    pytester.makepyprojecttoml("[tool.pytest.ini_options]\n")
    pytester.makepyfile(test_inner_skillwiki_bundle=_TEST)
    return make_bundle(pytester.path / "src", atoms=[atom])


def test_fixture_passes_a_valid_project(pytester: pytest.Pytester) -> None:
    _project(pytester, tags=["a"])
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_fixture_fails_with_the_findings_as_validate_prints_them(pytester: pytest.Pytester) -> None:
    _project(pytester, kind="recipe")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    expected = format_text([validate(".")]).splitlines()
    assert expected[0].startswith("src/test-domain/atoms/atom-1.md:3:7: SW206 kind 'recipe' ")
    lines = result.outlines
    start = lines.index("skillwiki validate found problems:")
    assert lines[start + 1 : start + 1 + len(expected)] == expected
    assert "Traceback" not in result.stdout.str()
    assert "skillwiki_sdk" not in result.stdout.str()


def test_fixture_registry_loads_only_the_given_plugin(pytester: pytest.Pytester) -> None:
    root = _project(pytester)
    pytester.makepyfile(
        inner_skillwiki_plugin=f"""
from skillwiki_sdk import hookimpl

@hookimpl
def skillwiki_domains():
    return [{str(root)!r}]
""",
        test_inner_skillwiki_registry="""
import inner_skillwiki_plugin

def test_registers(skillwiki):
    registry = skillwiki.registry(inner_skillwiki_plugin)
    assert [p.reason for p in registry.problems] == []
    assert list(registry.domains) == ["test-domain"]
    assert registry["test-domain"].distribution == "inner_skillwiki_plugin"
""",
    )
    pytester.runpytest("-p", "no:cacheprovider", "-k", "registers").assert_outcomes(passed=1)


# --- isolated_registry ---------------------------------------------------------------


def test_isolated_registry_holds_the_given_plugins_only(tmp_path: Path) -> None:
    one = make_bundle(tmp_path, domain={"name": "one"}, atoms=[{}])
    two = make_bundle(tmp_path, domain={"name": "two"}, atoms=[{}, {}])
    registry = isolated_registry(_plugin("plugin_one", lambda: [one]), _plugin("plugin_two", lambda: [str(two)]))
    assert registry.problems == []
    assert [(d.name, d.distribution, len(d.bundle.atoms)) for d in registry] == [
        ("one", "plugin_one", 1),
        ("two", "plugin_two", 2),
    ]


def test_isolated_registry_imports_a_module_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_bundle(tmp_path, domain={"name": "by-name"}, atoms=[{}])
    (tmp_path / "named_plugin.py").write_text(
        f"from skillwiki_sdk import hookimpl\n\n@hookimpl\ndef skillwiki_domains():\n    return [{str(root)!r}]\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert list(isolated_registry("named_plugin").domains) == ["by-name"]


def test_isolated_registry_records_each_broken_plugin_as_a_problem(tmp_path: Path) -> None:
    good = make_bundle(tmp_path, domain={"name": "good"}, atoms=[{}])
    broken = make_bundle(tmp_path, domain={"name": "broken"}, atoms=[{"kind": "recipe"}])
    misspelt = types.ModuleType("misspelt")
    misspelt.skillwiki_domain = hookimpl(lambda: [good])

    def raises() -> list:
        raise RuntimeError("boom")

    registry = isolated_registry(
        _plugin("raising", raises),
        misspelt,
        _plugin("broken_plugin", lambda: [broken]),
        _plugin("good_plugin", lambda: [good]),
    )
    assert list(registry.domains) == ["good"]
    problems = {p.distribution: (p.stage, p.reason) for p in registry.problems}
    assert problems["raising"] == ("hook", "skillwiki_domains() raised RuntimeError: boom")
    assert problems["misspelt"][0] == "import" and "skillwiki_domain" in problems["misspelt"][1]
    assert problems["broken_plugin"][0] == "bundle"
    assert problems["broken_plugin"][1].startswith(f"1 error, first {broken}/atoms/atom-1.md:3: SW206 kind 'recipe' ")


def test_isolated_registry_reports_two_plugins_claiming_one_name(tmp_path: Path) -> None:
    first = make_bundle(tmp_path, domain={"name": "same"}, atoms=[{}], folder="a")
    second = make_bundle(tmp_path, domain={"name": "same"}, atoms=[{}], folder="b")
    registry = isolated_registry(_plugin("first_plugin", lambda: [first]), _plugin("second_plugin", lambda: [second]))
    assert list(registry.domains) == []
    assert sorted((p.distribution, p.stage) for p in registry.problems) == [
        ("first_plugin", "conflict"),
        ("second_plugin", "conflict"),
    ]
