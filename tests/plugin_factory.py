"""Real distributions for the registry tests: a package and its ``*.dist-info`` with
``entry_points.txt``, written into a site folder that :mod:`importlib.metadata` reads
like any other (no mocks of entry points)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

DOMAIN = """\
schema: 1
name: {name}
version: "{version}"
description: A tiny domain for tests.
requires-sdk: "{requires}"
tags: [alpha, beta]
axes:
  layer:
    description: Where it applies.
    values: [data]
"""

ATOM = """\
---
id: {id}
kind: principle
summary: A short summary of {id}.
tags: [{tags}]
axes:
  layer: [data]
related: {related}
---

The body of {id}.
"""

HOOK = """\
from importlib.resources import files

from skillwiki_sdk import hookimpl


@hookimpl
def skillwiki_domains():
    return [files(__name__) / "bundle"]
"""


def write_bundle(
    root: Path, name: str, version: str = "1.0.0", *, requires: str = ">=0.1", atoms: dict[str, dict] | None = None
) -> Path:
    """A valid bundle at ``root`` (atoms: id → {"tags": "alpha, beta", "related": [...]})."""
    (root / "atoms").mkdir(parents=True, exist_ok=True)
    (root / "domain.yaml").write_text(DOMAIN.format(name=name, version=version, requires=requires), encoding="utf-8")
    for atom_id, spec in (atoms or {"hello": {}, "world": {}}).items():
        related = "[" + ", ".join(spec.get("related", [])) + "]"
        (root / "atoms" / f"{atom_id}.md").write_text(
            ATOM.format(id=atom_id, tags=spec.get("tags", "alpha, beta"), related=related), encoding="utf-8"
        )
    return root


def write_distribution(
    site: Path,
    distribution: str,
    version: str,
    module: str,
    *,
    code: str = HOOK,
    entry_points: dict[str, str] | None = None,
    requires: tuple[str, ...] = ("skillwiki-sdk>=0.1",),
) -> Path:
    """Package ``module`` (with ``code`` as its __init__) and its dist-info in ``site``.

    Returns the package folder, where a test may write ``bundle/``.
    """
    package = site / module
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(textwrap.dedent(code), encoding="utf-8")
    info = site / f"{re.sub(r'[-.]+', '_', distribution)}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    lines = ["Metadata-Version: 2.1", f"Name: {distribution}", f"Version: {version}"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    (info / "METADATA").write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    points = entry_points if entry_points is not None else {distribution.removeprefix("skillwiki-"): module}
    (info / "entry_points.txt").write_text(
        "[skillwiki]\n" + "".join(f"{k} = {v}\n" for k, v in points.items()), encoding="utf-8"
    )
    (info / "RECORD").write_text("", encoding="utf-8")
    return package
