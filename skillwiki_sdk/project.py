"""The packaging checks of a plugin project, from its sources (``pyproject.toml``).

What a built wheel would be refused for is known before it is built:
``skillwiki validate`` of a project checks that the project declares an entry point
in the group ``skillwiki`` (SW403), depends on ``skillwiki-sdk`` (SW406), that each
bundle lies inside the package the entry point names, which the wheel ships (SW404),
and that each domain's version equals the project's (SW405). A value the project
declares ``dynamic`` is left to the check of the built archives. Nothing here
prints.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import rules
from .model import Bundle, Finding

__all__ = ["Project", "bundle_findings", "project_findings", "read_project"]

PYPROJECT = "pyproject.toml"
GROUP = "skillwiki"
SDK = "skillwiki-sdk"


@dataclass
class Project:
    """What ``pyproject.toml`` declares that packaging checks need."""

    root: str
    file: str  # as shown in findings
    lines: list[str]
    table: dict[str, Any]
    wheel_packages: list[str] | None
    wheel_excludes: list[str] = field(default_factory=list)

    @property
    def dynamic(self) -> list[str]:
        value = self.table.get("dynamic")
        return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []

    @property
    def version(self) -> str | None:
        value = self.table.get("version")
        return value if isinstance(value, str) and "version" not in self.dynamic else None

    def entry_points(self) -> dict[str, str]:
        groups = self.table.get("entry-points")
        group = groups.get(GROUP) if isinstance(groups, dict) else None
        return (
            {name: value for name, value in group.items() if isinstance(value, str)} if isinstance(group, dict) else {}
        )

    def line_of(self, table: str, key: str | None = None) -> int | None:
        """The 1-based line of ``key =`` in ``[table]`` (or of the table's header), if found."""
        header = re.compile(r"^\s*\[\s*" + re.escape(table).replace(r"\.", r"\s*\.\s*") + r"\s*\]\s*(#.*)?$")
        inside = False
        for number, line in enumerate(self.lines, start=1):
            if line.lstrip().startswith("["):
                if inside and key is not None:
                    return None
                inside = bool(header.match(line))
                if inside and key is None:
                    return number
                continue
            if inside and key is not None and re.match(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=", line):
                return number
        return None


def read_project(root: str, display: str) -> Project | None:
    """The project at ``root`` when its ``pyproject.toml`` has a ``[project]`` table
    (``None`` otherwise, or when the file does not parse: reading settings says so)."""
    from .config import ConfigError, read_toml

    try:
        text, data = read_toml(os.path.join(root, PYPROJECT))
    except ConfigError:
        return None
    table = data.get("project")
    if not isinstance(table, dict):
        return None
    wheel = (
        data.get("tool", {}).get("hatch", {}).get("build", {}).get("targets", {}).get("wheel", {})
        if isinstance(data.get("tool"), dict)
        else {}
    )
    packages = wheel.get("packages") if isinstance(wheel, dict) else None
    excludes = wheel.get("exclude") if isinstance(wheel, dict) else None
    shown = f"{display}/{PYPROJECT}" if display not in ("", ".") else PYPROJECT
    return Project(
        root=root,
        file=shown,
        lines=text.splitlines(),
        table=table,
        wheel_packages=[item for item in packages if isinstance(item, str)] if isinstance(packages, list) else None,
        wheel_excludes=[item for item in excludes if isinstance(item, str)] if isinstance(excludes, list) else [],
    )


def _depends_on_sdk(project: Project) -> bool:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    dependencies = project.table.get("dependencies")
    for line in dependencies if isinstance(dependencies, list) else ():
        try:
            requirement = Requirement(line) if isinstance(line, str) else None
        except InvalidRequirement:
            continue
        if (
            requirement is not None
            and canonicalize_name(requirement.name) == SDK
            and (requirement.marker is None or requirement.marker.evaluate({"extra": ""}))
        ):
            return True
    return False


def project_findings(project: Project) -> list[Finding]:
    """SW403 and SW406: the entry point and the dependency, at their place in the file."""
    findings: list[Finding] = []
    name = project.table.get("name", "the project")
    if not project.entry_points() and "entry-points" not in project.dynamic:
        findings.append(
            rules.NO_ENTRY_POINT.finding(
                f"{name} declares no entry point in the group '{GROUP}', so an install of its wheel registers nothing",
                file=project.file,
                line=project.line_of("project") or 1,
                hint='declare it: [project.entry-points.skillwiki] my-domain = "my_package"',
            )
        )
    if "dependencies" not in project.dynamic and not _depends_on_sdk(project):
        findings.append(
            rules.NO_SDK_DEPENDENCY.finding(
                f"{name} does not declare a dependency on {SDK}, so installing it does not bring the SDK that "
                "registers it",
                file=project.file,
                line=project.line_of("project", "dependencies") or project.line_of("project") or 1,
                hint='add it to [project] dependencies, e.g. "skillwiki-sdk>=0.1,<0.2"',
            )
        )
    return findings


def _package_folders(project: Project) -> dict[str, str | None]:
    """Entry point name → the folder of the top-level package it names (in the project), or None."""
    folders: dict[str, str | None] = {}
    for name, value in project.entry_points().items():
        top = value.split(":")[0].strip().split(".")[0]
        candidates = [
            os.path.join(project.root, *package.split("/"))
            for package in project.wheel_packages or ()
            if os.path.basename(package.rstrip("/")) == top
        ]
        candidates += [os.path.join(project.root, "src", top), os.path.join(project.root, top)]
        folders[name] = next((os.path.normpath(c) for c in candidates if os.path.isdir(c)), None)
    return folders


def bundle_findings(project: Project, bundle: Bundle, root: str) -> Iterator[Finding]:
    """SW404 and SW405 for one bundle of the project at ``root`` (on disk)."""
    from packaging.version import InvalidVersion, Version

    domain = bundle.domain
    if domain is None:
        return
    version = project.version
    if version is not None and domain.version is not None:
        try:
            same = Version(domain.version) == Version(version)
        except InvalidVersion:
            same = True  # SW106 says the version is not PEP 440
        if not same:
            yield rules.VERSION_MISMATCH.finding(
                f"domain version {domain.version} differs from the project's version {version} "
                f"({project.file}:{project.line_of('project', 'version') or 1})",
                file=domain.source,
                path=("version",),
                hint="make them equal: set the same version in domain.yaml and pyproject.toml",
            )
    folders = _package_folders(project)
    if not folders:
        return  # SW403 says there is no entry point
    real = os.path.realpath(root)
    inside = [
        name
        for name, folder in folders.items()
        if folder is not None and (real + os.sep).startswith(os.path.realpath(folder) + os.sep)
    ]
    if not inside:
        named = ", ".join(f"'{value}'" for value in project.entry_points().values())
        missing = [name for name, folder in folders.items() if folder is None]
        why = (
            f"the package {named} that the entry point names is not in the project (looked in src/ and at the top)"
            if len(missing) == len(folders)
            else f"it is not inside the package {named} that the entry point names"
        )
        yield rules.BUNDLE_NOT_PACKAGED.finding(
            f"the wheel would not ship this bundle: {why}",
            file=domain.source.display,
            line=1,
            hint="move the bundle into the package (src/<package>/bundle), or fix the entry point in pyproject.toml",
        )
        return
    excluded = _excluded(project, root, bundle)
    if excluded:
        pattern, file = excluded
        line = project.line_of("tool.hatch.build.targets.wheel", "exclude") or 1
        yield rules.BUNDLE_NOT_PACKAGED.finding(
            f"the wheel would not ship the bundle's files: exclude pattern '{pattern}' ({project.file}:{line}) leaves "
            f"out {file}",
            file=domain.source.display,
            line=1,
            hint="remove the pattern from [tool.hatch.build.targets.wheel] exclude, or narrow it so that the "
            "bundle's .yaml and .md files stay",
        )


def _excluded(project: Project, root: str, bundle: Bundle) -> tuple[str, str] | None:
    """The first of hatch's wheel ``exclude`` patterns that leaves out a bundle file
    (the manifest or an atom), as (pattern, file shown)."""
    import fnmatch

    if not project.wheel_excludes or bundle.domain is None:
        return None
    shown = [bundle.domain.source.display] + [atom.source.display for atom in bundle.atoms]
    on_disk = [os.path.join(root, "domain.yaml")] + [atom.source.path for atom in bundle.atoms]
    for display, path in zip(shown, on_disk, strict=True):
        relative = os.path.relpath(path, project.root).replace(os.sep, "/")
        for pattern in project.wheel_excludes:
            bare = pattern.strip("/")
            if (
                fnmatch.fnmatch(relative, bare)
                or fnmatch.fnmatch(os.path.basename(relative), bare)
                or relative.startswith(bare.rstrip("*") + "/")
                and "*" not in bare
            ):
                return pattern, display
    return None
