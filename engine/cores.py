"""Work shared among forked processes: how many to fork, and running the shares.

Each share is a call ``work(k)`` for k in 0…n-1: share 0 runs in this
process, the others in forked children (they inherit ``work`` and
everything it reads; only the results cross between processes, through a
pipe each). A child that dies raises ``BrokenProcessPool`` in the caller,
which decides what to do (the callers redo the work in one process).
A :class:`Team` holds the children of one :func:`in_forks` call, each
with its end of a pipe.
Every child ends with its parent: the kernel kills it when the parent dies
(``PR_SET_PDEATHSIG`` on Linux), and a parent stopped by SIGTERM kills its
children first. A child that stops answering (stopped by SIGSTOP, or using
no processor time and sending nothing for ``SILENT_AFTER`` seconds) is
killed and counts as dead: the callers then redo its work themselves.
Children are forked directly rather than through a pool: a pool hands work
over with threads of this process, which wait for it to let go of the
interpreter, and a child could wait up to two tenths of a second to start (measured).
"""

from __future__ import annotations

import ctypes
import errno
import multiprocessing as mp
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from engine.problems import BadInput, Problem

T = TypeVar("T")

MOST = 64  # processes FLUX_RULES_PROCESSUS may ask for
POLL = 0.1  # seconds between two looks at a child that has not answered yet
STOPPED_AFTER = 3.0  # seconds a child may stay stopped (SIGSTOP, SIGTSTP) before it counts as dead
SILENT_AFTER = 120.0  # seconds a child may stay without using the processor nor sending before it counts as dead
RESOURCE_ERRORS = (errno.ENOMEM, errno.EAGAIN, errno.ENFILE, errno.EMFILE)


def can_fork() -> bool:
    return "fork" in mp.get_all_start_methods()


def workers_for(size: int, smallest: int) -> int:
    """Processes for a job of ``size`` (records, rows): the cores this process may use (at most 4), or
    FLUX_RULES_PROCESSUS; one below ``smallest``, where forking costs more than it saves."""
    wanted = os.environ.get("FLUX_RULES_PROCESSUS", "").strip()
    if wanted:
        if not wanted.isdigit() or not 1 <= int(wanted) <= MOST:
            raise BadInput([Problem("FLUX_RULES_PROCESSUS", 0, f"« {wanted} » : attendu un nombre de processus "
                                                               f"entre 1 et {MOST} (1 : un seul processus)")])
        return int(wanted)
    if size < smallest or not can_fork():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(4, cores))


def out_of_resources(exc: BaseException) -> bool:
    """Whether ``exc`` says the machine lacks memory (or processes, or files) rather than that the work is
    wrong: the work can then be redone in one process."""
    if isinstance(exc, MemoryError):
        return True
    if isinstance(exc, OSError):
        return exc.errno in RESOURCE_ERRORS
    return isinstance(exc, RuntimeError) and "can't start new thread" in str(exc)


