"""Pass 1: every line checked once, and the index pass 2 needs, whatever the order of the file.

:func:`scan` reads and checks every line (a typed decoder checks a line in C; the detailed check of
:mod:`engine.inputs.events`, with its French messages, only reads the lines it refuses) and keeps only an
index (:class:`Index`, flat arrays: a few tens of bytes a record): the header, the cancelled records, each
offer's lines and first mise à disposition, each dwelling's offers (by opening) and the lines of its
libérations and mises en service (read again in pass 2), the latest date, where each line starts.

A long file is scanned in parts, one per core: each part is a range of bytes cut at a line end, read by a
forked process that knows the number of its first line; what the parts found is put together in file order,
and what depends on the whole file (the header must come first, repeated ids, cancellations) is decided
then. The index is the one a single reading gives (tests hold them equal). The processes that share pass 2
are forked once it is made: its numpy arrays are not copied (no reference count is written in them); its
Python objects (the offer and dwelling ids, the set of cancelled ids) are, page by page, in each process that
reads them.

A pipe cannot be read twice: :func:`spooled` copies it to a temporary file first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sys
import tempfile
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
import numpy as np
import orjson

from engine import cores
from engine.inputs.events import (
    HEADER_CODE,
    HEADER_FIRST,
    annulation_problem,
    auto_id,
    checked_line,
    content,
    record_lines,
)
from engine.inputs.schema import KIND, checked
from engine.problems import BadInput, Problem

PARALLEL_FROM = 10_000_000  # bytes (about 50 000 records): below, forking costs more than it saves
SPOOL_BLOCK = 1 << 20  # bytes copied at a time from a pipe


@contextlib.contextmanager
def spooled(path: Path):
    """``path`` itself when it is a file (or nothing at all: pass 1 says so); a pipe or another stream
    (``<(zcat annee.jsonl.gz)``) copied to a temporary file first, removed afterwards, so that it is read
    like a file (the records keep the name of ``path``: their automatic ids do not change)."""
    try:
        is_stream = path.exists() and not path.is_file()
    except OSError:
        is_stream = False
    if not is_stream:
        yield path
        return
    try:
        source = path.open("rb")
    except OSError:  # unreadable: pass 1 says so
        yield path
        return
    try:
        handle, name = tempfile.mkstemp(prefix="flux-rules-", suffix=".jsonl")
    except OSError as exc:
        source.close()
        raise BadInput([Problem(str(path), 0, f"flux non copié dans un fichier temporaire ({exc.strerror}) : "
                                              "donnez un fichier, ou un dossier TMPDIR où écrire")]) from None
    try:
        try:
            with source, os.fdopen(handle, "wb") as copy:
                shutil.copyfileobj(source, copy, SPOOL_BLOCK)
        except OSError as exc:  # the disk is full?
            raise BadInput([Problem(str(path), 0, f"flux non copié dans {name} ({exc.strerror}) : donnez un "
                                                  "fichier, ou un dossier TMPDIR où écrire")]) from None
        yield Path(name)
    finally:
        os.unlink(name)


class Opening(msgspec.Struct, frozen=True):
    """An offer's first mise à disposition that is not cancelled: its date and line."""

    date: dt.date
    line: int


