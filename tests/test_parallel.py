"""Validation spread over processes finds exactly what one process finds, file by file;
and the schema's fast path never passes a document that jsonschema would fail."""

from __future__ import annotations

import collections
import os
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks"))

from generate import DAMAGES, generate_bundle  # noqa: E402

from skillwiki_sdk import validate  # noqa: E402
from skillwiki_sdk.schema import _fast_check, validator  # noqa: E402

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
        grouped[finding.file].append((finding.code, finding.severity.value, finding.line, finding.column, finding.message, finding.hint))
    return dict(grouped)


def test_findings_are_identical_file_by_file_on_one_process_or_several(damaged_bundle: str) -> None:
    one = validate(damaged_bundle, jobs=1)
    several = validate(damaged_bundle, jobs=2)
    assert _by_file(several) == _by_file(one)
    assert [f.to_dict() for f in several.findings] == [f.to_dict() for f in one.findings]
    assert several.atoms == one.atoms == COUNT


def test_the_damaged_bundle_has_findings_of_every_kind_in_the_right_files(damaged_bundle: str) -> None:
    report = validate(damaged_bundle, jobs=2)
    codes = {finding.code for finding in report.findings}
    # one code for each way of damage in generate.DAMAGES
    assert len(DAMAGES) == 9
    assert codes == {"SW201", "SW202", "SW203", "SW207", "SW210", "SW301", "SW503", "SW504", "SW506"}
    damaged = {f"atom-{index:06d}.md" for index in range(COUNT) if index % EVERY == EVERY // 2}
    files = {os.path.basename(finding.file) for finding in report.findings if finding.file and finding.file.endswith(".md")}
    assert files == damaged
    assert all(finding.line for finding in report.findings if finding.file and finding.file.endswith(".md"))


_slug = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
_text = st.one_of(_slug, st.text(max_size=12), st.sampled_from(["", " ", "a\n", "ok\n", "two\nlines", "x" * 401]))
_scalar = st.one_of(_text, st.integers(-3, 9), st.floats(allow_nan=False), st.booleans(), st.none())
_value = st.one_of(_scalar, st.lists(_scalar, max_size=4), st.dictionaries(_text, st.lists(_scalar, max_size=3), max_size=3))
_keys = st.sampled_from(["id", "kind", "title", "summary", "tags", "axes", "quality", "related", "sources", "x-note", "qualty"])
_atom = st.dictionaries(_keys, _value, max_size=9).map(lambda d: {"id": "a", "kind": "rule", "summary": "s", **d})


@settings(max_examples=400, deadline=None)
@given(_atom)
def test_the_fast_schema_check_never_passes_what_jsonschema_fails(document: dict) -> None:
    fast = _fast_check("atom")
    if fast is None:
        pytest.skip("fastjsonschema is not installed")
    if fast(document):
        assert validator("atom").is_valid(document), document


# map_beside: part of the work in one forked child; the same results, whatever happens to it

_SHARE = """
import os, sys, threading
from skillwiki_sdk.parallel import map_beside
parent = os.getpid()
def square_where(number):
    return number * number, os.getpid() != parent
if sys.argv[1] == "thread":  # another thread running: forking is not safe, all is done here
    stop = threading.Event()
    threading.Thread(target=stop.wait).start()
results = map_beside(square_where, [(n,) for n in range(40)])
if sys.argv[1] == "thread":
    stop.set()
assert [value for value, _ in results] == [n * n for n in range(40)]
print(",".join(str(n) for n, (_, child) in enumerate(results) if child))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_map_beside_shares_the_work_with_a_child_and_keeps_the_order() -> None:
    import subprocess

    # in a process of its own: a thread left running by another test would (rightly) stop the fork
    alone = subprocess.run([sys.executable, "-c", _SHARE, "alone"], capture_output=True, text=True, check=True).stdout.strip()
    in_child = [int(n) for n in alone.split(",")]
    assert in_child == list(range(40 - len(in_child), 40)) and 10 <= len(in_child) <= 20
    with_thread = subprocess.run([sys.executable, "-c", _SHARE, "thread"], capture_output=True, text=True, check=True).stdout.strip()
    assert with_thread == ""


_FAILING_CHILD = """
import os
from skillwiki_sdk.parallel import map_beside
parent = os.getpid()
forks = []
fork = os.fork
os.fork = lambda: forks.append(1) or fork()
def dies_in_the_child(number):
    if os.getpid() != parent:
        os._exit(3)
    return number + 1
def unpicklable_in_the_child(number):
    if os.getpid() != parent:
        return lambda: number  # a result that cannot travel back
    return number - 1
assert map_beside(dies_in_the_child, [(n,) for n in range(30)]) == [n + 1 for n in range(30)]
assert map_beside(unpicklable_in_the_child, [(n,) for n in range(30)]) == [n - 1 for n in range(30)]
print(len(forks))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_map_beside_does_the_child_part_itself_when_the_child_fails() -> None:
    import subprocess

    done = subprocess.run([sys.executable, "-c", _FAILING_CHILD], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "2"  # both forked, both children failed, all results here


_HELPER = """
import os, sys, threading, time
from skillwiki_sdk.parallel import Helper
parent = os.getpid()
def prepare():
    time.sleep(0.2)  # ready later than the parent, which goes on meanwhile
    return lambda items: [(number * 3, os.getpid() != parent) for (number,) in items]
def prepare_and_die():
    os._exit(5)
started = time.monotonic()
helper = Helper(prepare)
assert time.monotonic() - started < 0.15  # the parent did not wait for prepare
assert helper.send([(n,) for n in range(5)])
assert helper.results() == [(n * 3, True) for n in range(5)]
assert helper.results() is None and not helper.send([(1,)])  # once only
dead = Helper(prepare_and_die)
assert not dead.send([(1,)]) or dead.results() is None
idle = Helper(prepare)
started = time.monotonic()
idle.close()  # stopped at once, without waiting for prepare
assert time.monotonic() - started < 0.15 and not idle.send([(1,)])
stop = threading.Event()
threading.Thread(target=stop.wait).start()
with Helper(prepare) as none:  # another thread running: no fork
    assert none.pid == 0 and not none.send([(1,)]) and none.results() is None
stop.set()
print("ok")
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_helper_prepares_beside_then_does_the_work_it_is_sent() -> None:
    import subprocess

    done = subprocess.run([sys.executable, "-c", _HELPER], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
