"""The ways an inventory is written (encoding, byte order mark, delimiter, unnamed or repeated columns) give
one answer or one error, on the usual reading and on the counting in parts alike (issue 14, items 1 to 4)."""

import pytest

from engine.inputs import inventory_counts
from engine.inputs.inventory import read_inventory
from engine.inputs.inventory_counts import count_inventory
from engine.problems import BadInput
from tests.unit.flux.test_inventory_counts import HEADER, KEYS, ROWS, _both


@pytest.fixture(autouse=True)
def _always_in_parts(monkeypatch):
    monkeypatch.setattr(inventory_counts, "PARALLEL_FROM", 0)
    monkeypatch.setenv("FLUX_RULES_PROCESSUS", "2")


def _written(tmp_path, text: str, encoding: str = "utf-8", name: str = "inventaire.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _groups(path):
    inv = read_inventory(path)
    return dict(inv.groups(KEYS(inv.has))), len(inv)


TEXT = "\n".join([HEADER, *ROWS]) + "\n"


@pytest.mark.parametrize("encoding,delimiter,mark", [
    ("cp1252", ";", ""),  # a whole Excel export in Windows-1252
    ("utf-8", "|", ""),
    ("utf-8", "\t", "\ufeff"),
    ("utf-16-le", "\t", "\ufeff"),  # Excel « Texte Unicode »
    ("utf-16-be", ";", "\ufeff"),
    ("utf-32-le", ";", "\ufeff"),
    ("utf-8", ";", "\ufeff\ufeff"),  # a mark written twice
], ids=["cp1252", "barre", "tab-bom", "utf16le", "utf16be", "utf32", "double-bom"])
def test_every_way_of_writing_it_gives_the_same_groups(tmp_path, encoding, delimiter, mark):
    reference = _groups(_written(tmp_path, TEXT, name="ref.csv"))
    path = _written(tmp_path, mark + TEXT.replace(";", delimiter), encoding)
    assert _groups(path) == reference
    counted, usual = _both(path)
    assert counted == usual


def test_a_long_pipe_delimited_inventory_is_counted_in_parts(tmp_path):
    path = _written(tmp_path, TEXT.replace(";", "|"))
    inv = count_inventory(path, KEYS)
    assert inv.counted is not None and inv.delimiter == "|"
    assert dict(inv.groups(KEYS(inv.has))) == _groups(_written(tmp_path, TEXT, name="ref.csv"))[0]


@pytest.mark.parametrize("at", [5, len(ROWS) - 3], ids=["premiere-part", "derniere-part"])
def test_a_cp1252_row_in_a_utf8_inventory_is_one_error_both_ways(tmp_path, at):
    raw = bytearray(TEXT.encode("utf-8"))
    lines = raw.split(b"\n")
    lines[at] = lines[at].replace(b"TOULOUSE", "TOULOUSÉ".encode("cp1252")).replace(b";;", "; é;".encode("cp1252"))
    path = tmp_path / "inventaire.csv"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(BadInput) as usual:
        read_inventory(path)
    with pytest.raises(BadInput) as counted:
        count_inventory(path, KEYS)
    assert str(usual.value) == str(counted.value)
    assert f"inventaire.csv:{at + 1}: ligne en Windows-1252 dans un fichier en UTF-8" in str(usual.value)


def test_mostly_cp1252_with_a_utf8_line_names_the_utf8_line(tmp_path):
    text = "N° RPLS;Réservataire;Typologie\n0031;MAIRIE;T3\n0032;Écully;T4\n0033;Évry;T2\n"
    raw = text.encode("cp1252").replace("Évry".encode("cp1252"), "Évry".encode())
    path = tmp_path / "inventaire.csv"
    path.write_bytes(raw)
    with pytest.raises(BadInput, match=r"inventaire.csv:4: ligne en UTF-8 dans un fichier en Windows-1252"):
        read_inventory(path)


def test_an_unnamed_column_with_values_is_one_error_both_ways(tmp_path):
    rows = [row + ";" for row in ROWS]
    rows[len(rows) - 2] += "oubli"
    path = _written(tmp_path, "\n".join([HEADER + ";", *rows]) + "\n")
    with pytest.raises(BadInput) as usual:
        read_inventory(path)
    with pytest.raises(BadInput) as counted:
        count_inventory(path, KEYS)
    assert str(usual.value) == str(counted.value) and "qui n'a pas de nom dans l'en-tête" in str(usual.value)


def test_an_empty_unnamed_column_is_a_trailing_delimiter(tmp_path):
    path = _written(tmp_path, "\n".join([HEADER + ";", *(row + ";" for row in ROWS)]) + "\n")
    assert count_inventory(path, KEYS).counted is not None
    counted, usual = _both(path)
    assert counted == usual and usual[1] == len(ROWS)


def test_a_quoted_line_break_is_one_cell_and_its_row_is_named_by_its_first_line(tmp_path):
    path = _written(tmp_path, 'N° RPLS;Adresse;Typologie\n0031;2 rue Y;T2\n0032;"Bât. A\n1 rue X";trois pièces\n')
    with pytest.raises(BadInput, match=r"inventaire.csv:3: colonne « Typologie »"):
        read_inventory(path)
    path = _written(tmp_path, 'N° RPLS;Adresse;Typologie\n0031;"Bât. A\n1 rue X";T3\n0032;2 rue Y;T2\n')
    inv = read_inventory(path)
    assert inv.lines == [2, 4] and inv.column("logement.autres.adresse")[0] == "Bât. A\n1 rue X"
