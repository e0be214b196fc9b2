"""Scaffolding: write a new domain plugin project from the template files.

The templates are files inside this package (``templates/plugin/``), so that an
author can read exactly what ``skillwiki new`` writes. A template file's name ends in
``.tmpl``; ``{{key}}`` in its name or text is replaced by the value of ``key`` (see
:func:`template_context`), and a leading ``dot-`` becomes ``.`` (so that the
template of ``.gitignore`` is not an ignore file of the SDK itself). Nothing here
prints or exits, and nothing is ever overwritten.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import UsageError

if TYPE_CHECKING:
    import sys

    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:  # the same protocol, before it moved
        from importlib.abc import Traversable

__all__ = [
    "NAME_PATTERN",
    "ScaffoldError",
    "Scaffold",
    "create_project",
    "sdk_range",
    "template_context",
    "template_files",
]

NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
_SUFFIX = ".tmpl"
_TEMPLATE = "plugin"


class ScaffoldError(UsageError):
    """The project cannot be created as asked (a bad name, a folder in the way): exit 2."""


@dataclass
class Scaffold:
    """What :func:`create_project` made: the project folder and its files, relative."""

    root: str
    name: str
    package: str
    distribution: str
    files: list[str] = field(default_factory=list)


def sdk_range(version: str | None = None) -> str:
    """The compatible range of skillwiki-sdk versions for a new plugin.

    ``0.1.3`` gives ``>=0.1,<0.2`` (before 1.0 a minor release may break), ``1.4.0``
    gives ``>=1.4,<2``.
    """
    if version is None:
        from . import __version__

        version = __version__
    parts = [int(p) for p in re.findall(r"\d+", version)[:2]] + [0, 0]
    major, minor = parts[0], parts[1]
    if major == 0:
        return f">=0.{minor},<0.{minor + 1}"
    return f">={major}.{minor},<{major + 1}"


def _check_name(name: str) -> None:
    if not NAME_PATTERN.match(name) or not 2 <= len(name) <= 64:
        from ._words import slugify

        slug = slugify(name)  # suggested only when it is itself a valid name
        example = (
            f"did you mean '{slug}'?"
            if slug and NAME_PATTERN.match(slug) and 2 <= len(slug) <= 64
            else "for example 'backend-architecture'"
        )
        raise ScaffoldError(
            f"{name!r} is not a valid domain name: use 2-64 lowercase letters and digits, "
            f"in words joined by single hyphens ({example})"
        )


def _one_line(label: str, value: str, limit: int) -> str:
    value = value.strip()
    if not value or "\n" in value or "\r" in value or len(value) > limit:
        raise ScaffoldError(f"--{label} must be one line of 1-{limit} characters")
    return value


def template_context(
    name: str, *, title: str | None = None, description: str | None = None, author: str | None = None
) -> dict[str, str]:
    """The values the templates use, checked; raises :class:`ScaffoldError`.

    Plain values (``title``) go into Markdown; ``*_yaml`` and ``*_toml`` are the same
    values quoted for YAML and TOML (a JSON string is a valid double-quoted scalar in
    both), so that any title or description yields files that parse.
    """
    from .model import title_from_id

    _check_name(name)
    title = _one_line("title", title if title is not None else title_from_id(name), 120)
    description = _one_line(
        "description", description if description is not None else f"Skill Wiki domain: {title}.", 1000
    )
    author = _one_line("author", author if author is not None else f"{title} authors", 200)
    context = {
        "name": name,
        "package": "skillwiki_" + name.replace("-", "_"),
        "distribution": f"skillwiki-{name}",
        "sdk_range": sdk_range(),
        "title": title,
        "description": description,
        "author": author,
    }
    for key in ("title", "description", "author"):
        quoted = json.dumps(context[key], ensure_ascii=False)
        context[f"{key}_yaml"] = quoted
        context[f"{key}_toml"] = quoted
    return context


def _render(text: str, context: Mapping[str, str], where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in context:
            # a template names a key the code does not provide: a bug of the SDK
            raise KeyError(f"template {where} uses an unknown placeholder {{{{{key}}}}}")
        return context[key]

    return _PLACEHOLDER.sub(replace, text)


def _walk(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        relative = f"{prefix}{entry.name}"
        if entry.is_dir():
            yield from _walk(entry, relative + "/")
        elif entry.name.endswith(_SUFFIX):
            yield relative, entry


def template_files(context: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(relative path, text)`` of every file of a new project, rendered, sorted."""
    from importlib.resources import files

    rendered: list[tuple[str, str]] = []
    for relative, entry in _walk(files(__package__) / "templates" / _TEMPLATE):
        target = _render(relative[: -len(_SUFFIX)], context, relative)
        target = "/".join("." + part[4:] if part.startswith("dot-") else part for part in target.split("/"))
        rendered.append((target, _render(entry.read_text(encoding="utf-8"), context, relative)))
    return sorted(rendered)


def _refuse_target(root: str) -> None:
    if os.path.lexists(root) and not os.path.isdir(root):
        raise ScaffoldError(f"{root} exists and is not a folder; choose another --path")
    if os.path.isdir(root) and os.listdir(root):
        raise ScaffoldError(f"{root} exists and is not empty; choose another --path (nothing was written)")


def create_project(
    name: str,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    description: str | None = None,
    author: str | None = None,
) -> Scaffold:
    """Write a new plugin project for domain ``name`` into ``path`` (default ``./name``).

    The folder must not exist or be empty; every file is created exclusively, so an
    existing file is never overwritten. Raises :class:`ScaffoldError` for a name that
    is not a valid domain name or a folder in the way.
    """
    context = template_context(name, title=title, description=description, author=author)
    root = os.fspath(path) if path is not None else name
    _refuse_target(root)
    rendered = template_files(context)
    made = Scaffold(root=root, name=name, package=context["package"], distribution=context["distribution"])
    try:
        os.makedirs(root, exist_ok=True)
        for relative, text in rendered:
            target = os.path.join(root, *relative.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            made.files.append(relative)
    except FileExistsError as error:
        raise ScaffoldError(
            f"{error.filename} appeared while the project was being written; it was left as it was"
        ) from error
    except OSError as error:
        raise ScaffoldError(f"cannot write the project into {root}: {error.strerror or error}") from error
    return made
