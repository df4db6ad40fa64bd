"""A bailleur's RPLS file as the inventory of flux and evaluate: figures computed by hand, the same dwellings in
the three forms (RPLS, annex CSV, .xlsx) giving the same figures, reservations, encodings, generated files."""

from __future__ import annotations

import csv
import json
import random
import shutil
from pathlib import Path

import pytest

from engine.inputs.rpls_codes import CodeTable, codes
from engine.inputs.rpls_counts import count_rpls as GROUPED
from engine.problems import BadInput
from tests.conftest import ROOT, invoke

HEADER = ("IDENT_REP;IDENT_INT;DROIT;DEPCOM;QPV;TYPECONST;NBPIECE;CONSTRUCT;ORIGINE;FINAN;CONV;SORTIEPATRIM;MODE;"
          "DATMISEVENTE;MISCOMMERCIAL;CONTRESLOG;EPCI")
# One line per case; the comment says where the dwelling goes, by hand (CCH R441-5, rules/national/assiette.yaml).
ROWS = [
    "0031000001;A1;1;31169;2;C;3;1995;1;13;1;9;1;;NON;3;243100633",    # PLUS APL: eligible, Action Logement
    "0031000002;A2;1;31169;1;I;4;1968;1;52;2;9;1;;NON;2;243100633",    # HLM/O before 1977, not APL: pre1977, eligible
    "0031000003;A3;1;31169;2;C;2;2001;1;16;2;9;1;;NON;7;243100633",    # PLI not APL: outside the inclusion
    "0031000004;A4;1;31169;2;C;2;2001;1;16;1;9;1;;NON;7;243100633",    # PLI APL: exclusion-pli-lli
    "0031000005;A5;1;31169;2;C;3;1990;1;13;1;1;9;;NON;4;243100633",    # sold to its tenant last year: sortis
    "0031000006;A6;1;31169;2;C;3;1990;1;13;1;9;9;;NON;7;243100633",    # merged, no longer exists: sortis
    "0031000007;A7;1;31169;2;C;1;2010;1;10;1;9;1;03/2023;NON;3;243100633",  # sale authorised: plan-de-vente
    "0031000008;A8;1;31169;2;C;4;1985;1;14;1;9;1;;OUI;7;243100633",    # put on the market: plan-de-vente
    "0031000009;A9;1;31169;2;C;3;1960;1;99;2;9;1;;NON;4;243100633",    # other financing before 1977: indetermine
    "0031000010;A10;1;31169;2;C;3;2005;1;13;1;9;2;;NON;4;243100633",   # vacant, collectivités: eligible
    "0031000011;A11;1;31169;2;C;2;1982;1;12;1;9;1;;NON;4;243100633",   # PLA, collectivités: eligible
    "0031000012;A12;4;31169;2;C;3;2015;4;13;1;9;4;;NON;1;243100633",   # usufruit, VEFA, association: eligible
    "0031000013;A13;1;31169;2;C;3;1999;1;49;2;9;1;;NON;6;243100633",   # other financing since 1977, not APL: out
    "0031000014;A14;1;31169;2;C;3;2003;1;13;1;9;1;;NON;5;243100633",   # État R314 conventions: eligible
]
# By hand: eligible 1, 2, 10, 11, 12, 14 = 6; outside the inclusion 3, 9, 13 = 3; PLI 4 = 1; sortis 5, 6 = 2;
# plan de vente 7, 8 = 2: 6 + 3 + 1 + 2 + 2 = 14.
EXCLUS = {"assiette-conventionnement": 3, "exclusion-pli-lli": 1, "exclusion-sortis-du-patrimoine": 2,
          "exclusion-plan-de-vente": 2}
# Eligible per réservataire: Action Logement 1 (7 is for sale), État prioritaires 1 (2), État fonctionnaires 1
# (12), État R314 1 (14), collectivités 2 (10, 11) — 1 each once the table names 10's holder; bailleur 0 (3, 4, 6,
# 8 all out), autres 0 (13 out). Rotation 10 %: 6 × 10 % = 0,6 to share; Action Logement 1/6 of it = 0,1.
PAR_RESERVATAIRE = {"action-logement": 1, "etat-prioritaires": 1, "etat-fonctionnaires": 1,
                    "etat-conventions-r314": 1, "collectivites-titulaire-non-nomme": 2, "bailleur": 0,
                    "autres-titulaire-non-nomme": 0}

