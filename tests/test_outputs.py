"""What the outputs write (issue 14): no formula or markup injected, files written whole, French words."""

import csv
import errno
import io
import json

import pytest

from tests.conftest import ROOT, invoke

SAMPLE = ROOT / "scenarios" / "exemple-2024"
EVENTS = SAMPLE / "evenements.jsonl"
INVENTORY = SAMPLE / "inventaire.csv"

HOSTILE = "\"><img src=x onerror=alert(1)>|x"
RECORDS = [
    {"type": "exercice", "annee": 2024, "regles": "escalquens-patrimoine", "bailleur": "=cmd|' /C calc'!A0"},
    {"type": "mise_a_disposition", "date": "2024-01-10", "offre": "=1+1", "logement": "0031004477",
     "reservataire": HOSTILE, "logement_info": {"commune": "@SUM(1)", "qpv": False, "typologie": "t4",
                                                "financement": "PLUS"}},
    {"type": "mise_a_disposition", "date": "2024-01-11", "offre": "O-2", "logement": "0031004478",
     "reservataire": "-2+3", "logement_info": {"commune": "\tTAB", "qpv": False, "typologie": "t4",
                                                "financement": "PLUS"}},
    {"type": "mise_a_disposition", "date": "2024-01-12", "offre": "O-3", "logement": "0031004479",
     "reservataire": "CONSEIL GENERAL", "logement_info": {"commune": "+33 ESCALQUENS", "qpv": False,
                                                             "typologie": "t4", "financement": "PLUS"}},
    {"type": "mise_en_service", "date": "2024-09-30", "logement": "0031006001",
     "programme": "=HYPERLINK(\"http://x\")"},
]


@pytest.fixture
def hostile(tmp_path):
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "\n", encoding="utf-8")
    return path


def _cells(text: str, delimiter: str = ","):
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter) for cell in row]


FORMULA = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("args", [["evaluate"], ["bilan"], ["bilan", "--tableur"]])
def test_csv_never_writes_a_formula_but_keeps_numbers(hostile, args, tmp_path):
    out = tmp_path / "sortie.csv"
    invoke([args[0], hostile, "--format", "csv", *args[1:], "--output", out], None)
    text = out.read_text(encoding="utf-8-sig")
    cells = _cells(text, ";" if "--tableur" in args else ",")
    assert [c for c in cells if c.startswith(FORMULA) and not c.lstrip("-").replace(",", "").isdigit()] == []
    if args[0] == "bilan":  # the hostile commune and programme are there, quoted
        assert "'@SUM(1)" in cells and "'\tTAB" in cells and "'+33 ESCALQUENS" in cells


@pytest.mark.parametrize("tableur", [[], ["--tableur"]])
def test_csv_negative_ecart_stays_a_number(hostile, tableur):
    """The commune's objective is 1 and nothing counts for it in this log: écart -1, a number, not '-1."""
    text = invoke(["evaluate", hostile, "--format", "csv", *tableur], None).output
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";" if tableur else ","))
    commune = next(r for r in rows if "mairie-escalquens" in r or "Commune d'Escalquens" in r)
    assert "-1" in commune and not any(c.startswith("'-") for c in commune)


def test_csv_writer_neutralises_text_not_numbers():
    from engine.report.spreadsheet import csv_text

    assert _cells(csv_text([["=1+1", "-2+3", -3, -3.5, "@x", "\tx", "\rx", "+x", "a-b"]])) == [
        "'=1+1", "'-2+3", "-3", "-3.5", "'@x", "'\tx", "'\nx", "'+x", "a-b"]
    assert _cells(csv_text([[-3, -0.25, "-"]], tableur=True), ";") == ["-3", "-0,25", "'-"]


@pytest.mark.parametrize("verb", ["evaluate", "bilan"])
def test_markdown_escapes_markup_and_pipes(hostile, verb):
    text = invoke([verb, hostile, "--format", "markdown"], None).output
    assert "<img" not in text and "onerror=alert(1)>" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    for line in text.splitlines():
        if "onerror=alert" in line:
            assert "\\|x" in line and "|x" not in line.replace("\\|x", "")  # the name's pipe opens no column


@pytest.mark.parametrize("verb", ["evaluate", "bilan"])
def test_html_escapes_markup(hostile, verb, tmp_path):
    page = tmp_path / "page.html"
    invoke([verb, hostile, "--format", "html", "--output", page], None)
    text = page.read_text(encoding="utf-8")
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


def test_output_replaced_whole_or_kept(monkeypatch, tmp_path):
    """The disk fills up while the new result is written: the previous file stays as it was (exit 2)."""
    import os

    out = tmp_path / "resultat.json"
    out.write_text("ancien résultat\n", encoding="utf-8")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = invoke(["evaluate", EVENTS, "--format", "json", "--output", out], 2)
    assert out.read_text(encoding="utf-8") == "ancien résultat\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["resultat.json"]
    assert "resultat.json" in result.output and "écriture impossible" in result.output


@pytest.mark.parametrize("verb", [["evaluate", EVENTS], ["bilan", EVENTS], ["flux", "--rules", "escalquens-oph31"],
                                  ["compare", EVENTS, "--rules", "escalquens-patrimoine", "--rules",
                                   "scenario-methode-rhone"], ["rules", "show", "haute-garonne"],
                                  ["rules", "schema"]])
def test_output_written_atomically_by_every_verb(verb, tmp_path):
    out = tmp_path / "sortie.txt"
    out.write_text("ancien", encoding="utf-8")
    out.chmod(0o640)
    invoke([*verb, "--output", out], None)
    assert out.read_text(encoding="utf-8") != "ancien" and (out.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sortie.txt"]


@pytest.mark.parametrize("verb", [["evaluate", EVENTS], ["bilan", EVENTS], ["flux", "--rules", "escalquens-oph31"],
                                  ["compare", EVENTS, "--rules", "escalquens-patrimoine", "--rules",
                                   "scenario-methode-rhone"], ["rules", "show", "haute-garonne"],
                                  ["rules", "schema"]])
def test_output_into_a_missing_folder_is_refused_before_evaluating(verb, tmp_path, monkeypatch):
    import engine.pipeline

    def never(*args, **kwargs):
        raise AssertionError("évalué alors que la sortie est impossible")

    monkeypatch.setattr(engine.pipeline, "evaluate_file", never)
    out = tmp_path / "absent" / "sortie.json"
    result = invoke([*verb, "--output", out], 2)
    assert f"{out}: " in result.output and "absent" in result.output and "n'existe pas" in result.output
