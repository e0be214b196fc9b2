"""The packaged JSON Schemas, one compiled validator each, and messages for people.

``schemas/`` at the top of the repository is the source of truth; the wheel carries
a copy inside the package. A schema error becomes a finding whose message says what
is wrong in the author's words and whose line is looked up from its JSON path.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from . import rules
from .model import Finding, Path, Rule, Source
from .schema_files import SCHEMA_NAMES, schema_digest, schema_text

__all__ = [
    "SCHEMA_NAMES",
    "generated_check_source",
    "load_schema",
    "prepare",
    "schema_digest",
    "schema_findings",
    "schema_text",
    "validator",
]


_SLUG_WORDS = "a slug: lowercase letters and digits, words joined by single hyphens (like api-gateway)"
_PATTERN_WORDS = {
    "^[a-z0-9]+(-[a-z0-9]+)*$": _SLUG_WORDS,
    "^(@[a-z0-9]+(-[a-z0-9]+)*/)?[a-z0-9]+(-[a-z0-9]+)*$": "an atom id (like api-gateway) or @other-domain/atom-id",
    "^https?://\\S+$": "an http:// or https:// URL without spaces",
    "^[^\\S\\n]*\\S[^\\n]*$": "one paragraph of text on a single line (use '>-' in YAML to fold long text)",
}
_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "a mapping of keys to values",
    "boolean": "true or false",
    "null": "empty",
}


@functools.cache
def _loaded_text(name: str) -> str:
    return schema_text(name)


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``name`` as a dictionary."""
    import json

    schema: dict[str, Any] = json.loads(_loaded_text(name))
    return schema


