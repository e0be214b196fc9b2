"""Spreading per-file work over processes when the work is large enough to pay."""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Sequence, TypeVar

T = TypeVar("T")

__all__ = ["map_files", "PARALLEL_THRESHOLD"]

# Below this many files a pool costs more than it saves (start-up and pickling).
PARALLEL_THRESHOLD = 2000


def _jobs(count: int, jobs: int | None) -> int:
    if jobs is not None:
        return max(1, jobs)
    if count < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _call_chunk(function: Callable[..., T], chunk: Sequence[tuple[Any, ...]]) -> list[T]:
    return [function(*arguments) for arguments in chunk]


def map_files(function: Callable[..., T], items: Sequence[tuple[Any, ...]], jobs: int | None = None) -> Iterable[T]:
    """``function(*item)`` for every item, in order; in several processes when it pays.

    The order of results is the order of ``items`` whatever the number of processes,
    so findings are the same file by file.
    """
    workers = _jobs(len(items), jobs)
    if workers == 1 or len(items) < 2:
        return [function(*item) for item in items]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, min(500, len(items) // (workers * 4) or 1))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    results: list[T] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for chunk_result in pool.map(_call_chunk, [function] * len(chunks), chunks):
            results.extend(chunk_result)
    return results
