"""``skillwiki compat [NEW] --against OLD``: what changed between two releases of a
domain, and whether the version bump covers it.

The ``git:REF`` baseline is read here, in the command: :func:`_git` is the one
place of the SDK (besides ``skillwiki build``) that starts a process, and only
``git``, only for a ``git:`` baseline. The revision's files are read with plumbing
(``rev-parse``, ``ls-tree``, ``cat-file --batch``) into a temporary folder: the
work tree, the index and the refs are never touched.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..cli import Output

SUMMARY = "what changed between two releases, and whether the version bump covers it"
FORMATS = ("text", "json", "github", "sarif")

# what a git revision may hold before it is refused: as for an archive
_GIT_TIMEOUT = 120


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "compat",
        help=SUMMARY,
        description="Compare release NEW (a bundle, a plugin project, a wheel or an sdist; default '.') with OLD: "
        "the same kinds, git:REF (this project at a git revision) or index:SPEC (the newest release on the package "
        "index pip is configured with that matches SPEC, e.g. index:skillwiki-foo<2; 'index:' alone: NEW's "
        "distribution). Exit 0 when NEW's version bump covers every change, 1 when it does not (or a release cannot "
        "be read), 2 on a usage error.",
    )
    parser.add_argument("new", nargs="?", default=".", metavar="NEW")
    parser.add_argument(
        "--against", metavar="OLD", default=None, help="the baseline (default: against in [tool.skillwiki.compat])"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: github when GITHUB_ACTIONS=true, else text)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=None,
        metavar="CODE:SUBJECT",
        help="drop one finding, e.g. SW602:old-atom (also ignore in [tool.skillwiki.compat])",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help="processes to read atoms with (default: by the size of the work)",
    )


class _GitError(Exception):
    pass


def _git(cwd: str, *args: str, input: bytes | None = None) -> bytes:
    """Run ``git`` (the only process compat starts) and return its output."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_TERMINAL_PROMPT="0", LC_ALL="C", GIT_OPTIONAL_LOCKS="0")
    try:
        done = subprocess.run(
            ["git", "-C", cwd, *args],  # noqa: S607 - the user's git, found on PATH as they would run it
            input=input,
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            env=env,
            check=False,
        )
    except FileNotFoundError as error:
        raise _GitError("git is not installed (git:REF needs it)") from error
    except subprocess.TimeoutExpired as error:
        raise _GitError(f"git {args[0]} took longer than {_GIT_TIMEOUT} s") from error
    except OSError as error:
        raise _GitError(f"git cannot be run: {error}") from error
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def _wanted(name: str) -> bool:
    """Whether a file of the revision matters to compat: a manifest, an atom file
    (under an ``atoms`` folder) or the project's ``pyproject.toml``."""
    parts = name.split("/")
    return parts[-1] in ("domain.yaml", "pyproject.toml") or ("atoms" in parts[:-1] and parts[-1].endswith(".md"))


