"""``skillwiki compat NEW --against OLD``: every rule with its file and line, the
bump boundaries, renames with and without an alias, deprecation then removal, and
bad input. The baselines from wheels, sdists, git and an index are in
tests/test_compat_baselines.py."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from packaging.version import Version

from skillwiki_sdk.compat import bump_between, required_bump
from skillwiki_sdk.testing import make_bundle

DOMAIN: dict[str, Any] = {
    "name": "shop",
    "version": "1.0.0",
    "description": "Shops and their checkouts.",
    "kinds": ["principle", "pattern", "rule"],
    "tags": ["cart", "payment", "stock"],
    "axes": {
        "layer": {"description": "Which layer.", "values": ["data", "api", "ui"]},
        "scale": {"description": "How big.", "values": ["small", "large"]},
    },
    "license": "MIT",
}
ATOMS: list[dict[str, Any]] = [
    {
        "id": "cart-totals",
        "kind": "principle",
        "summary": "Totals are computed on the server.",
        "tags": ["cart"],
        "axes": {"layer": ["data"]},
        "quality": 4.0,
        "related": ["pay-once"],
        "body": "Compute totals where prices live.\n\nNever trust the client.",
    },
    {
        "id": "pay-once",
        "kind": "pattern",
        "summary": "Charge with an idempotency key.",
        "tags": ["payment"],
        "axes": {"layer": ["api"], "scale": ["large"]},
        "related": ["cart-totals"],
        "sources": [{"title": "Idempotency", "url": "https://example.org/idem"}],
        "body": "Send a key with every charge.",
    },
    {
        "id": "stock-check",
        "kind": "rule",
        "summary": "Check stock before taking money.",
        "tags": ["stock"],
        "axes": {"layer": ["ui"], "scale": ["small"]},
        "body": "Reserve, then charge.",
    },
]


def release(
    tmp: Path, folder: str, version: str, *, domain: dict | None = None, atoms: list[dict] | None = None
) -> Path:
    manifest = copy.deepcopy(DOMAIN)
    manifest.update(domain or {})
    manifest["version"] = version
    return make_bundle(tmp, manifest, copy.deepcopy(ATOMS if atoms is None else atoms), folder=folder)


_SCHEMA = json.loads((Path(__file__).parent / "data" / "compat.schema.json").read_text())


def compat(new: Path | str, old: Path | str, *extra: str) -> tuple[int, dict]:
    """``skillwiki compat --format json``: the exit code and the document, which
    every call here checks against tests/data/compat.schema.json."""
    import jsonschema

    result = run_cli("compat", str(new), "--against", str(old), "--format", "json", *extra)
    assert "Traceback" not in result.err
    assert result.code in (0, 1), result.err
    doc = json.loads(result.out)
    jsonschema.validate(doc, _SCHEMA)
    assert doc["ok"] == (result.code == 0)
    return result.code, doc


def line_of(path: Path, needle: str, start: int = 0) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if number > start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def atoms_with(**changes: dict) -> list[dict]:
    """ATOMS with the given atoms' keys changed (None removes an atom)."""
    out = []
    for atom in copy.deepcopy(ATOMS):
        change = changes.get(atom["id"].replace("-", "_"), {})
        if change is None:
            continue
        atom.update(change)
        out.append(atom)
    return out


def only(doc: dict, code: str) -> dict:
    found = [f for f in doc["findings"] if f["code"] == code]
    assert len(found) == 1, (code, [(f["code"], f["message"]) for f in doc["findings"]])
    return found[0]


def codes(doc: dict) -> list[str]:
    return sorted(f["code"] for f in doc["findings"])


def test_same_release_is_ok(tmp_path: Path) -> None:
    old = release(tmp_path, "old", "1.0.0")
    new = release(tmp_path, "new", "1.0.0")
    code, doc = compat(new, old)
    assert (code, doc["ok"], doc["findings"], doc["required_bump"], doc["actual_bump"]) == (0, True, [], "none", "none")
    assert (doc["old"]["domain"], doc["old"]["version"], doc["new"]["version"]) == ("shop", "1.0.0", "1.0.0")


