"""Real distributions for the catalog's tests, built once per test session with the
``build`` library: the example plugin (wheel and sdist) and a wheel that is not a
plugin at all."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLE

NOT_A_PLUGIN = """\
[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "1.0.0"
"""

_BUILT: dict[str, Path] = {}


def example_dists(outdir: Path) -> Path:
    """A folder holding the example plugin's wheel and sdist."""
    if "example" not in _BUILT:
        from build.env import DefaultIsolatedEnv

        from skillwiki_sdk.commands._build import build_project

        with DefaultIsolatedEnv() as env:
            build_project(EXAMPLE, outdir / "example", env=env)
        _BUILT["example"] = outdir / "example"
    return _BUILT["example"]


def plain_wheel(outdir: Path, name: str = "skillwiki-plain") -> Path:
    """The wheel of a package with no ``skillwiki`` entry point and no bundle."""
    if name not in _BUILT:
        from build import ProjectBuilder
        from build.env import DefaultIsolatedEnv

        project = outdir / name
        package = project / name.replace("-", "_")
        package.mkdir(parents=True)
        (project / "pyproject.toml").write_text(NOT_A_PLUGIN.format(name=name), encoding="utf-8")
        (package / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
        with DefaultIsolatedEnv() as env:
            builder = ProjectBuilder.from_isolated_env(env, project)
            env.install(builder.build_system_requires)
            env.install(builder.get_requires_for_build("wheel"))
            _BUILT[name] = Path(builder.build("wheel", outdir / f"{name}-dist"))
    return _BUILT[name]
