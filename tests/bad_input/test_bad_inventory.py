"""One broken inventory per kind of bad row: FILE:LINE and exit 2; --skip-invalid lists them and goes on."""

import json
from pathlib import Path

import pytest

from tests.conftest import invoke

HERE = Path(__file__).parent / "inventory"

CASES = [
    ("id-manquant.csv", 3, "identifiant manquant dans la colonne « N° RPLS »"),
    ("id-en-double.csv", 4, "logement « 0031000001 » en double (déjà ligne 2)"),
    ("taux-illisible.csv", 3, "colonne « Taux de rotation » : taux illisible « sept pour cent »"),
    ("date-invalide.csv", 3, "date invalide « 31/02/2012 »"),
    ("typologie-illisible.csv", 3, "typologie « trois pièces »"),
]


@pytest.mark.parametrize("name,line,words", CASES, ids=[c[0] for c in CASES])
def test_bad_row_exits_2_with_file_line(name, line, words):
    result = invoke(["flux", "--inventory", HERE / name, "--rules", "escalquens-patrimoine", "--format", "json"], 2)
    assert f"{name}:{line}: " in result.output and words in result.output, result.output


@pytest.mark.parametrize("name,line,words", CASES, ids=[c[0] for c in CASES])
def test_skip_invalid_lists_the_row_and_counts_the_rest(name, line, words):
    result = invoke(["flux", "--inventory", HERE / name, "--rules", "escalquens-patrimoine", "--format", "json",
                     "--skip-invalid", "--rotation", "7,9 %"], 0)
    inv = json.loads(result.output)["inventaire"]
    assert inv["lus"] == inv["retenus"] + inv["rejetes"] == 3
    assert [r["ligne"] for r in inv["rejets"]] == [line]


def test_unknown_encoding_bytes_name_their_line():
    result = invoke(["flux", "--inventory", HERE / "encodage-inconnu.csv", "--rules", "escalquens-patrimoine"], 2)
    assert "encodage-inconnu.csv:3: octet 0x81 illisible" in result.output


@pytest.mark.parametrize("args,words", [
    (["--check", "parts=9%"], "« parts=9% » : attendu chiffre=valeur"),
    (["--check", "part=neuf"], "valeur imprimée illisible « neuf »"),
    (["--rotation", "beaucoup"], "taux illisible « beaucoup »"),
    (["--deduction", "mutation=12"], "« mutation=12 » : attendu objet=volume"),
], ids=["cle-inconnue", "valeur-illisible", "rotation-illisible", "deduction-inconnue"])
def test_bad_options_exit_2(args, words):
    result = invoke(["flux", "--rules", "escalquens-promologis", *args], 2)
    assert words in result.output, result.output
