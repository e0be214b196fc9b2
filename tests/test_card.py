"""`skillwiki show` reproduces every figure of the marketplace card it was described from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import EXAMPLE, EXAMPLE_BUNDLE, TESTS

from skillwiki_sdk.card import excerpt

CARD = (TESTS / "data" / "backend-architecture-card.txt").read_text(encoding="utf-8")


def parse_card(text: str) -> dict:
    """The figures printed on the marketplace page, read from its text."""
    lines = [line.strip() for line in text.splitlines()]
    header = next(line for line in lines if re.match(r"^v\S+ \d+ atoms \d+ tags \d+ axes$", line))
    version, atoms, tags, axes = re.match(r"^v(\S+) (\d+) atoms (\d+) tags (\d+) axes$", header).groups()
    kinds = {
        m.group(1): int(m.group(2)) for line in lines if (m := re.match(r"^(principle|pattern|rule) (\d+)$", line))
    }
    vocabulary = lines[lines.index("Words a brief might contain that signal this domain.") + 2]
    axis_rows = [i for i, line in enumerate(lines) if re.match(r"^[a-z-]+ · \d+ matches$", line)]
    axis_list = []
    for i in axis_rows:
        axis_id, matches = re.match(r"^([a-z-]+) · (\d+) matches$", lines[i]).groups()
        axis_list.append(
            {"id": axis_id, "matches": int(matches), "description": lines[i + 2], "values_joined": lines[i + 4]}
        )
    samples = []
    for i, line in enumerate(lines):
        m = re.match(r"^(principle|pattern|rule) @(\S+)$", line)
        if m:
            foot = re.match(r"^\S+ ↗ (\d+) · q(\d\.\d)$", lines[i + 6])
            samples.append(
                {
                    "kind": m.group(1),
                    "title": lines[i + 2],
                    "excerpt": lines[i + 4],
                    "related": int(foot.group(1)),
                    "quality": float(foot.group(2)),
                }
            )
    top = lines.index("Marketplace / Browse / backend-architecture")
    return {
        "name": lines[top + 2],
        "description": lines[top + 4],
        "version": version,
        "counts": {"atoms": int(atoms), "tags": int(tags), "axes": int(axes)},
        "kinds": kinds,
        "tags_joined": vocabulary,
        "axes": axis_list,
        "samples": samples,
    }


EXPECTED = parse_card(CARD)


def test_the_card_parser_reads_the_figures() -> None:
    # guards the parser itself: these are the figures a reader sees on the page
    assert EXPECTED["counts"] == {"atoms": 18, "tags": 22, "axes": 3}
    assert EXPECTED["kinds"] == {"principle": 8, "pattern": 6, "rule": 4}
    assert [a["matches"] for a in EXPECTED["axes"]] == [10, 8, 9]
    assert len(EXPECTED["samples"]) == 12


@pytest.mark.parametrize("target", [EXAMPLE, EXAMPLE_BUNDLE], ids=["project", "bundle"])
def test_show_json_reproduces_every_figure(cli, target: Path) -> None:
    result = cli("show", str(target), "--format", "json")
    assert result.code == 0, result.err
    card = json.loads(result.out)
    assert card["name"] == EXPECTED["name"]
    assert card["description"] == EXPECTED["description"]
    assert card["version"] == EXPECTED["version"]
    assert card["counts"] == EXPECTED["counts"]
    assert card["kinds"] == EXPECTED["kinds"]
    assert "".join(card["tags"]) == EXPECTED["tags_joined"]
    for got, want in zip(card["axes"], EXPECTED["axes"], strict=True):
        assert (got["id"], got["matches"], got["description"]) == (want["id"], want["matches"], want["description"])
        assert "".join(got["values"]) == want["values_joined"]
    got_samples = [{k: s[k] for k in ("kind", "title", "excerpt", "related", "quality")} for s in card["samples"]]
    assert got_samples == EXPECTED["samples"]


def test_show_text_prints_the_card(cli) -> None:
    result = cli("show", str(EXAMPLE))
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith("backend-architecture\n")
    assert "v1.0.0 · 18 atoms · 22 tags · 3 axes" in out
    for kind, count in EXPECTED["kinds"].items():
        assert re.search(rf"^  {kind}\s+{count}$", out, re.M)
    for axis in EXPECTED["axes"]:
        assert f"{axis['id']} · {axis['matches']} matches" in out
    for sample in EXPECTED["samples"]:
        block = (
            f"  {sample['kind']} @backend-architecture\n  {sample['title']}\n  {sample['excerpt']}\n"
            f"  backend-architecture ↗ {sample['related']} · q{sample['quality']:.1f}\n"
        )
        assert block in out
    assert out.rstrip().endswith(
        "See all 18 atoms in backend-architecture: skillwiki atoms backend-architecture"
    )  # the command that lists every atom


def test_show_of_a_missing_path_or_name_is_an_error_not_a_traceback(cli, tmp_path: Path) -> None:
    result = cli("show", str(tmp_path / "nothing-here"))
    assert result.code != 0
    assert "Traceback" not in result.err and "no installed domain named" in result.err


def test_show_reports_errors_of_a_broken_bundle(cli, example_bundle: Path) -> None:
    atom = example_bundle / "atoms" / "patterns" / "saga.md"
    atom.write_text(atom.read_text(encoding="utf-8").replace("kind: pattern", "kind: recipe"), encoding="utf-8")
    result = cli("show", str(example_bundle))
    assert result.code == 1
    assert "1 error" in result.err and "skillwiki validate" in result.err


@pytest.mark.parametrize(
    "summary,expected",
    [
        ("Short and whole.", "Short and whole."),
        ("x" * 220, "x" * 220),
        # a sentence end that keeps at least half of the limit: cut there
        ("A" * 150 + ". " + "b" * 100, "A" * 150 + ".…"),
        # a sentence end too early: hard cut at the limit
        ("A" * 50 + ". " + "b" * 300, ("A" * 50 + ". " + "b" * 300)[:220] + "…"),
        # a sentence ending exactly at the limit
        ("A" * 219 + ". more", "A" * 219 + ".…"),
    ],
)
def test_excerpt_cuts_as_the_card_does(summary: str, expected: str) -> None:
    assert excerpt(summary) == expected


def test_show_refuses_a_folder_of_several_bundles(cli, tmp_path: Path) -> None:
    import shutil

    from conftest import FIXTURES

    for name in ("one", "two"):
        shutil.copytree(FIXTURES / "valid", tmp_path / "src" / name / "bundle")
    result = cli("show", str(tmp_path))
    assert result.code == 2
    assert "holds 2 bundles" in result.err and "src/one/bundle" in result.err and "src/two/bundle" in result.err


def test_card_counts_read_as_words(cli, tmp_path: Path) -> None:
    from skillwiki_sdk.testing import make_bundle

    root = make_bundle(tmp_path, atoms=[{"id": "solo", "tags": ["alpha"], "axes": {"layer": ["data"]}}])
    out = cli("show", str(root)).out
    assert "v0.1.0 · 1 atom · 1 tag · 1 axis\n" in out
    assert "layer · 1 match\n" in out
    assert "See all 1 atom in" in out
