"""Atoms in full (body read when asked, ref), queries by kind, tag and axis value,
links resolved across domains, and overlaps, over the three domains with real
content; and the Registry methods that delegate to them, over real plugins."""

from __future__ import annotations

import importlib
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from consumer_site import BUNDLES, PROJECTS

from skillwiki_sdk import query
from skillwiki_sdk.loading import LIMITS, split_frontmatter
from skillwiki_sdk.model import Atom
from skillwiki_sdk.registry import Registry
from skillwiki_sdk.validation import load_bundle


@pytest.fixture(scope="module")
def domains() -> dict:
    return {name: load_bundle(str(path)) for name, path in BUNDLES.items()}


@pytest.fixture
def copied(tmp_path: Path) -> dict:
    """The three bundles copied, free to change."""
    found = {}
    for name, path in BUNDLES.items():
        shutil.copytree(path, tmp_path / name)
        found[name] = load_bundle(str(tmp_path / name))
    return found


def test_an_atom_holds_no_body_and_reads_it_from_its_file_when_asked(copied: dict) -> None:
    atom = next(a for a in copied["backend-architecture"].atoms if a.id == "saga")
    assert "body" not in Atom.__slots__ and not hasattr(atom, "__dict__")  # nothing kept per atom
    text = Path(atom.source.path).read_text(encoding="utf-8")
    front, _ = split_frontmatter(text, atom.source.display)
    assert atom.body == front.body.strip() and atom.body.startswith("## What it is")
    Path(atom.source.path).write_text(text + "\nA line added since.\n", encoding="utf-8")
    assert atom.body.endswith("A line added since.")  # read again, not kept


