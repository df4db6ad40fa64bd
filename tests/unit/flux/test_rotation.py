"""The rotation rate computed from a yearly history, each formula worked by hand from its text.

USH Occitanie (guide, « taux de rotation départemental du bailleur », ../shared/seeds/002_…): « Nb de logements
libérés n-1 (hors … mutations et relogements ANRU) / Parc total du bailleur n-1 (hors … ventes et prévus à la
démolition) », and the variant that keeps the mutations; Rhône (Décines-Charpieu §2-1, ../shared/seeds/003_…):
« (Logements libérés N − libérés du fait de démolitions N − libérés du fait de ventes N) / (parc occupé au 31/12/N −
première mise en location N) », mean over three years; Ain (Ornex art. 4.1): libérations / parc, mean over three
years. The rate of year N averages the ``annees`` years before N.
"""

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from engine.flux import rotation as rot
from engine.problems import BadInput

HEADER = ("annee;liberations;mutations;relogements;liberations_demolitions;liberations_ventes;parc;parc_vente;"
          "parc_demolition;premieres_mises_en_location")
# 2020 and 2024 lie outside the three years before 2024: a window off by one year takes one of them in, and
# their rates (0.2, 0.3) are far from the others.
HISTORY = f"""{HEADER}
2020;2000;0;0;0;0;10000;0;0;0
2021;900;100;20;30;10;10300;200;100;300
2022;950;120;30;20;10;10400;250;150;400
2023;1000;100;50;40;10;10500;300;200;500
2024;3000;0;0;0;0;10000;0;0;0
"""


