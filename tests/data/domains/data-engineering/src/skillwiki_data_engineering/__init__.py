"""The data-engineering domain plugin (test data for skillwiki-sdk's matching)."""

from importlib.resources import files

from skillwiki_sdk import hookimpl


@hookimpl
def skillwiki_domains():
    return [files(__name__) / "bundle"]
