"""Terminals that are not UTF-8, and file names that are not UTF-8.

Every command, on every output encoding (cp1252, ascii, ``LANG=C``), prints what it
can and exits 0, 1 or 2, never with a traceback; every format of ``validate`` stays
valid in its own encoding whatever the names of the files it reports (a name that is
not UTF-8 is shown with backslash escapes: ``caf\\xe9-\\xff.md``; SARIF's URIs
percent-encode its bytes: ``caf%E9-%FF.md``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

HOSTILE_BASE = Path(__file__).parent / "hostile" / "_base"
ODD_NAME = b"caf\xe9-\xff.md"  # not UTF-8: Python sees it as 'caf\udce9-\udcff.md'
SHOWN = "caf\\xe9-\\xff.md"

# name -> (environment, the encoding stdout must decode in)
ENCODINGS = {
    "cp1252": ({"PYTHONIOENCODING": "cp1252"}, "cp1252"),
    "ascii": ({"PYTHONIOENCODING": "ascii"}, "ascii"),
    "LANG=C": ({"LANG": "C", "LC_ALL": "C"}, "utf-8"),  # Python reads the C locale as UTF-8
    "LANG=C, no UTF-8 mode": ({"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}, "ascii"),
    "utf-8": ({"PYTHONIOENCODING": "utf-8"}, "utf-8"),
}


def _environment(extra: dict[str, str]) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SKILLWIKI_", "LC_", "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONCOERCECLOCALE"))
    }
    keep.pop("LANG", None)
    return {**keep, "SKILLWIKI_DISABLE_PLUGIN_AUTOLOAD": "1", "SKILLWIKI_NO_CACHE": "1", **extra}


def skillwiki(argv: list[str | bytes], encoding: str, cwd: Path, timeout: float = 120) -> tuple[int, str, bytes]:
    """``skillwiki ARGV`` in a process of its own under ``encoding``; the exit code,
    stderr as text and stdout's bytes. No traceback, exit 0, 1 or 2, and stdout
    decodes in the encoding the terminal has."""
    extra, expected = ENCODINGS[encoding]
    done = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", *argv],
        env=_environment(extra),
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert done.returncode in (0, 1, 2), (done.returncode, stderr)
    done.stdout.decode(expected)  # strict: every byte is of that encoding
    done.stderr.decode(expected)
    return done.returncode, stderr, done.stdout


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle with non-ASCII text and file names that are not UTF-8, and an sdist
    holding such a member, in one work folder."""
    work = tmp_path_factory.mktemp("encodings")
    bundle = work / "bundle"
    shutil.copytree(HOSTILE_BASE, bundle)
    manifest = bundle / "domain.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("title: Tiny Domain", "title: Café ↗ — 日本語"), encoding="utf-8"
    )
    atom = bundle / "atoms" / "patterns" / "read-through.md"
    text = atom.read_text(encoding="utf-8").replace(
        "The cache loads missing entries itself.", "Le cache ↗ charge lui-même — « tout »."
    )
    os.remove(atom)
    with open(os.path.join(os.fsencode(bundle / "atoms" / "patterns"), ODD_NAME), "w", encoding="utf-8") as handle:
        handle.write(text)  # id: read-through in caf\xe9-\xff.md: SW204 names the file
    with open(os.path.join(os.fsencode(bundle / "atoms"), b"notes-\xe9.txt"), "w") as handle:
        handle.write("not an atom\n")
    with tarfile.open(work / "skillwiki_tiny-0.3.0.tar.gz", "w:gz") as archive:
        for path in sorted(bundle.rglob("*")):
            archive.add(
                path, arcname="skillwiki_tiny-0.3.0/tiny/bundle/" + path.relative_to(bundle).as_posix(), recursive=False
            )
    return work


def _unescaped(out: str, fmt: str) -> str:
    """The output with JSON's escape of a backslash undone (text as a person reads it)."""
    return out.replace("\\\\", "\\") if fmt in ("json", "sarif") else out


def _sarif_validator():
    from jsonschema import Draft4Validator

    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return Draft4Validator(schema)


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
@pytest.mark.parametrize("target", ["bundle", "skillwiki_tiny-0.3.0.tar.gz"])
def test_every_format_stays_valid_with_names_that_are_not_utf8(odd: Path, target: str, fmt: str) -> None:
    """The name shows as caf\\xe9-\\xff.md; JSON and SARIF parse (SARIF against its
    schema), and the output is UTF-8 whatever the names."""
    code, _, raw = skillwiki(["validate", "--format", fmt, target], "utf-8", odd)
    assert code == 1
    out = raw.decode("utf-8")
    assert SHOWN in _unescaped(out, fmt)
    if fmt == "json":
        files = [f["file"] for result in json.loads(out)["results"] for f in result["findings"]]
        assert any(file.endswith("atoms/patterns/" + SHOWN) for file in files), files
    if fmt == "sarif":
        document = json.loads(out)
        assert not list(_sarif_validator().iter_errors(document))
        uris = [a["location"]["uri"] for a in document["runs"][0]["artifacts"]]
        assert any(uri.endswith("atoms/patterns/caf%E9-%FF.md") for uri in uris), uris


