"""scripts/junit_summary.py: .ci/run's last line counts the tests that ran in all its
steps, and fails when none did (pytest's exit 5, or every session skipped)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "junit_summary.py"


def _summary(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), str(folder)], capture_output=True, text=True, check=False)


def _pytest(tests: Path, report: Path) -> int:
    """A real pytest run of the folder ``tests``, its JUnit XML report written to ``report``."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", str(tests)]
    return subprocess.run(command, capture_output=True, check=False, cwd=tests.parent).returncode


def test_the_reports_of_real_pytest_runs_are_added_up(tmp_path: Path) -> None:
    tests = tmp_path / "suite"
    tests.mkdir()
    (tests / "test_some.py").write_text(
        "import pytest\n"
        "def test_a(): pass\n"
        "def test_b(): pass\n"
        "def test_c(): assert False\n"
        "@pytest.mark.skip\n"
        "def test_d(): pass\n",
        encoding="utf-8",
    )
    reports = tmp_path / "reports"
    assert _pytest(tests, reports / "one.xml") == 1  # a test failed
    assert _pytest(tests, reports / "two.xml") == 1
    result = _summary(reports)
    assert result.returncode == 0
    assert result.stdout == "ci: 4 passed, 2 failed, 2 skipped\n"


def test_no_test_run_fails(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = _summary(tmp_path / "empty")
    assert (result.returncode, result.stdout) == (1, "ci: 0 passed, 0 failed, 0 skipped\n")
    tests = tmp_path / "suite"
    tests.mkdir()
    (tests / "test_none.py").write_text("def helper(): pass\n", encoding="utf-8")
    assert _pytest(tests, tmp_path / "r" / "x.xml") == 5  # pytest: no tests collected
    assert _summary(tmp_path / "r").returncode == 1
