"""``python -m skillwiki_sdk``: the same as the ``skillwiki`` command."""

from .cli import main

raise SystemExit(main())