def why_alone(exc: BaseException) -> str:
    """Why the work goes on in one process, in French (said on stderr)."""
    if out_of_resources(exc):
        return "mémoire insuffisante pour partager le travail entre processus"
    detail = f" ({exc})" if str(exc) else ""
    return f"un processus de travail s'est arrêté{detail}"


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
    """The children of one :func:`in_forks` call: child k runs ``life(k, channel)``, its end of a pipe, while
    this process does share 0, then :meth:`receive` reads what it sends: ``(True, value)``, or ``(False,
    exception)`` when its life raised; one that dies without a word, or stops answering, or lacks memory, raises
    ``BrokenProcessPool`` here. :meth:`close` lets them go (a child still waiting on its pipe then ends)."""

    def __init__(self, life: Callable, n: int):
        ctx = mp.get_context("fork")
        self.children: list[tuple] = []
        _LIVE.append(self)
        _guard(True)
        try:
            for k in range(1, n):
                mine, theirs = ctx.Pipe(duplex=True)
                child = ctx.Process(target=_stay, args=(life, k, theirs, os.getpid()), daemon=True)
                try:
                    child.start()
                except OSError as exc:  # fork refused (out of memory, too many processes)
                    mine.close()
                    theirs.close()
                    if out_of_resources(exc):
                        raise BrokenProcessPool(f"le processus de la part {k} n'a pas pu être lancé") from exc
                    raise
                theirs.close()
                self.children.append((child, mine))
        except BaseException:
            self.close()
            raise

    def __len__(self) -> int:
        return len(self.children) + 1

    def receive(self, k: int):
        """What child k sends; a child that stops answering (stopped, hung) is killed and counts as dead."""
        channel = self.children[k - 1][1]
        self._watch(k, channel.poll)
        try:
            done, value = channel.recv()
        except (EOFError, ConnectionResetError):
            raise BrokenProcessPool(f"le processus de la part {k} s'est arrêté sans résultat") from None
        except MemoryError as exc:
            raise BrokenProcessPool(f"mémoire insuffisante pour recevoir la part {k}") from exc
        if not done:
            if out_of_resources(value):  # the child lacked memory: the work can be redone in one process
                raise BrokenProcessPool(f"le processus de la part {k} a manqué de mémoire ({value})") from value
            raise value
        return value

    def _watch(self, k: int, wait: Callable[[float], bool]) -> None:
        """Until ``wait(POLL)`` says done: child k is looked at every ``POLL`` seconds and killed (then
        ``BrokenProcessPool``) once stopped for ``STOPPED_AFTER`` seconds, or once it has used no processor
        time for ``SILENT_AFTER`` seconds. A pause of this process (itself stopped) starts the counts again."""
        if wait(0):
            return
        child = self.children[k - 1][0]
        stopped_since = quiet_since = last_look = time.monotonic()
        stopped, cpu = False, None
        while not wait(POLL):
            now = time.monotonic()
            if now - last_look > 10 * POLL + 1:  # this process was stopped or starved: the counts start again
                stopped_since = quiet_since = now
            last_look = now
            state = _state(child.pid)
            if state is None:
                if not child.is_alive():
                    return  # it has ended: what it sent, or the end of the pipe, is there to read
                continue
            code, used = state
            if code in "Tt":
                if not stopped:
                    stopped, stopped_since = True, now
                elif now - stopped_since >= STOPPED_AFTER:
                    self._dead(k, "est arrêté (signal SIGSTOP ?) et ne répond plus")
            else:
                stopped = False
            if used != cpu:
                cpu, quiet_since = used, now
            elif now - quiet_since >= SILENT_AFTER:
                self._dead(k, f"ne travaille plus et n'a rien envoyé depuis {SILENT_AFTER:.0f} s")

    def _dead(self, k: int, why: str) -> None:
        child = self.children[k - 1][0]
        child.kill()  # a stopped process is killed too; its pipe closes, and a send to it ends
        child.join(5)
        raise BrokenProcessPool(f"le processus de la part {k} {why}")

    def close(self) -> None:
        for child, channel in self.children:
            channel.close()
            if child.is_alive():
                child.kill()
            child.join()
        self.children = []
        if self in _LIVE:
            _LIVE.remove(self)
        if not _LIVE:
            _guard(False)


def _state(pid: int) -> tuple[str, int] | None:
    """A process's state letter and processor time used (ticks) from /proc, or None (gone, or no /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0].decode(), int(fields[11]) + int(fields[12])


_LIVE: list[Team] = []  # the teams of this process whose children are alive
_PREVIOUS: dict[int, object] = {}  # signal → the handler before ours
ENDING = (signal.SIGTERM, signal.SIGHUP)


def _guard(on: bool) -> None:
    """While a team lives, SIGTERM and SIGHUP kill its children before this process ends as the signal
    asked (only the main thread may set handlers: elsewhere, the kernel's PR_SET_PDEATHSIG is enough)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in ENDING:
        if on and signum not in _PREVIOUS:
            previous = signal.getsignal(signum)
            if previous is signal.SIG_IGN:
                continue
            _PREVIOUS[signum] = previous
            signal.signal(signum, _end_children)
        elif not on and signum in _PREVIOUS:
            signal.signal(signum, _PREVIOUS.pop(signum))


def _end_children(signum, frame) -> None:
    for team in list(_LIVE):
        for child, _ in team.children:
            try:
                os.kill(child.pid, signal.SIGKILL)
            except OSError:
                pass
    previous = _PREVIOUS.pop(signum, None) or signal.SIG_DFL
    signal.signal(signum, previous)
    if callable(previous):
        previous(signum, frame)
    else:
        os.kill(os.getpid(), signum)  # the default action: this process ends by the signal


def _die_with_parent(parent: int) -> None:
    """In a child: the kernel kills it when its parent dies (Linux); it does not run the parent's handlers."""
    for signum in ENDING:
        signal.signal(signum, signal.SIG_DFL)
    _LIVE.clear()
    _PREVIOUS.clear()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's SIGTERM handler still ends it
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _stay(life: Callable, k: int, channel, parent: int) -> None:
    _die_with_parent(parent)
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
