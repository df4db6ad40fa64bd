"""Pass 2 shared among processes when only the result is wanted: the dwellings dealt in turn, each process
evaluating the offers of its own dwellings with the index it put together in pass 1; the sum of their ledgers
is the ledger of one process (:meth:`engine.ledger.Ledger.merge`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from engine.cores import Team
from engine.counting.registry import Registry
from engine.inputs.events import EventLog
from engine.ledger import Ledger
from engine.problems import Problem
from engine.ruleset.inherit import RuleSet, load_ruleset
from engine.year.read import Index
from engine.year.replay import Pass2


def known_names(registry: Registry, index: Index) -> Registry:
    """The registry having met every réservataire of the file in the order of their first opening (each process
    the same way): an unknown name's type and label do not depend on which offer is evaluated first."""
    for *_, name, hint in index.reservataires:
        registry.resolve(name, hint)
    return registry


@dataclass
class WorkerResult:
    """What one worker sends back."""

    ledger: Ledger
    problems: list[Problem]


def share_of(index: Index, workers: int, k: int) -> np.ndarray:
    """Worker ``k``'s offers (their numbers) when they are dealt among ``workers``: dwellings in turn, all
    the offers of a dwelling to one worker; an offer never opened goes to worker 0, which rejects its
    records."""
    dwelling = index.offer_dwelling
    mine = (dwelling >= 0) & (dwelling % workers == k)
    return np.flatnonzero(mine | (dwelling < 0) if k == 0 else mine)


def _work(job: tuple, me: int, progress=None) -> WorkerResult:
    index, ruleset, year, as_of, inventory, use_durable, workers = job
    log = EventLog(index.name, None, [], 0)
    one = Pass2(index, ruleset, year, as_of, inventory, use_durable, log.reject,
                known_names(Registry(ruleset), index), keep_offers=False)
    one.run(share_of(index, workers, me), progress)
    return WorkerResult(one.ledger.in_order(), log.problems)


def pass2_in_team(inventory: dict | None, use_durable: bool):
    """What a process of the team does once its index is put together: wait for the rule set and the year
    (the team is let go instead when there is no pass 2 to share), evaluate its share, send its ledger."""

    def then(index: Index, me: int, channel) -> None:
        rules, year, as_of, workers = channel.recv()
        job = (index, load_ruleset(rules), year, as_of, inventory, use_durable, workers)
        channel.send((True, _work(job, me)))

    return then


def in_team(team: Team, index: Index, ruleset: RuleSet, rules: str, year: int, as_of: dt.date,
            inventory: dict | None, use_durable: bool, progress=None) -> list[WorkerResult]:
    """Shares 1…n-1 in the team's processes, share 0 (and the progress bar) in this one meanwhile."""
    for k in range(1, len(team)):
        team.send(k, (rules, year, as_of, len(team)))
    mine = _work((index, ruleset, year, as_of, inventory, use_durable, len(team)), 0, progress)
    return [mine, *(team.receive(k) for k in range(1, len(team)))]
