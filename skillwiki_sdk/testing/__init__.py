"""Helpers for the tests of a domain plugin (and of checks written for one).

- :func:`assert_valid` validates a bundle, a project, a wheel or an sdist, and fails
  with the findings exactly as ``skillwiki validate`` prints them.
- :func:`make_bundle` writes a throw-away bundle from a few dictionaries, with
  defaults for everything a test does not care about.
- :func:`isolated_registry` loads only the given plugin modules, without the other
  plugins installed on the machine.

With pytest, the ``skillwiki`` fixture of :mod:`skillwiki_sdk.testing.pytest_plugin`
(loaded by itself once skillwiki-sdk is installed) offers the same for the project
under test::

    def test_bundle_is_valid(skillwiki):
        skillwiki.assert_valid()
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Report

__all__ = [
    "OMIT",
    "BundleInvalid",
    "SkillwikiProject",
    "assert_valid",
    "isolated_registry",
    "make_bundle",
]


class _Omit:
    """The value of a key that :func:`make_bundle` must leave out (not write as null)."""

    _instance: _Omit | None = None

    def __new__(cls) -> _Omit:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "OMIT"


OMIT: Any = _Omit()
"""Give a key this value to leave it out of the file: ``{"summary": OMIT}``."""


class BundleInvalid(AssertionError):
    """A validated path has failing findings; the message is ``validate``'s text output."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


def _shown(path: str | os.PathLike[str]) -> str:
    """``path`` as a user would type it from the working folder: relative when inside
    it, so that findings read as ``skillwiki validate`` run there prints them."""
    path = os.fspath(path)
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    if relative == os.curdir:
        return "."
    if relative.startswith(os.pardir):
        return path
    return relative.replace(os.sep, "/")


def validate_path(path: str | os.PathLike[str], *, strict: bool | None = None) -> Report:
    """Validate ``path`` as ``skillwiki validate PATH`` would: installed checks
    included, and the ``[tool.skillwiki]`` settings of its project applied
    (:func:`skillwiki_sdk.validation.judge`).

    Raises :class:`BundleInvalid` when those settings are refused (an error code in
    ``ignore``), with the message ``skillwiki validate`` gives.
    """
    from ..config import ConfigError
    from ..model import Report
    from ..validation import judge

    try:
        return judge(_shown(path), strict=strict)
    except ConfigError as error:
        raise BundleInvalid(f"skillwiki: error: {error}", Report(target=_shown(path))) from None


def assert_valid(path: str | os.PathLike[str], *, strict: bool = False) -> Report:
    """Validate ``path`` and raise :class:`BundleInvalid` if findings fail.

    Fails on errors, and on warnings too with ``strict`` or with ``strict = true``
    in the project's ``[tool.skillwiki]``, whose settings apply as in ``skillwiki
    validate``. The message lists every finding as ``skillwiki validate`` prints it,
    ``file:line:column: CODE message``, then the summary line. Returns the report
    when nothing fails.
    """
    __tracebackhide__ = True
    from ..report import format_text

    report = validate_path(path, strict=True if strict else None)
    if report.failed(strict):
        raise BundleInvalid(format_text([report], strict=strict).rstrip("\n"), report)
    return report


def _yaml(data: Mapping[str, Any]) -> str:
    """Block style, one top-level key a line (lists of words in flow style: ``tags:
    [a, b]``), so that the line of each key is easy to tell."""
    import yaml

    def dump(key: str, value: Any) -> str:
        flow = None if isinstance(value, (list, dict)) else False
        return yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, default_flow_style=flow, width=1000)

    return "".join(dump(key, value) for key, value in data.items())


def _merge(defaults: Mapping[str, Any], given: Mapping[str, Any] | None) -> dict[str, Any]:
    """``defaults`` updated by ``given``: default keys keep their place, new keys follow
    in the given order, and a key set to :data:`OMIT` is left out."""
    merged = {**defaults, **dict(given or {})}
    return {key: value for key, value in merged.items() if value is not OMIT}


def _collect(atoms: Sequence[Mapping[str, Any]]) -> tuple[list[str], dict[str, list[str]]]:
    """The tags and axis values the atoms use, in order of first use."""
    tags: list[str] = []
    axes: dict[str, list[str]] = {}
    for atom in atoms:
        for tag in atom["tags"] if isinstance(atom.get("tags"), list) else ():
            if isinstance(tag, str) and tag not in tags:
                tags.append(tag)
        if isinstance(atom.get("axes"), Mapping):
            for axis, values in atom["axes"].items():
                known = axes.setdefault(str(axis), [])
                for value in values if isinstance(values, list) else ():
                    if isinstance(value, str) and value not in known:
                        known.append(value)
    return tags, axes


