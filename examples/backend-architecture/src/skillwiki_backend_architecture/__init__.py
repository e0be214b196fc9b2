"""Skill Wiki domain plugin: backend-architecture.

The bundle (``domain.yaml`` and ``atoms/``) ships inside this package; the hook
below tells skillwiki-sdk where it is.
"""

from importlib.resources import files

from skillwiki_sdk import hookimpl


@hookimpl
def skillwiki_domains():
    """The bundle of this package, found wherever the package is installed."""
    return [files(__name__) / "bundle"]
