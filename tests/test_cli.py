"""The command line: exit codes, output shapes, and no tracebacks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT


def test_validate_example_exits_0_with_0_errors(cli) -> None:
    result = cli("validate", str(EXAMPLE))
    assert result.code == 0, result.out
    assert result.out.strip().endswith("backend-architecture: 18 atoms, 0 errors, 0 warnings [ok]")


def test_validate_defaults_to_the_current_folder(valid_bundle: Path, monkeypatch, cli) -> None:
    monkeypatch.chdir(valid_bundle)
    result = cli("validate")
    assert result.code == 0
    assert result.out == ".: tiny-domain: 3 atoms, 0 errors, 0 warnings [ok]\n"


def test_text_output_is_path_line_col_code_message_then_a_summary(valid_bundle: Path, monkeypatch, cli) -> None:
    monkeypatch.chdir(valid_bundle)
    atom = Path("atoms/patterns/queue-writes.md")
    atom.write_text(atom.read_text().replace("layer: [transport]", "layer: [transport, orbit]"))
    result = cli("validate", ".")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == "atoms/patterns/queue-writes.md:7:22: SW209 value 'orbit' is not declared for axis 'layer'"
    assert lines[1] == "    hint: declared values: data, transport"
    assert lines[-1] == ".: tiny-domain: 3 atoms, 1 error, 0 warnings [FAILED]"


def test_strict_makes_warnings_fail(valid_bundle: Path, cli) -> None:
    atom = valid_bundle / "atoms/principles/cache-near-reads.md"
    atom.write_text(atom.read_text().replace("tags: [caching, latency]", "tags: [caching]"))
    assert cli("validate", str(valid_bundle)).code == 0
    assert cli("validate", "--strict", str(valid_bundle)).code == 1


def test_json_output_has_every_field_of_every_finding(valid_bundle: Path, cli) -> None:
    domain = valid_bundle / "domain.yaml"
    domain.write_text(domain.read_text().replace("title: Tiny Domain", "titel: Tiny Domain"))
    result = cli("validate", "--format", "json", str(valid_bundle))
    assert result.code == 1
    document = json.loads(result.out)
    assert document["ok"] is False
    assert document["summary"] == {"paths": 1, "atoms": 3, "errors": 1, "warnings": 0}
    [entry] = document["results"]
    assert entry["path"] == str(valid_bundle) and entry["domains"] == ["tiny-domain"]
    assert entry["findings"] == [
        {
            "code": "SW103",
            "severity": "error",
            "file": f"{valid_bundle}/domain.yaml",
            "line": 4,
            "column": 1,
            "message": "unknown key 'titel'",
            "hint": "did you mean 'title'?",
            "archive": None,
            "member": None,
        }
    ]


def test_a_project_folder_finds_its_bundle(cli) -> None:
    result = cli("validate", "--format", "json", str(EXAMPLE))
    [entry] = json.loads(result.out)["results"]
    assert entry["domains"] == ["backend-architecture"] and entry["atoms"] == 18


def test_a_folder_without_a_bundle_is_a_finding(tmp_path: Path, cli) -> None:
    result = cli("validate", str(tmp_path))
    assert result.code == 1
    assert result.out.startswith(f"{tmp_path}: SW101 no bundle found")


def test_usage_errors_exit_2(cli) -> None:
    assert cli("validate", "--format", "xml").code == 2
    assert cli("no-such-command").code == 2
    result = cli()
    assert result.code == 2 and "COMMAND" in result.out


def test_garbage_everywhere_gives_findings_not_tracebacks(valid_bundle: Path, cli) -> None:
    atoms = valid_bundle / "atoms"
    (valid_bundle / "domain.yaml").write_bytes(b"\x00\xff\xfe garbage: [")
    garbage = [
        b"",
        b"---\n",
        b"---\n---\n",
        b"---\n- a\n- b\n---\nx\n",
        b"---\n: :\n---\n",
        b"---\n&a [*a]\n---\nx",
        b"\xff\xfe\x00\x00",
        b"---\nid: x\nkind: [\n---\n",
    ]
    for index, data in enumerate(garbage):
        (atoms / f"g{index}.md").write_bytes(data)
    result = cli("validate", "--format", "json", str(valid_bundle))
    assert result.code == 1
    document = json.loads(result.out)
    files = {Path(f["file"]).name for f in document["results"][0]["findings"]}
    assert {f"g{i}.md" for i in range(len(garbage))} <= files
    assert "domain.yaml" in files
    assert "Traceback" not in result.err


def test_rules_lists_every_code_with_severity_and_summary(cli) -> None:
    from skillwiki_sdk.rules import RULES

    result = cli("rules")
    assert result.code == 0
    lines = result.out.splitlines()
    assert len(lines) >= len(RULES)
    for rule in RULES:
        assert any(
            re.match(rf"^{rule.code}\s+{rule.severity.value}\s+{rule.name}\s+{re.escape(rule.summary)}$", line)
            for line in lines
        )
    codes = json.loads(cli("rules", "--format", "json").out)
    assert {r["code"] for r in codes} >= {r.code for r in RULES}


def test_console_script_and_python_m_are_the_same_command(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "skillwiki"
    by_script = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    by_module = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "--version"], capture_output=True, text=True, cwd=tmp_path
    )
    assert by_script.stdout == by_module.stdout == "skillwiki-sdk 0.1.0\n"


def test_validate_through_a_real_process_prints_no_traceback(valid_bundle: Path) -> None:
    (valid_bundle / "atoms" / "evil.md").write_text(
        "---\nid: evil\nkind: rule\nsummary: !!python/name:os.system\n---\nx\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "validate", str(valid_bundle)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 1
    assert "SW505" in result.stdout and "Traceback" not in result.stdout + result.stderr


def test_readme_lists_every_rule_as_skillwiki_rules_prints_it(cli, monkeypatch) -> None:
    monkeypatch.setenv("SKILLWIKI_DISABLE_PLUGIN_AUTOLOAD", "1")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in cli("rules").out.splitlines():
        assert line in readme, f"README's finding codes lack: {line}"


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["--color", "never", "list", "--format", "json", "--strict"],
        ["--color=always", "validate", "a", "b", "--jobs", "2"],
        ["show", "backend-architecture", "--format", "json"],
        ["schema", "atom"],
        ["rules", "--format", "json"],
        ["new", "my-domain"],
        ["build", "."],
    ],
)
def test_the_parser_built_for_one_command_reads_its_arguments_as_the_full_one(argv: list[str]) -> None:
    from skillwiki_sdk.cli import build_parser

    assert vars(build_parser(argv).parse_args(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "raised, said",
    [
        (RuntimeError("a bug\x1b[2J"), "internal error: RuntimeError: a bug\\x1b[2J"),
        (KeyboardInterrupt(), "interrupted"),
    ],
)
def test_a_bug_of_ours_and_an_interruption_exit_1(monkeypatch, raised: BaseException, said: str) -> None:
    """Exit codes are 0, 1 and 2 only: a bug of ours (it was 3) and Ctrl-C (it was
    130) are failures, said in one line on stderr, without a traceback."""
    import io

    from skillwiki_sdk import cli
    from skillwiki_sdk.commands import rules

    def broken(args, out):
        raise raised

    monkeypatch.setattr(rules, "run", broken)
    monkeypatch.delenv("SKILLWIKI_DEBUG", raising=False)
    stdout, stderr = io.StringIO(), io.StringIO()
    assert cli.main(["rules"], stdout=stdout, stderr=stderr) == 1
    assert said in stderr.getvalue() and "Traceback" not in stderr.getvalue() and "\x1b" not in stderr.getvalue()