@dataclass
class Index:
    """What pass 2 needs of the file, as flat arrays (a few tens of bytes a record): the offer ids and the
    dwelling ids once each, sorted (an id's place is its number); each offer's lines, each dwelling's
    offers (in the order they open), libérations and mises en service (lines, read again in pass 2), grouped
    by number (``lines[bounds[k]:bounds[k + 1]]``)."""

    path: Path
    name: str
    header: dict | None = None
    header_line: int = 0
    problems: list[Problem] = field(default_factory=list)  # invalid records (exit 2 unless --skip-invalid)
    rejections: list[Problem] = field(default_factory=list)  # annulations of unknown records (cycle)
    lus: int = 0
    years: set[int] = field(default_factory=set)
    last_date: dt.date | None = None
    cancelled: set[str] = field(default_factory=set)
    offers: list[str] = field(default_factory=list)  # sorted
    offer_lines: np.ndarray = field(default_factory=lambda: _EMPTY)  # the lines of each offer's records
    offer_bounds: np.ndarray = field(default_factory=lambda: _ZERO)
    open_day: np.ndarray = field(default_factory=lambda: _EMPTY)  # first opening not cancelled (0: none)
    open_line: np.ndarray = field(default_factory=lambda: _EMPTY)
    offer_dwelling: np.ndarray = field(default_factory=lambda: _EMPTY)  # its dwelling (-1: never opened)
    dwellings: list[str] = field(default_factory=list)  # sorted
    queue: np.ndarray = field(default_factory=lambda: _EMPTY)  # each dwelling's offers in opening order
    queue_bounds: np.ndarray = field(default_factory=lambda: _ZERO)
    liberations: np.ndarray = field(default_factory=lambda: _EMPTY)  # lines of each dwelling's libérations
    liberation_bounds: np.ndarray = field(default_factory=lambda: _ZERO)
    services: np.ndarray = field(default_factory=lambda: _EMPTY)  # and mises en service, not cancelled
    service_bounds: np.ndarray = field(default_factory=lambda: _ZERO)
    life_years: dict[int, int] = field(default_factory=dict)  # libérations and mises en service per year
    starts: array = field(default_factory=lambda: array("q"))  # line n is the bytes starts[n-1]:starts[n]
    reservataires: list[tuple[dt.date, str, str, str | None]] = field(default_factory=list)  # see first_seen

    def offer(self, offre: str) -> int:
        """The number of an offer of the file (-1: none)."""
        return _place(self.offers, offre)

    def dwelling(self, logement: str) -> int:
        """The number of a dwelling of the file (-1: none)."""
        return _place(self.dwellings, logement)

    def lines(self, offer: int) -> list[int]:
        return self.offer_lines[self.offer_bounds[offer]:self.offer_bounds[offer + 1]].tolist()

    def first_open(self, offre: str) -> Opening | None:
        offer = self.offer(offre)
        if offer < 0 or not self.open_day[offer]:
            return None
        return Opening(dt.date.fromordinal(int(self.open_day[offer])), int(self.open_line[offer]))

    def offered(self) -> set[str]:
        """The dwellings that have an offer."""
        return {self.dwellings[d] for d in np.flatnonzero(np.diff(self.queue_bounds)).tolist()}


_EMPTY = np.zeros(0, dtype=np.int32)
_ZERO = np.zeros(1, dtype=np.int64)


def _place(ids: list[str], key: str) -> int:
    at = bisect_left(ids, key)
    return at if at < len(ids) and ids[at] == key else -1


@dataclass
class Part:
    """What the reading of one range of lines found, before what depends on the whole file is decided. Its
    offers and dwellings are numbered in the order it met them; the arrays are int32 (``array("i")``)."""

    lus: int = 0
    problems: list[Problem] = field(default_factory=list)
    headers: list[tuple[int, dict, bool]] = field(default_factory=list)  # (line, header, valid record before)
    valid: bool = False  # a valid record (not a header) was read
    years: set[int] = field(default_factory=set)
    last_date: dt.date | None = None
    id_hashes: bytes = b""  # hash of each record's id (int64, as ``array("q")`` holds them)
    id_lines: bytes = b""  # and its line
    ids: dict[str, int] = field(default_factory=dict)  # id → line, read the exact way only
    annulations: list[tuple[int, str]] = field(default_factory=list)  # (line, target id)
    annulation_ids: dict[str, int] = field(default_factory=dict)  # id → line
    offers: list[str] = field(default_factory=list)
    dwellings: list[str] = field(default_factory=list)
    record_offer: bytes = b""  # each record of an offer: the offer
    record_line: bytes = b""  # and its line
    opening: bytes = b""  # each mise à disposition: (offer, dwelling, day, line)
    life: bytes = b""  # each libération (kind 0) and mise en service (1): (dwelling, line, kind, year)
    starts: bytes = b""  # where each of its lines starts in the file (int64, as ``array("q")`` holds them)
    end: int = 0  # where the range ends: the start of the next one
    reservataires: list[tuple[dt.date, str, str, str | None]] = field(default_factory=list)  # see first_seen


