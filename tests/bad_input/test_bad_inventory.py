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
    ("separateur-incoherent.csv", 3, "1 valeur(s) pour 4 colonnes : vérifiez le séparateur « ; »"),
    ("cellule-multiligne-typologie.csv", 3, "typologie « trois pièces »"),  # the line the row starts on
]

FILE_CASES = [  # what is wrong is the file, not one row: exit 2 even with --skip-invalid
    ("encodage-mixte.csv", 3, "ligne en Windows-1252 dans un fichier en UTF-8 (octet 0xE9)"),
    ("encodage-mixte-bom.csv", 3, "ligne en Windows-1252 dans un fichier en UTF-8 (octet 0xE9)"),
    ("encodage-utf16-sans-bom.csv", 1, "octet nul : fichier UTF-16 sans marque d'ordre des octets"),
    ("cellule-geante.csv", 3, "cellule de plus de 131\u202f072 caractères : un guillemet ouvert"),
    ("guillemet-non-ferme.csv", 3, "guillemet ouvert jamais fermé"),
    ("guillemet-avale-des-lignes.csv", 3, "qui contient des lignes entières"),
    ("guillemet-mal-place.csv", 3, "guillemet mal placé"),
    ("entete-vide-remplie.csv", 3, "valeur « x » dans la colonne 3, qui n'a pas de nom dans l'en-tête"),
    ("colonnes-en-double.csv", 1, "colonnes « Adresse » et « Adresse » : deux colonnes du même nom"),
    ("identifiant-non-reconnu.csv", 1, "colonne « N° RPLS du bien » : identifiant du logement non reconnu"),
]


@pytest.mark.parametrize("name,line,words", CASES, ids=[c[0] for c in CASES])
def test_bad_row_exits_2_with_file_line(name, line, words):
    result = invoke(["flux", "--inventory", HERE / name, "--rules", "escalquens-patrimoine", "--format", "json"], 2)
    assert f"{name}:{line}: " in result.output and words in result.output, result.output


@pytest.mark.parametrize("name,line,words", CASES, ids=[c[0] for c in CASES])
def test_skip_invalid_lists_the_row_and_counts_the_rest(name, line, words):
    result = invoke(["flux", "--inventory", HERE / name, "--rules", "escalquens-patrimoine", "--format", "json",
                     "--skip-invalid", "--rotation", "7,9 %"], 0)
    inv = json.loads(result.stdout)["inventaire"]
    assert inv["lus"] == inv["retenus"] + inv["rejetes"] == 3
    assert [r["ligne"] for r in inv["rejets"]] == [line]


@pytest.mark.parametrize("skip", [[], ["--skip-invalid"]], ids=["arret", "skip-invalid"])
@pytest.mark.parametrize("name,line,words", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_a_bad_file_exits_2_with_file_line(name, line, words, skip):
    result = invoke(["flux", "--inventory", HERE / name, "--rules", "escalquens-patrimoine", "--reservataire",
                     "MAIRIE ESCALQUENS", "--format", "json", *skip], 2)
    assert f"{name}:{line}: " in result.output and words in result.output, result.output


def test_a_mixed_file_is_refused_by_evaluate_too(tmp_path):
    events = Path(__file__).parents[2] / "scenarios" / "exemple-2024" / "evenements.jsonl"
    result = invoke(["evaluate", events, "--inventory", HERE / "encodage-mixte.csv"], 2)
    assert "encodage-mixte.csv:3: ligne en Windows-1252" in result.output


def test_no_id_column_is_an_error_where_rows_are_joined_to_events():
    """inventory.md: rpls_id is required. evaluate (and explain, bilan, compare with events) join the rows to
    the events by it: without it every dwelling would be « absent » and its attributes unknown."""
    events = Path(__file__).parents[2] / "scenarios" / "exemple-2024" / "evenements.jsonl"
    for verb in ("evaluate", "bilan"):
        result = invoke([verb, events, "--inventory", HERE / "sans-identifiant.csv"], 2)
        assert "sans-identifiant.csv:1: pas de colonne d'identifiant des logements" in result.output, result.output


def test_no_id_column_is_a_remark_for_flux_as_for_an_annex_table():
    """inventory.md: the annex tables are read as they are, and the Chalets annex has no RPLS number; flux only
    counts rows, named by their line, and says that a dwelling listed twice cannot be found."""
    result = invoke(["flux", "--inventory", HERE / "sans-identifiant.csv", "--rules", "escalquens-patrimoine",
                     "--reservataire", "MAIRIE ESCALQUENS", "--format", "json"], 0)
    out = json.loads(result.stdout)
    assert out["logements_eligibles"] == 2
    assert any("pas de colonne d'identifiant" in r and "listé deux fois" in r for r in out["remarques"])


def test_a_pipe_delimited_file_gives_the_figures_of_the_same_file_with_semicolons(tmp_path):
    """Read with « ; » its header was one column: no exclusion read, 3 eligible dwellings instead of 1."""
    semicolons = tmp_path / "pointvirgule.csv"
    semicolons.write_bytes((HERE / "separateur-barre.csv").read_bytes().replace(b"|", b";"))
    args = ["--rules", "escalquens-patrimoine", "--reservataire", "MAIRIE ESCALQUENS", "--format", "json"]
    piped = json.loads(invoke(["flux", "--inventory", HERE / "separateur-barre.csv", *args], 0).stdout)
    plain = json.loads(invoke(["flux", "--inventory", semicolons, *args], 0).stdout)
    assert piped["inventaire"]["separateur"] == "|"
    assert piped["logements_eligibles"] == plain["logements_eligibles"] == 1
    assert piped["exclus"] == plain["exclus"] == {"exclusion-foyers-residences": 2}


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
