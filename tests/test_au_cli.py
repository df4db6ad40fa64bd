"""``evaluate --au`` and ``compare --au`` from the command line: bad dates refused (exit 2, ``FILE:LINE: message``),
every format says what it still takes, the file's order changes nothing."""

from __future__ import annotations

import json
import random

import pytest

from engine.checks.open_deadlines import workdays_between
from engine.checks.remaining import obligation_remaining
from engine.ruleset.inherit import load_ruleset
from tests.conftest import ROOT, invoke

EVENTS = ROOT / "scenarios" / "exemple-2024" / "evenements.jsonl"


@pytest.mark.parametrize("args, said", [
    (["--au", "2024-02-30"], "--au: « 2024-02-30 » n'est pas une date AAAA-MM-JJ"),
    (["--au", "20240930"], "--au: « 20240930 » n'est pas une date AAAA-MM-JJ"),
    (["--au", "2025-01-15"], "--au: la date 2025-01-15 n'est pas dans l'exercice 2024"),
    (["--echeances", "5"], "--echeances: --echeances compte les jours ouvrés après une date"),
    (["--au", "2024-09-30", "--echeances", "-1"], "--echeances: -1 : un nombre de jours ouvrés"),
])
def test_a_bad_date_or_window_is_refused_with_its_option(args, said):
    out = invoke(["evaluate", EVENTS, *args], 2).output
    assert said in out and "rien n'a été évalué" in out


def test_au_json_accounts_for_every_record_and_gives_each_figure_its_rule():
    result = json.loads(invoke(["evaluate", EVENTS, "--au", "2024-06-30", "--format", "json"], 1).stdout)
    ev = result["evenements"]
    assert result["au"] == "2024-06-30" and ev["posterieurs"] > 0
    assert ev["lus"] == ev["evalues"] + ev["rejetes"] + ev["posterieurs"]
    for entry in result["reservataires"]:
        assert "reste_a_faire" in entry and "echeances_ouvertes" in entry and "prorata" in entry
        if entry["prorata"] is not None:
            assert entry["prorata"]["regle"] == entry["objectif_regle"]
        for ob in entry["obligations"]:
            assert "reste_a_faire" in ob and ob["source"] and ob["id"]
            assert ob["reste_a_faire"] is not None or ob.get("reste_a_faire_note")


def test_without_au_there_is_no_posterieurs_and_lus_is_evaluated_plus_rejected():
    ev = json.loads(invoke(["evaluate", EVENTS, "--format", "json"], 1).stdout)["evenements"]
    assert "posterieurs" not in ev and ev["lus"] == ev["evalues"] + ev["rejetes"]


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "html"])
def test_every_human_format_says_what_it_still_takes(fmt):
    out = invoke(["evaluate", EVENTS, "--au", "2024-06-30", "--echeances", "10", "--format", fmt], 1).stdout
    assert ("reste_a_faire" if fmt == "csv" else "Reste à faire") in out
    if fmt != "csv":
        assert "O-7" in out and "reponse-10-jours" in out  # the deadline open on 30 June (due 1 July)
    if fmt == "html":
        assert 'class="barre-progres"' in out and "Échéances de la semaine" in out


def test_file_order_does_not_change_the_dated_result(tmp_path):
    lines = [x for x in EVENTS.read_text(encoding="utf-8").splitlines() if x.strip() and not x.startswith("//")]
    header, body = lines[0], lines[1:]
    base = invoke(["evaluate", EVENTS, "--au", "2024-09-30", "--format", "json"], 1).stdout
    for seed in range(3):
        random.Random(seed).shuffle(body)
        path = tmp_path / f"j{seed}.jsonl"
        path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
        assert invoke(["evaluate", path, "--au", "2024-09-30", "--format", "json"], 1).stdout == base


def test_compare_on_a_date():
    result = json.loads(invoke(["compare", EVENTS, "--rules", "escalquens-patrimoine", "--rules",
                                "scenario-decompte-au-bail", "--au", "2024-09-30", "--format", "json"], 0).stdout)
    assert result["au"] == "2024-09-30"
    commune = next(r for r in result["reservataires"] if r["id"] == "mairie-escalquens")
    assert {"reste_a_faire", "retard_prorata", "echeances_ouvertes"} <= set(commune["valeurs"])
    assert all("reste_a_faire" in o and "marge" in o for o in commune["obligations"])
    assert invoke(["compare", "--rules", "escalquens-oph31", "--rules", "scenario-oph31-rotation-9-39",
                   "--au", "2024-09-30"], 2).output.startswith("--au: ")


def test_a_full_target_with_a_household_unknown_is_out_of_reach_in_one_case():
    ob = {"id": "absente", "cible": 1.0, "sens": "minimum", "numerateur": 1, "denominateur": 2,
          "numerateur_haut": 2, "denominateur_haut": 2, "statut": "indetermine"}
    obligation_remaining(ob, load_ruleset("escalquens-patrimoine"), None)
    assert ob["reste_a_faire"] is None and ob["reste_a_faire_bornes"] == [0, None]
    assert ob["inconnus_necessaires"] == 1 and "hors d'atteinte" in ob["reste_a_faire_note"]


def test_workdays_between_skips_weekends_and_public_holidays():
    import datetime as dt

    assert workdays_between(dt.date(2024, 11, 8), dt.date(2024, 11, 15)) == 4  # Monday 11 November
    assert workdays_between(dt.date(2024, 11, 8), dt.date(2024, 11, 8)) == 0
    assert workdays_between(dt.date(2024, 12, 31), dt.date(2025, 1, 3)) == 2  # 1 January


def test_open_deadlines_are_listed_by_due_date_then_offer_whatever_the_file_order(tmp_path):
    # Escalquens / Patrimoine, 12 jours ouvrés from the mise à disposition: 16/09 → 02/10, 20/09 → 08/10.
    header = {"type": "exercice", "annee": 2024, "regles": "escalquens-patrimoine"}
    made = [("C-1", "2024-09-16"), ("A-1", "2024-09-20"), ("B-1", "2024-09-16")]
    records = [{"type": "mise_a_disposition", "date": date, "offre": offre, "logement": f"L-{offre}",
                "reservataire": "MAIRIE ESCALQUENS", "zone": "tendue"} for offre, date in made]
    path = tmp_path / "journal.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [header, *records]) + "\n", encoding="utf-8")
    result = json.loads(invoke(["evaluate", path, "--au", "2024-09-30", "--format", "json"], 0).stdout)
    commune = next(r for r in result["reservataires"] if r["id"] == "mairie-escalquens")
    assert [(r["echeance"], r["offre"]) for r in commune["echeances_ouvertes"]] == [
        ("2024-10-02", "B-1"), ("2024-10-02", "C-1"), ("2024-10-08", "A-1")]
