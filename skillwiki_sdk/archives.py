"""Wheels and sdists, read in place."""

from __future__ import annotations

__all__ = ["is_archive"]

ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".zip", ".tgz")


def is_archive(path: str) -> bool:
    """Whether ``path`` names a wheel or an sdist (by its name)."""
    return path.lower().endswith(ARCHIVE_SUFFIXES)
