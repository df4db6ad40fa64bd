"""Theoretical flux (Annexe 1): part, flux before and after rounding, priority part, in exact decimals.

>>> rounded(Decimal("0.7912"), "plus_proche", 0)
1
>>> rounded(Decimal("0.078"), "plus_proche", 0), rounded(Decimal("0.078"), "superieur", 0)
(0, 1)
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from engine.ruleset.inherit import RuleSet

MODES = {"plus_proche": ROUND_HALF_UP, "superieur": ROUND_CEILING, "inferieur": ROUND_FLOOR}


def rounded(value: Decimal, mode: str, minimum: int) -> int | Decimal:
    if mode == "aucun":
        return value
    result = int(value.quantize(Decimal(1), rounding=MODES[mode]))
    if value > 0 and result < minimum:
        result = minimum
    return result


def objective_from_annexe(ruleset: RuleSet, reservataire: str, on: dt.date) -> int | None:
    """Rounded flux from the convention's Annexe 1 figures, when the rule set has them."""
    flux_rule = next(iter(ruleset.of("flux")), None)
    for rule in ruleset.of("annexe1"):
        params = rule.at(on)
        if params is None or params.reservataire != reservataire:
            continue
        if None in (params.logements_eligibles, params.logements_reservataire, params.taux_rotation):
            return None
        if params.logements_eligibles == 0:
            return 0
        part = Decimal(params.logements_reservataire) / Decimal(params.logements_eligibles)
        brut = Decimal(params.logements_eligibles) * part * params.taux_rotation
        fp = flux_rule.at(on) if flux_rule else None
        value = rounded(brut, fp.arrondi if fp else "plus_proche", fp.minimum if fp else 0)
        return int(value)
    return None
