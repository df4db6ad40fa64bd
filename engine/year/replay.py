"""Pass 2: each offer replayed from its records, read where pass 1 found them, in the order of the life cycle.

The offers are taken in the order of their last lines (in a file in date order, the order in which they are
complete; in any other order, any order does as well): an offer's records touch only that offer, so replaying
them together gives what replaying them as they come gives. Each offer's records are put in the order of the
life cycle (:func:`engine.inputs.events.life_order`: date, kind of record, id), replayed by the
:class:`~engine.counting.lifecycle.Replayer`, evaluated once the offers before it on the same dwelling are (the
one-count-per-vacancy rule), entered in the :class:`~engine.ledger.Ledger` and let go. Memory follows the
offers waiting for an earlier one of their dwelling, not the file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

import orjson

from engine.counting.lifecycle import Offer, Replayer
from engine.counting.registry import Registry
from engine.inputs.events import _DATES, Record, _date, auto_id, compact, life_order, share_logement_info
from engine.inputs.schema import checked
from engine.ledger import Ledger, obligation_fields
from engine.problems import BadInput, Problem
from engine.ruleset.inherit import RuleSet
from engine.year.offer import OfferEval, OfferEvaluator, Vacancy
from engine.year.read import Index


class DecodersDisagree(Exception):
    """A line the typed decoder of pass 1 took (it skips the fields it does not know) that orjson refuses (a
    number beyond a float in such a field): pass 1 is run again, every line read by both decoders, and the
    line gets its message there."""

    def __reduce__(self):
        return DecodersDisagree, self.args


PROGRESS_EVERY = 20_000  # offers between two reports of the progress bar
CHANGED = "le fichier a changé entre les deux lectures"


class Pass2:
    """The records of the offers replayed in file order; each offer evaluated once its last record is read
    (and the offers before it on the same dwelling, for the one-count-per-vacancy rule), then entered in the
    ledger.
    A share says which offers to read: every one, or one worker's (its dwellings')."""

    def __init__(self, index: Index, ruleset: RuleSet, year: int, as_of: dt.date, inventory: dict | None,
                 use_durable: bool, reject, registry: Registry, keep_offers: bool = True,
                 full: Callable[[OfferEval], bool] | None = None):
        self.index, self.year, self.keep_offers, self.full = index, year, keep_offers, full
        self.replayer = Replayer(reject, index.first_open)
        self.replayer.liberations, self.replayer.services = index.liberations, index.services
        self.evaluator = OfferEvaluator(ruleset, year, index.lifecycle(), inventory, as_of, use_durable, registry)
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
        first pass found it (``os.pread``: no other line is visited, and no page of the file stays in this
        process's memory, whatever the order of the file; a file mapped in memory kept the pages that lines
        scattered over the file touched).
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
            text = _Pread(handle.fileno())
            report = PROGRESS_EVERY
            for done, offre in enumerate(order, 1):
                lines = share[offre]
                self._replay(offre, lines, text, starts)
                if progress is not None and done >= report:
                    progress(size + size * done // len(order))
                    report += PROGRESS_EVERY

    def _replay(self, offre: str, lines: list[int], text, starts) -> None:
        """The records of one offer, line ``n`` being ``text[starts[n - 1]:starts[n]]``."""
        index, replayer, infos, full = self.index, self.replayer, self._infos, self.full
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
            if full is not None or (kind == "mise_a_disposition" and self.keep_offers):
                obj = compact(obj, infos)  # it stays (with the slim offer, or the whole one): its texts shared
            elif kind == "mise_a_disposition":
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
                if self.full is None or not self.full(ev):
                    ev.offer = offer.slim()
                self.evals[offer.id] = ev
            at += 1
        if at == len(queue):  # the dwelling's offers are all evaluated
            self._vacancies.pop(logement, None)
            self._position.pop(logement, None)
        else:
            self._position[logement] = at


class _Pread:
    """The file's bytes ``[a:b]`` read at their place (``os.pread``)."""

    def __init__(self, fd: int):
        self.fd = fd

    def __getitem__(self, at: slice) -> bytes:
        return os.pread(self.fd, at.stop - at.start, at.start)


def _changed_or_stripped(name: str, lineno: int, line: bytes) -> dict:
    try:
        return orjson.loads(line.strip())
    except orjson.JSONDecodeError:  # the first pass found a record there
        if checked(line.strip()) is not None:  # the same bytes: not a change, the two decoders disagree
            raise DecodersDisagree(f"{name}:{lineno}") from None
        raise BadInput([Problem(name, lineno, CHANGED)]) from None
