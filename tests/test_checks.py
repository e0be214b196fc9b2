"""Every check, proven by breaking a copy of a valid bundle in exactly one way.

Each case asserts the finding's code, its file (relative to the bundle) and its line.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from skillwiki_sdk import validate
from skillwiki_sdk.model import Severity

P = "atoms/principles/cache-near-reads.md"  # frontmatter lines 2-12, closing --- on 13
Q = "atoms/patterns/queue-writes.md"  # frontmatter lines 2-8 (layer on 7), closing --- on 9
D = "domain.yaml"


def replace(path: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        file = root / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


def write(path: str, content: str | bytes) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        file = root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            file.write_bytes(content)
        else:
            file.write_text(content, encoding="utf-8")

    return apply


def remove(path: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        target = root / path
        if target.is_dir():
            import shutil

            shutil.rmtree(target)
        else:
            target.unlink()

    return apply


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        for step in steps:
            step(root)

    return apply


ATOM = "---\nid: {id}\nkind: rule\nsummary: A rule.\n---\nBody.\n"

# (case id, how to break, code, file, line)
CASES = [
    # manifest
    ("manifest-missing", remove(D), "SW101", ".", None),
    (
        "manifest-missing-key",
        replace(D, "description: A small valid bundle that the tests break in one way at a time.\n", ""),
        "SW102",
        D,
        1,
    ),
    ("manifest-unknown-key", replace(D, "title: Tiny Domain", "titel: Tiny Domain"), "SW103", D, 4),
    ("manifest-wrong-type-deep-in-axes", replace(D, "values: [data, transport]", "values: data"), "SW104", D, 11),
    (
        "manifest-wrong-type-axis-value",
        replace(D, "values: [data, transport]", "values: [data, transport, {a: 1}]"),
        "SW104",
        D,
        11,
    ),
    ("manifest-name-not-slug", replace(D, "name: tiny-domain", "name: Tiny_Domain"), "SW104", D, 2),
    ("manifest-version-float", replace(D, 'version: "0.3.0"', "version: 1.0"), "SW104", D, 3),
    ("manifest-author-wrong-type", replace(D, "  - Test Author", "  - 5"), "SW104", D, 13),
    ("future-schema", replace(D, "schema: 1", "schema: 2"), "SW105", D, 1),
    ("bad-pep440-version", replace(D, 'version: "0.3.0"', 'version: "0.3.x"'), "SW106", D, 3),
    ("bad-requires-sdk", replace(D, 'requires-sdk: ">=0.1"', 'requires-sdk: "=>0.1"'), "SW107", D, 6),
    ("unsatisfied-requires-sdk", replace(D, 'requires-sdk: ">=0.1"', 'requires-sdk: ">=9.0"'), "SW108", D, 6),
    ("unused-tag", replace(P, "tags: [caching, latency]", "tags: [caching]"), "SW110", D, 7),
    ("unused-axis-value", replace(Q, "layer: [transport]", "layer: [data]"), "SW111", D, 11),
    ("no-atoms", remove("atoms"), "SW112", D, 1),
    # atoms
    ("atom-missing-key", replace(P, "summary: Keep caches close to the reads they serve.\n", ""), "SW201", P, 2),
    ("atom-unknown-key", replace(P, "quality: 4.5", "qualty: 4.5"), "SW202", P, 8),
    ("atom-wrong-type", replace(P, "quality: 4.5", "quality: high"), "SW203", P, 8),
    ("atom-quality-out-of-range", replace(P, "quality: 4.5", "quality: 7"), "SW203", P, 8),
    (
        "atom-wrong-type-deep",
        replace(P, "    url: https://example.org/caching", "    url: [https://example.org/caching]"),
        "SW203",
        P,
        12,
    ),
    ("atom-title-date", replace(P, "kind: principle", "kind: principle\ntitle: 2024-01-01"), "SW203", P, 4),
    ("id-mismatch", replace(P, "id: cache-near-reads", "id: cache-near-writes"), "SW204", P, 2),
    (
        "duplicate-id",
        write("atoms/principles/queue-writes.md", ATOM.format(id="queue-writes")),
        "SW205",
        "atoms/principles/queue-writes.md",
        2,
    ),
    ("unknown-kind", replace(P, "kind: principle", "kind: recipe"), "SW206", P, 3),
    ("unknown-tag", replace(P, "tags: [caching, latency]", "tags: [caching, latency, speed]"), "SW207", P, 5),
    ("unknown-axis", replace(Q, "  layer: [transport]", "  layer: [transport]\n  tier: [gold]"), "SW208", Q, 8),
    ("undeclared-axis-value", replace(Q, "layer: [transport]", "layer: [transport, orbit]"), "SW209", Q, 7),
    ("empty-body", replace(Q, "Queue writes that need not finish before the reply.\n", "\n   \n"), "SW210", Q, 10),
    ("stray-file", write("atoms/notes.txt", "notes"), "SW211", "atoms/notes.txt", None),
    # cross-references
    ("dangling-related", replace(P, "related: [queue-writes]", "related: [queue-writes, ghost]"), "SW301", P, 9),
    ("self-related", replace(P, "related: [queue-writes]", "related: [cache-near-reads]"), "SW302", P, 9),
    # files and YAML
    (
        "not-utf8",
        write("atoms/latin.md", b"---\nid: latin\nkind: rule\nsummary: caf\xe9\n---\nBody.\n"),
        "SW502",
        "atoms/latin.md",
        4,
    ),
    (
        "tab-indented-frontmatter",
        write("atoms/tabs.md", "---\nid: tabs\nkind: rule\nsummary: x\naxes:\n\tlayer: [data]\n---\nBody.\n"),
        "SW503",
        "atoms/tabs.md",
        6,
    ),
    (
        "manifest-yaml-syntax",
        replace(D, "tags: [caching, queues, latency]", "tags: [caching, queues, latency"),
        "SW503",
        D,
        7,
    ),  # where the "[" opened
    ("duplicate-key-atom", replace(P, "quality: 4.5", "quality: 4.5\nkind: rule"), "SW504", P, 9),
    ("duplicate-key-manifest", replace(D, "license: MIT", "license: MIT\nname: other"), "SW504", D, 17),
    (
        "duplicate-key-nested",
        replace(D, "    values: [data, transport]", "    values: [data, transport]\n    description: again"),
        "SW504",
        D,
        12,
    ),
    (
        "python-object-tag",
        replace(P, "summary: Keep", "summary: !!python/object/apply:os.system [echo]\nx-was: Keep"),
        "SW505",
        P,
        4,
    ),
    ("no-frontmatter", write("atoms/plain.md", "# Just markdown\n"), "SW506", "atoms/plain.md", 1),
    (
        "unclosed-frontmatter",
        write("atoms/open.md", "---\nid: open\nkind: rule\nsummary: x\n\nBody.\n"),
        "SW507",
        "atoms/open.md",
        1,
    ),
    ("non-string-key", replace(P, "quality: 4.5", "quality: 4.5\n3: three"), "SW508", P, 9),
    (
        "huge-file",
        write("atoms/huge.md", ATOM.format(id="huge") + "x" * (1024 * 1024 + 10)),
        "SW509",
        "atoms/huge.md",
        1,
    ),
    ("directory-named-like-atom", write("atoms/folder.md/inner.txt", "x"), "SW511", "atoms/folder.md", None),
]


@pytest.mark.parametrize("case,break_it,code,file,line", CASES, ids=[c[0] for c in CASES])
def test_each_break_gives_its_finding(valid_bundle: Path, case, break_it, code, file, line) -> None:
    break_it(valid_bundle)
    report = validate(valid_bundle)
    shown = [(f.code, f.file, f.line) for f in report.findings]
    expected_file = str(valid_bundle) if file == "." else f"{valid_bundle}/{file}"
    assert (code, expected_file, line) in shown, shown


def test_the_valid_fixture_is_valid(valid_bundle: Path) -> None:
    report = validate(valid_bundle)
    assert report.findings == []
    assert report.atoms == 3 and report.domains == ["tiny-domain"]


def test_severity_of_legal_but_likely_wrong_is_warning(valid_bundle: Path) -> None:
    replace(P, "tags: [caching, latency]", "tags: [caching]")(valid_bundle)
    report = validate(valid_bundle)
    assert [(f.code, f.severity) for f in report.findings] == [("SW110", Severity.WARNING)]
    assert not report.failed() and report.failed(strict=True)


def test_unreadable_file_is_a_finding_and_the_others_still_load(valid_bundle: Path) -> None:
    os.symlink(valid_bundle / "atoms" / "missing-target.md", valid_bundle / "atoms" / "gone.md")
    replace(P, "quality: 4.5", "quality: high")(valid_bundle)
    report = validate(valid_bundle)
    codes = {(f.code, Path(f.file).name) for f in report.findings}
    assert ("SW501", "gone.md") in codes
    assert ("SW203", "cache-near-reads.md") in codes  # the next file was still checked
    assert report.atoms == 4


def test_link_outside_the_bundle_is_not_followed(valid_bundle: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(ATOM.format(id="secret"), encoding="utf-8")
    os.symlink(secret, valid_bundle / "atoms" / "secret.md")
    report = validate(valid_bundle)
    assert [(f.code, f.file) for f in report.findings] == [("SW510", f"{valid_bundle}/atoms/secret.md")]
    assert report.atoms == 3


def test_a_broken_atom_does_not_make_links_to_it_dangle(valid_bundle: Path) -> None:
    write(Q, "---\nid: queue-writes\n  bad: [\n---\nBody\n")(valid_bundle)
    report = validate(valid_bundle)
    assert [f.code for f in report.findings] == ["SW503"]


def test_crlf_and_bom_are_accepted_and_lines_stay_right(valid_bundle: Path) -> None:
    file = valid_bundle / P
    text = file.read_text(encoding="utf-8").replace("quality: 4.5", "quality: high")
    file.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    report = validate(valid_bundle)
    assert [(f.code, f.line) for f in report.findings] == [("SW203", 8)]


def test_one_of_picks_the_sub_error_that_says_most(valid_bundle: Path) -> None:
    replace(D, "    email: second@example.org", "    mail: second@example.org")(valid_bundle)
    [finding] = validate(valid_bundle).findings
    assert (finding.code, finding.line) == ("SW103", 15)
    assert finding.message == "unknown key 'mail' in 'authors[1]'"
    assert finding.hint == "did you mean 'email'?"


def test_any_of_type_mismatch_names_every_accepted_type(valid_bundle: Path) -> None:
    replace(D, "  - Test Author", "  - 5")(valid_bundle)
    [finding] = validate(valid_bundle).findings
    assert finding.message == "'authors[0]' must be text or a mapping of keys to values, but YAML read the number 5"


def test_messages_are_in_the_authors_words(valid_bundle: Path) -> None:
    replace(D, 'version: "0.3.0"', "version: 1.0")(valid_bundle)
    replace(P, "kind: principle", "kind: principle\ntitle: 2024-01-01")(valid_bundle)
    messages = {f.code: (f.message, f.hint) for f in validate(valid_bundle).findings}
    assert messages["SW104"] == (
        "'version' must be text, but YAML read the number 1.0",
        "put the value in quotes so that YAML reads it as text",
    )
    assert messages["SW203"][0] == "'title' must be text, but YAML read a date (2024-01-01)"


def test_python_tags_are_never_executed(valid_bundle: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    replace(P, "summary: Keep", f"summary: !!python/object/apply:os.system ['touch {marker}']\nx-was: Keep")(
        valid_bundle
    )
    report = validate(valid_bundle)
    assert "SW505" in [f.code for f in report.findings]
    assert not marker.exists()


def test_external_related_links_are_left_to_the_registry(valid_bundle: Path) -> None:
    # the fixture links @other-domain/some-atom, which no bundle check may flag
    assert "@other-domain/some-atom" in (valid_bundle / Q).read_text()
    assert validate(valid_bundle).findings == []


def test_findings_have_exact_columns(valid_bundle: Path) -> None:
    replace(Q, "layer: [transport]", "layer: [transport, orbit]")(valid_bundle)
    [finding] = validate(valid_bundle).findings
    assert (finding.line, finding.column) == (7, 22)


def test_inline_suppression_silences_one_atom(valid_bundle: Path) -> None:
    replace(P, "tags: [caching, latency]", "tags: [caching, latency, speed]\nx-skillwiki-ignore: [SW207]")(valid_bundle)
    assert validate(valid_bundle).findings == []


def test_plugin_checks_run_through_the_skillwiki_checks_hook(valid_bundle: Path) -> None:
    import types

    from skillwiki_sdk import Rule, check, hookimpl
    from skillwiki_sdk.plugins import make_plugin_manager, rules_of

    short = Rule("ACME101", "warning", "short-summary", "A summary shorter than 45 characters")

    @check(short)
    def short_summaries(bundle):
        for atom in bundle.atoms:
            if len(atom.summary or "") < 45:
                yield short.finding("summary is short", file=atom.source, path=("summary",))

    plugin = types.ModuleType("acme_checks")
    plugin.skillwiki_checks = hookimpl(lambda: [short_summaries])
    manager = make_plugin_manager(extra=[plugin])
    report = validate(valid_bundle, manager=manager)
    assert [(f.code, Path(f.file).name, f.line) for f in report.findings] == [
        ("ACME101", "read-through.md", 5),
        ("ACME101", "cache-near-reads.md", 4),
    ]
    assert "ACME101" in [rule.code for rule in rules_of(manager)]


def test_builtin_checks_are_registered_as_plugins() -> None:
    from skillwiki_sdk.plugins import DEFAULT_PLUGINS, make_plugin_manager

    manager = make_plugin_manager()
    names = {manager.get_name(plugin) for plugin in manager.get_plugins()}
    assert set(DEFAULT_PLUGINS) <= names
    # unregistering one built-in plugin removes its findings, as for any plugin
    manager.unregister(name="skillwiki_sdk.checks.references")
    from skillwiki_sdk.checks.references import related_links

    assert related_links not in [c for r in manager.hook.skillwiki_checks() for c in r]


def test_every_rule_has_a_check_or_a_loader_that_emits_it() -> None:
    """Codes in the catalogue are unique and each appears in the code that reports it."""
    from skillwiki_sdk import rules

    codes = [rule.code for rule in rules.RULES]
    assert len(codes) == len(set(codes))
    source = "".join(p.read_text() for p in Path(rules.__file__).parent.rglob("*.py") if p.name != "rules.py")
    import re

    for rule in rules.RULES:
        constant = next(name for name, value in vars(rules).items() if value is rule)
        # used as a rule (rules.X.finding(...), or rules.X handed on), not merely named
        assert re.search(rf"\brules\.{constant}\b|\b{constant}\.finding\(", source), (
            f"{rule.code} ({constant}) is never reported"
        )


def test_the_sdk_manager_finds_the_hooks_pluggy_finds() -> None:
    """Registering a module is short-cut (its __dict__ decides); what is found must
    be what pluggy's own manager finds, for modules and for other plugin objects."""
    import types

    import pluggy

    from skillwiki_sdk import hookimpl, hookspecs
    from skillwiki_sdk.plugins import _base_manager

    module = types.ModuleType("shapes_module")
    exec(  # noqa: S102 - the test's own source, made into a module as an import would
        "from skillwiki_sdk import hookimpl\nfrom os.path import join\n"
        "@hookimpl\ndef skillwiki_domains():\n    return []\n"
        "@hookimpl\ndef skillwiki_checks():\n    return []\n"
        "helper = staticmethod(len)\nCONSTANT = 3\n"
        "def noted():\n    pass\nnoted.note = 1\nnoted.other_impl = {}\n",
        module.__dict__,
    )

    class Instance:
        @hookimpl
        def skillwiki_domains(self):
            return []

        @property
        def skillwiki_checks(self):  # a property is never run, nor a hook
            raise AssertionError("ran")

    class WithStatic:
        @staticmethod
        @hookimpl
        def skillwiki_domains():
            return []

    def found(manager: pluggy.PluginManager) -> list[tuple[str, str]]:
        return sorted(
            (hook, impl.function.__qualname__)
            for hook in ("skillwiki_domains", "skillwiki_checks")
            for impl in getattr(manager.hook, hook).get_hookimpls()
            if not impl.plugin_name.startswith("skillwiki_sdk.")
        )

    plain = pluggy.PluginManager(hookspecs.PROJECT)
    plain.add_hookspecs(hookspecs)
    ours = _base_manager()
    for plugin in (module, Instance(), WithStatic):
        plain.register(plugin)
        ours.register(plugin)
    assert found(ours) == found(plain)
    assert len(found(ours)) == 4