def scan(path: Path, shown: str | None = None, progress=None, exact: bool = False, parts: int | None = None,
         strict: bool = False) -> Index:
    """Pass 1, in ``parts`` ranges of the file (default: one per core for a long file). Identifiers are
    checked once the file is read (a set of a million texts is built faster than a dict grows to that size);
    when one is repeated, the file is read again the ``exact`` way, in one part, each id checked as it comes
    (the second one is the record in error, its message names the line of the first). ``strict``: every line
    the typed decoder takes is also decoded by orjson, as pass 2 decodes it (one part; asked when the two
    decoders disagreed on a line in pass 2)."""
    index = Index(path, shown or str(path))
    try:
        size = path.stat().st_size
        path.open("rb").close()
    except OSError as exc:
        index.problems.append(Problem(index.name, 0, f"fichier introuvable ou illisible ({exc.strerror})"))
        return index
    if exact or strict:
        parts = 1
    elif parts is None:
        parts = cores.workers_for(size, PARALLEL_FROM)
    cuts = _cuts(path, size, parts)

    def read(k: int) -> Part | bytes:
        if k:  # from a forked process: sent as MessagePack (several times faster than pickle both ways)
            return _ENCODER.encode(_read_range(path, index.name, cuts[k], cuts[k + 1], exact))
        return _read_range(path, index.name, cuts[k], cuts[k + 1], exact, _first_progress(progress, size, cuts),
                           strict)

    try:
        found = cores.in_forks(read, len(cuts) - 1)
        found[1:] = map(_decoded, found[1:])
    except BrokenProcessPool as exc:  # a process stopped (out of memory?): the same reading in this one
        print(f"flux-rules : {cores.why_alone(exc)} ; la lecture reprend dans un seul processus", file=sys.stderr)
        found = [_read_range(path, index.name, 0, size, exact, progress)]
    if not _put_together(index, found, exact):
        return scan(path, shown, progress, exact=True, strict=strict)
    return index


def all_problems(index: Index) -> list[Problem]:
    """Every invalid line, when the log is refused: those of pass 1 and the ones its typed decoder took for what
    it skips unread and orjson refuses (a number beyond a float in an unknown field), which pass 2 would have
    met. Read only when the log is refused: one decoding of each line."""
    found = {p.ligne for p in index.problems}
    more = []
    try:
        with index.path.open("rb") as handle:
            for lineno, line in record_lines(handle):
                if lineno not in found:
                    try:
                        orjson.loads(line)
                    except orjson.JSONDecodeError:
                        more.append(checked_line(index.name, lineno, line)[1])
    except OSError:
        return index.problems
    return sorted([*index.problems, *filter(None, more)], key=lambda p: p.ligne) if more else index.problems


def _first_progress(progress, size: int, cuts: list[int]):
    """The bar follows the first part, as a share of the whole file."""
    if progress is None:
        return None
    ratio = size / max(1, cuts[1])
    return lambda done: progress(int(done * ratio))


def _decoded(data: bytes) -> Part:
    return _DECODER.decode(data)


FIRST_MORE = 0.25  # the first part is longer than the others by this share of one: the others also count the
# lines before them, check their ids and send what they found (about 0,25 s at a million records). Scan of a
# million records, best of five: 1,98–2,12 s with 0,25, 2,08–2,14 s with 0,15, 2,16–2,21 s with 0,35


