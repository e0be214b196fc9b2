"""The per-user cache of checked bundles: a warm discovery reads no atom file; what
could change the verdict invalidates an entry; a damaged, foreign or future entry is
ignored and rewritten; a cache that cannot be written changes nothing; results are
the same cold, warm and off."""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from plugin_factory import HOOK, write_bundle, write_distribution
from test_registry import _site

from skillwiki_sdk import Registry
from skillwiki_sdk.cache import FORMAT, Cache


def _record(site: Path, distribution: str, version: str, package: Path) -> None:
    """A RECORD as pip writes it: every file of the package with its hash and size."""
    info = site / f"{distribution.replace('-', '_')}-{version}.dist-info"
    lines = []
    for path in sorted(package.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            lines.append(f"{path.relative_to(site).as_posix()},sha256={digest},{len(data)}")
    lines.append(f"{info.name}/RECORD,,")
    (info / "RECORD").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def plugin_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Two installed plugins (one with a RECORD, as a wheel install has) on sys.path."""
    for name in list(os.environ):
        if name.startswith("SKILLWIKI_"):
            monkeypatch.delenv(name)
    # only these tests' plugins, whatever else is installed here (make demo installs one)
    monkeypatch.setenv(
        "SKILLWIKI_LOAD_PLUGINS", "skillwiki-ca-wheel,skillwiki-ca-edit,skillwiki-ca-late,skillwiki-ca-broken"
    )
    site = tmp_path / "site"
    wheel = write_distribution(site, "skillwiki-ca-wheel", "1.0.0", "ca_wheel")
    write_bundle(
        wheel / "bundle",
        "ca-wheel",
        atoms={"one": {}, "two": {"related": ["one", "'@ca-edit/three'", "'@ca-ghost/x'"]}},
    )
    _record(site, "skillwiki-ca-wheel", "1.0.0", wheel)
    edit = write_distribution(site, "skillwiki-ca-edit", "1.0.0", "ca_edit")
    write_bundle(edit / "bundle", "ca-edit", atoms={"three": {}, "four": {}})
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    before = set(sys.modules)
    yield site
    for name in set(sys.modules) - before:
        if name.startswith("ca_"):
            del sys.modules[name]


class _Reads:
    """Counts the atom files parsed (validation.load_atom) and YAML documents loaded."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from skillwiki_sdk import loading, validation

        self.atoms: list[str] = []
        self.yaml = 0
        load_atom, load_yaml = validation.load_atom, validation.load_yaml

        def counted_atom(path: str, display: str, stem: str):
            self.atoms.append(stem)
            return load_atom(path, display, stem)

        def counted_yaml(*args, **kwargs):
            self.yaml += 1
            return load_yaml(*args, **kwargs)

        monkeypatch.setattr(validation, "load_atom", counted_atom)
        monkeypatch.setattr(validation, "load_yaml", counted_yaml)
        monkeypatch.setattr(loading, "load_yaml", counted_yaml)

    def reset(self) -> None:
        self.atoms.clear()
        self.yaml = 0


def _listing(registry: Registry) -> dict:
    return registry.to_dict()


def test_a_warm_discovery_parses_no_atom_file_and_gives_the_same_registry(
    plugin_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(str(tmp_path / "cache"))
    reads = _Reads(monkeypatch)
    cold = Registry.discover(cache=cache)
    assert sorted(reads.atoms) == ["four", "one", "three", "two"] and reads.yaml == 6
    assert cache.info().entries == 4  # two bundles and the discovery (its head and its body)
    reads.reset()
    warm = Registry.discover(cache=cache)
    assert reads.atoms == [] and reads.yaml == 0
    assert _listing(warm) == _listing(cold)
    # the link to a domain that is not installed is a warning with its line, from the cache too
    [finding] = warm["ca-wheel"].findings
    assert (finding.code, finding.line, finding.column) == ("SW303", 8, 34)  # 11 + len("one, "'@ca-edit/three', ")
    assert _listing(Registry.discover(cache=None)) == _listing(cold)
    # what a consumer reads of an atom is the same whether it came from the cache or not
    assert [a.raw for a in warm["ca-wheel"].bundle.atoms] == [a.raw for a in cold["ca-wheel"].bundle.atoms]
    assert [(a.source, a.body_chars, a.body_line) for a in warm["ca-edit"].bundle.atoms] == [
        (a.source, a.body_chars, a.body_line) for a in cold["ca-edit"].bundle.atoms
    ]


def test_an_atom_changed_in_place_with_the_same_size_is_read_again(
    plugin_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(str(tmp_path / "cache"))
    Registry.discover(cache=cache)
    atom = plugin_site / "ca_edit" / "bundle" / "atoms" / "three.md"
    text = atom.read_text(encoding="utf-8")
    changed = text.replace("The body of three.", "The body of THREE.")
    assert len(changed) == len(text)
    info = atom.stat()
    atom.write_text(changed, encoding="utf-8")
    os.utime(atom, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000))  # a new mtime, the same size
    reads = _Reads(monkeypatch)
    Registry.discover(cache=cache)
    assert sorted(reads.atoms) == ["four", "three"]  # that bundle only


def test_new_content_under_an_unchanged_mtime_is_seen_through_the_record_hashes(
    plugin_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reinstalled wheel: files of the same size and time, other content, a new RECORD."""
    cache = Cache(str(tmp_path / "cache"))
    first = Registry.discover(cache=cache)
    assert first["ca-wheel"].bundle.atoms[0].summary == "A short summary of one."
    package = plugin_site / "ca_wheel"
    atom = package / "bundle" / "atoms" / "one.md"
    info = atom.stat()
    atom.write_text(atom.read_text(encoding="utf-8").replace("summary of one.", "summary of 1!!!"), encoding="utf-8")
    os.utime(atom, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert atom.stat().st_size == info.st_size
    _record(plugin_site, "skillwiki-ca-wheel", "1.0.0", package)
    reads = _Reads(monkeypatch)
    again = Registry.discover(cache=cache)
    assert sorted(reads.atoms) == ["one", "two"]
    assert [a.summary for a in again["ca-wheel"].bundle.atoms if a.id == "one"] == ["A short summary of 1!!!"]


def _list_and_imports(environ: dict[str, str], cwd: Path) -> tuple[str, set[str]]:
    """``python -m skillwiki_sdk list --format json`` run in ``cwd``: its output, and
    the modules it imported (``-X importtime``)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "skillwiki_sdk", "list", "--format", "json"],
        env=environ,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    return done.stdout, {line.split("|")[-1].strip() for line in lines if line.startswith("import time:")}


def test_a_busy_working_folder_keeps_the_snapshot_and_a_shadowing_module_does_not(tmp_path: Path) -> None:
    """``python -m skillwiki_sdk`` has its working folder as ``sys.path[0]``: files
    saved, added and removed there (an editor, a build) leave the snapshot standing;
    a module added there under a plugin's name shadows that plugin, and the next
    list discovers again and shows it."""
    from consumer_site import DISTRIBUTIONS, LOAD, PROJECTS, write_site

    site = write_site(tmp_path / "site")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ.update(PYTHONPATH=str(site), SKILLWIKI_LOAD_PLUGINS=LOAD, SKILLWIKI_CACHE_DIR=str(tmp_path / "cache"))
    environ.pop("PYTHONSAFEPATH", None)  # (nox sets it: then no working folder is on sys.path)
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.md").write_text("first\n", encoding="utf-8")

    def listing() -> tuple[dict, bool]:
        stdout, modules = _list_and_imports(environ, work)
        return json.loads(stdout), "importlib.metadata" in modules

    cold, discovered = listing()
    assert discovered
    time.sleep(0.01)
    (work / "notes.md.tmp").write_text("second\n", encoding="utf-8")  # an editor's save: write, then rename
    os.replace(work / "notes.md.tmp", work / "notes.md")
    (work / "build-output").mkdir()  # (not a name an import can find)
    (work / "report.html").write_text("<p>built</p>", encoding="utf-8")
    warm, discovered = listing()
    assert warm == cold and not discovered

    name = next(iter(PROJECTS))
    module = next((PROJECTS[name] / "src").glob("skillwiki_*")).name
    (work / f"{module}.py").write_text("raise ImportError('shadowed by the working folder')\n", encoding="utf-8")
    shadowed, discovered = listing()
    assert discovered
    assert name not in {domain["name"] for domain in shadowed["domains"]}
    assert any(
        problem["distribution"] == DISTRIBUTIONS[name] and "shadowed by the working folder" in problem["reason"]
        for problem in shadowed["problems"]
    )


@pytest.mark.parametrize(
    "damage",
    ["truncated", "garbage", "foreign", "future", "not-json-object", "empty", "huge-number"],
)
def test_a_damaged_foreign_or_future_entry_is_ignored_and_rewritten(
    plugin_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    cache = Cache(str(tmp_path / "cache"))
    cold = _listing(Registry.discover(cache=cache))
    entries = sorted((tmp_path / "cache" / "bundles").glob("*.json"))
    assert len(entries) == 4  # two bundles, the discovery's head and its body
    for entry in entries:
        text = entry.read_text(encoding="utf-8")
        entry.write_text(
            {
                "truncated": text[: len(text) // 2],
                "garbage": "\x00\xff not json",
                "foreign": json.dumps({"hello": "world"}),
                "future": text.replace(f'"skillwiki-cache":{FORMAT}', f'"skillwiki-cache":{FORMAT + 1}'),
                "not-json-object": "[1, 2, 3]",
                "empty": "",
                "huge-number": "1" * 5000,
            }[damage],
            encoding="utf-8",
            errors="surrogateescape",
        )
    reads = _Reads(monkeypatch)
    assert _listing(Registry.discover(cache=cache)) == cold
    assert sorted(reads.atoms) == ["four", "one", "three", "two"]  # read again
    for entry in entries:  # and rewritten whole
        assert json.loads(entry.read_text(encoding="utf-8"))["skillwiki-cache"] == FORMAT
    reads.reset()
    assert _listing(Registry.discover(cache=cache)) == cold and reads.atoms == []


def test_the_listing_reads_the_snapshots_head_only_and_its_body_belongs_to_it(
    plugin_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skillwiki_sdk import snapshot

    cache = Cache(str(tmp_path / "cache"))
    cold = Registry.discover(cache=cache)
    documents = {}
    for entry in (tmp_path / "cache" / "bundles").glob("*.json"):
        documents[json.loads(entry.read_text(encoding="utf-8"))["name"]] = entry
    (body,) = [entry for name, entry in documents.items() if name.endswith(" registry")]
    (head,) = [entry for name, entry in documents.items() if name.startswith("discovery") and entry != body]
    assert head.stat().st_size < body.stat().st_size  # the atoms' fields are in the body only
    # without its body, the head still gives the listing (it never opens the body) ...
    body.unlink()
    assert snapshot.listing(cache) == cold.listing()
    # ... while a registry asked for is discovered again (from each bundle's entry)
    reads = _Reads(monkeypatch)
    assert _listing(Registry.discover(cache=cache)) == _listing(cold) and reads.atoms == []
    assert body.exists()
    # a body written by another discovery (another token) is not taken for this head's
    document = json.loads(body.read_text(encoding="utf-8"))
    document["key"] = document["key"].split(" ")[0] + " " + "0" * 24
    body.write_text(json.dumps(document), encoding="utf-8")
    assert _Reads(monkeypatch) and _listing(Registry.discover(cache=cache)) == _listing(cold)
    assert json.loads(body.read_text(encoding="utf-8"))["key"] != document["key"]  # rewritten


def test_an_entry_whose_data_has_another_shape_is_ignored(plugin_site: Path, tmp_path: Path) -> None:
    cache = Cache(str(tmp_path / "cache"))
    cold = _listing(Registry.discover(cache=cache))
    for entry in (tmp_path / "cache" / "bundles").glob("*.json"):
        document = json.loads(entry.read_text(encoding="utf-8"))
        document["data"]["atoms"] = [["only", "three"]]
        entry.write_text(json.dumps(document), encoding="utf-8")
    assert _listing(Registry.discover(cache=cache)) == cold


def test_a_cache_folder_that_cannot_be_written_is_no_error(plugin_site: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cache = Cache(str(blocker / "cache"))  # below a file: cannot be created, even by root
    expected = _listing(Registry.discover(cache=None))
    assert _listing(Registry.discover(cache=cache)) == expected
    assert cache.info().entries == 0 and cache.clear() == 0


def test_clear_removes_only_the_entries(plugin_site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    (folder / "bundles").mkdir(parents=True)
    (folder / "bundles" / "notes.txt").write_text("mine")
    (folder / "mine.json").write_text("{}")
    cache = Cache(str(folder))
    Registry.discover(cache=cache)
    info = cache.info()
    assert info.entries == 4 and info.bytes > 0
    assert cache.clear() == 4
    assert sorted(p.name for p in folder.rglob("*")) == ["bundles", "mine.json", "notes.txt"]


# --- the command line, as a user runs it -------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _site(tmp_path_factory.mktemp("cached"))


def _run(site: Path, cache: Path | None, *argv: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ["PYTHONPATH"] = str(site)
    if cache is None:
        environ["SKILLWIKI_NO_CACHE"] = "1"
    else:
        environ["SKILLWIKI_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", *argv], env=environ, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "argv",
    [
        ("list", "--format", "json"),
        ("list",),
        ("show", "rt-healthy", "--format", "json"),
        ("show", "rt-linker"),
        ("show", "rt-skew"),
        ("validate", "--format", "json", "{site}/rt_badlink/bundle"),
    ],
)
def test_list_show_and_validate_are_the_same_with_the_cache_cold_warm_and_off(
    site: Path, tmp_path: Path, argv: tuple[str, ...]
) -> None:
    argv = tuple(arg.format(site=site) for arg in argv)
    cache = tmp_path / "cache"
    off = _run(site, None, *argv)
    cold = _run(site, cache, *argv)
    assert any(cache.rglob("*.json"))
    warm = _run(site, cache, *argv)
    for run in (cold, warm):
        assert (run.returncode, run.stdout, run.stderr) == (off.returncode, off.stdout, off.stderr)
    assert "Traceback" not in off.stderr


def test_two_processes_discovering_at_once_leave_a_readable_cache(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ.update(PYTHONPATH=str(site), SKILLWIKI_CACHE_DIR=str(cache))
    command = [sys.executable, "-m", "skillwiki_sdk", "list", "--format", "json"]
    runs = [
        subprocess.Popen(command, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    assert len({out for out, _ in outputs}) == 1
    for entry in cache.rglob("*.json"):
        assert json.loads(entry.read_text(encoding="utf-8"))["skillwiki-cache"] == FORMAT
    assert not [p for p in cache.rglob(".tmp-*")]
    again = _run(site, cache, "list", "--format", "json")
    assert again.stdout == outputs[0][0]


def test_cache_info_and_clear_say_where_and_what(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(site, cache, "list")
    info = _run(site, cache, "cache", "info", "--format", "json")
    document = json.loads(info.stdout)
    assert (
        document["folder"] == str(cache)
        and document["entries"] >= 5
        and document["bytes"] > 0
        and document["enabled"] is True
    )
    text = _run(site, cache, "cache", "info").stdout
    assert f"folder:  {cache}" in text and "state:   on" in text
    # the index that match keeps there is counted, and cleared, too
    assert _run(site, cache, "match", "healthy linker skew").returncode in (0, 1)
    assert list((cache / "match").glob("*.json"))
    matched = json.loads(_run(site, cache, "cache", "info", "--format", "json").stdout)
    assert matched["entries"] > document["entries"] and matched["bytes"] > document["bytes"]
    cleared = _run(site, cache, "cache", "clear")
    assert cleared.returncode == 0 and cleared.stdout.startswith(f"removed {matched['entries']} entries from {cache}")
    assert json.loads(_run(site, cache, "cache", "info", "--format", "json").stdout)["entries"] == 0
    assert not list(cache.rglob("*.json"))
    off = _run(site, None, "cache", "info")
    assert "state:   off (SKILLWIKI_NO_CACHE is set)" in off.stdout


# --- the snapshot of a whole discovery ----------------------------------------------


def test_an_unchanged_environment_is_discovered_again_without_importing_a_plugin(
    plugin_site: Path, tmp_path: Path
) -> None:
    cache = Cache(str(tmp_path / "cache"))
    cold = Registry.discover(cache=cache)
    assert all(plugin.plugin is not None for plugin in cold.plugins.plugins)
    for name in [name for name in sys.modules if name.startswith("ca_")]:
        del sys.modules[name]
    warm = Registry.discover(cache=cache)
    assert not [name for name in sys.modules if name.startswith("ca_")]  # no plugin imported
    assert _listing(warm) == _listing(cold)
    assert [(p.distribution, p.version, p.entry_point, p.value, p.plugin) for p in warm.plugins.plugins] == [
        (p.distribution, p.version, p.entry_point, p.value, None) for p in cold.plugins.plugins
    ]


def test_a_plugin_installed_or_edited_in_place_is_seen_by_the_next_discovery(plugin_site: Path, tmp_path: Path) -> None:
    cache = Cache(str(tmp_path / "cache"))
    assert sorted(Registry.discover(cache=cache).domains) == ["ca-edit", "ca-wheel"]
    write_bundle(write_distribution(plugin_site, "skillwiki-ca-late", "1.0.0", "ca_late") / "bundle", "ca-late")
    importlib.invalidate_caches()
    assert sorted(Registry.discover(cache=cache).domains) == ["ca-edit", "ca-late", "ca-wheel"]
    # an editable install: the module changes, nothing in the site folder does
    module = plugin_site / "ca_edit" / "__init__.py"
    site_time = plugin_site.stat().st_mtime_ns
    module.write_text("raise ImportError('the edit broke it')\n", encoding="utf-8")
    os.utime(plugin_site, ns=(site_time, site_time))
    sys.modules.pop("ca_edit", None)
    registry = Registry.discover(cache=cache)
    assert sorted(registry.domains) == ["ca-late", "ca-wheel"]
    [problem] = registry.problems
    assert (problem.distribution, problem.stage) == (
        "skillwiki-ca-edit",
        "import",
    ) and "the edit broke it" in problem.reason


def test_a_discovery_with_a_plugin_that_failed_to_import_is_not_kept(plugin_site: Path, tmp_path: Path) -> None:
    write_distribution(plugin_site, "skillwiki-ca-broken", "0.1", "ca_broken", code="raise RuntimeError('flaky')\n")
    importlib.invalidate_caches()
    cache = Cache(str(tmp_path / "cache"))
    assert [p.stage for p in Registry.discover(cache=cache).problems] == ["import"]
    assert [p.stage for p in Registry.discover(cache=cache).problems] == ["import"]
    assert "ca_broken" not in sys.modules or sys.modules["ca_broken"] is None
    entries = [
        json.loads(p.read_text(encoding="utf-8"))["name"] for p in (tmp_path / "cache" / "bundles").glob("*.json")
    ]
    assert not [name for name in entries if name.startswith("discovery")] and len(entries) == 2  # the two bundles only


def test_a_warm_list_imports_no_metadata_model_yaml_pluggy_or_plugin(tmp_path: Path) -> None:
    """The snapshot's key is told from the files of the environment (folders, and the
    size and time of each distribution's metadata files), without importlib.metadata."""
    from consumer_site import LOAD, write_site

    site = write_site(tmp_path / "site")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ.update(PYTHONPATH=str(site), SKILLWIKI_LOAD_PLUGINS=LOAD, SKILLWIKI_CACHE_DIR=str(tmp_path / "cache"))
    work = tmp_path / "work"  # a folder of its own: sys.path[0] of `python -m`
    work.mkdir()

    def listing() -> tuple[str, set[str]]:
        return _list_and_imports(environ, work)

    cold, cold_modules = listing()
    warm, warm_modules = listing()
    assert warm == cold and "importlib.metadata" in cold_modules
    assert warm_modules & {"importlib.metadata", "skillwiki_sdk.model", "yaml", "pluggy", "dataclasses"} == set()
    assert {"yaml", "skillwiki_sdk.model", "pluggy"} <= cold_modules  # (what the check above would see)


@pytest.mark.parametrize(
    "damage",
    [
        lambda listing: listing.clear(),
        lambda listing: listing["domains"][0].pop("atoms"),
        lambda listing: listing["domains"][0].update(findings=None),
        lambda listing: listing["domains"][0].update(name=7),
        lambda listing: listing["domains"][0].update(atoms=True),
        lambda listing: listing["domains"][0]["kinds"].update(rule="many"),
        lambda listing: listing.update(problems={}),
        lambda listing: listing.update(selected=[1]),
        lambda listing: listing["domains"][0].update(findings=[{"code": "SW1"}]),
    ],
)
def test_a_snapshot_head_that_parses_but_was_damaged_is_not_taken(tmp_path: Path, damage) -> None:
    """Valid JSON with the wrong shape (a field gone, of another type) is discovered
    again: the same output as a cold cache, never an internal error."""
    from consumer_site import LOAD, write_site

    site = write_site(tmp_path / "site")
    cache = tmp_path / "cache"
    work = tmp_path / "work"
    work.mkdir()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ.update(PYTHONPATH=str(site), SKILLWIKI_LOAD_PLUGINS=LOAD, SKILLWIKI_CACHE_DIR=str(cache))

    def sw(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "skillwiki_sdk", *argv], env=environ, cwd=work, capture_output=True, text=True
        )

    brief = ("match", "our checkout spans three services and we cannot run one transaction across them")
    cold_list, cold_match = sw("list"), sw(*brief)
    for entry in (cache / "bundles").glob("*.json"):
        document = json.loads(entry.read_text(encoding="utf-8"))
        if document["name"].startswith("discovery") and not document["name"].endswith(" registry"):
            damage(document["data"]["listing"])
            entry.write_text(json.dumps(document), encoding="utf-8")
    for entry in (cache / "match").glob("*.json"):  # and every match index names no domain
        document = json.loads(entry.read_text(encoding="utf-8"))
        document["data"]["domains"] = []
        entry.write_text(json.dumps(document), encoding="utf-8")
    again_list, again_match = sw("list"), sw(*brief)
    assert (
        (again_list.returncode, again_list.stdout) == (cold_list.returncode, cold_list.stdout) == (0, cold_list.stdout)
    )
    assert (again_match.returncode, again_match.stdout) == (cold_match.returncode, cold_match.stdout)
    assert "internal error" not in again_list.stderr + again_match.stderr


def test_match_names_the_domains_it_could_not_match_against(site: Path, tmp_path: Path) -> None:
    listed = json.loads(_run(site, tmp_path / "cache", "list", "--format", "json").stdout)
    left_out = sorted({p["domain"] or p["distribution"] for p in listed["problems"]})
    assert left_out
    for _ in range(2):  # cold, then warm
        done = _run(site, tmp_path / "cache", "match", "healthy hello link")
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr
        assert f"not matched against, as their plugins did not load: {', '.join(left_out)}" in done.stderr


def test_cache_info_says_when_the_cache_folder_is_unusable(site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a-file"
    folder.write_text("not a folder", encoding="utf-8")
    info = _run(site, folder, "cache", "info")
    assert info.returncode == 0
    assert f"state:   on, but unusable: {folder} is not a folder (discovery works without it)" in info.stdout
    document = json.loads(_run(site, folder, "cache", "info", "--format", "json").stdout)
    assert document["problems"] == [f"{folder} is not a folder"] and document["entries"] == 0
    assert _run(site, folder, "list").returncode == 0 and folder.read_text(encoding="utf-8") == "not a folder"


def test_cache_clear_says_what_it_could_not_remove(
    plugin_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import run_cli

    monkeypatch.setenv("SKILLWIKI_CACHE_DIR", str(tmp_path / "cache"))
    Registry.discover(cache=Cache(str(tmp_path / "cache")))
    kept = len(list((tmp_path / "cache").rglob("*.json")))
    assert kept >= 3

    def refuse(path: object, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "unlink", refuse)  # as a folder the user may not write behaves
    result = run_cli("cache", "clear")
    assert result.code == 1 and result.out.startswith("removed 0 entries")
    assert f"skillwiki: {kept} entries are left in {tmp_path / 'cache'}" in result.err
    assert len(list((tmp_path / "cache").rglob("*.json"))) == kept


# --- which installed plugins add checks --------------------------------------------

_ADDS_A_CHECK = """\
from importlib.resources import files

from skillwiki_sdk import Rule, check, hookimpl

SHORT = Rule("ACME101", "warning", "short-summary", "A summary shorter than 500 characters")


@check(SHORT)
def short_summaries(bundle):
    for atom in bundle.atoms:
        yield SHORT.finding("summary is short", file=atom.source, path=("summary",))


@hookimpl
def skillwiki_domains():
    return [files(__name__) / "bundle"]


@hookimpl
def skillwiki_checks():
    return [short_summaries]
"""


def _validations(tmp_path: Path, site: Path, project: Path, marker: Path):
    """Runs `skillwiki validate --format json PROJECT` with ``site`` on the path and its
    ck-plain plugin selected: (stdout, plugin imports counted by ``marker``, modules)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ.update(PYTHONPATH=str(site), SKILLWIKI_LOAD_PLUGINS="skillwiki-ck-plain", CK_MARKER=str(marker))
    work = tmp_path / "work"  # a folder of its own: sys.path[0] of `python -m`
    work.mkdir(exist_ok=True)

    def validate(cache: bool) -> tuple[str, int, set[str]]:
        before = marker.read_text() if marker.exists() else ""
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "skillwiki_sdk", "validate", "--format", "json", str(project)],
            env={**environ, "SKILLWIKI_CACHE_DIR": str(tmp_path / "cache")}
            if cache
            else {**environ, "SKILLWIKI_NO_CACHE": "1"},
            cwd=work,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
        lines = done.stderr.splitlines()
        imported = len(marker.read_text()) - len(before) if marker.exists() else 0
        return done.stdout, imported, {line.split("|")[-1].strip() for line in lines if line.startswith("import time:")}

    return validate


_COUNT_IMPORTS = "import os\nwith open(os.environ['CK_MARKER'], 'a') as out:\n    out.write('.')\n"


def test_validate_imports_no_plugin_while_the_cache_tells_that_none_adds_checks(tmp_path: Path) -> None:
    """The first validate loads the plugins and keeps whether any adds checks; the next
    imports none of them (nor importlib.metadata) and says the same; a plugin edited in
    place to add a check has its check run at once."""
    marker = tmp_path / "imported"
    count = _COUNT_IMPORTS
    site = tmp_path / "site"
    package = write_distribution(site, "skillwiki-ck-plain", "1.0.0", "ck_plain", code=count + HOOK)
    write_bundle(package / "bundle", "ck-plain")
    project = write_bundle(tmp_path / "project" / "bundle", "ck-project", atoms={"one": {}, "two": {}})
    validate = _validations(tmp_path, site, project, marker)

    off, off_imports, _ = validate(cache=False)
    cold, cold_imports, cold_modules = validate(cache=True)
    warm, warm_imports, warm_modules = validate(cache=True)
    assert off == cold == warm
    assert (off_imports, cold_imports, warm_imports) == (1, 1, 0)
    assert "importlib.metadata" in cold_modules and "importlib.metadata" not in warm_modules
    # an editable install: the module changes in place, nothing in the site folder does
    site_time = site.stat().st_mtime_ns
    (package / "__init__.py").write_text(count + _ADDS_A_CHECK, encoding="utf-8")
    os.utime(site, ns=(site_time, site_time))
    edited, edited_imports, _ = validate(cache=True)
    assert edited_imports == 1
    assert [f["code"] for f in json.loads(edited)["results"][0]["findings"]] == ["ACME101", "ACME101"]
    again, again_imports, _ = validate(cache=True)
    assert (again, again_imports) == (edited, 1)  # a plugin that adds checks is loaded every time
    assert validate(cache=False)[0] == edited


def test_a_check_added_in_a_module_the_plugin_imports_is_seen_at_once(tmp_path: Path) -> None:
    """The hooks of a plugin may live in a module of another name, which an editable
    install changes in place: every module imported while the plugins were is watched."""
    marker = tmp_path / "imported"
    site = tmp_path / "site"
    package = write_distribution(site, "skillwiki-ck-plain", "1.0.0", "ck_plain", code="from ck_helpers import *\n")
    write_bundle(package / "bundle", "ck-plain")
    helpers = site / "ck_helpers.py"
    helpers.write_text(_COUNT_IMPORTS + HOOK.replace("files(__name__)", "files('ck_plain')"), encoding="utf-8")
    project = write_bundle(tmp_path / "project" / "bundle", "ck-project", atoms={"one": {}, "two": {}})
    validate = _validations(tmp_path, site, project, marker)
    assert [validate(cache=True)[1] for _ in range(2)] == [1, 0]  # kept: no plugin adds checks
    site_time = site.stat().st_mtime_ns
    helpers.write_text(_COUNT_IMPORTS + _ADDS_A_CHECK.replace("files(__name__)", "files('ck_plain')"), encoding="utf-8")
    os.utime(site, ns=(site_time, site_time))
    edited, imports, _ = validate(cache=True)
    assert imports == 1
    assert [f["code"] for f in json.loads(edited)["results"][0]["findings"]] == ["ACME101", "ACME101"]