@contextlib.contextmanager
def _git_release(new: str, ref: str) -> Iterator[tuple[str, str]]:
    """The files of ``new``'s folder (a bundle or project; the working folder when
    NEW is an archive) at revision ``ref``, written to a temporary folder: yields the
    path there and how its files are shown (``git:REF:path``)."""
    import shutil
    import tempfile

    from ..errors import UsageError
    from ..loading import LIMITS

    folder = new if os.path.isdir(new) else "."
    if not ref or ref.startswith("-"):
        raise UsageError(f"git:{ref}: name a revision, like git:v1.2.0 or git:HEAD~1")
    try:
        top = _git(folder, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip()
        commit = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").decode().strip()
    except _GitError as error:
        if "rev-parse" in str(error) or not str(error):
            raise UsageError(f"git:{ref}: no such revision in {os.path.abspath(folder)}") from error
        raise UsageError(f"git:{ref}: {error}") from error
    relative = os.path.relpath(os.path.realpath(folder), os.path.realpath(top)).replace(os.sep, "/")
    relative = "" if relative == "." else relative
    try:
        listing = _git(top, "ls-tree", "-r", "-z", "--long", "--full-tree", commit, "--", relative or ".")
    except _GitError as error:
        raise UsageError(f"git:{ref}: {error}") from error
    blobs: list[tuple[str, str, int]] = []
    total = 0
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, kind, object_id, length = meta.split()
        if kind != b"blob" or mode not in (b"100644", b"100755"):
            continue  # links and submodules are not followed
        name = path.decode("utf-8", "surrogateescape")
        if not _wanted(name):
            continue  # only what finding and reading a bundle looks at
        total += int(length)
        blobs.append((object_id.decode(), name, int(length)))
        if len(blobs) > LIMITS.archive_members or total > LIMITS.archive_bytes:
            raise UsageError(
                f"git:{ref}: {relative or '.'} holds more than {LIMITS.archive_members:,} files or "
                f"{LIMITS.archive_bytes >> 20} MiB at that revision"
            )
    try:
        # (no bundle at that revision: an empty folder, which compat reports as such)
        out = (
            _git(top, "cat-file", "--batch", input=b"".join(sha.encode() + b"\n" for sha, _, _ in blobs))
            if blobs
            else b""
        )
    except _GitError as error:
        raise UsageError(f"git:{ref}: {error}") from error
    tmp = tempfile.mkdtemp(prefix="skillwiki-git-")
    try:
        root = os.path.realpath(tmp)
        at = 0
        for _sha, name, size in blobs:
            header_end = out.index(b"\n", at)
            header = out[at:header_end].split()
            if len(header) != 3 or header[1] != b"blob" or int(header[2]) != size:
                raise UsageError(f"git:{ref}: git cat-file answered {out[at:header_end][:80]!r} for {name}")
            data = out[header_end + 1 : header_end + 1 + size]
            at = header_end + 1 + size + 1
            parts = [part for part in name.split("/") if part not in ("", ".")]
            target = os.path.join(root, *parts)
            if ".." in parts or os.path.commonpath([root, target]) != root:
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
        inside = os.path.join(root, *relative.split("/")) if relative else root
        shown = f"git:{ref}:{relative}" if relative else f"git:{ref}:"
        os.makedirs(inside, exist_ok=True)
        yield inside, shown
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def open_baseline(spec: str, new: str, default_project: str | None) -> Iterator[Any]:
    """Open OLD: ``git:REF`` here, every other kind through the library."""
    from ..compat import open_release

    if spec.startswith("git:"):
        ref = spec[len("git:") :]
        with _git_release(new, ref) as (path, shown):
            with open_release(path, display=shown, label=spec) as release:
                release.spec = spec
                yield release
        return
    with open_release(spec, default_project=default_project) as release:
        yield release


def check_release(
    new: str, against: str, *, ignore: tuple[tuple[str, str], ...] = (), jobs: int | None = None, guard: Any = None
) -> Any:
    """Compare ``new`` with the baseline ``against``; the :class:`CompatResult`.
    ``guard``: the command's time budget, whose watchdog waits while workers fork."""
    from ..compat import compare, open_release

    with open_release(new) as new_release:
        project = new_release.distribution or (f"skillwiki-{new_release.name}" if new_release.name else None)
        with open_baseline(against, new, project) as old_release:
            from ._process import AtomPool

            with AtomPool(jobs, forking=getattr(guard, "without_watchdog", None)) as pool:
                return compare(old_release, new_release, ignore=ignore, map=pool)


def run(args: argparse.Namespace, out: Output) -> int:
    from ..compat import load_compat_settings, parse_ignores, render_compat, summary_line
    from ..errors import UsageError
    from ..plugins import make_plugin_manager, rules_of

    settings = load_compat_settings(args.new if os.path.exists(args.new) else ".")
    against = args.against or settings.against
    if not against:
        raise UsageError(
            "compat needs a baseline: --against OLD (a path, git:REF or index:SPEC), "
            "or against in [tool.skillwiki.compat]"
        )
    ignore = settings.ignore + (parse_ignores(",".join(args.ignore).split(","), "--ignore") if args.ignore else ())
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    try:
        result = check_release(args.new, against, ignore=ignore, jobs=args.jobs, guard=out.guard)
    except (UsageError, KeyboardInterrupt):
        raise
    except Exception as error:  # a bug of ours: one finding, never a traceback
        if os.environ.get("SKILLWIKI_DEBUG"):
            raise
        result = _internal_error(args.new, against, error)
    catalogue = rules_of(make_plugin_manager()) if fmt == "sarif" else ()
    out.write(render_compat(result, fmt, color=fmt == "text" and out.color(), rules_catalogue=catalogue))
    if fmt == "github":
        out.note(summary_line(result))
    return 0 if result.ok else 1


def _internal_error(new: str, against: str, error: Exception) -> Any:
    from .. import rules
    from ..compat import Change, CompatResult

    finding = rules.INTERNAL_ERROR.finding(
        f"comparing {new} with {against} raised {type(error).__name__}: {error}",
        file=new,
        hint="this is a bug in skillwiki-sdk; please report it with both releases",
    )
    result = CompatResult(
        old={"release": against, "label": against, "domain": None, "version": None},
        new={"release": new, "label": new, "domain": None, "version": None},
    )
    result.changes.append(Change(finding, None, None, ""))
    return result
