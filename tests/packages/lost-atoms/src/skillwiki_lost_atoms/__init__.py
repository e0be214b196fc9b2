"""A fixture plugin for the packaging tests."""

from importlib.resources import files

from skillwiki_sdk import hookimpl


@hookimpl
def skillwiki_domains():
    return [files(__name__) / "bundle"]
