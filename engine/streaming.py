"""Evaluate a date-ordered event log in two passes, memory following the open offers.

Pass 1 (:func:`~engine.scan.scan`) checks every line and keeps an index.
Pass 2 (:class:`Pass2`) takes the offers in the order of their last
lines: an offer's lines are read where pass 1 found them (the file mapped
in memory), replayed by the same
:class:`~engine.counting.lifecycle.Replayer`, evaluated (with the offers
before it on the same dwelling, for the one-count-per-vacancy rule) and
entered in the :class:`~engine.ledger.Ledger`. When only the result is wanted,
the dwellings are shared among the processes that read the parts of pass 1
(each has put the index together for itself), whose ledgers add up. The
result is the one of the in-memory path (tests hold them equal); a file that
is not in date order goes the in-memory way.
"""

from __future__ import annotations

import datetime as dt
import errno
import mmap
import os
import sys
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import chain, islice

import orjson

from engine.cores import Team, out_of_resources, why_alone
from engine.counting.lifecycle import Offer, Replayer
from engine.counting.registry import Registry
from engine.inputs.events import _DATES, EventLog, Record, _date, auto_id, compact, life_order, share_logement_info
from engine.inputs.schema import checked
from engine.ledger import Ledger, obligation_fields
from engine.pipeline import Evaluation, OfferEval, OfferEvaluator, Vacancy, tally
from engine.problems import BadInput, Problem
from engine.ruleset.inherit import RuleSet, load_ruleset
from engine.scan import Index


def evaluate_stream(index: Index, ruleset: RuleSet, year: int, previous: dict | None = None,
                    inventory: dict | None = None, bailleur: str | None = None,
                    use_durable: bool = True, progress=None, keep_offers: bool = True,
                    team: Team | None = None, rules: str | None = None) -> Evaluation:
    """Pass 2 (the file must be in date order: ``index.in_order``); ``progress(bytes)`` counts on from the
    size of the file (the bar covers both passes). ``team``: the processes that read the parts of pass 1
    (:func:`~engine.scan.scan_in_team`), each with the index, waiting (:func:`pass2_in_team`): the dwellings
    are shared among them and this process, each evaluates the offers of its dwellings with the rule set
    ``rules`` gives, and the sum of their ledgers is the ledger of a single process (only the result is
    kept: ``keep_offers`` is then false)."""
    log = EventLog(index.name, index.header, [], list(index.problems) + index.rejections, index.lus,
                   header_line=index.header_line)
    log.rejected_lines.update((p.ligne, p.message) for p in index.rejections)
    registry = known_names(Registry(ruleset), index)
    parts = None
    if team is not None:
        try:
            parts = _in_team(team, index, ruleset, rules, year, inventory, use_durable, progress)
        except (BrokenProcessPool, MemoryError, OSError, RuntimeError) as exc:
            # a worker was stopped (out of memory?), or this process lacks memory for its share beside them:
            # the same work in this process alone
            if not isinstance(exc, BrokenProcessPool) and not out_of_resources(exc):
                raise
            print(f"flux-rules : {why_alone(exc)} ; l'évaluation reprend dans un seul processus "
                  "(FLUX_RULES_PROCESSUS=1 pour ne pas en lancer)", file=sys.stderr)
        finally:
            team.close()
    if parts is not None:
        evals: dict[str, OfferEval] = {}
        ledger = parts[0].ledger
        for part in parts[1:]:
            ledger.merge(part.ledger)
        for part in parts:
            log.problems.extend(part.problems)
        bases: dict = {}
    else:
        one = Pass2(index, ruleset, year, inventory, use_durable, log.reject, registry, keep_offers)
        one.run(index.lines_of, progress)
        evals, ledger, bases = one.evals, one.ledger, one.evaluator.bases
    result = tally(log, ruleset, year, registry, bases, ledger, previous, bailleur)
    return Evaluation(year, ruleset, log, index.lifecycle(), evals, result, set(index.queue))  # each offer evaluated


def known_names(registry: Registry, index: Index) -> Registry:
    """The registry having met every réservataire of the file in the order of their first opening (each process
    the same way): an unknown name's type and label do not depend on which offer is evaluated first."""
    for *_, name, hint in index.reservataires:
        registry.resolve(name, hint)
    return registry


