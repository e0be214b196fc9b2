"""What the ``skillwiki`` command does to its own process, and the library never does.

The command owns its process, so it may: keep file descriptor 1 for its report and
point it at stderr for everything else (a plugin's ``print``, ``os.write(1, ...)``,
its threads and its child processes), give plugin code a time budget with a
real-time alarm, spread atom files over a pool of worker processes, tune the
garbage collector, and end without waiting for threads a plugin left running.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

__all__ = ["AtomPool", "TimeBudget", "TIMEOUT_ENV", "owned_stdout"]

TIMEOUT_ENV = "SKILLWIKI_PLUGIN_TIMEOUT"
WATCHDOG = "skillwiki-time-budget"  # the name of the time budget's watchdog thread
DEFAULT_TIMEOUT = 10.0


class PluginTimeout(Exception):
    """Plugin code ran longer than its time budget."""


# A budget longer than this (about 11 days), or infinite, is none: the clocks of
# the alarm and of the watchdog cannot count to any number.
LONGEST = 1e6


def _budget() -> float:
    try:
        seconds = float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    if seconds != seconds or seconds <= 0 or seconds > LONGEST:  # (nan, none, or too long to count)
        return 0.0
    return seconds


class TimeBudget:
    """A guard (see :data:`skillwiki_sdk.plugins.Guard`) that interrupts plugin code
    after ``seconds`` (default: ``SKILLWIKI_PLUGIN_TIMEOUT``, else 10; 0 for none)
    with :class:`PluginTimeout`.

    Two alarms: a real-time timer (SIGALRM) armed for each piece of plugin code,
    and, for code that ignores or replaces that signal's handler, a watchdog thread
    that sends SIGUSR2 to the main thread a second after the budget ran out, and
    again every second. Both handlers are the command's, installed by
    :meth:`installed` for the whole command and put back before each piece of
    plugin code. It needs the main thread of a platform with ``setitimer`` and
    ``pthread_kill``; elsewhere plugin code runs unbounded. Code that blocks every
    signal, or ends the process, cannot be stopped from inside the process.
    """

    GRACE = 1.0

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = _budget() if seconds is None else (seconds if 0 < seconds <= LONGEST else 0.0)
        self._active = False
        self._deadline: float | None = None
        self._wake: Any = None
        self._watchdog: tuple[Any, Any] | None = None  # (thread, its stop event) while it runs

    @contextlib.contextmanager
    def installed(self) -> Iterator[TimeBudget]:
        import signal
        import threading

        usable = hasattr(signal, "setitimer") and hasattr(signal, "pthread_kill") and hasattr(signal, "SIGUSR2")
        if not self.seconds or not usable or threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = {number: signal.signal(number, self._expire) for number in (signal.SIGALRM, signal.SIGUSR2)}
        self._wake = threading.Condition()
        self._start_watchdog()
        self._active = True
        try:
            yield self
        finally:
            self._active = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            self._stop_watchdog()
            for number, handler in previous.items():
                signal.signal(number, handler)

    @contextlib.contextmanager
    def without_watchdog(self) -> Iterator[None]:
        """No watchdog thread while the block runs, in which no plugin code may run:
        for a fork (a child gets only the forking thread, and whatever locks the
        others held). It runs again afterwards."""
        if self._watchdog is None:
            yield
            return
        self._stop_watchdog()
        try:
            yield
        finally:
            self._start_watchdog()

    def _start_watchdog(self) -> None:
        import threading

        stop = threading.Event()
        main = threading.main_thread().ident
        watchdog = threading.Thread(target=self._watch, args=(stop, main), name=WATCHDOG, daemon=True)
        watchdog.start()
        self._watchdog = (watchdog, stop)

    def _stop_watchdog(self) -> None:
        if self._watchdog is None:
            return
        watchdog, stop = self._watchdog
        self._watchdog = None
        with self._wake:
            self._deadline = None
            stop.set()
            self._wake.notify()
        watchdog.join(1)

    def _watch(self, stop: Any, main: int | None) -> None:
        import signal
        import time

        with self._wake:
            while not stop.is_set():
                deadline = self._deadline
                if deadline is None:
                    self._wake.wait()
                    continue
                late = time.monotonic() - (deadline + self.GRACE)
                if late < 0:
                    self._wake.wait(-late)
                    continue
                if main is not None:
                    signal.pthread_kill(main, signal.SIGUSR2)
                self._deadline = deadline + self.GRACE  # and again a second later, if need be
                self._wake.wait(self.GRACE)

    def _expire(self, signum: int, frame: Any) -> None:
        if self._deadline is None:
            return  # late: the plugin code is over
        raise PluginTimeout(f"took longer than {self.seconds:g} s (set {TIMEOUT_ENV} to allow more)")

    @contextlib.contextmanager
    def __call__(self, what: str) -> Iterator[None]:
        if not self._active:
            yield
            return
        import signal
        import time

        for number in (signal.SIGALRM, signal.SIGUSR2):  # a plugin may have replaced or ignored them
            signal.signal(number, self._expire)
        with self._wake:
            self._deadline = time.monotonic() + self.seconds
            self._wake.notify()
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            with self._wake:
                self._deadline = None
            for number in (signal.SIGALRM, signal.SIGUSR2):
                signal.signal(number, self._expire)


@contextlib.contextmanager
def owned_stdout() -> Iterator[TextIO]:
    """A stream on a copy of file descriptor 1 for the command's report, while fd 1
    itself (and ``sys.stdout``) point at stderr: whatever else writes to standard
    output (a plugin, its threads, its child processes) lands on stderr, and the
    report on stdout stays what the format promises. Where there is no usable fd 1
    (an embedding host), the current ``sys.stdout`` is given, unchanged.

    For a process about to end: fd 1 is left pointing at stderr afterwards, so that
    a thread a plugin left writing cannot add to the report once it is complete."""
    stdout = sys.stdout
    try:
        if stdout is None or stdout.fileno() != 1 or sys.stderr is None:
            raise ValueError
        stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        yield stdout
        return
    report = open(saved, "w", encoding=stdout.encoding, errors=stdout.errors or "strict", closefd=True, newline=None)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        yield report
    finally:
        with contextlib.suppress(OSError, ValueError):
            report.close()


# Below this many atom files a pool costs more than it saves (start-up and pickling).
PARALLEL_THRESHOLD = 2000
# Files sent to a worker at a time: large enough that pickling is batched, small
# enough that both workers stay busy to the end.
CHUNK = 250


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class AtomPool:
    """A ``map`` for :func:`skillwiki_sdk.validation.load_bundle` that spreads atom
    files over worker processes when there are enough of them to pay for a pool
    (``jobs`` given, or :data:`PARALLEL_THRESHOLD` files and more), and is the
    built-in ``map`` otherwise. Each call has a pool of its own, ended as soon as its
    results are in: the workers' memory is given back before the bundle is checked."""

    def __init__(self, jobs: int | None = None, *, forking: Callable[[], Any] | None = None) -> None:
        self.jobs = jobs
        # what the pool's forks happen inside (the time budget's TimeBudget.without_watchdog)
        self.forking = forking or contextlib.nullcontext

    def workers(self, count: int) -> int:
        if self.jobs is not None:
            wanted = max(1, self.jobs)
        elif count < PARALLEL_THRESHOLD:
            wanted = 1
        else:
            wanted = min(cores(), 8)
        return min(wanted, max(1, count // 2))

    def __call__(self, function: Callable[..., Any], *iterables: Iterable[Any]) -> Iterable[Any]:
        columns = [list(column) for column in iterables]
        count = min((len(column) for column in columns), default=0)
        workers = self.workers(count)
        if workers <= 1:
            return map(function, *columns)
        with self.forking():
            if not _may_fork():
                return list(map(function, *columns))
            return self._forked(workers, count, function, columns)

    def _forked(self, workers: int, count: int, function: Callable[..., Any], columns: list[list[Any]]) -> list[Any]:
        import gc
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork: workers start at once with what is imported and compiled here (the
        # schema checks); spawn where there is no fork
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        size = max(1, min(CHUNK, -(-count // (workers * 4))))
        # what exists now is shared with the forked workers page by page; frozen, no
        # collection in a worker walks it and copies those pages
        gc.freeze()
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method)) as pool:
                return list(pool.map(function, *columns, chunksize=size))
        finally:
            gc.unfreeze()

    def close(self) -> None:
        """Nothing is left running between calls; kept for ``with``."""

    def __enter__(self) -> AtomPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _may_fork() -> bool:
    """A pool of forked workers only while this process runs no other thread (a
    fork copies one thread and whatever locks the others held)."""
    import threading

    return threading.active_count() == 1


def threads_left() -> bool:
    """Whether threads other than this one that the interpreter would wait for at
    exit are still running (a plugin's)."""
    import threading

    current = threading.current_thread()
    return any(thread is not current and thread.is_alive() and not thread.daemon for thread in threading.enumerate())
