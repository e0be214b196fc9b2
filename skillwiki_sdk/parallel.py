"""Spreading per-file work over processes when the work is large enough to pay."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

T = TypeVar("T")

__all__ = ["Helper", "map_beside", "map_files", "PARALLEL_THRESHOLD"]

# Below this many files a pool costs more than it saves (start-up and pickling).
PARALLEL_THRESHOLD = 2000
# Files sent to a worker at a time: large enough that pickling is batched, small
# enough that both workers stay busy to the end.
_CHUNK = 250


def _jobs(count: int, jobs: int | None) -> int:
    if jobs is not None:
        return max(1, jobs)
    if count < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(_cpus(), 8))


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may run on
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@contextlib.contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Hold the cyclic garbage collector while results pile up.

    Every object kept (an atom and its frontmatter) counts towards the next full
    collection, and each full collection walks all of them again: over 100,000
    atoms that makes loading quadratic. The work here makes no cycles worth
    collecting; the collector resumes as it was when the work is done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# With the collector held, young cyclic garbage (such as the closure a compiled
# schema check leaves per call) is collected by hand every this many files, counted
# across calls: a young-generation pass looks only at what was made since the last
# one, and many small calls (a bundle of a few atoms each) do not pay one pass each.
# What is left when the collector resumes, it collects as usual; a pool's workers,
# forked while it was held, rely on these passes alone.
_SWEEP_EVERY = 500
_unswept = [0]


def _call_chunk(function: Callable[..., T], chunk: Sequence[tuple[Any, ...]]) -> list[T]:
    results = []
    for arguments in chunk:
        results.append(function(*arguments))
        _unswept[0] += 1
        if _unswept[0] >= _SWEEP_EVERY:
            gc.collect(0)
            _unswept[0] = 0
    return results


def map_files(function: Callable[..., T], items: Sequence[tuple[Any, ...]], jobs: int | None = None) -> Iterable[T]:
    """``function(*item)`` for every item, in order; in several processes when it pays.

    ``jobs`` is the number of processes (default: one below
    :data:`PARALLEL_THRESHOLD` items, else one per available core, at most 8). The
    order of results is the order of ``items`` whatever the number of processes, so
    findings are the same file by file. ``function`` and its results must pickle.
    """
    workers = min(_jobs(len(items), jobs), max(1, len(items) // 2))
    with _no_gc_pauses():
        if workers == 1:
            return _call_chunk(function, items)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        size = max(1, min(_CHUNK, -(-len(items) // (workers * 4))))
        chunks = [items[start : start + size] for start in range(0, len(items), size)]
        # fork: workers start at once with everything already imported and compiled
        # (the schema validators); spawn where there is no fork.
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        results: list[T] = []
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for chunk_result in pool.map(_call_chunk, [function] * len(chunks), chunks):
                results.extend(chunk_result)
        return results


def map_beside(function: Callable[..., T], items: Sequence[tuple[Any, ...]], share: float = 0.45) -> list[T]:
    """``function(*item)`` for every item, in order: the last ``share`` of the items in
    one forked child while this process does the rest, for work too small to pay for
    a pool (a fork costs a few milliseconds; a pool, its imports and its workers,
    tens). The child inherits everything this process holds, so ``function`` may rely
    on it; the items and the results travel pickled through pipes.

    Where a child cannot be forked safely (no fork, or other threads running), or
    when it does not bring its results back (it died, or they do not pickle), that
    part is done here: the results are the same either way.
    """

    def here(part: Sequence[tuple[Any, ...]]) -> list[T]:
        return [function(*item) for item in part]

    split = len(items) - int(len(items) * share)
    if split >= len(items):
        return here(items)
    child = Helper(lambda: here)
    try:
        if not child.send(items[split:]):
            return here(items)
        mine = here(items[:split])
        theirs = child.results()
    finally:
        child.close()  # at once if interrupted: the child is of no more use
    if theirs is None or len(theirs) != len(items) - split:
        theirs = here(items[split:])
    return mine + theirs


class Helper:
    """One child process, forked at once, that takes a share of some work later.

    The child calls ``prepare()`` straight away, while this process goes on with
    other things (it imports and compiles what the work needs, say), then waits for
    its items (:meth:`send`); ``prepare`` returns the function that it then calls
    on the list of them, and that returns their results, in order. Before the
    items, the child may be told what is coming (:meth:`tell`), to start on it: the
    function's ``tell`` method, if it has one, is called with what it was told and
    a function that says whether this process has sent more since (then the news
    may wait: the items have come).
    It inherits what this process holds at the fork, not what this process does
    afterwards: ``prepare`` must set up whatever the work relies on.

    Where a child cannot be forked safely (no fork, or other threads running) there
    is none, and :meth:`send` says so; the caller does the work itself. Closing it
    (also as a context manager) stops a child that has not finished.
    """

    def __init__(self, prepare: Callable[[], Callable[[list[Any]], list[Any]]]) -> None:
        import threading

        self.pid = 0
        self._work = self._results = -1
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return
        for stream in (sys.stdout, sys.stderr):  # what is buffered here must not be written twice
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass
        work_read, work_write = os.pipe()
        results_read, results_write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for end in (work_read, work_write, results_read, results_write):
                os.close(end)
            return
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            # the parent's ends, of these pipes and of other helpers' (whose children
            # would never see the end of their input while this one holds them)
            _serve(prepare, work_read, results_write, (work_write, results_read, *_PARENT_ENDS))
        os.close(work_read)
        os.close(results_write)
        self.pid, self._work, self._results = pid, work_write, results_read
        _PARENT_ENDS.update((work_write, results_read))

    def tell(self, news: Any) -> bool:
        """Tell the child something it may start on before its items come (it need
        not); false when there is no child to tell."""
        return self._write(_TELL, news)

    def send(self, items: Sequence[tuple[Any, ...]]) -> bool:
        """Hand the child its items, once; false when there is no child to take
        them (none was forked, it died, or the items do not pickle)."""
        sent = self._write(_WORK, list(items))
        if sent:  # the child has all its input
            _PARENT_ENDS.discard(self._work)
            os.close(self._work)
            self._work = -1
        return sent

    def _write(self, kind: bytes, payload: Any) -> bool:
        if not self.pid or self._work < 0:
            return False
        import pickle

        try:
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
            frame = memoryview(kind + len(data).to_bytes(8, "little") + data)
            while frame:
                frame = frame[os.write(self._work, frame) :]
        except Exception:  # noqa: BLE001 - a broken pipe, or what does not pickle
            self.close()
            return False
        return True

    def results(self) -> list[Any] | None:
        """The child's results for the items sent, in order, once it has finished;
        ``None`` when it did not bring them back."""
        if not self.pid or self._results < 0:
            return None
        import pickle

        end, self._results = self._results, -1
        _PARENT_ENDS.discard(end)
        try:
            with os.fdopen(end, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
            if status == 0 and data:
                return pickle.loads(data)
        except Exception:  # noqa: BLE001 - a result that does not travel: the caller does that part
            pass
        finally:
            self.close()
        return None

    def close(self) -> None:
        """Stop the child if it still runs, and reap it."""
        for end in (self._work, self._results):
            if end >= 0:
                _PARENT_ENDS.discard(end)
                os.close(end)
        self._work = self._results = -1
        if self.pid:
            import signal

            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = 0

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# This process's ends of the pipes to helpers still open.
_PARENT_ENDS: set[int] = set()
# What a frame to a helper holds, before its length (8 bytes) and its pickle.
_TELL, _WORK = b"t", b"w"


def _read_exactly(end: int, size: int) -> bytes:
    """``size`` bytes from the pipe ``end``, fewer only at its end."""
    parts = []
    while size > 0:
        part = os.read(end, min(size, 1 << 20))
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _serve(prepare: Callable[[], Callable[[list[Any]], list[Any]]], work: int, results: int, theirs: tuple[int, ...]) -> None:  # pragma: no cover - in the child
    """A :class:`Helper`'s child: prepare, read its items, write back its results, and
    end without running anything of the parent's (exit handlers, buffered output)."""
    status = 1
    try:
        for end in theirs:
            try:
                os.close(end)
            except OSError:
                pass
        _PARENT_ENDS.clear()  # those were the parent's; a helper of this child adds its own
        gc.disable()  # it lives briefly: collecting would only copy shared pages
        function = prepare()
        import pickle
        import select

        def more() -> bool:  # sent and not read yet (frames are read exactly: nothing is held here)
            return bool(select.select([work], [], [], 0)[0])

        while True:
            head = _read_exactly(work, 9)
            if len(head) < 9:
                break  # the end, without items: the parent did not need them after all
            payload = pickle.loads(_read_exactly(work, int.from_bytes(head[1:], "little")))
            if head[:1] == _WORK:
                done = pickle.dumps(function(payload), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(results, "wb") as out:
                    out.write(done)
                break
            try:
                getattr(function, "tell", lambda news, more: None)(payload, more)
            except Exception:  # noqa: BLE001 - news to start on: the items alone are the work
                pass
        status = 0
    except BaseException:  # noqa: BLE001 - the parent does this part itself
        pass
    finally:
        os._exit(status)
