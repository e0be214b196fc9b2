"""Build a plugin's sdist and wheel as ``python -m build`` does, then validate both.

The sdist is built from the project, and the wheel from the unpacked sdist, in an
isolated environment (:class:`build.env.DefaultIsolatedEnv`) that holds only the
project's build requirements; so a file missing from the sdist is missing from the
wheel too, as it would be on PyPI. Both artifacts are then validated like any
archive, with the project's ``[tool.skillwiki]`` settings (the verdict of
:func:`skillwiki_sdk.validation.judge`): a wheel that lost its bundle fails with
SW404. Both are built in a temporary folder and moved to the output folder only
when neither fails, so a failed build leaves nothing that an upload of ``dist/*``
would pick up. Nothing here prints.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import SkillwikiError, UsageError
from ..model import Report

__all__ = ["BuildError", "BuildResult", "build_project", "check_paths"]

Progress = Callable[[str], None]


class BuildError(SkillwikiError):
    """The build backend failed (or the project is not buildable); the message says why."""


@dataclass
class BuildResult:
    """The artifacts built and the report of validating each.

    ``sdist`` and ``wheel`` are their paths in the output folder; they are there
    only when ``written`` (nothing failed), else they were removed.
    """

    project: str
    outdir: str
    sdist: str
    wheel: str
    reports: list[Report] = field(default_factory=list)
    written: bool = False
    # archives of the same names left in the output folder by an earlier build, removed
    # because they are no longer what the sources build
    removed: list[str] = field(default_factory=list)

    def failed(self, strict: bool = False) -> bool:
        """Whether an artifact's findings fail (warnings too when ``strict`` or the
        project's settings say so)."""
        return any(report.failed(strict) for report in self.reports)


def _runner(progress: Progress | None, log: list[str]) -> Callable[..., None]:
    """A pyproject-hooks subprocess runner that keeps the backend's output off stdout."""

    def run(cmd: Sequence[str], cwd: str | None = None, extra_environ: Mapping[str, str] | None = None) -> None:
        env = dict(os.environ)
        env.update(extra_environ or {})
        completed = subprocess.run(
            list(cmd), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )
        output = completed.stdout or ""
        log.append(output)
        if progress:
            for line in output.splitlines():
                progress(f"  {line}")
        if completed.returncode:
            raise subprocess.CalledProcessError(completed.returncode, list(cmd), output)

    return run


def _tail(text: str, lines: int = 15) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return "\n".join(f"    {line}" for line in kept)


def _build_one(
    env: Any, srcdir: str, distribution: Literal["sdist", "wheel"], outdir: str, progress: Progress | None
) -> str:
    from build import BuildBackendException, BuildException, ProjectBuilder

    log: list[str] = []
    try:
        builder = ProjectBuilder.from_isolated_env(env, srcdir, runner=_runner(progress, log))
        if progress:
            progress(f"installing build requirements: {', '.join(sorted(builder.build_system_requires)) or 'none'}")
        env.install(builder.build_system_requires)
        env.install(builder.get_requires_for_build(distribution))
        if progress:
            progress(f"building {distribution}")
        return builder.build(distribution, outdir)
    except BuildBackendException as error:
        cause = error.exception
        output = getattr(cause, "output", None) or "".join(log)
        raise BuildError(f"building the {distribution} of {srcdir} failed: {error}\n{_tail(str(output))}") from error
    except (BuildException, subprocess.CalledProcessError) as error:
        output = getattr(error, "output", None) or getattr(error, "stderr", None) or ""
        raise BuildError(
            f"building the {distribution} of {srcdir} failed: {error}\n{_tail(str(output))}".rstrip()
        ) from error


def _unpack_sdist(sdist: str, dest: str) -> str:
    """Unpack our own freshly built sdist; returns its top folder."""
    import tarfile

    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(dest, filter="data")
        else:  # pragma: no cover - Python without extraction filters
            archive.extractall(dest)  # noqa: S202 - an sdist we just built
    tops = [name for name in os.listdir(dest) if os.path.isdir(os.path.join(dest, name))]
    return os.path.join(dest, tops[0]) if len(tops) == 1 else dest


def check_paths(project: str, outdir: str | None, *, outdir_name: str = "the output folder") -> None:
    """:class:`~skillwiki_sdk.errors.UsageError` when ``project`` or ``outdir`` cannot
    be the folders they name: an empty path (``''`` would mean the working folder, or
    nothing), or an output folder that is a file or a device, or lies under one, so
    that the archives could never be moved there. Checked before anything is built."""
    if project == "":
        raise UsageError("the project is an empty path: name the plugin project's folder (default: .)")
    if outdir == "":
        raise UsageError(f"{outdir_name} is an empty path: name a folder (default: PROJECT/dist)")
    target = os.path.abspath(outdir if outdir is not None else os.path.join(project, "dist"))
    existing = target
    while not os.path.exists(existing) and os.path.dirname(existing) != existing:
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        shown = outdir if outdir is not None else os.path.join(project, "dist")
        where = "it" if existing == target else existing
        raise UsageError(f"{outdir_name} {shown}: {where} is not a folder (a file or a device is there)")


