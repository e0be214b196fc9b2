"""``skillwiki rules CODE``: every rule is explained, and each example really
triggers its code when it is built and judged."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from skillwiki_sdk import Registry, rules, validate
from skillwiki_sdk.explain import BASE, INTERNAL, PLUGIN, REGISTRY, Explanation, explanations, write_example

EXPLAINED = explanations()


def test_every_rule_of_the_sdk_is_explained() -> None:
    assert sorted(EXPLAINED) == sorted(rule.code for rule in rules.RULES)


def test_the_bundle_examples_change_is_valid(tmp_path: Path) -> None:
    root = write_example(Explanation("SW000", "", ""), tmp_path)
    assert validate(root).findings == []
    assert set(BASE) == {"bundle/domain.yaml", "bundle/atoms/cache-near-reads.md", "bundle/atoms/queue-writes.md"}


def _plugin_module(tmp_path: Path, name: str, source: str, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
    monkeypatch.syspath_prepend(str(tmp_path))
    __import__(name)
    return sys.modules[name]


def judged(item: Explanation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | None]]:
    """(code, file) of what the example's judge reports, files relative to the example."""
    example = tmp_path / "example"
    target = write_example(item, example)
    shown = lambda file: (file or "").replace(f"{example}/", "")  # noqa: E731
    if item.judge == REGISTRY:
        from skillwiki_sdk import hookimpl

        class Plugin:
            def __init__(self, root: Path) -> None:
                self.root = root

            @hookimpl
            def skillwiki_domains(self):
                return [str(self.root)]

        registry = Registry.from_plugins([Plugin(path.parent) for path in sorted(example.glob("*/domain.yaml"))])
        found = [f for entry in registry for f in entry.findings] + [f for problem in registry.problems for f in problem.findings]
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
        assert any(any(file == name or file.startswith(name + "!") for name in changed) for file in files), (files, changed)


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
