"""French délais: jours ouvrés, ouvrables, calendaires and months, on the `holidays` calendar.

Semantics (rules.md, CPC art. 640-642): the starting day does not count; a
delay in jours calendaires or months that would end on a Saturday, a Sunday
or a public holiday is extended to the next working day (the rule set's
``prorogation`` setting, on by default); a delay counted backwards (« au
moins 4 mois avant ») is never extended.

The public holidays are those of metropolitan France: the two more days of Alsace-Moselle (Good Friday and
26 December, C. trav. L3134-13) are not applied, no shipped territory being there (a known limit).

>>> d = due(dt.date(2024, 3, 6), 10, "jours_calendaires")   # Saturday 16 March 2024 → Monday 18 March
>>> d.echeance, d.avant_prorogation, d.motif_prorogation
(datetime.date(2024, 3, 18), datetime.date(2024, 3, 16), 'samedi')
>>> due(dt.date(2024, 3, 6), 10, "jours_calendaires", proroger=False).echeance
datetime.date(2024, 3, 16)

>>> d = due(dt.date(2024, 1, 31), 1, "mois")      # leap year: 29 February 2024 is a Thursday
>>> d.echeance
datetime.date(2024, 2, 29)
>>> due(dt.date(2024, 5, 3), 5, "jours_ouvres").echeance   # 8 May and Ascension (9 May) skipped
datetime.date(2024, 5, 14)
>>> [h.isoformat() for h in due(dt.date(2024, 5, 3), 5, "jours_ouvres").feries]
['2024-05-08', '2024-05-09']
>>> due(dt.date(2024, 5, 3), 5, "jours_ouvrables").echeance   # Saturdays count: 4, 6, 7, 10 and 11 May
datetime.date(2024, 5, 11)
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import holidays

ONE = dt.timedelta(days=1)


@lru_cache(maxsize=1)
def _calendar():
    """The public holidays of metropolitan France (built on first use: a tenth of a second)."""
    return holidays.country_holidays("FR", years=range(2015, 2041), language="fr")


def is_holiday(day: dt.date) -> bool:
    return day in _calendar()


def is_jour_ouvre(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def is_jour_ouvrable(day: dt.date) -> bool:
    return day.weekday() != 6 and not is_holiday(day)


@dataclass(frozen=True)
class Due:
    """A computed deadline with the public holidays it skipped or was extended over."""

    echeance: dt.date
    feries: tuple[dt.date, ...] = field(default=())
    prorogee: bool = False
    avant_prorogation: dt.date | None = None  # the day the delay ended on before it was extended
    motif_prorogation: str | None = None  # why: « samedi », « dimanche » or the public holiday's name


def day_off(day: dt.date) -> str | None:
    """Why ``day`` is not a jour ouvré: « samedi », « dimanche » or the public holiday (« jour férié : … »).

    >>> day_off(dt.date(2024, 4, 1))
    'jour férié : Lundi de Pâques'
    """
    name = _calendar().get(day)
    if name:
        return f"jour férié : {name}"
    return {5: "samedi", 6: "dimanche"}.get(day.weekday())


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day number ``months`` later, or the last day of that month (CPC 641).

    >>> add_months(dt.date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    >>> add_months(dt.date(2024, 5, 31), -1)
    datetime.date(2024, 4, 30)
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@lru_cache(maxsize=65536)
def due(start: dt.date, number: int, unit: str, backwards: bool = False, proroger: bool = True) -> Due:
    """Deadline ``number`` ``unit`` after (or before) ``start`` (a pure function: cached, a year of offers
    has a few hundred distinct start dates). ``proroger``: a delay in jours calendaires or months ending on a
    day that is not a jour ouvré is extended to the next one (CPC art. 642)."""
    step = -ONE if backwards else ONE
    skipped: list[dt.date] = []
    if unit in ("jours_ouvres", "jours_ouvrables"):
        ok = is_jour_ouvre if unit == "jours_ouvres" else is_jour_ouvrable
        day, left = start, number
        while left > 0:
            day += step
            if ok(day):
                left -= 1
            elif is_holiday(day):
                skipped.append(day)
        return Due(day, tuple(skipped))
    if unit == "jours_calendaires":
        day = start + step * number
    elif unit == "mois":
        day = add_months(start, -number if backwards else number)
    else:
        raise ValueError(f"unité de délai inconnue : {unit}")
    if backwards or not proroger or is_jour_ouvre(day):
        return Due(day)
    initial, why = day, day_off(day)
    while not is_jour_ouvre(day):
        if is_holiday(day):
            skipped.append(day)
        day += ONE
    return Due(day, tuple(skipped), True, initial, why)