# The same dwellings as an annex-style CSV (the inventory contract's columns).
ANNEX_HEADER = "rpls_id;reservataire;financement;conventionnement;en_vente;sortie_patrimoine;occupation;qpv;typologie"
ANNEX_ROWS = [
    "0031000001;action-logement;PLUS;apl;non;sans_objet;loue;non;3",
    "0031000002;etat-prioritaires;HLMO;pre1977;non;sans_objet;loue;oui;4",
    "0031000003;bailleur;PLI;non_conventionne;non;sans_objet;loue;non;2",
    "0031000004;bailleur;PLI;apl;non;sans_objet;loue;non;2",
    "0031000005;collectivites-titulaire-non-nomme;PLUS;apl;non;vente_occupant;sans_objet;non;3",
    "0031000006;bailleur;PLUS;apl;non;sans_objet;sans_objet;non;3",
    "0031000007;action-logement;PLAI;apl;oui;sans_objet;loue;non;1",
    "0031000008;bailleur;PLS;apl;oui;sans_objet;loue;non;4",
    "0031000009;collectivites-titulaire-non-nomme;AUTRE-AVANT-1977;indetermine;non;sans_objet;loue;non;3",
    "0031000010;collectivites-titulaire-non-nomme;PLUS;apl;non;sans_objet;vacant;non;3",
    "0031000011;collectivites-titulaire-non-nomme;PLA;apl;non;sans_objet;loue;non;2",
    "0031000012;etat-fonctionnaires;PLUS;apl;non;sans_objet;association;non;3",
    "0031000013;autres-titulaire-non-nomme;AUTRE;non_conventionne;non;sans_objet;loue;non;3",
    "0031000014;etat-conventions-r314;PLUS;apl;non;sans_objet;loue;non;3",
]
ARGS = ["--rules", "haute-garonne", "--year", "2024", "--rotation", "10 %", "--format", "json"]


def _write(path: Path, header: str, rows: list[str], encoding: str = "utf-8", end: str = "\n") -> Path:
    path.write_bytes((end.join([header, *rows]) + end).encode(encoding))
    return path


def _flux(inventory: Path, *more) -> dict:
    return json.loads(invoke(["flux", "--inventory", inventory, *ARGS, *more], 0).stdout)


def _figures(out: dict) -> dict:
    """The flux JSON without what names the file read (its name, encoding, columns; the remarks say its name)."""
    name = out["inventaire"]["fichier"]
    figures = {k: v for k, v in out.items() if k != "inventaire"}
    figures["remarques"] = [r.replace(name, "INVENTAIRE") for r in out["remarques"]]
    return figures


def test_hand_made_rpls_file_gives_the_assiette_computed_by_hand(tmp_path):
    out = _flux(_write(tmp_path / "rpls-2024.csv", HEADER, ROWS))
    assert out["logements"] == 14 and out["logements_eligibles"] == 6
    assert out["exclus"] == EXCLUS
    assert {r["id"]: r["logements_reservataire"] for r in out["reservataires"]} == PAR_RESERVATAIRE
    al = next(r for r in out["reservataires"] if r["id"] == "action-logement")
    assert al["flux_total"] == pytest.approx(0.6) and al["part"] == pytest.approx(1 / 6)
    assert al["flux_brut"] == pytest.approx(0.1)
    assert out["logements_sans_titulaire"] == {
        "collectivites-titulaire-non-nomme": ["0031000005", "0031000009", "0031000010", "0031000011"],
        "autres-titulaire-non-nomme": ["0031000013"]}
    inv = out["inventaire"]
    assert inv["lus"] == inv["retenus"] == 14 and inv["rejetes"] == 0
    assert inv["colonnes"]["CONV, FINAN"] == "conventionnement" and inv["colonnes"]["IDENT_REP"] == "rpls_id"
    said = " ".join(out["remarques"])
    assert "1 logement(s) non conventionné(s) à « autre financement » d'avant 1977" in said
    assert "4 logement(s) du contingent « collectivites-titulaire-non-nomme » sans titulaire nommé" in said


