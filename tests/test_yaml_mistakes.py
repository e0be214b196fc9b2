"""The commonest YAML mistakes of authors, said in their words at the line and column
an editor shows (issue 14, item 7).

Each row breaks one line of a valid bundle (``tests/hostile/_base``) as an author
would, and names the code, line, column, the words the message must hold and the
words of its hint. The same rows are read by PyYAML's pure-Python parser too: the
C parser names no character in its messages, the pure one does, and the words must
not depend on which one is installed.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from skillwiki_sdk.validation import validate

BASE = Path(__file__).parent / "hostile" / "_base"
ATOM = "atoms/principles/cache-near-reads.md"
MANIFEST = "domain.yaml"


class Mistake(NamedTuple):
    file: str
    line: str  # the line as written in the base file (the first that equals it)
    becomes: str  # what the author wrote instead (may be several lines)
    code: str
    at: tuple[int, int]  # line and column in the file
    says: str
    hint: str


MISTAKES = {
    "tab for indentation": Mistake(
        MANIFEST,
        "    description: Which layer the atom is about.",
        "\tdescription: Which layer the atom is about.",
        "SW503",
        (10, 1),
        "a tab is used for indentation",
        "spaces",
    ),
    "': ' inside a value": Mistake(
        ATOM,
        "summary: Keep caches close to the reads they serve.",
        "summary: Caches: keep them close.",
        "SW503",
        (4, 16),
        "start of another key",
        'put the value in quotes: summary: "Caches: keep them close."',
    ),
    "': ' inside a list item's value": Mistake(
        ATOM,
        "  - title: Caching guide",
        "  - title: Caching: a guide",
        "SW503",
        (11, 19),
        "start of another key",
        'title: "Caching: a guide"',
    ),
    "unclosed double quote": Mistake(
        ATOM,
        "summary: Keep caches close to the reads they serve.",
        'summary: "Keep caches close to the reads they serve.',
        "SW503",
        (4, 10),
        'the quote " opened here is never closed',
        'close it with "',
    ),
    "unclosed single quote": Mistake(
        MANIFEST,
        "title: Tiny Domain",
        "title: 'Tiny Domain",
        "SW503",
        (4, 8),
        "the quote ' opened here is never closed",
        "''",
    ),
    "no space after a colon": Mistake(
        ATOM,
        "kind: principle",
        "kind:principle",
        "SW503",
        (3, 5),
        "'kind:principle' has no space after its colon",
        "'kind: principle'",
    ),
    "no colon at all": Mistake(
        ATOM, "kind: principle", "kind principle", "SW503", (3, 1), "'kind principle' has no colon", "key: value"
    ),
    "unclosed bracket": Mistake(
        ATOM,
        "tags: [caching, latency]",
        "tags: [caching, latency",
        "SW503",
        (5, 7),
        "the '[' opened here is never closed",
        "']'",
    ),
    "unclosed brace": Mistake(
        ATOM, "  layer: [data]", "  {layer: [data]", "SW503", (7, 3), "the '{' opened here is never closed", "'}'"
    ),
    "a bracket that closes nothing": Mistake(
        ATOM,
        "tags: [caching, latency]",
        "tags: [caching, latency]]",
        "SW503",
        (5, 25),
        "a ']' that closes nothing",
        "remove it",
    ),
    "stray list item among keys": Mistake(
        MANIFEST,
        "tags: [caching, queues, latency]",
        "tags: [caching, queues, latency]\n- extra",
        "SW503",
        (8, 1),
        "a list item ('- extra') stands among the keys of a mapping",
        "indent it",
    ),
    "a key inside a list": Mistake(
        MANIFEST,
        "  - Test Author",
        "  - Test Author\n  role: editor",
        "SW503",
        (14, 3),
        "'role: editor' stands in a list",
        "'- '",
    ),
    "value starting with @": Mistake(
        ATOM,
        "related: [queue-writes]",
        "related: @other-domain/some-atom",
        "SW503",
        (9, 10),
        "cannot start with '@'",
        'related: "@other-domain/some-atom"',
    ),
    "value starting with a backtick": Mistake(
        ATOM,
        "summary: Keep caches close to the reads they serve.",
        "summary: `cache` near the reads.",
        "SW503",
        (4, 10),
        "cannot start with '`'",
        'summary: "`cache` near the reads."',
    ),
    "value starting with *": Mistake(
        ATOM,
        "summary: Keep caches close to the reads they serve.",
        "summary: *Always* cache near reads.",
        "SW503",
        (4, 10),
        "starts with '*' is a YAML alias",
        'summary: "*Always* cache near reads."',
    ),
    "value starting with &": Mistake(
        ATOM,
        "summary: Keep caches close to the reads they serve.",
        "summary: & more caches.",
        "SW503",
        (4, 10),
        "starts with '&' is a YAML anchor",
        "put the value in quotes",
    ),
    "indented one space less than its siblings": Mistake(
        MANIFEST,
        "    values: [data, transport]",
        "   values: [data, transport]",
        "SW503",
        (11, 4),
        "indented by 3 spaces, the line above by 4",
        "indent it exactly",
    ),
    "indented one space more than its siblings": Mistake(
        MANIFEST,
        "description: A small valid bundle that the tests break in one way at a time.",
        " description: A small valid bundle.",
        "SW503",
        (5, 2),
        "indented by 1 space, the line above by 0",
        "indent it exactly",
    ),
    "document marker twice in domain.yaml": Mistake(
        MANIFEST,
        'version: "0.3.0"',
        '---\nversion: "0.3.0"',
        "SW503",
        (3, 1),
        "a second YAML document starts here",
        "remove the line",
    ),
    "document marker twice atop an atom": Mistake(
        ATOM, "---", "---\n---", "SW503", (2, 1), "'---' is written twice at the top", "remove the second '---'"
    ),
    "text after the closing quote": Mistake(
        MANIFEST,
        'version: "0.3.0"',
        'version: "0.3.0" beta',
        "SW503",
        (3, 18),
        "text after the closing quote",
        "put the whole value in quotes",
    ),
    "text after | on its line": Mistake(
        ATOM,
        "summary: Keep caches close to the reads they serve.",
        "summary: | Keep caches close.",
        "SW503",
        (4, 12),
        "text after '|' or '>' on the same line",
        "next line",
    ),
}


def _break(tmp_path: Path, mistake: Mistake) -> tuple[Path, Path]:
    bundle = tmp_path / "bundle"
    shutil.copytree(BASE, bundle)
    path = bundle / mistake.file
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[lines.index(mistake.line)] = mistake.becomes
    path.write_text("\n".join(lines), encoding="utf-8")
    return bundle, path


@pytest.mark.parametrize("name", list(MISTAKES))
def test_a_yaml_mistake_is_said_in_the_author_s_words(name: str, tmp_path: Path) -> None:
    """The one error of the file: its code, line and column, the words and the hint."""
    mistake = MISTAKES[name]
    bundle, path = _break(tmp_path, mistake)
    report = validate(bundle)
    errors = [f for f in report.findings if f.severity == "error" and f.file == str(path)]
    assert [(f.code, f.line, f.column) for f in errors] == [(mistake.code, *mistake.at)], [
        (f.code, f.line, f.column, f.message) for f in errors
    ]
    assert mistake.says in errors[0].message
    assert mistake.hint in (errors[0].hint or "")
    assert "YAML does not parse" not in errors[0].message  # PyYAML's words are the fallback only


@pytest.mark.parametrize(
    "name", [name for name, mistake in MISTAKES.items() if mistake.code == "SW503" and "atop" not in name]
)
def test_the_pure_python_parser_gives_the_same_words(name: str, tmp_path: Path) -> None:
    """PyYAML without libyaml: the same explanation at the same place."""
    from skillwiki_sdk.loading import _explain

    mistake = MISTAKES[name]
    _, path = _break(tmp_path, mistake)
    text = path.read_text(encoding="utf-8")
    offset = 0
    if mistake.file == ATOM:
        text = text.split("\n---\n", 1)[0][len("---\n") :] + "\n"
        offset = 1
    with pytest.raises(yaml.YAMLError) as raised:
        yaml.load(text, Loader=yaml.SafeLoader)
    explained = _explain(raised.value, text)
    assert explained is not None
    words, hint, (line, column) = explained
    assert (line + 1 + offset, column + 1) == mistake.at
    assert mistake.says in words and mistake.hint in (hint or "")
