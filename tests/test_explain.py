"""``skillwiki rules CODE``: every rule is explained, and each example really
triggers its code when it is built and judged."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from skillwiki_sdk import Registry, rules, validate
from skillwiki_sdk.explain import (
    BASE,
    COMPAT,
    INTERNAL,
    PLUGIN,
    REGISTRY,
    Explanation,
    explanations,
    write_example,
    write_releases,
)

EXPLAINED = explanations()


def test_every_rule_of_the_sdk_is_explained() -> None:
    assert sorted(EXPLAINED) == sorted(rule.code for rule in rules.RULES)


def test_the_bundle_examples_change_is_valid(tmp_path: Path) -> None:
    root = write_example(Explanation("SW000", "", ""), tmp_path)
    assert validate(root).findings == []
    assert set(BASE) == {"bundle/domain.yaml", "bundle/atoms/cache-near-reads.md", "bundle/atoms/queue-writes.md"}


def test_a_compat_example_is_two_releases_each_over_the_bundle(tmp_path: Path) -> None:
    from skillwiki_sdk.compat import compare, open_release

    old, new = write_releases(Explanation("SW000", "", "", judge=COMPAT), tmp_path)
    assert (old, new) == (str(tmp_path / "old" / "bundle"), str(tmp_path / "new" / "bundle"))
    assert validate(old).findings == [] and validate(new).findings == []
    with open_release(old) as old_release, open_release(new) as new_release:
        result = compare(old_release, new_release)
    assert (result.findings, result.ok, result.actual_bump) == ([], True, "none")


def _plugin_module(tmp_path: Path, name: str, source: str, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
    monkeypatch.syspath_prepend(str(tmp_path))
    __import__(name)
    return sys.modules[name]


def judged(item: Explanation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | None]]:
    """(code, file) of what the example's judge reports, files relative to the example."""
    example = tmp_path / "example"
    shown = lambda file: (file or "").replace(f"{example}/", "")  # noqa: E731
    if item.judge == COMPAT:
        from skillwiki_sdk.compat import compare, open_release

        old, new = write_releases(item, example)
        with open_release(old) as old_release, open_release(new) as new_release:
            result = compare(old_release, new_release)
        return [(f.code, shown(f.file)) for f in result.findings]
    target = write_example(item, example)
    if item.judge == REGISTRY:
        from skillwiki_sdk import hookimpl

        class Plugin:
            def __init__(self, root: Path) -> None:
                self.root = root

            @hookimpl
            def skillwiki_domains(self):
                return [str(self.root)]

        registry = Registry.from_plugins([Plugin(path.parent) for path in sorted(example.glob("*/domain.yaml"))])
        found = [f for entry in registry for f in entry.findings] + [
            f for problem in registry.problems for f in problem.findings
        ]
        return [(f.code, shown(f.file)) for f in found]
    if item.judge in (PLUGIN, INTERNAL):
        from skillwiki_sdk.commands.validate import validate_paths
        from skillwiki_sdk.plugins import INSTALLED_PREFIX, make_plugin_manager

        module = _plugin_module(tmp_path, f"example_{item.code.lower()}", item.plugin, monkeypatch)
        manager = make_plugin_manager(installed=False)
        manager.register(module, name=f"{INSTALLED_PREFIX}skillwiki-example:example" if item.judge == PLUGIN else None)
        [report] = validate_paths([str(target)], manager, None)
        return [(f.code, shown(f.file)) for f in report.findings]
    return [(f.code, shown(f.file)) for f in validate(target).findings]


@pytest.mark.parametrize("code", sorted(EXPLAINED))
def test_the_example_triggers_its_code(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    item = EXPLAINED[code]
    assert item.meaning and item.fix
    found = judged(item, tmp_path, monkeypatch)
    assert code in [c for c, _ in found], found
    changed = [name.rstrip("/") for name in item.files if not name.startswith("other/")]
    if changed and item.judge == "validate" and code not in ("SW101", "SW112"):
        # at the file the example changes (or inside the archive it writes)
        files = [file for c, file in found if c == code]
        assert any(any(file == name or file.startswith(name + "!") for name in changed) for file in files), (
            files,
            changed,
        )
    if item.judge == COMPAT and code != "SW600":
        # in a file that differs between the releases (NEW's, or OLD's for what it lost)
        sides = [f"{side}/{name}" for name in {**item.old, **item.files} for side in ("old", "new")]
        files = [file for c, file in found if c == code]
        assert any(file in sides for file in files), (files, sides)


def test_rules_code_prints_meaning_example_the_finding_and_the_fix(cli) -> None:
    result = cli("rules", "sw209")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[:2] == ["SW209  error  unknown-axis-value", "An atom names a value its axis does not declare"]
    assert "What it means" in lines and "How to fix it" in lines
    assert "      layer: [orbit]" in lines
    assert "  bundle/atoms/cache-near-reads.md:7:11: SW209 value 'orbit' is not declared for axis 'layer'" in lines
    assert lines[-1].startswith("  Use a declared value")


def test_rules_code_as_json(cli) -> None:
    result = cli("rules", "SW110", "--format", "json")
    document = json.loads(result.out)
    assert (result.code, document["code"], document["severity"]) == (0, "SW110", "warning")
    assert "tags: [caching, queues, latency]" in document["example"] and document["fix"].startswith("Tag an atom")


def test_an_unknown_code_is_a_usage_error_with_the_nearest(cli) -> None:
    result = cli("rules", "SW2O9")
    assert (result.code, result.out) == (2, "")
    assert "no rule has the code 'SW2O9'; did you mean SW209?" in result.err


def test_rules_code_of_compat_prints_both_releases_and_what_compat_reports(cli) -> None:
    result = cli("rules", "SW602")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[:2] == ["SW602  error  atom-removed", "Breaking: an atom was removed"]
    at = lines.index("  old/bundle/atoms/retry-later.md:")
    assert lines[at + 2] == "    id: retry-later"
    assert "  new/: the valid bundle, unchanged" in lines
    assert "  then: skillwiki compat new/bundle --against old/bundle" in lines
    assert (
        "  old/bundle/atoms/retry-later.md:2:1: SW602 atom 'retry-later' was removed: links to "
        "@tiny-domain/retry-later break" in lines
    )
    assert lines[-1].startswith("  Deprecate the atom first")
    document = json.loads(cli("rules", "SW616", "--format", "json").out)
    assert "  new/bundle/atoms/cache-near-reads.md: removed" in document["example"].splitlines()
    assert (
        "new/bundle/atoms/cache-close-to-reads.md:3:11: SW616 atom 'cache-near-reads' was renamed"
        in document["example"]
    )


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("SW2O9", "SW209"),
        ("sw3o5", "SW305"),
        ("SWl0l", "SW101"),
        ("SWIO1", "SW101"),
        ("SW6O2", "SW602"),
        ("SW2099", "SW209"),
    ],
)
def test_look_alike_letters_are_read_as_digits_before_the_closest_code(typed: str, meant: str) -> None:
    from skillwiki_sdk.commands.rules import nearest_code

    assert nearest_code(typed.upper(), [rule.code for rule in rules.RULES]) == meant


def test_a_code_with_a_real_letter_o_is_kept_when_it_exists() -> None:
    from skillwiki_sdk.commands.rules import nearest_code

    assert nearest_code("OPSI01", ["OPS101", "OPS201"]) == "OPS101"
    assert nearest_code("XYZ", ["OPS101"]) is None
