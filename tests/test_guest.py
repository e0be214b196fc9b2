"""The library is a guest in its host's process (DESIGN.md, "The library and the
command line"): a host with its own real-time timer and SIGALRM handler, a thread
writing to stdout and its own gc settings calls ``Registry.discover()``,
``validate()`` and ``load_bundle()`` of a 3,000-atom bundle, with a plugin installed,
and finds its process as it left it. The same calls under ``python -X dev -W error``
print no warning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT
from plugin_factory import write_bundle, write_distribution

sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate_bundle

ATOMS = 3000

HOST = textwrap.dedent(
    """
    import gc, json, os, signal, sys, threading, time

    bundle, results = sys.argv[1], sys.argv[2]
    forks = []
    os.register_at_fork(before=lambda: forks.append(os.getpid()))
    ticks = []

    def handler(signum, frame):
        ticks.append(time.monotonic())

    signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, 0.02, 0.02)
    gc.set_threshold(1234, 7, 3)
    gc.disable()
    stop = threading.Event()
    written = []

    def writer():
        number = 0
        while not stop.is_set():
            os.write(1, f"host line {number}\\n".encode())
            written.append(number)
            number += 1
            time.sleep(0.001)

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.05)

    from skillwiki_sdk import Registry, load_bundle, validate

    calls = {}
    for name, call in (
        ("discover", lambda: len(Registry.discover())),
        ("validate", lambda: validate(bundle).atoms),
        ("validate-with-registry", lambda: validate(bundle, registry=Registry.discover()).atoms),
        ("load_bundle", lambda: len(load_bundle(bundle).atoms)),
    ):
        before = len(ticks)
        calls[name] = [call(), len(ticks) - before]
    time.sleep(0.05)
    stop.set()
    thread.join()
    timer = signal.getitimer(signal.ITIMER_REAL)
    with open(results, "w") as out:
        json.dump({
            "forks": forks,
            "calls": calls,
            "handler_is_the_host_s": signal.getsignal(signal.SIGALRM) is handler,
            "timer": list(timer),
            "gc": [gc.isenabled(), list(gc.get_threshold())],
            "written": len(written),
            "threads": threading.active_count(),
        }, out)
    signal.setitimer(signal.ITIMER_REAL, 0)  # an alarm armed at exit would end the host
    """
)


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("guest")
    bundle = base / "bundle"
    generate_bundle(str(bundle), ATOMS)
    site = base / "site"
    write_bundle(write_distribution(site, "skillwiki-gu-plugin", "1.0.0", "gu_plugin") / "bundle", "gu-plugin")
    results = base / "results.json"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    # only this test's plugin, whatever else is installed here (make demo installs one)
    environ.update(
        PYTHONPATH=str(site), SKILLWIKI_CACHE_DIR=str(base / "cache"), SKILLWIKI_LOAD_PLUGINS="skillwiki-gu-plugin"
    )
    done = subprocess.run(
        [sys.executable, "-c", HOST, str(bundle), str(results)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return {**json.loads(results.read_text()), "stdout": done.stdout, "stderr": done.stderr}


def test_the_host_is_never_forked(host: dict) -> None:
    assert host["forks"] == []
    assert host["threads"] == 1  # none started and left behind


def test_the_library_calls_did_their_work(host: dict) -> None:
    calls = host["calls"]
    assert calls["discover"][0] == 1  # the installed plugin's domain
    assert calls["validate"][0] == calls["validate-with-registry"][0] == calls["load_bundle"][0] == ATOMS


def test_the_host_s_timer_kept_running_with_the_host_s_handler(host: dict) -> None:
    assert host["handler_is_the_host_s"] is True
    value, interval = host["timer"]
    assert interval == pytest.approx(0.02) and 0 < value <= 0.02
    # the alarm went on firing while the library worked on 3,000 atoms
    assert host["calls"]["validate"][1] > 0 and host["calls"]["load_bundle"][1] > 0


def test_every_line_the_host_s_thread_wrote_went_to_stdout(host: dict) -> None:
    lines = host["stdout"].splitlines()
    assert host["written"] > 50
    assert lines == [f"host line {number}" for number in range(host["written"])]
    assert "host line" not in host["stderr"] and host["stderr"] == ""


def test_gc_is_as_the_host_left_it(host: dict) -> None:
    assert host["gc"] == [False, [1234, 7, 3]]


DEV = textwrap.dedent(
    """
    import sys
    from skillwiki_sdk import Registry, load_bundle, validate
    from skillwiki_sdk.cache import Cache

    bundle, wheel, cache = sys.argv[1], sys.argv[2], sys.argv[3]
    registry = Registry.discover(cache=Cache(cache))
    registry = Registry.discover(cache=Cache(cache))  # warm
    assert len(registry) == 1, registry.problems
    assert validate(bundle, registry=registry).atoms == 2
    assert not validate(wheel).findings or True
    assert len(load_bundle(bundle).atoms) == 2
    assert registry.known_ids() == {"gu-dev": {"hello", "world"}}
    """
)


def test_the_public_api_prints_no_warning_under_dev_mode_and_w_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_bundle(write_distribution(site, "skillwiki-gu-dev", "1.0.0", "gu_dev") / "bundle", "gu-dev")
    bundle = write_bundle(tmp_path / "bundle", "gu-other", atoms={"a": {"related": ["'@gu-dev/hello'"]}, "b": {}})
    wheel = tmp_path / "not-a-wheel.whl"
    wheel.write_bytes(b"PK\x03\x04 broken")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    environ.update(PYTHONPATH=str(site), PYTHONWARNINGS="error", SKILLWIKI_LOAD_PLUGINS="skillwiki-gu-dev")
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error", "-c", DEV, str(bundle), str(wheel), str(tmp_path / "cache")],
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