class ReadInMemory(Exception):
    """A line the typed decoder of pass 1 took (it skips the fields it does not know) that orjson refuses (a
    number beyond a float in such a field): the log is read again in memory, where the line gets its message."""

    def __reduce__(self):
        return ReadInMemory, self.args


DROP_EVERY = 16 << 20  # bytes: the pages of the mapped file let go as often (measured at a million records:
# every 4 MiB costs 5 % more time, every 64 MiB 45 MiB more memory a process)
DONTNEED = getattr(mmap, "MADV_DONTNEED", None)
CHANGED = "le fichier a changé entre les deux lectures"


class Pass2:
    """The records of the offers replayed in file order; each offer evaluated once its last record is read
    (and the offers before it on the same dwelling, for the one-count-per-vacancy rule), then entered in the
    ledger.
    A share says which offers to read: every one, or one worker's (its dwellings')."""

    def __init__(self, index: Index, ruleset: RuleSet, year: int, inventory: dict | None, use_durable: bool,
                 reject, registry: Registry, keep_offers: bool = True):
        on = dt.date(year, 12, 31)
        self.index, self.year, self.keep_offers = index, year, keep_offers
        self.replayer = Replayer(reject, index.first_open)
        self.replayer.liberations, self.replayer.services = index.liberations, index.services
        self.evaluator = OfferEvaluator(ruleset, year, index.lifecycle(), inventory, max(on, index.last_date or on), use_durable,
                                        registry)
        self.evals: dict[str, OfferEval] = {}
        self.ledger = Ledger(year, obligation_fields(ruleset))
        self._complete: set[str] = set()
        self._position: dict[str, int] = {}
        self._vacancies: dict[str, Vacancy] = {}
        self._infos: dict = {}  # identical logement_info objects, merged

    def run(self, share: dict[str, list[int]], progress=None) -> None:
        """Replay the offers of ``share`` (offer → its lines; every offer, or one worker's) in the order of
        their last lines, the order in which they are complete: an offer's records touch only that offer, and
        replaying them together gives what replaying them as they come gives. Each line is read where the
        first pass found it, in the file mapped in memory (no other line is visited); the pages read are let
        go every ``DROP_EVERY`` bytes, so that memory does not follow the size of the file.
        ``progress(bytes)`` counts on from the size of the file."""
        index = self.index
        starts, size = index.starts, index.starts[-1]
        if share:
            self._replay_all(share, starts, size, progress)
        if progress is not None:
            progress(2 * size)

    def _replay_all(self, share: dict[str, list[int]], starts, size: int, progress) -> None:
        order = sorted(share, key=lambda offre: share[offre][-1])  # by last line: the order they are complete
        with self.index.path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size != size:
                raise BadInput([Problem(self.index.name, 0, CHANGED)])
            try:
                mm = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            except OSError as exc:  # no room to map the file (ulimit -v): each line read at its place instead
                if exc.errno != errno.ENOMEM:
                    raise
                mm = None
            text = mm if mm is not None else _Pread(handle.fileno())
            try:
                let_go = DROP_EVERY
                for offre in order:
                    lines = share[offre]
                    self._replay(offre, lines, text, starts)
                    if starts[lines[-1]] > let_go:
                        if DONTNEED is not None and mm is not None:
                            mm.madvise(DONTNEED)
                        if progress is not None:
                            progress(size + starts[lines[-1]])
                        let_go += DROP_EVERY
            finally:
                if mm is not None:
                    mm.close()

    def _replay(self, offre: str, lines: list[int], text, starts) -> None:
        """The records of one offer, line ``n`` being ``text[starts[n - 1]:starts[n]]``."""
        index, replayer, infos = self.index, self.replayer, self._infos
        cancelled, name, dates = index.cancelled, index.name, _DATES
        records = []
        for lineno in lines:
            line = text[starts[lineno - 1]:starts[lineno]]
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError:  # the first pass read it stripped (a form feed before it?)
                obj = _changed_or_stripped(name, lineno, line)
            rid = obj.get("id") or auto_id(name, lineno)
            kind = obj["type"]
            day = dates.get(obj["date"]) or _date(obj["date"])
            if "entree" in obj:
                obj["_entree"] = _date(obj["entree"])
            if kind == "mise_a_disposition":
                if self.keep_offers:  # it stays with the slim offer: compact, its texts shared
                    obj = compact(obj, infos)
                else:
                    share_logement_info(obj, infos)
            records.append(Record(rid, kind, day, lineno, obj, rid in cancelled))
        if len(records) > 1:  # records of one day in the order of the life cycle, not of the file
            life_order(records, name)
        for record in records:
            replayer.feed(record)
        self._complete.add(offre)
        offer = replayer.offers.get(offre)
        if offer is not None:
            self._finish(offer.logement, lines[-1])

    def _finish(self, logement: str, lineno: int) -> None:
        queue = self.index.queue[logement]
        at = self._position.get(logement, 0)
        complete, offers = self._complete, self.replayer.offers
        while at < len(queue) and queue[at] in complete:
            offre = queue[at]
            complete.discard(offre)
            offer: Offer = offers.pop(offre)
            vacancy = self._vacancies.get(logement)
            if vacancy is None:
                libs = self.index.liberations.get(logement)
                vacancy = self._vacancies[logement] = Vacancy(sorted([r.date for r in libs]) if libs else [])
            ev = vacancy.evaluate(self.evaluator, offer)
            self.ledger.add(ev)
            if self.keep_offers:
                ev.offer = offer.slim()
                self.evals[offer.id] = ev
            at += 1
        if at == len(queue):  # the dwelling's offers are all evaluated
            self._vacancies.pop(logement, None)
            self._position.pop(logement, None)
        else:
            self._position[logement] = at


