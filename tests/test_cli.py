"""Exit codes and outputs of the command line (0 ok, 1 unmet, 2 bad input)."""

import json

import pytest

from tests.conftest import ROOT, invoke


def test_rules_validate_passes_on_shipped_rules():
    result = invoke(["rules", "validate"], 0)
    assert "aucun problème" in result.output


def test_rules_validate_bad_file_exits_2_with_file_line():
    bad = ROOT / "tests/bad_input/rules/cle-inconnue.yaml"
    result = invoke(["rules", "validate", bad], 2)
    assert "cle-inconnue.yaml:11: " in result.output


def test_rules_show_json_has_provenance_per_value():
    result = invoke(["rules", "show", "escalquens-tmh", "--format", "json", "--year", "2024"], 0)
    data = json.loads(result.stdout)
    assert data["chaine"] == ["national", "haute-garonne", "escalquens-tmh"]
    rules = {r["id"]: r for r in data["regles_effectives"]}
    annexe = rules["annexe1-mairie-escalquens"]["valeurs"][0]
    assert annexe["parametres"]["logements_eligibles"] == 3
    assert annexe["provenance"]["logements_eligibles"].startswith("rules/haute-garonne/conventions/escalquens-tmh.yaml:")


def test_rules_show_table_for_each_territory():
    for name in ("haute-garonne", "rhone", "ain", "toulouse-metropole-flourens", "escalquens-oph31"):
        result = invoke(["rules", "show", name], 0)
        assert "Source" in result.output


def test_rules_show_unknown_name_exits_2():
    result = invoke(["rules", "show", "haute-garone"], 2)
    assert "règles inconnues" in result.output


def test_rules_schema_is_json_schema():
    data = json.loads(invoke(["rules", "schema"], 0).stdout)
    assert "couche" in data["$defs"]["RuleFile"]["properties"] and "cas" in data["$defs"]["CaseFile"]["properties"]


def test_explain_says_why_an_offer_counts_with_its_deadlines_and_holidays():
    """O-2 of the sample (exemple-2024) : mise à disposition du 30/04/2024 à la commune, zone tendue. 12 jours ouvrés
    (convention type Haute-Garonne, art. 2) sautent le 1er mai, le 8 mai, l'Ascension (9 mai) et le lundi de Pentecôte
    (20 mai) : échéance le 22/05 ; candidats le 23/05, en retard. Décomptée à la mise à disposition (USH Occitanie,
    Étape 4)."""
    events = ROOT / "scenarios" / "exemple-2024" / "evenements.jsonl"
    text = invoke(["explain", events, "--offre", "O-2"], 0).output
    assert text.startswith("Offre O-2 — logement 0031004625 — réservataire mairie-escalquens (base : mise à disposition)")
    assert ("candidats-12-jours-ouvres — départ 2024-04-30, échéance 2024-05-22, réalisé le 2024-05-23 : dépassé ; "
            "jours fériés sautés : 2024-05-01, 2024-05-08, 2024-05-09, 2024-05-20") in text
    assert "decompte-mise-a-disposition — " in text and text.rstrip().splitlines()[-1].startswith(
        "Décision : décompté le 2024-04-30")
    trace = json.loads(invoke(["explain", events, "--offre", "O-2", "--format", "json"], 0).stdout)
    decision = trace["decision"]
    assert (decision["decompte"], decision["regle"], decision["date"], decision["dans_l_exercice"]) == (
        True, "decompte-mise-a-disposition", "2024-04-30", True)
    late = [d for d in trace["delais"] if d["statut"] == "depasse"]
    assert [(d["regle"], d["echeance"], d["realise"]) for d in late] == [
        ("candidats-12-jours-ouvres", "2024-05-22", "2024-05-23")]
    several = json.loads(invoke(["explain", events, "--reservataire", "mairie-escalquens", "--format", "json"], 0).stdout)
    assert isinstance(several, list) and "O-2" in [t["offre"] for t in several]


def test_explain_of_an_offer_absent_from_the_log_is_exit_2():
    events = ROOT / "scenarios" / "exemple-2024" / "evenements.jsonl"
    result = invoke(["explain", events, "--offre", "O-404"], 2)
    assert "aucune offre ne correspond" in result.output


def test_explain_reads_the_sheet_feuille_names(tmp_path):
    """The first sheet of the workbook has a bad cell: read by default (exit 2 at its cell); --feuille reads the
    sample's inventory from the other sheet, and the trace is the one the CSV gives."""
    pytest.importorskip("openpyxl")
    from tests.conftest import csv_sheets

    sample = ROOT / "scenarios" / "exemple-2024"
    book = csv_sheets(tmp_path / "parc.xlsx", {"Brouillon": [["N° RPLS", "En QPV"], ["0031004477", "peut-être"]],
                                               "Parc": sample / "inventaire.csv"})
    args = ["explain", sample / "evenements.jsonl", "--offre", "O-2", "--format", "json"]
    first = invoke([*args, "--inventory", book], 2)
    assert "parc.xlsx:Brouillon!B2: " in first.output
    named = invoke([*args, "--inventory", book, "--feuille", "Parc"], 0).output
    assert named == invoke([*args, "--inventory", sample / "inventaire.csv"], 0).output
