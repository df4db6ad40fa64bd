"""Work shared among forked processes: how many to fork, and running the shares.

Each share is a call ``work(k)`` for k in 0…n-1: share 0 runs in this
process, the others in forked children (they inherit ``work`` and
everything it reads; only the results cross between processes, through a
pipe each). A child that dies raises ``BrokenProcessPool`` in the caller,
which decides what to do (the callers redo the work in one process).
A :class:`Team` keeps its children for several steps of one job, talking
with each through a two-way pipe; :func:`in_forks` is a team of one step.
Children are forked directly rather than through a pool: a pool hands work
over with threads of this process, which wait for it to let go of the
interpreter, and a child could wait up to two tenths of a second to start (measured).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")


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


def in_forks(work: Callable[[int], T], n: int) -> list[T]:
    """``[work(0), …, work(n-1)]``: shares 1…n-1 in forked processes (a :class:`Team` of one step), share 0 in
    this one meanwhile. Each child starts on its share at once (it inherits ``work``: nothing but ``k`` is
    handed over) and sends its result back; a child that dies without sending raises ``BrokenProcessPool``."""
    if n <= 1:
        return [work(0)]
    team = Team(lambda k, channel: channel.send((True, work(k))), n)
    try:
        mine = work(0)
        return [mine, *(team.receive(k) for k in range(1, n))]
    finally:
        team.close()


class Team:
    """Children forked once that stay for the steps of one job: child k runs ``life(k, channel)``, its end of a
    two-way pipe, while this process does share 0 and talks with it (:meth:`send`, :meth:`receive`). A child
    sends ``(True, value)``, or ``(False, exception)`` when its life raised; one that dies without a word
    raises ``BrokenProcessPool`` here. :meth:`close` lets them go (a child waiting for a message then ends)."""

    def __init__(self, life: Callable, n: int):
        ctx = mp.get_context("fork")
        self.children: list[tuple] = []
        try:
            for k in range(1, n):
                mine, theirs = ctx.Pipe(duplex=True)
                child = ctx.Process(target=_stay, args=(life, k, theirs), daemon=True)
                child.start()
                theirs.close()
                self.children.append((child, mine))
        except BaseException:
            self.close()
            raise

    def __len__(self) -> int:
        return len(self.children) + 1

    def send(self, k: int, value) -> None:
        try:
            self.children[k - 1][1].send(value)
        except (BrokenPipeError, ConnectionResetError):
            raise BrokenProcessPool(f"le processus de la part {k} s'est arrêté") from None

    def receive(self, k: int):
        try:
            done, value = self.children[k - 1][1].recv()
        except (EOFError, ConnectionResetError):
            raise BrokenProcessPool(f"le processus de la part {k} s'est arrêté sans résultat") from None
        if not done:
            raise value
        return value

    def exchange(self, value) -> list:
        """Send ``value`` to every child while receiving what each sends (a thread sends: the two ways at
        once, so that neither side waits for the other to finish); the children's messages, in order."""
        failed: list[BaseException] = []

        def send_all() -> None:
            try:
                for k in range(1, len(self)):
                    self.send(k, value)
            except BaseException as exc:  # raised below, once the messages are in
                failed.append(exc)

        sender = threading.Thread(target=send_all, daemon=True)
        sender.start()
        try:
            received = [self.receive(k) for k in range(1, len(self))]
        finally:
            sender.join()
        if failed:
            raise failed[0]
        return received

    def close(self) -> None:
        for child, channel in self.children:
            channel.close()
            if child.is_alive():
                child.kill()
            child.join()
        self.children = []


def _stay(life: Callable, k: int, channel) -> None:
    try:
        life(k, channel)
    except (EOFError, BrokenPipeError):  # this process let the team go: nothing more to do
        pass
    except BaseException as exc:  # sent as it is (BadInput can be pickled) and raised by the parent
        try:
            channel.send((False, exc))
        except OSError:
            pass
    channel.close()
