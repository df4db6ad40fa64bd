"""What it still takes, each figure and its note whole, computed by hand (README « Ce qu'il reste à faire »).

Minimum share n / d ≥ t: the smallest k with (n + k) / (d + k) ≥ t. Ceiling n / d ≤ c: ``marge``, the largest k
with (n + k) / (d + k) ≤ c, and once exceeded ``reste_a_faire``, the smallest j with n / (d + j) ≤ c. An
obligation without its rule (``rules`` empty) is read with the target its result gives; its offers are
« offre(s) décomptée(s) ».
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from engine.checks.remaining import objective_remaining, obligation_remaining

ON = dt.date(2024, 12, 31)
NO_RULES = SimpleNamespace(rules={})
KIND_IN = "offre(s) décomptée(s) de plus qui entrent au numérateur (chacune compte aussi au dénominateur)"
KIND_OUT = "offre(s) décomptée(s) de plus hors du numérateur (au dénominateur seulement)"
KIND_ROOM = "offre(s) décomptée(s) de plus au numérateur avant de dépasser le plafond"


def _remaining(cible, sens, statut, n, d, high=None) -> dict:
    ob = {"id": "x", "cible": cible, "sens": sens, "statut": statut, "numerateur": n, "denominateur": d}
    if high is not None:
        ob["numerateur_haut"], ob["denominateur_haut"] = high
    obligation_remaining(ob, NO_RULES, ON)
    return {k: v for k, v in ob.items() if k.startswith(("reste", "marge", "inconnus"))}


@pytest.mark.parametrize("args,expected", [
    # 0 / 5 at 25 %: 1 / 6 ≈ 17 %, 2 / 7 ≈ 29 %
    ((0.25, "minimum", "non_atteint", 0, 5), {"reste_a_faire": 2, "reste_a_faire_note": f"2 {KIND_IN}"}),
    ((0.25, "minimum", "atteint", 2, 5), {"reste_a_faire": 0, "reste_a_faire_note": "rien de plus"}),
    # 100 % with one household outside the numerator: no number of offers reaches it
    ((1, "minimum", "non_atteint", 4, 5), {"reste_a_faire": None, "reste_a_faire_note":
                                           "cible hors d'atteinte : un ménage hors du numérateur suffit à la manquer"}),
    ((0.25, "minimum", "non_applicable", 0, 0), {"reste_a_faire": None, "reste_a_faire_note":
                                                 "sans objet tant que le dénominateur est vide (aucun(e) offre(s) "
                                                 "décomptée(s) au dénominateur)"}),
    # 2 / 10 ≤ 30 %: 3 / 11 ≈ 27 %, 4 / 12 ≈ 33 %
    ((0.3, "maximum", "atteint", 2, 10), {"reste_a_faire": 0, "reste_a_faire_note": "rien de plus", "marge": 1,
                                          "marge_note": f"1 {KIND_ROOM}"}),
    # 4 / 10 > 30 %: 4 / 13 ≈ 30,8 %, 4 / 14 ≈ 28,6 %
    ((0.3, "maximum", "non_atteint", 4, 10), {"reste_a_faire": 4, "reste_a_faire_note": f"4 {KIND_OUT}",
                                              "marge": 0, "marge_note": f"0 {KIND_ROOM}"}),
    ((0, "maximum", "non_atteint", 1, 10), {"reste_a_faire": None, "reste_a_faire_note":
                                            "plafond nul dépassé : aucune offre hors du numérateur ne le rétablit",
                                            "marge": 0, "marge_note": f"0 {KIND_ROOM}"}),
    ((1, "maximum", "atteint", 1, 10), {"reste_a_faire": 0, "reste_a_faire_note": "rien de plus", "marge": None,
                                        "marge_note": "plafond de 100 % : aucune limite"}),
])
def test_one_figure_and_its_note(args, expected):
    assert _remaining(*args) == expected


def test_unknown_households_all_in_the_denominator_say_how_many_of_them_would_do():
    """1 / 4 known, 2 households of unknown quartile in it (3 / 4 at best), target 50 %: one of them in the
    numerator is enough (2 / 4); otherwise from 0 (best) to 2 more ((1 + 2) / 6 = 50 %)."""
    assert _remaining(0.5, "minimum", "indetermine", 1, 4, (3, 4)) == {
        "reste_a_faire": None, "reste_a_faire_bornes": [0, 2], "inconnus_necessaires": 1,
        "reste_a_faire_note": "donnée manquante pour 2 ménage(s) : la cible est atteinte sans rien de plus si au "
                              f"moins 1 d'entre eux entre au numérateur ; sinon de 0 à 2 {KIND_IN}"}
    # 0 / 6 known, 4 unknown at best 4 / 6: 3 of them needed (3 / 6)
    assert _remaining(0.5, "minimum", "indetermine", 0, 6, (4, 6))["reste_a_faire_note"].startswith(
        "donnée manquante pour 4 ménage(s) : la cible est atteinte sans rien de plus si au moins 3 d'entre eux "
        "entrent au numérateur")
    # 0 / 4 with 1 unknown (1 / 4 at best): even in the numerator, 2 (3 / 6) to 4 (4 / 8) more
    assert _remaining(0.5, "minimum", "indetermine", 0, 4, (1, 4)) == {
        "reste_a_faire": None, "reste_a_faire_bornes": [2, 4], "inconnus_necessaires": None,
        "reste_a_faire_note": "donnée manquante pour 1 ménage(s) : même s'ils entraient tous au numérateur, de 2 "
                              f"à 4 {KIND_IN}"}


def test_bounds_are_said_from_the_smaller_to_the_larger():
    """A ceiling of 30 % between 2 / 10 and 4 / 12: at best nothing to do and room for 1, at worst 2 more
    outside the numerator (4 / 14 ≈ 28,6 %) and no room. The bounds keep [favourable, unfavourable]."""
    assert _remaining(0.3, "maximum", "indetermine", 2, 10, (4, 12)) == {
        "reste_a_faire": None, "reste_a_faire_bornes": [0, 2],
        "reste_a_faire_note": f"selon les données manquantes, de 0 à 2 {KIND_OUT}",
        "marge": None, "marge_bornes": [1, 0], "marge_note": f"selon les données manquantes, de 0 à 1 {KIND_ROOM}"}
    # a bound out of reach is said last: 100 % between 1 / 4 and 4 / 4
    out = _remaining(1, "minimum", "indetermine", 1, 4, (4, 4))
    assert out["reste_a_faire_bornes"] == [0, None]
    assert out["reste_a_faire_note"].endswith("la cible est atteinte sans rien de plus si au moins 3 d'entre eux "
                                              f"entrent au numérateur ; sinon de 0 à hors d'atteinte {KIND_IN}")


def test_the_objective_counted_offers_still_needed():
    entry = {"objectif": 5, "ecart": -2}
    objective_remaining(entry)
    assert entry["reste_a_faire"] == 2 and "reste_a_faire_note" not in entry
    entry = {"objectif": 5, "ecart": 3}
    objective_remaining(entry)
    assert entry["reste_a_faire"] == 0
    for statut, note in (("absent", "aucun objectif chiffré : rien à atteindre"),
                         ("indetermine", "objectif non déterminé : le reste à faire ne peut être donné")):
        entry = {"objectif": None, "objectif_statut": statut}
        objective_remaining(entry, SimpleNamespace(id="objectif-x", rule=SimpleNamespace(source="Convention, art. 2")))
        assert entry == {"objectif": None, "objectif_statut": statut, "reste_a_faire": None,
                         "reste_a_faire_note": note, "objectif_regle": "objectif-x",
                         "objectif_source": "Convention, art. 2"}
