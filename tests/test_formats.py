"""Output formats of ``validate``: each is parsed and checked against its definition."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from skillwiki_sdk.model import Finding, Report, Severity
from skillwiki_sdk.report import format_github, split_archive, to_json_document, to_sarif_document

DATA = Path(__file__).resolve().parent / "data"

SW207 = "tag 'bogus' is not in the domain's tag vocabulary"
SW207_HINT = "add it to tags in domain.yaml, or use a tag that is there"
SW110 = "tag 'latency' is in the vocabulary but no atom uses it"
SW110_HINT = "tag an atom with it, or remove it from the vocabulary"

# A workflow command: properties escape %, CR, LF, ':' and ','; the message escapes %, CR, LF.
GITHUB_LINE = re.compile(
    r"^::(?P<command>error|warning) "
    r"(?:file=(?P<file>[^,:\r\n]+)(?:,line=(?P<line>[1-9][0-9]*)(?:,col=(?P<col>[1-9][0-9]*))?)?,)?"
    r"title=(?P<title>[A-Z]{2,8}[0-9]{3})"
    r"::(?P<message>[^\r\n]+)$"
)


def make_broken(root: Path, name: str = "bundle") -> Path:
    """A copy of the valid fixture with one error (SW207) and one warning (SW110)."""
    bundle = root / name
    shutil.copytree(FIXTURES / "valid", bundle)
    atom = bundle / "atoms/principles/cache-near-reads.md"
    atom.write_text(atom.read_text().replace("tags: [caching, latency]", "tags: [caching, bogus]"))
    # no link to another domain: whether it is installed is not this test's business
    linked = bundle / "atoms/patterns/queue-writes.md"
    linked.write_text(linked.read_text().replace(', "@other-domain/some-atom"', ""))
    return bundle


@pytest.fixture
def broken(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return make_broken(tmp_path)


def archive_report() -> Report:
    """A report as validating a wheel gives it: members named ``archive!member``."""
    report = Report(target="dist/tiny-1.0-py3-none-any.whl", domains=["tiny-domain"], atoms=3)
    report.findings = [
        Finding(
            "SW207",
            Severity.ERROR,
            SW207,
            file="dist/tiny-1.0-py3-none-any.whl!tiny/bundle/atoms/a b.md",
            line=5,
            column=17,
            hint=SW207_HINT,
        ),
        Finding("SW404", Severity.ERROR, "the bundle is not in the wheel", file="dist/tiny-1.0-py3-none-any.whl"),
        Finding(
            "SW110", Severity.WARNING, SW110, file="dist/tiny-1.0-py3-none-any.whl!tiny/bundle/domain.yaml", line=7
        ),
    ]
    return report


# --- JSON -------------------------------------------------------------------------


def json_validator():
    from jsonschema import Draft202012Validator

    schema = json.loads((DATA / "report.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_json_matches_the_schema_of_its_own_shape(broken: Path, cli) -> None:
    result = cli("validate", "--format", "json", "bundle", "missing")
    assert result.code == 1 and result.err == ""
    document = json.loads(result.out)
    json_validator().validate(document)
    first, second = document["results"]
    assert [(f["code"], f["file"], f["line"], f["column"]) for f in first["findings"]] == [
        ("SW207", "bundle/atoms/principles/cache-near-reads.md", 5, 17),
        ("SW110", "bundle/domain.yaml", 7, 25),
    ]
    assert (first["errors"], first["warnings"], first["ok"]) == (1, 1, False)
    assert second["path"] == "missing" and [f["code"] for f in second["findings"]] == ["SW501"]
    assert document["summary"] == {"paths": 2, "atoms": 3, "errors": 2, "warnings": 1}


def test_json_of_an_archive_member_names_archive_and_member() -> None:
    document = to_json_document([archive_report()])
    json_validator().validate(document)
    member, whole, _ = document["results"][0]["findings"]
    assert (member["archive"], member["member"]) == ("dist/tiny-1.0-py3-none-any.whl", "tiny/bundle/atoms/a b.md")
    assert member["file"] == "dist/tiny-1.0-py3-none-any.whl!tiny/bundle/atoms/a b.md" and member["line"] == 5
    assert (whole["archive"], whole["member"]) == (None, None)


def test_the_schema_rejects_a_shape_that_drifted(broken: Path, cli) -> None:
    from jsonschema import ValidationError

    document = json.loads(cli("validate", "--format", "json", "bundle").out)
    del document["results"][0]["findings"][0]["line"]
    with pytest.raises(ValidationError):
        json_validator().validate(document)


def test_split_archive_only_splits_after_an_archive_name() -> None:
    assert split_archive("dist/x-1.0.tar.gz!x-1.0/src/x/bundle/domain.yaml") == (
        "dist/x-1.0.tar.gz",
        "x-1.0/src/x/bundle/domain.yaml",
    )
    assert split_archive("odd!folder/atoms/a.md") == (None, None)
    assert split_archive("a!b.whl!pkg/a.md") == ("a!b.whl", "pkg/a.md")
    assert split_archive(None) == (None, None)


# --- GitHub workflow commands ---------------------------------------------------------


def test_github_lines_are_workflow_commands_with_relative_paths(broken: Path, cli) -> None:
    result = cli("validate", "--format", "github", str(broken))  # absolute path in, relative out
    assert result.code == 1
    assert result.out.splitlines() == [
        f"::error file=bundle/atoms/principles/cache-near-reads.md,line=5,col=17,title=SW207::{SW207}%0Ahint: "
        f"{SW207_HINT}",
        f"::warning file=bundle/domain.yaml,line=7,col=25,title=SW110::{SW110}%0Ahint: {SW110_HINT}",
    ]
    assert all(GITHUB_LINE.match(line) for line in result.out.splitlines())
    # the per-path summary is for the person reading the log: on stderr
    assert result.err.strip() == f"{broken}: tiny-domain: 3 atoms, 1 error, 1 warning [FAILED]"


def test_github_escapes_properties_and_message(tmp_path: Path, monkeypatch, cli) -> None:
    monkeypatch.chdir(tmp_path)
    make_broken(tmp_path, "odd,name:100%")
    result = cli("validate", "--format", "github", "odd,name:100%")
    first = result.out.splitlines()[0]
    assert first.startswith(
        "::error file=odd%2Cname%3A100%25/atoms/principles/cache-near-reads.md,line=5,col=17,title=SW207::"
    )
    assert GITHUB_LINE.match(first)
    report = Report(
        target="x", findings=[Finding("SW203", Severity.ERROR, "100% wrong:\r\nsee, here", file="a.md", line=2)]
    )
    assert format_github([report]) == "::error file=a.md,line=2,title=SW203::100%25 wrong:%0D%0Asee, here\n"


def test_github_annotates_an_archive_member_on_the_archive() -> None:
    lines = format_github([archive_report()]).splitlines()
    assert lines == [
        f"::error file=dist/tiny-1.0-py3-none-any.whl,title=SW207::tiny/bundle/atoms/a b.md:5:17: {SW207}%0Ahint: "
        f"{SW207_HINT}",
        "::error file=dist/tiny-1.0-py3-none-any.whl,title=SW404::the bundle is not in the wheel",
        f"::warning file=dist/tiny-1.0-py3-none-any.whl,title=SW110::tiny/bundle/domain.yaml:7: {SW110}",
    ]
    assert all(GITHUB_LINE.match(line) for line in lines)


def test_github_is_the_default_under_github_actions(broken: Path, monkeypatch, cli) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert cli("validate", "bundle").out.startswith("::error file=bundle/atoms/principles/cache-near-reads.md,")
    assert cli("validate", "--format", "text", "bundle").out.startswith(
        "bundle/atoms/principles/cache-near-reads.md:5:17: SW207 "
    )
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert cli("validate", "bundle").out.startswith("bundle/atoms/principles/cache-near-reads.md:5:17: SW207 ")


# --- SARIF --------------------------------------------------------------------------


def sarif_validator():
    from jsonschema import Draft4Validator

    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def test_sarif_validates_against_the_sarif_2_1_0_schema(broken: Path, cli) -> None:
    result = cli("validate", "--format", "sarif", "bundle")
    assert result.code == 1 and result.err == ""
    log = json.loads(result.out)
    sarif_validator().validate(log)
    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["SW110", "SW207"]
    assert rules[1]["name"] == "unknown-tag" and rules[1]["defaultConfiguration"] == {"level": "error"}
    assert rules[0]["defaultConfiguration"] == {"level": "warning"}
    assert rules[1]["shortDescription"]["text"] == "An atom's tag is not in the domain's tag vocabulary"
    assert rules[1]["help"]["text"] and rules[1]["fullDescription"]["text"]
    error, warning = run["results"]
    assert error["ruleId"] == "SW207" and rules[error["ruleIndex"]]["id"] == "SW207" and error["level"] == "error"
    assert error["message"]["text"] == f"{SW207}\nhint: {SW207_HINT}"
    location = error["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "bundle/atoms/principles/cache-near-reads.md"
    assert (
        run["artifacts"][location["artifactLocation"]["index"]]["location"]["uri"]
        == location["artifactLocation"]["uri"]
    )
    assert location["region"] == {"startLine": 5, "startColumn": 17}
    assert warning["level"] == "warning" and warning["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 7,
        "startColumn": 25,
    }
    assert run["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]


def test_sarif_of_a_clean_bundle_is_valid_and_empty(tmp_path: Path, monkeypatch, cli) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "valid", "bundle")
    linked = Path("bundle/atoms/patterns/queue-writes.md")
    linked.write_text(linked.read_text().replace(', "@other-domain/some-atom"', ""))
    result = cli("validate", "--format", "sarif", "bundle")
    assert result.code == 0
    log = json.loads(result.out)
    sarif_validator().validate(log)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


def test_sarif_nests_an_archive_member_in_its_archive() -> None:
    log = to_sarif_document([archive_report()])
    sarif_validator().validate(log)
    [run] = log["runs"]
    member, whole, manifest = run["results"]
    location = member["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "tiny/bundle/atoms/a%20b.md"
    nested = run["artifacts"][location["artifactLocation"]["index"]]
    assert run["artifacts"][nested["parentIndex"]] == {"location": {"uri": "dist/tiny-1.0-py3-none-any.whl"}}
    assert location["region"] == {"startLine": 5, "startColumn": 17}
    assert member["properties"] == {"archive": "dist/tiny-1.0-py3-none-any.whl", "member": "tiny/bundle/atoms/a b.md"}
    assert whole["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "dist/tiny-1.0-py3-none-any.whl", "index": nested["parentIndex"]}
    }
    assert "properties" not in whole
    assert manifest["locations"][0]["physicalLocation"]["region"] == {"startLine": 7}
    # one archive artifact, two members nested in it
    assert sorted(a.get("parentIndex", -1) for a in run["artifacts"]) == [
        -1,
        nested["parentIndex"],
        nested["parentIndex"],
    ]


# --- many paths, streams and colour ------------------------------------------------


def test_many_paths_each_reported_and_summarised(broken: Path, tmp_path: Path, cli) -> None:
    good = make_broken(tmp_path, "good")
    atom = good / "atoms/principles/cache-near-reads.md"
    atom.write_text(atom.read_text().replace("tags: [caching, bogus]", "tags: [caching]"))
    result = cli("validate", "missing", "bundle", "good")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == "missing: SW501 no such file or folder"
    assert lines[-4:] == [
        "missing: no domain: 0 atoms, 1 error, 0 warnings [FAILED]",
        "bundle: tiny-domain: 3 atoms, 1 error, 1 warning [FAILED]",
        "good: tiny-domain: 3 atoms, 0 errors, 1 warning [ok]",
        "3 paths, 6 atoms, 2 errors, 2 warnings; 2 failed",
    ]


def test_a_path_that_crashes_does_not_stop_the_others(broken: Path, monkeypatch, cli) -> None:
    import importlib

    module = importlib.import_module("skillwiki_sdk.validation")
    real = module.validate

    def flaky(path, **kwargs):
        if path == "bundle":
            raise RuntimeError("boom")
        return real(path, **kwargs)

    monkeypatch.setattr(module, "validate", flaky)
    shutil.copytree(FIXTURES / "valid", "good")
    linked = Path("good/atoms/patterns/queue-writes.md")
    linked.write_text(linked.read_text().replace(', "@other-domain/some-atom"', ""))
    result = cli("validate", "--format", "json", "bundle", "good")
    assert result.code == 1
    crashed, good = json.loads(result.out)["results"]
    assert [(f["code"], f["file"], f["message"]) for f in crashed["findings"]] == [
        ("SW599", "bundle", "validating this path raised RuntimeError: boom")
    ]
    assert good["domains"] == ["tiny-domain"] and good["ok"] is True


def test_paths_in_processes_give_the_same_reports_as_in_one(broken: Path, tmp_path: Path) -> None:
    from skillwiki_sdk.commands.validate import validate_paths
    from skillwiki_sdk.plugins import make_plugin_manager

    for index in range(3):
        make_broken(tmp_path, f"copy{index}")
    paths = ["bundle", "copy0", "missing", "copy1", "copy2"]
    manager = make_plugin_manager()
    serial = to_json_document(validate_paths(paths, manager, 1))
    parallel = to_json_document(validate_paths(paths, manager, 2))
    assert parallel == serial
    assert [r["path"] for r in serial["results"]] == paths and serial["summary"]["errors"] == 5


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_machine_formats_are_never_coloured(broken: Path, cli, fmt: str) -> None:
    result = cli("--color", "always", "validate", "--format", fmt, "bundle")
    assert "\033[" not in result.out


def _on_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run ``skillwiki ARGS`` with stdout on a pseudo-terminal; what it printed."""
    import pty

    leader, follower = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "skillwiki_sdk", *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
            timeout=60,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    assert process.returncode == 1, process.stderr
    return b"".join(chunks).decode()


def test_colour_on_a_terminal_unless_no_color(broken: Path, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "GITHUB_ACTIONS")}
    env["TERM"] = "xterm"
    env["PYTHONPATH"] = str(ROOT)
    assert "\033[31mSW207\033[0m" in _on_a_terminal(["validate", "bundle"], env, tmp_path)
    plain = _on_a_terminal(["validate", "bundle"], {**env, "NO_COLOR": "1"}, tmp_path)
    assert "\033[" not in plain and "SW207" in plain
