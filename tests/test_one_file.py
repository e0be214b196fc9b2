"""``skillwiki validate path/to/atoms/x.md``: the bundle the file belongs to is
checked as a whole (its vocabulary, axes and links in view), and only that file's
findings are reported, under the name the file was given by."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillwiki_sdk.explain import Explanation, write_example
from skillwiki_sdk.validation import bundle_of

CACHE = "bundle/atoms/cache-near-reads.md"
QUEUE = "bundle/atoms/queue-writes.md"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bundle whose queue-writes has SW209 (orbit) and whose cache-near-reads links
    queue-writes and uses declared tags and axes; domain.yaml has SW110 (latency)."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    write_example(Explanation("SW000", "", ""), tmp_path)
    queue = tmp_path / QUEUE
    queue.write_text(queue.read_text().replace("layer: [transport]", "layer: [transport, orbit]"))
    domain = tmp_path / "bundle/domain.yaml"
    domain.write_text(domain.read_text().replace("tags: [caching, queues]", "tags: [caching, queues, latency]"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def findings(cli, path: str) -> tuple[int, list[tuple[str, str, int]], dict]:
    result = cli("validate", "--format", "json", path)
    [entry] = json.loads(result.out)["results"]
    return result.code, [(f["code"], f["file"], f["line"]) for f in entry["findings"]], entry


def test_only_the_files_own_findings_are_reported(project: Path, cli) -> None:
    code, found, entry = findings(cli, QUEUE)
    assert (code, found) == (1, [("SW209", QUEUE, 7)])
    assert (entry["domains"], entry["atoms"]) == (["tiny-domain"], 1)


def test_the_bundles_vocabulary_axes_and_links_are_in_view(project: Path, cli) -> None:
    # its tags, its axis value and its link to queue-writes are all declared elsewhere
    assert findings(cli, CACHE)[:2] == (0, [])
    atom = project / CACHE
    atom.write_text(
        atom.read_text()
        .replace("tags: [caching]", "tags: [cachng]")
        .replace("related: [queue-writes]", "related: [queue-write]")
    )
    assert findings(cli, CACHE)[:2] == (1, [("SW207", CACHE, 5), ("SW301", CACHE, 8)])


@pytest.mark.parametrize(
    ("cwd", "given"),
    [("bundle/atoms", "queue-writes.md"), ("bundle", "atoms/queue-writes.md"), ("bundle/atoms", "./queue-writes.md")],
)
def test_the_file_is_named_as_it_was_given(
    project: Path, cli, monkeypatch: pytest.MonkeyPatch, cwd: str, given: str
) -> None:
    monkeypatch.chdir(project / cwd)
    shown = given.removeprefix("./")
    assert findings(cli, given)[:2] == (1, [("SW209", shown, 7)])
    result = cli("validate", given)
    assert result.out.splitlines()[0] == f"{shown}:7:22: SW209 value 'orbit' is not declared for axis 'layer'"


def test_an_absolute_path_is_found_too(project: Path, cli) -> None:
    assert findings(cli, str(project / QUEUE))[:2] == (1, [("SW209", str(project / QUEUE), 7)])


def test_a_file_in_no_bundle_is_said_so(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "loose.md").write_text("---\nid: loose\n---\nText.\n")
    code, found, _ = findings(cli, "loose.md")
    assert (code, found) == (1, [("SW101", "loose.md", None)])
    assert bundle_of("loose.md") is None


def test_a_file_beside_atoms_is_not_an_atom(project: Path, cli) -> None:
    (project / "bundle/notes").mkdir()
    (project / "bundle/notes/idea.md").write_text("an idea\n")
    assert findings(cli, "bundle/notes/idea.md")[:2] == (0, [("SW211", "bundle/notes/idea.md", None)])


def test_a_file_belongs_to_the_bundle_right_above_its_atoms(tmp_path: Path) -> None:
    (tmp_path / "outer/atoms/inner/atoms").mkdir(parents=True)
    (tmp_path / "outer/domain.yaml").write_text("")
    (tmp_path / "outer/atoms/inner/domain.yaml").write_text("")
    assert bundle_of(str(tmp_path / "outer/atoms/inner/atoms/x.md")) == str(tmp_path / "outer/atoms/inner")
    assert bundle_of(str(tmp_path / "outer/atoms/x.md")) == str(tmp_path / "outer")
