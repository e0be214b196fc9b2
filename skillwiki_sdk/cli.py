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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, TextIO

from . import __version__
from .errors import SkillwikiError, UsageError

if TYPE_CHECKING:
    from .cache import Cache
    from .registry import Registry

__all__ = ["main", "console", "COMMANDS", "Output"]

COMMANDS = (
    "new",
    "validate",
    "show",
    "atoms",
    "match",
    "list",
    "build",
    "compat",
    "catalog",
    "schema",
    "rules",
    "cache",
)


class Output:
    """Where a command writes: the chosen format to stdout, diagnostics to stderr."""

    def __init__(
        self, stdout: TextIO | None = None, stderr: TextIO | None = None, color: str = "auto", guard: Any = None
    ) -> None:
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self._color = color
        # what plugin code runs in (the console script's time budget); none in-process
        self.guard = guard if guard is not None else _no_guard
        self._plugins: Any = None
        self._registry: Registry | None = None
        self._cache: Cache | None | Literal[False] = False  # False: not asked yet

    def cache(self) -> Cache | None:
        """The cache of checked bundles for this command (``None`` when it is off)."""
        if self._cache is False:
            from .cache import Cache

            self._cache = Cache.default()
        return self._cache

    def plugins(self) -> Any:
        """The installed plugins, loaded once for this command (inside the guard)."""
        if self._plugins is None:
            # bound before any plugin is imported: a plugin that replaces PyYAML's
            # loaders at import does not change how bundles are read
            from . import loading  # noqa: F401
            from .plugins import installed_plugins

            self._plugins = installed_plugins(guard=self.guard)
        return self._plugins

    def check_manager(self) -> Any:
        """A plugin manager with the checks a validation runs: the built-in ones and
        those of the installed plugins. While the cache tells that no plugin of this
        environment adds any (:func:`skillwiki_sdk.snapshot.adds_no_checks`), none is
        imported: the same checks run. Else the plugins are loaded, and whether they
        add checks is kept for the next command."""
        from .plugins import make_plugin_manager

        cache = self.cache()
        key = None
        if cache is not None:
            from .snapshot import adds_no_checks, environment_key

            try:
                key = cache.memo.get("environment") or environment_key()
            except OSError:  # (the SDK's own schemas unreadable: then no cache for this command)
                cache = None
            else:
                cache.memo["environment"] = key  # once for this command: a discovery uses it too
                if self._plugins is None and adds_no_checks(cache, key):
                    return make_plugin_manager(installed=False)
        installed = self.plugins()
        manager = make_plugin_manager(installed=installed)
        if cache is not None and not installed.problems:  # (a failed import may not last)
            from .snapshot import keep_checks, plugin_files

            adding = {impl.plugin for impl in manager.hook.skillwiki_checks.get_hookimpls()}
            keep_checks(
                cache,
                plugin_files((plugin.value for plugin in installed.plugins), installed.imported),
                sorted({plugin.distribution for plugin in installed.plugins if plugin.plugin in adding}),
                key,
            )
        return manager

    def nothing_loaded(self) -> bool:
        """Whether no plugin was loaded for this command yet (a registry may then be
        answered from the snapshot of the last discovery)."""
        return self._plugins is None and self._registry is None

    def registry(self) -> Registry:
        """The registry of the installed domains, discovered once for this command."""
        if self._registry is None:
            from .registry import Registry

            # with no plugin loaded yet, discovery may use its snapshot and load none
            self._registry = Registry.discover(plugins=self._plugins, guard=self.guard, cache=self.cache() or False)
        return self._registry

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
        try:
            self.stdout.write(text)
        except UnicodeEncodeError:  # a terminal that cannot show "·" or "…" gets "?" instead
            encoding = getattr(self.stdout, "encoding", None) or "ascii"
            self.stdout.write(text.encode(encoding, "replace").decode(encoding, "replace"))
        self.stdout.flush()

    def note(self, text: str) -> None:
        self.stderr.write(text.rstrip("\n") + "\n")
        self.stderr.flush()


class _Parser(argparse.ArgumentParser):
    # where --help and --version write: the command's stdout, which is not always
    # sys.stdout (the console script keeps fd 1 for its report)
    out: TextIO | None = None

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}\nrun '{self.prog} --help' for usage")

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            (self.out or file or sys.stdout).write(message)


def _direct(parser: argparse.ArgumentParser, out: TextIO) -> None:
    """Send --help and --version of ``parser`` and its sub-commands to ``out``."""
    parser.out = out  # type: ignore[attr-defined]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.out = out  # a _Parser (the parser_class of build_parser)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of the command line. Given ``argv`` that names a command, only that
    command's options are built; the others are there by name and summary (building
    every command's options costs more than some commands take to run)."""
    parser = _Parser(prog="skillwiki", description="Scaffold, validate, build and discover Skill Wiki domain plugins.")
    parser.add_argument("--version", action="version", version=f"skillwiki-sdk {__version__}")
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the output (default: on a terminal, unless NO_COLOR is set)",
    )
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


class OutputError(SkillwikiError):
    """The report could not be written to standard output (closed, full, not open
    for writing): the command failed, exit 1."""


