"""``skillwiki validate`` of a plugin project checks from its sources what its wheel
would be refused for: the entry point (SW403), the dependency on skillwiki-sdk
(SW406), the bundle inside the shipped package (SW404), equal versions (SW405)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from skillwiki_sdk.scaffold import create_project

PY = "pyproject.toml"
BUNDLE = "src/skillwiki_tiny_domain/bundle"
DOMAIN = f"{BUNDLE}/domain.yaml"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)
    create_project("tiny-domain", "tiny")
    return tmp_path / "tiny"


def edit(file: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / file
        text = path.read_text()
        assert old in text, (old, file)
        path.write_text(text.replace(old, new, 1))

    return apply


def line_of(root: Path, file: str, text: str) -> int:
    return next(number for number, line in enumerate((root / file).read_text().splitlines(), start=1) if text in line)


def found(cli) -> tuple[int, list[tuple[str, str, int | None]]]:
    result = cli("validate", "--format", "json", "tiny")
    [entry] = json.loads(result.out)["results"]
    return result.code, [(f["code"], f["file"], f["line"]) for f in entry["findings"]]


def test_the_scaffold_passes(project: Path, cli) -> None:
    assert found(cli) == (0, [])


@pytest.mark.parametrize(
    ("damage", "code", "file", "line_text"),
    [
        (
            edit(PY, '[project.entry-points.skillwiki]\ntiny-domain = "skillwiki_tiny_domain"\n', ""),
            "SW403",
            PY,
            "[project]",
        ),
        (
            edit(PY, 'dependencies = ["skillwiki-sdk>=0.1,<0.2"]', 'dependencies = ["pyyaml"]'),
            "SW406",
            PY,
            "dependencies = ",
        ),
        (
            edit(
                PY,
                'dependencies = ["skillwiki-sdk>=0.1,<0.2"]',
                "dependencies = [\"skillwiki-sdk; python_version < '3'\"]",
            ),
            "SW406",
            PY,
            "dependencies = ",
        ),
        (edit(PY, 'version = "0.1.0"', 'version = "0.2.0"'), "SW405", DOMAIN, "version:"),
        (
            edit(PY, 'tiny-domain = "skillwiki_tiny_domain"', 'tiny-domain = "skillwiki_tiny_domian"'),
            "SW404",
            DOMAIN,
            None,
        ),
        (
            edit(
                PY,
                'packages = ["src/skillwiki_tiny_domain"]',
                'packages = ["src/skillwiki_tiny_domain"]\nexclude = ["*.md"]',
            ),
            "SW404",
            DOMAIN,
            None,
        ),
    ],
)
def test_a_packaging_mistake_is_found_in_the_sources(
    project: Path, cli, damage, code: str, file: str, line_text: str | None
) -> None:
    damage(project)
    line = line_of(project, file, line_text) if line_text else 1
    assert found(cli) == (1, [(code, f"tiny/{file}", line)])


def test_the_version_message_names_both_places(project: Path, cli) -> None:
    edit(PY, 'version = "0.1.0"', 'version = "0.2.0"')(project)
    result = cli("validate", "tiny")
    assert (
        "SW405 domain version 0.1.0 differs from the project's version 0.2.0 "
        f"(tiny/pyproject.toml:{line_of(project, PY, 'version = ')})" in result.out
    )


def test_a_bundle_outside_the_package_would_not_ship(project: Path, cli) -> None:
    shutil.move(str(project / BUNDLE), str(project / "bundle"))
    assert found(cli) == (1, [("SW404", "tiny/bundle/domain.yaml", 1)])


def test_what_is_dynamic_is_left_to_the_built_archives(project: Path, cli) -> None:
    edit(PY, 'version = "0.1.0"', 'dynamic = ["version", "dependencies"]')(project)
    edit(PY, 'dependencies = ["skillwiki-sdk>=0.1,<0.2"]', "")(project)
    assert found(cli) == (0, [])


def test_a_bundle_path_inside_the_project_is_not_a_project(project: Path, cli) -> None:
    edit(PY, 'version = "0.1.0"', 'version = "0.2.0"')(project)
    result = cli("validate", f"tiny/{BUNDLE}")
    assert result.code == 0  # the bundle alone knows no distribution version
