"""Work shared among forked processes: how many to fork, and running the shares.

Each share is a call ``work(k)`` for k in 0…n-1: share 0 runs in this
process, the others in forked children (they inherit ``work`` and
everything it reads; only ``k`` and the results cross between processes).
A child that dies breaks the pool: the caller gets ``BrokenProcessPool`` and
decides what to do (the callers redo the work in one process).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")

_WORK: Callable | None = None  # what the forked children call (inherited, not sent)


def can_fork() -> bool:
    return "fork" in mp.get_all_start_methods()


def workers_for(size: int, smallest: int) -> int:
    """Processes for a job of ``size`` (records, rows): the cores this process may use (at most 4), or
    FLUX_RULES_PROCESSUS; one below ``smallest``, where forking costs more than it saves."""
    wanted = os.environ.get("FLUX_RULES_PROCESSUS", "").strip()
    if wanted.isdigit():
        return max(1, int(wanted))
    if size < smallest or not can_fork():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(4, cores))


def _call(k: int):
    return _WORK(k)


def in_forks(work: Callable[[int], T], n: int) -> list[T]:
    """``[work(0), …, work(n-1)]``: shares 1…n-1 in forked processes, share 0 in this one meanwhile."""
    global _WORK
    if n <= 1:
        return [work(0)]
    _WORK = work
    try:  # a child that dies makes the pool broken (an error here), never a wait without end
        with ProcessPoolExecutor(n - 1, mp_context=mp.get_context("fork")) as pool:
            others = [pool.submit(_call, k) for k in range(1, n)]
            mine = work(0)
            return [mine, *(future.result() for future in others)]
    finally:
        _WORK = None
