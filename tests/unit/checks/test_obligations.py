"""The statut of a share whose data are missing, against every way the missing data could be filled in.

CCH L441-1 (in QPV, at least 50 % of attributions to the quartiles 2 to 4): each attribution is in the denominator
when its dwelling is in a QPV, in the numerator when its household is of the quartiles 2 to 4; either may be
unknown. The statut ``assess`` gives is the one every completion of the unknown data agrees on: ``atteint`` when
the share is met wherever the obligation applies (a completion with an empty denominator, sans objet, misses
nothing), ``non_atteint`` only when every completion misses it, ``non_applicable`` when none has a denominator,
else ``indetermine``. ``reste_a_faire`` (or its bounds) is what the best and the worst completions need, 0 where
the obligation is sans objet; under a ceiling, ``marge`` too (the room left, largest in the best completion).
"""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction
from types import SimpleNamespace

import pytest

from engine.checks.obligations import Item, assess
from engine.checks.remaining import needed_maximum, needed_minimum, obligation_remaining, room_maximum

ON = dt.date(2024, 12, 31)
VALUES = (True, False, None)


def _rule(cible: str, sens: str = "minimum"):
    params = SimpleNamespace(cible=Fraction(cible), sens=sens)
    rule = SimpleNamespace(
        libelle="QPV, quartiles 2 à 4", source="CCH L441-1", mesure="part", population="attributions",
        numerateur=SimpleNamespace(cached=lambda facts: facts["q"]),
        denominateur=SimpleNamespace(cached=lambda facts: facts["qpv"]))
    return SimpleNamespace(id="qpv-quartiles-2-4-50", rule=rule, at=lambda on: params)


def _world_statut(items: list[tuple[bool, bool]], cible: Fraction, sens: str) -> tuple[str, int | None]:
    """The statut and the attributions still needed in one completion (every value known)."""
    den = sum(1 for qpv, _ in items if qpv)
    num = sum(1 for qpv, q in items if qpv and q)
    if den == 0:
        return "non_applicable", 0 if sens == "minimum" else (0, 0)
    share = Fraction(num, den)
    met = share >= cible if sens == "minimum" else share <= cible
    return ("atteint" if met else "non_atteint"), (needed_minimum(num, den, cible) if sens == "minimum"
                                                   else (needed_maximum(num, den, cible), room_maximum(num, den, cible)))


def _expected(items: list[tuple], cible: Fraction, sens: str) -> tuple[str, set]:
    unknown = [(i, k) for i, item in enumerate(items) for k in (0, 1) if item[k] is None]
    statuts, needs = set(), set()
    for fill in itertools.product((True, False), repeat=len(unknown)):
        world = [list(item) for item in items]
        for (i, k), value in zip(unknown, fill, strict=True):
            world[i][k] = value
        statut, need = _world_statut([tuple(w) for w in world], cible, sens)
        statuts.add(statut)
        needs.add(need)
    applicable = statuts - {"non_applicable"}
    if not applicable:
        return "non_applicable", needs
    if applicable == {"atteint"}:
        return "atteint", needs
    if statuts == {"non_atteint"}:
        return "non_atteint", needs
    return "indetermine", needs


HOUSEHOLDS = list(itertools.product(VALUES, VALUES))  # (dwelling in a QPV, household of the quartiles 2 to 4)


@pytest.mark.parametrize("cible,sens", [("1/2", "minimum"), ("1/4", "minimum"), ("3/10", "maximum")])
def test_the_statut_is_the_one_every_completion_of_the_missing_data_agrees_on(cible, sens):
    for size in (1, 2, 3):
        for items in itertools.product(HOUSEHOLDS, repeat=size):
            result = assess(_rule(cible, sens), ON, [Item({"qpv": qpv, "q": q}) for qpv, q in items])
            statut, needs = _expected(list(items), Fraction(cible), sens)
            assert result["statut"] == statut, (items, result)
            if statut == "non_applicable":
                continue
            ruleset = SimpleNamespace(rules={})  # the target given with the result, as for an obligation without rule
            obligation_remaining(result, ruleset, ON)
            figures = [("reste_a_faire", needs)] if sens == "minimum" else [
                ("reste_a_faire", {n for n, _ in needs}), ("marge", {r for _, r in needs})]
            for key, values in figures:
                if len(values) == 1:
                    assert result[key] == values.pop(), (key, items, result)
                else:  # the best and worst completions bound it, [favourable, unfavourable]
                    bounds = [min(values), max(values)] if key == "reste_a_faire" else [max(values), min(values)]
                    assert result[key] is None and result[f"{key}_bornes"] == bounds, (key, items, result)


def test_one_attribution_in_a_dwelling_whose_qpv_is_unknown():
    """Quartile 2: met in a QPV (1/1), sans objet outside: atteint, nothing to do. Quartile 1: missed in a QPV
    (0/1), sans objet outside: not missed for sure, indetermine, 0 to 1 more."""
    met = assess(_rule("1/2"), ON, [Item({"qpv": None, "q": True})])
    assert (met["statut"], met["bornes"]) == ("atteint", [None, 1.0])
    short = assess(_rule("1/2"), ON, [Item({"qpv": None, "q": False})])
    assert (short["statut"], short["bornes"]) == ("indetermine", [0.0, None])
    obligation_remaining(short, SimpleNamespace(rules={}), ON)
    assert short["reste_a_faire_bornes"] == [0, 1] and "sans objet" in short["reste_a_faire_note"]
