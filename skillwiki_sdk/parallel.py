"""Spreading per-file work over processes when the work is large enough to pay."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

T = TypeVar("T")

__all__ = ["map_beside", "map_files", "PARALLEL_THRESHOLD"]

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
# schema check leaves per call) is collected by hand every this many files: a
# young-generation pass looks only at what was made since the last one.
_SWEEP_EVERY = 500


def _call_chunk(function: Callable[..., T], chunk: Sequence[tuple[Any, ...]]) -> list[T]:
    results = []
    for index, arguments in enumerate(chunk, 1):
        results.append(function(*arguments))
        if index % _SWEEP_EVERY == 0:
            gc.collect(0)
    gc.collect(0)
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
    on it; only the results travel back, pickled through a pipe.

    Where a child cannot be forked safely (no fork, or other threads running), or
    when it does not bring its results back (it died, or they do not pickle), that
    part is done here: the results are the same either way.
    """
    import threading

    def here(part: Sequence[tuple[Any, ...]]) -> list[T]:
        return [function(*item) for item in part]

    split = len(items) - int(len(items) * share)
    if split >= len(items) or not hasattr(os, "fork") or threading.active_count() > 1:
        return here(items)
    import pickle

    for stream in (sys.stdout, sys.stderr):  # what is buffered here must not be written twice
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    read_end, write_end = os.pipe()
    try:
        child = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return here(items)
    if child == 0:  # pragma: no cover - runs in the child, which never returns
        status = 1
        try:
            os.close(read_end)
            gc.disable()  # it lives briefly: collecting would only copy shared pages
            data = pickle.dumps(here(items[split:]), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            status = 0
        except BaseException:  # noqa: BLE001 - the parent does this part itself
            pass
        finally:
            os._exit(status)
    os.close(write_end)
    theirs: list[T] | None = None
    pipe = os.fdopen(read_end, "rb")
    try:
        mine = here(items[:split])
        data = pipe.read()
        _, status = os.waitpid(child, 0)
        child = 0
        if status == 0:
            try:
                theirs = pickle.loads(data)
            except Exception:  # noqa: BLE001 - a result that does not travel: do that part here
                theirs = None
    finally:
        pipe.close()
        if child:  # interrupted here: the child is of no more use
            import signal

            try:
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
            except OSError:
                pass
    if theirs is None or len(theirs) != len(items) - split:
        theirs = here(items[split:])
    return mine + theirs
