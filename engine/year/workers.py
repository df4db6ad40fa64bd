"""Pass 2 shared among processes when only the result is wanted: the dwellings dealt by their number, each process
forked once the index is made evaluating the offers of its own dwellings; the sum of their ledgers is the
ledger of one process (:meth:`engine.ledger.Ledger.merge`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from engine.cores import in_forks
from engine.counting.registry import Registry
from engine.inputs.events import EventLog
from engine.ledger import Ledger
from engine.problems import Problem
from engine.ruleset.inherit import RuleSet
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
    """Worker ``k``'s offers (their numbers) when they are dealt among ``workers``: a dwelling to the worker
    its number modulo ``workers`` gives, all the offers of a dwelling to one worker; an offer never opened goes to worker 0, which rejects its
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


def shared(index: Index, ruleset: RuleSet, year: int, as_of: dt.date, inventory: dict | None, use_durable: bool,
           n: int, progress=None) -> list[WorkerResult]:
    """Shares 1…n-1 in processes forked now, which inherit the index and the rule set, share 0 (and the
    progress bar) in this one meanwhile."""
    job = (index, ruleset, year, as_of, inventory, use_durable, n)
    return in_forks(lambda k: _work(job, k, progress if k == 0 else None), n)
