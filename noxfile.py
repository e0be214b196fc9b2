"""The test matrix (make test-all): every supported Python found on this machine.

- ``tests-3.X``: the SDK installed from its wheel, as users get it, with the test
  extra; the fast tests (``-m 'not slow'``) on each Python, the whole suite on one
  (``FULL``, or the newest found).
- ``lowest``: the oldest Python found, every dependency pinned at the lower bound that
  pyproject.toml declares (scripts/lower_bounds.py writes the pins), the fast tests.

A Python that is missing is skipped, and said so, never an error: ``nox`` finds
``python3.X`` on PATH, and here that is ~/.pyenv/versions/3.X.*/bin (added below;
pyenv's shims, which answer for one version only, are left out).
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

import nox
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
FULL = os.environ.get("SKILLWIKI_FULL_PYTHON", "")  # default: the newest found

nox.options.sessions = ["tests", "lowest"]
nox.options.error_on_missing_interpreters = False  # a missing Python is skipped (nox says so)
nox.options.reuse_existing_virtualenvs = False


def _works(executable: str, version: str) -> bool:
    try:
        out = subprocess.run(
            [executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.strip() == version


def _discover() -> dict[str, str]:
    """version -> interpreter, after putting pyenv's versions on PATH and leaving out the
    folders whose ``python3.X`` does not run (pyenv's shims for an unselected version)."""
    home = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    extra = []
    for version in PYTHONS:
        extra += sorted(glob.glob(str(home / "versions" / f"{version}.*" / "bin")), reverse=True)[:1]
    path = extra + [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p not in extra]
    broken = set()
    found: dict[str, str] = {}
    for version in PYTHONS:
        for folder in path:
            candidate = os.path.join(folder, f"python{version}")
            if folder in broken or not os.access(candidate, os.X_OK):
                continue
            if _works(candidate, version):
                found[version] = candidate
                break
            broken.add(folder)
    own = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if own in PYTHONS and own not in found:  # nox's own Python is there, whatever PATH says
        found[own] = sys.executable
        path.insert(0, os.path.dirname(sys.executable))
    os.environ["PATH"] = os.pathsep.join(p for p in path if p not in broken)
    return found


FOUND = _discover()
if not FULL or FULL not in FOUND:
    FULL = max(FOUND, key=lambda v: tuple(map(int, v.split("."))), default="")
OLDEST = min(FOUND, key=lambda v: tuple(map(int, v.split("."))), default=PYTHONS[0])
print(
    "nox: Pythons found: "
    + (", ".join(f"{v} ({FOUND[v]})" for v in PYTHONS if v in FOUND) or "none")
    + "; skipped (not found): "
    + (", ".join(v for v in PYTHONS if v not in FOUND) or "none")
    + f"; whole suite on {FULL or 'none'}, lower bounds on {OLDEST}",
    file=sys.stderr,
    flush=True,
)


def _pytest_args(session: nox.Session, *selection: str) -> list[str]:
    args = ["pytest", "-q", "-p", "no:cacheprovider", *selection]
    junit = os.environ.get("SKILLWIKI_JUNIT_DIR")  # .ci/run counts the tests that ran
    if junit:
        args.append(f"--junitxml={os.path.join(junit, session.name.replace('/', '_'))}.xml")
    return args + list(session.posargs)


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The fast tests on this Python; the whole suite on FULL."""
    full = session.python == FULL
    session.install(f"{ROOT}[test,dist]" if full else f"{ROOT}[test]")
    session.log(f"{'the whole suite' if full else 'the fast tests'} on Python {session.python}")
    # pytest's own script puts its folder, not the tree, first on sys.path, and
    # PYTHONSAFEPATH (3.11+) keeps `python -m` in the tests' subprocesses from adding the
    # tree: the SDK under test is the one installed from its wheel
    session.chdir(ROOT)
    session.run(*_pytest_args(session, *([] if full else ["-m", "not slow"])), env={"PYTHONSAFEPATH": "1"})


@nox.session(python=OLDEST)
def lowest(session: nox.Session) -> None:
    """Every dependency at the lower bound of pyproject.toml, the fast tests."""
    pins = Path(session.create_tmp()) / "lower-bounds.txt"
    text = session.run(
        sys.executable,
        str(ROOT / "scripts" / "lower_bounds.py"),
        "--extra",
        "test",
        silent=True,
        external=True,
    )
    if not isinstance(text, str):
        session.error("scripts/lower_bounds.py printed nothing")
    pins.write_text(text, encoding="utf-8")
    session.log("pins:\n" + text.strip())
    session.install("-c", str(pins), f"{ROOT}[test]")
    # pip honours constraints, but say so: each pin that applies here is what is installed
    frozen = session.run("python", "-m", "pip", "freeze", "--all", silent=True)
    if not isinstance(frozen, str):
        session.error("pip freeze printed nothing")
    installed = {}
    for line in frozen.splitlines():
        if "==" in line:
            name, _, version = line.partition("==")
            installed[canonicalize_name(name)] = Version(version)
    for line in text.splitlines():
        pin = Requirement(line)
        if pin.marker is not None and not pin.marker.evaluate({"python_version": session.python}):
            continue
        (spec,) = pin.specifier
        got = installed.get(canonicalize_name(pin.name))
        if got != Version(spec.version):
            session.error(f"{pin.name}: pinned {spec.version}, installed {got}")
    session.chdir(ROOT)
    session.run(*_pytest_args(session, "-m", "not slow"), env={"PYTHONSAFEPATH": "1"})
