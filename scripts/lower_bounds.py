"""Pins at the lower bounds that pyproject.toml declares, for pip's --constraint.

    python scripts/lower_bounds.py [--extra test ...] [--build-system] [PYPROJECT]

prints one ``name==version`` line (with its environment marker, if any) for each
dependency of ``[project]``, of each named extra and, with ``--build-system``, of
``[build-system].requires``. The lowest version a requirement admits is its ``>=``,
``~=`` or ``==`` bound. A requirement without one is an error (exit 1): a dependency
whose oldest working release nobody wrote down is a bound nobody tested. The nox
session ``lowest`` installs the SDK with these pins and runs the fast tests.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # the oldest supported Python
    import tomli as tomllib

__all__ = ["lower_bound", "pins"]


class NoLowerBound(ValueError):
    """A requirement admits every version from the first one ever released."""


def lower_bound(requirement: Requirement) -> Version:
    """The lowest version ``requirement`` admits, from its ``>=``, ``~=`` or ``==``."""
    bounds = [
        Version(spec.version)
        for spec in requirement.specifier
        if spec.operator in (">=", "~=", "==") and "*" not in spec.version
    ]
    if not bounds:
        raise NoLowerBound(f"{requirement}: no lower bound (>=, ~= or ==) to pin")
    lowest = max(bounds)  # with two (>=1.0 and ~=1.2), the tighter one is the lowest admitted
    if lowest not in requirement.specifier:  # such as >=2.0,!=2.0
        raise NoLowerBound(f"{requirement}: its lower bound {lowest} is excluded by the requirement itself")
    return lowest


def pins(pyproject: dict[str, Any], extras: Iterable[str] = (), build_system: bool = False) -> list[str]:
    """``name==version[; marker]`` for each requirement, sorted by name, one per name
    and marker (an extra that repeats a dependency with a higher bound wins)."""
    texts = list(pyproject.get("project", {}).get("dependencies", []))
    optional = pyproject.get("project", {}).get("optional-dependencies", {})
    for extra in extras:
        if extra not in optional:
            raise KeyError(f"no extra {extra!r} in [project.optional-dependencies] (it has: {', '.join(optional)})")
        texts.extend(optional[extra])
    if build_system:
        texts.extend(pyproject.get("build-system", {}).get("requires", []))
    chosen: dict[tuple[str, str], tuple[Version, Requirement]] = {}
    for text in texts:
        requirement = Requirement(text)
        key = (canonicalize_name(requirement.name), str(requirement.marker or ""))
        version = lower_bound(requirement)
        if key not in chosen or version > chosen[key][0]:
            chosen[key] = (version, requirement)
    lines = []
    for (name, marker), (version, _requirement) in sorted(chosen.items()):
        lines.append(f"{name}=={version}" + (f"; {marker}" if marker else ""))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pyproject", nargs="?", default=str(Path(__file__).resolve().parent.parent / "pyproject.toml"))
    parser.add_argument("--extra", action="append", default=[], help="also pin this extra's requirements")
    parser.add_argument("--build-system", action="store_true", help="also pin [build-system].requires")
    args = parser.parse_args(argv)
    with open(args.pyproject, "rb") as handle:
        data = tomllib.load(handle)
    try:
        lines = pins(data, args.extra, args.build_system)
    except (NoLowerBound, KeyError) as error:
        print(f"lower_bounds: {error}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