# (what changes, code, class, the file it is reported in: new/old and the atom or domain.yaml, the text on its line)
ATOM_CASES = [
    ("removed", dict(stock_check=None), "SW602", "breaking", ("old", "atoms/stock-check.md"), "id: stock-check"),
    ("kind", dict(stock_check={"kind": "pattern"}), "SW604", "breaking", ("new", "atoms/stock-check.md"), "kind:"),
    (
        "summary",
        dict(cart_totals={"summary": "Totals are computed by the server."}),
        "SW620",
        "edit",
        ("new", "atoms/cart-totals.md"),
        "summary:",
    ),
    (
        "body",
        dict(cart_totals={"body": "Compute totals where prices live.\n\nAlways."}),
        "SW621",
        "edit",
        ("new", "atoms/cart-totals.md"),
        "Compute totals",
    ),
    ("title", dict(cart_totals={"title": "Server totals"}), "SW622", "edit", ("new", "atoms/cart-totals.md"), "title:"),
    ("quality", dict(cart_totals={"quality": 4.5}), "SW623", "edit", ("new", "atoms/cart-totals.md"), "quality:"),
    (
        "tags",
        dict(cart_totals={"tags": ["cart", "payment"]}),
        "SW624",
        "edit",
        ("new", "atoms/cart-totals.md"),
        "tags:",
    ),
    (
        "axes",
        dict(cart_totals={"axes": {"layer": ["data", "api"]}}),
        "SW625",
        "edit",
        ("new", "atoms/cart-totals.md"),
        "axes:",
    ),
    (
        "related",
        dict(cart_totals={"related": ["stock-check"]}),
        "SW626",
        "edit",
        ("new", "atoms/cart-totals.md"),
        "related:",
    ),
    (
        "sources",
        dict(pay_once={"sources": [{"title": "Idempotency", "url": "https://example.org/idem2"}]}),
        "SW627",
        "edit",
        ("new", "atoms/pay-once.md"),
        "sources:",
    ),
    (
        "deprecated",
        dict(stock_check={"deprecated": "use reserve-stock instead"}),
        "SW615",
        "addition",
        ("new", "atoms/stock-check.md"),
        "deprecated:",
    ),
]


@pytest.mark.parametrize("name, atoms, code, change_class, where, text", ATOM_CASES, ids=[c[0] for c in ATOM_CASES])
def test_atom_rules(
    tmp_path: Path, name: str, atoms: dict, code: str, change_class: str, where: tuple, text: str
) -> None:
    old = release(tmp_path, "old", "1.0.0")
    new = release(tmp_path, "new", "1.0.0", atoms=atoms_with(**atoms))
    code_, doc = compat(new, old)
    finding = only(doc, code)
    side, file = where
    path = (old if side == "old" else new) / file
    assert finding["file"] == f"{path}"
    assert finding["line"] == line_of(path, text)
    assert finding["class"] == change_class and finding["subject"]
    assert finding["severity"] == "error" and code_ == 1  # the same version covers nothing
    assert doc["required_bump"] == {"breaking": "major", "addition": "minor", "edit": "patch"}[change_class]
    assert only(doc, "SW640")["file"] == f"{new}/domain.yaml"


