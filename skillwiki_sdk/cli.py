"""The ``skillwiki`` command: a thin shell over the library.

This is the one place that prints and exits. Each sub-command lives in
``skillwiki_sdk.commands.<name>`` with ``add_parser(subparsers)`` and ``run(args,
out)``; heavy modules are imported inside ``run``, so that ``skillwiki --version``
stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence, TextIO

from . import __version__
from .errors import SkillwikiError, UsageError

__all__ = ["main", "console", "COMMANDS", "Output"]

COMMANDS = ("new", "validate", "show", "list", "build", "schema", "rules", "catalog")


class Output:
    """Where a command writes: the chosen format to stdout, diagnostics to stderr."""

    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None, color: str = "auto") -> None:
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self._color = color

    def color(self, stream: TextIO | None = None) -> bool:
        """Colour only on a terminal, never with NO_COLOR set, always with --color=always."""
        if self._color == "always":
            return True
        if self._color == "never" or os.environ.get("NO_COLOR"):
            return False
        stream = stream or self.stdout
        return bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"

    def interactive(self) -> bool:
        """Whether progress may be shown: stderr is a terminal."""
        return bool(getattr(self.stderr, "isatty", lambda: False)())

    def write(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def note(self, text: str) -> None:
        self.stderr.write(text.rstrip("\n") + "\n")
        self.stderr.flush()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}\nrun '{self.prog} --help' for usage")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of the command line. Given ``argv`` that names a command, only that
    command's options are built; the others are there by name and summary (building
    every command's options costs more than some commands take to run)."""
    parser = _Parser(prog="skillwiki", description="Scaffold, validate, build and discover Skill Wiki domain plugins.")
    parser.add_argument("--version", action="version", version=f"skillwiki-sdk {__version__}")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour the output (default: on a terminal, unless NO_COLOR is set)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = _command_of(argv)
    for name in COMMANDS:
        module = importlib.import_module(f".commands.{name}", __package__)
        if chosen is None or name == chosen:
            module.add_parser(sub)
        else:
            sub.add_parser(name, help=module.SUMMARY, add_help=False)
    return parser


def _command_of(argv: Sequence[str] | None) -> str | None:
    """The command that ``argv`` names, or None (none, or not one of ours: the full
    parser then explains)."""
    if argv is None:
        return None
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token == "--color":
            skip = True
        elif token == "--" or not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line; returns the exit code (0 good, 1 findings, 2 usage)."""
    err = stderr or sys.stderr
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        parser = build_parser(argv)
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help(stdout or sys.stdout)
            return 2
        out = Output(stdout, stderr, args.color)
        module = importlib.import_module(f".commands.{args.command}", __package__)
        return int(module.run(args, out) or 0)
    except UsageError as error:
        err.write(f"skillwiki: error: {error}\n")
        return 2
    except SkillwikiError as error:
        err.write(f"skillwiki: {error}\n")
        return 1
    except KeyboardInterrupt:
        err.write("skillwiki: interrupted\n")
        return 130
    except BrokenPipeError:
        # the reader went away (| head): nothing more to say, and say nothing
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 1
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 2
    except Exception as error:  # a bug of ours: one line, not a traceback, unless asked
        if os.environ.get("SKILLWIKI_DEBUG"):
            raise
        err.write(f"skillwiki: internal error: {type(error).__name__}: {error}\n" "run again with SKILLWIKI_DEBUG=1 for the traceback, and please report it\n")
        return 3


# Objects a command may allocate between two collections of the young generation
# (Python's default is 700). A command imports a few hundred modules and builds a
# model of what it reads, which survives to the end; with the default, collecting
# every 700 new objects found next to no garbage and took 5-10 % of a short
# command. The young garbage this lets pile up is a few megabytes at most.
YOUNG_OBJECTS = 20_000


def console() -> int:
    """The ``skillwiki`` console script: :func:`main` in a process of its own, so the
    collector of reference cycles runs less often (:data:`YOUNG_OBJECTS`), and at the
    end does not walk every object left (plugins, bundles): the process ends and the
    system takes the memory back at once. Only for a process about to end:
    in-process callers use :func:`main`."""
    import gc

    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
    code = main()
    gc.freeze()  # the collections of interpreter shutdown skip what exists now
    return code
