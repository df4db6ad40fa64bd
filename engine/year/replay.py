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

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Mapping

import numpy as np
import orjson

from engine.counting.lifecycle import Lifecycle, Offer, Replayer
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
        self.life = Lifecycle(Stored(index, index.liberations, index.liberation_bounds),
                              Stored(index, index.services, index.service_bounds))
        self.evaluator = OfferEvaluator(ruleset, year, self.life, inventory, as_of, use_durable, registry)
        self.evals: dict[str, OfferEval] = {}
        self.ledger = Ledger(year, obligation_fields(ruleset))
        self._complete: set[int] = set()  # offers replayed, waiting for an earlier one of their dwelling
        self._position: dict[int, int] = {}  # dwelling → the place in the queue of its next offer
        self._vacancies: dict[int, Vacancy] = {}
        self._infos: dict = {}  # identical logement_info objects, merged

    def run(self, share: np.ndarray | None = None, progress=None) -> None:
        """Replay the offers of ``share`` (their numbers; None: every offer) in the order of their last
        lines, the order in which they are complete: an offer's records touch only that offer, and
        replaying them together gives what replaying them as they come gives. Each line is read where the
        first pass found it (``os.pread``: no other line is visited, and no page of the file stays in this
        process's memory, whatever the order of the file; a file mapped in memory kept the pages that lines
        scattered over the file touched).
        ``progress(bytes)`` counts on from the size of the file."""
        index = self.index
        size = index.starts[-1]
        offers = np.arange(len(index.offers)) if share is None else share
        if len(offers):
            self._replay_all(offers, size, progress)
        if progress is not None:
            progress(2 * size)

    def _replay_all(self, offers: np.ndarray, size: int, progress) -> None:
        index = self.index
        last = index.offer_lines[index.offer_bounds[offers + 1] - 1]
        order = offers[np.argsort(last, kind="stable")].tolist()  # by last line: the order they are complete
        with index.path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size != size:
                raise BadInput([Problem(index.name, 0, CHANGED)])
            text = _Pread(handle.fileno())
            with self.life.liberations.reading(text), self.life.mises_en_service.reading(text):
                report = PROGRESS_EVERY
                for done, offer in enumerate(order, 1):
                    self._replay(offer, text)
                    if progress is not None and done >= report:
                        progress(size + size * done // len(order))
                        report += PROGRESS_EVERY

    def _replay(self, offer: int, text) -> None:
        """The records of one offer, line ``n`` being ``text[starts[n - 1]:starts[n]]``."""
        index, replayer = self.index, self.replayer
        for record in read_records(index, index.lines(offer), text, self._data):
            replayer.feed(record)
        self._complete.add(offer)
        if index.offers[offer] in replayer.offers:
            self._finish(int(index.offer_dwelling[offer]))

    def _data(self, kind: str, obj: dict) -> dict:
        if self.full is not None or (kind == "mise_a_disposition" and self.keep_offers):
            return compact(obj, self._infos)  # it stays (with the slim offer, or the whole one): its texts shared
        if kind == "mise_a_disposition":
            share_logement_info(obj, self._infos)
        return obj

    def _finish(self, dwelling: int) -> None:
        index = self.index
        queue, end = index.queue, int(index.queue_bounds[dwelling + 1])
        at = self._position.get(dwelling, int(index.queue_bounds[dwelling]))
        complete, offers = self._complete, self.replayer.offers
        while at < end and int(queue[at]) in complete:
            number = int(queue[at])
            complete.discard(number)
            offer: Offer = offers.pop(index.offers[number])
            vacancy = self._vacancies.get(dwelling)
            if vacancy is None:
                libs = self.life.liberations.get(offer.logement)
                vacancy = self._vacancies[dwelling] = Vacancy(sorted([r.date for r in libs]) if libs else [])
            ev = vacancy.evaluate(self.evaluator, offer)
            self.ledger.add(ev)
            if self.keep_offers:
                if self.full is None or not self.full(ev):
                    ev.offer = offer.slim()
                self.evals[offer.id] = ev
            at += 1
        if at == end:  # the dwelling's offers are all evaluated
            self._vacancies.pop(dwelling, None)
            self._position.pop(dwelling, None)
        else:
            self._position[dwelling] = at


def read_records(index: Index, lines: list[int], text, kept: Callable[[str, dict], dict]) -> list[Record]:
    """The records on ``lines``, in the order of the life cycle; ``kept(kind, data)`` is the data a record keeps."""
    starts, cancelled, name, dates = index.starts, index.cancelled, index.name, _DATES
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
        records.append(Record(rid, kind, day, lineno, kept(kind, obj), rid in cancelled))
    if len(records) > 1:  # records of one day in the order of the life cycle, not of the file
        life_order(records, name)
    return records


_UNREAD = object()


class Stored(Mapping):
    """Each dwelling's libérations (or mises en service), read where pass 1 found them (``lines`` grouped by
    dwelling, cancelled ones left out), in the order of the life cycle, while a file is being ``reading``; up to
    ``KEEP`` dwellings read are kept, then all forgotten at once (one offer's evaluation asks several times)."""

    KEEP = 256

    def __init__(self, index: Index, lines: np.ndarray, bounds: np.ndarray):
        self.index, self.lines, self.bounds = index, lines, bounds
        self.text = None
        self._kept: dict[str, list[Record] | None] = {}

    @contextlib.contextmanager
    def reading(self, text):
        self.text = text
        try:
            yield self
        finally:
            self.text = None

    def get(self, logement: str, default=None):
        found = self._kept.get(logement, _UNREAD)
        if found is _UNREAD:
            if len(self._kept) >= self.KEEP:
                self._kept.clear()
            found = self._kept[logement] = self._read(logement)
        return default if found is None else found

    def __getitem__(self, logement: str) -> list[Record]:
        found = self.get(logement)
        if found is None:
            raise KeyError(logement)
        return found

    def _read(self, logement: str) -> list[Record] | None:
        dwelling = self.index.dwelling(logement)
        start, end = self.bounds[dwelling:dwelling + 2].tolist() if dwelling >= 0 else (0, 0)
        if start == end:
            return None
        return read_records(self.index, self.lines[start:end].tolist(), self.text, self._bare)

    @staticmethod
    def _bare(kind: str, obj: dict) -> dict:
        """The data without what the Record holds (the records are kept a short while: no text shared)."""
        for key in ("type", "date", "id", "_date"):
            obj.pop(key, None)
        return obj

    def __iter__(self):
        dwellings = self.index.dwellings
        return (dwellings[d] for d in np.flatnonzero(np.diff(self.bounds)).tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(np.diff(self.bounds)))


def read_life(index: Index, life: Lifecycle) -> Lifecycle:
    """Every dwelling's libérations and mises en service read from the file, for what reads them after pass 2
    (``bilan``, ``explain``, open deadlines)."""
    with index.path.open("rb") as handle:
        text = _Pread(handle.fileno())
        with life.liberations.reading(text), life.mises_en_service.reading(text):
            return Lifecycle(dict(life.liberations.items()), dict(life.mises_en_service.items()))


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
