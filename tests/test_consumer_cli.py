"""The consumer commands (atoms, show NAME/ID, match, list --overlaps) as a user runs
them: a process of their own over the three domains installed as real distributions;
every bad input a clear message with exit 0, 1 or 2, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from consumer_site import BUNDLES, LOAD, write_site

from skillwiki_sdk.validation import load_bundle


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site(tmp_path_factory.mktemp("consumers") / "site")


@pytest.fixture(scope="module")
def bundles() -> dict:
    return {name: load_bundle(str(path)) for name, path in BUNDLES.items()}


@pytest.fixture(scope="module")
def sw(site: Path, tmp_path_factory: pytest.TempPathFactory):
    cache = tmp_path_factory.mktemp("cache")

    def run(
        *args: str, columns: int | None = None, stdin: str | None = None, encoding: str = "utf-8"
    ) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
        env.update(
            PYTHONPATH=str(site), SKILLWIKI_LOAD_PLUGINS=LOAD, SKILLWIKI_CACHE_DIR=str(cache), PYTHONIOENCODING=encoding
        )
        env.pop("COLUMNS", None)
        if columns:
            env["COLUMNS"] = str(columns)
        done = subprocess.run(
            [sys.executable, "-m", "skillwiki_sdk", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            input=stdin,
            encoding="utf-8",
        )
        assert done.returncode in (0, 1, 2), done.stderr
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
        return done

    return run


def test_atoms_lists_every_atom_of_a_domain(sw, bundles: dict) -> None:
    done = sw("atoms", "backend-architecture", "--format", "json")
    assert done.returncode == 0
    document = json.loads(done.stdout)
    bundle = bundles["backend-architecture"]
    assert document["count"] == len(bundle.atoms) == 18
    assert [a["id"] for a in document["atoms"]] == [a.id for a in bundle.atoms_sorted()]
    first = document["atoms"][0]
    atom = bundle.atoms_sorted()[0]
    assert (first["ref"], first["title"], first["summary"], first["quality"]) == (
        atom.ref,
        atom.title,
        atom.summary,
        atom.quality,
    )
    text = sw("atoms", "backend-architecture").stdout
    assert text.startswith("backend-architecture: 18 of 18 atoms")
    assert all(a.id in text for a in bundle.atoms)


def test_atoms_filters_by_kind_tag_and_axis(sw, bundles: dict) -> None:
    done = sw(
        "atoms",
        "data-engineering",
        "--kind",
        "pattern",
        "--axis",
        "processing=streaming",
        "--axis",
        "processing=micro-batch",
        "--format",
        "json",
    )
    ids = [a["id"] for a in json.loads(done.stdout)["atoms"]]
    expected = [
        a.id
        for a in bundles["data-engineering"].atoms_sorted()
        if a.kind == "pattern" and {"streaming", "micro-batch"} & set(a.axes.get("processing", ()))
    ]
    assert ids == expected and expected
    done = sw("atoms", "web-security", "--tag", "csrf")
    assert "csrf-tokens" in done.stdout and "tls-everywhere" not in done.stdout


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("atoms", "no-such-domain"), 1, "no installed domain named 'no-such-domain'"),
        (("atoms", "web-securty"), 1, "did you mean web-security"),
        (("atoms", "web-security", "--axis", "surface"), 2, "--axis takes AXIS=VALUE"),
        (("atoms", "web-security", "--axis", "surfce=api"), 2, "no axis 'surfce'"),
        (("atoms", "web-security", "--axis", "surface=moon"), 2, "has no value 'moon'"),
        (("atoms", "web-security", "--kind", "recipe"), 2, "no kind 'recipe'"),
        (("atoms", "web-security", "--kind", "pattern", "--axis", "threat=ssrf"), 1, "no atom of web-security matches"),
    ],
)
def test_atoms_bad_input_is_a_clear_message(sw, args, code: int, message: str) -> None:
    done = sw(*args)
    assert done.returncode == code and message in done.stderr


def test_show_an_atom_with_its_links_resolved_and_its_body_wrapped(sw, bundles: dict) -> None:
    done = sw("show", "web-security/rate-limit-login", columns=60)
    assert done.returncode == 0
    atom = next(a for a in bundles["web-security"].atoms if a.id == "rate-limit-login")
    out = done.stdout
    assert out.startswith(f"rule @web-security/rate-limit-login\n{atom.title}\n")
    assert "@backend-architecture/api-gateway  Api Gateway" in out  # across domains, with its title
    assert "@web-security/password-hashing  Password Hashing" in out
    assert "quality  4.0" in out and "rate-limiting" in out and "surface: api, identity" in out
    assert "## What it is" in out and "Credential stuffing" in out
    assert all(len(line) <= 60 for line in out.splitlines()), [line for line in out.splitlines() if len(line) > 60]
    body_words = " ".join(atom.body.split())
    shown = " ".join(out[out.index("## What it is") :].split())
    assert shown == body_words  # the whole body, only wrapped


def test_show_an_atom_as_json(sw, bundles: dict) -> None:
    document = json.loads(sw("show", "@backend-architecture/saga", "--format", "json").stdout)
    saga = next(a for a in bundles["backend-architecture"].atoms if a.id == "saga")
    assert (document["ref"], document["kind"], document["title"], document["body"]) == (
        saga.ref,
        saga.kind,
        saga.title,
        saga.body,
    )
    assert [r["ref"] for r in document["related"]] == [f"@backend-architecture/{link}" for link in saga.related]
    assert all(r["resolved"] and r["title"] for r in document["related"])
    assert document["sources"] == [dict(s) for s in saga.sources]


@pytest.mark.parametrize(
    "target, code, message",
    [
        ("backend-architecture/nope", 1, "has no atom 'nope'"),
        ("backend-architecture/sga", 1, "did you mean saga"),
        ("nowhere/saga", 1, "no installed domain named 'nowhere'"),
        ("a/b/c", 1, "no such path"),
    ],
)
def test_show_of_a_missing_atom_is_a_clear_message(sw, target: str, code: int, message: str) -> None:
    done = sw("show", target)
    assert done.returncode == code and message in done.stderr


def test_the_card_points_at_the_atoms_command(sw) -> None:
    done = sw("show", "backend-architecture")
    assert "See all 18 atoms in backend-architecture: skillwiki atoms backend-architecture" in done.stdout


def test_match_json_has_exactly_the_documented_shape(sw) -> None:
    done = sw(
        "match",
        "our checkout spans three services and we cannot run one transaction across them",
        "--format",
        "json",
        "--top",
        "3",
    )
    assert done.returncode == 0
    document = json.loads(done.stdout)
    assert list(document) == ["brief", "domains", "atoms"]
    assert all(list(d) == ["name", "score", "signals"] for d in document["domains"])
    assert all(list(a) == ["domain", "id", "ref", "title", "kind", "score"] for a in document["atoms"])
    assert len(document["atoms"]) == 3 and document["atoms"][0]["ref"] == "@backend-architecture/saga"
    scores = [a["score"] for a in document["atoms"]]
    assert scores == sorted(scores, reverse=True)
    assert document["domains"][0]["name"] == "backend-architecture"


def test_match_text_and_explain_say_why(sw) -> None:
    done = sw("match", "where should config and logs of our microservices live", "--explain")
    assert done.returncode == 0
    out = done.stdout
    assert "Domains" in out and "Atoms" in out and "signals:" in out
    assert "met the tag" in out and "is shared with web-security" in out
    assert "text " in out and "domain factor" in out
    assert "signal words claimed by several domains" in out


def test_match_with_domain_and_axis(sw) -> None:
    document = json.loads(
        sw(
            "match",
            "events arrive late",
            "--domain",
            "data-engineering",
            "--axis",
            "processing=streaming",
            "--format",
            "json",
        ).stdout
    )
    assert {d["name"] for d in document["domains"]} == {"data-engineering"}
    assert document["atoms"] and all(a["domain"] == "data-engineering" for a in document["atoms"])


def test_match_reads_a_brief_from_stdin(sw) -> None:
    done = sw("match", "-", "--format", "json", stdin="a user put a script tag in their display name")
    assert json.loads(done.stdout)["domains"][0]["name"] == "web-security"


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("match", ""), 2, "the brief is empty"),
        (("match", "   "), 2, "the brief is empty"),
        (("match", "zzqx vvwyk"), 1, "no domain's vocabulary or atoms share a word"),
        (("match", "the and of"), 1, "no words to match"),
        (("match", "saga", "--domain", "nope"), 1, "no installed domain named 'nope'"),
        (("match", "saga", "--axis", "layr=data"), 2, "no axis 'layr'"),
        (("match", "saga", "--axis", "layer=moon"), 2, "has no value 'moon'"),
        (("match", "saga", "--axis", "layer"), 2, "--axis takes AXIS=VALUE"),
        (("match", "saga", "--top", "0"), 2, "must be 1 to 1000"),
        (("match", "saga", "--top", "many"), 2, "not a whole number"),
    ],
)
def test_match_bad_input_is_a_clear_message(sw, args, code: int, message: str) -> None:
    done = sw(*args)
    assert done.returncode == code and message in done.stderr, done.stderr


def test_match_of_a_megabyte_brief_with_control_characters(sw) -> None:
    brief = "sql injection\x1b[2J in our search form\x07 " + "lorem " * 200_000
    done = sw("match", "-", "--format", "json", stdin=brief)
    assert done.returncode == 0
    document = json.loads(done.stdout)
    assert document["atoms"][0]["ref"] == "@web-security/parameterized-queries"
    assert "the brief is more than 80,000 characters long; only its first 20,000 were read" in done.stderr
    text = sw("match", "-", stdin=brief).stdout
    assert "\x1b" not in text and "\x07" not in text


def test_match_of_a_brief_with_bytes_of_no_encoding_shows_replacement_characters(sw, site: Path) -> None:
    """A byte that is not UTF-8 in the brief (an argument, or standard input) is shown
    as U+FFFD, never as the lone surrogate Python keeps it as: strict JSON parsers
    refuse those, and a terminal shows them as escapes."""
    brief = "sql injection \udcff\udcfe in our search form"  # b"\xff\xfe" as Python decodes argv
    document = json.loads(sw("match", brief, "--format", "json").stdout)
    assert document["brief"] == "sql injection \ufffd\ufffd in our search form"
    assert document["atoms"][0]["ref"] == "@web-security/parameterized-queries"
    assert "brief: sql injection \ufffd\ufffd in our search form" in sw("match", brief).stdout
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    env.update(PYTHONPATH=str(site), SKILLWIKI_LOAD_PLUGINS=LOAD, SKILLWIKI_NO_CACHE="1", PYTHONIOENCODING="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "match", "-", "--format", "json"],
        input=b"sql injection \xff in our search form",
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr  # (it was an internal error, exit 3: stdin was strict UTF-8)
    assert json.loads(done.stdout.decode("utf-8"))["brief"] == "sql injection \ufffd in our search form"


def test_show_of_a_name_that_is_also_a_folder_here(site: Path, tmp_path: Path) -> None:
    """``show NAME`` where the working folder has a folder NAME: one with no bundle
    in it shows the installed domain (it said "no bundle here"); one holding a
    bundle is shown, with a note naming ``show @NAME`` for the installed domain,
    which ``@NAME`` shows whatever folder is there."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    env.update(PYTHONPATH=str(site), SKILLWIKI_LOAD_PLUGINS=LOAD, SKILLWIKI_NO_CACHE="1", PYTHONIOENCODING="utf-8")

    def show(target: str) -> tuple[int, dict, str]:
        done = subprocess.run(
            [sys.executable, "-m", "skillwiki_sdk", "show", target, "--format", "json"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
        return done.returncode, json.loads(done.stdout) if done.stdout else {}, done.stderr

    installed = show("@web-security")
    assert installed[0] == 0 and installed[1]["name"] == "web-security"
    (tmp_path / "web-security").mkdir()  # notes, say: no bundle in it
    (tmp_path / "web-security" / "notes.md").write_text("to read\n", encoding="utf-8")
    assert show("web-security") == installed
    local = tmp_path / "web-security"
    shutil.rmtree(local)
    shutil.copytree(BUNDLES["data-engineering"], local)
    code, card, stderr = show("web-security")
    assert code == 0 and card["name"] == "data-engineering"
    assert "for the installed domain web-security, run 'skillwiki show @web-security'" in stderr
    assert show("@web-security") == installed
    assert show("./web-security")[1]["name"] == "data-engineering" and "show @" not in show("./web-security")[2]
    code, card, stderr = show("@nope")
    assert code == 1 and "no installed domain named 'nope'" in stderr and "no such path" not in stderr


def test_list_overlaps(sw) -> None:
    document = json.loads(sw("list", "--overlaps", "--format", "json").stdout)
    tags = {item["tag"]: item["domains"] for item in document["shared_tags"]}
    assert tags["config"] == ["backend-architecture", "web-security"]
    assert tags["observability"] == ["backend-architecture", "data-engineering"]
    links = {(link["from"], link["to"]) for link in document["links"]}
    assert ("@web-security/rate-limit-login", "@backend-architecture/api-gateway") in links
    text = sw("list", "--overlaps").stdout
    assert "claimed by several domains" in text and "-> @backend-architecture/api-gateway" in text


@pytest.mark.parametrize(
    "args",
    [
        ("show", "web-security/rate-limit-login"),
        ("match", "sql injection", "--explain"),
        ("atoms", "web-security"),
        ("show", "web-security"),
    ],
)
def test_a_terminal_that_cannot_show_every_character_gets_the_rest(sw, args) -> None:
    done = sw(*args, encoding="ascii")
    assert done.returncode == 0 and done.stdout


def test_show_names_a_link_to_a_domain_that_is_not_installed(site: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    env.update(
        PYTHONPATH=str(site),
        SKILLWIKI_LOAD_PLUGINS="skillwiki-ct-web-security",
        SKILLWIKI_CACHE_DIR=str(tmp_path),
        PYTHONIOENCODING="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "show", "web-security/rate-limit-login", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = {row["link"]: row for row in json.loads(done.stdout)["related"]}
    assert rows["@backend-architecture/api-gateway"] == {
        "link": "@backend-architecture/api-gateway",
        "ref": None,
        "title": None,
        "resolved": False,
    }
    assert rows["password-hashing"]["resolved"] is True
    done = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "show", "web-security/rate-limit-login"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "@backend-architecture/api-gateway  (not installed: dangling)" in done.stdout


def test_markdown_is_wrapped_but_code_headings_and_tables_are_kept() -> None:
    from skillwiki_sdk.commands.show_atom import wrap_markdown

    text = (
        "## A heading that is long enough to pass the width of this test\n\n"
        + "word " * 30
        + "\n\n- an item "
        + "long " * 20
        + "\n\n```\ncode line that is much longer than the width and stays as it is, unbroken\n```\n\n| a | table |\n"
    )
    lines = wrap_markdown(text, 40)
    assert lines[0].startswith("## A heading") and len(lines[0]) > 40
    assert "code line that is much longer than the width and stays as it is, unbroken" in lines
    assert "| a | table |" in lines
    item = [line for line in lines if line.startswith("- an item")]
    assert item and lines[lines.index(item[0]) + 1].startswith("  long")
    prose = [line for line in lines if line.startswith("word")]
    assert len(prose) > 1 and all(len(line) <= 40 for line in prose)


def test_a_warm_match_reads_the_index_kept_with_the_snapshot_and_no_atom(tmp_path: Path) -> None:
    """The second match reads the index kept under the discovery's snapshot: no
    metadata, no plugin, no PyYAML and no registry of atoms; the answer is the one of a
    cold cache and of no cache, and an atom edited since is seen."""
    site = write_site(tmp_path / "site")
    work = tmp_path / "work"  # a folder of its own: the snapshot's sys.path[0]
    work.mkdir()
    brief = "our checkout spans three services and we cannot run one transaction across them"

    def match(*args: str, cache: bool = True) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
        env.update(PYTHONPATH=str(site), SKILLWIKI_LOAD_PLUGINS=LOAD, SKILLWIKI_CACHE_DIR=str(tmp_path / "cache"))
        if not cache:
            env["SKILLWIKI_NO_CACHE"] = "1"
        return subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "skillwiki_sdk", "match", *args, "--format", "json"],
            env=env,
            cwd=work,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def imported(done: subprocess.CompletedProcess) -> set[str]:
        return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}

    cold, warm, off = match(brief), match(brief), match(brief, cache=False)
    assert cold.returncode == 0 and json.loads(cold.stdout)["atoms"][0]["ref"] == "@backend-architecture/saga"
    assert warm.stdout == cold.stdout == off.stdout
    assert not imported(warm) & {
        "importlib.metadata",
        "yaml",
        "pluggy",
        "skillwiki_sdk.registry",
        "skillwiki_sdk.loading",
    }, "a warm match made the registry"
    assert {"yaml", "skillwiki_sdk.registry", "pluggy"} <= imported(cold)  # (what the check above would see)
    # an atom edited in place: the snapshot no longer holds, the index is built again
    atom = next(site.rglob("saga.md"))
    atom.write_text(atom.read_text(encoding="utf-8").replace("summary: ", "summary: Zyzzyva. ", 1), encoding="utf-8")
    edited = json.loads(match("zyzzyva").stdout)
    assert [a["ref"] for a in edited["atoms"]] == ["@backend-architecture/saga"]
    assert json.loads(match("zyzzyva").stdout) == edited == json.loads(match("zyzzyva", cache=False).stdout)


def test_match_says_what_brought_a_domain_that_no_tag_signals(sw) -> None:
    done = sw("match", "we keep retrying a flaky payment provider and it takes the whole checkout down")
    assert done.returncode == 0
    lines = [line for line in done.stdout.splitlines() if "signals:" in line]
    assert any("- (no tag; words met in its atoms: " in line for line in lines), done.stdout
