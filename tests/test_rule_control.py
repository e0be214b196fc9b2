"""Rule control: --select, --ignore, --strict, [tool.skillwiki] and inline suppression."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_formats import make_broken

ATOM = "bundle/atoms/principles/cache-near-reads.md"
QUEUE = "bundle/atoms/patterns/queue-writes.md"


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A plugin project folder: ``bundle/`` with SW207 (error), SW209 (error) and
    SW110 (warning), and room for a ``pyproject.toml``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    make_broken(tmp_path)
    queue = tmp_path / QUEUE
    queue.write_text(queue.read_text().replace("layer: [transport]", "layer: [transport, orbit]"))
    return tmp_path


def found(cli, *args: str) -> tuple[int, list[tuple[str, str, int]]]:
    result = cli("validate", "--format", "json", *args, "bundle")
    assert result.code in (0, 1), result.err
    [entry] = json.loads(result.out)["results"]
    return result.code, [(f["code"], f["file"], f["line"]) for f in entry["findings"]]


def pyproject(root: Path, body: str) -> None:
    (root / "pyproject.toml").write_text('[project]\nname = "skillwiki-tiny"\nversion = "0.3.0"\n\n' + body)


ALL = [("SW209", QUEUE, 7), ("SW207", ATOM, 5), ("SW110", "bundle/domain.yaml", 7)]


def test_without_settings_every_finding_is_reported(project: Path, cli) -> None:
    assert found(cli) == (1, ALL)


ERRORS = ALL[:2]


def silence_errors(root: Path) -> None:
    """Silence both errors where they ship: in their atoms."""
    suppress(root, ATOM, "x-skillwiki-ignore: [SW207]")
    suppress(root, QUEUE, "x-skillwiki-ignore: [SW209]")


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--select", "SW2", ERRORS),
        ("--select", "SW207", ERRORS),
        ("--select", "sw1xx", ALL),
        ("--select", "SW110,SW209", ALL),
        ("--ignore", "SW110", ERRORS),
        ("--ignore", "SW11", ERRORS),
        ("--ignore", "sw11x", ERRORS),
    ],
)
def test_select_and_ignore_choose_warnings_and_never_hide_an_error(
    project: Path, cli, option: str, value: str, expected
) -> None:
    assert found(cli, option, value) == (1, expected)


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("SW207", "--ignore: 'SW207' is an error code, and an error cannot be silenced from outside the bundle"),
        ("SW2", "--ignore: 'SW2' covers error codes (SW201, SW202, SW203, SW204, ...)"),
        ("sw1xx", "to drop only its warnings, name them (SW110, SW111, SW112)"),
    ],
)
def test_ignoring_an_error_on_the_command_line_is_a_usage_error(project: Path, cli, value: str, named: str) -> None:
    result = cli("validate", "--ignore", value, "bundle")
    assert (result.code, result.out) == (2, "")
    assert named in result.err
    assert "x-skillwiki-ignore: [" in result.err  # what to do instead


def test_strict_fails_on_warnings_left_after_ignoring(project: Path, cli) -> None:
    silence_errors(project)
    assert found(cli) == (0, [ALL[2]])
    assert found(cli, "--strict") == (1, [ALL[2]])
    assert found(cli, "--ignore", "SW110", "--strict") == (0, [])


def test_pyproject_settings_apply(project: Path, cli) -> None:
    silence_errors(project)
    pyproject(project, "[tool.skillwiki]\nstrict = true\n")
    assert found(cli) == (1, [ALL[2]])  # SW110 fails: strict
    pyproject(project, '[tool.skillwiki]\nignore = ["SW110"]\nstrict = true\n')
    assert found(cli) == (0, [])
    pyproject(project, '[tool.skillwiki]\nselect = ["SW2"]\nstrict = true\n')
    assert found(cli) == (0, [])


def test_an_error_code_in_the_pyproject_ignore_is_refused(project: Path, cli) -> None:
    pyproject(project, '[tool.skillwiki]\nignore = ["SW110", "SW209"]\n')
    result = cli("validate", "bundle")
    assert (result.code, result.out) == (2, "")
    assert "pyproject.toml: [tool.skillwiki] ignore: 'SW209' is an error code" in result.err
    assert "x-skillwiki-ignore: [SW209]" in result.err


def test_pyproject_is_found_from_the_validated_path_upward(project: Path, cli, monkeypatch) -> None:
    pyproject(project, '[tool.skillwiki]\nignore = ["SW110"]\n')
    elsewhere = project / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = cli("validate", "--format", "json", str(project / "bundle" / "atoms" / ".."))
    assert [f["code"] for f in json.loads(result.out)["results"][0]["findings"]] == ["SW209", "SW207"]


def test_each_path_uses_its_own_projects_settings(project: Path, tmp_path: Path, cli) -> None:
    pyproject(project, '[tool.skillwiki]\nignore = ["SW110"]\n')
    other = tmp_path / "other"
    other.mkdir()
    make_broken(other)
    pyproject(other, "[tool.skillwiki]\nstrict = true\n")
    result = cli("validate", "bundle", "other/bundle")
    assert result.code == 1
    assert result.out.splitlines()[-3:] == [
        "bundle: tiny-domain: 3 atoms, 2 errors, 0 warnings [FAILED]",
        "other/bundle: tiny-domain: 3 atoms, 1 error, 1 warning [FAILED]",
        "2 paths, 6 atoms, 3 errors, 1 warning; 2 failed",
    ]


def test_the_command_line_wins_over_the_file(project: Path, cli) -> None:
    silence_errors(project)
    pyproject(project, '[tool.skillwiki]\nselect = ["SW207"]\nstrict = true\n')
    assert found(cli) == (0, [])
    # --select replaces the file's select
    assert found(cli, "--select", "SW1") == (1, [ALL[2]])
    # --ignore adds to nothing in the file, and wins over its select
    assert found(cli, "--select", "SW1", "--ignore", "SW110") == (0, [])
    # --no-strict overrides strict = true
    assert found(cli, "--select", "SW1", "--no-strict") == (0, [ALL[2]])


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--select", "SW999"], "--select: unknown code or prefix 'SW999'"),
        (["--ignore", "SW110,SW8"], "--ignore: unknown code or prefix 'SW8'"),
        (["--ignore", "bogus!"], "--ignore: 'bogus!' is not a code or prefix"),
        (["--select", "SW2x"], "--select: 'SW2x' is not a code or prefix"),
    ],
)
def test_unknown_codes_on_the_command_line_are_usage_errors(project: Path, cli, args: list[str], named: str) -> None:
    result = cli("validate", *args, "bundle")
    assert result.code == 2
    assert result.out == ""
    assert named in result.err


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ('select = ["SW2", "SW777"]', "pyproject.toml: [tool.skillwiki] select: unknown code or prefix 'SW777'"),
        ('ignore = ["XY1"]', "pyproject.toml: [tool.skillwiki] ignore: unknown code or prefix 'XY1'"),
        ("ignore = [207]", "pyproject.toml: [tool.skillwiki] ignore: 207 is not a code or prefix"),
        ('strict = "yes"', "pyproject.toml: [tool.skillwiki]: strict must be true or false"),
        ('selcet = ["SW2"]', "pyproject.toml: [tool.skillwiki]: unknown key 'selcet'"),
    ],
)
def test_bad_settings_in_pyproject_are_usage_errors(project: Path, cli, body: str, named: str) -> None:
    pyproject(project, f"[tool.skillwiki]\n{body}\n")
    result = cli("validate", "bundle")
    assert result.code == 2 and result.out == ""
    assert named in result.err


# pyproject.toml files that tomllib cannot read, each in its own way
NOT_TOML = {
    "syntax-error": (b"[tool.skillwiki\n", "(at line 1, column 16)"),  # (tomli and tomllib word it apart)
    "not-utf8": (b'[project]\nname = "caf\xe9"\n', "line 2: byte 0xe9 is not UTF-8"),
    "nested-too-deep": (b"a = " + b"[" * 100_000 + b"\n", "nested too deeply"),
}


@pytest.mark.parametrize(("text", "says"), NOT_TOML.values(), ids=NOT_TOML)
@pytest.mark.parametrize("target", ["bundle", "."], ids=["parent-folder", "project"])
def test_pyproject_that_is_not_toml_is_a_usage_error(project: Path, cli, text: bytes, says: str, target: str) -> None:
    """The file is found upward from the bundle, or is the project's own; each
    command that reads it says which file and why, with exit 2 (not an internal
    error, exit 3)."""
    (project / "pyproject.toml").write_bytes(text)
    for argv in (["validate", target], ["compat", target, "--against", "bundle"], ["build", ".", "--no-against"]):
        result = cli(*argv)
        assert (result.code, result.out) == (2, ""), (argv, result.err)
        assert f"{project / 'pyproject.toml'}: not valid TOML" in result.err and says in result.err, argv


@pytest.mark.parametrize(("text", "says"), NOT_TOML.values(), ids=NOT_TOML)
def test_catalog_leaves_out_a_source_whose_pyproject_is_not_toml(project: Path, cli, text: bytes, says: str) -> None:
    (project / "pyproject.toml").write_bytes(text)
    result = cli("catalog", "bundle", "--out", "site")
    assert result.code == 1 and "internal error" not in result.err
    assert f"its [tool.skillwiki] settings are wrong: {project / 'pyproject.toml'}: not valid TOML" in result.out
    assert says in result.out


@pytest.mark.parametrize("text", ["tool = 5\n", "[tool]\nskillwiki = 3\n", "[tool]\nskillwiki = [1]\n"])
def test_a_tool_or_skillwiki_key_that_is_not_a_table(project: Path, cli, text: str) -> None:
    """``tool = 5`` holds no [tool.skillwiki] (it was an internal error); ``skillwiki = 3``
    is a table of the wrong type, for validate and compat alike."""
    (project / "pyproject.toml").write_text(text)
    result = cli("validate", "bundle")
    assert "internal error" not in result.err
    if text.startswith("tool"):
        assert found(cli) == (1, ALL)
    else:
        assert result.code == 2 and "pyproject.toml: [tool.skillwiki] must be a table" in result.err
    from skillwiki_sdk.compat import load_compat_settings

    assert load_compat_settings(project / "bundle").against is None  # no [tool.skillwiki.compat] in any


def test_a_pyproject_without_the_table_changes_nothing(project: Path, cli) -> None:
    pyproject(project, "[tool.other]\nselect = 1\n")
    assert found(cli) == (1, ALL)


# --- inline suppression ------------------------------------------------------------


def suppress(root: Path, file: str, line: str) -> None:
    atom = root / file
    text = atom.read_text()
    atom.write_text(text.replace("\nkind:", f"\n{line}\nkind:", 1))


@pytest.mark.parametrize("entry", ["[SW207]", "[SW2xx]", "[sw20x]", "[SW2XX]", "SW207", "[SW20, SW999x]"])
def test_an_atom_suppresses_its_own_findings(project: Path, cli, entry: str) -> None:
    suppress(project, ATOM, f"x-skillwiki-ignore: {entry}")
    code, findings = found(cli)
    assert ("SW207", ATOM, 6) not in findings
    assert ("SW209", QUEUE, 7) in findings  # another atom's findings stay
    assert ("SW110", "bundle/domain.yaml", 7) in findings


def test_suppression_reaches_only_its_own_file(project: Path, cli) -> None:
    suppress(project, QUEUE, "x-skillwiki-ignore: [SW1, SW207]")
    assert found(cli) == (1, [("SW209", QUEUE, 8), ("SW207", ATOM, 5), ("SW110", "bundle/domain.yaml", 7)])


def test_an_atom_without_suppression_keeps_its_findings(project: Path, cli) -> None:
    suppress(project, ATOM, "x-skillwiki-ignore: []")
    assert found(cli) == (1, [ALL[0], ("SW207", ATOM, 6), ALL[2]])


@pytest.mark.parametrize(
    ("entry", "column", "message"),
    [
        ('[""]', 22, "'' is not a code or prefix; expected text like SW202, SW20 or SW2xx"),
        ("[SW999]", 22, "no rule has the code or prefix 'SW999'; it suppresses nothing"),
        ("[SW207, 7]", 29, "7 is not a code or prefix; expected text like SW202, SW20 or SW2xx"),
        ("{SW207: yes}", 21, "x-skillwiki-ignore must be a list of codes or prefixes, like [SW202, SW3xx]"),
    ],
)
def test_a_wrong_suppression_entry_is_a_warning_at_its_place(
    project: Path, cli, entry: str, column: int, message: str
) -> None:
    suppress(project, ATOM, f"x-skillwiki-ignore: {entry}")
    result = cli("validate", "--format", "json", "bundle")
    findings = json.loads(result.out)["results"][0]["findings"]
    [problem] = [f for f in findings if f["code"] == "SW212"]
    assert (problem["severity"], problem["file"], problem["line"], problem["column"], problem["message"]) == (
        "warning",
        ATOM,
        3,
        column,
        message,
    )
    # a wrong entry suppresses nothing, and the right ones still work
    assert any(f["code"] == "SW207" for f in findings) == (entry != "[SW207, 7]")


def test_a_wrong_entry_is_not_hidden_by_a_prefix_beside_it(project: Path, cli) -> None:
    suppress(project, ATOM, "x-skillwiki-ignore: [SW2, SW2999]")
    codes = [code for code, _, _ in found(cli)[1]]
    assert "SW212" in codes and "SW207" not in codes
    assert "SW212" not in [code for code, _, _ in found(cli, "--ignore", "SW212")[1]]


def test_links_checked_apart_are_silenced_as_the_bundles_own_findings(tmp_path: Path) -> None:
    """The registry checks @other-domain/id links once every domain is loaded;
    silenced() applies the atom's x-skillwiki-ignore to them as validate_bundle does."""
    from skillwiki_sdk.registry import external_findings
    from skillwiki_sdk.testing import make_bundle
    from skillwiki_sdk.validation import load_bundle, silenced

    root = make_bundle(
        tmp_path,
        atoms=[
            {"id": "quiet", "related": ["@other/missing"], "x-skillwiki-ignore": ["SW304"]},
            {"id": "loud", "related": ["@other/missing"], "x-skillwiki-ignore": ["SW999"]},
        ],
    )
    bundle = load_bundle(root)
    found = list(external_findings(bundle, {"other": {"present"}}))
    assert [(f.code, f.file) for f in found] == [
        ("SW304", f"{root}/atoms/loud.md"),
        ("SW304", f"{root}/atoms/quiet.md"),
    ]
    assert [(f.code, f.file) for f in silenced(bundle, found)] == [
        ("SW304", f"{root}/atoms/loud.md")
    ]  # and no SW212 again
