"""Where a réservataire stands on a date: its objective pro rata of the year elapsed, and the gap to it.

The conventions ask for quarterly points but say nothing of how an annual objective is spread over the year: the
project takes the days elapsed, 1 January to the date included, over the days of the year — an exact fraction.
``retard`` is the number of counted offers short of the pro rata (0 when at or ahead of it).

>>> p = prorata(12, 7, dt.date(2024, 9, 30))        # 274 days of 366: 12 × 274 / 366 = 8.98…
>>> p["attendu"], p["attendu_arrondi"], p["retard"], p["statut"]
('548/61', 8.98, 2, 'en_retard')
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

NOTE = ("prorata au nombre de jours écoulés du 1er janvier à la date incluse, sur les jours de l'année : choix du "
        "projet, les conventions demandent des points trimestriels sans dire comment répartir l'objectif")


def elapsed(au: dt.date) -> Fraction:
    """The share of ``au``'s year elapsed at the end of ``au``."""
    start = dt.date(au.year, 1, 1)
    days = (dt.date(au.year + 1, 1, 1) - start).days
    return Fraction((au - start).days + 1, days)


def rounded(value: Fraction, places: int = 2) -> float:
    """A display figure from the exact one, half to even: never a float rounded the wrong way."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))


def prorata(target: int, decompte: int, au: dt.date) -> dict:
    """The pro rata on ``au`` of an annual ``target`` (objective plus carry-over) against ``decompte``."""
    share = elapsed(au)
    due = target * share
    gap = decompte - due
    start = dt.date(au.year, 1, 1)
    return {"au": au.isoformat(), "jours_ecoules": (au - start).days + 1,
            "jours_exercice": (dt.date(au.year + 1, 1, 1) - start).days, "objectif_annuel": target,
            "attendu": _text(due), "attendu_arrondi": rounded(due), "decompte": decompte,
            "ecart": _text(gap), "ecart_arrondi": rounded(gap), "retard": max(0, math.ceil(due) - decompte),
            "statut": "en_retard" if gap < 0 else "a_jour"}


def _text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def annotate(entries: list[dict], au: dt.date, objectives: dict) -> None:
    """Each réservataire with an objective gets its ``prorata`` on ``au`` (with the rule and source the objective
    comes from); without one, ``prorata`` is null."""
    for entry in entries:
        if entry.get("objectif") is None:
            entry["prorata"] = None
            continue
        figure = prorata(entry["objectif"] + entry["report_anterieur"], entry["decompte"], au)
        rule = objectives.get(entry["id"])
        if rule is not None:
            figure["regle"], figure["source"] = rule.id, rule.rule.source
        figure["note"] = NOTE
        entry["prorata"] = figure