class _Pread:
    """The file's bytes ``[a:b]`` read at their place (``os.pread``), where the file cannot be mapped."""

    def __init__(self, fd: int):
        self.fd = fd

    def __getitem__(self, at: slice) -> bytes:
        return os.pread(self.fd, at.stop - at.start, at.start)


def _changed_or_stripped(name: str, lineno: int, line: bytes) -> dict:
    try:
        return orjson.loads(line.strip())
    except orjson.JSONDecodeError:  # the first pass found a record there
        if checked(line.strip()) is not None:  # the same bytes: not a change, the two decoders disagree
            raise ReadInMemory(f"{name}:{lineno}") from None
        raise BadInput([Problem(name, lineno, CHANGED)]) from None


@dataclass
class WorkerResult:
    """What one worker sends back."""

    ledger: Ledger
    problems: list[Problem]


def share_of(index: Index, workers: int, k: int) -> dict[str, list[int]]:
    """Worker ``k``'s offers (and their lines) when they are dealt among ``workers``: dwellings in turn, all
    the offers of a dwelling to one worker; an offer never opened goes to worker 0, which rejects its
    records. Each worker works out its own share (the workers do it at the same time)."""
    mine = set(chain.from_iterable(islice(index.queue.values(), k, None, workers)))
    if k:
        return {offre: lines for offre, lines in index.lines_of.items() if offre in mine}
    opened = index.first_open
    return {offre: lines for offre, lines in index.lines_of.items() if offre in mine or offre not in opened}


def _work(job: tuple, me: int, progress=None) -> WorkerResult:
    index, ruleset, year, inventory, use_durable, workers = job
    log = EventLog(index.name, None, [], [], 0)
    one = Pass2(index, ruleset, year, inventory, use_durable, log.reject, known_names(Registry(ruleset), index),
                keep_offers=False)
    one.run(share_of(index, workers, me), progress)
    return WorkerResult(one.ledger.in_order(), log.problems)


def pass2_in_team(inventory: dict | None, use_durable: bool):
    """What a process of the team does once its index is put together: wait for the rule set and the year
    (the team is let go instead when there is no pass 2 to share), evaluate its share, send its ledger."""

    def then(index: Index, me: int, channel) -> None:
        rules, year, workers = channel.recv()
        job = (index, load_ruleset(rules), year, inventory, use_durable, workers)
        channel.send((True, _work(job, me)))

    return then


def _in_team(team: Team, index: Index, ruleset: RuleSet, rules: str, year: int, inventory: dict | None,
             use_durable: bool, progress=None) -> list[WorkerResult]:
    """Shares 1…n-1 in the team's processes, share 0 (and the progress bar) in this one meanwhile."""
    for k in range(1, len(team)):
        team.send(k, (rules, year, len(team)))
    mine = _work((index, ruleset, year, inventory, use_durable, len(team)), 0, progress)
    return [mine, *(team.receive(k) for k in range(1, len(team)))]
