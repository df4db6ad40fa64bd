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


def _echo_twice(k, channel):
    """A team member: answers each message with (k, message), twice, then ends."""
    for _ in range(2):
        channel.send((True, (k, channel.recv())))


def test_a_team_stays_for_several_steps_and_answers_each_in_turn():
    team = Team(_echo_twice, 3)
    try:
        assert len(team) == 3
        for step in ("lire", "évaluer"):
            for k in (1, 2):
                team.send(k, step)
            assert [team.receive(k) for k in (1, 2)] == [(1, step), (2, step)]
    finally:
        team.close()
    assert not any(child.is_alive() for child in mp.active_children())


def test_a_team_member_that_raises_or_dies_reaches_the_parent():
    def life(k, channel):
        channel.recv()
        if k == 1:
            raise BadInput([Problem("journal.jsonl", 7, "le fichier a changé entre les deux lectures")])
        os._exit(9)

    team = Team(life, 3)
    try:
        team.send(1, "go")
        team.send(2, "go")
        with pytest.raises(BadInput, match="journal.jsonl:7"):
            team.receive(1)
        with pytest.raises(BrokenProcessPool):
            team.receive(2)
    finally:
        team.close()


def test_a_team_let_go_early_leaves_no_process_behind():
    team = Team(_echo_twice, 3)  # its members wait for a message that never comes
    team.close()
    assert not any(child.is_alive() for child in mp.active_children())


def _swap(k, channel):
    channel.send((True, ("de", k, "x" * 300_000)))  # larger than a pipe holds: both ways must flow at once
    channel.send((True, ("reçu", channel.recv()[:3])))


def test_an_exchange_sends_to_each_while_receiving_from_each():
    team = Team(_swap, 3)
    try:
        got = team.exchange("abc" * 200_000)
        assert [g[:2] for g in got] == [("de", 1), ("de", 2)]
        assert [team.receive(k) for k in (1, 2)] == [("reçu", "abc"), ("reçu", "abc")]
    finally:
        team.close()


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


def test_a_send_to_a_stopped_child_that_does_not_read_is_bounded(monkeypatch):
    import engine.cores as cores

    monkeypatch.setattr(cores, "STOPPED_AFTER", 0.3)
    team = Team(lambda k, channel: channel.recv(), 2)
    try:
        _stop_the_children()
        with pytest.raises(BrokenProcessPool):
            team.send(1, b"x" * (8 << 20))  # far more than a pipe holds
    finally:
        team.close()


def test_a_child_short_of_memory_breaks_the_work_to_be_redone_in_one_process():
    def work(k):
        if k:
            raise MemoryError
        return k

    with pytest.raises(BrokenProcessPool, match="manqué de mémoire"):
        in_forks(work, 2)
