"""The USH worked example, the Action Logement method and the rotation formulas, with their numbers."""

import csv
import json
from decimal import Decimal

import pytest

from engine.flux import rotation as rot
from engine.problems import BadInput
from tests.conftest import invoke


def write_inventory(path, rows, header=("N° RPLS", "Réservataire", "Catégorie", "En vente", "Programme")):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def ush_inventory(path):
    """15 000 dwellings, 500 not eligible (300 foyers, 200 in a sale plan); the département holds 2 900 of the
    14 500 eligible ones (20 %)."""
    rows = []
    for i in range(15000):
        categorie = "foyer" if i < 300 else "familial"
        vente = "oui" if 300 <= i < 500 else "non"
        holder = "CONSEIL GENERAL" if 500 <= i < 3400 else ("PREFECTURE" if i < 6000 else "")
        rows.append((f"{i:010d}", holder, categorie, vente, ""))
    return write_inventory(path, rows)


def test_ush_worked_example_15000_minus_500_times_10_percent_minus_450(tmp_path):
    """USH Occitanie, étape 3: (15 000 − 500) × 10 % − 450 = 1 000 attributions; 20 % of the parc → 200."""
    inv = ush_inventory(tmp_path / "ush.csv")
    result = invoke(["flux", "--inventory", inv, "--rules", "national", "--year", "2024", "--rotation", "10 %",
                     "--deduction", "mutations=400", "--deduction", "anru=50", "--reservataire", "CONSEIL GENERAL",
                     "--format", "json"], 0)
    d = json.loads(result.stdout)
    assert d["logements"] == 15000 and d["logements_eligibles"] == 14500
    assert d["exclus"] == {"exclusion-foyers-residences": 300, "exclusion-plan-de-vente": 200}
    r = d["reservataires"][0]
    assert r["flux_total"] == 1450 and r["flux_a_repartir"] == 1000
    assert (r["id"], r["logements_reservataire"], r["part"]) == ("departement", 2900, 0.2)
    assert (d["flux_brut"], d["flux"], d["flux_prioritaires"]) == (200, 200, 50)


def test_haute_garonne_2024_derogation_does_not_deduct_mutations(tmp_path):
    inv = ush_inventory(tmp_path / "ush.csv")
    args = ["flux", "--inventory", inv, "--rules", "haute-garonne", "--rotation", "10 %", "--deduction",
            "mutations=400", "--reservataire", "CONSEIL GENERAL", "--format", "json"]
    y2024 = json.loads(invoke(args + ["--year", "2024"], 0).stdout)
    y2025 = json.loads(invoke(args + ["--year", "2025"], 0).stdout)
    assert y2024["flux"] == 290 and y2025["flux"] == 210  # (1 450 − 0) × 20 % ; (1 450 − 400) × 20 %
    mutations = next(x for x in y2024["reservataires"][0]["deductions"] if x["objet"] == "mutations")
    assert mutations["deduite"] is False and "dérogatoire" in mutations["source"]


def test_action_logement_transformation_des_droits_acquis(tmp_path):
    """Σ droits de suite par programme × taux de rotation : 10 × 8 % + 25 × 8 % + 5 × 8 % = 3,2 → 3."""
    rows = [(f"A{i:04d}", "ACTION LOGEMENT", "familial", "non", "P1") for i in range(10)]
    rows += [(f"B{i:04d}", "CILEO", "familial", "non", "P2") for i in range(25)]
    rows += [(f"C{i:04d}", "ACTION LOGEMENT", "foyer" if i == 0 else "familial", "non", "P3") for i in range(5)]
    rows += [(f"D{i:04d}", "", "familial", "non", "P3") for i in range(60)]
    inv = write_inventory(tmp_path / "al.csv", rows)
    layer = tmp_path / "al.yaml"
    layer.write_text("couche: scenario-droits-acquis\nniveau: scenario\nherite_de: national\n"
                     "surcharges:\n  - id: flux-theorique\n"
                     "    source: USH Occitanie, option pour Action Logement (transformation des droits acquis)\n"
                     "    valeurs: {2024-01-01: {droits_acquis: [action_logement]}}\n", encoding="utf-8")
    d = json.loads(invoke(["flux", "--inventory", inv, "--rules", layer, "--year", "2024", "--rotation", "8 %",
                           "--reservataire", "ACTION LOGEMENT", "--format", "json"], 0).stdout)
    r = d["reservataires"][0]
    assert r["methode"] == "droits_acquis" and r["programmes"] == {"P1": 10, "P2": 25, "P3": 5}
    assert (r["logements_reservataire"], r["flux_brut"], r["flux"]) == (40, 3.2, 3)
    # the méthode de l'assiette on the same stock leaves the foyer out: 39 / 99 of 99 × 8 % = 3,12
    plain = json.loads(invoke(["flux", "--inventory", inv, "--rules", "national", "--year", "2024", "--rotation",
                               "8 %", "--reservataire", "ACTION LOGEMENT", "--format", "json"], 0).stdout)
    assert plain["reservataires"][0]["methode"] == "assiette" and plain["flux_brut"] == pytest.approx(3.12)


HISTORY = """annee;liberations;mutations;relogements;liberations_demolitions;liberations_ventes;parc;parc_vente;parc_demolition;premieres_mises_en_location
2021;900;100;20;30;10;10000;200;100;300
2022;950;120;30;20;10;10200;300;100;200
2023;1000;150;50;0;0;10400;200;200;400
"""