DOMAIN_CASES = [
    ("tag-removed", {"tags": ["cart", "payment"]}, "SW605", "breaking", "old", "stock]"),
    ("axis-removed", {"axes": {"layer": DOMAIN["axes"]["layer"]}}, "SW606", "breaking", "old", "  scale:"),
    (
        "value-removed",
        {
            "axes": {
                "layer": {"description": "Which layer.", "values": ["data", "api"]},
                "scale": DOMAIN["axes"]["scale"],
            }
        },
        "SW607",
        "breaking",
        "old",
        "values: [data, api, ui]",
    ),
    ("kind-removed", {"kinds": ["principle", "pattern", "rule"]}, None, None, None, None),
    ("renamed", {"name": "store"}, "SW601", "breaking", "new", "name:"),
    ("tag-added", {"tags": ["cart", "payment", "stock", "refund"]}, "SW611", "addition", "new", "tags:"),
    (
        "axis-added",
        {"axes": {**DOMAIN["axes"], "region": {"description": "Where.", "values": ["eu"]}}},
        "SW612",
        "addition",
        "new",
        "  region:",
    ),
    (
        "value-added",
        {
            "axes": {
                "layer": {"description": "Which layer.", "values": ["data", "api", "ui", "edge"]},
                "scale": DOMAIN["axes"]["scale"],
            }
        },
        "SW613",
        "addition",
        "new",
        "values: [data, api, ui, edge]",
    ),
    ("kind-added", {"kinds": ["principle", "pattern", "rule", "recipe"]}, "SW614", "addition", "new", "kinds:"),
    ("description", {"description": "Shops, carts and their checkouts."}, "SW628", "edit", "new", "description:"),
    ("license", {"license": "Apache-2.0"}, "SW629", "edit", "new", "license:"),
    ("sdk-narrowed", {"requires-sdk": ">=0.1.5,<0.2"}, "SW630", "edit", "new", "requires-sdk:"),
    ("sdk-widened", {"requires-sdk": ">=0.1,<0.3"}, "SW631", "edit", "new", "requires-sdk:"),
]


@pytest.mark.parametrize("name, domain, code, change_class, side, text", DOMAIN_CASES, ids=[c[0] for c in DOMAIN_CASES])
def test_domain_rules(
    tmp_path: Path,
    name: str,
    domain: dict,
    code: str | None,
    change_class: str | None,
    side: str | None,
    text: str | None,
) -> None:
    base = {"requires-sdk": ">=0.1,<0.2"}
    old = release(tmp_path, "old", "1.0.0", domain=base)
    new = release(tmp_path, "new", "1.0.0", domain={**base, **domain})
    code_, doc = compat(new, old)
    if code is None:  # an unchanged manifest
        assert (code_, doc["findings"]) == (0, [])
        return
    finding = only(doc, code)
    path = (old if side == "old" else new) / "domain.yaml"
    assert (finding["file"], finding["line"], finding["class"]) == (str(path), line_of(path, text), change_class)
    assert code_ == 1


def test_kind_removed_from_the_kinds_is_breaking(tmp_path: Path) -> None:
    old = release(tmp_path, "old", "1.0.0", domain={"kinds": ["principle", "pattern", "rule", "recipe"]})
    new = release(tmp_path, "new", "2.0.0")
    code, doc = compat(new, old)
    finding = only(doc, "SW608")
    assert (finding["file"], finding["line"], finding["subject"]) == (
        f"{old}/domain.yaml",
        line_of(old / "domain.yaml", "recipe"),
        "recipe",
    )
    assert (code, doc["required_bump"], doc["actual_bump"]) == (0, "major", "major")
    assert finding["severity"] == "warning"  # covered


def test_added_atom(tmp_path: Path) -> None:
    old = release(tmp_path, "old", "1.0.0")
    new = release(
        tmp_path,
        "new",
        "1.1.0",
        atoms=ATOMS + [{"id": "refunds", "summary": "Refund to the card charged.", "tags": ["payment"]}],
    )
    code, doc = compat(new, old)
    finding = only(doc, "SW610")
    assert (finding["file"], finding["line"], finding["class"], finding["bump"]) == (
        f"{new}/atoms/refunds.md",
        2,
        "addition",
        "minor",
    )
    assert (code, doc["ok"], doc["required_bump"], doc["actual_bump"]) == (0, True, "minor", "minor")


def test_rename_without_alias_is_breaking_and_says_so(tmp_path: Path) -> None:
    old = release(tmp_path, "old", "1.0.0")
    renamed = atoms_with(stock_check={"id": "check-stock"})
    new = release(tmp_path, "new", "1.0.1", atoms=renamed)
    code, doc = compat(new, old)
    assert codes(doc) == ["SW603", "SW640"]
    finding = only(doc, "SW603")
    assert "looks renamed to 'check-stock'" in finding["message"] and "aliases: [stock-check]" in finding["hint"]
    assert (finding["file"], finding["line"]) == (f"{new}/atoms/check-stock.md", 2)
    assert (code, doc["required_bump"], doc["actual_bump"]) == (1, "major", "patch")