def test_the_same_dwellings_as_rpls_as_annex_csv_and_as_xlsx_give_the_same_flux(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    rpls = _flux(_write(tmp_path / "rpls.csv", HEADER, ROWS))
    annex = _flux(_write(tmp_path / "annexe.csv", ANNEX_HEADER, ANNEX_ROWS))
    books = []
    for name, header, rows in (("rpls.xlsx", HEADER, ROWS), ("annexe.xlsx", ANNEX_HEADER, ANNEX_ROWS)):
        book = openpyxl.Workbook()
        for line in [header, *rows]:
            book.active.append(line.split(";"))
        book.save(tmp_path / name)
        books.append(_flux(tmp_path / name))
    assert _figures(books[0]) == _figures(rpls)
    assert _figures(books[1]) == _figures(annex)
    # The RPLS file says more than the annex: the dwellings without a named holder, and what it cannot say.
    rpls, annex = _figures(rpls), _figures(annex)
    assert set(annex.pop("remarques")) < set(rpls.pop("remarques"))
    assert annex.pop("logements_sans_titulaire") == {} != rpls.pop("logements_sans_titulaire")
    assert rpls == annex


def test_windows_1252_lower_case_sdes_names_shuffled_rows_give_the_same_figures(tmp_path):
    plain = _figures(_flux(_write(tmp_path / "rpls.csv", HEADER, ROWS)))
    header = HEADER.lower().replace("depcom", "depcom_code").replace("finan;", "finan_code;")
    rows = [row.replace(";A", ";Bât. A", 1) for row in ROWS]  # the bailleur's own ids, with an accent
    random.Random(17).shuffle(rows)
    other = _flux(_write(tmp_path / "rpls-1252.csv", header, rows, "cp1252", "\r\n"))
    assert other["inventaire"]["encodage"] == "cp1252"
    other = _figures(other)
    assert sorted(other.pop("remarques")) == sorted(plain.pop("remarques"))
    assert other == plain


def test_reservations_table_names_holders_and_leaves_the_rest_listed(tmp_path):
    rpls = _write(tmp_path / "rpls.csv", HEADER, ROWS)
    table = _write(tmp_path / "reservations.csv", "rpls_id;reservataire", ["0031000010;MAIRIE ESCALQUENS",
                                                                            "0031000013;CAF"])
    out = _flux(rpls, "--reservations", table)
    held = {r["id"]: r["logements_reservataire"] for r in out["reservataires"]}
    assert held["mairie-escalquens"] == 1 and held["collectivites-titulaire-non-nomme"] == 1
    assert held["caf"] == 0  # named, and excluded (not conventionné since 1977)
    assert out["logements_sans_titulaire"] == {
        "collectivites-titulaire-non-nomme": ["0031000005", "0031000009", "0031000011"]}
    assert out["logements_eligibles"] == 6 and out["exclus"] == EXCLUS


def test_an_annex_table_is_a_reservations_table_too(tmp_path):
    rpls = _write(tmp_path / "rpls.csv", HEADER, ROWS)
    annex = _write(tmp_path / "annexe2.csv", "N°RPLS du logement;Réservataire;Typologie",
                   ["0031000010;commune;Type 3", "0031000011;commune;Type 2"])
    out = _flux(rpls, "--reservations", annex, "--reservataire", "commune")
    assert out["logements_reservataire"] == 2 and out["logements_eligibles"] == 6


def test_a_reservation_for_a_dwelling_not_in_the_rpls_file_is_an_error(tmp_path):
    rpls = _write(tmp_path / "rpls.csv", HEADER, ROWS)
    table = _write(tmp_path / "reservations.csv", "rpls_id;reservataire", ["0031000010;MAIRIE ESCALQUENS",
                                                                            "0031009999;MAIRIE ESCALQUENS"])
    result = invoke(["flux", "--inventory", rpls, "--reservations", table, *ARGS], 2)
    assert "reservations.csv:3: logement « 0031009999 » absent de l'inventaire RPLS" in result.output


def test_reservations_without_an_rpls_inventory_are_refused(tmp_path):
    annex = _write(tmp_path / "annexe.csv", ANNEX_HEADER, ANNEX_ROWS)
    table = _write(tmp_path / "reservations.csv", "rpls_id;reservataire", ["0031000010;MAIRIE ESCALQUENS"])
    result = invoke(["flux", "--inventory", annex, "--reservations", table, *ARGS], 2)
    assert "n'est pas un fichier RPLS" in result.output


def test_codes_the_arrete_allows_and_the_rules_do_not_read_are_kept(tmp_path):
    """DROIT 4 (usufruit), ORIGINE 4 (VEFA), MODE 4 (association): line 13 is read and eligible."""
    out = _flux(_write(tmp_path / "rpls.csv", HEADER, ROWS[11:12]))
    assert out["inventaire"]["retenus"] == 1 and out["logements_eligibles"] == 1


def test_the_bailleurs_demolition_column_excludes_what_mode_3_cannot_say(tmp_path):
    header = HEADER + ";demolition"
    rows = [ROWS[0].replace(";1;;NON;3;", ";3;;NON;3;") + ";oui", ROWS[9] + ";non"]
    out = _flux(_write(tmp_path / "rpls.csv", header, rows))
    assert out["exclus"] == {"exclusion-demolition": 1} and out["logements_eligibles"] == 1
    assert not any("MODE 3" in r for r in out["remarques"])
    out = _flux(_write(tmp_path / "rpls-sans.csv", HEADER, [rows[0].rsplit(";", 1)[0]]))
    assert out["exclus"] == {} and any("MODE 3" in r for r in out["remarques"])


def test_generated_rpls_file_gives_the_figures_of_the_generated_annex(tmp_path):
    invoke(["generate", "--dwellings", "2000", "--events", "1200", "--seed", "11", "--rpls", "--output", tmp_path], 0)
    annex = _flux(tmp_path / "inventaire.csv")
    rpls = _flux(tmp_path / "rpls.csv", "--reservations", tmp_path / "reservations.csv")
    assert rpls["inventaire"]["rejetes"] == 0
    assert rpls["logements_eligibles"] == annex["logements_eligibles"] > 0
    assert ({r["id"]: r["logements_reservataire"] for r in rpls["reservataires"]}
            == {r["id"]: r["logements_reservataire"] for r in annex["reservataires"]})
    assert rpls["logements_sans_titulaire"] == {}
    # What differs is what the RPLS does not say, counted from the annex file itself: it lists ordinary dwellings
    # (no logement-foyer, résidence sociale or étudiante), and a PLI it gives as not conventionné (CONV 2) is left
    # out by the conventionnement rule, met before the PLI exclusion. The rest is the same dwelling by dwelling.
    with (tmp_path / "inventaire.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    ordinary = [r for r in rows if r["Catégorie"] == "familial"]
    assert rpls["logements"] == len(ordinary) < annex["logements"] == len(rows)
    pli = sum(1 for r in ordinary if r["Type de financement"] == "PLI" and r["Démolition"] == r["En vente"] == "non")
    assert rpls["exclus"] == {"assiette-conventionnement": pli,
                              **{k: n for k, n in annex["exclus"].items() if k in ("exclusion-demolition",
                                                                                   "exclusion-plan-de-vente")}}
    assert annex["exclus"]["exclusion-pli-lli"] >= pli > 0
    assert rpls["taux_rotation"] == annex["taux_rotation"]  # --rotation (ARGS)
    assert ({r["id"]: (r["flux_brut"], r["flux"]) for r in rpls["reservataires"]}
            == {r["id"]: (r["flux_brut"], r["flux"]) for r in annex["reservataires"]})
    # evaluate joins the log to the RPLS file as to the annex: the same result.
    events = tmp_path / "evenements.jsonl"
    by_rpls = json.loads(invoke(["evaluate", events, "--inventory", tmp_path / "rpls.csv", "--format", "json"],
                                1).stdout)
    by_annex = json.loads(invoke(["evaluate", events, "--inventory", tmp_path / "inventaire.csv", "--format",
                                  "json"], 1).stdout)
    assert by_rpls["inventaire"]["logements_absents"] == [] and by_rpls["inventaire"]["rejetes"] == 0
    by_rpls.pop("inventaire"), by_annex.pop("inventaire")
    assert by_rpls == by_annex


def test_a_generated_rpls_file_is_the_same_for_the_same_seed(tmp_path):
    for out in ("a", "b"):
        invoke(["generate", "--dwellings", "300", "--events", "100", "--seed", "3", "--rpls", "--output",
                tmp_path / out], 0)
    assert (tmp_path / "a" / "rpls.csv").read_bytes() == (tmp_path / "b" / "rpls.csv").read_bytes()


def test_the_code_table_is_checked_and_its_problems_are_file_line(tmp_path):
    bad = tmp_path / "rpls-codes.yaml"
    text = (ROOT / "rules" / "national" / "rpls-codes.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("      \"16\": {libelle: PLI, valeur: PLI, avant_1977: false}",
                                "      \"16\": {libelle: PLI, valeur: PLI, avant_1977: peut-etre}"), encoding="utf-8")
    with pytest.raises(BadInput) as err:
        codes(bad)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith('      "16": {libelle: PLI'))
    assert f"rpls-codes.yaml:{line}: « avant_1977 »" in str(err.value)


