"""``skillwiki catalog`` without a browser: what it publishes, what it refuses, what
a second build rewrites, and what the pages hold where text is hostile.

The pages' behaviour in a real browser is in test_catalog_browser.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import EXAMPLE, EXAMPLE_BUNDLE, FIXTURES, run_cli
from plugin_factory import write_bundle, write_distribution
from test_hostile import HOSTILE as CORPUS
from test_hostile import build_case, run_in_process

from skillwiki_sdk.card import figures
from skillwiki_sdk.validation import load_bundle

HOSTILE = FIXTURES / "catalog" / "hostile"
HOSTILE_INVALID = FIXTURES / "catalog" / "hostile-invalid"


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """path → (size, mtime_ns) of every file under root."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            info = path.stat()
            found[path.relative_to(root).as_posix()] = (info.st_size, info.st_mtime_ns)
    return found


def test_catalog_json_holds_the_card_figures_of_every_domain(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_cli("catalog", str(EXAMPLE), "--out", str(out))
    assert result.code == 0, result.err
    catalog = json.loads((out / "catalog.json").read_text(encoding="utf-8"))
    [entry] = catalog["domains"]
    card = figures(load_bundle(EXAMPLE_BUNDLE))
    for key in ("name", "version", "counts", "kinds", "tags", "axes", "samples"):
        assert entry[key] == card[key], key
    assert [atom["id"] for atom in entry["atoms"]] == [atom.id for atom in load_bundle(EXAMPLE_BUNDLE).atoms_sorted()]
    for page in catalog["pages"]:
        assert (out / page).is_file(), page
    saga = json.loads((out / "domains/backend-architecture/domain.json").read_text(encoding="utf-8"))
    body = next(atom["body"] for atom in saga["atoms"] if atom["id"] == "saga")
    assert body.startswith("## What it is")
    assert "catalog: 1 domain, 18 atoms" in result.out


def test_the_domain_page_holds_the_sections_of_the_marketplace_card(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_cli("catalog", str(EXAMPLE), "--out", str(out)).code == 0
    page = (out / "domains/backend-architecture/index.html").read_text(encoding="utf-8")
    seed = (Path(__file__).parent / "data" / "backend-architecture-card.txt").read_text(encoding="utf-8")
    for heading in ("Atom counts by kind", "Tag vocabulary", "Retrieval axes", "Sample atoms"):
        assert heading in seed and f">{heading}</h2>" in page
    assert "See all 18 atoms in backend-architecture" in page and "See all 18 atoms in backend-architecture" in seed


def test_an_atom_body_is_rendered_from_markdown(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_cli("catalog", str(EXAMPLE), "--out", str(out)).code == 0
    page = (out / "domains/backend-architecture/atoms/saga.html").read_text(encoding="utf-8")
    assert "<h2>What it is</h2>" in page
    assert "<strong>Choreography</strong>" in page
    assert "<code>PENDING</code>" in page
    assert 'href="https://microservices.io/patterns/data/saga.html"' in page


def test_a_non_empty_folder_that_is_not_a_catalog_is_refused_and_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("precious", encoding="utf-8")
    (out / "index.html").write_text("my own page", encoding="utf-8")
    before = _tree(out)
    result = run_cli("catalog", str(EXAMPLE), "--out", str(out))
    assert result.code == 2
    assert "is not empty and is not a previous catalog" in result.err
    assert "Traceback" not in result.err + result.out
    assert _tree(out) == before
    assert (out / "index.html").read_text(encoding="utf-8") == "my own page"


@pytest.mark.parametrize("where", ["file", "under-a-file"])
def test_an_out_that_cannot_be_written_is_refused(tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file", encoding="utf-8")
    out = blocker if where == "file" else blocker / "site"
    result = run_cli("catalog", str(EXAMPLE), "--out", str(out))
    assert result.code == 2
    assert "--out" in result.err and "Traceback" not in result.err
    assert blocker.read_text(encoding="utf-8") == "a file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


def test_a_damaged_catalog_record_is_refused_not_trusted(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_cli("catalog", str(EXAMPLE), "--out", str(out)).code == 0
    (out / ".skillwiki-catalog.json").write_text("{not json", encoding="utf-8")
    before = _tree(out)
    result = run_cli("catalog", str(EXAMPLE), "--out", str(out))
    assert result.code == 2 and "cannot be read" in result.err
    assert _tree(out) == before


def _domains(root: Path, count: int) -> list[Path]:
    paths = []
    for index in range(count):
        name = f"domain-{index}"
        path = write_bundle(root / name, name, atoms={f"atom-{n}": {} for n in range(5)})
        paths.append(path)
    return paths


def test_a_second_build_rewrites_only_what_changed(tmp_path: Path) -> None:
    sources = _domains(tmp_path / "src", 3)
    out = tmp_path / "site"
    (tmp_path / "site").mkdir()
    assert run_cli("catalog", *map(str, sources), "--out", str(out)).code == 0
    (out / "mine.txt").write_text("left alone", encoding="utf-8")
    first = _tree(out)

    again = run_cli("catalog", *map(str, sources), "--out", str(out), "--format", "json")
    assert again.code == 0
    report = json.loads(again.out)
    assert report["files"]["written"] == 0 and report["rendered"] == [] and report["reused_sources"] == 3
    assert _tree(out) == first

    atom = sources[1] / "atoms" / "atom-2.md"
    atom.write_text(
        atom.read_text(encoding="utf-8").replace("The body of atom-2.", "A new body for atom-2."), encoding="utf-8"
    )
    (sources[1] / "atoms" / "atom-4.md").unlink()
    third = run_cli("catalog", *map(str, sources), "--out", str(out), "--format", "json")
    assert third.code == 0, third.err
    report = json.loads(third.out)
    assert report["rendered"] == ["domain-1"]
    after = _tree(out)
    changed = sorted(path for path in after if path in first and after[path] != first[path])
    assert "domains/domain-1/atoms/atom-2.html" in changed
    assert not [path for path in changed if path.startswith(("domains/domain-0/", "domains/domain-2/"))]
    assert "domains/domain-1/atoms/atom-0.html" not in changed  # same content: not written again
    assert "domains/domain-1/atoms/atom-4.html" not in after  # removed with its atom
    assert report["files"]["removed"] == 1
    assert "A new body for atom-2." in (out / "domains/domain-1/atoms/atom-2.html").read_text(encoding="utf-8")
    assert (out / "mine.txt").read_text(encoding="utf-8") == "left alone"


def test_a_link_to_another_domain_follows_what_is_published(tmp_path: Path) -> None:
    first = write_bundle(tmp_path / "a", "domain-a", atoms={"one": {"related": ['"@domain-b/two"']}})
    second = write_bundle(tmp_path / "b", "domain-b", atoms={"two": {}})
    out = tmp_path / "site"
    assert run_cli("catalog", str(first), str(second), "--out", str(out)).code == 0
    page = out / "domains/domain-a/atoms/one.html"
    assert 'href="../../domain-b/atoms/two.html"' in page.read_text(encoding="utf-8")
    # domain-b leaves the catalog: domain-a's page is rendered again, the link is text
    result = run_cli("catalog", str(first), "--out", str(out), "--format", "json")
    assert json.loads(result.out)["rendered"] == ["domain-a"]
    text = page.read_text(encoding="utf-8")
    assert "domain-b/atoms/two.html" not in text and "not in this catalog" in text
    assert not (out / "domains/domain-b").exists()
    sitemap = (out / "sitemap.html").read_text(encoding="utf-8")
    assert "domains/domain-a/atoms/one.html" in sitemap and "domain-b" not in sitemap


def test_a_source_that_does_not_exist_is_a_usage_error_and_the_catalog_is_kept(tmp_path: Path) -> None:
    """A mistyped SOURCE must not unpublish what the previous build published."""
    out = tmp_path / "site"
    assert run_cli("catalog", str(EXAMPLE), "--out", str(out)).code == 0
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    missing = tmp_path / "no-such-bundle"
    result = run_cli("catalog", str(missing), "--out", str(out))
    assert result.code == 2 and "no such file or folder" in result.err and str(missing) in result.err
    assert "nothing was written" in result.err
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before


def test_sources_that_do_not_validate_are_listed_on_the_problems_page(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_cli("catalog", str(EXAMPLE), str(HOSTILE_INVALID), "--out", str(out), "--format", "json")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["domains"] == ["backend-architecture"]
    reasons = {item["source"]: item for item in report["rejections"]}
    invalid = reasons[str(HOSTILE_INVALID)]
    assert {finding["code"] for finding in invalid["findings"]} >= {"SW103", "SW104", "SW203"}
    problems = (out / "problems.html").read_text(encoding="utf-8")
    assert "SW103" in problems and "<script>window.__pwned" not in problems
    assert "&lt;script&gt;window.__pwned" in problems
    assert not (out / "domains/hostile-invalid").exists()


class _Elements(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def _elements(page: Path) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.elements


def test_hostile_text_reaches_the_pages_only_as_text(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_cli("catalog", str(HOSTILE), "--out", str(out))
    assert result.code == 0, result.out + result.err
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 7
    for page in pages:
        for tag, attributes in _elements(page):
            assert tag not in ("svg", "iframe", "img", "object", "embed", "math", "style", "base"), (page, tag)
            assert not [
                name
                for name in attributes
                if name.startswith("on") or name in ("srcdoc", "style", "autofocus", "formaction")
            ], (page, tag, attributes)
            if tag == "script":
                assert attributes in (
                    {"src": attributes.get("src")},
                    {"type": "application/json", "id": "catalog-data"},
                ), (page, attributes)
                assert attributes.get("src") in (None, "assets/catalog.js")
            for name in ("href", "src", "action"):
                value = (attributes.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (page, tag, attributes)
                if value.startswith(("http:", "https:")):
                    assert '"' not in value and "<" not in value and "'" not in value, (page, value)
            if tag == "form":
                assert attributes.get("id") == "finder"
    browse = (out / "index.html").read_text(encoding="utf-8")
    data = browse.split('<script type="application/json" id="catalog-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data  # nothing in the data can close its element
    assert json.loads(data)["domains"][0]["t"].startswith("<svg")


@pytest.mark.slow
def test_the_example_as_wheel_and_sdist_is_one_domain_with_how_to_install_it(
    tmp_path: Path, built_example: Path
) -> None:
    out = tmp_path / "site"
    result = run_cli("catalog", str(built_example), "--out", str(out), "--format", "json")
    assert result.code == 0, result.out
    report = json.loads(result.out)
    assert report["domains"] == ["backend-architecture"]
    assert len(report["duplicates"]) == 1  # the wheel's and the sdist's are the same release
    page = (out / "domains/backend-architecture/index.html").read_text(encoding="utf-8")
    assert "pip install skillwiki-backend-architecture" in page
    saga = (out / "domains/backend-architecture/atoms/saga.html").read_text(encoding="utf-8")
    assert "<h2>What it is</h2>" in saga  # the body, read from the archive in place


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from catalog_dists import example_dists

    return example_dists(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def not_a_plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from catalog_dists import plain_wheel

    return plain_wheel(tmp_path_factory.getbasetemp())


@pytest.mark.slow
def test_a_wheel_that_is_not_a_plugin_is_left_out_with_its_reason(tmp_path: Path, not_a_plugin: Path) -> None:
    wheel = not_a_plugin
    out = tmp_path / "site"
    result = run_cli("catalog", str(wheel), "--out", str(out), "--format", "json")
    assert result.code == 1
    [rejection] = json.loads(result.out)["rejections"]
    assert {finding["code"] for finding in rejection["findings"]} >= {"SW403"}
    assert wheel.name in (out / "problems.html").read_text(encoding="utf-8")
    text = run_cli("catalog", str(wheel), "--out", str(out))
    assert text.code == 1 and "SW403" in text.out and "Traceback" not in text.out + text.err


def test_with_no_source_the_installed_domains_are_published(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    package = write_distribution(site, "skillwiki-tiny", "1.0.0", "skillwiki_tiny")
    write_bundle(package / "bundle", "tiny", atoms={"hello": {}, "world": {"related": ["hello"]}})
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "catalog", "--out", str(out), "--format", "json"],
        env={**os.environ, "PYTHONPATH": str(site), "SKILLWIKI_NO_CACHE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    assert "tiny" in report["domains"]
    page = (out / "domains/tiny/index.html").read_text(encoding="utf-8")
    assert "pip install skillwiki-tiny" in page
    assert (out / "domains/tiny/atoms/world.html").read_text(encoding="utf-8").count('href="hello.html"') == 1


def test_without_the_extra_the_command_says_how_to_install_it(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['nh3'] = None\n"
        "from skillwiki_sdk.cli import main\n"
        f"raise SystemExit(main(['catalog', {str(EXAMPLE)!r}, '--out', {str(tmp_path / 'site')!r}]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "pip install 'skillwiki-sdk[catalog]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()


def test_headings_of_a_body_are_renumbered_to_follow_the_page(tmp_path: Path) -> None:
    from skillwiki_sdk.catalog.render import markdown_to_html

    html = markdown_to_html("# One\n\ntext\n\n#### Deep\n\n## Two\n\n###### Six\n\n# Three\n")
    # the outline is kept, its levels closed up: h1 > h4, h2 > h6, h1 -> h2 > h3, h3 > h4, h2
    assert html.split() == "<h2>One</h2> <p>text</p> <h3>Deep</h3> <h3>Two</h3> <h4>Six</h4> <h2>Three</h2>".split()


def test_catalog_module_neither_forks_nor_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from skillwiki_sdk.catalog import build_catalog

    def refuse(*_a, **_k):
        raise AssertionError("the library forked")

    monkeypatch.setattr(os, "fork", refuse)
    result = build_catalog([str(EXAMPLE)], str(tmp_path / "site"))
    assert result.domains == ["backend-architecture"]
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    shutil.rmtree(tmp_path / "site")


def test_links_planted_in_a_catalog_are_never_written_through(tmp_path: Path) -> None:
    out = tmp_path / "site"
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.html"
    victim.write_text("untouched", encoding="utf-8")
    assert run_cli("catalog", str(EXAMPLE), "--out", str(out)).code == 0
    # a page replaced by a link to a file outside: the link is replaced, the file kept
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(victim)
    assert run_cli("catalog", str(EXAMPLE), "--out", str(out)).code == 0
    assert not (out / "index.html").is_symlink() and "Browse domains" in (out / "index.html").read_text(
        encoding="utf-8"
    )
    assert victim.read_text(encoding="utf-8") == "untouched"
    # a folder replaced by a link to a folder outside: refused, nothing written there
    shutil.rmtree(out / "domains")
    (out / "domains").symlink_to(outside, target_is_directory=True)
    result = run_cli("catalog", str(EXAMPLE), "--out", str(out))
    assert result.code == 2 and "symbolic link" in result.err and "Traceback" not in result.err
    assert sorted(p.name for p in outside.iterdir()) == ["victim.html"]


def test_a_page_removed_from_a_catalog_is_written_again(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_cli("catalog", str(EXAMPLE), "--out", str(out)).code == 0
    saga = out / "domains/backend-architecture/atoms/saga.html"
    text = saga.read_text(encoding="utf-8")
    saga.unlink()
    (out / "domains/backend-architecture/domain.json").write_text("{}", encoding="utf-8")
    result = run_cli("catalog", str(EXAMPLE), "--out", str(out), "--format", "json")
    assert result.code == 0 and json.loads(result.out)["rendered"] == ["backend-architecture"]
    assert saga.read_text(encoding="utf-8") == text
    assert (
        json.loads((out / "domains/backend-architecture/domain.json").read_text(encoding="utf-8"))["name"]
        == "backend-architecture"
    )


def _contents(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_rebuild_is_byte_for_byte_a_fresh_build(tmp_path: Path) -> None:
    sources = _domains(tmp_path / "src", 3)
    _edit(sources[0] / "atoms" / "atom-1.md", "related: []", 'related: ["@domain-2/atom-3"]')
    out = tmp_path / "site"
    assert run_cli("catalog", *map(str, sources), "--out", str(out)).code == 0

    # a body and an atom gone (domain-1), a summary shown on the Browse page (domain-2);
    # domain-0 is taken back from the previous build
    _edit(sources[1] / "atoms" / "atom-2.md", "The body of atom-2.", "A new body for atom-2.")
    (sources[1] / "atoms" / "atom-4.md").unlink()
    _edit(sources[2] / "atoms" / "atom-0.md", "A short summary of atom-0.", "Another summary of atom-0.")
    again = run_cli("catalog", *map(str, sources), "--out", str(out), "--format", "json")
    assert again.code == 0, again.err
    report = json.loads(again.out)
    assert report["rendered"] == ["domain-1", "domain-2"] and report["reused_sources"] == 1
    fresh = tmp_path / "fresh"
    assert run_cli("catalog", *map(str, sources), "--out", str(fresh)).code == 0
    assert _contents(out) == _contents(fresh)

    # a domain leaves: the link to it becomes text, as in a fresh build without it
    third = run_cli("catalog", *map(str, sources[:2]), "--out", str(out), "--format", "json")
    assert json.loads(third.out)["rendered"] == ["domain-0"]
    assert "domain-2" not in (out / "index.html").read_text(encoding="utf-8")
    fresh = tmp_path / "fresh-2"
    assert run_cli("catalog", *map(str, sources[:2]), "--out", str(fresh)).code == 0
    assert _contents(out) == _contents(fresh)

    # another title: in every page's header
    fourth = run_cli("catalog", *map(str, sources[:2]), "--out", str(out), "--title", "Other", "--format", "json")
    assert json.loads(fourth.out)["rendered"] == ["domain-0", "domain-1"]
    fresh = tmp_path / "fresh-3"
    assert run_cli("catalog", *map(str, sources[:2]), "--out", str(fresh), "--title", "Other").code == 0
    assert _contents(out) == _contents(fresh)


def test_a_body_edited_rewrites_its_page_and_data_only(tmp_path: Path) -> None:
    sources = _domains(tmp_path / "src", 3)
    out = tmp_path / "site"
    assert run_cli("catalog", *map(str, sources), "--out", str(out)).code == 0
    before = {path: (info.st_ino, info.st_mtime_ns) for path, info in _stats(out).items()}

    _edit(sources[1] / "atoms" / "atom-2.md", "The body of atom-2.", "A new body for atom-2.")
    again = run_cli("catalog", *map(str, sources), "--out", str(out), "--format", "json")
    report = json.loads(again.out)
    assert report["rendered"] == ["domain-1"] and report["reused_sources"] == 2
    after = {path: (info.st_ino, info.st_mtime_ns) for path, info in _stats(out).items()}
    assert sorted(path for path in after if after[path] != before.get(path)) == [
        ".skillwiki-catalog.json",
        "domains/domain-1/atoms/atom-2.html",
        "domains/domain-1/domain.json",
    ]


def _stats(root: Path) -> dict[str, os.stat_result]:
    return {path.relative_to(root).as_posix(): path.stat() for path in root.rglob("*") if path.is_file()}


def test_a_damaged_record_of_a_domain_has_its_source_read_again(tmp_path: Path) -> None:
    sources = _domains(tmp_path / "src", 2)
    out = tmp_path / "site"
    assert run_cli("catalog", *map(str, sources), "--out", str(out)).code == 0
    expected = _contents(out)
    (out / "domains/domain-0/.pieces.json").write_text("{}", encoding="utf-8")
    again = run_cli("catalog", *map(str, sources), "--out", str(out), "--format", "json")
    report = json.loads(again.out)
    assert again.code == 0 and report["reused_sources"] == 1 and report["rendered"] == []
    assert _contents(out) == expected


def _complete(out: Path) -> None:
    """Every file the catalog's record names is there, and every page catalog.json names."""
    record = json.loads((out / ".skillwiki-catalog.json").read_text(encoding="utf-8"))
    assert record["generator"], "the build did not finish: its record is the one it claims a folder with"
    assert [relative for relative in record["files"] if not (out / relative).is_file()] == []
    catalog = json.loads((out / "catalog.json").read_text(encoding="utf-8"))
    assert [page for page in catalog["pages"] if not (out / page).is_file()] == []


# a hostile case with a name that is not UTF-8 -> the exit code, what the catalog shows of the name
NOT_UTF8 = {
    "files/name-not-utf8-stray": (0, "atoms/patterns/read-through.m\\xff"),  # SW211, a warning: published
    "files/name-not-utf8-atom": (1, "caf\\xe9-\\xff.md"),  # SW204 names the file: left out
    "files/name-not-utf8-folder": (1, "atoms/d\\xe9j\\xe0/read-through.md"),  # SW207 in that folder
    "archives/tar-member-not-utf8": (1, "atoms/caf\\xe9.md"),  # the sdist's member, named in place
}


@pytest.mark.parametrize("case", NOT_UTF8)
def test_names_that_are_not_utf8_are_shown_escaped(tmp_path: Path, case: str) -> None:
    """A file, folder or archive member whose name is not UTF-8 (as validate takes it):
    its bytes shown escaped, as validate shows them, never an internal error or half a site."""
    code, shown = NOT_UTF8[case]
    target = build_case(CORPUS / case, tmp_path / "work")
    out = tmp_path / "site"
    result = run_cli("catalog", str(target), "--out", str(out), "--format", "json")
    assert result.code == code, result.err
    assert result.err == ""
    _complete(out)
    shown_in = (out / ("catalog.json" if code == 0 else "problems.html")).read_text(encoding="utf-8")
    assert shown in shown_in.replace("\\\\", "\\")  # (JSON writes a backslash doubled)
    again = run_cli("catalog", str(target), "--out", str(out), "--format", "json")
    assert again.code == code and json.loads(again.out)["files"]["written"] == 0


def test_a_source_whose_path_is_not_utf8_is_published_with_its_name_escaped(tmp_path: Path) -> None:
    folder = os.path.join(os.fsencode(tmp_path), b"caf\xe9")
    os.mkdir(folder)
    bundle = os.fsdecode(os.path.join(folder, b"bundle"))
    shutil.copytree(CORPUS / "_base", bundle)
    os.mkdir(os.path.join(folder, b"site-\xff"))
    out = os.fsdecode(os.path.join(folder, b"site-\xff"))
    result = run_cli("catalog", bundle, "--out", out, "--format", "json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["domains"] == ["tiny-domain"] and report["out"].endswith("caf\\xe9/site-\\xff")
    _complete(Path(out))
    catalog = json.loads((Path(out) / "catalog.json").read_text(encoding="utf-8"))
    assert catalog["domains"][0]["origin"]["source"].endswith("caf\\xe9/bundle")
    text = run_cli("catalog", bundle, "--out", out)
    assert text.code == 0 and "caf\\xe9/site-\\xff" in text.out


def _linked_everywhere(tmp_path: Path, layout: str) -> Path:
    """A source with links that lead round and round or to ``/``; returns it."""
    if layout == "folder-links-to-root":
        return build_case(CORPUS / "files" / "folder-links-to-root", tmp_path / "work")
    bundle = tmp_path / "bundle"
    shutil.copytree(CORPUS / "_base", bundle)
    if layout == "atom-folders-link-to-their-folder":
        (bundle / "atoms" / "a").symlink_to(".", target_is_directory=True)
        (bundle / "atoms" / "b").symlink_to(".", target_is_directory=True)
        return bundle
    folder = tmp_path / "sources"  # a folder of sources
    folder.mkdir()
    bundle.rename(folder / "bundle")
    (folder / "everything").symlink_to("/", target_is_directory=True)
    (folder / "again").symlink_to(".", target_is_directory=True)
    (folder / "deeper").mkdir()
    (folder / "deeper" / "up").symlink_to("..", target_is_directory=True)
    return folder


@pytest.mark.parametrize(
    "layout", ["folder-links-to-root", "atom-folders-link-to-their-folder", "a-folder-of-sources-links-to-root"]
)
def test_a_linked_folder_in_a_source_is_not_walked(tmp_path: Path, layout: str) -> None:
    """As validation: a loop of links or a link to / is not followed (it was walked
    for ever to fingerprint the source, or to find sources in a folder)."""
    source = _linked_everywhere(tmp_path, layout)
    out = tmp_path / "site"
    code, stdout, stderr, _ = run_in_process(["catalog", str(source), "--out", str(out), "--format", "json"], 60)
    report = json.loads(stdout)
    if layout == "folder-links-to-root":  # validate's verdict: SW510, the link is not followed
        assert (code, stderr, report["domains"]) == (1, "", [])
        [rejection] = report["rejections"]
        assert [finding["code"] for finding in rejection["findings"]] == ["SW510"]
    else:
        assert (code, stderr, report["domains"], report["rejections"]) == (0, "", ["tiny-domain"], [])
    _complete(out)
    again, stdout, _, _ = run_in_process(["catalog", str(source), "--out", str(out), "--format", "json"], 60)
    assert again == code and json.loads(stdout)["reused_sources"] == 1


def _record_also(out: Path, *relatives: str) -> None:
    """Add files to the catalog's record, as if the previous build had written them."""
    path = out / ".skillwiki-catalog.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["files"].update({relative: "0" * 32 for relative in relatives})
    path.write_text(json.dumps(record), encoding="utf-8")


def test_a_record_that_names_a_file_through_a_link_removes_nothing_there(tmp_path: Path) -> None:
    """The record of the previous build is a file in --out, anyone may edit it: a file
    it names behind a linked folder is not the catalog's, and is left where it is."""
    out = tmp_path / "site"
    outside = tmp_path / "outside"
    (outside / "empty").mkdir(parents=True)
    (outside / "precious.txt").write_text("precious", encoding="utf-8")
    assert run_cli("catalog", str(EXAMPLE), "--out", str(out)).code == 0
    (out / "evil").symlink_to(outside, target_is_directory=True)
    (out / "domains" / "evil").symlink_to(outside, target_is_directory=True)
    _record_also(out, "evil/precious.txt", "domains/evil/empty/gone.html", "domains/evil/precious.txt")
    result = run_cli("catalog", str(EXAMPLE), "--out", str(out), "--format", "json")
    assert result.code == 0, result.err
    assert (outside / "precious.txt").read_text(encoding="utf-8") == "precious"
    assert (outside / "empty").is_dir()  # (no folder emptied through the link is removed either)
    report = json.loads(result.out)
    assert report["files"]["removed"] == 0
    assert report["ignored"] == ["domains/evil/empty/gone.html", "domains/evil/precious.txt", "evil/precious.txt"]
    assert "left alone 3 files" in result.err and "through a symbolic link" in result.err
    again = run_cli("catalog", str(EXAMPLE), "--out", str(out), "--format", "json")
    assert (again.code, again.err, json.loads(again.out)["ignored"]) == (0, "", [])  # (this record names them no more)


def test_a_folder_of_the_catalog_turned_into_a_link_is_not_read_through(tmp_path: Path) -> None:
    """A domain's folder replaced by a link to a copy of it elsewhere: its pages there
    are not taken for the catalog's, and nothing is written there."""
    out = tmp_path / "site"
    assert run_cli("catalog", str(EXAMPLE), "--out", str(out)).code == 0
    copy = tmp_path / "copy"
    shutil.move(out / "domains" / "backend-architecture", copy)
    (out / "domains" / "backend-architecture").symlink_to(copy, target_is_directory=True)
    before = _contents(copy)
    code, stdout, stderr, _ = run_in_process(["catalog", str(EXAMPLE), "--out", str(out)], 60)
    assert code == 2 and "symbolic link" in stderr, stdout + stderr
    assert _contents(copy) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
@pytest.mark.parametrize("relative", ["sitemap.html", "domains/backend-architecture/.pieces.json"])
@pytest.mark.parametrize("what", ["pipe", "folder", "link-to-a-pipe"])
def test_a_pipe_or_a_folder_where_a_catalog_file_goes_is_not_waited_on(
    tmp_path: Path, relative: str, what: str
) -> None:
    """What is in the way of a file of the catalog and is not a file is refused (exit 2,
    left as it is), a link is replaced; never read or written through, never waited on."""
    out = tmp_path / "site"
    assert run_cli("catalog", str(EXAMPLE), "--out", str(out)).code == 0
    target = out / relative
    target.unlink()
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    if what == "pipe":
        os.mkfifo(target)
    elif what == "folder":
        target.mkdir()
    else:
        target.symlink_to(pipe)
    code, stdout, stderr, _ = run_in_process(["catalog", str(EXAMPLE), "--out", str(out)], 60)
    if what == "link-to-a-pipe":
        assert code == 0, stdout + stderr
        assert not target.is_symlink() and target.is_file()
        _complete(out)
    else:
        assert code == 2 and f"{target} is in the way of the catalog and is not a file" in stderr, stdout + stderr
        assert target.is_dir() if what == "folder" else target.is_fifo()
    assert pipe.is_fifo()
