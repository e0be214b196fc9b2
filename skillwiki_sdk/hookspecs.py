"""Hook specifications of the ``skillwiki`` pluggy project.

A plugin is a module with functions marked ``@skillwiki_sdk.hookimpl`` and named after
these specifications. Installed plugins name that module in an entry point of the
group ``skillwiki``; the SDK's own checks are registered the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Union

import pluggy

if TYPE_CHECKING:
    import os
    import sys

    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:  # the same protocol, before it moved
        from importlib.abc import Traversable

    from .model import Check

__all__ = ["hookimpl", "hookspec", "skillwiki_checks", "skillwiki_domains"]

PROJECT = "skillwiki"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

BundleRoot = Union["str", "os.PathLike[str]", "Traversable"]


@hookspec
def skillwiki_domains() -> Sequence[BundleRoot]:
    """Return the bundle roots this plugin ships.

    A bundle root is the folder that holds ``domain.yaml`` and ``atoms/``: a path, or
    an :mod:`importlib.resources` traversable, which finds the bundle inside an
    installed package wherever (and however) it is installed::

        from importlib.resources import files
        from skillwiki_sdk import hookimpl

        @hookimpl
        def skillwiki_domains():
            return [files(__name__) / "bundle"]
    """


@hookspec
def skillwiki_checks() -> Sequence[Check]:
    """Return extra checks to run on every bundle that is validated.

    Each check is a :class:`skillwiki_sdk.Check`, most easily made with the
    :func:`skillwiki_sdk.check` decorator from a function that takes a
    :class:`skillwiki_sdk.Bundle` and yields findings of the rules it declares::

        NO_SOURCES = Rule("ACME201", "warning", "no-sources", "An atom cites no sources")

        @check(NO_SOURCES)
        def atoms_cite_sources(bundle):
            for atom in bundle.atoms:
                if not atom.sources:
                    yield NO_SOURCES.finding("cite at least one source", file=atom.source, path=("id",))

        @hookimpl
        def skillwiki_checks():
            return [atoms_cite_sources]

    Codes are 2-8 capital letters and three digits; ``SW`` is the SDK's own prefix.
    """
