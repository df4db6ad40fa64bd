"""The log as recorded up to a date (``--au``): the one predicate that decides which records a replay is fed.

Records dated after the date are set aside, never lost: their number (``posterieurs``) is said beside the records
read, evaluated and rejected (``lus = evalues + rejetes + posterieurs``). A record refused when it was read is
rejected whatever its date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from engine.inputs.events import EventLog
from engine.problems import BadInput, Problem


def recorded_by(au: dt.date):
    """The cut-off predicate: is a record (anything with a ``date``) known on ``au``?"""
    return lambda record: record.date <= au


def cut(log: EventLog, au: dt.date | None) -> tuple[EventLog, int]:
    """``log`` with only the records dated ``au`` or before, and how many were set aside (0 without ``au``). The
    problems list is shared: what the replay rejects is said on the log that was read."""
    if au is None:
        return log, 0
    known = recorded_by(au)
    kept = [r for r in log.records if known(r)]
    return dataclasses.replace(log, records=kept), len(log.records) - len(kept)


def check_date(au: dt.date | None, year: int) -> None:
    """``--au`` falls within the year evaluated (the pro rata is of that year)."""
    if au is not None and au.year != year:
        raise BadInput([Problem("--au", 0, f"la date {au.isoformat()} n'est pas dans l'exercice {year} : donnez une "
                                           f"date du 01/01/{year} au 31/12/{year}")])
