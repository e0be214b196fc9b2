"""Property-based tests: random damage to a valid bundle never breaks the validator.

Each example copies ``tests/hostile/_base`` (a valid bundle), damages one to three of
its files (bytes flipped, lines removed or repeated, keys renamed, values retyped,
text cut short) and runs ``skillwiki validate --format json`` on it. Whatever the
damage, the validator returns a report and never raises or hangs; a report without
errors is given only to a bundle that loads whole.

The default profile is small, for ``make test``; ``make fuzz`` sets
``SKILLWIKI_FUZZ=1`` for a few thousand examples per property.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillwiki_sdk.cli import main
from skillwiki_sdk.validation import load_bundle

BASE = Path(__file__).parent / "hostile" / "_base"
FILES = sorted(p.relative_to(BASE).as_posix() for p in BASE.rglob("*") if p.is_file())

settings.register_profile(
    "skillwiki-small", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "skillwiki-fuzz", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PROFILE = settings.get_profile("skillwiki-fuzz" if os.environ.get("SKILLWIKI_FUZZ") else "skillwiki-small")
HANG = 20.0  # seconds: far above any honest run; a run this long is a hang

# Values an author (or a stranger) might put where something else belongs.
ODD_VALUES = [
    "1.0",
    "2024-01-01",
    "no",
    "yes",
    "on",
    "off",
    "null",
    "~",
    "",
    "[]",
    "{}",
    "0x1F",
    ".nan",
    "-.inf",
    "1e400",
    "99999999999999999999999",
    "[a, [b, [c]]]",
    "{a: {b: c}}",
    "&x [1, *x]",
    "*undefined",
    "!!python/object/apply:os.system [true]",
    "!!binary aGk=",
    "!!set {a, b}",
    "'unclosed",
    '"\\x00"',
    "|\n  two\n  lines",
    "- a\n- b",
    "? [a]\n: b",
    "\t",
    "@/x",
    "'@other-domain/atom'",
    # values PyYAML's constructors refuse, or that cannot be printed (issue 19)
    "2024-02-30",
    "0000-01-01",
    "2024-01-01 10:00:00 +99:00",
    "2024-13-01",
    "2024-01-01t25:00:00",
    "!!int 4x",
    "!!int ''",
    "!!bool maybe",
    "!!timestamp soon",
    "!!float ''",
    "0x_",
    "0b_",
    "1" * 5000,
    "0x" + "f" * 4000,
    "&d 2023-02-29",
    "!!int [1]",
    # the commonest mistakes of authors (issue 14, item 7)
    "Caching: why it matters",
    "a:b",
    "`code` first",
    "*bold* text",
    "& more",
    '"closed" after',
    "| text",
    "[open, list",
    "{open: map",
    "]",
    "- stray",
    "%d",
    "'it''s'",
    '"unclosed',
]


def _mutation() -> st.SearchStrategy[tuple[Any, ...]]:
    position = st.floats(min_value=0.0, max_value=1.0, exclude_max=True)
    return st.one_of(
        st.tuples(st.just("flip"), position, st.integers(0, 255)),
        st.tuples(st.just("remove-line"), position),
        st.tuples(st.just("repeat-line"), position),
        st.tuples(st.just("truncate"), position),
        st.tuples(
            st.just("rename-key"),
            position,
            st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_0123456789 :'\"", max_size=12),
        ),
        st.tuples(st.just("retype"), position, st.sampled_from(ODD_VALUES)),
        st.tuples(st.just("insert"), position, st.text(max_size=40)),
    )


def _damage(data: bytes, mutation: tuple[Any, ...]) -> bytes:
    """Apply one mutation to a file's bytes."""
    kind, where = mutation[0], mutation[1]
    if kind == "flip":
        if not data:
            return bytes([mutation[2]])
        index = int(where * len(data))
        return data[:index] + bytes([mutation[2]]) + data[index + 1 :]
    if kind == "truncate":
        return data[: int(where * len(data))]
    lines = data.split(b"\n")
    index = int(where * len(lines))
    if kind == "remove-line":
        del lines[index]
    elif kind == "repeat-line":
        lines.insert(index, lines[index])
    elif kind == "insert":
        lines.insert(index, mutation[2].encode("utf-8", "surrogatepass"))
    elif kind in ("rename-key", "retype"):
        keyed = [i for i, line in enumerate(lines) if b":" in line]
        if keyed:
            target = keyed[int(where * len(keyed))]
            key, _, value = lines[target].partition(b":")
            if kind == "rename-key":
                indent = key[: len(key) - len(key.lstrip())]
                lines[target] = indent + mutation[2].encode() + b":" + value
            else:
                lines[target] = key + b": " + mutation[2].encode()
    return b"\n".join(lines)


