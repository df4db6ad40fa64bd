"""compare and bilan on the embedded sample: differences computed by hand from the events and the texts."""

import json
import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT, invoke

SAMPLE = ROOT / "scenarios" / "exemple-2024"
EVENTS = SAMPLE / "evenements.jsonl"
INVENTORY = SAMPLE / "inventaire.csv"


def compare(*args, code):
    return json.loads(invoke(["compare", *args, "--format", "json"], code).stdout)


def by_id(result):
    return {r["id"]: r for r in result["reservataires"]}


def test_counting_at_entree_dans_les_lieux():
    """O-4 (État prioritaires) is attributed on 10/12/2024 and has no lease by 31/12: counted at attribution,
    not at the lease. The commune keeps 3: O-1 and O-2 are leased in 2024 and O-6, taken back after a missed
    deadline, still counts at its mise à disposition (USH « vaut décompte »)."""
    d = compare(EVENTS, "--rules", "escalquens-patrimoine", "--rules", "scenario-decompte-au-bail",
                "--fail-on-diff", code=1)
    etat = by_id(d)["etat-prioritaires"]
    assert etat["valeurs"]["decompte"] == [1, 0] and etat["valeurs"]["base_decompte"] == ["attribution", "bail"]
    diff = {x["chiffre"]: x for x in etat["differences"]}
    assert "base-etat" in diff["decompte"]["regles"]
    assert by_id(d)["mairie-escalquens"]["valeurs"]["decompte"] == [3, 3]
    changed = {x["offre"]: x["par_scenario"] for x in d["decisions_modifiees"]}
    assert set(changed) == {"O-1", "O-2", "O-4"}
    assert [x["date"] for x in changed["O-1"]] == ["2024-01-10", "2024-03-01"]
    assert [x["compte"] for x in changed["O-4"]] == [True, False]
    rules = {r["id"]: r["par_scenario"] for r in d["regles_differentes"]}
    assert [s["valeurs"]["base"] for s in rules["base-etat"]] == ["attribution", "bail"]
    assert "ACD" in rules["base-etat"][1]["source"] and rules["base-etat"][1]["fichier"].endswith(".yaml:12")


def test_rhone_method_on_the_escalquens_sample():
    """12 jours ouvrés → 1 mois: O-2 (mis à disposition le 30/04, candidats le 23/05) is late under
    Haute-Garonne (due 22/05: 1er, 8, 9 and 20 May skipped) but on time under the Rhône month (due 30/05);
    O-6 stays late (no candidate; due 28/11); O-8's lease signed on 01/10 without a written answer is an answer,
    not a late one (CCH R441-10: ten days at least). 3 missed deadlines → 2 for the commune."""
    d = compare(EVENTS, "--rules", "escalquens-patrimoine", "--rules", "scenario-methode-rhone", code=0)
    commune = by_id(d)["mairie-escalquens"]
    assert commune["valeurs"]["delais_depasses"] == [3, 2]
    assert [x["chiffre"] for x in commune["differences"]] == ["delais_depasses"]
    rules = {r["id"]: r["par_scenario"] for r in d["regles_differentes"]}
    assert rules["candidats-12-jours-ouvres"][1] is None and rules["candidats-1-mois"][0] is None
    assert [s["valeurs"]["mode"] for s in rules["report-objectifs"]] == ["facultatif", "obligatoire"]
    assert d["decisions_modifiees"] == []


def test_oph31_rotation_rate_of_the_annexe_2_column():
    """8 × 9,89 % = 0,7912 and 8 × 9,39 % = 0,7512: both round to 1, the priority part goes 0,1978 → 0,1878."""
    d = compare("--rules", "escalquens-oph31", "--rules", "scenario-oph31-rotation-9-39", code=0)
    r = by_id(d)["mairie-escalquens"]["valeurs"]
    assert r["taux_rotation"] == [0.0989, 0.0939]
    assert r["flux_brut"] == pytest.approx([0.7912, 0.7512]) and r["flux"] == [1, 1]
    assert r["flux_prioritaires"] == pytest.approx([0.1978, 0.1878])
    diffs = {x["chiffre"]: x["regles"] for x in by_id(d)["mairie-escalquens"]["differences"]}
    assert "flux" not in diffs and "taux-rotation" in diffs["flux_brut"]


def test_haute_garonne_derogation_removed_on_the_sample_stock():
    """116 × 7,27 % = 8,4332 ; with 2 mutations deducted: 6,4332 × 11/116 = 0,6100 instead of 11 × 7,27 % = 0,7997."""
    d = compare("--inventory", INVENTORY, "--rules", "escalquens-patrimoine", "--rules",
                "scenario-sans-derogation-2024", "--year", "2024", "--reservataire", "MAIRIE ESCALQUENS",
                "--deduction", "mutations=2", code=0)
    r = by_id(d)["mairie-escalquens"]["valeurs"]
    assert r["flux_a_repartir"] == pytest.approx([8.4332, 6.4332])
    assert r["flux_brut"] == pytest.approx([0.7997, 0.61004], abs=1e-5) and r["flux"] == [1, 1]
    assert "deduction-mutations" in {x["id"] for x in d["regles_differentes"]}


def test_same_rules_give_no_difference_and_exit_0():
    d = compare(EVENTS, "--rules", "escalquens-patrimoine", "--rules", "escalquens-patrimoine", "--fail-on-diff",
                code=0)
    assert not d["difference"] and d["decisions_modifiees"] == [] and d["regles_differentes"] == []