def test_the_formatters_escape_lone_surrogates_in_process() -> None:
    """Whatever the stream, a lone surrogate never reaches it: the formatters escape
    them (a stream that refuses them would fail; one that lets them through writes
    bytes that are not UTF-8)."""
    from skillwiki_sdk import rules
    from skillwiki_sdk.model import Report
    from skillwiki_sdk.report import render

    report = Report(target="caf\udce9")
    report.findings.append(
        rules.STRAY_FILE.finding("not an atom: 'x\ud800'", file="caf\udce9/atoms/n\udcff.txt", line=1)
    )
    for fmt in ("text", "json", "github", "sarif"):
        out = render([report], fmt)
        out.encode("utf-8")  # strict
        assert "n\\xff.txt" in _unescaped(out, fmt) or "n%FF.txt" in out
        assert "\\ud800" in _unescaped(out, fmt)


COMMANDS = {
    "validate": (["validate", "bundle"], (1,)),
    "validate --format json": (["validate", "--format", "json", "bundle"], (1,)),
    "validate --format github": (["validate", "--format", "github", "bundle"], (1,)),
    "validate --format sarif": (["validate", "--format", "sarif", "skillwiki_tiny-0.3.0.tar.gz"], (1,)),
    "show": (["show", "bundle"], (1,)),
    "show --format json": (["show", "--format", "json", "bundle"], (1,)),
    "rules": (["rules"], (0,)),
    "rules CODE": (["rules", "SW503"], (0, 2)),  # 2 until rules explains one code (issue 14.9)
    "schema domain": (["schema", "domain"], (0,)),
    "schema atom": (["schema", "atom"], (0,)),
    "new": (
        [
            "new",
            "cafe-domain",
            "--path",
            b"proj-\xe9-{encoding}",
            "--title",
            "Café ↗",
            "--description",
            "Ça marche — ↗ 日本語",
        ],
        (0,),
    ),
    "build of a project that is not one": (["build", "bundle"], (1,)),
    "usage error": (["show"], (2,)),
}


@pytest.mark.parametrize("encoding", [name for name in ENCODINGS if name != "utf-8"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_on_every_output_encoding(odd: Path, command: str, encoding: str) -> None:
    """cp1252, ascii and LANG=C: each command prints what it can, with its exit code."""
    argv, codes = COMMANDS[command]
    slug = encoding.replace("=", "-").replace(",", "").replace(" ", "-")
    argv = [item.replace(b"{encoding}", slug.encode()) if isinstance(item, bytes) else item for item in argv]
    code, stderr, _ = skillwiki(argv, encoding, odd)
    assert code in codes, (code, stderr)
    if command == "new":  # the title as typed, whatever the terminal could decode of it
        (manifest,) = Path(os.fsdecode(os.path.join(os.fsencode(odd), argv[3]))).rglob("domain.yaml")
        assert 'title: "Café ↗"' in manifest.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("encoding", [name for name in ENCODINGS if name != "utf-8"])
def test_build_on_every_output_encoding(tmp_path: Path, encoding: str) -> None:
    """A project with a non-ASCII title and description built and validated."""
    skillwiki(
        ["new", "cafe-domain", "--path", "proj", "--title", "Café ↗", "--description", "Ça marche — ↗ 日本語"],
        encoding,
        tmp_path,
    )
    code, stderr, out = skillwiki(["build", "proj"], encoding, tmp_path, timeout=600)
    assert code == 0, stderr
    assert b"[ok]" in out


def test_escape_sequences_in_names_and_arguments_reach_no_terminal(tmp_path: Path) -> None:
    """A file named with an escape sequence (ESC, a carriage return) and an argument
    holding one: the text report and the error lines write them as ``\\x1b``, so
    that nothing a name holds clears or recolours a terminal; JSON keeps the name."""
    bundle = tmp_path / "bundle"
    shutil.copytree(HOSTILE_BASE, bundle)
    odd = "\x1b[2J\rnote.txt"
    (bundle / "atoms" / odd).write_text("a stray file\n", encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ.update(SKILLWIKI_NO_CACHE="1", PYTHONIOENCODING="utf-8")

    def sw(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "skillwiki_sdk", *argv],
            env=environ,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            cwd=tmp_path,
        )

    text = sw("validate", str(bundle))
    assert "\\x1b[2J\\x0dnote.txt" in text.stdout, text.stdout
    assert "\x1b" not in text.stdout and "\r" not in text.stdout
    document = json.loads(sw("validate", str(bundle), "--format", "json").stdout)
    assert any(odd in (finding.get("file") or "") for result in document["results"] for finding in result["findings"])
    missing = sw("validate", "/no/\x1b[31mred")
    assert missing.returncode == 1 and "/no/\\x1b[31mred" in missing.stdout and "\x1b" not in missing.stdout
    usage = sw("\x1b[31mcommand")
    assert usage.returncode == 2 and "\x1b" not in usage.stderr and "\\x1b[31mcommand" in usage.stderr


def test_list_writes_a_plugins_escape_sequences_as_escapes(tmp_path: Path) -> None:
    """A plugin whose import fails with an escape sequence in its message: ``list``
    says so with ``\\x1b``, and the terminal gets no ESC from it."""
    from plugin_factory import write_distribution

    site = tmp_path / "site"
    write_distribution(site, "skillwiki-ex-esc", "1.0", "ex_esc", code="raise RuntimeError('\\x1b[2Jboom\\rX')\n")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ.update(PYTHONPATH=str(site), SKILLWIKI_LOAD_PLUGINS="skillwiki-ex-esc", SKILLWIKI_NO_CACHE="1")
    done = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "list"], env=environ, capture_output=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert b"RuntimeError: \\x1b[2Jboom\\x0dX" in done.stdout and b"\x1b" not in done.stdout
