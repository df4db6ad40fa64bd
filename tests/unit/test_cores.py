"""Shares run in forked processes: results in order, errors and dying children reach the caller; a team stays
for several steps."""

import multiprocessing as mp
import os
import signal
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from engine.cores import Team, in_forks, workers_for
from engine.problems import BadInput, Problem


def test_results_come_back_in_share_order_and_share_0_runs_here():
    here = os.getpid()
    got = in_forks(lambda k: (k, os.getpid() == here), 3)
    assert got == [(0, True), (1, False), (2, False)]


def test_an_error_in_a_child_is_raised_here_as_it_was():
    def work(k):
        if k == 1:
            raise BadInput([Problem("journal.jsonl", 7, "le fichier a changé pendant la lecture")])
        return k

    with pytest.raises(BadInput, match="journal.jsonl:7"):
        in_forks(work, 2)


def test_a_child_that_dies_breaks_the_work_rather_than_hanging():
    def work(k):
        if k == 1:
            os._exit(9)
        return k

    with pytest.raises(BrokenProcessPool):
        in_forks(work, 2)


def test_one_share_forks_nothing_and_the_environment_sets_the_number(monkeypatch):
    here = os.getpid()
    assert in_forks(lambda k: os.getpid() == here, 1) == [True]
    monkeypatch.delenv("FLUX_RULES_PROCESSUS", raising=False)
    assert workers_for(10, 100) == 1
    assert 1 <= workers_for(100, 100) <= 4
    monkeypatch.setenv("FLUX_RULES_PROCESSUS", "3")
    assert workers_for(10, 100) == 3


def test_a_share_that_raises_or_dies_reaches_the_parent():
    def raises(k):
        if k == 1:
            raise BadInput([Problem("journal.jsonl", 7, "le fichier a changé entre les deux lectures")])
        return k

    with pytest.raises(BadInput, match="journal.jsonl:7"):
        in_forks(raises, 2)
    with pytest.raises(BrokenProcessPool):
        in_forks(lambda k: os._exit(9) if k else 0, 2)
    assert not mp.active_children()


def test_a_team_let_go_early_leaves_no_process_behind():
    team = Team(lambda k, channel: channel.recv(), 3)  # its members wait for a message that never comes
    team.close()
    assert not any(child.is_alive() for child in mp.active_children())


def _stop_the_children():
    for child in mp.active_children():
        os.kill(child.pid, signal.SIGSTOP)


def test_a_stopped_child_counts_as_dead_after_a_bounded_wait(monkeypatch):
    import engine.cores as cores

    monkeypatch.setattr(cores, "STOPPED_AFTER", 0.3)

    def work(k):
        if k == 0:
            _stop_the_children()
            return 0
        time.sleep(0.5)
        return k

    start = time.monotonic()
    with pytest.raises(BrokenProcessPool, match="est arrêté"):
        in_forks(work, 2)
    assert time.monotonic() - start < 10
    assert not mp.active_children()  # killed, not left stopped


def test_a_child_that_neither_works_nor_answers_counts_as_dead(monkeypatch):
    import engine.cores as cores

    monkeypatch.setattr(cores, "SILENT_AFTER", 0.5)
    start = time.monotonic()
    with pytest.raises(BrokenProcessPool, match="ne travaille plus"):
        in_forks(lambda k: time.sleep(3600) if k else 0, 2)
    assert time.monotonic() - start < 10


def test_a_child_short_of_memory_breaks_the_work_to_be_redone_in_one_process():
    def work(k):
        if k:
            raise MemoryError
        return k

    with pytest.raises(BrokenProcessPool, match="manqué de mémoire"):
        in_forks(work, 2)
