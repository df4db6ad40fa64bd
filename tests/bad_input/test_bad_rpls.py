"""One broken RPLS file per kind of bad line: FILE:LINE and exit 2; --skip-invalid lists it and counts the rest."""

import json
from pathlib import Path

import pytest

from tests.conftest import invoke

HERE = Path(__file__).parent / "rpls"
ARGS = ["--rules", "haute-garonne", "--year", "2024", "--rotation", "10 %", "--format", "json"]

CASES = [
    ("code-inconnu.csv", 3, "colonne « FINAN » : code « 98 » inconnu (arrêté du 5 janvier 2010, annexe, item 32"),
    ("contingent-inconnu.csv", 3, "colonne « CONTRESLOG » : code « 8 » inconnu"),
    ("qpv-inconnu.csv", 3, "colonne « QPV » : code « 3 » inconnu"),
    ("id-9-caracteres.csv", 3, "colonne « IDENT_REP » : « 031000002 » a 9 caractère(s), attendu 10"),
    ("commune-4-caracteres.csv", 3, "colonne « DEPCOM » : « 3169 » a 4 caractère(s), attendu 5"),
    ("logement-en-double.csv", 4, "logement « 0031000001 » en double (déjà ligne 2)"),
]


@pytest.mark.parametrize("name,line,words", CASES, ids=[c[0] for c in CASES])
def test_bad_rpls_line_exits_2_with_file_line(name, line, words):
    result = invoke(["flux", "--inventory", HERE / name, *ARGS], 2)
    assert f"{name}:{line}: " in result.output and words in result.output, result.output


@pytest.mark.parametrize("name,line,words", CASES, ids=[c[0] for c in CASES])
def test_skip_invalid_lists_the_line_and_counts_the_rest(name, line, words):
    out = json.loads(invoke(["flux", "--inventory", HERE / name, *ARGS, "--skip-invalid"], 0).stdout)
    inv = out["inventaire"]
    assert inv["lus"] == inv["retenus"] + inv["rejetes"] == 3
    assert [r["ligne"] for r in inv["rejets"]] == [line] and words in inv["rejets"][0]["motif"]
    assert out["logements"] == 2


@pytest.mark.parametrize("name,line,words", CASES, ids=[c[0] for c in CASES])
def test_evaluate_refuses_the_same_lines(name, line, words):
    events = Path(__file__).parents[2] / "scenarios" / "exemple-2024" / "evenements.jsonl"
    result = invoke(["evaluate", events, "--inventory", HERE / name], 2)
    assert f"{name}:{line}: " in result.output and words in result.output, result.output


def test_two_columns_for_one_rpls_column_are_an_error(tmp_path):
    bad = tmp_path / "deux-finan.csv"
    bad.write_text("IDENT_REP;FINAN;finan_code;CONV;CONTRESLOG\n0031000001;13;13;1;3\n", encoding="utf-8")
    result = invoke(["flux", "--inventory", bad, *ARGS], 2)
    assert "deux-finan.csv:1: colonnes « FINAN » et « finan_code » : deux colonnes pour « FINAN »" in result.output


def test_a_contract_column_an_rpls_column_already_gives_is_an_error(tmp_path):
    bad = tmp_path / "deux-qpv.csv"
    bad.write_text("IDENT_REP;QPV;FINAN;CONV;CONTRESLOG;En QPV\n0031000001;1;13;1;3;oui\n", encoding="utf-8")
    result = invoke(["flux", "--inventory", bad, *ARGS], 2)
    assert "deux-qpv.csv:1: colonne « En QPV » : « qpv » vient déjà de la colonne RPLS « QPV »" in result.output