def make_bundle(
    directory: str | os.PathLike[str],
    domain: Mapping[str, Any] | str | None = None,
    atoms: Iterable[Mapping[str, Any]] = (),
    *,
    folder: str | None = None,
) -> Path:
    """Write a throw-away bundle under ``directory`` and return its root.

    ``domain`` gives keys of ``domain.yaml`` over valid defaults (``schema: 1``, name
    ``test-domain``, version ``0.1.0``, a description, a ``requires-sdk`` this SDK
    satisfies); ``tags`` and ``axes`` default to exactly what the atoms use, so the
    bundle validates with no warnings. A string is written as the file's text as it is.

    Each atom is a mapping of frontmatter keys over defaults (``id`` ``atom-1``,
    ``atom-2``, ...; ``kind`` principle; a summary), with two keys that are not
    frontmatter: ``body`` (the Markdown after it; default one sentence) and ``file``
    (its path under ``atoms/``; default ``<id>.md``). ``text`` instead writes the file
    as it is (``file`` is then required). A key set to :data:`OMIT` is left out.

    The bundle is written to ``directory/<folder>`` (default: the domain's name, or
    ``bundle``), which must not exist yet. Keys are written in a fixed order (defaults
    first, then the given ones), so a test may assert the line of a finding.
    """
    from ..scaffold import sdk_range

    files: list[tuple[str, str]] = []
    frontmatters: list[dict[str, Any]] = []
    for number, given in enumerate(atoms, start=1):
        atom = dict(given)
        if "text" in atom:
            if "file" not in atom:
                raise ValueError("an atom given as text needs a 'file' (its path under atoms/)")
            files.append((str(atom["file"]), str(atom["text"])))
            continue
        atom_id = atom.get("id", f"atom-{number}")
        body = atom.pop("body", f"The body of {atom_id}.")
        file = atom.pop("file", f"{atom_id}.md")
        front = _merge({"id": atom_id, "kind": "principle", "summary": f"Summary of {atom_id}."}, atom)
        frontmatters.append(front)
        files.append((str(file), f"---\n{_yaml(front) if front else ''}---\n\n{body}\n"))
    if isinstance(domain, str):
        manifest, name = domain, "bundle"
    else:
        tags, axes = _collect(frontmatters)
        defaults: dict[str, Any] = {
            "schema": 1,
            "name": "test-domain",
            "version": "0.1.0",
            "description": "A throw-away domain for tests.",
            "requires-sdk": sdk_range(),
            "tags": tags,
            "axes": {axis: {"description": f"The {axis} axis.", "values": values} for axis, values in axes.items()},
        }
        data = _merge(defaults, domain)
        manifest = _yaml(data)
        name = data["name"] if isinstance(data.get("name"), str) and data["name"] else "bundle"
    root = Path(directory) / (folder or name)
    root.mkdir(parents=True, exist_ok=False)
    (root / "domain.yaml").write_text(manifest, encoding="utf-8")
    for relative, text in files:
        target = root / "atoms" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def isolated_registry(*plugins: object) -> Any:
    """A registry of only ``plugins`` (modules, objects, or importable module names),
    without the other plugins installed on this machine.

    A plugin whose hook fails or whose bundle does not load is recorded as a problem of
    the registry, as :meth:`Registry.discover` does for installed plugins.
    """
    import importlib

    from ..registry import Registry

    objects = [importlib.import_module(p) if isinstance(p, str) else p for p in plugins]
    return Registry.from_plugins(objects)


class SkillwikiProject:
    """The ``skillwiki`` fixture: helpers bound to the project under test.

    ``root`` is the project folder (pytest's root folder: the one with
    ``pyproject.toml``).
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"SkillwikiProject({str(self.root)!r})"

    def validate(self, path: str | os.PathLike[str] | None = None) -> Report:
        """The report of ``skillwiki validate`` on the project (or on ``path``)."""
        return validate_path(self.root if path is None else path)

    def assert_valid(self, path: str | os.PathLike[str] | None = None, *, strict: bool = False) -> Report:
        """Fail the test, listing the findings as ``skillwiki validate`` prints them,
        unless the project (or ``path``) validates with no errors (nor warnings, with
        ``strict``)."""
        __tracebackhide__ = True
        return assert_valid(self.root if path is None else path, strict=strict)

    def registry(self, *plugins: object) -> Any:
        """A registry of only ``plugins``; see :func:`isolated_registry`."""
        return isolated_registry(*plugins)

    def make_bundle(
        self,
        directory: str | os.PathLike[str],
        domain: Mapping[str, Any] | str | None = None,
        atoms: Iterable[Mapping[str, Any]] = (),
        *,
        folder: str | None = None,
    ) -> Path:
        """See :func:`make_bundle`."""
        return make_bundle(directory, domain, atoms, folder=folder)
