"""Reading a rotation history (``--history``): CSV and .xlsx, every bad row named at FILE:LINE (FILE:FEUILLE!CELLULE
in a workbook), the message held whole; nothing read silently wrong (README « Flux théorique »)."""

from decimal import Decimal

import pytest

from engine.flux import rotation as rot
from engine.problems import BadInput

openpyxl = pytest.importorskip("openpyxl")

ALL = ("annee, perimetre, liberations, mutations, relogements, liberations_demolitions, liberations_ventes, parc, "
       "parc_vente, parc_demolition, premieres_mises_en_location")


def read(tmp_path, text, name="historique.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return rot.read_history(path)


def refused(tmp_path, text, name="historique.csv") -> list[str]:
    with pytest.raises(BadInput) as exc:
        read(tmp_path, text, name)
    return [str(p) for p in exc.value.problems]


def book(path, rows, before=()):
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "Historique"
    for row in [*before, *rows]:
        sheet.append(row)
    wb.save(path)
    return path


def test_headers_as_people_write_them_and_numbers_as_spreadsheets_export_them(tmp_path):
    text = ("Année,Périmètre,Libérations,Mutations,Parc,Premières mises en location\n"
            '2022,Métropole de Lyon,"1\u00a0000","150,5","10 400",\n'
            "\n"
            '2023, CA Villefranche ,"1\u202f200",0,12000\n')
    history = read(tmp_path, text)
    # the blank line 3 is passed over (the row after it is read); 2023 stops after parc (an export that cut its
    # empty cells): premieres_mises_en_location is absent, as an empty cell is
    assert history.rows == [
        (2, {"annee": 2022, "perimetre": "Métropole de Lyon", "liberations": Decimal(1000),
             "mutations": Decimal("150.5"), "parc": Decimal(10400)}),
        (4, {"annee": 2023, "perimetre": "CA Villefranche", "liberations": Decimal(1200), "mutations": Decimal(0),
             "parc": Decimal(12000)}),
    ]
    assert history.path == str(tmp_path / "historique.csv")


def test_a_row_is_named_by_the_line_it_starts_on(tmp_path):
    text = 'annee;perimetre;liberations;parc\n2022;"Métropole\nde Lyon";10;100\n2023;Lyon;abc;100\n'
    assert refused(tmp_path, text) == [f"{tmp_path / 'historique.csv'}:4: colonne « liberations » : nombre "
                                       "illisible « abc » : attendu un nombre positif ou nul, par exemple 10 400"]


def test_bad_rows_each_at_its_line(tmp_path):
    text = ("annee;liberations;parc;\n"
            "2021;-5;100\n"          # a count is never negative
            "2022;10;NaN\n"          # Decimal would read it
            "2022,5;10;100\n"        # a year is a whole year (and is not also said to be empty)
            "2023;;100\n"            # a required figure left empty
            "2024;10;100;7\n"        # a value under a column without a name
            "2025;10;100;;8\n")      # a value beyond the header
    name = tmp_path / "historique.csv"
    assert refused(tmp_path, text) == [
        f"{name}:2: colonne « liberations » : nombre illisible « -5 » : attendu un nombre positif ou nul, par "
        "exemple 10 400",
        f"{name}:3: colonne « parc » : nombre illisible « NaN » : attendu un nombre positif ou nul, par exemple "
        "10 400",
        f"{name}:4: colonne « annee » : année illisible « 2022,5 » : attendu une année, par exemple 2023",
        f"{name}:5: colonne « liberations » vide",
        f"{name}:6: valeur « 7 » dans la colonne 4, qui n'a pas de nom dans l'en-tête",
        f"{name}:7: valeur « 8 » dans la colonne 5, qui n'a pas de nom dans l'en-tête",
    ]


def test_every_bad_cell_of_a_row_is_named(tmp_path):
    name = tmp_path / "historique.csv"
    assert refused(tmp_path, "annee;;liberations;parc\n2024;7;abc;100\n") == [
        f"{name}:2: colonne « liberations » : nombre illisible « abc » : attendu un nombre positif ou nul, par "
        "exemple 10 400",
        f"{name}:2: valeur « 7 » dans la colonne 2, qui n'a pas de nom dans l'en-tête",
    ]


def test_a_bad_header(tmp_path):
    name = tmp_path / "historique.csv"
    assert refused(tmp_path, "annee;Libérations;stock;LIBERATIONS\n2023;1;2;3\n") == [
        f"{name}:1: colonne inconnue « stock » : attendu {ALL}",
        f"{name}:1: colonne « parc » manquante",
        f"{name}:1: colonnes « Libérations » et « LIBERATIONS » : deux colonnes du même nom",
    ]


@pytest.mark.parametrize("text", ["", "\n", ";;\n2023;1;2\n"], ids=["vide", "ligne-blanche", "en-tete-blanc"])
def test_an_empty_history(tmp_path, text):
    assert refused(tmp_path, text) == [f"{tmp_path / 'historique.csv'}:1: historique vide : attendu un en-tête "
                                       "annee, liberations, parc…"]


def test_an_unreadable_history(tmp_path):
    with pytest.raises(BadInput) as exc:
        rot.read_history(tmp_path / "absent.csv")
    assert exc.value.problems[0].ligne == 0  # the whole file, not a line of it
    assert [str(p) for p in exc.value.problems] == [f"{tmp_path / 'absent.csv'}: historique illisible (No such "
                                                    "file or directory)"]


def test_a_file_in_two_encodings_and_a_quote_left_open(tmp_path):
    mixed = "Année;liberations;parc\n2022;10;100\n".encode() + "2023;1;2 é\n".encode("cp1252")
    assert refused(tmp_path, mixed) == [f"{tmp_path / 'historique.csv'}:3: ligne en Windows-1252 dans un fichier "
                                        "en UTF-8 (octet 0xE9) : enregistrez le fichier dans un seul encodage (UTF-8 "
                                        "de préférence)"]
    assert refused(tmp_path, 'annee;liberations;parc\n2022;"10;100\n2023;1;2\n') == [
        f"{tmp_path / 'historique.csv'}:2: guillemet ouvert jamais fermé : la suite du fichier serait lue comme une "
        "seule cellule"]


def test_a_workbook_gives_the_rows_of_the_csv_at_their_sheet_rows(tmp_path):
    rows = [["Année", "Libérations", "Parc", "Parc vente"], [2022, 1000, 10400, None], [2023, "1 100", 10500, 500]]
    history = rot.read_history(book(tmp_path / "historique.xlsx", rows, before=[["Historique du bailleur"]]))
    # a title row above the header: the rows are at sheet rows 3 and 4
    assert history.rows == [(3, {"annee": 2022, "liberations": 1000, "parc": 10400}),
                            (4, {"annee": 2023, "liberations": 1100, "parc": 10500, "parc_vente": 500})]


def test_a_bad_cell_of_a_workbook_is_named_at_its_cell(tmp_path):
    rows = [["Année", "Libérations", "Parc"], [2022, "beaucoup", 10400], [2023, 10, None], [2024, -3, 1]]
    path = book(tmp_path / "historique.xlsx", rows)
    with pytest.raises(BadInput) as exc:
        rot.read_history(path)
    assert [str(p) for p in exc.value.problems] == [
        f"{path}:Historique!B2: colonne « Libérations » : nombre illisible « beaucoup » : attendu un nombre positif "
        "ou nul, par exemple 10 400",
        f"{path}:Historique!C3: colonne « Parc » vide",
        f"{path}:Historique!B4: colonne « Libérations » : nombre illisible « -3 » : attendu un nombre positif ou "
        "nul, par exemple 10 400",
    ]


def test_an_empty_workbook_and_a_file_that_is_not_one(tmp_path):
    empty = book(tmp_path / "vide.xlsx", [])
    with pytest.raises(BadInput) as exc:
        rot.read_history(empty)
    assert [str(p) for p in exc.value.problems] == [f"{empty}:Historique!A1: historique vide : attendu un en-tête "
                                                    "annee, liberations, parc…"]
    assert refused(tmp_path, "annee;liberations;parc\n", "faux.xlsx") == [
        f"{tmp_path / 'faux.xlsx'}: classeur Excel illisible (BadZipFile) : enregistrez-le au format .xlsx, ou en CSV"]
