"""One module per ``skillwiki`` sub-command: ``add_parser(subparsers)`` and ``run(args, out)``."""