def test_rename_with_alias_is_an_edit(tmp_path: Path) -> None:
    old = release(tmp_path, "old", "1.0.0")
    renamed = atoms_with(stock_check={"id": "check-stock", "aliases": ["stock-check"]})
    new = release(tmp_path, "new", "1.0.1", atoms=renamed)
    code, doc = compat(new, old)
    finding = only(doc, "SW616")
    assert (finding["class"], finding["file"], finding["line"]) == (
        "edit",
        f"{new}/atoms/check-stock.md",
        line_of(new / "atoms/check-stock.md", "aliases:"),
    )
    assert (code, doc["required_bump"], doc["actual_bump"], doc["ok"]) == (0, "patch", "patch", True)
    # and validate resolves a link to the alias
    linked = atoms_with(
        stock_check={"id": "check-stock", "aliases": ["stock-check"]}, cart_totals={"related": ["stock-check"]}
    )
    other = release(tmp_path, "linked", "1.0.1", atoms=linked)
    result = run_cli("validate", str(other), "--format", "json")
    assert json.loads(result.out)["results"][0]["findings"] == [] and result.code == 0


def test_rename_with_a_changed_body_and_summary_is_a_removal(tmp_path: Path) -> None:
    old = release(tmp_path, "old", "1.0.0")
    new = release(
        tmp_path,
        "new",
        "2.0.0",
        atoms=atoms_with(stock_check={"id": "reserve", "summary": "Reserve first.", "body": "Other."}),
    )
    code, doc = compat(new, old)
    assert codes(doc) == ["SW602", "SW610"] and code == 0


def test_deprecation_then_removal_needs_only_minor_bumps(tmp_path: Path) -> None:
    v1 = release(tmp_path, "v1", "1.0.0")
    v2 = release(tmp_path, "v2", "1.1.0", atoms=atoms_with(stock_check={"deprecated": "use reserve-stock instead"}))
    v3 = release(tmp_path, "v3", "1.2.0", atoms=atoms_with(stock_check=None))
    code, doc = compat(v2, v1)
    assert (code, codes(doc), doc["required_bump"]) == (0, ["SW615"], "minor")
    code, doc = compat(v3, v2)
    finding = only(doc, "SW609")
    assert (finding["class"], finding["bump"], finding["file"], finding["line"]) == (
        "retirement",
        "minor",
        f"{v2}/atoms/stock-check.md",
        line_of(v2 / "atoms/stock-check.md", "deprecated:"),
    )
    assert (code, doc["required_bump"]) == (0, "minor")
    code, doc = compat(v3, v1)  # skipping the deprecation: a removal
    assert (code, codes(doc)) == (1, ["SW602", "SW640"])


def test_removing_an_alias_is_breaking(tmp_path: Path) -> None:
    old = release(tmp_path, "old", "1.0.0", atoms=atoms_with(stock_check={"aliases": ["check-stock"]}))
    new = release(tmp_path, "new", "1.1.0")
    code, doc = compat(new, old)
    finding = only(doc, "SW602")
    assert (finding["subject"], finding["file"], finding["line"]) == (
        "check-stock",
        f"{old}/atoms/stock-check.md",
        line_of(old / "atoms/stock-check.md", "aliases: [check-stock]"),
    )
    assert code == 1