def test_the_code_table_is_data_not_a_layer(tmp_path):
    """rules validate passes over it; a user's folder holding a copy of it finds no layer in it either."""
    assert isinstance(codes(), CodeTable)
    folder = tmp_path / "mes-regles"
    folder.mkdir()
    shutil.copy(ROOT / "rules" / "national" / "rpls-codes.yaml", folder / "rpls-codes.yaml")
    result = invoke(["--regles-dir", folder, "rules", "validate"], 0)
    assert "rpls-codes" not in result.output


def test_every_finan_code_of_the_arrete_says_whether_it_is_before_1977():
    """Item 32 lists 7 financings before 1977 and 9 from 1977 on: 16 codes, each with its family."""
    finan = codes().columns["FINAN"].codes
    assert len(finan) == 16
    assert sum(1 for c in finan.values() if c.avant_1977 is not False) == 7
    assert {c.reservataire for c in codes().columns["CONTRESLOG"].codes.values()} <= {
        r["id"] for r in _registry()}


def _registry() -> list[dict]:
    import yaml

    data = yaml.safe_load((ROOT / "rules" / "national" / "reservataires.yaml").read_text(encoding="utf-8"))
    return data["regles"]


def test_rows_counted_from_the_columns_give_the_counts_of_the_rows_read(tmp_path):
    """A plain RPLS file is counted from its mapped columns (inventory_counts); a blank line sends the same
    file through the usual reading, row by row: the same figures."""
    invoke(["generate", "--dwellings", "1500", "--events", "100", "--seed", "23", "--rpls", "--output", tmp_path], 0)
    plain = tmp_path / "rpls.csv"
    blank = tmp_path / "rpls-ligne-vide.csv"
    lines = plain.read_bytes().split(b"\r\n")
    blank.write_bytes(b"\r\n".join(lines[:700] + [b""] + lines[700:]))
    counted = _figures(_flux(plain, "--reservations", tmp_path / "reservations.csv"))
    read = _figures(_flux(blank, "--reservations", tmp_path / "reservations.csv"))
    assert [r.replace("rpls-ligne-vide", "rpls") for r in read.pop("remarques")] == counted.pop("remarques")
    assert read == counted and counted["logements"] > 1000


