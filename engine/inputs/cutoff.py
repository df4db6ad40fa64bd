"""The log as recorded up to a date (``--au``): which records the evaluation is fed.

Records dated after the date are set aside, never lost: their number (``posterieurs``) is said beside the records
read, evaluated and rejected (``lus = evalues + rejetes + posterieurs``). A line that cannot be read, or whose date
is not a date, is kept: the reader rejects it whatever its date. The header is kept.

The cut is made on the file itself: a copy in which each record dated after the date is a blank line. The reader
passes over blank lines (events.md), so every other record keeps its line number, and the one evaluation path
(``engine.year``) reads the copy as it reads any log, in any order.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from engine.problems import BadInput, Problem

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_of(line: bytes) -> str | None:
    """The record's ``date`` as written (YYYY-MM-DD), or None when the line is not a dated record."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    date = record.get("date") if isinstance(record, dict) else None
    if not isinstance(date, str) or not ISO_DAY.fullmatch(date):
        return None
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        return None
    return date


@contextmanager
def recorded_by(path: Path, au: dt.date | None) -> Iterator[tuple[Path, int]]:
    """``path`` as recorded on ``au`` (a temporary copy, removed on exit) and how many records were set aside;
    ``path`` itself and 0 without ``au``.

    >>> with recorded_by(Path("x.jsonl"), None) as (same, aside):
    ...     same, aside
    (PosixPath('x.jsonl'), 0)
    """
    if au is None:
        yield path, 0
        return
    limit = au.isoformat()
    fd, name = tempfile.mkstemp(prefix="flux-rules-au-", suffix=".jsonl")
    aside = 0
    try:
        with open(path, "rb") as source, os.fdopen(fd, "wb") as copy:
            for line in source:
                stripped = line.strip()
                date = _date_of(stripped) if stripped and not stripped.startswith(b"//") else None
                if date is not None and date > limit:
                    copy.write(b"\n")
                    aside += 1
                else:
                    copy.write(line)
        yield Path(name), aside
    finally:
        os.unlink(name)


def check_date(au: dt.date | None, year: int) -> None:
    """``--au`` falls within the year evaluated (the pro rata is of that year)."""
    if au is not None and au.year != year:
        raise BadInput([Problem("--au", 0, f"la date {au.isoformat()} n'est pas dans l'exercice {year} : donnez une "
                                           f"date du 01/01/{year} au 31/12/{year}")])