@functools.cache
def validator(name: str) -> Any:
    """One compiled draft 2020-12 validator per schema, reused for every document."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name))


def _field(path: Iterable[Any]) -> str:
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else str(step)
    return text


def _best(error: Any) -> Any:
    """For anyOf/oneOf, the sub-error that says most, not 'not valid under any'."""
    from jsonschema.exceptions import best_match

    while error.validator in ("anyOf", "oneOf") and error.context:
        # A branch whose type did not even match says least: the author meant another.
        typed = [sub for sub in error.context if not (sub.validator == "type" and not sub.relative_path)]
        if not typed:
            return error  # every branch wants another type: say so once, in _translate
        error = best_match(typed)
    return error


_RULES = {
    "domain": (rules.MANIFEST_REQUIRED, rules.MANIFEST_UNKNOWN_KEY, rules.MANIFEST_INVALID),
    "atom": (rules.ATOM_REQUIRED, rules.ATOM_UNKNOWN_KEY, rules.ATOM_INVALID),
}
_WHAT = {"domain": "domain.yaml", "atom": "the frontmatter"}


# Keywords whose meaning is the same in draft-07 (what fastjsonschema compiles) and in
# draft 2020-12, and annotations that do not affect validation. A schema using any
# other keyword gets no fast path.
_FAST_KEYWORDS = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "items",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "anyOf",
    "enum",
    "const",
}
_ANNOTATIONS = {"$schema", "$id", "title", "description", "default", "examples", "$comment"}


def _fast_compatible(schema: Any) -> bool:
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, dict):
        return False
    for key, value in schema.items():
        if key in _ANNOTATIONS:
            continue
        if key not in _FAST_KEYWORDS:
            return False
        if key in ("properties", "patternProperties"):
            if not isinstance(value, dict) or not all(_fast_compatible(sub) for sub in value.values()):
                return False
        elif key in ("additionalProperties", "propertyNames", "items"):
            if not _fast_compatible(value):  # a list under items is the old tuple form: no
                return False
        elif key == "anyOf":
            if not isinstance(value, list) or not all(_fast_compatible(sub) for sub in value):
                return False
    return True


# What the fast check is made with: a yes or no is all that is asked of it, and it
# must leave the author's data as it is (no defaults filled in).
_FAST_OPTIONS = {"use_default": False, "detailed_exceptions": False}


@functools.cache
def _fast_check(name: str) -> Any:
    """A compiled ``data -> bool`` that is true only for documents valid under schema
    ``name``, or ``None`` when fastjsonschema is missing or the schema is beyond it.

    It is a shortcut, never the judge: when it says no (or fails), the document goes
    through :func:`validator`, which finds the problems and words them. It says no
    more often than jsonschema (it reads ``$`` as end of text), never less often.

    The check is the module ``_fast_<name>`` that ``scripts/generate_fast_checks.py``
    made ahead of time while it was made from the very schema loaded here; else
    fastjsonschema compiles it now (about 10 ms a schema).
    """
    schema = load_schema(name)
    if not _fast_compatible(schema):
        return None
    compiled = _generated_check(name)
    if compiled is None:
        try:
            import fastjsonschema

            compiled = _compile(fastjsonschema.compile, _as_draft_07(schema))
        except Exception:  # noqa: BLE001 - missing, or a schema it cannot compile: jsonschema alone judges
            return None

    def check(data: Any) -> bool:
        try:
            compiled(data)
        except Exception:  # noqa: BLE001 - invalid, or data it cannot handle: let jsonschema judge
            return False
        return True

    return check


def prepare(name: str) -> None:
    """Make the checks of schema ``name`` now rather than at their first use."""
    _fast_check(name)


def _compile(function: Any, definition: dict[str, Any]) -> Any:
    try:
        return function(definition, **_FAST_OPTIONS)
    except TypeError:  # a fastjsonschema older than detailed_exceptions (2.19)
        return function(definition, use_default=False)


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _generated_check(name: str) -> Any:
    """The check of the module generated for schema ``name``, or ``None`` when there
    is none, it was made from another schema, or it cannot be imported (it imports
    fastjsonschema's exceptions)."""
    import importlib

    try:
        module = importlib.import_module(f"{__package__}._fast_{name}")
    except Exception:  # noqa: BLE001 - missing, or a fastjsonschema without what it imports: compile instead
        return None
    if getattr(module, "SCHEMA_SHA256", None) != _sha256(_loaded_text(name)):  # the very text load_schema read
        return None
    return getattr(module, "check", None)


def generated_check_source(name: str, text: str) -> str | None:
    """The source of module ``_fast_<name>`` for the schema of ``text``: fastjsonschema's
    ``compile_to_code`` of it, unedited, between a line naming the schema's SHA-256 and
    one naming the check; ``None`` for a schema beyond the fast check's keywords."""
    import json

    import fastjsonschema

    schema = json.loads(text)
    if not _fast_compatible(schema):
        return None
    definition = _as_draft_07(schema)
    function = _compile(fastjsonschema.compile, definition)
    code = _compile(fastjsonschema.compile_to_code, definition)
    return (
        f'"""The fast check of schema {name!r}: made by scripts/generate_fast_checks.py, do not edit."""\n'
        f'SCHEMA_SHA256 = "{_sha256(text)}"\n{code}\n\ncheck = {function.__name__}\n'
    )


def _as_draft_07(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "$schema": "http://json-schema.org/draft-07/schema#"}


def schema_findings(name: str, data: Any, source: Source) -> list[Finding]:
    """Validate ``data`` against schema ``name``; one finding per problem."""
    not_numbers = _not_a_number(name, data, source)
    if not_numbers:
        return not_numbers  # JSON Schema cannot see NaN: every comparison with it is false
    fast = _fast_check(name)
    if fast is not None and fast(data):
        return []  # valid: jsonschema (slower, and slow to import) is not needed
    findings: list[Finding] = []
    for error in validator(name).iter_errors(data):
        findings.extend(finding for finding in _translate(name, _best(error), data, source) if finding not in findings)
    return findings


def _not_a_number(name: str, data: Any, source: Source) -> list[Finding]:
    """Top-level values that YAML reads as .nan (numbers are top-level keys only)."""
    if not isinstance(data, dict):
        return []
    return [
        _RULES[name][2].finding(
            f"'{key}' must be a number, but YAML read .nan (not a number)",
            file=source,
            path=(key,),
            hint="write a number such as 4.5",
        )
        for key, value in data.items()
        if isinstance(value, float) and value != value
    ]


def _translate(name: str, error: Any, root: Any, source: Source) -> list[Finding]:
    required_rule, unknown_rule, invalid_rule = _RULES[name]
    path: Path = tuple(error.absolute_path)
    field = _field(path)
    subject = f"'{field}'" if field else _WHAT[name]
    instance = error.instance
    kind = error.validator
    value = error.validator_value

    if kind == "required":
        missing = [key for key in value if isinstance(instance, dict) and key not in instance]
        # one error per missing key, each carrying the whole list: its message names the key
        named = [key for key in missing if str(error.message).startswith(repr(key))]
        where = f" in '{field}'" if field else ""
        return [
            required_rule.finding(
                f"missing required key '{key}'{where}", file=source, path=path, hint=_required_hint(name, path, key)
            )
            for key in (named[:1] or missing or [str(value)])
        ]

    if kind == "additionalProperties" and isinstance(instance, dict):
        known = list(error.schema.get("properties", {}))
        out = []
        for key in instance:
            if key in known or (isinstance(key, str) and key.startswith("x-")):
                continue
            import difflib

            close = difflib.get_close_matches(str(key), known, n=1)
            hint = (
                f"did you mean '{close[0]}'?"
                if close
                else (f"known keys: {', '.join(known)}; prefix extensions with 'x-'" if known else None)
            )
            where = f" in '{field}'" if field else ""
            out.append(
                unknown_rule.finding(f"unknown key '{key}'{where}", file=source, path=(*path, key), key=True, hint=hint)
            )
        return out

    if kind == "propertyNames":
        # jsonschema reports the offending name as the instance, at the mapping's path
        return [
            invalid_rule.finding(
                f"key '{instance}' in '{field}' must be {_SLUG_WORDS}",
                file=source,
                path=(*path, str(instance)),
                key=True,
            )
        ]

    if kind in ("type", "anyOf", "oneOf"):
        if kind == "type":
            expected: list[str] = value if isinstance(value, list) else [value]
        else:
            expected = [sub.validator_value for sub in error.context]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
        from .loading import describe_value

        got = describe_value(instance)
        if not field:
            message = f"{_WHAT[name]} must be {words}, but it is {'empty' if instance is None else got}"
            return [invalid_rule.finding(message, file=source, path=path)]
        hint = None
        if "string" in expected and isinstance(instance, bool):
            hint = (
                "YAML reads yes/no, on/off and true/false as true or false: put the value in quotes so that it "
                "stays text"
            )
        elif instance is None:
            hint = "write a value after the colon (YAML reads an empty value as null), or remove the key"
        elif (
            "string" in expected
            and isinstance(instance, (bool, int, float))
            or type(instance).__name__ in ("date", "datetime")
        ):
            hint = "put the value in quotes so that YAML reads it as text"
        elif "array" in expected and not isinstance(instance, list):
            hint = (
                f"write a list, such as [{instance}] or one '- item' per line"
                if isinstance(instance, str)
                else "write a list"
            )
        return [
            invalid_rule.finding(f"{subject} must be {words}, but YAML read {got}", file=source, path=path, hint=hint)
        ]

    if kind == "pattern":
        words = _PATTERN_WORDS.get(value, f"text matching {value}")
        hint = None
        if isinstance(instance, str):  # suggest only a value that passes the pattern
            from ._words import slugify

            slug = slugify(instance)
            if slug is not None and re.match(value, slug):
                hint = f"write '{slug}'"
        return [
            invalid_rule.finding(
                f"{subject} must be {words}; got {_short(instance)}", file=source, path=path, hint=hint
            )
        ]
    if kind == "minLength":
        message = (
            f"{subject} must not be empty"
            if value == 1
            else f"{subject} must have at least {value} characters; it has {len(instance)}"
        )
        return [invalid_rule.finding(message, file=source, path=path)]
    if kind == "maxLength":
        return [
            invalid_rule.finding(
                f"{subject} must have at most {value} characters; it has {len(instance)}",
                file=source,
                path=path,
                hint="shorten it",
            )
        ]
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bounds = _bounds(error.schema)
        return [invalid_rule.finding(f"{subject} must be {bounds}; got {instance!r}", file=source, path=path)]
    if kind == "minItems":
        return [
            invalid_rule.finding(
                f"{subject} must list at least {value} item{'s' if value != 1 else ''}", file=source, path=path
            )
        ]
    if kind == "uniqueItems":
        seen: list[Any] = []
        for index, item in enumerate(instance):
            if item in seen:
                return [
                    invalid_rule.finding(
                        f"{subject} lists {_short(item)} twice",
                        file=source,
                        path=(*path, index),
                        hint="remove the repeated item",
                    )
                ]
            seen.append(item)
    if kind in ("enum", "const"):
        options = value if kind == "enum" else [value]
        return [
            invalid_rule.finding(
                f"{subject} must be one of {', '.join(map(str, options))}; got {_short(instance)}",
                file=source,
                path=path,
            )
        ]
    return [invalid_rule.finding(f"{subject}: {error.message}", file=source, path=path)]


def _bounds(schema: dict[str, Any]) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return (
            f"a number from {float(low):.1f} to {float(high):.1f}"
            if isinstance(low, float) or schema.get("type") == "number"
            else f"from {low} to {high}"
        )
    if low is not None:
        return f"at least {low}"
    return f"at most {high}"


def _short(value: Any) -> str:
    from .loading import describe_value

    text = repr(value) if isinstance(value, str) else describe_value(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _required_hint(name: str, path: Path, key: str) -> str | None:
    if path:
        return None
    properties = load_schema(name)["properties"]
    description: str | None = properties.get(key, {}).get("description")
    return description


def rule_for(name: str) -> tuple[Rule, Rule, Rule]:
    """The (missing key, unknown key, invalid value) rules of schema ``name``."""
    return _RULES[name]