def _cuts(path: Path, size: int, parts: int) -> list[int]:
    """0, the starts of parts 2…n (each just after a line end), ``size``: the first part a little longer
    than the others, which are about the same size."""
    cuts = [0]
    with path.open("rb") as handle:
        for k in range(1, parts):
            handle.seek(max(cuts[-1], int(size * (k + FIRST_MORE) / (parts + FIRST_MORE))))
            handle.readline()  # to the end of the line it fell in
            at = handle.tell()
            if at >= size:
                break
            if at > cuts[-1]:
                cuts.append(at)
    cuts.append(size)
    return cuts


def _lines_before(path: Path, start: int) -> int:
    count = 0
    with path.open("rb") as handle:
        while start > 0:
            block = handle.read(min(start, 1 << 24))
            if not block:
                break
            count += block.count(b"\n")
            start -= len(block)
    return count


def _range_lines(path: Path, start: int, end: int, progress=None, starts=None) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of the record lines that start in ``[start, end)``; ``starts`` is given where
    every line starts in the file."""
    first = 1 + _lines_before(path, start) if start else 1
    with path.open("rb") as handle:
        handle.seek(start)
        yield from record_lines(handle, progress, first_line=first, limit=end - start, starts=starts, at=start)


def _read_range(path: Path, name: str, start: int, end: int, exact: bool, progress=None, strict: bool = False) -> Part:
    part = Part()
    problems, years = part.problems, part.years
    ids = part.ids
    id_hashes, id_lines = array("q"), array("q")
    offers: dict[str, int] = {}  # offer → its number in this part
    dwellings: dict[str, int] = {}
    record_offer, record_line, opening, life = array("i"), array("i"), array("i"), array("i")
    valid_seen = False
    last_date = None
    lus = 0
    starts = array("q")
    names: dict[tuple[str, str | None], tuple[dt.date, str]] = {}  # réservataire as written → first opening
    for lineno, line in _range_lines(path, start, end, progress, starts):
        lus += 1
        rec = checked(line)
        obj = None
        if rec is not None:
            kind = KIND[type(rec)]
            if strict or kind == "exercice" or kind == "liberation" or kind == "mise_en_service" \
                    or kind == "annulation":
                try:  # decoded as pass 2 decodes it (a libération is read again there, a header is kept)
                    obj = orjson.loads(line)
                except orjson.JSONDecodeError:  # a field the typed decoder skipped (1e400?): the detailed check
                    rec = None
            if rec is not None and kind != "exercice":
                rid, day, offre, logement, cible = rec.id, rec.date, rec.offre, rec.logement, rec.cible
                if kind == "mise_a_disposition":
                    reservataire, hint = rec.reservataire, rec.reservataire_type
        if rec is None:  # refused by the typed decoder: the detailed check says why (or takes it after all)
            obj, problem = checked_line(name, lineno, line)
            if problem is not None:
                problems.append(problem)
                continue
            kind = obj["type"]
            if kind != "exercice":
                rid, day, offre, logement, cible = (obj.get("id"), obj["_date"], obj.get("offre"),
                                                    obj.get("logement"), obj.get("cible"))
                if kind == "mise_a_disposition":
                    reservataire, hint = obj["reservataire"], obj.get("reservataire_type")
        if kind == "exercice":
            part.headers.append((lineno, obj, valid_seen))
            continue
        rid = rid or auto_id(name, lineno)
        if not exact:
            id_hashes.append(hash(rid))  # the same function in every process of the run (forked)
            id_lines.append(lineno)
        elif rid in ids:
            problems.append(Problem(name, lineno, f"identifiant « {rid} » en double (déjà ligne {ids[rid]})"))
            continue
        else:
            ids[rid] = lineno
        valid_seen = True
        if day.year not in years:
            years.add(day.year)
        if last_date is None or day > last_date:
            last_date = day
        if kind == "annulation":
            part.annulation_ids[rid] = lineno
            part.annulations.append((lineno, cible))
            continue
        if kind == "liberation" or kind == "mise_en_service":
            life.extend((dwellings.setdefault(logement, len(dwellings)), lineno, kind == "mise_en_service",
                         day.year))
            continue
        number = offers.setdefault(offre, len(offers))
        record_offer.append(number)
        record_line.append(lineno)
        if kind == "mise_a_disposition":
            opening.extend((number, dwellings.setdefault(logement, len(dwellings)), day.toordinal(), lineno))
            seen = names.get((reservataire, hint))
            if seen is None or (day, offre) < seen:
                names[(reservataire, hint)] = (day, offre)
    part.reservataires = [(*seen, *key) for key, seen in names.items()]
    part.lus, part.valid, part.last_date = lus, valid_seen, last_date
    part.starts, part.end = starts.tobytes(), end
    part.id_hashes, part.id_lines = id_hashes.tobytes(), id_lines.tobytes()
    part.offers, part.dwellings = list(offers), list(dwellings)
    part.record_offer, part.record_line = record_offer.tobytes(), record_line.tobytes()
    part.opening, part.life = opening.tobytes(), life.tobytes()
    return part


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(Part)


def _put_together(index: Index, parts: list[Part], exact: bool) -> bool:
    """The index from the parts in file order; False when an id is repeated (to be read the exact way)."""
    _whole_file(index, parts)
    for part in parts:
        index.starts.frombytes(part.starts)
    index.starts.append(parts[-1].end)
    known = _known_ids(index, parts, exact)
    if known is None:
        return False
    annulation_ids: dict[str, int] = {}
    for part in parts:
        annulation_ids.update(part.annulation_ids)
    cancelled = _resolve_annulations(index, [a for p in parts for a in p.annulations], known, annulation_ids)
    index.offers = sorted({offre for part in parts for offre in part.offers})
    index.dwellings = sorted({logement for part in parts for logement in part.dwellings})
    offer_of = _renumbering(index.offers, [part.offers for part in parts])
    dwelling_of = _renumbering(index.dwellings, [part.dwellings for part in parts])
    n, m = len(index.offers), len(index.dwellings)
    index.offer_lines, index.offer_bounds = _grouped(
        np.concatenate([o[_ints(p.record_offer)] for o, p in zip(offer_of, parts, strict=True)]),
        np.concatenate([_ints(p.record_line) for p in parts]), n)
    openings = _rows(parts, "opening", {0: offer_of, 1: dwelling_of}, cancelled, 3)
    _first_openings(index, openings, n)
    opened = np.flatnonzero(index.offer_dwelling >= 0)
    order = np.lexsort((opened, index.open_day[opened], index.offer_dwelling[opened]))  # by opening, then id
    index.queue = opened[order].astype(np.int32)
    index.queue_bounds = _bounds(index.offer_dwelling[opened], m)
    life = _rows(parts, "life", {0: dwelling_of}, cancelled, 1)
    libs, services = life[life[:, 2] == 0], life[life[:, 2] == 1]
    index.liberations, index.liberation_bounds = _grouped(libs[:, 0], libs[:, 1], m)
    index.services, index.service_bounds = _grouped(services[:, 0], services[:, 1], m)
    years, counts = np.unique(life[:, 3], return_counts=True)
    index.life_years = dict(zip(years.tolist(), counts.tolist(), strict=True))
    index.reservataires = first_seen(r for part in parts for r in part.reservataires)
    return True


def _ints(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.int32)


def _renumbering(ids: list[str], local: list[list[str]]) -> list[np.ndarray]:
    """For each part, its numbers of ``ids`` (in the order it met them) → their places in the sorted ``ids``."""
    place = {key: k for k, key in enumerate(ids)}
    return [np.array([place[key] for key in keys], dtype=np.int32) for keys in local]


def _rows(parts: list[Part], what: str, renumbered: dict[int, list[np.ndarray]], cancelled: np.ndarray,
          line: int) -> np.ndarray:
    """The rows of ``what`` (4 int32 a row) of every part in file order, the parts' numbers made the index's, the
    rows of cancelled records left out."""
    rows = []
    for k, part in enumerate(parts):
        table = _ints(getattr(part, what)).reshape(-1, 4).copy()
        for column, numbers in renumbered.items():
            table[:, column] = numbers[k][table[:, column]]
        rows.append(table)
    table = np.concatenate(rows)
    return table[~np.isin(table[:, line], cancelled)] if len(cancelled) else table


def _bounds(keys: np.ndarray, n: int) -> np.ndarray:
    bounds = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=bounds[1:])
    return bounds


def _grouped(keys: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``values`` grouped by key (0…n-1), each group in its order, and where each group starts."""
    return values[np.argsort(keys, kind="stable")].astype(np.int32), _bounds(keys, n)


