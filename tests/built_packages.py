"""The fixture plugins of tests/packages/, built once per test session with the
``build`` library in one isolated environment, shared by the tests that need them."""

from __future__ import annotations

from pathlib import Path

PACKAGES = Path(__file__).resolve().parent / "packages"
_BUILT: dict[str, object] = {}


def build_all(outdir: Path) -> dict[str, object]:
    """name → :class:`skillwiki_sdk.commands._build.BuildResult` for every project in tests/packages."""
    if not _BUILT:
        from build.env import DefaultIsolatedEnv

        from skillwiki_sdk.commands._build import build_project

        with DefaultIsolatedEnv() as env:
            for project in sorted(p for p in PACKAGES.iterdir() if (p / "pyproject.toml").is_file()):
                _BUILT[project.name] = build_project(
                    project, outdir / project.name, env=env, keep_failed=True
                )  # kept to look into
    return _BUILT
