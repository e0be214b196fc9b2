"""One verdict: every way to silence or harden a finding, judged by each judge.

Each variant is a real plugin project (``skillwiki new``) with one mistake and one
way of silencing or hardening it. Each is built once (sdist, then wheel from it, in
one shared isolated environment), and the wheels are installed into one real
virtual environment. The judges:

- ``skillwiki validate PROJECT``
- ``skillwiki build`` (:func:`~skillwiki_sdk.commands._build.build_project`, as the command calls it)
- the project's own tests: the pytest fixture's ``assert_valid`` (and its registry test)
- ``skillwiki validate dist/*.whl`` and ``dist/*.tar.gz`` (from the project, as in CI)
- the pre-commit hook of the README, run by a real pre-commit
- the registry of the environment where the wheel is installed (``skillwiki list``)

The policy under test (README, "One verdict"): an error is silenced only where it
ships, inline in its atom, and then by every judge; ``[tool.skillwiki]`` may only
choose warnings (``ignore`` of an error code is refused by every judge that reads
it, and the registry, which cannot read it, rejects the error); ``strict`` makes
warnings fail in every judge of the project, and warnings never keep an installed
domain out.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import venv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import git, readme_blocks, run_cli

pytestmark = pytest.mark.slow

ATOM = "atoms/principles/one-idea-per-atom.md"

ACCEPT, REJECT, REFUSED = "accept", "reject", "refused"


def _edit(file: str, old: str, new: str) -> Callable[[Path, str], None]:
    def apply(project: Path, package: str) -> None:
        path = project / "src" / package / "bundle" / file if not file.startswith("/") else project / file[1:]
        text = path.read_text()
        assert old in text, (old, path)
        path.write_text(text.replace(old, new, 1))

    return apply


ERROR = _edit(ATOM, "  stage: [planning, writing]", "  stage: [planning, orbit]")  # SW209
UNUSED_TAG = _edit(
    "domain.yaml",
    "tags: [authoring, atoms, vocabulary, retrieval]",
    "tags: [authoring, atoms, vocabulary, retrieval, unused-word]",
)  # SW110
SELF_LINK = _edit(ATOM, "related: [summary-then-detail,", "related: [one-idea-per-atom, summary-then-detail,")  # SW302


def _inline(codes: str) -> Callable[[Path, str], None]:
    return _edit(ATOM, "kind: principle\n", f"x-skillwiki-ignore: [{codes}]\nkind: principle\n")


def _settings(body: str) -> Callable[[Path, str], None]:
    def apply(project: Path, package: str) -> None:
        with open(project / "pyproject.toml", "a", encoding="utf-8") as handle:
            handle.write(f"\n[tool.skillwiki]\n{body}\n")

    return apply


@dataclass
class Variant:
    """A mistake, a way to silence or harden it, and what every judge must say."""

    name: str
    changes: tuple[Callable[[Path, str], None], ...]
    verdict: str  # of the judges of the project; the registry says ACCEPT or REJECT
    codes: frozenset[str]  # the codes the judges of the project report
    registry: str | None = None  # when the registry's verdict differs (documented)
    registry_codes: frozenset[str] | None = None


VARIANTS = [
    Variant("v-clean", (), ACCEPT, frozenset()),
    Variant("v-error", (ERROR,), REJECT, frozenset({"SW209"})),
    Variant("v-error-inline", (ERROR, _inline("SW209")), ACCEPT, frozenset()),
    Variant("v-error-inline-prefix", (ERROR, _inline("SW2xx")), ACCEPT, frozenset()),
    Variant(
        "v-error-ignored",
        (ERROR, _settings('ignore = ["SW209"]')),
        REFUSED,
        frozenset(),
        registry=REJECT,
        registry_codes=frozenset({"SW209"}),
    ),
    Variant("v-error-unselected", (ERROR, _settings('select = ["SW1"]')), REJECT, frozenset({"SW209"})),
    Variant("v-warning", (UNUSED_TAG,), ACCEPT, frozenset({"SW110"})),
    Variant(
        "v-warning-ignored",
        (UNUSED_TAG, _settings('ignore = ["SW110"]')),
        ACCEPT,
        frozenset(),
        registry_codes=frozenset({"SW110"}),
    ),
    Variant(
        "v-warning-unselected",
        (UNUSED_TAG, _settings('select = ["SW2"]')),
        ACCEPT,
        frozenset(),
        registry_codes=frozenset({"SW110"}),
    ),
    Variant("v-warning-inline", (SELF_LINK, _inline("SW302")), ACCEPT, frozenset()),
    Variant(
        "v-warning-strict", (UNUSED_TAG, _settings("strict = true")), REJECT, frozenset({"SW110"}), registry=ACCEPT
    ),
    Variant(
        "v-warning-strict-ignored",
        (UNUSED_TAG, _settings('strict = true\nignore = ["SW110"]')),
        ACCEPT,
        frozenset(),
        registry_codes=frozenset({"SW110"}),
    ),
]


@dataclass
class Built:
    project: Path
    package: str
    wheel: Path
    sdist: Path
    build: tuple[str, frozenset[str]]
    judged: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)


def _codes_of(text: str) -> frozenset[str]:
    """The codes of the finding lines (``file:line:col: CODE message``) in ``text``."""
    return frozenset(re.findall(r"^\S+?:\d+(?::\d+)?: (SW\d{3}) ", text, re.M)) | frozenset(
        re.findall(r"^\S+: (SW\d{3}) ", text, re.M)
    )


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """Every variant as a project with its sdist and wheel in PROJECT/dist, built once."""
    from build.env import DefaultIsolatedEnv

    from skillwiki_sdk.commands._build import build_project
    from skillwiki_sdk.config import ConfigError, Settings
    from skillwiki_sdk.scaffold import create_project

    root = tmp_path_factory.mktemp("verdict")
    result: dict[str, Built] = {}
    with DefaultIsolatedEnv() as env:
        for variant in VARIANTS:
            made = create_project(variant.name, root / variant.name)
            project = Path(made.root)
            for change in variant.changes:
                change(project, made.package)
            try:
                done = build_project(project, project / "dist", env=env, keep_failed=True)
                verdict = REJECT if done.failed() else ACCEPT
                codes = frozenset(f.code for report in done.reports for f in report.findings)
            except ConfigError:
                verdict, codes = REFUSED, frozenset()
                done = build_project(
                    project, project / "dist", env=env, keep_failed=True, settings=Settings()
                )  # archives for the other judges
            result[variant.name] = Built(project, made.package, Path(done.wheel), Path(done.sdist), (verdict, codes))
    return result


def _validate(path: Path) -> tuple[str, frozenset[str]]:
    result = run_cli("validate", "--format", "json", str(path))
    if result.code == 2:
        assert "is an error code, and an error cannot be silenced from outside the bundle" in result.err, result.err
        return REFUSED, frozenset()
    document = json.loads(result.out)
    return (ACCEPT if result.code == 0 else REJECT), frozenset(
        f["code"] for entry in document["results"] for f in entry["findings"]
    )


def _own_tests(project: Path) -> tuple[str, frozenset[str]]:
    """The project's own tests (assert_valid and the registry test), as its author runs them."""
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_ADDOPTS"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    output = done.stdout + done.stderr
    assert done.returncode in (0, 1), output
    if done.returncode == 0:
        return ACCEPT, frozenset()
    if "is an error code, and an error cannot be silenced from outside the bundle" in output:
        return REFUSED, frozenset()
    return REJECT, _codes_of(output)