def first_seen(openings) -> list[tuple[dt.date, str, str, str | None]]:
    """Each réservataire as written (name, type) with its first opening (date, offer), in that order: the order
    in which the registry meets the names it does not know (the first one gives an unknown name its type and
    label), whatever the order of the file and however the work is shared.

    >>> d = dt.date(2024, 5, 2)
    >>> first_seen([(d, "O-2", "X", None), (d, "O-1", "X", None), (dt.date(2024, 1, 9), "O-9", "Y", "etat")])
    [(datetime.date(2024, 1, 9), 'O-9', 'Y', 'etat'), (datetime.date(2024, 5, 2), 'O-1', 'X', None)]
    """
    first: dict[tuple, tuple] = {}
    for day, offre, name, hint in openings:
        seen = first.get((name, hint))
        if seen is None or (day, offre) < seen:
            first[(name, hint)] = (day, offre)
    return sorted((*seen, *key) for key, seen in first.items())


def _whole_file(index: Index, parts: list[Part]) -> None:
    """What the parts decide together: the header (the first record), the date order, the years, the lines
    read, the invalid lines in file order."""
    valid_seen = False
    header_lines: list[Problem] = []
    for part in parts:
        for line, obj, valid_before in part.headers:
            if valid_seen or valid_before or index.header is not None:
                header_lines.append(Problem(index.name, line, HEADER_FIRST, HEADER_CODE))
            else:
                index.header, index.header_line = obj, line
        valid_seen = valid_seen or part.valid
        if part.last_date is not None and (index.last_date is None or part.last_date > index.last_date):
            index.last_date = part.last_date
        index.years |= part.years
        index.lus += part.lus
    index.problems = [p for part in parts for p in part.problems]
    if header_lines:
        index.problems = sorted(index.problems + header_lines, key=lambda p: p.ligne)


