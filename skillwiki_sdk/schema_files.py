"""Where the packaged JSON Schemas are, their text, and a digest of them.

Apart from :mod:`skillwiki_sdk.schema` (which compiles and words them) so that a
discovery answered from the cache, which keys on the schemas' digest, reads them
without loading the SDK's model.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.abc import Traversable

__all__ = ["SCHEMA_NAMES", "schema_digest", "schema_file", "schema_text"]

SCHEMA_NAMES = ("domain", "atom")


def schema_file(name: str) -> str | Traversable:
    """The file of schema ``name``: a path on disk, else (the package imported from a
    zip) a traversable of importlib.resources."""
    if name not in SCHEMA_NAMES:
        raise ValueError(f"unknown schema {name!r}; choose one of {', '.join(SCHEMA_NAMES)}")
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, "schemas", f"{name}.schema.json")
    # A source checkout (editable install): the schemas live beside the package.
    checkout = os.path.join(os.path.dirname(os.path.realpath(here)), "schemas", f"{name}.schema.json")
    for path in (packaged, checkout):
        if os.path.isfile(path):
            return path
    from importlib import resources

    return resources.files(__package__) / "schemas" / f"{name}.schema.json"


def schema_text(name: str) -> str:
    """The text of the JSON Schema ``name`` (``domain`` or ``atom``)."""
    file = schema_file(name)
    if isinstance(file, str):
        with open(file, encoding="utf-8") as stream:
            return stream.read()
    return file.read_text(encoding="utf-8")


@functools.cache
def schema_digest() -> str:
    """A digest of the text of every schema: part of what the cache of checked
    bundles is keyed by (read once a process: the schemas of the SDK it runs)."""
    import hashlib

    return hashlib.sha256("\0".join(schema_text(name) for name in SCHEMA_NAMES).encode("utf-8")).hexdigest()
