"""What each finding code means, an example that triggers it, and how to fix it.

``skillwiki rules CODE`` prints an :class:`Explanation` (as ``ruff rule`` does). Each
example is real: :func:`write_example` writes it over a small valid bundle (files,
links, wheels and sdists alike), and the tests validate what it wrote and find the
code. Nothing here prints.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from typing import Mapping, Union

__all__ = ["BASE", "Big", "Explanation", "Link", "explanation", "explanations", "write_example"]


@dataclass(frozen=True)
class Link:
    """A symbolic link to ``target`` (relative to the link's folder)."""

    target: str


@dataclass(frozen=True)
class Big:
    """A text file of ``size`` bytes (an atom's frontmatter, then filler)."""

    size: int


Content = Union[str, bytes, Link, Big, None, Mapping[str, str]]
"""A file's text or bytes, a link, a large file, ``None`` (the file removed) or, for
a name ending in ``.whl`` or ``.tar.gz``, the members of that archive."""

# What the judge of an example is: how the test (and a reader) sees the finding.
VALIDATE = "validate"  # skillwiki validate TARGET
REGISTRY = "registry"  # the registry of an environment where the bundles are installed
PLUGIN = "plugin"  # skillwiki validate with the plugin module given (installed as an entry point)
INTERNAL = "internal"  # skillwiki validate with the check given registered directly


@dataclass(frozen=True)
class Explanation:
    """One code's meaning, an example that triggers it, and the fix.

    ``files`` are written over :data:`BASE` (a valid bundle) in a folder; ``target``
    is what to validate in it. ``judge`` says who reports it (see the module's
    constants); ``plugin`` is a plugin module's source for the ``plugin`` and
    ``internal`` judges.
    """

    code: str
    meaning: str
    fix: str
    files: Mapping[str, Content] = field(default_factory=dict)
    target: str = "bundle"
    judge: str = VALIDATE
    plugin: str = ""
    note: str = ""


DOMAIN = """\
schema: 1
name: tiny-domain
version: "0.3.0"
description: A tiny example domain.
requires-sdk: ">=0.1"
tags: [caching, queues]
axes:
  layer:
    description: Which layer the atom is about.
    values: [data, transport]
"""

CACHE = """\
---
id: cache-near-reads
kind: principle
summary: Keep caches close to the reads they serve.
tags: [caching]
axes:
  layer: [data]
related: [queue-writes]
---
A cache far from its readers pays the network twice.
"""

QUEUE = """\
---
id: queue-writes
kind: pattern
summary: Put writes on a queue and let one worker apply them.
tags: [queues]
axes:
  layer: [transport]
---
A queue absorbs bursts of writes.
"""

C = "bundle/atoms/cache-near-reads.md"
Q = "bundle/atoms/queue-writes.md"
D = "bundle/domain.yaml"

BASE: Mapping[str, str] = {D: DOMAIN, C: CACHE, Q: QUEUE}
"""The valid bundle every example changes: ``bundle/`` with two atoms."""

WHEEL = "dist/skillwiki_tiny-0.3.0-py3-none-any.whl"
SDIST = "dist/skillwiki_tiny-0.3.0.tar.gz"
_INFO = "skillwiki_tiny-0.3.0.dist-info"
_METADATA = "Metadata-Version: 2.1\nName: skillwiki-tiny\nVersion: {version}\n{requires}\n"
_ENTRY = "[skillwiki]\ntiny-domain = skillwiki_tiny\n"


def _wheel(*, version: str = "0.3.0", requires: str = "Requires-Dist: skillwiki-sdk>=0.1,<0.2", entry_points: str | None = _ENTRY, bundle: bool = True, domain: str = DOMAIN) -> dict[str, str]:
    members = {f"{_INFO}/METADATA": _METADATA.format(version=version, requires=requires)}
    if entry_points is not None:
        members[f"{_INFO}/entry_points.txt"] = entry_points
    members["skillwiki_tiny/__init__.py"] = "# the plugin's skillwiki_domains hook\n"
    if bundle:
        members["skillwiki_tiny/bundle/domain.yaml"] = domain
        members["skillwiki_tiny/bundle/atoms/cache-near-reads.md"] = CACHE
        members["skillwiki_tiny/bundle/atoms/queue-writes.md"] = QUEUE
    return members


def _atom(base: str, old: str, new: str) -> str:
    assert old in base, old
    return base.replace(old, new, 1)


_FAILING_CHECK = '''\
from skillwiki_sdk import check, hookimpl, rules


@check(rules.PLUGIN_CHECK_FAILED)
def broken(bundle):
    raise ZeroDivisionError("division by zero")


@hookimpl
def skillwiki_checks():
    return [broken]
'''

_E = Explanation
EXPLANATIONS: tuple[Explanation, ...] = (
    _E("SW101", "The path holds no domain.yaml, so it is no bundle; nor does any folder inside it (a plugin project is searched, its tests and build output skipped).",
       "Point at the bundle folder (the one holding domain.yaml) or at the plugin project; create domain.yaml with 'skillwiki new'.",
       {D: None}),
    _E("SW102", "domain.yaml lacks a key the format requires: schema, name, version, description, requires-sdk, tags and axes.",
       "Add the key; the hint says what it holds.",
       {D: _atom(DOMAIN, "description: A tiny example domain.\n", "")}),
    _E("SW103", "domain.yaml has a key the format does not define. Usually a typo; extensions are keys that begin with x-.",
       "Fix the spelling (the hint names the nearest key), or prefix the key with x-.",
       {D: _atom(DOMAIN, "description:", "maintainer: Ann\ndescription:")}),
    _E("SW104", "A value in domain.yaml has the wrong type or breaks its rule (a name that is not a slug, tags that are not a list, ...).",
       "Write the value the message asks for; names, tags, kinds and axis values are lowercase words joined by hyphens.",
       {D: _atom(DOMAIN, "name: tiny-domain", "name: Tiny_Domain")}),
    _E("SW105", "domain.yaml declares a format version (schema) newer than this skillwiki-sdk understands.",
       "Upgrade skillwiki-sdk (pip install --upgrade skillwiki-sdk), or write schema: 1.",
       {D: _atom(DOMAIN, "schema: 1", "schema: 2")}),
    _E("SW106", "The domain's version is not a PEP 440 version, so it cannot be compared with the distribution's.",
       'Write a version such as "1.0.0", in quotes, and the same one in pyproject.toml.',
       {D: _atom(DOMAIN, 'version: "0.3.0"', 'version: "one point oh"')}),
    _E("SW107", "requires-sdk is not a PEP 440 specifier set.",
       'Write a range such as ">=0.1,<0.2", in quotes.',
       {D: _atom(DOMAIN, 'requires-sdk: ">=0.1"', 'requires-sdk: "0.1+"')}),
    _E("SW108", "This skillwiki-sdk does not satisfy the domain's requires-sdk: the domain needs another SDK release, and an installed plugin is left out as incompatible.",
       "Install a skillwiki-sdk in the range, or widen requires-sdk if the domain works with this one.",
       {D: _atom(DOMAIN, 'requires-sdk: ">=0.1"', 'requires-sdk: ">=9"')}),
    _E("SW110", "A tag of the vocabulary is used by no atom: often a typo in the vocabulary, or an atom not written yet.",
       "Tag an atom with it, or remove it from tags.",
       {D: _atom(DOMAIN, "tags: [caching, queues]", "tags: [caching, queues, latency]")}),
    _E("SW111", "A value of a retrieval axis is used by no atom, so scoring on it can never match.",
       "Give an atom the value, or remove it from the axis.",
       {D: _atom(DOMAIN, "values: [data, transport]", "values: [data, transport, edge]")}),
    _E("SW112", "The bundle has no atoms: atoms/ is missing or empty.",
       "Write atoms as atoms/<id>.md files.",
       {C: None, Q: None}),
    _E("SW201", "An atom's frontmatter lacks a required key: id, kind and summary.",
       "Add the key; the hint says what it holds.",
       {C: _atom(CACHE, "summary: Keep caches close to the reads they serve.\n", "")}),
    _E("SW202", "An atom's frontmatter has a key the format does not define. Usually a typo; extensions are keys that begin with x-.",
       "Fix the spelling (the hint names the nearest key), or prefix the key with x-.",
       {C: _atom(CACHE, "tags:", "author: Ann\ntags:")}),
    _E("SW203", "A value in an atom's frontmatter has the wrong type or breaks its rule (quality above 5, tags that are not a list, ...).",
       "Write the value the message asks for.",
       {C: _atom(CACHE, "related:", "quality: 7\nrelated:")}),
    _E("SW204", "An atom's id differs from its file's name without .md: links and 'skillwiki show NAME/ID' use the id, people look for the file.",
       "Rename the file or change the id so that they agree; both are slugs.",
       {C: _atom(CACHE, "id: cache-near-reads", "id: cache-close-to-reads")}),
    _E("SW205", "Two atoms of the domain have the same id (files of the same name in two folders of atoms/).",
       "Give each atom its own id (and file name).",
       {"bundle/atoms/more/cache-near-reads.md": CACHE}),
    _E("SW206", "An atom's kind is not one of the domain's kinds (principle, pattern and rule unless domain.yaml declares kinds).",
       "Use a declared kind (the hint names the nearest), or add the kind to kinds in domain.yaml.",
       {C: _atom(CACHE, "kind: principle", "kind: principal")}),
    _E("SW207", "An atom's tag is not in the domain's tag vocabulary.",
       "Use a tag of the vocabulary (the hint names the nearest), or add the tag to tags in domain.yaml.",
       {C: _atom(CACHE, "tags: [caching]", "tags: [cachng]")}),
    _E("SW208", "An atom names an axis the domain does not declare.",
       "Use a declared axis (the hint names the nearest), or declare the axis under axes in domain.yaml.",
       {C: _atom(CACHE, "  layer: [data]", "  tier: [data]")}),
    _E("SW209", "An atom names a value its axis does not declare, so retrieval can never match it.",
       "Use a declared value (the hint names the nearest and lists them), or add the value to the axis's values in domain.yaml.",
       {C: _atom(CACHE, "  layer: [data]", "  layer: [orbit]")}),
    _E("SW210", "An atom has no Markdown body after its frontmatter: the guidance itself is missing.",
       "Write the body below the closing ---.",
       {C: CACHE.split("---\nA cache")[0] + "---\n"}),
    _E("SW211", "A file under atoms/ does not end in .md, so it is not an atom and is ignored.",
       "Rename it to .md if it is an atom, or move it out of atoms/.",
       {"bundle/atoms/notes.txt": "ideas for more atoms\n"}),
    _E("SW212", "An entry of an atom's x-skillwiki-ignore is not a code or prefix any rule has, so it silences nothing.",
       "Write codes or prefixes such as SW207 or SW3xx ('skillwiki rules' lists them).",
       {C: _atom(CACHE, "kind:", "x-skillwiki-ignore: [SW999]\nkind:")}),
    _E("SW301", "A related id names no atom of the domain.",
       "Fix the id, write the atom, or link another domain's atom as @domain/id.",
       {C: _atom(CACHE, "related: [queue-writes]", "related: [queue-write]")}),
    _E("SW302", "An atom lists itself as related.",
       "Remove its own id from related.",
       {C: _atom(CACHE, "related: [queue-writes]", "related: [queue-writes, cache-near-reads]")}),
    _E("SW303", "A related link names a domain that is not installed. Only the registry reports it: a plugin's CI need not install every domain it links to.",
       "Install the plugin that provides the domain, or fix the domain's name in the link.",
       {C: _atom(CACHE, "related: [queue-writes]", 'related: [queue-writes, "@other-domain/retries"]')},
       judge=REGISTRY, note="seen in 'skillwiki list' once the plugin is installed"),
    _E("SW304", "A related link names an atom that its installed domain does not have.",
       "Fix the id ('skillwiki show DOMAIN' lists the domain's atoms), or upgrade the other plugin.",
       {C: _atom(CACHE, "related: [queue-writes]", 'related: [queue-writes, "@other-domain/retries"]'),
        "other/domain.yaml": _atom(_atom(DOMAIN, "name: tiny-domain", "name: other-domain"), "tags: [caching, queues]", "tags: [caching]").replace("values: [data, transport]", "values: [data]"),
        "other/atoms/backoff.md": _atom(_atom(CACHE, "id: cache-near-reads", "id: backoff"), "related: [queue-writes]\n", "")},
       judge=REGISTRY, note="with both domains installed"),
    _E("SW401", "A wheel or sdist cannot be read as a zip or tar archive (damaged, cut short, or not an archive).",
       "Build it again: skillwiki build.",
       {WHEEL: "this is not a zip archive\n"}, target=WHEEL),
    _E("SW402", "An archive member has an absolute path, '..', a link or a name given twice: extracting it could write outside its folder, so nothing of it is extracted.",
       "Build the archive with a standard tool (python -m build, skillwiki build).",
       {SDIST: {"skillwiki_tiny-0.3.0/PKG-INFO": "Metadata-Version: 2.1\nName: skillwiki-tiny\nVersion: 0.3.0\n", "../outside.txt": "written outside\n"}}, target=SDIST),
    _E("SW403", "The distribution declares no entry point in the group 'skillwiki', so installing it registers no domain.",
       'Declare one in pyproject.toml: [project.entry-points.skillwiki] tiny-domain = "skillwiki_tiny".',
       {WHEEL: _wheel(entry_points=None)}, target=WHEEL),
    _E("SW404", "The bundle's files are not inside the built distribution (left out of the wheel or sdist, or outside the entry point's package).",
       "Keep the bundle inside the package and include its .yaml and .md files as package data, then rebuild.",
       {WHEEL: _wheel(bundle=False)}, target=WHEEL),
    _E("SW405", "The domain's version (domain.yaml) differs from its distribution's version (pyproject.toml): an install would register one version under the other's name.",
       "Make them equal: the same version in domain.yaml and in pyproject.toml.",
       {WHEEL: _wheel(version="0.4.0")}, target=WHEEL),
    _E("SW406", "The distribution does not depend on skillwiki-sdk, so installing it does not bring the SDK that registers it.",
       'Add it to [project] dependencies: "skillwiki-sdk>=0.1,<0.2".',
       {WHEEL: _wheel(requires="")}, target=WHEEL),
    _E("SW407", "The distribution's core metadata (METADATA or PKG-INFO) is missing or has no name or version.",
       "Build it with a standard build backend: skillwiki build.",
       {WHEEL: _wheel(version="")}, target=WHEEL),
    _E("SW408", "A check of an installed plugin raised an exception, so the bundle was not fully checked.",
       "Report it to the plugin's authors, or run with SKILLWIKI_DISABLE_PLUGIN_AUTOLOAD=1 to leave installed plugins out.",
       judge=PLUGIN, plugin=_FAILING_CHECK, note="with this plugin installed"),
    _E("SW501", "A file cannot be read (no permission, a link that points nowhere, an I/O error).",
       "Make the file readable, or remove the broken link.",
       {"bundle/atoms/gone.md": Link("no-such-file.md")}),
    _E("SW502", "A file is not UTF-8 text (saved as Latin-1 or UTF-16, or binary).",
       "Save the file as UTF-8.",
       {C: CACHE.replace("pays", "pays the caf\xe9").encode("latin-1")}),
    _E("SW503", "YAML that does not parse: an unclosed bracket or quote, a tab used for indentation, a ': ' in an unquoted value.",
       "Fix the YAML at the line and column given; quote values that hold ': ' or begin with a special character.",
       {C: _atom(CACHE, "tags: [caching]", "tags: [caching")}),
    _E("SW504", "A mapping has the same key twice; YAML would keep only the last.",
       "Keep one of them.",
       {C: _atom(CACHE, "kind: principle", "kind: principle\nkind: pattern")}),
    _E("SW505", "A YAML tag that safe loading does not allow (such as !!python/object): it could run code in a reader that is not safe.",
       "Remove the tag and write a plain value.",
       {C: _atom(CACHE, "related:", "quality: !!python/object/apply:os.getcwd []\nrelated:")}),
    _E("SW506", "An atom file does not start with a --- line, so it has no frontmatter.",
       "Start the file with ---, the frontmatter, then another --- line.",
       {C: CACHE[4:]}),
    _E("SW507", "An atom's frontmatter has no closing --- line.",
       "Close the frontmatter with a --- line before the body.",
       {C: CACHE.replace("---\nA cache", "A cache")}),
    _E("SW508", "A mapping key that YAML reads as something other than text (a number, a date, true).",
       "Quote the key, or use a text key.",
       {C: _atom(CACHE, "related:", "2024: reviewed\nrelated:")}),
    _E("SW509", "A file crosses a limit that no honest bundle reaches (1 MiB a file, 100,000 characters a line, deep or huge YAML): it is not read.",
       "Split the file, or shorten it.",
       {C: Big(1024 * 1024 + 1)}),
    _E("SW510", "A link inside the bundle points outside it; it is not followed, because the wheel would not carry its target.",
       "Copy the file into the bundle instead of linking to it.",
       {"outside.md": CACHE.replace("cache-near-reads", "outside"), "bundle/atoms/outside.md": Link("../../outside.md")}),
    _E("SW511", "A path named like an atom or a manifest is not a regular file (a folder, a device, a pipe).",
       "Rename the folder, or make it a file.",
       {"bundle/atoms/drafts.md/": ""}),
    _E("SW599", "Validating a path raised an unexpected error; the other paths were still validated. A bug in skillwiki-sdk or in a plugin's check, not in the bundle.",
       "Report it with the file; a plugin's check that raises is reported this way when it is not installed as an entry point.",
       judge=INTERNAL, plugin=_FAILING_CHECK, note="a check registered without an entry point raises"),
)


def explanations() -> dict[str, Explanation]:
    """Every explanation by code."""
    return {item.code: item for item in EXPLANATIONS}


def explanation(code: str) -> Explanation | None:
    """The explanation of ``code`` (``sw209`` as ``SW209``), or ``None``."""
    return explanations().get(code.strip().upper())


def write_example(item: Explanation, directory: str | os.PathLike[str]) -> str:
    """Write :data:`BASE` with the example's files over it into ``directory`` (which
    must be empty or not exist); returns the path to validate."""
    directory = os.fspath(directory)
    files: dict[str, Content] = {**BASE, **item.files}
    for name, content in files.items():
        path = os.path.join(directory, *name.rstrip("/").split("/"))
        if content is None:
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if name.endswith("/"):
            os.makedirs(path, exist_ok=True)
        elif isinstance(content, Link):
            os.symlink(content.target, path)
        elif isinstance(content, Big):
            head = CACHE.encode()
            with open(path, "wb") as handle:
                handle.write(head + b"x" * max(0, content.size - len(head)))
        elif isinstance(content, bytes):
            with open(path, "wb") as handle:
                handle.write(content)
        elif isinstance(content, Mapping):
            _write_archive(path, content)
        else:
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(content)
    return os.path.join(directory, *item.target.split("/"))


def _write_archive(path: str, members: Mapping[str, str]) -> None:
    if path.endswith(".whl"):
        import zipfile

        with zipfile.ZipFile(path, "w") as archive:
            for name, text in members.items():
                archive.writestr(name, text)
        return
    import tarfile

    with tarfile.open(path, "w:gz") as archive:
        for name, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