def _known_ids(index: Index, parts: list[Part], exact: bool):
    """The line of the record of an id (a callable; None: no such record), or None when an id may be repeated. The
    ids are not gathered as texts: their hashes (8 bytes each) are sorted with their lines, two equal hashes
    send the file to be read the exact way (a repeated id is then said with its two lines; two ids that only
    share a hash pass there), and an id is known when its hash is found and the record on that line has it."""
    if exact:
        return parts[0].ids.get
    hashes = np.concatenate([np.frombuffer(p.id_hashes, dtype=np.int64) for p in parts])
    lines = np.concatenate([np.frombuffer(p.id_lines, dtype=np.int64) for p in parts])
    order = np.argsort(hashes, kind="stable")
    hashes, lines = hashes[order], lines[order]
    if len(hashes) > 1 and bool((hashes[1:] == hashes[:-1]).any()):
        return None

    def known(rid: str) -> int | None:
        at = int(np.searchsorted(hashes, hash(rid)))
        if at < len(hashes) and int(hashes[at]) == hash(rid) and _id_on_line(index, int(lines[at])) == rid:
            return int(lines[at])
        return None

    return known


def _id_on_line(index: Index, lineno: int) -> str | None:
    """The id of the record on a line (read again: only for the targets of annulations)."""
    with index.path.open("rb") as handle:
        handle.seek(index.starts[lineno - 1])
        line = handle.read(index.starts[lineno] - index.starts[lineno - 1]).strip()
    try:
        rid = orjson.loads(line).get("id")
    except orjson.JSONDecodeError:  # a field the typed decoder skipped (1e400): the id as it read it
        rec = checked(line)
        rid = rec.id if rec is not None else None
    return rid or auto_id(index.name, lineno)


