"""`skillwiki new`: a project that validates, tests, builds and installs unchanged;
refusals that write nothing; and an author's broken bundle failing its own test."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli

from skillwiki_sdk.scaffold import sdk_range

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the SDK depends on tomli there
    import tomli as tomllib

FILES = [
    ".gitignore",
    "README.md",
    "pyproject.toml",
    "src/skillwiki_demo_domain/__init__.py",
    "src/skillwiki_demo_domain/bundle/atoms/patterns/summary-then-detail.md",
    "src/skillwiki_demo_domain/bundle/atoms/principles/one-idea-per-atom.md",
    "src/skillwiki_demo_domain/bundle/atoms/rules/tags-from-the-vocabulary.md",
    "src/skillwiki_demo_domain/bundle/domain.yaml",
    "tests/test_bundle.py",
]
BUNDLE = "src/skillwiki_demo_domain/bundle"
BIN = "Scripts" if os.name == "nt" else "bin"


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _pytest(project: Path) -> subprocess.CompletedProcess[str]:
    """The generated project's own test suite, run as its author would run it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`skillwiki new demo-domain`, untouched (shared: tests only read it)."""
    root = tmp_path_factory.mktemp("new") / "demo-domain"
    result = run_cli("new", "demo-domain", "--path", str(root))
    assert result.code == 0, result.err
    return root


def test_new_writes_the_project_and_says_what_to_run_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("new", "demo-domain")
    assert result.code == 0, result.err
    assert _files(tmp_path / "demo-domain") == FILES
    lines = result.out.splitlines()
    assert lines[0] == f"created skillwiki-demo-domain (domain demo-domain) in demo-domain{os.sep}"
    assert lines[1 : 1 + len(FILES)] == [f"  {name}" for name in FILES]
    assert lines[-4:] == ["next:", "  cd demo-domain", "  skillwiki validate", "  python -m pytest"]


def test_new_project_validates_with_no_findings(project: Path) -> None:
    result = run_cli("validate", str(project))
    assert result.code == 0
    assert result.out == f"{project}: demo-domain: 3 atoms, 0 errors, 0 warnings [ok]\n"


def test_new_project_has_one_atom_of_each_kind_and_names_the_schema(project: Path) -> None:
    manifest = (project / BUNDLE / "domain.yaml").read_text(encoding="utf-8")
    assert (
        manifest.splitlines()[0] == "# yaml-language-server: $schema=https://skillwiki.dev/schemas/1/domain.schema.json"
    )
    data = yaml.safe_load(manifest)
    assert (data["name"], data["version"], data["title"], data["requires-sdk"]) == (
        "demo-domain",
        "0.1.0",
        "Demo Domain",
        sdk_range(),
    )
    assert list(data["axes"]) == ["stage"]
    kinds = sorted(
        yaml.safe_load(p.read_text(encoding="utf-8").split("---")[1])["kind"]
        for p in (project / BUNDLE / "atoms").rglob("*.md")
    )
    assert kinds == ["pattern", "principle", "rule"]
    assert not [name for name in FILES if "{{" in (project / name).read_text(encoding="utf-8")]


