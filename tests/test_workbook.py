"""Excel workbooks: the real annex tables give the same flux from .xlsx as from .csv; --feuille, title rows,
problems at FILE:FEUILLE!CELLULE; --history from a workbook."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from engine.inputs.inventory import decode, sniff_delimiter
from tests.conftest import ROOT, invoke

openpyxl = pytest.importorskip("openpyxl")

ANNEXES = Path(__file__).parent / "golden" / "annexes"
SHARED = ROOT.parent / "shared" / "data" / "annexes"
# Each real annex table with the options its convention needs (README: « Flux théorique et contrôle »).
RUNS = {
    "escalquens-patrimoine.csv": ["--rules", "escalquens-patrimoine", "--annexe"],
    "escalquens-oph31.csv": ["--rules", "escalquens-oph31", "--eligibles", "384", "--annexe"],
    "escalquens-chalets.csv": ["--rules", "escalquens-chalets"],
    "escalquens-tmh.csv": ["--rules", "escalquens-tmh", "--reservataire", "MAIRIE ESCALQUENS",
                           "--logements-reservataire", "1", "--annexe"],
}


def _rows(path: Path) -> list[list[str]]:
    text, _ = decode(path.read_bytes(), str(path))
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))


def _book(path: Path, rows: list[list], title: str = "Feuil1", before: list[list] = (), other: str | None = None):
    book = openpyxl.Workbook()
    sheet = book.active
    if other:  # a first sheet that is not the table
        sheet.title = other
        sheet.append(["Notes du bailleur"])
        sheet = book.create_sheet(title)
    else:
        sheet.title = title
    for row in [*before, *rows]:
        sheet.append(row)
    book.save(path)
    return path


def _flux(args, code) -> dict:
    out = json.loads(invoke(["flux", "--format", "json", *args], code).stdout)
    for key in ("fichier", "encodage", "separateur", "feuille"):
        (out["inventaire"] or {}).pop(key, None)
    return out


@pytest.mark.parametrize("folder", [ANNEXES, SHARED], ids=["copies", "shared"])
@pytest.mark.parametrize("name", sorted(RUNS))
def test_real_annex_tables_give_the_same_flux_from_xlsx_as_from_csv(folder, name, tmp_path):
    if not (folder / name).is_file():
        pytest.skip(f"{folder} absent")
    code = _exit_code(folder / name, RUNS[name])  # 1 where the printed annex disagrees: the same for both
    assert code in (0, 1)
    from_csv = _flux(["--inventory", folder / name, *RUNS[name]], code)
    book = _book(tmp_path / name.replace(".csv", ".xlsx"), _rows(folder / name))
    from_xlsx = _flux(["--inventory", book, *RUNS[name]], code)
    from_csv["remarques"] = [r.replace(str(folder / name), "INV") for r in from_csv["remarques"]]
    from_xlsx["remarques"] = [r.replace(str(book), "INV") for r in from_xlsx["remarques"]]
    assert from_xlsx == from_csv
    assert from_xlsx["inventaire"]["lus"] == len(_rows(folder / name)) - 1


def _exit_code(path: Path, args: list[str]) -> int:
    from typer.testing import CliRunner

    from engine.cli import app

    return CliRunner().invoke(app, ["flux", "--format", "json", "--inventory", str(path), *args]).exit_code


def test_a_title_row_and_another_first_sheet(tmp_path):
    name = "escalquens-patrimoine.csv"
    rows = _rows(ANNEXES / name)
    args = ["--rules", "escalquens-patrimoine", "--reservataire", "MAIRIE ESCALQUENS"]
    plain = _flux(["--inventory", ANNEXES / name, *args], 0)
    book = _book(tmp_path / "parc.xlsx", rows, title="Annexe 2", before=[["Annexe 2 : état des lieux"], []],
                 other="Notes")
    notes = json.loads(invoke(["flux", "--format", "json", "--inventory", book, *args], 0).stdout)
    assert notes["inventaire"]["feuille"] == "Notes" and notes["logements"] == 0  # the first sheet, by default
    titled = json.loads(invoke(["flux", "--format", "json", "--inventory", book, "--feuille", "Annexe 2", *args],
                               0).stdout)
    assert titled["inventaire"]["feuille"] == "Annexe 2"
    assert titled["logements_eligibles"] == plain["logements_eligibles"] == 11
    assert titled["logements_reservataire"] == plain["logements_reservataire"]
    assert any("ligne(s) 1 de la feuille « Annexe 2 » avant l'en-tête" in r for r in titled["remarques"])
    missing = invoke(["flux", "--inventory", book, "--feuille", "Parc", *args], 2)
    assert "feuille « Parc » absente du classeur : feuilles « Notes », « Annexe 2 »" in missing.output


def test_a_bad_cell_is_named_file_sheet_cell(tmp_path):
    rows = [["N° RPLS", "Typologie", "Réservataire"], ["0031000001", "T3", "COMMUNE"], ["0031000002", "T99", ""]]
    book = _book(tmp_path / "parc.xlsx", rows, title="Annexe 2")
    result = invoke(["flux", "--inventory", book, "--rotation", "10 %", "--year", "2024"], 2)
    assert "parc.xlsx:'Annexe 2'!B3: colonne « Typologie » : typologie « T99 »" in result.output
    out = json.loads(invoke(["flux", "--inventory", book, "--rotation", "10 %", "--format", "json", "--rules",
                             "haute-garonne",
                             "--skip-invalid", "--year", "2024"], 0).stdout)
    assert out["inventaire"]["rejets"][0]["cellule"] == "'Annexe 2'!B3"
    assert out["inventaire"]["lus"] == 2 and out["inventaire"]["retenus"] == 1


def test_an_rpls_code_in_a_workbook_is_named_at_its_cell(tmp_path):
    rows = [["IDENT_REP", "FINAN", "CONV", "CONTRESLOG"], ["0031000001", "13", "1", "3"],
            ["0031000002", "98", "1", "3"]]
    book = _book(tmp_path / "rpls.xlsx", rows, title="RPLS")
    result = invoke(["flux", "--inventory", book, "--rotation", "10 %", "--year", "2024"], 2)
    assert "rpls.xlsx:RPLS!B3: colonne « FINAN » : code « 98 » inconnu" in result.output


def test_an_id_excel_holds_as_a_number_is_refused_unless_its_format_shows_the_zeros(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["N° RPLS", "Réservataire"])
    sheet.append([31004477, "MAIRIE ESCALQUENS"])  # 0031004477 typed into Excel: its zeros lost
    sheet.append([31004625, "MAIRIE ESCALQUENS"])
    sheet["A3"].number_format = "0000000000"  # shown with its zeros: the id is whole
    book.save(tmp_path / "parc.xlsx")
    result = invoke(["flux", "--inventory", tmp_path / "parc.xlsx", "--rotation", "10 %", "--year", "2024"], 2)
    assert "parc.xlsx:Sheet!A2: identifiant « 31004477 » saisi comme un nombre dans Excel" in result.output
    assert "A3" not in result.output


def test_the_same_numbers_typed_as_numbers_give_the_same_figures(tmp_path):
    """A rate typed as a percentage is 0.0727 in the cell; a year is a number: the same figures."""
    rows = [["N° RPLS", "Réservataire du bien", "Typologie du bien", "Taux de rotation moyen", "date de construction"],
            ["0031004477", "MAIRIE ESCALQUENS", "t4", 0.0727, 1995], ["0031004625", "", "t4", 0.0727, 1996]]
    text_rows = [rows[0]] + [[r[0], r[1], r[2], "7,27 %", str(r[4])] for r in rows[1:]]
    args = ["--reservataire", "MAIRIE ESCALQUENS", "--year", "2024", "--rules", "haute-garonne"]
    typed = _flux(["--inventory", _book(tmp_path / "typed.xlsx", rows), *args], 0)
    texts = _flux(["--inventory", _book(tmp_path / "texts.xlsx", text_rows), *args], 0)
    assert typed == texts and typed["taux_rotation"] == pytest.approx(0.0727)


def test_history_from_a_workbook_gives_the_rate_of_the_csv(tmp_path):
    history = ROOT / "scenarios" / "historique-exemple.csv"
    rows = [[int(c) if c.isdigit() else c for c in row] for row in _rows(history)]
    book = _book(tmp_path / "historique.xlsx", rows)
    args = ["--rules", "rhone", "--year", "2024", "--eligibles", "1000", "--logements-reservataire", "200",
            "--reservataire", "etat"]
    from_csv = _flux(["--history", history, *args], 0)
    from_xlsx = _flux(["--history", book, *args], 0)
    assert from_xlsx["taux_rotation"] == from_csv["taux_rotation"] and from_xlsx == from_csv


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    fake = tmp_path / "parc.xlsx"
    fake.write_text("N° RPLS;Réservataire\n", encoding="utf-8")
    result = invoke(["flux", "--inventory", fake, "--rotation", "10 %", "--year", "2024"], 2)
    assert "parc.xlsx: classeur Excel illisible" in result.output


def test_reservations_from_a_workbook(tmp_path):
    header = "IDENT_REP;FINAN;CONV;CONTRESLOG".split(";")
    rpls = _book(tmp_path / "rpls.xlsx", [header, ["0031000001", "13", "1", "4"], ["0031000002", "13", "1", "4"]])
    table = _book(tmp_path / "reservations.xlsx", [["rpls_id", "reservataire"], ["0031000001", "MAIRIE ESCALQUENS"]])
    out = _flux(["--inventory", rpls, "--reservations", table, "--rotation", "10 %", "--year", "2024", "--rules",
                 "haute-garonne"], 0)
    held = {r["id"]: r["logements_reservataire"] for r in out["reservataires"]}
    assert held == {"mairie-escalquens": 1, "collectivites-titulaire-non-nomme": 1}
    assert out["logements_sans_titulaire"] == {"collectivites-titulaire-non-nomme": ["0031000002"]}


@pytest.mark.parametrize("verb", [
    ["evaluate", "EVENTS"], ["explain", "EVENTS", "--offre", "O-1"], ["bilan", "EVENTS"], ["compare", "EVENTS", "--rules",
                                                                             "haute-garonne", "--rules", "rhone"],
    ["flux", "--rules", "haute-garonne", "--year", "2024", "--rotation", "8 %"],
])
def test_feuille_is_refused_without_a_workbook_rather_than_ignored(verb):
    """--feuille names a sheet of the workbook given with --inventory: with a CSV inventory, or none, it would
    change nothing, silently; refused (exit 2) like --reservations without an RPLS file."""
    events = ROOT / "scenarios" / "exemple-2024" / "evenements.jsonl"
    csv_inventory = ROOT / "scenarios" / "exemple-2024" / "inventaire.csv"
    args = [events if a == "EVENTS" else a for a in verb]
    with_csv = invoke([*args, "--inventory", csv_inventory, "--feuille", "Parc"], 2)
    assert (f"--feuille: « Parc » : {csv_inventory} n'est pas un classeur .xlsx ; une feuille ne se choisit que dans "
            "un classeur") in with_csv.output
    if verb[0] == "flux":
        args += ["--eligibles", "100", "--logements-reservataire", "10", "--reservataire", "etat"]
    alone = invoke([*args, "--feuille", "Parc"], 2)
    assert "--feuille: « Parc » est une feuille de l'inventaire : donnez le classeur avec --inventory" in alone.output
