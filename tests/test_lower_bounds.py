"""scripts/lower_bounds.py: the pins that the nox session ``lowest`` installs come from
pyproject.toml itself, every requirement at the lowest version it admits."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "lower_bounds.py"

_spec = importlib.util.spec_from_file_location("lower_bounds", SCRIPT)
assert _spec is not None and _spec.loader is not None
lower_bounds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lower_bounds)

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def test_every_dependency_of_the_sdk_and_its_test_extra_is_pinned_at_its_lower_bound() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = pyproject["project"]["dependencies"] + pyproject["project"]["optional-dependencies"]["test"]
    pins = [Requirement(line) for line in lower_bounds.pins(pyproject, ["test"])]
    assert sorted(p.name.lower() for p in pins) == sorted({Requirement(d).name.lower() for d in declared})
    for pin in pins:
        (spec,) = pin.specifier
        assert spec.operator == "=="
        original = next(Requirement(d) for d in declared if Requirement(d).name.lower() == pin.name.lower())
        assert spec.version in original.specifier  # the pin is a version the bound admits
        assert pin.marker == original.marker


def test_pins_keep_markers_and_read_each_kind_of_bound() -> None:
    pyproject = {
        "build-system": {"requires": ["hatchling>=1.21"]},
        "project": {
            "dependencies": ["a>=1.2", "b~=2.3", "c==4.0", "d>=1.0,<2", "e>=1.1; python_version<'3.11'"],
            "optional-dependencies": {"x": ["a>=1.5"]},
        },
    }
    assert lower_bounds.pins(pyproject, ["x"], build_system=True) == [
        "a==1.5",  # the extra's higher bound wins
        "b==2.3",
        "c==4.0",
        "d==1.0",
        'e==1.1; python_version < "3.11"',
        "hatchling==1.21",
    ]


@pytest.mark.parametrize("requirement", ["a", "a<2", "a!=1.0", "a>=2.0,!=2.0"])
def test_a_requirement_without_a_usable_lower_bound_is_refused(requirement: str) -> None:
    with pytest.raises(lower_bounds.NoLowerBound, match="^a"):
        lower_bounds.pins({"project": {"dependencies": [requirement]}})


def test_the_command_prints_the_pins_and_fails_on_an_unknown_extra() -> None:
    good = subprocess.run([sys.executable, str(SCRIPT), "--extra", "test"], capture_output=True, text=True, check=False)
    assert good.returncode == 0, good.stderr
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert good.stdout.splitlines() == lower_bounds.pins(pyproject, ["test"])
    assert any(line.startswith("pyyaml==") for line in good.stdout.splitlines())
    bad = subprocess.run([sys.executable, str(SCRIPT), "--extra", "nope"], capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert "no extra 'nope'" in bad.stderr
