"""What it still takes: ``reste_a_faire`` on each objective and each share obligation, ``marge`` on a ceiling.

Exact arithmetic throughout (:class:`~fractions.Fraction`); a figure is given only where the data decide it.

- An objective: counted offers still needed, ``max(0, objectif + report_anterieur - decompte)``.
- A minimum share ``n / d >= t``: the smallest ``k >= 0`` with ``(n + k) / (d + k) >= t``. Each of the ``k`` is
  an offer of the obligation's population (an attribution, a lease, a counted offer) that meets the numerator,
  so it adds one to the numerator *and* one to the denominator; ``k = ceil((t d - n) / (1 - t))``.
- A ceiling ``n / d <= c`` (État ≤ 30 %): ``marge`` is the largest ``k`` with ``(n + k) / (d + k) <= c`` (offers
  that would enter the numerator), ``k = floor((c d - n) / (1 - c))``; once exceeded, ``reste_a_faire`` is the
  smallest ``j`` of offers entering the denominator only with ``n / (d + j) <= c``.
- A share whose data are missing (``indetermine``, or bounds that do not give one figure): the figure at each
  bound and, where every unknown household is in the denominator, how many of them the missing data would have to
  put in the numerator.

>>> needed_minimum(1, 8, Fraction(1, 4))   # (1 + 2) / (8 + 2) = 30 % ; (1 + 1) / 9 = 22 %
2
>>> room_maximum(2, 10, Fraction(3, 10))   # (2 + 1) / 11 = 27 % ; (2 + 2) / 12 = 33 %
1
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

from engine.ruleset.inherit import RuleSet

UNITS = {"attributions": "attribution(s)", "baux": "bail(s)", "decompte": "offre(s) décomptée(s)"}


def needed_minimum(n: int, d: int, target: Fraction) -> int | None:
    """Smallest ``k >= 0`` with ``(n + k) / (d + k) >= target`` (``k >= 1`` when ``d = 0``); None when no ``k``
    reaches it (a target of 100 % with one household outside the numerator)."""
    if d > 0 and Fraction(n, d) >= target:
        return 0
    if target >= 1:
        return None if d > n else (1 if d == 0 else 0)
    k = max(0, math.ceil((target * d - n) / (1 - target)))
    return max(k, 1) if d == 0 else k


def room_maximum(n: int, d: int, cap: Fraction) -> int | None:
    """Largest ``k >= 0`` with ``(n + k) / (d + k) <= cap``: 0 when exceeded or when one more would exceed it;
    None when no number exceeds it (a cap of 100 %)."""
    if cap >= 1:
        return None
    if d > 0 and Fraction(n, d) > cap:
        return 0
    return max(0, math.floor((cap * d - n) / (1 - cap)))


def needed_maximum(n: int, d: int, cap: Fraction) -> int | None:
    """Smallest ``j >= 0`` of offers entering the denominator only with ``n / (d + j) <= cap``; None when none
    does (a cap of 0 with one offer in the numerator)."""
    if d > 0 and Fraction(n, d) <= cap:
        return 0
    if cap <= 0:
        return None if n > 0 else 0
    return max(0, math.ceil(n / cap - d))


def objective_remaining(entry: dict, rule=None) -> None:
    """``reste_a_faire`` of the réservataire's objective (the counted offers still needed, the carry-over
    included), with the objective's rule and source (``objectif_regle``, ``objectif_source``), and a note when no
    figure can be given."""
    if rule is not None:
        entry["objectif_regle"], entry["objectif_source"] = rule.id, rule.rule.source
    if entry["objectif"] is None:  # no gap either (``ecart`` is given with the objective only)
        entry["reste_a_faire"] = None
        entry["reste_a_faire_note"] = ("aucun objectif chiffré : rien à atteindre" if entry.get("objectif_statut") == "absent"
                                       else "objectif non déterminé : le reste à faire ne peut être donné")
        return
    entry["reste_a_faire"] = max(0, -entry["ecart"])


def obligation_remaining(ob: dict, ruleset: RuleSet, on: dt.date) -> None:
    """``reste_a_faire`` (and ``marge`` for a ceiling) of one obligation result, with a note saying of which kind
    the offers are and, for unknown data, what they would need to show."""
    rule = ruleset.rules.get(ob["id"])
    share_of_flux = rule is not None and rule.rule.mesure == "part_du_flux"
    population = "decompte" if share_of_flux or rule is None else rule.rule.population
    unit = UNITS.get(population, population)
    params = rule.at(on) if rule is not None else None
    target = Fraction(params.cible) if params is not None else Fraction(str(ob["cible"]))  # the rule's exact rate
    minimum = ob.get("sens", "minimum") == "minimum"
    n, d = ob["numerateur"], ob["denominateur"]
    high = (ob.get("numerateur_haut", n), ob.get("denominateur_haut", d))
    others = " (les offres décomptées des autres réservataires restant ce qu'elles sont)" if share_of_flux else ""
    if ob["statut"] == "non_applicable":
        ob["reste_a_faire"] = None
        ob["reste_a_faire_note"] = f"sans objet tant que le dénominateur est vide (aucun(e) {unit} au dénominateur)"
        return
    if minimum:  # a bound with no denominator is a case where the obligation is sans objet: nothing needed
        worst = needed_minimum(n, d, target) if d else 0
        best = needed_minimum(*high, target) if high[1] else 0
        kind = (f"{unit} de plus qui entrent au numérateur (chacune compte aussi au dénominateur){others}")
        _figure(ob, "reste_a_faire", worst, best, kind, "cible hors d'atteinte : un ménage hors du numérateur "
                                                         "suffit à la manquer")
        if "reste_a_faire_bornes" in ob and 0 in (d, high[1]):
            ob["reste_a_faire_note"] += " (0 : si aucun d'eux n'entre au dénominateur, l'obligation est sans objet)"
        if "reste_a_faire_bornes" in ob and d == high[1]:  # every unknown household is in the denominator
            unknown = high[0] - n
            need = next((j for j in range(unknown + 1) if Fraction(n + j, d) >= target), None)
            ob["inconnus_necessaires"] = need
            if need is not None:
                ob["reste_a_faire_note"] = (f"donnée manquante pour {unknown} ménage(s) : la cible est atteinte sans "
                                            f"rien de plus si au moins {need} d'entre eux {_enter(need)} au numérateur ; "
                                            f"sinon de {_said(best)} à {_said(worst)} {kind}")
            else:
                ob["reste_a_faire_note"] = (f"donnée manquante pour {unknown} ménage(s) : même s'ils entraient tous "
                                            f"au numérateur, de {_said(best)} à {_said(worst)} {kind}")
        return
    # a ceiling: what it takes is offers outside the numerator; the room left is offers inside it
    worst, best = needed_maximum(*high, target), needed_maximum(n, d, target)
    _figure(ob, "reste_a_faire", worst, best, f"{unit} de plus hors du numérateur (au dénominateur seulement)",
            "plafond nul dépassé : aucune offre hors du numérateur ne le rétablit")
    room_worst, room_best = room_maximum(*high, target), room_maximum(n, d, target)
    _figure(ob, "marge", room_worst, room_best, f"{unit} de plus au numérateur avant de dépasser le plafond{others}",
            "plafond de 100 % : aucune limite", note_key="marge_note")


def _figure(ob: dict, key: str, worst: int | None, best: int | None, kind: str, none_note: str,
            note_key: str = "reste_a_faire_note") -> None:
    """One figure, or its two bounds (best and worst case of the unknown data) with the figure left null."""
    if worst == best:
        ob[key] = worst
        ob[note_key] = none_note if worst is None else f"{worst} {kind}" if worst or key == "marge" else "rien de plus"
        return
    ob[key] = None
    ob[f"{key}_bornes"] = [best, worst]  # None: out of reach (or no limit) in that case
    low, high = sorted((best, worst), key=lambda bound: (bound is None, bound))  # said from the smaller
    ob[note_key] = f"selon les données manquantes, de {_said(low)} à {_said(high)} {kind}"


def _enter(count: int) -> str:
    return "entre" if count == 1 else "entrent"


def _said(bound: int | None) -> str:
    return "hors d'atteinte" if bound is None else str(bound)


def annotate(entries: list[dict], ruleset: RuleSet, on: dt.date, objectives: dict) -> None:
    """Every réservataire's objective and obligations get what it still takes (rules in force on ``on``;
    ``objectives``: the objective rule of each réservataire id)."""
    for entry in entries:
        objective_remaining(entry, objectives.get(entry["id"]))
        for ob in entry["obligations"]:
            obligation_remaining(ob, ruleset, on)
