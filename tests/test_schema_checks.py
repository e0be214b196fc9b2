"""The schema checks made ahead of time (``skillwiki_sdk/_fast_<name>.py``, written by
``scripts/generate_fast_checks.py``): current with the schemas, fastjsonschema's own
output unedited, and used only while they were made from the schema loaded."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import re
import sys
import types
from pathlib import Path

import pytest

from skillwiki_sdk import schema

fastjsonschema = pytest.importorskip("fastjsonschema")

PACKAGE = Path(schema.__file__).parent
VALID = {"id": "a", "kind": "rule", "summary": "A summary."}


def _compiled(check):
    """What the fast check calls: the generated function, or one compiled now."""
    return inspect.getclosurevars(check).nonlocals["compiled"]


@pytest.fixture(autouse=True)
def _fresh_checks():
    schema._fast_check.cache_clear()
    yield
    schema._fast_check.cache_clear()


def _generated(name: str):
    """The generated module of schema ``name``, or ``None`` when it cannot be imported
    with the fastjsonschema installed (one older than the one that made it)."""
    try:
        return importlib.import_module(f"skillwiki_sdk._fast_{name}")
    except ImportError:
        return None


@pytest.mark.parametrize("name", schema.SCHEMA_NAMES)
def test_each_generated_check_was_made_from_the_packaged_schema(name: str) -> None:
    source = (PACKAGE / f"_fast_{name}.py").read_text(encoding="utf-8")
    made = dict(re.findall(r'^(SCHEMA_SHA256|VERSION) = "([^"]*)"$', source, flags=re.MULTILINE))
    text = schema.schema_text(name)
    assert made["SCHEMA_SHA256"] == hashlib.sha256(text.encode("utf-8")).hexdigest(), (
        f"schemas/{name}.schema.json changed: run make fast-checks"
    )
    if made["VERSION"] != fastjsonschema.VERSION:
        pytest.skip(f"made by fastjsonschema {made['VERSION']}; {fastjsonschema.VERSION} is installed")
    # what the script writes now, byte for byte: nothing in the file was edited by hand
    assert source == schema.generated_check_source(name, text)


@pytest.mark.parametrize("name", schema.SCHEMA_NAMES)
def test_the_check_used_is_the_generated_one_where_it_can_be_imported(name: str) -> None:
    module = _generated(name)
    check = schema._fast_check(name)
    if module is None:  # an older fastjsonschema: the check is compiled at first use instead
        assert schema._generated_check(name) is None and check is not None
    else:
        assert schema._generated_check(name) is module.check
        assert _compiled(check) is module.check


def test_a_check_made_from_another_schema_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    stale = types.ModuleType("skillwiki_sdk._fast_atom")
    stale.SCHEMA_SHA256 = "0" * 64
    stale.check = lambda data: data
    monkeypatch.setitem(sys.modules, "skillwiki_sdk._fast_atom", stale)
    assert schema._generated_check("atom") is None
    check = schema._fast_check("atom")  # compiled now instead, and as strict
    assert _compiled(check) is not stale.check
    assert check(VALID) and not check({**VALID, "kind": 7}) and not check({**VALID, "qualty": 1})


def test_without_a_generated_module_the_check_is_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def missing(name: str, *args: object):
        if name.startswith("skillwiki_sdk._fast_"):
            raise ModuleNotFoundError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", missing)
    assert schema._generated_check("atom") is None
    check = schema._fast_check("atom")
    assert check(VALID) and not check({"id": "a"})