def _both_ways(monkeypatch, inventory: Path, *more) -> tuple[str, str]:
    """The flux JSON of the grouped counting (rpls_counts, asserted used) and of the usual reading, row by row."""
    import engine.inputs.rpls_counts as counts

    used = []

    def spy(*args):
        inv = GROUPED(*args)
        used.append(inv is not None)
        return inv

    monkeypatch.setattr(counts, "count_rpls", spy)
    fast = invoke(["flux", "--inventory", inventory, *ARGS, *more], 0).output
    assert used == [True]
    monkeypatch.setattr(counts, "count_rpls", lambda *args: None)
    return fast, invoke(["flux", "--inventory", inventory, *ARGS, *more], 0).output


@pytest.mark.parametrize("processes", ["1", "2", "3"])
def test_the_grouped_counting_gives_the_json_of_the_usual_reading(tmp_path, monkeypatch, processes):
    """Every remark (weighted counts), every holder, every listed dwelling: byte for byte, on the hand-made file
    (a table naming a dwelling CONTRESLOG says non réservé, one of collectivités, one of autres) and a generated
    one shuffled, each on one to three processes."""
    monkeypatch.setenv("FLUX_RULES_PROCESSUS", processes)
    rows = list(ROWS)
    random.Random(int(processes)).shuffle(rows)
    hand = _write(tmp_path / "rpls.csv", HEADER, rows, "cp1252", "\r\n")
    table = _write(tmp_path / "reservations.csv", "rpls_id;reservataire", ["0031000010;MAIRIE ESCALQUENS",
                                                                            "0031000013;CAF", "0031000003;CAF"])
    for more in ((), ("--reservations", table)):
        fast, usual = _both_ways(monkeypatch, hand, *more)
        assert fast == usual
    assert "1 logement(s) que le RPLS dit non réservés" in fast
    # Each hand-made dwelling forty times (groups standing for many dwellings: the remarks count dwellings).
    many = [f"{k:04d}{row[4:]}" for k in range(40) for row in rows]
    random.Random(int(processes)).shuffle(many)
    hand = _write(tmp_path / "rpls-40.csv", HEADER, many, "cp1252", "\r\n")
    table = _write(tmp_path / "reservations-40.csv", "rpls_id;reservataire",
                   [f"{k:04d}000003;CAF" for k in range(7)] + [f"{k:04d}000010;MAIRIE" for k in range(40)])
    for more in ((), ("--reservations", table)):
        fast, usual = _both_ways(monkeypatch, hand, *more)
        assert fast == usual
    said = json.loads(fast)["remarques"]
    assert any("rpls-40.csv : 40 logement(s) non conventionné(s)" in r for r in said), said
    assert any("7 logement(s) que le RPLS dit non réservés" in r for r in said), said
    invoke(["generate", "--dwellings", "3000", "--events", "100", "--seed", "5", "--rpls", "--output", tmp_path], 0)
    lines = (tmp_path / "rpls.csv").read_bytes().split(b"\r\n")
    body = lines[1:-1]
    random.Random(5).shuffle(body)
    (tmp_path / "rpls.csv").write_bytes(b"\r\n".join([lines[0], *body, b""]))
    for more in ((), ("--reservations", tmp_path / "reservations.csv")):
        fast, usual = _both_ways(monkeypatch, tmp_path / "rpls.csv", *more)
        assert fast == usual and json.loads(fast)["logements"] > 2000


