"""What each finding code means, an example that triggers it, and how to fix it.

``skillwiki rules CODE`` prints an :class:`Explanation` (as ``ruff rule`` does). Each
example is real: :func:`write_example` writes it over a small valid bundle (files,
links, wheels and sdists alike), and the tests validate what it wrote and find the
code. An example of a compat rule is two releases: :func:`write_releases` writes
OLD and NEW, each over the same valid bundle, and the tests compare them. Nothing
here prints.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["BASE", "Big", "Explanation", "Link", "explanation", "explanations", "write_example", "write_releases"]


@dataclass(frozen=True)
class Link:
    """A symbolic link to ``target`` (relative to the link's folder)."""

    target: str


@dataclass(frozen=True)
class Big:
    """A text file of ``size`` bytes (an atom's frontmatter, then filler)."""

    size: int


Content = str | bytes | Link | Big | None | Mapping[str, str]
"""A file's text or bytes, a link, a large file, ``None`` (the file removed) or, for
a name ending in ``.whl`` or ``.tar.gz``, the members of that archive."""

# What the judge of an example is: how the test (and a reader) sees the finding.
VALIDATE = "validate"  # skillwiki validate TARGET
REGISTRY = "registry"  # the registry of an environment where the bundles are installed
PLUGIN = "plugin"  # skillwiki validate with the plugin module given (installed as an entry point)
INTERNAL = "internal"  # skillwiki validate with the check given registered directly
COMPAT = "compat"  # skillwiki compat new/TARGET --against old/TARGET (see write_releases)


@dataclass(frozen=True)
class Explanation:
    """One code's meaning, an example that triggers it, and the fix.

    ``files`` are written over :data:`BASE` (a valid bundle) in a folder; ``target``
    is what to validate in it. ``judge`` says who reports it (see the module's
    constants); ``plugin`` is a plugin module's source for the ``plugin`` and
    ``internal`` judges. For the ``compat`` judge ``files`` are the NEW release's
    changes and ``old`` the OLD release's, each written over its own copy of
    :data:`BASE` (see :func:`write_releases`).
    """

    code: str
    meaning: str
    fix: str
    files: Mapping[str, Content] = field(default_factory=dict)
    target: str = "bundle"
    judge: str = VALIDATE
    plugin: str = ""
    note: str = ""
    old: Mapping[str, Content] = field(default_factory=dict)


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

RETRY = """\
---
id: retry-later
kind: rule
summary: Retry a failed write later, not at once.
tags: [queues]
axes:
  layer: [transport]
---
A write retried at once meets the same overload.
"""

C = "bundle/atoms/cache-near-reads.md"
Q = "bundle/atoms/queue-writes.md"
D = "bundle/domain.yaml"
R = "bundle/atoms/retry-later.md"  # an atom of one release only, in compat's examples

BASE: Mapping[str, str] = {D: DOMAIN, C: CACHE, Q: QUEUE}
"""The valid bundle every example changes: ``bundle/`` with two atoms."""

WHEEL = "dist/skillwiki_tiny-0.3.0-py3-none-any.whl"
SDIST = "dist/skillwiki_tiny-0.3.0.tar.gz"
_INFO = "skillwiki_tiny-0.3.0.dist-info"
_METADATA = "Metadata-Version: 2.1\nName: skillwiki-tiny\nVersion: {version}\n{requires}\n"
_ENTRY = "[skillwiki]\ntiny-domain = skillwiki_tiny\n"


def _wheel(
    *,
    version: str = "0.3.0",
    requires: str = "Requires-Dist: skillwiki-sdk>=0.1,<0.2",
    entry_points: str | None = _ENTRY,
    bundle: bool = True,
    domain: str = DOMAIN,
) -> dict[str, str]:
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
    if old not in base:  # an example written against a base it does not match
        raise ValueError(f"not in the base: {old!r}")
    return base.replace(old, new, 1)


_FAILING_CHECK = """\
from skillwiki_sdk import check, hookimpl, rules


@check(rules.PLUGIN_CHECK_FAILED)
def broken(bundle):
    raise ZeroDivisionError("division by zero")


@hookimpl
def skillwiki_checks():
    return [broken]
"""

_SCALE = "  scale:\n    description: How big the system is.\n    values: [small]\n"
_RENAMED = "bundle/atoms/cache-close-to-reads.md"
_CLOSE = _atom(CACHE, "id: cache-near-reads", "id: cache-close-to-reads")
_ADDITION = (
    "Nothing is wrong: an addition needs a minor bump (0.3.0 to 0.4.0), and compat reports it as an error only when "
    "the bump made is smaller."
)
_EDIT = (
    "Nothing is wrong: an edit needs a patch bump (0.3.0 to 0.3.1), and compat reports it as an error only when the "
    "version is not bumped."
)


def _release(
    code: str,
    meaning: str,
    fix: str,
    new: Mapping[str, Content] | None = None,
    old: Mapping[str, Content] | None = None,
) -> Explanation:
    """A compat rule's explanation: NEW's and OLD's changes to :data:`BASE`."""
    return Explanation(code, meaning, fix, dict(new or {}), judge=COMPAT, old=dict(old or {}))


_E = Explanation
EXPLANATIONS: tuple[Explanation, ...] = (
    _E(
        "SW101",
        "The path holds no domain.yaml, so it is no bundle; nor does any folder inside it (a plugin project is "
        "searched, its tests and build output skipped).",
        "Point at the bundle folder (the one holding domain.yaml) or at the plugin project; create domain.yaml with "
        "'skillwiki new'.",
        {D: None},
    ),
    _E(
        "SW102",
        "domain.yaml lacks a key the format requires: schema, name, version, description, requires-sdk, tags and axes.",
        "Add the key; the hint says what it holds.",
        {D: _atom(DOMAIN, "description: A tiny example domain.\n", "")},
    ),
    _E(
        "SW103",
        "domain.yaml has a key the format does not define. Usually a typo; extensions are keys that begin with x-.",
        "Fix the spelling (the hint names the nearest key), or prefix the key with x-.",
        {D: _atom(DOMAIN, "description:", "maintainer: Ann\ndescription:")},
    ),
    _E(
        "SW104",
        "A value in domain.yaml has the wrong type or breaks its rule (a name that is not a slug, tags that are not "
        "a list, ...).",
        "Write the value the message asks for; names, tags, kinds and axis values are lowercase words joined by "
        "hyphens.",
        {D: _atom(DOMAIN, "name: tiny-domain", "name: Tiny_Domain")},
    ),
    _E(
        "SW105",
        "domain.yaml declares a format version (schema) newer than this skillwiki-sdk understands.",
        "Upgrade skillwiki-sdk (pip install --upgrade skillwiki-sdk), or write schema: 1.",
        {D: _atom(DOMAIN, "schema: 1", "schema: 2")},
    ),
    _E(
        "SW106",
        "The domain's version is not a PEP 440 version, so it cannot be compared with the distribution's.",
        'Write a version such as "1.0.0", in quotes, and the same one in pyproject.toml.',
        {D: _atom(DOMAIN, 'version: "0.3.0"', 'version: "one point oh"')},
    ),
    _E(
        "SW107",
        "requires-sdk is not a PEP 440 specifier set.",
        'Write a range such as ">=0.1,<0.2", in quotes.',
        {D: _atom(DOMAIN, 'requires-sdk: ">=0.1"', 'requires-sdk: "0.1+"')},
    ),
    _E(
        "SW108",
        "This skillwiki-sdk does not satisfy the domain's requires-sdk: the domain needs another SDK release, and an "
        "installed plugin is left out as incompatible.",
        "Install a skillwiki-sdk in the range, or widen requires-sdk if the domain works with this one.",
        {D: _atom(DOMAIN, 'requires-sdk: ">=0.1"', 'requires-sdk: ">=9"')},
    ),
    _E(
        "SW110",
        "A tag of the vocabulary is used by no atom: often a typo in the vocabulary, or an atom not written yet.",
        "Tag an atom with it, or remove it from tags.",
        {D: _atom(DOMAIN, "tags: [caching, queues]", "tags: [caching, queues, latency]")},
    ),
    _E(
        "SW111",
        "A value of a retrieval axis is used by no atom, so scoring on it can never match.",
        "Give an atom the value, or remove it from the axis.",
        {D: _atom(DOMAIN, "values: [data, transport]", "values: [data, transport, edge]")},
    ),
    _E(
        "SW112",
        "The bundle has no atoms: atoms/ is missing or empty.",
        "Write atoms as atoms/<id>.md files.",
        {C: None, Q: None},
    ),
    _E(
        "SW201",
        "An atom's frontmatter lacks a required key: id, kind and summary.",
        "Add the key; the hint says what it holds.",
        {C: _atom(CACHE, "summary: Keep caches close to the reads they serve.\n", "")},
    ),
    _E(
        "SW202",
        "An atom's frontmatter has a key the format does not define. Usually a typo; extensions are keys that begin "
        "with x-.",
        "Fix the spelling (the hint names the nearest key), or prefix the key with x-.",
        {C: _atom(CACHE, "tags:", "author: Ann\ntags:")},
    ),
    _E(
        "SW203",
        "A value in an atom's frontmatter has the wrong type or breaks its rule (quality above 5, tags that are not "
        "a list, ...).",
        "Write the value the message asks for.",
        {C: _atom(CACHE, "related:", "quality: 7\nrelated:")},
    ),
    _E(
        "SW204",
        "An atom's id differs from its file's name without .md: links and 'skillwiki show NAME/ID' use the id, "
        "people look for the file.",
        "Rename the file or change the id so that they agree; both are slugs.",
        {C: _atom(CACHE, "id: cache-near-reads", "id: cache-close-to-reads")},
    ),
    _E(
        "SW205",
        "Two atoms of the domain have the same id (files of the same name in two folders of atoms/).",
        "Give each atom its own id (and file name).",
        {"bundle/atoms/more/cache-near-reads.md": CACHE},
    ),
    _E(
        "SW206",
        "An atom's kind is not one of the domain's kinds (principle, pattern and rule unless domain.yaml declares "
        "kinds).",
        "Use a declared kind (the hint names the nearest), or add the kind to kinds in domain.yaml.",
        {C: _atom(CACHE, "kind: principle", "kind: principal")},
    ),
    _E(
        "SW207",
        "An atom's tag is not in the domain's tag vocabulary.",
        "Use a tag of the vocabulary (the hint names the nearest), or add the tag to tags in domain.yaml.",
        {C: _atom(CACHE, "tags: [caching]", "tags: [cachng]")},
    ),
    _E(
        "SW208",
        "An atom names an axis the domain does not declare.",
        "Use a declared axis (the hint names the nearest), or declare the axis under axes in domain.yaml.",
        {C: _atom(CACHE, "  layer: [data]", "  tier: [data]")},
    ),
    _E(
        "SW209",
        "An atom names a value its axis does not declare, so retrieval can never match it.",
        "Use a declared value (the hint names the nearest and lists them), or add the value to the axis's values in "
        "domain.yaml.",
        {C: _atom(CACHE, "  layer: [data]", "  layer: [orbit]")},
    ),
    _E(
        "SW210",
        "An atom has no Markdown body after its frontmatter: the guidance itself is missing.",
        "Write the body below the closing ---.",
        {C: CACHE.split("---\nA cache")[0] + "---\n"},
    ),
    _E(
        "SW211",
        "A file under atoms/ does not end in .md, so it is not an atom and is ignored.",
        "Rename it to .md if it is an atom, or move it out of atoms/.",
        {"bundle/atoms/notes.txt": "ideas for more atoms\n"},
    ),
    _E(
        "SW212",
        "An entry of an atom's x-skillwiki-ignore is not a code or prefix any rule has, so it silences nothing.",
        "Write codes or prefixes such as SW207 or SW3xx ('skillwiki rules' lists them).",
        {C: _atom(CACHE, "kind:", "x-skillwiki-ignore: [SW999]\nkind:")},
    ),
    _E(
        "SW301",
        "A related id names no atom of the domain.",
        "Fix the id, write the atom, or link another domain's atom as @domain/id.",
        {C: _atom(CACHE, "related: [queue-writes]", "related: [queue-write]")},
    ),
    _E(
        "SW302",
        "An atom lists itself as related.",
        "Remove its own id from related.",
        {C: _atom(CACHE, "related: [queue-writes]", "related: [queue-writes, cache-near-reads]")},
    ),
    _E(
        "SW303",
        "A related link names a domain that is not installed, or that is installed but was left out of the "
        "registry (the warning says why). Only the registry reports it: a plugin's CI need not install every domain "
        "it links to.",
        "Install the plugin that provides the domain, or fix the domain's name in the link.",
        {C: _atom(CACHE, "related: [queue-writes]", 'related: [queue-writes, "@other-domain/retries"]')},
        judge=REGISTRY,
        note="seen in 'skillwiki list' once the plugin is installed",
    ),
    _E(
        "SW304",
        "A related link names an atom that its installed domain does not have.",
        "Fix the id ('skillwiki show DOMAIN' lists the domain's atoms), or upgrade the other plugin.",
        {
            C: _atom(CACHE, "related: [queue-writes]", 'related: [queue-writes, "@other-domain/retries"]'),
            "other/domain.yaml": _atom(
                _atom(DOMAIN, "name: tiny-domain", "name: other-domain"), "tags: [caching, queues]", "tags: [caching]"
            ).replace("values: [data, transport]", "values: [data]"),
            "other/atoms/backoff.md": _atom(
                _atom(CACHE, "id: cache-near-reads", "id: backoff"), "related: [queue-writes]\n", ""
            ),
        },
        judge=REGISTRY,
        note="with both domains installed",
    ),
    _E(
        "SW305",
        "An atom's aliases (its former ids, which keep old links alive after a rename) name another atom's id, its "
        "own id, or an alias another atom has too: a link to that id could mean either atom.",
        "Remove the alias, or keep it on one atom only: an alias is an id that no atom of the domain has any more.",
        {Q: _atom(QUEUE, "kind:", "aliases: [cache-near-reads]\nkind:")},
    ),
    _E(
        "SW401",
        "A wheel or sdist cannot be read as a zip or tar archive (damaged, cut short, or not an archive).",
        "Build it again: skillwiki build.",
        {WHEEL: "this is not a zip archive\n"},
        target=WHEEL,
    ),
    _E(
        "SW402",
        "An archive member has an absolute path, '..', a link or a name given twice: extracting it could write "
        "outside its folder, so nothing of it is extracted.",
        "Build the archive with a standard tool (python -m build, skillwiki build).",
        {
            SDIST: {
                "skillwiki_tiny-0.3.0/PKG-INFO": "Metadata-Version: 2.1\nName: skillwiki-tiny\nVersion: 0.3.0\n",
                "../outside.txt": "written outside\n",
            }
        },
        target=SDIST,
    ),
    _E(
        "SW403",
        "The distribution declares no entry point in the group 'skillwiki', so installing it registers no domain.",
        'Declare one in pyproject.toml: [project.entry-points.skillwiki] tiny-domain = "skillwiki_tiny".',
        {WHEEL: _wheel(entry_points=None)},
        target=WHEEL,
    ),
    _E(
        "SW404",
        "The bundle's files are not inside the built distribution (left out of the wheel or sdist, or outside the "
        "entry point's package).",
        "Keep the bundle inside the package and include its .yaml and .md files as package data, then rebuild.",
        {WHEEL: _wheel(bundle=False)},
        target=WHEEL,
    ),
    _E(
        "SW405",
        "The domain's version (domain.yaml) differs from its distribution's version (pyproject.toml): an install "
        "would register one version under the other's name.",
        "Make them equal: the same version in domain.yaml and in pyproject.toml.",
        {WHEEL: _wheel(version="0.4.0")},
        target=WHEEL,
    ),
    _E(
        "SW406",
        "The distribution does not depend on skillwiki-sdk, so installing it does not bring the SDK that registers it.",
        'Add it to [project] dependencies: "skillwiki-sdk>=0.1,<0.2".',
        {WHEEL: _wheel(requires="")},
        target=WHEEL,
    ),
    _E(
        "SW407",
        "The distribution's core metadata (METADATA or PKG-INFO) is missing or has no name or version.",
        "Build it with a standard build backend: skillwiki build.",
        {WHEEL: _wheel(version="")},
        target=WHEEL,
    ),
    _E(
        "SW408",
        "A check of an installed plugin raised an exception, so the bundle was not fully checked.",
        "Report it to the plugin's authors, or run with SKILLWIKI_DISABLE_PLUGIN_AUTOLOAD=1 to leave installed "
        "plugins out.",
        judge=PLUGIN,
        plugin=_FAILING_CHECK,
        note="with this plugin installed",
    ),
    _E(
        "SW501",
        "A file cannot be read (no permission, a link that points nowhere, an I/O error).",
        "Make the file readable, or remove the broken link.",
        {"bundle/atoms/gone.md": Link("no-such-file.md")},
    ),
    _E(
        "SW502",
        "A file is not UTF-8 text (saved as Latin-1 or UTF-16, or binary).",
        "Save the file as UTF-8.",
        {C: CACHE.replace("pays", "pays the caf\xe9").encode("latin-1")},
    ),
    _E(
        "SW503",
        "YAML that does not parse: an unclosed bracket or quote, a tab used for indentation, a ': ' in an unquoted "
        "value.",
        "Fix the YAML at the line and column given; quote values that hold ': ' or begin with a special character.",
        {C: _atom(CACHE, "tags: [caching]", "tags: [caching")},
    ),
    _E(
        "SW504",
        "A mapping has the same key twice; YAML would keep only the last.",
        "Keep one of them.",
        {C: _atom(CACHE, "kind: principle", "kind: principle\nkind: pattern")},
    ),
    _E(
        "SW505",
        "A YAML tag that safe loading does not allow (such as !!python/object): it could run code in a reader that "
        "is not safe.",
        "Remove the tag and write a plain value.",
        {C: _atom(CACHE, "related:", "quality: !!python/object/apply:os.getcwd []\nrelated:")},
    ),
    _E(
        "SW506",
        "An atom file does not start with a --- line, so it has no frontmatter.",
        "Start the file with ---, the frontmatter, then another --- line.",
        {C: CACHE[4:]},
    ),
    _E(
        "SW507",
        "An atom's frontmatter has no closing --- line.",
        "Close the frontmatter with a --- line before the body.",
        {C: CACHE.replace("---\nA cache", "A cache")},
    ),
    _E(
        "SW508",
        "A mapping key that YAML reads as something other than text (a number, a date, true).",
        "Quote the key, or use a text key.",
        {C: _atom(CACHE, "related:", "2024: reviewed\nrelated:")},
    ),
    _E(
        "SW509",
        "A file crosses a limit that no honest bundle reaches (1 MiB a file, 100,000 characters a line, deep or huge "
        "YAML): it is not read.",
        "Split the file, or shorten it.",
        {C: Big(1024 * 1024 + 1)},
    ),
    _E(
        "SW510",
        "A link inside the bundle points outside it; it is not followed, because the wheel would not carry its target.",
        "Copy the file into the bundle instead of linking to it.",
        {
            "outside.md": CACHE.replace("cache-near-reads", "outside"),
            "bundle/atoms/outside.md": Link("../../outside.md"),
        },
    ),
    _E(
        "SW511",
        "A path named like an atom or a manifest is not a regular file (a folder, a device, a pipe).",
        "Rename the folder, or make it a file.",
        {"bundle/atoms/drafts.md/": ""},
    ),
    _E(
        "SW599",
        "Validating a path raised an unexpected error; the other paths were still validated. A bug in skillwiki-sdk "
        "or in a plugin's check, not in the bundle.",
        "Report it with the file; a plugin's check that raises is reported this way when it is not installed as an "
        "entry point.",
        judge=INTERNAL,
        plugin=_FAILING_CHECK,
        note="a check registered without an entry point raises",
    ),
    _release(
        "SW600",
        "A release given to compat is not one readable domain: it holds no domain.yaml, several bundles, a "
        "domain.yaml that does not load, or it is another domain (no atom in common), so there is nothing to compare.",
        "Point each side at one bundle of the same domain (its folder, plugin project, wheel or sdist); a first "
        "release has no baseline, so drop --against.",
        old={D: None},
    ),
    _release(
        "SW601",
        "The domain's name changed between the releases: every @name/id link to its atoms and every install by name "
        "breaks.",
        "Keep the name; publish the renamed domain as a new domain beside the old one.",
        {D: _atom(DOMAIN, "name: tiny-domain", "name: tiny-wiki")},
    ),
    _release(
        "SW602",
        "An atom of OLD is not in NEW, and no atom of NEW keeps its id as an alias: links to @domain/id break. (An "
        "alias OLD had that NEW dropped is reported the same way.)",
        'Deprecate the atom first (deprecated: "why, and what to use instead") and remove it in a later minor '
        "release, keep its id as an alias of the atom that replaces it, or bump the major version (the minor below "
        "1.0).",
        old={R: RETRY},
    ),
    _release(
        "SW603",
        "An atom's id is gone and an atom NEW added has its body or summary: it looks renamed, and links to the old "
        "id break.",
        "Add 'aliases: [old-id]' to the renamed atom so that the old id still resolves (then it is an edit, SW616), "
        "or bump the major version (the minor below 1.0).",
        {C: None, _RENAMED: _CLOSE},
    ),
    _release(
        "SW604",
        "An atom's kind changed: readers and tools that select atoms by kind lose it.",
        "Keep the kind and add a new atom of the other kind instead (deprecating the old one), or bump the major "
        "version (the minor below 1.0).",
        {C: _atom(CACHE, "kind: principle", "kind: pattern")},
    ),
    _release(
        "SW605",
        "A tag of OLD's vocabulary is not in NEW's: briefs that name it no longer signal the domain, and other "
        "tools' filters on it match nothing.",
        "Keep the tag (a tag no atom uses is only a warning, SW110), or bump the major version (the minor below 1.0).",
        old={D: _atom(DOMAIN, "tags: [caching, queues]", "tags: [caching, queues, latency]")},
    ),
    _release(
        "SW606",
        "A retrieval axis of OLD is not in NEW: retrieval that scores on it breaks.",
        "Keep the axis, or bump the major version (the minor below 1.0).",
        old={D: DOMAIN + _SCALE},
    ),
    _release(
        "SW607",
        "A value of a retrieval axis of OLD is not in NEW's axis: retrieval that asks for it matches nothing.",
        "Keep the value, or bump the major version (the minor below 1.0).",
        old={D: _atom(DOMAIN, "values: [data, transport]", "values: [data, transport, edge]")},
    ),
    _release(
        "SW608",
        "A kind of OLD (principle, pattern and rule unless domain.yaml declares kinds) is not one of NEW's kinds: "
        "atoms of it elsewhere, and tools that select by it, break.",
        "Keep the kind, or bump the major version (the minor below 1.0).",
        {D: _atom(DOMAIN, "axes:", "kinds: [principle, pattern]\naxes:")},
    ),
    _release(
        "SW609",
        "An atom that OLD deprecated is not in NEW: the removal its deprecation announced, a retirement that needs a "
        "minor bump.",
        "Nothing is wrong: a retirement needs a minor bump (0.3.0 to 0.4.0), and compat reports it as an error only "
        "when the bump made is smaller.",
        old={R: _atom(RETRY, "tags:", 'deprecated: "merged into queue-writes"\ntags:')},
    ),
    _release("SW610", "NEW has an atom that OLD did not.", _ADDITION, {R: RETRY}),
    _release(
        "SW611",
        "NEW's tag vocabulary has a tag that OLD's did not.",
        _ADDITION,
        {
            D: _atom(DOMAIN, "tags: [caching, queues]", "tags: [caching, queues, latency]"),
            C: _atom(CACHE, "tags: [caching]", "tags: [caching, latency]"),
        },
    ),
    _release(
        "SW612",
        "NEW has a retrieval axis that OLD did not.",
        _ADDITION,
        {D: DOMAIN + _SCALE, C: _atom(CACHE, "  layer: [data]", "  layer: [data]\n  scale: [small]")},
    ),
    _release(
        "SW613",
        "A retrieval axis of NEW has a value that OLD's axis did not.",
        _ADDITION,
        {
            D: _atom(DOMAIN, "values: [data, transport]", "values: [data, transport, edge]"),
            C: _atom(CACHE, "  layer: [data]", "  layer: [data, edge]"),
        },
    ),
    _release(
        "SW614",
        "NEW's kinds have a kind that OLD's did not (principle, pattern and rule unless domain.yaml declares kinds).",
        _ADDITION,
        {D: _atom(DOMAIN, "axes:", "kinds: [principle, pattern, rule, recipe]\naxes:")},
    ),
    _release(
        "SW615",
        "An atom is deprecated in NEW and was not in OLD: it announces the atom's removal, which a later minor "
        "release may make (SW609).",
        "Nothing is wrong: a deprecation needs a minor bump (0.3.0 to 0.4.0); say in the notice why, and what to use "
        "instead.",
        {C: _atom(CACHE, "related:", 'deprecated: "use queue-writes; its worker keeps a cache"\nrelated:')},
    ),
    _release(
        "SW616",
        "An atom's id is gone, and an atom of NEW keeps it as an alias: a rename, and links to the old id still "
        "resolve.",
        "Nothing is wrong: a rename with an alias is an edit, a patch bump (0.3.0 to 0.3.1). Keep the alias while "
        "links to the old id may exist.",
        {C: None, _RENAMED: _atom(_CLOSE, "kind:", "aliases: [cache-near-reads]\nkind:")},
    ),
    _release(
        "SW620",
        "An atom's summary differs between the releases.",
        _EDIT,
        {
            C: _atom(
                CACHE,
                "summary: Keep caches close to the reads they serve.",
                "summary: Keep each cache next to the reads it serves.",
            )
        },
    ),
    _release(
        "SW621",
        "An atom's Markdown body differs between the releases (blank lines around it aside).",
        _EDIT,
        {C: _atom(CACHE, "pays the network twice.", "pays the network twice: once to fill, once to read.")},
    ),
    _release(
        "SW622",
        "An atom's title differs between the releases (a title not given is the id in title case).",
        _EDIT,
        {C: _atom(CACHE, "summary:", "title: Caches near reads\nsummary:")},
    ),
    _release(
        "SW623",
        "An atom's quality score differs between the releases.",
        _EDIT,
        {C: _atom(CACHE, "related:", "quality: 4\nrelated:")},
        old={C: _atom(CACHE, "related:", "quality: 3\nrelated:")},
    ),
    _release(
        "SW624",
        "An atom's tags differ between the releases (their order aside).",
        _EDIT,
        {C: _atom(CACHE, "tags: [caching]", "tags: [caching, queues]")},
    ),
    _release(
        "SW625",
        "An atom's axis values differ between the releases (their order aside).",
        _EDIT,
        {C: _atom(CACHE, "  layer: [data]", "  layer: [data, transport]")},
    ),
    _release(
        "SW626",
        "An atom's related links differ between the releases (their order aside).",
        _EDIT,
        {Q: _atom(QUEUE, "  layer: [transport]\n", "  layer: [transport]\nrelated: [cache-near-reads]\n")},
    ),
    _release(
        "SW627",
        "An atom's sources differ between the releases.",
        _EDIT,
        {
            C: _atom(
                CACHE,
                "related:",
                "sources:\n  - title: Caching near the reader\n    url: https://example.org/near-caches\nrelated:",
            )
        },
    ),
    _release(
        "SW628",
        "The domain's description differs between the releases (spacing aside).",
        _EDIT,
        {D: _atom(DOMAIN, "A tiny example domain.", "A tiny example domain about caches and queues.")},
    ),
    _release(
        "SW629",
        "Another key differs between the releases: the title, authors, license or homepage of domain.yaml, an axis's "
        "description, or an atom's deprecation notice.",
        _EDIT,
        {D: _atom(DOMAIN, "tags:", "license: CC-BY-4.0\ntags:")},
        old={D: _atom(DOMAIN, "tags:", "license: MIT\ntags:")},
    ),
    _release(
        "SW630",
        "NEW's requires-sdk accepts fewer skillwiki-sdk versions than OLD's: users on the versions left out keep the "
        "older release.",
        "Nothing is wrong: an edit, a patch bump. Narrow requires-sdk only when the domain needs it.",
        {D: _atom(DOMAIN, 'requires-sdk: ">=0.1"', 'requires-sdk: ">=0.1,<1"')},
    ),
    _release(
        "SW631",
        "requires-sdk changed and still accepts every skillwiki-sdk version it did (a range widened or rewritten).",
        _EDIT,
        old={D: _atom(DOMAIN, 'requires-sdk: ">=0.1"', 'requires-sdk: ">=0.1,<0.2"')},
    ),
    _release(
        "SW640",
        "NEW's version is not bumped enough for its changes: a breaking change needs a major bump (a minor below "
        "1.0), a retirement or an addition a minor one, an edit a patch. The message names the change that needs the "
        "most.",
        "Set the version the hint gives, in domain.yaml and pyproject.toml; or undo the changes that need it.",
        {D: _atom(DOMAIN, 'version: "0.3.0"', 'version: "0.3.1"'), R: RETRY},
    ),
    _release(
        "SW641",
        "A release's version is missing or not PEP 440, or NEW's is lower than OLD's, so the bump cannot be judged.",
        "Give NEW a PEP 440 version higher than OLD's (in domain.yaml and pyproject.toml), and check that --against "
        "names an earlier release.",
        {D: _atom(DOMAIN, 'version: "0.3.0"', 'version: "0.2.0"')},
    ),
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
    _write_files({**BASE, **item.files}, directory)
    return os.path.join(directory, *item.target.split("/"))


def write_releases(item: Explanation, directory: str | os.PathLike[str]) -> tuple[str, str]:
    """Write a compat example's two releases into ``directory`` (which must be empty
    or not exist): ``old/`` is :data:`BASE` with ``item.old`` over it, ``new/``
    :data:`BASE` with ``item.files`` over it. Returns the paths of OLD's and NEW's
    ``target`` (what ``skillwiki compat NEW --against OLD`` compares)."""
    directory = os.fspath(directory)
    paths = []
    for side, changes in (("old", item.old), ("new", item.files)):
        _write_files({**BASE, **changes}, os.path.join(directory, side))
        paths.append(os.path.join(directory, side, *item.target.split("/")))
    return paths[0], paths[1]


def _write_files(files: Mapping[str, Content], directory: str) -> None:
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