def test_new_project_is_a_plugin_package(project: Path) -> None:
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["build-system"]["build-backend"] == "hatchling.build"
    assert meta["project"]["name"] == "skillwiki-demo-domain"
    assert meta["project"]["version"] == "0.1.0"
    assert meta["project"]["dependencies"] == ["skillwiki-sdk>=0.1,<0.2"]
    assert meta["project"]["entry-points"]["skillwiki"] == {"demo-domain": "skillwiki_demo_domain"}
    assert meta["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["src/skillwiki_demo_domain"]


def test_title_description_and_author_are_quoted_safely(tmp_path: Path) -> None:
    title, description, author = (
        'Ops: "Runbooks" # 1',
        "Incident response: #tags, 'quotes' and [brackets].",
        "O'Brien, Ada",
    )
    root = tmp_path / "ops"
    result = run_cli(
        "new", "ops-runbooks", "--path", str(root), "--title", title, "--description", description, "--author", author
    )
    assert result.code == 0, result.err
    data = yaml.safe_load((root / "src/skillwiki_ops_runbooks/bundle/domain.yaml").read_text(encoding="utf-8"))
    assert (data["title"], data["description"], data["authors"]) == (title, description, [author])
    meta = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert (meta["description"], meta["authors"]) == (description, [{"name": author}])
    assert run_cli("validate", str(root)).code == 0


@pytest.mark.parametrize(
    "name", ["Demo", "d", "demo_domain", "-demo", "demo-", "demo--domain", "démo", "a" * 65, "demo domain"]
)
def test_new_refuses_an_invalid_name_and_writes_nothing(tmp_path: Path, name: str) -> None:
    result = run_cli("new", "--path", str(tmp_path / "out"), "--", name)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith(f"skillwiki: error: {name!r} is not a valid domain name: use 2-64 lowercase letters")
    assert not (tmp_path / "out").exists()


def test_new_accepts_the_longest_and_shortest_names(tmp_path: Path) -> None:
    for name in ("ab", "a" * 64, "3d-printing"):
        assert run_cli("new", name, "--path", str(tmp_path / name)).code == 0


def test_new_refuses_a_folder_that_is_not_empty_and_overwrites_nothing(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    target.mkdir()
    (target / "pyproject.toml").write_text("mine\n", encoding="utf-8")
    result = run_cli("new", "demo-domain", "--path", str(target))
    assert result.code == 2
    assert (
        result.err
        == f"skillwiki: error: {target} exists and is not empty; choose another --path (nothing was written)\n"
    )
    assert _files(target) == ["pyproject.toml"]
    assert (target / "pyproject.toml").read_text(encoding="utf-8") == "mine\n"


def test_new_refuses_a_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    target.write_text("x", encoding="utf-8")
    result = run_cli("new", "demo-domain", "--path", str(target))
    assert (result.code, result.err) == (
        2,
        f"skillwiki: error: {target} exists and is not a folder; choose another --path\n",
    )
    assert target.read_text(encoding="utf-8") == "x"


def test_new_uses_an_empty_existing_folder(tmp_path: Path) -> None:
    assert run_cli("new", "demo-domain", "--path", str(tmp_path)).code == 0
    assert _files(tmp_path) == FILES


def test_new_refuses_a_multiline_title(tmp_path: Path) -> None:
    result = run_cli("new", "demo-domain", "--path", str(tmp_path / "x"), "--title", "one\ntwo")
    assert (result.code, result.err) == (2, "skillwiki: error: --title must be one line of 1-120 characters\n")
    assert not (tmp_path / "x").exists()


def test_new_project_passes_its_own_tests(project: Path) -> None:
    result = _pytest(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_broken_bundle_fails_its_own_test_naming_code_file_and_line(tmp_path: Path) -> None:
    root = tmp_path / "demo-domain"
    assert run_cli("new", "demo-domain", "--path", str(root)).code == 0
    atom = root / BUNDLE / "atoms/principles/one-idea-per-atom.md"
    lines = atom.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("tags: ["))
    lines[number - 1] = "tags: [authoring, atomz]\n"
    atom.write_text("".join(lines), encoding="utf-8")

    result = _pytest(root)

    assert result.returncode == 1
    expected = (
        f"{BUNDLE}/atoms/principles/one-idea-per-atom.md:{number}:19: SW207 tag 'atomz' is not in the domain's tag "
        "vocabulary"
    )
    assert expected in result.stdout.splitlines()
    assert ".: demo-domain: 3 atoms, 1 error, 0 warnings [FAILED]" in result.stdout.splitlines()
    assert "FAILED tests/test_bundle.py::test_bundle_is_valid" in result.stdout
    # the same line as `skillwiki validate` run in the project prints
    validate = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "validate"], cwd=root, capture_output=True, text=True
    )
    assert validate.returncode == 1
    assert expected in validate.stdout.splitlines()


# --- build and install: real `build`, real venv, real pip ---------------------------


@pytest.fixture(scope="session")
def sdk_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this checkout of skillwiki-sdk, built once per session."""
    outdir = tmp_path_factory.mktemp("sdk-wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(outdir), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = outdir.glob("skillwiki_sdk-*.whl")
    return wheel


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """`skillwiki new demo-domain`, then `skillwiki build` in it: (project, wheel, sdist)."""
    root = tmp_path_factory.mktemp("built") / "demo-domain"
    assert run_cli("new", "demo-domain", "--path", str(root)).code == 0
    result = subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", "build", str(root)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (root / "dist").glob("*.whl")
    (sdist,) = (root / "dist").glob("*.tar.gz")
    return root, wheel, sdist


@pytest.mark.slow
def test_new_project_builds_a_wheel_and_an_sdist_that_validate(built: tuple[Path, Path, Path]) -> None:
    _, wheel, sdist = built
    assert (wheel.name, sdist.name) == (
        "skillwiki_demo_domain-0.1.0-py3-none-any.whl",
        "skillwiki_demo_domain-0.1.0.tar.gz",
    )
    result = run_cli("validate", str(wheel), str(sdist))
    assert result.code == 0, result.out
    assert result.out.splitlines()[-1] == "2 paths, 6 atoms, 0 errors, 0 warnings; 0 failed"


@pytest.mark.slow
def test_installed_wheel_is_listed_and_registers_in_isolation(
    built: tuple[Path, Path, Path], sdk_wheel: Path, tmp_path: Path
) -> None:
    _, wheel, _ = built
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    python = env_dir / BIN / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(sdk_wheel), str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )

    listed = subprocess.run([str(env_dir / BIN / "skillwiki"), "list"], capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert "demo-domain" in listed.stdout

    # isolation: with demo-domain installed, a registry of one other plugin holds that one only
    other = tmp_path / "other"
    script = f"""
import types
from skillwiki_sdk import Registry, hookimpl
from skillwiki_sdk.testing import isolated_registry, make_bundle
root = make_bundle({str(other)!r}, domain={{"name": "other-domain"}}, atoms=[{{"id": "only"}}])
plugin = types.ModuleType("other_plugin")
plugin.skillwiki_domains = hookimpl(lambda: [root])
print(sorted(Registry.discover().domains), sorted(isolated_registry(plugin).domains))
"""
    shown = subprocess.run([str(python), "-c", script], capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == "['demo-domain'] ['other-domain']\n"
