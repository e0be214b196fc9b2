"""``python -m skillwiki_sdk``: the same as the ``skillwiki`` command."""

from .cli import console

raise SystemExit(console())