def test_a_body_is_read_within_the_loaders_limits(copied: dict) -> None:
    atom = copied["web-security"].atoms[0]
    Path(atom.source.path).write_text(
        "---\nid: x\n---\n" + ("word " * 1000 + "\n") * (LIMITS.file_bytes // 5000 + 2), encoding="utf-8"
    )
    with pytest.raises(ValueError, match="SW509"):
        _ = atom.body
    Path(atom.source.path).unlink()
    with pytest.raises(OSError):
        _ = atom.body


def test_a_bundle_may_be_given_its_own_body_reader(domains: dict) -> None:
    bundle = load_bundle(str(BUNDLES["data-engineering"]))
    bundle.origin.read_body = lambda atom: f"body of {atom.ref}"
    assert {atom.body for atom in bundle.atoms} == {f"body of @data-engineering/{atom.id}" for atom in bundle.atoms}


def test_ref_names_the_domain_and_the_id(domains: dict) -> None:
    for name, bundle in domains.items():
        for atom in bundle.atoms:
            assert atom.domain == name and atom.ref == f"@{name}/{atom.id}"


def _expected(bundle, kinds=None, tags=None, axes=None) -> list[str]:
    found = []
    for atom in bundle.atoms:
        if kinds and atom.kind not in kinds:
            continue
        if tags and not set(tags) & set(atom.tags):
            continue
        if axes and not all(set(values) & set(atom.axes.get(axis, ())) for axis, values in axes.items()):
            continue
        found.append(atom.id)
    return sorted(found, key=lambda i: (next(a.kind for a in bundle.atoms if a.id == i), i))


@pytest.mark.parametrize(
    "kinds, tags, axes",
    [
        (None, None, None),
        (["pattern"], None, None),
        (["pattern", "rule"], None, None),
        (None, ["microservices", "saga"], None),
        (None, None, {"layer": ["data"]}),
        (None, None, {"layer": ["data", "process"], "scale-class": ["high-scale", "small"]}),
        (["rule"], ["resilience"], {"deployment-mode": ["microservices"]}),
    ],
)
def test_filters_combine_with_and_and_values_with_or(domains: dict, kinds, tags, axes) -> None:
    bundle = domains["backend-architecture"]
    found = query.atoms(domains, "backend-architecture", kind=kinds, tag=tags, axis=axes)
    assert [a.id for a in found] == _expected(bundle, kinds, tags, axes)
    if kinds or tags or axes:
        assert len(found) < len(bundle.atoms)


def test_atoms_of_every_domain_come_by_domain_then_kind_and_id(domains: dict) -> None:
    found = query.atoms(domains, tag="observability")
    assert found and {a.domain for a in found} == {"backend-architecture", "data-engineering"}
    assert [(a.domain, a.kind, a.id) for a in found] == sorted((a.domain, a.kind, a.id) for a in found)


@pytest.mark.parametrize(
    "domain, filters, message",
    [
        ("backend-architectur", {}, "did you mean backend-architecture"),
        ("backend-architecture", {"kind": "patern"}, "no kind 'patern'"),
        ("backend-architecture", {"tag": "sagas"}, "did you mean saga"),
        (
            "backend-architecture",
            {"axis": {"layers": "data"}},
            "no axis 'layers' in the chosen domain; did you mean layer",
        ),
        ("backend-architecture", {"axis": {"layer": "dta"}}, "axis 'layer' has no value 'dta'; did you mean data"),
    ],
)
def test_a_filter_that_names_nothing_is_an_error_with_a_suggestion(domains: dict, domain, filters, message) -> None:
    with pytest.raises(query.QueryError, match=message):
        query.atoms(domains, domain, **filters)


def test_links_resolve_as_refs_as_names_and_as_plain_ids(domains: dict) -> None:
    saga = next(a for a in domains["backend-architecture"].atoms if a.id == "saga")
    assert query.resolve(domains, "@backend-architecture/saga") is saga
    assert query.resolve(domains, "backend-architecture/saga") is saga
    assert query.resolve(domains, "saga", within="backend-architecture") is saga
    assert query.resolve(domains, "saga") is None
    assert query.resolve(domains, "@backend-architecture/nope") is None
    assert query.resolve(domains, "@nowhere/saga") is None


def test_related_atoms_resolve_across_domains_and_dangling_ones_are_named(domains: dict) -> None:
    atom = next(a for a in domains["web-security"].atoms if a.id == "rate-limit-login")
    links = query.related(domains, atom)
    assert [a.ref for a in links.atoms] == [
        link if link.startswith("@") else f"@web-security/{link}" for link in atom.related
    ]
    assert links.dangling == []
    alone = {"web-security": domains["web-security"]}
    links = query.related(alone, atom)
    assert links.dangling == [link for link in atom.related if link.startswith("@backend-architecture/")]
    assert len(links.atoms) == len(atom.related) - len(links.dangling)


def test_overlaps_are_the_shared_tags_and_the_links_between_domains(domains: dict) -> None:
    found = query.overlaps(domains)
    vocabularies = {name: set(bundle.domain.tags) for name, bundle in domains.items()}
    shared = {tag for tag in set().union(*vocabularies.values()) if sum(tag in v for v in vocabularies.values()) > 1}
    assert set(found.tags) == shared and shared
    for tag, names in found.tags.items():
        assert names == sorted(name for name, tags in vocabularies.items() if tag in tags)
    links = {
        (f"@{name}/{atom.id}", link)
        for name, bundle in domains.items()
        for atom in bundle.atoms
        for link in atom.related
        if link.startswith("@") and not link.startswith(f"@{name}/")
    }
    assert {(source, target) for source, target, _ in found.links} == links
    assert all(ok for _, _, ok in found.links)


@pytest.fixture(scope="module")
def registry() -> Registry:
    added = []
    for project in PROJECTS.values():
        src = str(project / "src")
        if src not in sys.path:
            sys.path.insert(0, src)
            added.append(src)
    try:
        modules = [
            importlib.import_module(next((project / "src").glob("skillwiki_*")).name) for project in PROJECTS.values()
        ]
        return Registry.from_plugins(modules)
    finally:
        for src in added:
            sys.path.remove(src)


def test_the_registry_answers_through_the_query_functions(registry: Registry) -> None:
    assert sorted(registry.domains) == sorted(PROJECTS)
    assert [a.ref for a in registry.atoms("web-security", kind="rule")] == [
        a.ref for a in query.atoms(registry.domains, "web-security", kind="rule")
    ]
    saga = registry.resolve("@backend-architecture/saga")
    assert saga is registry.atom("backend-architecture", "saga") and saga.title == "Saga"
    assert [a.ref for a in registry.related(saga).atoms] == [f"@backend-architecture/{link}" for link in saga.related]
    assert registry.overlaps().tags == query.overlaps(registry.domains).tags
    result = registry.match("our checkout spans three services and we cannot run one transaction across them")
    assert result.atoms[0].ref == "@backend-architecture/saga"
    assert registry.match_index() is registry.match_index()  # built once


def test_a_plugin_imported_from_a_zip_file_gives_its_bodies(tmp_path: Path) -> None:
    project = PROJECTS["web-security"]
    package = next((project / "src").glob("skillwiki_*"))
    archive = tmp_path / "plugin.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zipped.write(path, path.relative_to(package.parent).as_posix())
    name = "skillwiki_web_security"
    saved = {key: sys.modules.pop(key) for key in list(sys.modules) if key == name or key.startswith(name + ".")}
    sys.path.insert(0, str(archive))
    try:
        module = importlib.import_module(name)
        assert module.__file__.startswith(str(archive))
        zipped_registry = Registry.from_plugins([module])
        atom = zipped_registry.resolve("@web-security/csrf-tokens")
        assert not Path(atom.source.path).exists()  # read from a copy that is gone
        on_disk = load_bundle(str(BUNDLES["web-security"]))
        assert atom.body == next(a for a in on_disk.atoms if a.id == "csrf-tokens").body
    finally:
        sys.path.remove(str(archive))
        for key in [key for key in sys.modules if key == name or key.startswith(name + ".")]:
            del sys.modules[key]
        sys.modules.update(saved)


def test_a_body_reader_for_a_traversable_reads_the_atoms_it_holds(tmp_path: Path) -> None:
    root = BUNDLES["data-engineering"]
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(root.rglob("*.md")) + [root / "domain.yaml"]:
            zipped.write(path, "bundle/" + path.relative_to(root).as_posix())
    traversable = zipfile.Path(archive, "bundle/")
    bundle = load_bundle(str(root), display="shown/here")
    bundle.origin.read_body = query.body_reader(traversable, "shown/here")
    on_disk = load_bundle(str(root))
    assert [a.body for a in bundle.atoms] == [a.body for a in on_disk.atoms]
    stray = Atom.from_raw({"id": "x"}, type(bundle.atoms[0].source)("elsewhere/atoms/x.md", "/nowhere"), "x")
    stray.origin = bundle.origin
    with pytest.raises(FileNotFoundError):
        _ = stray.body
    climbing = Atom.from_raw({"id": "x"}, type(bundle.atoms[0].source)("shown/here/../../etc/passwd", "/nowhere"), "x")
    climbing.origin = bundle.origin
    with pytest.raises(FileNotFoundError):
        _ = climbing.body