def _validate(path: Path) -> tuple[int, str, str]:
    """``skillwiki validate --format json PATH`` in a thread that must finish in HANG seconds."""
    stdout, stderr = io.StringIO(), io.StringIO()
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["code"] = main(["validate", "--format", "json", str(path)], stdout=stdout, stderr=stderr)
        except BaseException as error:  # noqa: BLE001 - reported below
            result["escaped"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(HANG)
    assert not thread.is_alive(), f"validate hangs on {path}"
    assert "escaped" not in result, f"an exception escaped: {result['escaped']!r}"
    return result["code"], stdout.getvalue(), stderr.getvalue()


def _check(damage: list[tuple[str, tuple[Any, ...]]]) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="skillwiki-fuzz-"))
    try:
        bundle = workdir / "bundle"
        shutil.copytree(BASE, bundle)
        for relative, mutation in damage:
            path = bundle / relative
            path.write_bytes(_damage(path.read_bytes(), mutation))
        code, stdout, stderr = _validate(bundle)
        assert "Traceback" not in stdout + stderr
        assert code in (0, 1), (code, stderr)
        document = json.loads(stdout)  # every run ends with a whole report
        findings = [f for result in document["results"] for f in result["findings"]]
        for finding in findings:
            assert finding["code"].startswith("SW") and finding["message"] and finding["file"]
            assert finding["line"] is None or finding["line"] >= 1
            assert finding["code"] != "SW599", finding  # nothing YAML can spell is an internal error
            inside = Path(finding["file"])
            if finding["line"] is not None and inside.is_file():  # a line the file has
                assert finding["line"] <= len(inside.read_bytes().decode("utf-8", "replace").splitlines()) + 1, finding
        if document["ok"]:
            # "valid" only for a bundle that loads whole: its manifest and every atom
            loaded = load_bundle(bundle)
            assert loaded.domain is not None
            assert not loaded.unloaded_ids
            assert len(loaded.atoms) == len(list((bundle / "atoms").rglob("*.md")))
            assert code == 0
        else:
            assert code == 1 and any(f["severity"] == "error" for f in findings)
    finally:
        shutil.rmtree(workdir)


@PROFILE
@given(st.lists(st.tuples(st.sampled_from(FILES), _mutation()), min_size=1, max_size=3))
def test_random_damage_never_breaks_the_validator(damage: list[tuple[str, tuple[Any, ...]]]) -> None:
    """Any mix of mutations over any files: a report, never an exception or a hang."""
    _check(damage)


@PROFILE
@given(
    st.sampled_from(FILES),
    st.lists(
        st.tuples(st.just("retype"), st.floats(0, 1, exclude_max=True), st.sampled_from(ODD_VALUES)),
        min_size=1,
        max_size=4,
    ),
)
def test_retyped_values_are_findings(relative: str, mutations: list[tuple[Any, ...]]) -> None:
    """Values of the wrong YAML type, anywhere: findings, never a crash."""
    _check([(relative, mutation) for mutation in mutations])


_TAGS = [
    "!!int",
    "!!float",
    "!!bool",
    "!!timestamp",
    "!!null",
    "!!str",
    "!!binary",
    "!!set",
    "!!omap",
    "!!seq",
    "!!map",
]


def _manifest_with(line: str) -> Path:
    workdir = Path(tempfile.mkdtemp(prefix="skillwiki-fuzz-"))
    bundle = workdir / "bundle"
    shutil.copytree(BASE, bundle)
    manifest = bundle / "domain.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("title: Tiny Domain", line), encoding="utf-8")
    return bundle


def _located(bundle: Path) -> None:
    """The bundle gets a report with a located finding on domain.yaml's line 4 (or
    none), nothing internal, and its atoms are still counted."""
    try:
        code, stdout, stderr = _validate(bundle)
        assert "Traceback" not in stdout + stderr and code in (0, 1), (code, stderr)
        document = json.loads(stdout)
        findings = [f for result in document["results"] for f in result["findings"]]
        assert all(f["code"] != "SW599" for f in findings), findings
        assert all(
            f["line"] == 4 for f in findings if f["file"].endswith("domain.yaml") and f["severity"] == "error"
        ), findings
        assert document["summary"]["atoms"] == 3
    finally:
        shutil.rmtree(bundle.parent)


@PROFILE
@given(st.sampled_from(_TAGS), st.text(max_size=30), st.booleans())
def test_tagged_scalars_are_located_findings(tag: str, text: str, quoted: bool) -> None:
    """Any explicit tag on any text: a finding at its line, never an internal error."""
    plain = not quoted and re.fullmatch(r"[\w .+-]*", text) is not None  # what stays one plain scalar
    value = text if plain else json.dumps(text)
    _located(_manifest_with(f"title: {tag} {value}"))


