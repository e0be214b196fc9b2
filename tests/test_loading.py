"""The direct construction of plain YAML gives what PyYAML's general one gives.

``load_yaml`` builds plain documents (mappings, lists, scalars) straight from the
parser's nodes and hands anything else to PyYAML's constructor. These properties
hold it to the general path: the same data, the same findings at the same lines, for
documents written by ``yaml.safe_dump`` and then damaged.
"""

from __future__ import annotations

import datetime
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st
from test_properties import ODD_VALUES, PROFILE

from skillwiki_sdk.loading import LIMITS, load_yaml
from skillwiki_sdk.model import Source

SOURCE = Source("atoms/a.md", "atoms/a.md", offset=1)

scalars = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "no",
            "yes",
            "on",
            "null",
            "~",
            "1.0",
            "0x1F",
            "2024-01-01",
            "2024-01-01 10:00:00",
            ".nan",
            "<<",
            "=",
            "-",
            "+1",
        ]
    ),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.dates(min_value=datetime.date(1900, 1, 1)),
)
keys = st.one_of(
    st.text(max_size=8), st.integers(-3, 3), st.booleans(), st.none(), st.sampled_from(["no", "1", "id", "tags"])
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=25,
)


def _both(text: str) -> tuple[Any, Any]:
    def summary(document: Any) -> Any:
        findings = sorted((f.line, f.column, f.code, f.message) for f in document.findings)  # reports sort them
        return document.ok, repr(document.data), findings  # repr: nan == nan

    return summary(load_yaml(text, SOURCE)), summary(load_yaml(text, SOURCE, direct=False))


def _damaged(text: str, where: float, insert: str, repeat: bool) -> str:
    lines = text.split("\n")
    at = int(where * len(lines))
    if repeat and lines[at:]:
        lines.insert(at, lines[at])  # a repeated key, often
    else:
        lines.insert(at, insert)
    return "\n".join(lines)


@PROFILE
@given(documents, st.booleans())
def test_direct_construction_equals_pyyaml(document: Any, flow: bool) -> None:
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True)
    direct, general = _both(text)
    assert direct == general
    assert direct[0]  # safe_dump's output always loads


@PROFILE
@given(
    documents,
    st.floats(0, 1, exclude_max=True),
    st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=30)),
    st.booleans(),
)
def test_direct_construction_equals_pyyaml_on_damaged_text(
    document: Any, where: float, insert: str, repeat: bool
) -> None:
    text = _damaged(yaml.safe_dump(document, default_flow_style=False, allow_unicode=True), where, insert, repeat)
    direct, general = _both(text)
    assert direct == general


def test_duplicate_and_non_text_keys_are_reported_by_the_direct_path() -> None:
    document = load_yaml("id: a\ntags: [x]\nid: b\n1: one\nno: nope\n", SOURCE)
    assert document.ok
    assert document.data == {"id": "b", "tags": ["x"], "1": "one", "no": "nope"}
    assert [(f.code, f.line) for f in document.findings] == [("SW504", 4), ("SW508", 5), ("SW508", 6)]


def test_limits_are_found_on_the_direct_path_as_on_the_general_one() -> None:
    deep = "a: " + "[" * (LIMITS.yaml_depth + 1) + "]" * (LIMITS.yaml_depth + 1) + "\n"
    wide = "a: [" + ", ".join("x" for _ in range(LIMITS.yaml_nodes + 1)) + "]\n"
    for text in (deep, wide):
        direct, general = _both(text)
        assert direct == general
        assert not direct[0] and direct[2][0][2] == "SW509"


def test_values_yaml_cannot_make_stay_text_beside_a_located_finding() -> None:
    """PyYAML's constructors refuse these (ValueError, KeyError...): each is a finding
    at its line and column, the value the author's text, the document still loaded."""
    text = "a: 2024-02-30\nb: !!int 4x\nc: [!!bool maybe, 0x_]\n!!timestamp soon: 1\nd: " + "9" * 700 + "\n"
    for direct in (True, False):
        document = load_yaml(text, SOURCE, direct=direct)
        assert document.ok and document.unread
        assert document.data == {"a": "2024-02-30", "b": "4x", "c": ["maybe", "0x_"], "soon": 1, "d": "9" * 700}
        found = sorted((f.line, f.column, f.code) for f in document.findings)
        assert found == [
            (2, 4, "SW503"),
            (3, 4, "SW503"),
            (4, 5, "SW503"),
            (4, 19, "SW503"),
            (5, 1, "SW503"),
            (6, 4, "SW509"),
        ]
