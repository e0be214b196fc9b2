"""Hints: the nearest declared word for tags, axis values, axes and kinds, and only
suggestions that pass (a hint never proposes a value that breaks a rule)."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillwiki_sdk import validate
from skillwiki_sdk._words import is_slug
from skillwiki_sdk.testing import make_bundle

DOMAIN = {
    "kinds": ["principle", "pattern", "rule"],
    "tags": ["caching", "latency", "queues"],
    "axes": {
        "layer": {"description": "Where.", "values": ["data", "transport"]},
        "scope": {"description": "How far.", "values": ["local", "global"]},
    },
}
USES = {
    "tags": ["caching", "latency", "queues"],
    "axes": {"layer": ["data", "transport"], "scope": ["local", "global"]},
}


def finding_of(tmp_path: Path, atom: dict, code: str):
    """The one finding ``code`` of a bundle whose first atom is ``atom`` (a second
    atom uses the whole vocabulary, so nothing else is reported)."""
    root = make_bundle(tmp_path, DOMAIN, [atom, {"id": "user", **USES}])
    found = [f for f in validate(root).findings if f.code == code]
    assert len(found) == 1, [(f.code, f.message) for f in validate(root).findings]
    return found[0], root


@pytest.mark.parametrize(
    ("atom", "code", "line", "hint"),
    [
        (
            {"id": "a", "tags": ["cachng"]},
            "SW207",
            5,
            "did you mean 'caching'? Else add it to tags in domain.yaml, or use a tag that is there",
        ),
        (
            {"id": "a", "tags": ["Latency"]},
            "SW207",
            5,
            "did you mean 'latency'? Else tags are lowercase words joined by hyphens: write 'latency' and add it to "
            "tags in domain.yaml",
        ),
        ({"id": "a", "tags": ["xyzzy"]}, "SW207", 5, "add it to tags in domain.yaml, or use a tag that is there"),
        ({"id": "a", "axes": {"layer": ["dta"]}}, "SW209", 6, "did you mean 'data'?; declared values: data, transport"),
        ({"id": "a", "axes": {"layyer": ["data"]}}, "SW208", 6, "did you mean 'layer'?"),
        (
            {"id": "a", "kind": "principal"},
            "SW206",
            3,
            "did you mean 'principle'?; or declare it in kinds in domain.yaml",
        ),
        ({"id": "a", "kind": "Rule"}, "SW206", 3, "did you mean 'rule'?"),
    ],
)
def test_the_hint_names_the_nearest_declared_word(tmp_path: Path, atom: dict, code: str, line: int, hint: str) -> None:
    finding, root = finding_of(tmp_path, atom, code)
    assert (finding.file, finding.line, finding.hint) == (f"{root}/atoms/a.md", line, hint)


@pytest.mark.parametrize(
    ("file", "atom_id", "hint"),
    [
        ("Least-Privilege.md", "least-privilege", "rename the file to least-privilege.md"),
        ("least-privilege.md", "Least-Privilege", "set id: least-privilege"),
        ("cache.md", "caches", "rename the file to caches.md or set id: cache"),
        (
            "Least_Privilege.md",
            "Least Privilege",
            "rename the file to least-privilege.md and set id: least-privilege (ids are lowercase words joined by "
            "hyphens)",
        ),
    ],
)
def test_the_id_hint_suggests_only_slugs(tmp_path: Path, file: str, atom_id: str, hint: str) -> None:
    root = make_bundle(tmp_path, DOMAIN, [{"id": atom_id, "file": file}, {"id": "user", **USES}])
    [finding] = [f for f in validate(root).findings if f.code == "SW204"]
    assert (finding.file, finding.line, finding.hint) == (f"{root}/atoms/{file}", 2, hint)
    for word in hint.replace(".md", "").replace(":", " ").replace("(", " ").split():
        if word not in (
            "rename",
            "the",
            "file",
            "to",
            "or",
            "set",
            "id",
            "and",
            "ids",
            "are",
            "lowercase",
            "words",
            "joined",
            "by",
            "hyphens)",
        ):
            assert is_slug(word), word  # what it suggests passes the slug rule


def test_a_value_that_breaks_the_slug_rule_is_told_the_slug_that_passes(tmp_path: Path) -> None:
    root = make_bundle(
        tmp_path, DOMAIN, [{"id": "user", "related": [], **USES, "x-note": 1}, {"id": "b", "kind": "Big Idea"}]
    )
    [finding] = [f for f in validate(root).findings if f.code == "SW203"]
    assert (finding.file, finding.line, finding.hint) == (f"{root}/atoms/b.md", 3, "write 'big-idea'")


@pytest.mark.parametrize(
    ("name", "suggested"),
    [
        ("Web_Security", "did you mean 'web-security'?"),
        ("demo--domain", "did you mean 'demo-domain'?"),
        ("d", "for example 'backend-architecture'"),
        ("a" * 65, "for example 'backend-architecture'"),
    ],
)
def test_new_suggests_a_name_only_when_it_is_valid(tmp_path: Path, cli, name: str, suggested: str) -> None:
    result = cli("new", "--path", str(tmp_path / "out"), "--", name)
    assert result.code == 2
    assert result.err.rstrip().endswith(f"in words joined by single hyphens ({suggested})")
