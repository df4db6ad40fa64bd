"""``flux --check`` / ``--annexe``: each printed Annexe 1 figure against the rules' one, with the tolerance its
printed precision gives and, for a disagreement, the likely cause, said whole.

The figures are those of the Escalquens annexes (``../shared/data/annexes/``): the Patrimoine annex (11 eligible
dwellings, all the commune's, 7,27 %: 11 × 1 × 7,27 % = 0,7997, rounded to 1, 25 % of 0,7997 = 0,199925) and
the Toulouse Métropole Habitat one (3 dwellings, 1 of them the commune's, 7,8 %: 3 × 1/3 × 7,8 % = 0,078, printed
« 1 » and « 0,25 »).
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from engine.flux import audit
from engine.flux.theoretical import compute
from engine.problems import BadInput

D = Decimal


def _figures(eligibles=11, units=11, rate="0.0727", arrondi="plus_proche", sur="brut", minimum=0):
    params = SimpleNamespace(arrondi=arrondi, minimum=minimum, part_prioritaire=D("0.25"), prioritaire_sur=sur)
    return compute("mairie-escalquens", "assiette", eligibles, units, D(rate), [], params)


PATRIMOINE = _figures()
TMH = _figures(3, 1, "0.078")


def _item(chiffre, libelle, imprime, valeur, calcule, tolerance, statut, cause=None, note=None):
    return {"chiffre": chiffre, "libelle": libelle, "imprime": imprime, "valeur_imprimee": valeur,
            "calcule": calcule, "tolerance": tolerance, "statut": statut, "cause": cause, "note": note}


def test_the_patrimoine_annex_as_printed_agrees_figure_by_figure():
    """« 100 % », « 7,27 % », 11, « 0,80 » (0,7997 rounded to the hundredth), 1, « 0,20 » (0,199925)."""
    checks = {"part": "100%", "taux": "7,27 %", "eligibles": "11", "logements_reservataire": "11",
              "flux_brut": "0,80", "flux": "1", "prioritaires": "0,20"}
    assert audit.audit(PATRIMOINE, checks, []) == [
        _item("part", "part du flux", "100%", 1.0, 1.0, 0.01, "conforme"),
        _item("taux", "taux de rotation", "7,27 %", 0.0727, 0.0727, 0.0001, "conforme"),
        _item("eligibles", "logements éligibles", "11", 11.0, 11.0, 0, "conforme"),
        _item("logements_reservataire", "logements du réservataire", "11", 11.0, 11.0, 0, "conforme"),
        _item("flux_brut", "flux avant arrondi", "0,80", 0.8, 0.7997, 0.01, "conforme",
              note="valeur imprimée arrondie"),
        _item("flux", "flux arrondi", "1", 1.0, 1.0, 0, "conforme"),
        _item("prioritaires", "part prioritaire (25 %)", "0,20", 0.2, 0.199925, 0.01, "conforme",
              note="valeur imprimée arrondie"),
    ]


@pytest.mark.parametrize("text,note", [
    ("0,79", "valeur imprimée tronquée"),  # 0,7997 cut at the hundredth
    ("0,8", "valeur imprimée arrondie"),  # to the tenth
    ("0,81", "valeur imprimée à la précision près"),  # 0,0103 away: one hundredth and a little more, not accepted
])
def test_a_printed_figure_within_one_unit_of_its_last_digit_says_how_it_was_cut(text, note):
    [item] = audit.audit(PATRIMOINE, {"flux_brut": text}, [])
    if text == "0,81":
        assert item["statut"] == "ecart" and item["note"] is None
        assert item["cause"] == "écart de 0,0103 au-delà de la précision imprimée (0,01)"
    else:
        assert (item["statut"], item["note"]) == ("conforme", note)


def test_one_unit_of_the_last_printed_digit_is_accepted_not_more():
    """10 × 8 % = 0,8: « 0,7 » and « 0,9 » are one tenth away, accepted at the precision; « 0,6 » is not, nor
    « 0,79 » (one hundredth away, beyond its precision of 0,01: 0,0100 is accepted, 0,0101 is not)."""
    fig = _figures(10, 10, "0.08")
    for text in ("0,7", "0,9"):
        [item] = audit.audit(fig, {"flux_brut": text}, [])
        assert (item["statut"], item["note"]) == ("conforme", "valeur imprimée à la précision près"), text
    assert audit.audit(fig, {"flux_brut": "0,6"}, [])[0]["statut"] == "ecart"
    assert audit.audit(fig, {"flux_brut": "0,79"}, [])[0]["statut"] == "conforme"
    assert audit.audit(fig, {"flux_brut": "0,7899"}, [])[0]["statut"] == "ecart"


def test_a_dwelling_count_or_the_rounded_flux_must_be_equal():
    [item] = audit.audit(PATRIMOINE, {"logements_eligibles": "12"}, [])
    assert item == _item("logements_eligibles", "logements éligibles", "12", 12.0, 11.0, 0, "ecart",
                         cause="nombre différent de celui retenu (inventaire ou option) : l'état des lieux est-il "
                               "complet ?")
    [item] = audit.audit(PATRIMOINE, {"logements_reservataire": "10"}, [])
    assert item["cause"].startswith("nombre différent de celui retenu")


def test_a_rate_printed_in_the_wrong_unit():
    """7,27 % printed « 0,0727 % » (the fraction followed by %) and « 727 % » (multiplied by 100 twice)."""
    [fraction] = audit.audit(PATRIMOINE, {"taux": "0,0727 %"}, [])
    assert (fraction["statut"], fraction["valeur_imprimee"], fraction["tolerance"]) == ("ecart", 0.000727, 1e-06)
    assert fraction["cause"] == ("pourcentage imprimé dans la mauvaise unité : la fraction 0,0727 (7,27 %) a été "
                                 "imprimée suivie de « % »")
    [twice] = audit.audit(PATRIMOINE, {"part": "10000 %"}, [])
    assert twice["cause"] == "pourcentage multiplié deux fois par 100 : 10000 % imprimé pour 100 %"
    [twice] = audit.audit(PATRIMOINE, {"taux": "727 %"}, [])
    assert twice["cause"] == "pourcentage multiplié deux fois par 100 : 727 % imprimé pour 7,27 %"


def test_tmh_flux_printed_1_is_rounded_up_from_less_than_one_half():
    [item] = audit.audit(TMH, {"flux": "1"}, [])
    assert item == _item("flux", "flux arrondi", "1", 1.0, 0.0, 0, "ecart",
                         cause="flux arrondi à l'unité supérieure depuis moins de 0,5 (flux avant arrondi 0,078) ; "
                               "l'arrondi des règles « plus_proche » donne 0")


@pytest.mark.parametrize("rate,arrondi,printed,modes", [
    ("0.14", "plus_proche", "2", "« superieur »"),  # 10 × 14 % = 1,4: 1 to the nearest, 2 rounded up
    ("0.16", "plus_proche", "1", "« inferieur »"),  # 1,6: 2 to the nearest, 1 rounded down
    ("0.14", "superieur", "1", "« plus_proche » ou « inferieur »"),  # 1,4: 2 rounded up; 1 by either other mode
    ("0.16", "inferieur", "2", "« plus_proche » ou « superieur »"),
])
def test_a_rounded_flux_another_rounding_gives(rate, arrondi, printed, modes):
    [item] = audit.audit(_figures(10, 10, rate, arrondi=arrondi), {"flux": printed}, [])
    assert item["cause"] == f"autre règle d'arrondi : {modes} au lieu de « {arrondi} »"


def test_a_rounded_flux_no_rounding_explains():
    [item] = audit.audit(PATRIMOINE, {"flux": "3"}, [])
    assert item["cause"] == "écart de 2 au-delà de la précision imprimée (1)"


def test_the_priority_part_taken_on_the_rounded_flux_or_on_a_printed_flux():
    """Patrimoine: 25 % × 1 (rounded) = 0,25 where the rules take 25 % × 0,7997. TMH: the rules round 0,078 to 0,
    the annex prints a flux of 1 and 0,25."""
    [item] = audit.audit(PATRIMOINE, {"prioritaires": "0,25"}, [])
    assert item["cause"] == ("part prioritaire prise sur le flux arrondi (25 % × 1) ; les règles la prennent sur "
                             "le flux brut")
    [item] = audit.audit(TMH, {"prioritaires": "0,25"}, [])
    assert item["cause"] == "part prioritaire prise sur un flux imprimé de 1 (25 % × 1)"
    on_rounded = _figures(sur="arrondi")  # 25 % × 1 = 0,25 by the rules; printed 25 % × 0,7997 ≈ 0,20
    [item] = audit.audit(on_rounded, {"prioritaires": "0,20"}, [])
    assert item["cause"] == ("part prioritaire prise sur le flux brut (25 % × 0,7997) ; les règles la prennent sur "
                             "le flux arrondi")
    [item] = audit.audit(_figures(rate="0.3"), {"prioritaires": "0,0"}, [])  # 25 % × 3,3 = 0,825; « 0,0 »: on 0
    assert item["cause"] == "part prioritaire prise sur un flux imprimé de 0 (25 % × 0)"
    [item] = audit.audit(PATRIMOINE, {"prioritaires": "0,5"}, [])  # 0,300075 away, shown to the ten-thousandth
    assert item["cause"] == "écart de 0,3001 au-delà de la précision imprimée (0,1)"


def test_a_flux_computed_with_another_rotation_source():
    """0,7997 with 7,27 %; with the history's 8 %, 11 × 8 % = 0,88: the printed « 0,88 » is that rate's."""
    others = [("moyenne de l'historique", D("0.08"))]
    [item] = audit.audit(PATRIMOINE, {"flux_brut": "0,88"}, others)
    assert item["cause"] == "flux calculé avec le taux de rotation de la moyenne de l'historique (8 %)"
    [item] = audit.audit(PATRIMOINE, {"flux_brut": "0,95"}, others)
    assert item["cause"] == "écart de 0,1503 au-delà de la précision imprimée (0,01)"


def test_a_printed_rate_is_also_held_against_every_other_rotation_source():
    others = [("colonne de l'inventaire", D("0.08")), ("moyenne de l'historique", D("0.0728"))]
    items = audit.audit(PATRIMOINE, {"taux": "7,27 %"}, others)
    assert items == [
        _item("taux", "taux de rotation", "7,27 %", 0.0727, 0.0727, 0.0001, "conforme"),
        _item("taux_rotation", "taux de rotation (colonne de l'inventaire)", "7,27 %", 0.0727, 0.08, 0.0001,
              "ecart", cause="taux de rotation imprimé (7,27 %) différent de la colonne de l'inventaire (8 %)"),
    ]  # 7,28 % is within one unit of 7,27 %: no item
    [item, _] = audit.audit(PATRIMOINE, {"taux": "7,5 %"}, others[:1])
    assert item["cause"] == "taux de rotation différent de celui retenu (7,27 %)"


def test_a_blank_printed_cell_is_a_disagreement():
    [item] = audit.audit(TMH, {"flux_brut": " "}, [])
    assert item == _item("flux_brut", "flux avant arrondi", "", None, 0.078, 0, "ecart",
                         cause="case vide dans l'annexe imprimée : aucun chiffre ; les règles calculent 0,078")


def test_two_printed_eligible_counts_say_what_the_flux_is_on_the_other():
    """The Chalets annex prints 1083 dwellings on the EPCI and 4 on the commune; the rules keep 4."""
    fig = _figures(4, 1, "0.0801")
    items = audit.audit(fig, {"logements_eligibles_epci": "1083", "logements_eligibles_commune": "4"}, [])
    assert [i["libelle"] for i in items] == ["logements éligibles (sur l'EPCI)", "logements éligibles (sur la commune)"]
    assert items[1]["statut"] == "conforme"
    assert items[0]["cause"] == ("deux assiettes imprimées (l'EPCI : 1083 ; la commune : 4) ; les règles retiennent 4 ; sur "
                                 "1083 logements avec la part retenue (25 %), le flux avant arrondi serait 21,6871")


def test_checks_are_read_as_the_command_line_gives_them():
    assert audit.parse_checks(["part=9,67% flux=1", "Rotation=7,9 % eligibles=11"]) == {
        "part": "9,67%", "flux": "1", "taux_rotation": "7,9 %", "logements_eligibles": "11"}
    with pytest.raises(BadInput) as refused:
        audit.parse_checks(["part", "inconnu=1", "flux="])
    assert sorted(str(p) for p in refused.value.problems) == [
        f"--check: « {pair} » : attendu chiffre=valeur avec chiffre parmi flux, flux_brut, flux_prioritaires, "
        "logements_eligibles, logements_reservataire, part, taux_rotation" for pair in ("flux=", "inconnu=1", "part")]
    with pytest.raises(BadInput) as unreadable:
        audit.printed("neuf %")
    assert str(unreadable.value.problems[0]) == "--check: valeur imprimée illisible « neuf % »"


def test_a_rate_is_read_in_percent_when_it_has_a_sign_or_is_above_one():
    assert audit.printed("9,67 %") == (D("0.0967"), D("0.0001"))
    assert audit.printed("9.67") == (D("0.0967"), D("0.0001"))
    assert audit.printed("0.0967") == (D("0.0967"), D("0.0001"))
    # a fraction without decimals is exact: « 1 » is 100 %, « 0 » is 0 %, neither read « within one unit »
    assert audit.printed("1") == (D("1"), D("0")) and audit.printed("0") == (D("0"), D("0"))
    assert audit.printed("12", rate=False) == (D("12"), D("1"))
    assert audit.canonical("logements_eligibles_epci") == ("logements_eligibles", "epci")
    assert audit.canonical("flux_epci") == ("flux", "epci")
    assert audit.canonical("flux_region") == ("flux_region", None)
    assert audit.canonical("eligibles") == ("logements_eligibles", None)


def test_the_boundaries_of_each_cause_are_one_unit_of_the_printed_digit():
    """7,27 % printed « 0,0728 % » (the fraction 0,0728, one ten-thousandth away) and « 728 % » (one hundredth of
    a point away once divided twice): the wrong unit still; 7,2699 % printed « 0,0728 % » is 1,01 units away: not."""
    assert audit.audit(PATRIMOINE, {"taux": "0,0728 %"}, [])[0]["cause"].startswith("pourcentage imprimé dans la "
                                                                                   "mauvaise unité")
    assert audit.audit(PATRIMOINE, {"taux": "728 %"}, [])[0]["cause"].startswith("pourcentage multiplié deux fois")
    off = _figures(rate="0.072699")
    assert audit.audit(off, {"taux": "0,0728 %"}, [])[0]["cause"] == ("taux de rotation différent de celui retenu "
                                                                      "(7,27 %)")
    # 25 % × 1 = 0,25 printed « 0,26 »: one hundredth away, still the rounded flux's (Patrimoine), or a printed
    # flux of 1 (TMH)
    assert audit.audit(PATRIMOINE, {"prioritaires": "0,26"}, [])[0]["cause"].startswith(
        "part prioritaire prise sur le flux arrondi (25 % × 1)")
    assert audit.audit(TMH, {"prioritaires": "0,26"}, [])[0]["cause"] == ("part prioritaire prise sur un flux imprimé "
                                                                          "de 1 (25 % × 1)")
    # 11 × 8 % = 0,88 printed « 0,89 »: one hundredth away, still the other rate's
    assert audit.audit(PATRIMOINE, {"flux_brut": "0,89"}, [("moyenne de l'historique", D("0.08"))])[0]["cause"] == (
        "flux calculé avec le taux de rotation de la moyenne de l'historique (8 %)")
    # exactly 0,5 rounded down by the rules and printed 1: not « from less than 0,5 », another rounding
    half = _figures(10, 10, "0.05", arrondi="inferieur")
    assert audit.audit(half, {"flux": "1"}, [])[0]["cause"] == ("autre règle d'arrondi : « plus_proche » ou "
                                                                "« superieur » au lieu de « inferieur »")


def test_a_half_is_rounded_up_as_an_annex_rounds_it():
    """25 × 0,5 % = 0,125 printed « 0,13 »: rounded half up (a banker's rounding would give 0,12)."""
    [item] = audit.audit(_figures(25, 25, "0.005"), {"flux_brut": "0,13"}, [])
    assert (item["statut"], item["note"]) == ("conforme", "valeur imprimée arrondie")


def test_figures_are_said_in_their_unit():
    """A rate in percent to the hundredth of a point (3 / 31 = 9,68 %), to four places under 0,1 % (1 / 4 800 =
    0,0208 %); a count as it is; a gap on a rate in points of percent."""
    [item] = audit.audit(_figures(31, 3), {"part": "12 %"}, [])
    assert item["cause"] == "écart de 2,32 % au-delà de la précision imprimée (1 %)"
    [item] = audit.audit(_figures(4800, 1), {"taux": "6 %"}, [])
    assert item["cause"] == "taux de rotation différent de celui retenu (7,27 %)"
    [item] = audit.audit(_figures(4800, 1), {"part": ""}, [])
    assert item["cause"] == "case vide dans l'annexe imprimée : aucun chiffre ; les règles calculent 0,0208 %"
    blank_count, after = audit.audit(PATRIMOINE, {"flux": "", "eligibles": "11"}, [])
    assert blank_count["cause"] == "case vide dans l'annexe imprimée : aucun chiffre ; les règles calculent 1"
    assert after["statut"] == "conforme"  # the figures after a blank cell are checked too


def test_one_scoped_eligible_count_is_a_count_like_another():
    """Only « logements_eligibles_epci » printed: no second base to compare with, the usual cause."""
    [item] = audit.audit(_figures(4, 1, "0.0801"), {"logements_eligibles_epci": "1083"}, [])
    assert item["cause"].startswith("nombre différent de celui retenu")


def test_checks_refused_whole_and_at_no_line():
    with pytest.raises(BadInput) as refused:
        audit.parse_checks(["% part=1", "inconnu=1 flux= part=9 X"])
    assert sorted(p.message.split(" : ")[0] for p in refused.value.problems) == ["« % »", "« X »", "« flux= »",
                                                                                  "« inconnu=1 »"]
    assert {p.ligne for p in refused.value.problems} == {0}
    with pytest.raises(BadInput) as unreadable:
        audit.printed("neuf")
    assert unreadable.value.problems[0].ligne == 0
    with pytest.raises(BadInput) as after_a_bad_pair:  # a « % » after a refused pair is not its value
        audit.parse_checks(["inconnu=1 %"])
    assert sorted(p.message.split(" : ")[0] for p in after_a_bad_pair.value.problems) == ["« % »", "« inconnu=1 »"]
    assert audit.parse_checks(["flux=1=2"]) == {"flux": "1=2"}  # the value is all after the first « = »
    assert audit.parse_checks(["part=9,67", "%", "flux=1"]) == {"part": "9,67 %", "flux": "1"}  # typed unquoted
    assert audit.printed("1,5") == (D("0.015"), D("0.001"))  # above 1: a percentage


def test_a_rate_written_as_a_whole_fraction_is_exact_and_a_percentage_without_its_sign_is_said():
    """A share of 20 % and a rate of 10 % checked against « 1 » and « 0 »: not within « one unit » of them (that
    unit would be 100 points); a rate of 0,5 % printed « 0,5 » (the sign left out) is read as 50 % and said so."""
    fig = _figures(100, 20, "0.1")
    part, taux = audit.audit(fig, {"part": "1", "taux": "0"}, [])
    assert (part["statut"], part["tolerance"], part["cause"]) == ("ecart", 0.0,
                                                                  "écart de 80 % sur un chiffre imprimé exact")
    assert (taux["statut"], taux["cause"]) == ("ecart", "taux de rotation différent de celui retenu (10 %)")
    assert audit.audit(_figures(20, 20), {"part": "1"}, [])[0]["statut"] == "conforme"
    [item] = audit.audit(_figures(100, 20, "0.005"), {"taux": "0,5"}, [])
    assert item["cause"] == ("pourcentage imprimé sans « % » : 0,5 lu comme la fraction 50 % ; en pourcentage, "
                             "0,5 %, le taux des règles")