def build_project(
    project: str | os.PathLike[str] = ".",
    outdir: str | os.PathLike[str] | None = None,
    *,
    progress: Progress | None = None,
    validate_artifacts: bool = True,
    env: Any = None,
    registry: Any = None,
    settings: Any = None,
    strict: bool | None = None,
    keep_failed: bool = False,
) -> BuildResult:
    """Build the sdist, then the wheel from it, and validate both; move them into
    ``outdir`` (default ``PROJECT/dist``) only when neither fails.

    ``settings`` are the rule settings to judge them by (default: the project's
    ``[tool.skillwiki]``, see :func:`skillwiki_sdk.validation.project_settings`),
    ``strict`` overrides their ``strict``. ``progress`` receives one line at a time
    (the CLI passes it only on a terminal). ``env`` is an entered
    :class:`build.env.DefaultIsolatedEnv` to build in (by default a new one, removed
    afterwards). :class:`BuildError` when the backend fails (nothing is written then
    either); :class:`~skillwiki_sdk.config.ConfigError` for refused settings, and
    :class:`~skillwiki_sdk.errors.UsageError` for a ``project`` or ``outdir`` that
    :func:`check_paths` refuses, both before anything is built. ``keep_failed``
    moves the archives into ``outdir`` even when they fail (to look into them).
    ``registry``: the installed domains that links to other domains are checked
    against (see :func:`~skillwiki_sdk.validate`).
    """
    project = os.fspath(project)
    check_paths(project, os.fspath(outdir) if outdir is not None else None)
    if not os.path.isfile(os.path.join(project, "pyproject.toml")) and not os.path.isfile(
        os.path.join(project, "setup.py")
    ):
        raise BuildError(f"{project}: not a Python project (no pyproject.toml)")
    outdir = os.fspath(outdir) if outdir is not None else os.path.join(project, "dist")
    if validate_artifacts and settings is None:
        from ..validation import project_settings

        settings = project_settings(project, strict=strict)  # refused settings stop the build before it starts
    elif settings is not None and strict is not None:
        from ..config import merge_settings

        settings = merge_settings(settings, strict=strict)
    if env is None:
        from build.env import DefaultIsolatedEnv

        if progress:
            progress("creating an isolated build environment")
        try:
            with DefaultIsolatedEnv() as fresh:
                return build_project(
                    project,
                    outdir,
                    progress=progress,
                    validate_artifacts=validate_artifacts,
                    env=fresh,
                    registry=registry,
                    settings=settings,
                    keep_failed=keep_failed,
                )
        except (OSError, subprocess.CalledProcessError) as error:
            raise BuildError(f"cannot create an isolated build environment: {error}") from error
    with tempfile.TemporaryDirectory(prefix="skillwiki-build-") as tmp:
        staged = os.path.join(tmp, "dist")
        sdist = _build_one(env, project, "sdist", staged, progress)
        unpacked = os.path.join(tmp, "sdist")
        os.mkdir(unpacked)
        wheel = _build_one(env, _unpack_sdist(sdist, unpacked), "wheel", staged, progress)
        final = {artifact: os.path.join(outdir, os.path.basename(artifact)) for artifact in (sdist, wheel)}
        result = BuildResult(project=project, outdir=outdir, sdist=final[sdist], wheel=final[wheel])
        if validate_artifacts:
            from ..config import apply_settings
            from ..validation import validate

            for artifact in (sdist, wheel):
                if progress:
                    progress(f"validating {os.path.basename(artifact)}")
                report = validate(artifact, registry=registry, display=_relative(final[artifact]))
                result.reports.append(apply_settings(report, settings))
            _compare(*result.reports)
        if keep_failed or not result.failed():
            os.makedirs(outdir, exist_ok=True)
            for artifact, target in final.items():
                shutil.move(artifact, target)
            result.written = not result.failed()
        else:
            for target in final.values():
                if os.path.isfile(target):
                    os.remove(target)
                    result.removed.append(target)
    return result


def _compare(sdist: Any, wheel: Any) -> None:
    """The wheel must carry every atom the sdist does: the classic packaging mistake
    is data files left out of the wheel only (an exclude, a missing package-data)."""
    from .. import rules

    if wheel.atoms < sdist.atoms and not any(f.code == rules.BUNDLE_NOT_PACKAGED.code for f in wheel.findings):
        wheel.findings.append(
            rules.BUNDLE_NOT_PACKAGED.finding(
                f"the wheel holds {wheel.atoms} atom{'s' if wheel.atoms != 1 else ''}, the sdist {sdist.atoms}: "
                "atom files were left out of the wheel",
                file=wheel.target,
                hint="include every file of the bundle as package data (check excludes in pyproject.toml), "
                "then rebuild",
            )
        )


def _relative(path: str) -> str:
    """``path`` relative to the working folder when inside it, for shorter findings."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
