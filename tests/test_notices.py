"""What the command line tells on stderr when it took a default the reader may not have meant (issue 14)."""

import json

from tests.conftest import ROOT, invoke

SAMPLE = ROOT / "scenarios" / "exemple-2024"
EVENTS = SAMPLE / "evenements.jsonl"
INVENTORY = SAMPLE / "inventaire.csv"


def test_flux_without_rules_says_it_takes_the_national_rules_and_this_year():
    """cli.md lists --rules among flux's options, not as required: flux runs, and says what it took."""
    result = invoke(["flux", "--inventory", INVENTORY, "--format", "json"], 0)
    assert json.loads(result.stdout)["regles"] == "national"
    assert "sans --rules, flux applique les seules règles nationales" in result.stderr
    assert "l'année en cours" in result.stderr
    named = invoke(["flux", "--inventory", INVENTORY, "--rules", "escalquens-patrimoine", "--format", "json"], 0)
    assert "attention" not in named.stderr


def test_evaluate_of_a_year_the_log_is_not_of_says_so():
    """The sample is a 2024 log: --year 2025 evaluates nothing of it, and says it (French, stderr)."""
    result = invoke(["evaluate", EVENTS, "--year", "2025", "--format", "json"], 0)  # nothing offered, nothing due
    assert json.loads(result.stdout)["exercice"] == 2025
    assert "aucune mise à disposition en 2025" in result.stderr and "se déclare exercice 2024" in result.stderr
    for args, code in ((["evaluate", EVENTS], 1), (["evaluate", EVENTS, "--year", "2024"], 1), (["bilan", EVENTS], 0)):
        assert "attention" not in invoke([*args, "--format", "json"], code).stderr
    assert "aucune mise à disposition en 2023" in invoke(["bilan", EVENTS, "--year", "2023"], 0).stderr


def test_flux_of_a_year_before_its_rule_takes_effect_is_refused():
    """The theoretical flux rule's values start on 22/02/2020 (décret 2020-145): for 2019 no text gives the rounding
    or the priority share, nor which dwellings are out of the assiette. Refused (exit 2), not computed with the
    code's own defaults; 2020 (its 31 December covered) is computed."""
    result = invoke(["flux", "--inventory", INVENTORY, "--rules", "escalquens-patrimoine", "--year", "2019"], 2)
    assert ("--year: exercice 2019 : aucune règle de flux théorique des règles « escalquens-patrimoine » n'est en "
            "vigueur au 31/12/2019 ; la première prend effet le 22/02/2020 (« flux-theorique », ") in result.output
    assert json.loads(invoke(["flux", "--inventory", INVENTORY, "--rules", "escalquens-patrimoine", "--year", "2020",
                              "--format", "json"], 0).stdout)["exercice"] == 2020


def test_values_taking_effect_during_the_year_are_said(tmp_path):
    """The Ornex convention applies from its annex's date, 10 June 2025: a 2025 evaluation counts the whole year by
    it (its objective, its NPNRU counting rule, its deductions and rotation), which the figures do not show; said
    on stderr, not in 2026."""
    log = tmp_path / "ornex.jsonl"
    for year in (2025, 2026):
        log.write_text(json.dumps({"type": "exercice", "annee": year, "regles": "ornex-alliade-habitat"}) + "\n"
                       + json.dumps({"type": "mise_a_disposition", "date": f"{year}-03-04", "offre": "O-1",
                                     "logement": "L1", "reservataire": "commune"}) + "\n", encoding="utf-8")
        result = invoke(["evaluate", log, "--format", "json"], 0)
        said = ("attention : exercice 2025 : 6 valeur(s) des règles « ornex-alliade-habitat » prennent effet le "
                "10/06/2025 (« decompte-relogement-npnru », « deduction-anru », « deduction-mutations » et 3 "
                "autre(s)) ; le décompte, les objectifs et les obligations de l'exercice les appliquent à toute "
                "l'année")
        assert (said in result.stderr) == (year == 2025), result.stderr


def test_flux_of_the_year_of_an_annex_dated_before_the_flux_rule_is_refused_at_the_annex(tmp_path):
    """Without --year, flux takes the year of the annexe 1: one dated 2019 gives a year the flux rule does not
    cover, refused at the annex's dated value."""
    layer = tmp_path / "annexe-2019.yaml"
    layer.write_text("couche: essai-annexe-2019\nniveau: scenario\nherite_de: national\nregles:\n"
                     "  - id: annexe1-departement\n    nature: annexe1\n    libelle: Annexe 1 du département\n"
                     "    source: essai\n    valeurs: {2019-01-01: {reservataire: departement, logements_eligibles: "
                     "100, logements_reservataire: 30, taux_rotation: 10 %}}\n", encoding="utf-8")
    result = invoke(["flux", "--rules", layer, "--annexe", "--reservataire", "departement"], 2)
    assert f"{layer}:9: exercice 2019 : aucune règle de flux théorique" in result.output, result.output