@pytest.mark.parametrize("bad,words", [
    (lambda row: row.replace(";13;", ";98;", 1), "colonne « FINAN » : code « 98 » inconnu"),
    (lambda row: row[1:], "a 9 caractère(s), attendu 10"),
    (lambda row: " " + row[1:], "a 9 caractère(s), attendu 10"),
    (lambda row: row.replace(";1;C;", ";5;C;", 1), "colonne « QPV » : code « 5 » inconnu"),
    (lambda row: row.replace(";31555;", ";3155;", 1), "« 3155 » a 4 caractère(s), attendu 5"),
])
def test_a_bad_line_far_in_a_file_counted_on_two_processes_is_file_line(tmp_path, monkeypatch, bad, words):
    monkeypatch.setenv("FLUX_RULES_PROCESSUS", "2")
    invoke(["generate", "--dwellings", "3000", "--events", "100", "--seed", "8", "--rpls", "--output", tmp_path], 0)
    path = tmp_path / "rpls.csv"
    lines = path.read_bytes().decode("cp1252").split("\r\n")
    at = next(i for i in range(len(lines) * 3 // 4, len(lines)) if bad(lines[i]) != lines[i])
    lines[at] = bad(lines[at])
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    result = invoke(["flux", "--inventory", path, *ARGS], 2)
    assert f"rpls.csv:{at + 1}: " in result.output and words in result.output, result.output


def test_a_dwelling_twice_in_two_parts_and_a_reservation_not_in_the_file_are_file_line(tmp_path, monkeypatch):
    monkeypatch.setenv("FLUX_RULES_PROCESSUS", "2")
    invoke(["generate", "--dwellings", "3000", "--events", "100", "--seed", "8", "--rpls", "--output", tmp_path], 0)
    path = tmp_path / "rpls.csv"
    lines = path.read_bytes().split(b"\r\n")
    twice = lines[:-1] + [lines[3], b""]
    (tmp_path / "double.csv").write_bytes(b"\r\n".join(twice))
    result = invoke(["flux", "--inventory", tmp_path / "double.csv", *ARGS], 2)
    rid = lines[3].decode().split(";")[0]
    assert f"double.csv:{len(twice) - 1}: logement « {rid} » en double (déjà ligne 4)" in result.output
    table = tmp_path / "reservations.csv"
    table.write_text(table.read_text(encoding="utf-8") + "3199999999;MAIRIE\n", encoding="utf-8")
    last = len(table.read_text(encoding="utf-8").splitlines())
    result = invoke(["flux", "--inventory", path, "--reservations", table, *ARGS], 2)
    assert f"reservations.csv:{last}: logement « 3199999999 » absent de l'inventaire RPLS" in result.output


def _journal(path: Path, offers: list[tuple[str, str, int]]) -> Path:
    """A year of offers to Action Logement, each leased to a household of the given quartile (no logement_info:
    the dwelling's attributes come from the inventory)."""
    records = [{"type": "exercice", "annee": 2024, "regles": "haute-garonne", "bailleur": "patrimoine"}]
    for n, (offre, logement, quartile) in enumerate(offers):
        menage = f"M-{n}"
        records += [
            {"type": "mise_a_disposition", "date": "2024-03-01", "offre": offre, "logement": logement,
             "reservataire": "ACTION LOGEMENT", "zone": "tendue", "id": f"m{n}"},
            {"type": "candidats", "date": "2024-03-05", "offre": offre, "menages": [{"id": menage,
                                                                                    "quartile": quartile}],
             "id": f"c{n}"},
            {"type": "caleol", "date": "2024-03-10", "offre": offre, "menage": menage, "decision": "attribution",
             "rang": 1, "id": f"k{n}"},
            {"type": "reponse", "date": "2024-03-12", "offre": offre, "menage": menage, "reponse": "acceptation",
             "id": f"r{n}"},
            {"type": "bail", "date": "2024-04-01", "offre": offre, "menage": menage, "id": f"b{n}"}]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_evaluate_reads_the_hand_made_rpls_file_as_the_annex_table(tmp_path):
    """By hand: 0031000001 is QPV 2 (hors QPV), leased to a household of the first quartile; 0031000002 is QPV 1,
    leased to one of the third: the obligation hors QPV is 1/1, the one in QPV 1/1. With the QPV codes of the two
    swapped, 0/1 and 0/1. The annex table of the same dwellings gives the same result."""
    events = _journal(tmp_path / "annee.jsonl", [("O-1", "0031000001", 1), ("O-2", "0031000002", 3)])

    def obligations(inventory: Path) -> tuple[dict, dict]:
        out = json.loads(invoke(["evaluate", events, "--inventory", inventory, "--format", "json"], 1).stdout)
        al = next(r for r in out["reservataires"] if r["id"] == "action-logement")
        return out, {o["id"]: (o["numerateur"], o["denominateur"]) for o in al["obligations"]}

    rpls, found = obligations(_write(tmp_path / "rpls.csv", HEADER, ROWS))
    assert found["premier-quartile-hors-qpv-25"] == (1, 1) and found["qpv-quartiles-2-4-50"] == (1, 1)
    assert rpls["inventaire"]["lus"] == rpls["inventaire"]["retenus"] == 14
    swapped = [ROWS[0].replace(";31169;2;", ";31169;1;"), ROWS[1].replace(";31169;1;", ";31169;2;"), *ROWS[2:]]
    _, found = obligations(_write(tmp_path / "rpls-inverse.csv", HEADER, swapped))
    assert found["premier-quartile-hors-qpv-25"] == (0, 1) and found["qpv-quartiles-2-4-50"] == (0, 1)
    annex, _ = obligations(_write(tmp_path / "annexe.csv", ANNEX_HEADER, ANNEX_ROWS))
    rpls.pop("inventaire"), annex.pop("inventaire")
    assert rpls == annex


def test_flux_of_one_reservataire_on_a_generated_rpls_file_is_the_annex_figure(tmp_path):
    invoke(["generate", "--dwellings", "2000", "--events", "100", "--seed", "11", "--rpls", "--output", tmp_path], 0)
    args = ["--reservataire", "MAIRIE ESCALQUENS"]
    annex = _flux(tmp_path / "inventaire.csv", *args)
    rpls = _flux(tmp_path / "rpls.csv", "--reservations", tmp_path / "reservations.csv", *args)
    keys = ("logements_eligibles", "logements_reservataire", "part", "flux_brut", "flux")
    assert {k: rpls[k] for k in keys} == {k: annex[k] for k in keys}
    assert rpls["logements_reservataire"] > 0
