"""Obligations per réservataire: numerator, denominator, value, target and statut.

A household whose data decides the share but is unknown (quartile missing)
makes the share ``indetermine``, with the bounds the unknown data allow —
never a guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from engine.ruleset.inherit import EffectiveRule


@dataclass
class Item:
    """Offers of the population that give the same facts (household and dwelling): ``poids`` of them."""

    facts: dict
    poids: int = 1


def _always(facts: dict) -> bool:
    return True


def _ratio(num: int, den: int) -> float | None:
    return float(Fraction(num, den)) if den else None


def assess(rule: EffectiveRule, on: dt.date, items: list[Item], flux_total: int | None = None) -> dict:
    params = rule.at(on)
    r = rule.rule
    base = {"id": rule.id, "libelle": r.libelle, "source": r.source, "cible": float(params.cible),
            "sens": params.sens}
    numerateur = r.numerateur.cached if r.numerateur is not None else _always
    denominateur = r.denominateur.cached if r.denominateur is not None else _always
    if r.mesure == "part_du_flux":
        num_known = num_max = 0
        for item in items:
            verdict = numerateur(item.facts)
            if verdict is True:
                num_known += item.poids
            if verdict is not False:
                num_max += item.poids
        return _verdict(base, num_known, num_max, flux_total or 0, flux_total or 0, params)
    num = den = could_num = could_den_false = 0
    unknown = 0
    for item in items:
        in_den = denominateur(item.facts)
        if in_den is False:
            continue
        n = item.poids
        in_num = numerateur(item.facts)
        if in_den is True and in_num is not None:
            den += n
            num += n * in_num
            continue
        unknown += n
        if in_num is not False:
            could_num += n  # may add (1, 1): raises the share
        if in_num is not True:
            could_den_false += n  # may add (0, 1): lowers the share
    if unknown == 0:
        return _verdict(base, num, num, den, den, params)
    low_den = den + could_den_false
    high_num, high_den = num + could_num, den + could_num
    result = _verdict(base, num, high_num, low_den, high_den, params, may_be_empty=den == 0)
    result["inconnus"] = unknown
    return result


def _verdict(base: dict, num_low: int, num_high: int, den_low: int, den_high: int, params,
             may_be_empty: bool = False) -> dict:
    """The statut over the bounds. ``may_be_empty``: no household is known to be in the denominator, so the
    unknown data may leave it empty (the obligation sans objet): a share that falls short at every bound with a
    denominator is then not missed for sure, ``indetermine``; one met at each such bound is ``atteint`` (it is
    missed in no case)."""
    low = _ratio(num_low, den_low)
    high = _ratio(num_high, den_high)
    target = Fraction(params.cible)
    out = dict(base)
    if den_low == 0 and den_high == 0:
        out.update(valeur=None, numerateur=0, denominateur=0, statut="non_applicable")
        return out
    out.update(numerateur=num_low, denominateur=den_low, valeur=low)

    def holds(num, den):
        if den == 0:
            return None
        share = Fraction(num, den)
        return share >= target if params.sens == "minimum" else share <= target

    if (num_low, den_low) == (num_high, den_high):
        out["statut"] = "atteint" if holds(num_low, den_low) else "non_atteint"
        return out
    out.update(numerateur_haut=num_high, denominateur_haut=den_high)  # the other bound, exact
    outcomes = {holds(num_low, den_low), holds(num_high, den_high)} - {None}
    if outcomes == {True} or (outcomes == {False} and not may_be_empty):
        out["statut"] = "atteint" if outcomes.pop() else "non_atteint"
    else:
        out["statut"] = "indetermine"
    out["bornes"] = [low, high]
    out["valeur"] = None if out["statut"] == "indetermine" else low
    return out
