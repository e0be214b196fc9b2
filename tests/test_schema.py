"""The JSON Schemas: valid draft 2020-12, documented for editors, and shipped in the wheel."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from jsonschema import Draft202012Validator

from skillwiki_sdk.schema import SCHEMA_NAMES, load_schema, schema_text

SCHEMAS = ROOT / "schemas"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_draft_2020_12_with_an_id(name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f"/{name}.schema.json")


def _properties(schema: dict, where: str = ""):
    for key, sub in schema.get("properties", {}).items():
        yield f"{where}.{key}", sub
        yield from _properties(sub, f"{where}.{key}")
    for keyword in ("additionalProperties", "items"):
        sub = schema.get(keyword)
        if isinstance(sub, dict):
            yield from _properties(sub, f"{where}[{keyword}]")
    for keyword in ("anyOf", "oneOf"):
        for index, sub in enumerate(schema.get(keyword, [])):
            yield from _properties(sub, f"{where}[{keyword}{index}]")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_has_a_description(name: str) -> None:
    schema = load_schema(name)
    assert schema["title"] and schema["description"]
    missing = [where for where, sub in _properties(schema) if not sub.get("description")]
    assert missing == []
    top = [where for where, sub in _properties(schema) if where.count(".") == 1 and not sub.get("title")]
    assert top == []


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_command_prints_the_source_of_truth(cli, name: str) -> None:
    result = cli("schema", name)
    assert result.code == 0
    assert result.out == (SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")
    assert schema_text(name) == result.out


def test_schema_command_refuses_an_unknown_name(cli) -> None:
    result = cli("schema", "widget")
    assert result.code == 2 and "invalid choice" in result.err


def test_the_example_validates_against_the_schemas_directly() -> None:
    """The schemas alone accept the example (no semantic checks involved)."""
    import yaml
    from conftest import EXAMPLE_BUNDLE

    Draft202012Validator(load_schema("domain")).validate(yaml.safe_load((EXAMPLE_BUNDLE / "domain.yaml").read_text()))
    validator = Draft202012Validator(load_schema("atom"))
    atoms = sorted((EXAMPLE_BUNDLE / "atoms").rglob("*.md"))
    assert len(atoms) == 18
    for atom in atoms:
        validator.validate(yaml.safe_load(atom.read_text().split("---\n")[1]))


@pytest.mark.slow
def test_the_wheel_ships_the_same_schemas(tmp_path: Path) -> None:
    """Build the SDK's wheel with `build`, install it into a fresh venv, compare the schemas."""
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = (tmp_path / "dist").glob("skillwiki_sdk-0.1.0-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        for name in SCHEMA_NAMES:
            assert (
                archive.read(f"skillwiki_sdk/schemas/{name}.schema.json")
                == (SCHEMAS / f"{name}.schema.json").read_bytes()
            )
    # installed (without its dependencies: only the data files matter), the package reads its own copy
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True,
    )
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import skillwiki_sdk.schema_files as s, pathlib; "
        "f = s.schema_file('atom'); print(f); print(s.schema_text('atom'), end='')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(target)], check=True, capture_output=True, text=True, cwd=tmp_path
    ).stdout
    path, text = out.split("\n", 1)
    assert path.startswith(str(target))
    assert text == (SCHEMAS / "atom.schema.json").read_text(encoding="utf-8")


def test_each_missing_key_is_named_once() -> None:
    from skillwiki_sdk.model import Source
    from skillwiki_sdk.schema import schema_findings

    findings = schema_findings(
        "domain",
        {"schema": 1, "name": "dd", "version": "1.0.0", "description": "D."},
        Source("domain.yaml", "domain.yaml"),
    )
    assert [f.message for f in findings] == [
        f"missing required key '{key}'" for key in ("requires-sdk", "tags", "axes")
    ]