class _Stream:
    """A command's stream, whose failures to write are the command's to tell. For
    the report (``report=True``) a failure is :class:`OutputError`, said on stderr,
    exit 1; a closed pipe (``| head``) stays :class:`BrokenPipeError`, which ends the
    command quietly. For diagnostics (stderr) a failure is nothing: they are told
    when they can be. Everything else is the stream's own."""

    def __init__(self, stream: Any, report: bool) -> None:
        self._stream = stream
        self._report = report

    def _failed(self, error: BaseException) -> None:
        if not self._report:
            return
        if self._stream is None or isinstance(error, AttributeError):
            reason = "it is closed"
        elif isinstance(error, OSError):
            reason = error.strerror or type(error).__name__
        else:
            reason = str(error) or type(error).__name__
        raise OutputError(f"cannot write the output to standard output: {reason}") from None

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text) or 0)
        except (BrokenPipeError, UnicodeEncodeError):
            raise  # (the one ends the command quietly; Output.write handles the other)
        except (OSError, ValueError, AttributeError) as error:
            self._failed(error)
            return 0

    def flush(self) -> None:
        if self._stream is None:
            return  # (nothing was written: a write says it is closed)
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError, AttributeError) as error:
            self._failed(error)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _said(error: BaseException) -> str:
    """An error's words for stderr, with what a terminal would take as a command (an
    argument's escape sequence, say) written as ``\\xNN``."""
    from .escapes import printable, shown_text

    try:
        return printable(shown_text(str(error)))
    except Exception:  # noqa: BLE001 - an exception whose str() raises
        return type(error).__name__


def _no_guard(what: str) -> Any:
    import contextlib

    return contextlib.nullcontext()


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None, guard: Any = None
) -> int:
    """Run the command line; returns the exit code (0 good, 1 findings, 2 usage).

    ``guard`` runs plugin code (see :data:`skillwiki_sdk.plugins.Guard`); the console
    script passes its time budget. Called in-process, nothing of the process changes.
    """
    report: Any = _Stream(stdout or sys.stdout, report=True)
    err: Any = _Stream(stderr or sys.stderr, report=False)
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        parser = build_parser(argv)
        _direct(parser, report)
        try:
            args = parser.parse_args(argv)
        finally:
            report.flush()  # (what --help and --version wrote: a failure to is told)
        if not args.command:
            parser.print_help(report)
            report.flush()
            return 2
        out = Output(report, err, args.color, guard)
        module = importlib.import_module(f".commands.{args.command}", __package__)
        code = int(module.run(args, out) or 0)
        report.flush()
        return code
    except UsageError as error:
        err.write(f"skillwiki: error: {_said(error)}\n")
        return 2
    except SkillwikiError as error:
        err.write(f"skillwiki: {_said(error)}\n")
        return 1
    except KeyboardInterrupt:
        err.write("skillwiki: interrupted\n")
        return 1  # (exit codes are 0, 1 and 2 only)
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
        err.write(
            f"skillwiki: internal error: {type(error).__name__}: {_said(error)}\n"
            "run again with SKILLWIKI_DEBUG=1 for the traceback, and please report it\n"
        )
        return 1  # (exit codes are 0, 1 and 2 only: a bug of ours is a failure, told as one)


# Objects a command may allocate between two collections of the young generation
# (Python's default is 700), and how rarely the older ones are collected. A command
# imports a few hundred modules and builds a model of what it reads, which survives
# to the end: with the defaults, collecting found next to no garbage and took 5-10 %
# of a short command, and over 100,000 atoms the full collections walked every atom
# again and again. The young garbage this lets pile up is a few megabytes at most.
YOUNG_OBJECTS = 20_000
OLDER_COLLECTIONS = (50, 1000)


def _printable_streams() -> None:
    """stdout and stderr write what their encoding cannot carry as backslash escapes
    (``↗`` as ``\\u2197`` on cp1252 or ascii, a file name's undecodable byte as
    ``\\udce9``) instead of failing, or of passing bytes that are not of the encoding
    (``surrogateescape``, Python's choice under ``LANG=C``)."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) in ("strict", "surrogateescape"):
            try:
                stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
            except (AttributeError, ValueError, OSError):  # not a text file of io's
                pass


def console() -> int:
    """The ``skillwiki`` console script (also ``python -m skillwiki_sdk``): :func:`main`
    in a process of its own, which it may change as no library call does. The report
    goes to a copy of stdout while fd 1 points at stderr (what plugins print never
    mixes into it), plugin code has a time budget, the collector of reference cycles
    runs less often (:data:`YOUNG_OBJECTS`) and does not walk, at exit, every object
    left; the process ends even if a plugin left a thread running."""
    import gc

    from .commands._process import TimeBudget, owned_stdout, threads_left

    gc.set_threshold(YOUNG_OBJECTS, *OLDER_COLLECTIONS)
    _printable_streams()  # before the report's own copy of stdout takes its errors
    budget = TimeBudget()
    with owned_stdout() as report, budget.installed():
        code = main(stdout=report, guard=budget)
    gc.freeze()  # the collections of interpreter shutdown skip what exists now
    if threads_left():
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass
        os._exit(code)
    return code