def test_bilan_of_the_sample():
    d = json.loads(invoke(["bilan", EVENTS, "--inventory", INVENTORY, "--format", "json"], 0).stdout)
    assert d["assiette"]["parc_eligible_31_12_precedent"] == 116 and d["assiette"]["logements_livres"] == 1
    assert d["assiette"]["logements_liberes"] == 7  # 8 vacancies offered, O-3 and O-3b on the same dwelling
    ind = d["ensemble"]["indicateurs"]
    assert (ind["mises_a_disposition"], ind["attributions"], ind["entrees_dans_les_lieux"]) == (9, 8, 6)
    assert ind["dont_propositions_refusees"] == 2  # M-6 refuses O-2; M-7 never answers O-3 (R441-10 silence)
    commune = next(r for r in d["reservataires"] if r["id"] == "mairie-escalquens")
    assert commune["indicateurs"]["mises_a_disposition"] == 4 and commune["indicateurs"]["dont_sans_candidat"] == 1
    assert d["ensemble"]["ventilations"]["public"]["prioritaire"]["attributions"] == 3
    assert d["programmes_neufs"] == [{"logement": "0031006001", "programme": "Les Tourterelles II",
                                      "date": "2024-09-30"}]


def test_csv_for_french_spreadsheets(tmp_path):
    out = tmp_path / "bilan.csv"
    invoke(["bilan", EVENTS, "--format", "csv", "--tableur", "--output", out], 0)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0] and b"\r\n" in raw


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Chromium absent (installé par .ci/run)")
@pytest.mark.parametrize("verb", ["bilan", "compare"])
def test_html_report_renders_in_headless_chromium(tmp_path, verb):
    page = tmp_path / f"{verb}.html"
    args = [verb, EVENTS, "--format", "html", "--output", page]
    if verb == "compare":
        args += ["--rules", "escalquens-patrimoine", "--rules", "scenario-decompte-au-bail"]
    invoke(args, 0)
    assert "http://" not in page.read_text(encoding="utf-8").replace('xmlns="http://www.w3.org/2000/svg"', "")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profil'}"]
    shot = tmp_path / "capture.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", page.as_uri()], check=True, capture_output=True,
                         timeout=120, text=True).stdout
    assert dom.count('class="barre"') >= 3 and "<svg" in dom


def _two_sheets(tmp_path):
    """The sample's inventory on its second sheet « Parc », its first 40 dwellings on the first sheet."""
    from tests.conftest import csv_sheets
    from tests.test_workbook import _rows

    rows = _rows(INVENTORY)
    return csv_sheets(tmp_path / "parc.xlsx", {"Extrait": rows[:41], "Parc": INVENTORY})


def _rpls(tmp_path):
    """The hand-made RPLS file of test_rpls and a table naming the holder of its dwelling 0031000010 (CONTRESLOG 4,
    collectivités: eligible)."""
    from tests.test_rpls import HEADER, ROWS

    rpls = tmp_path / "rpls.csv"
    rpls.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    table = tmp_path / "reservations.csv"
    table.write_text("rpls_id;reservataire\n0031000010;MAIRIE ESCALQUENS\n", encoding="utf-8")
    return rpls, table


def test_bilan_reads_the_sheet_feuille_names_and_the_holders_of_the_reservations_table(tmp_path):
    pytest.importorskip("openpyxl")
    book = _two_sheets(tmp_path)

    def assiette(*args):
        return json.loads(invoke(["bilan", EVENTS, *args, "--format", "json"], 0).stdout)["assiette"]

    named = assiette("--inventory", book, "--feuille", "Parc")
    assert named == assiette("--inventory", INVENTORY)
    assert assiette("--inventory", book)["logements"] == 40 != named["logements"]
    rpls, table = _rpls(tmp_path)
    plain, held = assiette("--inventory", rpls), assiette("--inventory", rpls, "--reservations", table)
    assert plain["par_reservataire"]["collectivites-titulaire-non-nomme"] == 2
    assert "mairie-escalquens" not in plain["par_reservataire"]
    assert held["par_reservataire"]["collectivites-titulaire-non-nomme"] == 1
    assert held["par_reservataire"]["mairie-escalquens"] == 1
    assert held["parc_eligible_31_12_precedent"] == plain["parc_eligible_31_12_precedent"] == 6


def test_compare_of_flux_reads_the_sheet_feuille_names_and_the_holders_of_the_reservations_table(tmp_path):
    pytest.importorskip("openpyxl")
    book = _two_sheets(tmp_path)
    args = ["--rules", "escalquens-patrimoine", "--rules", "haute-garonne", "--rotation", "10 %", "--year", "2024"]
    named = compare(*args, "--inventory", book, "--feuille", "Parc", code=0)
    assert named == compare(*args, "--inventory", INVENTORY, code=0)
    first = compare(*args, "--inventory", book, code=0)
    eligible = by_id(named)["mairie-escalquens"]["valeurs"]["logements_eligibles"]
    assert by_id(first)["mairie-escalquens"]["valeurs"]["logements_eligibles"] != eligible
    rpls, table = _rpls(tmp_path)
    plain = compare(*args, "--inventory", rpls, code=0)
    held = compare(*args, "--inventory", rpls, "--reservations", table, code=0)
    assert "mairie-escalquens" not in by_id(plain)
    assert by_id(held)["mairie-escalquens"]["valeurs"]["logements_reservataire"] == [1, 1]
    assert by_id(plain)["collectivites-titulaire-non-nomme"]["valeurs"]["logements_reservataire"] == [2, 2]
    assert by_id(held)["collectivites-titulaire-non-nomme"]["valeurs"]["logements_reservataire"] == [1, 1]
    with_log = invoke(["compare", EVENTS, *args, "--inventory", rpls, "--reservations", table], 2)
    assert "--reservations: sert au flux théorique (compare sans journal)" in with_log.output