BUMPS = [
    # (old, new, class of the change, covered?)
    ("1.2.0", "2.0.0", "breaking", True),
    ("1.2.0", "1.3.0", "breaking", False),
    ("1.2.0", "1.2.1", "breaking", False),
    ("0.3.0", "0.4.0", "breaking", True),
    ("0.3.0", "0.3.1", "breaking", False),
    ("0.9.1", "1.0.0", "breaking", True),
    ("1.2.0", "1.3.0", "addition", True),
    ("1.2.0", "1.2.1", "addition", False),
    ("0.3.0", "0.3.1", "addition", False),
    ("0.3.0", "0.4.0", "addition", True),
    ("1.2.0", "1.2.1", "edit", True),
    ("1.2.0", "1.2.0.post1", "edit", True),
    ("1.2", "1.2.0", "edit", False),
    ("1.2.0", "1.2.0", "edit", False),
    ("1!1.0", "1!1.0.1", "edit", True),
]
CHANGE = {
    "breaking": dict(stock_check=None),
    "addition": dict(stock_check={"deprecated": "going away"}),
    "edit": dict(stock_check={"summary": "Check stock before charging."}),
}


@pytest.mark.parametrize("before, after, change_class, covered", BUMPS)
def test_bump_boundaries(tmp_path: Path, before: str, after: str, change_class: str, covered: bool) -> None:
    old = release(tmp_path, "old", before)
    new = release(tmp_path, "new", after, atoms=atoms_with(**CHANGE[change_class]))
    code, doc = compat(new, old)
    assert doc["required_bump"] == required_bump(change_class, Version(before).release[0])
    assert doc["actual_bump"] == bump_between(Version(before), Version(after))
    assert (code == 0, doc["ok"]) == (covered, covered)
    summary = run_cli("compat", str(new), "--against", str(old)).out.splitlines()[-1]
    assert f"required bump: {doc['required_bump']}, made: {doc['actual_bump']}" in summary
    assert summary.endswith("[ok]" if covered else "[FAILED]")


def test_bump_between() -> None:
    v = Version
    assert [bump_between(v("1.0"), v(x)) for x in ("2.0", "1.1", "1.0.1", "1.0", "0.9")] == [
        "major",
        "minor",
        "patch",
        "none",
        None,
    ]
    assert required_bump("breaking", 0) == "minor" and required_bump("breaking", 1) == "major"


def test_a_lower_version_is_a_finding(tmp_path: Path) -> None:
    old = release(tmp_path, "old", "1.2.0")
    new = release(tmp_path, "new", "1.1.0")
    code, doc = compat(new, old)
    finding = only(doc, "SW641")
    assert (code, finding["file"], finding["line"], doc["actual_bump"]) == (
        1,
        f"{new}/domain.yaml",
        line_of(new / "domain.yaml", "version:"),
        None,
    )