def _pre_commit(pre_commit: Path | None, project: Path, config: str) -> tuple[str, frozenset[str]]:
    """The README's local hook, by a real pre-commit (or, when pre-commit cannot be
    installed, its entry run in the project's root as pre-commit runs it)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PRE_COMMIT", "VIRTUAL_ENV", "GITHUB_ACTIONS"))
    }
    env.update(
        NO_COLOR="1",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PRE_COMMIT_HOME=str(project.parent / ".pre-commit-cache"),
    )
    if pre_commit is None:
        entry = re.search(r"entry: (.+)", config).group(1).split()
        done = subprocess.run(entry, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    else:
        (project / ".pre-commit-config.yaml").write_text(config)
        git("init", "-q", cwd=project)
        git("add", ".", cwd=project)
        git("commit", "-q", "-m", "plugin", cwd=project)
        done = subprocess.run(
            [str(pre_commit), "run", "--all-files", "--verbose", "--color", "never"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    output = done.stdout + done.stderr
    if done.returncode == 0:
        return ACCEPT, _codes_of(output)
    if "is an error code, and an error cannot be silenced from outside the bundle" in output:
        return REFUSED, frozenset()
    return REJECT, _codes_of(output)


@pytest.fixture(scope="session")
def installed(built: dict[str, Built], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``skillwiki list --format json`` of a real virtual environment where every
    variant's wheel is installed (the SDK and its dependencies come from this one)."""
    home = tmp_path_factory.mktemp("installed") / "venv"
    venv.create(home, with_pip=False)
    python = home / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # this environment's packages (the SDK, PyYAML, ...) under the new one's own
    (Path(site) / "_sdk_environment.pth").write_text(
        f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n"
    )
    wheels = [str(item.wheel) for item in built.values()]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            *wheels,
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("SKILLWIKI")}
    env["SKILLWIKI_NO_CACHE"] = "1"
    done = subprocess.run(
        [str(python), "-m", "skillwiki_sdk", "list", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def _registry(listing: dict, name: str) -> tuple[str, frozenset[str]]:
    for domain in listing["domains"]:
        if domain["name"] == name:
            return ACCEPT, frozenset(f["code"] for f in domain["findings"])
    problems = [p for p in listing["problems"] if p["distribution"] == f"skillwiki-{name}"]
    assert problems, f"{name} is neither a domain nor a problem of the environment"
    return REJECT, frozenset(f["code"] for p in problems for f in p["findings"])


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_every_judge_gives_the_same_verdict(
    variant: Variant, built: dict[str, Built], installed: dict, pre_commit: Path | None
) -> None:
    item = built[variant.name]
    [local, _] = readme_blocks("### pre-commit")
    expected = (variant.verdict, variant.codes)
    judged = {
        "validate PROJECT": _validate(item.project),
        "build": item.build,
        "assert_valid (the project's tests)": _own_tests(item.project),
        "validate dist/*.whl": _validate(item.wheel),
        "validate dist/*.tar.gz": _validate(item.sdist),
        "pre-commit": _pre_commit(pre_commit, item.project, local),
    }
    tests = "assert_valid (the project's tests)"
    if variant.verdict == ACCEPT:
        # a passing test shows no findings: its verdict is what it says
        assert judged[tests][0] == ACCEPT
        judged[tests] = expected
    assert judged == {judge: expected for judge in judged}
    registry = _registry(installed, variant.name)
    assert registry == (
        variant.registry or variant.verdict,
        variant.registry_codes if variant.registry_codes is not None else variant.codes,
    )


def test_the_wheel_of_a_project_judged_elsewhere_has_the_same_errors(
    built: dict[str, Built], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Away from its project (no [tool.skillwiki] in view) a wheel is judged as the
    registry judges it: errors are the same, inline silencing still applies."""
    monkeypatch.chdir(tmp_path)
    for name in ("v-error", "v-error-inline", "v-error-ignored", "v-error-unselected"):
        item = built[name]
        moved = tmp_path / item.wheel.name
        moved.write_bytes(item.wheel.read_bytes())
        verdict, codes = _validate(moved)
        assert (verdict, "SW209" in codes) == ((ACCEPT, False) if name == "v-error-inline" else (REJECT, True)), name