@PROFILE
@given(
    st.integers(0, 10_000),
    st.integers(0, 99),
    st.integers(0, 99),
    st.one_of(
        st.none(),
        st.tuples(
            st.integers(0, 99),
            st.integers(0, 99),
            st.integers(0, 99),
            st.integers(0, 99),
            st.integers(0, 99),
            st.sampled_from("+-"),
        ),
    ),
)
def test_dates_that_do_not_exist_are_located_findings(year: int, month: int, day: int, time: Any) -> None:
    """Dates and timestamps YAML recognises, whether or not the calendar has them."""
    value = f"{year:04d}-{month:02d}-{day:02d}"
    if time is not None:
        hour, minute, second, zone_hour, zone_minute, sign = time
        value += f" {hour:02d}:{minute:02d}:{second:02d} {sign}{zone_hour:02d}:{zone_minute:02d}"
    _located(_manifest_with(f"title: {value}"))


@PROFILE
@given(
    st.sampled_from(["", "-", "+", "0x", "0o", "0b", "0"]), st.integers(1, 6000), st.sampled_from("0123456789abcdef_:")
)
def test_long_numbers_are_located_findings(prefix: str, length: int, digit: str) -> None:
    """Whole numbers of any length, in any base YAML knows: a finding or a value, never
    an internal error (Python refuses to read or print integers of thousands of digits)."""
    _located(_manifest_with(f"title: {prefix}1{digit * length}"))


_NAME_BYTES = (
    st.binary(min_size=1, max_size=12)
    .map(lambda b: b.replace(b"/", b"_").replace(b"\x00", b"_"))
    .filter(lambda b: b not in (b".", b".."))
)


@PROFILE
@given(st.lists(st.tuples(st.sampled_from(FILES), _NAME_BYTES, st.booleans()), min_size=1, max_size=3))
def test_any_file_name_gives_valid_output_in_every_format(renames: list[tuple[str, bytes, bool]]) -> None:
    """Atoms moved to names of any bytes (not UTF-8, control characters, a stray
    suffix): every format is valid UTF-8 and JSON and SARIF parse."""
    from skillwiki_sdk.report import render
    from skillwiki_sdk.validation import validate

    workdir = Path(tempfile.mkdtemp(prefix="skillwiki-fuzz-"))
    try:
        bundle = workdir / "bundle"
        shutil.copytree(BASE, bundle)
        for relative, name, as_atom in renames:
            source = bundle / relative
            if source.exists():
                target = os.path.join(os.fsencode(source.parent), name + (b".md" if as_atom else b""))
                os.replace(os.fsencode(source), target)
        report = validate(bundle)
        for fmt in ("text", "json", "github", "sarif"):
            out = render([report], fmt)
            out.encode("utf-8")  # strict: no lone surrogate left
            if fmt in ("json", "sarif"):
                json.loads(out)
    finally:
        shutil.rmtree(workdir)


_SEGMENTS = st.sampled_from(
    [
        "tiny",
        "Tiny",
        "bundle",
        "atoms",
        ".",
        "",
        "read-through.md",
        "Read-Through.md",
        "read-through.md.",
        "caf\u00e9.md",
        "cafe\u0301.md",
        "a\\b.md",
        "domain.yaml",
    ]
)
_MEMBER_NAMES = st.lists(st.lists(_SEGMENTS, min_size=1, max_size=5).map("/".join), min_size=1, max_size=6)


def _one_file(name: str) -> tuple[str, ...]:
    """The test's own oracle: where a member lands on a file system that folds names."""
    import unicodedata

    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    return tuple(unicodedata.normalize("NFC", p).rstrip(". ").casefold() or p for p in parts)


@PROFILE
@given(_MEMBER_NAMES, st.sampled_from(["zip", "tar.gz"]))
def test_archive_members_that_fold_into_one_file_are_refused(names: list[str], fmt: str) -> None:
    """Any member names (./, //, case, NFD, trailing dots, backslashes): a report,
    never an exception; two members that one file system would make one file, or a
    backslash, refuse the archive (SW402) before anything is extracted."""
    from test_hostile import make_archive

    from skillwiki_sdk.validation import validate

    workdir = Path(tempfile.mkdtemp(prefix="skillwiki-fuzz-"))
    try:
        target = workdir / ("skillwiki_tiny-0.3.0" + ("-py3-none-any.whl" if fmt == "zip" else ".tar.gz"))
        members = [
            {"name": name, "text": "x"} for name in names if _one_file(name) and not name.endswith("/")
        ]  # "x/" is a folder
        if not members:
            return
        make_archive(target, {"format": fmt, "members": members})
        report = validate(target)
        keys = [_one_file(m["name"]) for m in members]
        folded = len(set(keys)) < len(keys) or any(
            key[: len(other)] == other for key in keys for other in keys if len(other) < len(key)
        )
        if folded or any("\\" in m["name"] for m in members):
            assert any(f.code == "SW402" for f in report.findings), (names, report.findings)
        assert all(f.code != "SW599" for f in report.findings)
    finally:
        shutil.rmtree(workdir)