def test_ignore_by_code_and_subject(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    old = release(tmp_path, "old", "1.0.0")
    new = release(project, "bundle", "1.0.0", atoms=atoms_with(stock_check=None, cart_totals={"summary": "Changed."}))
    (project / "pyproject.toml").write_text('[tool.skillwiki.compat]\nignore = ["SW602:stock-check"]\n')
    code, doc = compat(new, old)
    assert [f["code"] for f in doc["ignored"]] == ["SW602"] and doc["summary"]["ignored"] == 1
    assert codes(doc) == ["SW620", "SW640"] and doc["required_bump"] == "patch"
    code, doc = compat(new, old, "--ignore", "SW620:cart-totals")
    assert (code, codes(doc)) == (0, [])
    # validate accepts the table beside its own keys
    assert run_cli("validate", str(project)).code == 0


@pytest.mark.parametrize("entry", ['"SW602"', '"SW6xx:stock-check"', '"SW640:shop"', '"SW602:"', "3"])
def test_an_ignore_is_one_finding_never_a_class(tmp_path: Path, entry: str) -> None:
    project = tmp_path / "project"
    project.mkdir()
    old = release(tmp_path, "old", "1.0.0")
    new = release(project, "bundle", "1.0.0")
    (project / "pyproject.toml").write_text(f"[tool.skillwiki.compat]\nignore = [{entry}]\n")
    result = run_cli("compat", str(new), "--against", str(old))
    assert result.code == 2 and "Traceback" not in result.err and "skillwiki: error:" in result.err


def test_against_from_the_settings_and_no_baseline(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    old = release(tmp_path, "old", "1.0.0")
    new = release(project, "bundle", "1.0.0")
    assert run_cli("compat", str(new)).code == 2
    (project / "pyproject.toml").write_text(f'[tool.skillwiki.compat]\nagainst = "{old}"\n')
    assert run_cli("compat", str(new)).code == 0
    (project / "pyproject.toml").write_text('[tool.skillwiki.compat]\nagainst = "x"\nfail = 1\n')
    assert run_cli("compat", str(new)).code == 2


def test_formats(tmp_path: Path) -> None:
    old = release(tmp_path, "old", "1.0.0")
    new = release(tmp_path, "new", "1.0.1", atoms=atoms_with(stock_check=None, cart_totals={"summary": "Changed."}))
    text = run_cli("compat", str(new), "--against", str(old))
    assert text.code == 1
    lines = text.out.splitlines()
    assert (
        lines[0].startswith(f"{new}/atoms/cart-totals.md:{line_of(new / 'atoms/cart-totals.md', 'summary:')}:")
        and " SW620 " in lines[0]
    )
    assert (
        lines[-1].startswith("compat: shop 1.0.1")
        and "1 breaking, 0 additions, 1 edit; required bump: major, made: patch [FAILED]" in lines[-1]
    )
    github = run_cli("compat", str(new), "--against", str(old), "--format", "github")
    assert github.code == 1
    # annotations name files relative to the working folder when they are inside it
    shown = lambda path: os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)  # noqa: E731
    assert f"::error file={shown(old / 'atoms/stock-check.md')},line=2,col=1,title=SW602::" in github.out
    assert f"::warning file={shown(new / 'atoms/cart-totals.md')}," in github.out
    assert "required bump: major" in github.err
    sarif = json.loads(run_cli("compat", str(new), "--against", str(old), "--format", "sarif").out)
    run = sarif["runs"][0]
    assert sorted(r["ruleId"] for r in run["results"]) == ["SW602", "SW620", "SW640"]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {"SW602", "SW620", "SW640"}
    try:
        import jsonschema
    except ImportError:  # pragma: no cover
        return
    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(sarif, schema)


# --- bad input ---------------------------------------------------------------------


def test_broken_old_is_a_finding(tmp_path: Path) -> None:
    old = release(tmp_path, "old", "1.0.0")
    (old / "domain.yaml").write_text("name: [unclosed\n")
    new = release(tmp_path, "new", "1.0.0")
    code, doc = compat(new, old)
    assert code == 1 and "SW600" in codes(doc) and "SW503" in codes(doc)
    assert only(doc, "SW503")["file"] == f"{old}/domain.yaml"


def test_a_broken_atom_in_new_is_its_finding(tmp_path: Path) -> None:
    old = release(tmp_path, "old", "1.0.0")
    new = release(tmp_path, "new", "1.0.0")
    (new / "atoms" / "pay-once.md").write_text("---\nid: pay-once\nsummary: [\n---\nbody\n")
    code, doc = compat(new, old)
    assert code == 1 and codes(doc) == ["SW503"] and only(doc, "SW503")["file"] == f"{new}/atoms/pay-once.md"


def test_two_different_domains(tmp_path: Path) -> None:
    old = make_bundle(tmp_path, {"name": "other", "version": "1.0.0"}, [{"id": "x"}], folder="old")
    new = release(tmp_path, "new", "2.0.0")
    code, doc = compat(new, old)
    finding = only(doc, "SW600")
    assert code == 1 and "two different domains" in finding["message"] and finding["file"] == f"{new}/domain.yaml"


@pytest.mark.parametrize("old", ["missing", "file.txt", "two"])
def test_unusable_old(tmp_path: Path, old: str) -> None:
    (tmp_path / "file.txt").write_text("x")
    release(tmp_path / "two", "a", "1.0.0")
    release(tmp_path / "two", "b", "1.0.0")
    new = release(tmp_path, "new", "1.0.0")
    code, doc = compat(new, tmp_path / old)
    assert code == 1 and codes(doc) == ["SW600"]


@pytest.mark.parametrize("case", ["schema/version-5000-digits", "schema/requires-sdk-5000-digits"])
@pytest.mark.parametrize("side", ["new", "old"])
def test_a_version_or_requires_sdk_of_5000_digits_is_bad_input_not_a_bug(tmp_path: Path, case: str, side: str) -> None:
    """The hostile corpus's bundles, on either side: validate says SW106 / SW107;
    compat said SW599 "a bug in skillwiki-sdk" (int() refuses more than 4300 digits).
    Now the version is unusable (SW641) and the requires-sdk an edit that says it
    cannot be compared, each at its line, with the number cut short."""
    from test_hostile import HOSTILE, build_case

    broken = build_case(HOSTILE / case, tmp_path)
    good = tmp_path / "outside"  # the corpus's valid base bundle
    new, old = (broken, good) if side == "new" else (good, broken)
    code, doc = compat(new, old)
    assert code == 1 and "SW599" not in codes(doc)
    if case.endswith("version-5000-digits"):
        finding = only(doc, "SW641")
        assert (finding["file"], finding["line"]) == (f"{broken}/domain.yaml", 3)
        assert f"version '{'1' * 57}...' is not a PEP 440 version" in finding["message"]
    else:
        finding = only(doc, "SW631")
        assert (finding["file"], finding["line"]) == (f"{new}/domain.yaml", 6)
        assert f"'>={'7' * 55}...' is not a PEP 440 specifier set" in finding["message"]
    assert len(finding["message"]) < 300
    text = run_cli("compat", str(new), "--against", str(old))
    assert text.code == 1 and max(len(line) for line in text.out.splitlines()) < 400


def test_bad_specs_are_usage_errors(tmp_path: Path) -> None:
    new = release(tmp_path, "new", "1.0.0")
    for against in ("index:not a spec!", "git:", "index:skillwiki-shop<" + "7" * 5000):
        result = run_cli("compat", str(new), "--against", against)
        assert result.code == 2 and "Traceback" not in result.err, (against, result.err)


def test_rules_lists_the_compat_codes() -> None:
    out = run_cli("rules").out
    for code in ("SW600", "SW602", "SW609", "SW616", "SW630", "SW640"):
        assert code in out


def test_unchanged_files_are_not_parsed_and_still_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file the same in both releases is compared by its bytes only; a file whose
    frontmatter is the same has it parsed once."""
    import skillwiki_sdk.loading as loading

    old = release(tmp_path, "old", "1.0.0")
    new = release(
        tmp_path,
        "new",
        "1.0.1",
        atoms=atoms_with(cart_totals={"summary": "Changed."}, pay_once={"body": "A new body."}),
    )
    parsed: list[str] = []
    real = loading.load_yaml

    def spy(text, source, **kwargs):
        parsed.append(Path(source.display).relative_to(tmp_path).as_posix())
        return real(text, source, **kwargs)

    monkeypatch.setattr(loading, "load_yaml", spy)
    code, doc = compat(new, old, "--jobs", "1")
    assert (code, codes(doc)) == (0, ["SW620", "SW621"])
    assert sorted(p for p in parsed if "/atoms/" in p) == [
        "new/atoms/cart-totals.md",
        "new/atoms/pay-once.md",
        "old/atoms/cart-totals.md",
    ]


class _Plugin:
    """A plugin object whose hook names one bundle."""

    def __init__(self, root: Path) -> None:
        self.root = root

    from skillwiki_sdk import hookimpl

    @hookimpl
    def skillwiki_domains(self) -> list:
        return [self.root]


def test_a_link_to_an_alias_resolves_across_domains_in_the_registry(tmp_path: Path) -> None:
    from skillwiki_sdk import Registry

    target = make_bundle(tmp_path, {"name": "shop"}, [{"id": "check-stock", "aliases": ["stock-check"]}], folder="shop")
    linking = make_bundle(tmp_path, {"name": "blog"}, [{"id": "post", "related": ["@shop/stock-check"]}], folder="blog")
    registry = Registry.from_plugins([_Plugin(target), _Plugin(linking)])
    assert [p.reason for p in registry.problems] == [] and sorted(registry.domains) == ["blog", "shop"]
    broken = make_bundle(tmp_path, {"name": "news"}, [{"id": "item", "related": ["@shop/no-such-atom"]}], folder="news")
    registry = Registry.from_plugins([_Plugin(target), _Plugin(broken)])
    assert "news" not in registry.domains and any("no-such-atom" in p.reason for p in registry.problems)


def test_alias_conflicts_and_self_links(tmp_path: Path) -> None:
    root = make_bundle(
        tmp_path,
        {"name": "shop"},
        [
            {"id": "a", "aliases": ["b"]},
            {"id": "b"},
            {"id": "c", "aliases": ["old"], "related": ["old"]},
            {"id": "d", "aliases": ["old"]},
        ],
    )
    doc = json.loads(run_cli("validate", str(root), "--format", "json").out)
    found = sorted((f["code"], Path(f["file"]).name, f["line"]) for f in doc["results"][0]["findings"])
    assert found == [
        ("SW302", "c.md", line_of(root / "atoms/c.md", "related: [old]")),
        ("SW305", "a.md", line_of(root / "atoms/a.md", "aliases: [b]")),
        ("SW305", "d.md", line_of(root / "atoms/d.md", "aliases: [old]")),
    ]


def test_the_card_shows_deprecated_atoms(tmp_path: Path) -> None:
    root = release(tmp_path, "shop", "1.0.0", atoms=atoms_with(stock_check={"deprecated": "use reserve-stock instead"}))
    card = run_cli("show", str(root))
    assert card.code == 0
    assert "Stock Check (deprecated)" in card.out and "stock-check: use reserve-stock instead" in card.out
    doc = json.loads(run_cli("show", str(root), "--format", "json").out)
    assert doc["deprecated"] == [{"id": "stock-check", "title": "Stock Check", "reason": "use reserve-stock instead"}]


def test_a_bug_is_one_finding_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import skillwiki_sdk.compat as compat_module

    def broken(*args, **kwargs):
        raise RuntimeError("oops")

    monkeypatch.setattr(compat_module, "compare", broken)
    monkeypatch.delenv("SKILLWIKI_DEBUG", raising=False)
    old = release(tmp_path, "old", "1.0.0")
    new = release(tmp_path, "new", "1.0.0")
    code, doc = compat(new, old)
    assert (code, codes(doc)) == (1, ["SW599"]) and "RuntimeError: oops" in doc["findings"][0]["message"]


def test_a_manifest_that_breaks_the_schema_is_its_finding(tmp_path: Path) -> None:
    old = release(tmp_path, "old", "1.0.0")
    new = release(tmp_path, "new", "1.0.1", domain={"tags": "cart"})
    code, doc = compat(new, old)
    assert code == 1 and "SW605" not in codes(doc)  # unusable tags are not "every tag removed"
    assert any(f["code"].startswith("SW1") and f["file"] == f"{new}/domain.yaml" for f in doc["findings"])


def test_merging_an_atom_into_another_with_an_alias_is_an_edit(tmp_path: Path) -> None:
    old = release(tmp_path, "old", "1.0.0")
    merged = atoms_with(stock_check=None, pay_once={"aliases": ["stock-check"]})
    new = release(tmp_path, "new", "1.0.1", atoms=merged)
    code, doc = compat(new, old)
    assert (code, codes(doc), doc["required_bump"]) == (0, ["SW616"], "patch")


def test_skillwiki_new_explains_aliases_and_deprecated(tmp_path: Path) -> None:
    assert run_cli("new", "demo-shop", "--path", str(tmp_path / "p")).code == 0
    text = "\n".join(p.read_text() for p in (tmp_path / "p").rglob("*.md"))
    assert "aliases: [old-id]" in text and 'deprecated: "why, and what to use instead"' in text
    assert run_cli("validate", str(tmp_path / "p")).code == 0