def _first_openings(index: Index, openings: np.ndarray, n: int) -> None:
    """Each offer's first mise à disposition that is not cancelled (``openings``: offer, dwelling, day, line)."""
    openings = openings[np.lexsort((openings[:, 3], openings[:, 2], openings[:, 0]))]  # by offer, day, line
    index.open_day, index.open_line = np.zeros(n, dtype=np.int32), np.zeros(n, dtype=np.int32)
    index.offer_dwelling = np.full(n, -1, dtype=np.int32)
    first = np.ones(len(openings), dtype=bool)
    first[1:] = openings[1:, 0] != openings[:-1, 0]
    for column, into in ((1, index.offer_dwelling), (2, index.open_day), (3, index.open_line)):
        into[openings[first, 0]] = openings[first, column]
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], len(openings))
    twice = np.flatnonzero(ends - starts > 1)
    for start, end in zip(starts[twice].tolist(), ends[twice].tolist(), strict=True):
        # opened twice: the first in the life cycle's order, among those of its first day (sorted by day)
        rows = openings[start:end]
        rows = rows[rows[:, 2] == rows[0, 2]].tolist()
        if len(rows) == 1:  # the first already kept
            continue
        at = rows[0][0]
        found = _life_ordered(index, [(_id_on_line(index, line), dt.date.fromordinal(day), line, logement)
                                      for _, logement, day, line in rows])[0]
        index.open_day[at], index.open_line[at], index.offer_dwelling[at] = found[1].toordinal(), found[2], found[3]


def _life_ordered(index: Index, opens: list[tuple[str, dt.date, int, str]]) -> list:
    """An offer's openings (id, date, line, dwelling) in the order of the life cycle
    (:func:`~engine.inputs.events.life_order`): by date, then id, those without an id by content (read again
    here: an offer opened twice on one day is rare)."""
    base = Path(index.name).name
    keyed = sorted(((o[1], "" if o[0] == f"{base}:{o[2]}" else o[0]), o) for o in opens)
    if len({k for k, _ in keyed}) == len(keyed):
        return [o for _, o in keyed]
    with index.path.open("rb") as handle:
        def text(o):
            handle.seek(index.starts[o[2] - 1])
            return content(orjson.loads(handle.read(index.starts[o[2]] - index.starts[o[2] - 1]).strip()))

        return [o for _, o in sorted(keyed, key=lambda ko: (ko[0], text(ko[1]) if not ko[0][1] else b""))]


def _resolve_annulations(index: Index, annulations, known, annulation_ids: dict[str, int]) -> np.ndarray:
    """The lines of the cancelled records; their ids are added to ``index.cancelled``."""
    header = index.header
    header_id = (header.get("id") or auto_id(index.name, index.header_line)) if header is not None else None
    lines = []
    for line, target in annulations:
        at = None if target in annulation_ids else known(target)
        if at is None:
            kind, at = ("annulation", annulation_ids[target]) if target in annulation_ids else \
                ("exercice", index.header_line) if target == header_id else (None, 0)
            index.rejections.append(Problem(index.name, line, annulation_problem(target, kind, at), "cycle-incoherent"))
            continue
        index.cancelled.add(target)
        lines.append(at)
    return np.array(lines, dtype=np.int32)