@pytest.fixture
def history(tmp_path):
    path = tmp_path / "historique.csv"
    path.write_text(HISTORY, encoding="utf-8")
    return rot.read_history(path)


def test_ush_formula_uses_the_year_before(history):
    rate = rot.compute(history, "ush_occitanie", 2024, 1)
    assert list(rate.par_annee) == [2023] and rate.taux == Decimal("0.08")  # (1000 − 150 − 50) / (10400 − 200 − 200)
    variant = rot.compute(history, "ush_occitanie_avec_mutations", 2024, 1)
    assert variant.taux == Decimal("0.095")  # (1000 − 50) / 10000


def test_rhone_three_year_epci_mobility(history):
    rate = rot.compute(history, "rhone_mobilite_epci", 2024, 3)
    expected = (Decimal(860) / 9700 + Decimal(920) / 10000 + Decimal(1000) / 10000) / 3
    assert list(rate.par_annee) == [2021, 2022, 2023] and rate.taux == expected


def test_ain_three_year_departmental_average(history):
    rate = rot.compute(history, "ain_moyenne_departementale", 2024, 3)
    assert rate.taux == (Decimal(900) / 10000 + Decimal(950) / 10200 + Decimal(1000) / 10400) / 3


def test_missing_year_is_an_error(history):
    with pytest.raises(BadInput, match="années 2020 absentes"):
        rot.compute(history, "ain_moyenne_departementale", 2023, 3)


def test_history_through_the_cli_with_the_rhone_rule_set(tmp_path):
    path = tmp_path / "historique.csv"
    path.write_text(HISTORY, encoding="utf-8")
    d = json.loads(invoke(["flux", "--rules", "rhone", "--year", "2024", "--history", path, "--eligibles", "1000",
                           "--logements-reservataire", "200", "--reservataire", "etat", "--format", "json"], 0).stdout)
    assert d["rotation"]["origine"] == "historique"
    assert d["taux_rotation"] == pytest.approx(float((Decimal(860) / 9700 + Decimal("0.092") + Decimal("0.1")) / 3))


def test_a_dwelling_outside_every_inclusion_is_counted_and_cited(tmp_path):
    """A layer with two inclusions (the national one and a scenario's, PLI dwellings): a SEM dwelling without APL
    financed in PLUS (two of them) enters neither. It is left out under « hors-assiette » with R441-5, the article that lists
    what is in the assiette (lus = éligibles + exclus), not dropped; one inclusion alone names itself."""
    rows = [("0000000001", "CONSEIL GENERAL", "sem_non_apl", "PLUS"), ("0000000002", "CONSEIL GENERAL", "apl", "PLUS"),
            ("0000000003", "", "sem_non_apl", "PLI"), ("0000000004", "", "sem_non_apl", "PLUS")]
    inv = write_inventory(tmp_path / "parc.csv", rows, header=("N° RPLS", "Réservataire", "Conventionnement",
                                                               "Financement"))
    layer = tmp_path / "pli.yaml"
    layer.write_text(
        "couche: scenario-pli\nniveau: scenario\nherite_de: national\nregles:\n  - id: inclusion-scenario-pli\n"
        "    nature: inclusion\n    libelle: Logements PLI (hypothèse de négociation)\n"
        "    source: Cas de test (hypothèse de négociation)\n"
        "    condition: {champ: logement.financement, egal: PLI}\n    valeurs: {2024-01-01: {applique: true}}\n",
        encoding="utf-8")
    args = ["--inventory", inv, "--year", "2024", "--rotation", "10 %", "--format", "json"]
    two = json.loads(invoke(["flux", "--rules", layer, *args], 0).stdout)
    assert (two["logements"], two["logements_eligibles"]) == (4, 1)
    # the SEM PLI dwelling enters by the scenario's inclusion, then the exclusion of SEM dwellings without APL
    assert two["exclus"] == {"exclusion-sem-non-apl": 1, "hors-assiette": 2}
    assert two["exclusions"][1] == {"id": "hors-assiette", "libelle": "Hors de toutes les inclusions de l'assiette",
                                    "logements": 2, "source": "CCH R441-5"}
    one = json.loads(invoke(["flux", "--rules", "national", *args], 0).stdout)
    rule = next(r for r in one["exclusions"])
    assert (rule["id"], rule["logements"]) == ("assiette-conventionnement", 3)
    assert rule["libelle"].startswith("Logements conventionnés APL") and rule["source"].startswith("CCH R441-5 ;")


def test_without_year_flux_takes_the_year_of_the_convention_annex(tmp_path):
    """The Escalquens conventions date their Annexe 1 in 2024: ``flux`` without --year is of 2024, not of the
    current year; rules without an annex take the current year (and say it)."""
    import datetime as dt

    inv = write_inventory(tmp_path / "parc.csv", [("0031004477", "MAIRIE ESCALQUENS", "familial", "non", "")])
    with_annex = json.loads(invoke(["flux", "--inventory", inv, "--rules", "escalquens-patrimoine", "--rotation",
                                    "7,27 %", "--format", "json"], 0).stdout)
    assert with_annex["exercice"] == 2024
    national = invoke(["flux", "--inventory", inv, "--rules", "national", "--rotation", "7 %", "--format", "json"], 0)
    assert json.loads(national.stdout)["exercice"] == dt.date.today().year