def history(tmp_path, text=HISTORY, name="historique.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return rot.read_history(path)


def problems(exc) -> list[str]:
    """The messages whole; a problem of the whole file is at line 0 (not None: problems are sorted by line)."""
    assert all(isinstance(p.ligne, int) for p in exc.value.problems)
    return [str(p) for p in exc.value.problems]


def exactly(rate: Decimal, expected: Fraction) -> bool:
    """Equal but for Decimal's rounding at its 28th digit."""
    return abs(Fraction(rate) - expected) < Fraction(1, 10 ** 24)


def test_ush_occitanie_one_year_the_year_before(tmp_path):
    rate = rot.compute(history(tmp_path), "ush_occitanie", 2024, 1)
    # 2023: (1 000 − 100 − 50) / (10 500 − 300 − 200) = 850 / 10 000
    assert rate.par_annee == {2023: Decimal("0.085")} and rate.taux == Decimal("0.085")


def test_ush_occitanie_mean_of_three_years(tmp_path):
    rate = rot.compute(history(tmp_path), "ush_occitanie", 2024, 3)
    # 2021: (900 − 100 − 20) / (10 300 − 200 − 100) = 780 / 10 000 = 0,078
    # 2022: (950 − 120 − 30) / (10 400 − 250 − 150) = 800 / 10 000 = 0,080
    # 2023: 850 / 10 000 = 0,085 ; mean (0,078 + 0,080 + 0,085) / 3 = 0,081
    assert rate.par_annee == {2021: Decimal("0.078"), 2022: Decimal("0.08"), 2023: Decimal("0.085")}
    assert rate.taux == Decimal("0.081")


def test_ush_occitanie_with_mutations_keeps_them(tmp_path):
    rate = rot.compute(history(tmp_path), "ush_occitanie_avec_mutations", 2024, 3)
    # (900 − 20) / 10 000, (950 − 30) / 10 000, (1 000 − 50) / 10 000: 0,088, 0,092, 0,095 → 0,275 / 3
    assert rate.par_annee == {2021: Decimal("0.088"), 2022: Decimal("0.092"), 2023: Decimal("0.095")}
    assert exactly(rate.taux, Fraction(275, 3000))


def test_rhone_mobility_three_years(tmp_path):
    rate = rot.compute(history(tmp_path), "rhone_mobilite_epci", 2024, 3)
    # 2021: (900 − 30 − 10) / (10 300 − 300) = 860 / 10 000; 2022: (950 − 20 − 10) / (10 400 − 400) = 920 / 10 000;
    # 2023: (1 000 − 40 − 10) / (10 500 − 500) = 950 / 10 000; mean 2 730 / 30 000 = 0,091
    assert rate.par_annee == {2021: Decimal("0.086"), 2022: Decimal("0.092"), 2023: Decimal("0.095")}
    assert rate.taux == Decimal("0.091")


def test_ain_departmental_mean_three_years(tmp_path):
    rate = rot.compute(history(tmp_path), "ain_moyenne_departementale", 2024, 3)
    # 900 / 10 300, 950 / 10 400, 1 000 / 10 500: every withdrawal ignored
    expected = (Fraction(900, 10300) + Fraction(950, 10400) + Fraction(1000, 10500)) / 3
    assert list(rate.par_annee) == [2021, 2022, 2023] and exactly(rate.taux, expected)


def test_the_window_moves_with_the_year(tmp_path):
    rate = rot.compute(history(tmp_path), "rhone_mobilite_epci", 2023, 2)
    # 2021 and 2022 (not 2023, the year itself): (0,086 + 0,092) / 2
    assert list(rate.par_annee) == [2021, 2022] and rate.taux == Decimal("0.089")


def test_a_missing_optional_column_or_cell_counts_as_zero(tmp_path):
    text = "annee;liberations;mutations;parc;parc_vente\n2022;1000;;10000;\n2023;1000;200;10500;500\n"
    rate = rot.compute(history(tmp_path, text), "ush_occitanie", 2024, 2)
    # no relogements, no parc_demolition column; 2022 leaves mutations and parc_vente empty:
    # 2022: (1 000 − 0 − 0) / (10 000 − 0 − 0) = 0,1 ; 2023: (1 000 − 200 − 0) / (10 500 − 500 − 0) = 0,08
    assert rate.par_annee == {2022: Decimal("0.1"), 2023: Decimal("0.08")} and rate.taux == Decimal("0.09")
    # …and said, deduction by deduction, with the years it was taken as 0 (a figure the history did not give)
    assert rate.comptes_zero == {"mutations": [2022], "relogements": [2022, 2023], "parc_vente": [2022],
                                 "parc_demolition": [2022, 2023]}


def test_flux_says_which_deductions_of_the_history_were_counted_zero(tmp_path):
    from tests.conftest import invoke

    path = tmp_path / "historique.csv"
    path.write_text("annee;liberations;mutations;relogements;parc;parc_vente;parc_demolition\n"
                    "2023;1000;;0;10500;500;0\n", encoding="utf-8")
    out = invoke(["flux", "--year", "2024", "--history", path, "--eligibles", "1000", "--logements-reservataire",
                  "200", "--reservataire", "etat", "--format", "json"], 0).output
    result, _ = json.JSONDecoder().raw_decode(out)  # a notice may follow on stderr
    said = [r for r in result["remarques"] if r.startswith("historique :")]
    # mutations left empty for 2023: counted 0 and said; relogements given as 0 and parc_demolition 0: not said
    assert said == ["historique : « mutations » non renseigné pour 2023, compté 0 dans le taux "
                    "(vérifiez qu'il n'y en a pas eu)"]


def test_a_stock_of_one_dwelling_is_a_rate(tmp_path):
    text = "annee;liberations;parc;parc_vente;parc_demolition\n2023;1;12;5;6\n"
    # 1 / (12 − 5 − 6) = 1 / 1: a rate of 100 %, not a stock refused
    assert rot.compute(history(tmp_path, text), "ush_occitanie", 2024, 1).taux == 1


@pytest.mark.parametrize("method", ["ush_occitanie", "ush_occitanie_avec_mutations"])
def test_a_stock_nothing_left_of_is_refused_at_its_line(tmp_path, method):
    text = "annee;liberations;parc;parc_vente;parc_demolition\n2022;10;100;0;0\n2023;1;12;5;7\n"
    with pytest.raises(BadInput) as exc:  # 12 − 5 − 7 = 0
        rot.compute(history(tmp_path, text), method, 2024, 2)
    assert problems(exc) == [f"{tmp_path / 'historique.csv'}:3: parc nul ou négatif après retraits : taux "
                             "incalculable"]


def test_a_negative_stock_is_refused(tmp_path):
    text = "annee;liberations;parc;premieres_mises_en_location\n2023;10;100;150\n"
    with pytest.raises(BadInput) as exc:
        rot.compute(history(tmp_path, text), "rhone_mobilite_epci", 2024, 1)
    assert problems(exc) == [f"{tmp_path / 'historique.csv'}:2: parc nul ou négatif après retraits : taux "
                             "incalculable"]


def test_missing_years_are_named(tmp_path):
    with pytest.raises(BadInput) as exc:
        rot.compute(history(tmp_path), "ain_moyenne_departementale", 2027, 3)
    assert problems(exc) == [f"{tmp_path / 'historique.csv'}: moyenne départementale sur trois ans (Ain, RPLS) "
                             "pour 2027 : années 2025, 2026 absentes de l'historique"]


def test_a_year_twice_is_refused_with_both_lines(tmp_path):
    text = "annee;liberations;parc\n2022;10;100\n2023;10;100\n2022;12;100\n"
    with pytest.raises(BadInput) as exc:
        rot.compute(history(tmp_path, text), "ain_moyenne_departementale", 2024, 2)
    assert problems(exc) == [f"{tmp_path / 'historique.csv'}:4: année 2022 en double (déjà ligne 2)"]


PERIMETRES = """annee;perimetre;liberations;parc
2022;Métropole de Lyon;800;10000
2023;Métropole de Lyon;900;10000
2022;CA Villefranche;50;1000
2023;CA Villefranche;70;1000
2023;;1;1
"""


def test_the_perimeter_chosen_without_case_or_accents(tmp_path):
    rate = rot.compute(history(tmp_path, PERIMETRES), "ain_moyenne_departementale", 2024, 2, "metropole de LYON")
    # Lyon's rows only: (800 / 10 000 + 900 / 10 000) / 2 = 0,085 (Villefranche: 0,06; the row without one: 1)
    assert rate.par_annee == {2022: Decimal("0.08"), 2023: Decimal("0.09")} and rate.taux == Decimal("0.085")


def test_several_perimeters_need_one_chosen(tmp_path):
    with pytest.raises(BadInput) as exc:
        rot.compute(history(tmp_path, PERIMETRES), "ain_moyenne_departementale", 2024, 2)
    assert problems(exc) == [f"{tmp_path / 'historique.csv'}: plusieurs périmètres (CA Villefranche, Métropole de "
                             "Lyon) : choisissez-en un avec --perimetre"]


def test_one_perimeter_is_used_without_being_named(tmp_path):
    text = "annee;perimetre;liberations;parc\n2023;Métropole de Lyon;900;10000\n"
    rate = rot.compute(history(tmp_path, text), "ain_moyenne_departementale", 2024, 1)
    assert rate.taux == Decimal("0.09")


@pytest.mark.parametrize("text,present", [(PERIMETRES, "CA Villefranche, Métropole de Lyon"),
                                          (HISTORY, "aucun")], ids=["deux", "aucun"])
def test_a_perimeter_absent_from_the_history(tmp_path, text, present):
    with pytest.raises(BadInput) as exc:
        rot.compute(history(tmp_path, text), "ain_moyenne_departementale", 2024, 2, "Vienne")
    assert problems(exc) == [f"{tmp_path / 'historique.csv'}: périmètre « Vienne » absent de l'historique "
                             f"(présents : {present})"]
