"""Validation spread over processes (an executor's ``map``, as the command's pool and
a library caller's own executor pass it) finds exactly what one process finds, file
by file; and the schema's fast path never passes a document that jsonschema would fail."""

from __future__ import annotations

import collections
import dataclasses
import os
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks"))

from generate import DAMAGES, generate_bundle

from skillwiki_sdk import validate
from skillwiki_sdk.model import Atom
from skillwiki_sdk.schema import _fast_check, validator

COUNT = 600
EVERY = 23  # one atom in 23 is damaged, each way in turn


@pytest.fixture(scope="module")
def damaged_bundle(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = str(tmp_path_factory.mktemp("parallel") / "bundle")
    generate_bundle(root, COUNT, errors=EVERY)
    return root


def _by_file(report) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = collections.defaultdict(list)
    for finding in report.findings:
        grouped[finding.file].append(
            (finding.code, finding.severity.value, finding.line, finding.column, finding.message, finding.hint)
        )
    return dict(grouped)


def _in_pool(root: str):
    import functools
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # as a host that runs threads (pytest may) should: forkserver where there is one
    # (forking a process with threads warns from Python 3.12, and may deadlock)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else None)
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        return validate(root, map=functools.partial(pool.map, chunksize=50))


def test_findings_are_identical_file_by_file_on_one_process_or_several(damaged_bundle: str) -> None:
    one = validate(damaged_bundle)
    several = _in_pool(damaged_bundle)
    assert _by_file(several) == _by_file(one)
    assert [f.to_dict() for f in several.findings] == [f.to_dict() for f in one.findings]
    assert several.atoms == one.atoms == COUNT


def test_the_damaged_bundle_has_findings_of_every_kind_in_the_right_files(damaged_bundle: str) -> None:
    report = _in_pool(damaged_bundle)
    codes = {finding.code for finding in report.findings}
    # one code for each way of damage in generate.DAMAGES
    assert len(DAMAGES) == 9
    assert codes == {"SW201", "SW202", "SW203", "SW207", "SW210", "SW301", "SW503", "SW504", "SW506"}
    damaged = {f"atom-{index:06d}.md" for index in range(COUNT) if index % EVERY == EVERY // 2}
    files = {
        os.path.basename(finding.file) for finding in report.findings if finding.file and finding.file.endswith(".md")
    }
    assert files == damaged
    assert all(finding.line for finding in report.findings if finding.file and finding.file.endswith(".md"))


_slug = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
_text = st.one_of(_slug, st.text(max_size=12), st.sampled_from(["", " ", "a\n", "ok\n", "two\nlines", "x" * 401]))
_scalar = st.one_of(_text, st.integers(-3, 9), st.floats(allow_nan=False), st.booleans(), st.none())
_value = st.one_of(
    _scalar, st.lists(_scalar, max_size=4), st.dictionaries(_text, st.lists(_scalar, max_size=3), max_size=3)
)
_keys = st.sampled_from(
    ["id", "kind", "title", "summary", "tags", "axes", "quality", "related", "sources", "x-note", "qualty"]
)
_atom = st.dictionaries(_keys, _value, max_size=9).map(lambda d: {"id": "a", "kind": "rule", "summary": "s", **d})


@settings(max_examples=400, deadline=None)
@given(_atom)
def test_the_fast_schema_check_never_passes_what_jsonschema_fails(document: dict) -> None:
    fast = _fast_check("atom")
    if fast is None:
        pytest.skip("fastjsonschema is not installed")
    if fast(document):
        assert validator("atom").is_valid(document), document


_POOL_UNDER_A_BUDGET = """
import json, os, sys, threading

from skillwiki_sdk import validate
from skillwiki_sdk.commands._process import WATCHDOG, AtomPool, TimeBudget

seen = []
os.register_at_fork(before=lambda: seen.append(threading.active_count()))
budget = TimeBudget(30)
with budget.installed():
    running = WATCHDOG in {thread.name for thread in threading.enumerate()}
    report = validate(sys.argv[1], map=AtomPool(2, forking=budget.without_watchdog))
    again = WATCHDOG in {thread.name for thread in threading.enumerate()}
findings = [f.to_dict() for f in report.findings]
print(json.dumps({"forks": seen, "running": running, "again": again, "findings": findings}))
"""


def test_the_command_s_pool_forks_with_no_other_thread_and_its_time_budget_runs_again(damaged_bundle: str) -> None:
    """The time budget's watchdog waits while `validate --jobs` forks its workers (a
    fork of a process with threads may deadlock, and warns from Python 3.12); it runs
    again afterwards, and the report is the one of a single process. In a process of
    its own, as the command is: this one may run threads of other tests."""
    import json
    import multiprocessing
    import subprocess

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork here: the pool spawns")
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error", "-c", _POOL_UNDER_A_BUDGET, damaged_bundle],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    seen = json.loads(done.stdout)
    assert seen["running"] and seen["again"]  # the watchdog before the pool, and after it
    assert seen["forks"] == [1, 1]  # two workers forked, each while this was the only thread
    assert seen["findings"] == [f.to_dict() for f in validate(damaged_bundle).findings]


@dataclasses.dataclass(slots=True)
class _Noted(Atom):
    """An application's atom with a field of its own (pickle finds it by name here)."""

    note: str = "default"


def test_an_atom_pickles_as_itself_and_a_subclass_keeps_its_own_fields() -> None:
    import copy
    import pickle

    from skillwiki_sdk.model import Source

    atom = Atom.from_raw(
        {"id": "a", "kind": "rule", "summary": "S.", "tags": ["t"], "axes": {"x": ["y"]}, "x-note": [1, {"k": None}]},
        Source("a.md", "/b/a.md", offset=1),
        "a",
        body_chars=12,
        body_line=5,
    )
    back = pickle.loads(pickle.dumps(atom))  # noqa: S301 - its own objects, just pickled
    assert back == atom and back.extra == atom.extra == {"x-note": [1, {"k": None}]} and back.source == atom.source

    noted = _Noted(**{f.name: getattr(atom, f.name) for f in dataclasses.fields(Atom)}, note="kept")
    for again in (pickle.loads(pickle.dumps(noted)), copy.copy(noted), copy.deepcopy(noted)):  # noqa: S301 - as above
        assert type(again) is _Noted and again.note == "kept" and again == noted
