"""What the outputs write (issue 14): no formula or markup injected, files written whole, French words."""

import csv
import errno
import io
import json
import re

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
    invoke([args[0], hostile, "--format", "csv", *args[1:], "--output", out], 0)
    text = out.read_text(encoding="utf-8-sig")
    cells = _cells(text, ";" if "--tableur" in args else ",")
    assert [c for c in cells if c.startswith(FORMULA) and not c.lstrip("-").replace(",", "").isdigit()] == []
    if args[0] == "bilan":  # the hostile commune and programme are there, quoted
        assert "'@SUM(1)" in cells and "'\tTAB" in cells and "'+33 ESCALQUENS" in cells


@pytest.mark.parametrize("tableur", [[], ["--tableur"]])
def test_csv_negative_ecart_stays_a_number(hostile, tableur):
    """The commune's objective is 1 and nothing counts for it in this log: écart -1, a number, not '-1."""
    text = invoke(["evaluate", hostile, "--format", "csv", *tableur], 0).output
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
    text = invoke([verb, hostile, "--format", "markdown"], 0).output
    assert "<img" not in text and "onerror=alert(1)>" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    for line in text.splitlines():
        if "onerror=alert" in line:
            assert "\\|x" in line and "|x" not in line.replace("\\|x", "")  # the name's pipe opens no column


@pytest.mark.parametrize("verb", ["evaluate", "bilan"])
def test_html_escapes_markup(hostile, verb, tmp_path):
    page = tmp_path / "page.html"
    invoke([verb, hostile, "--format", "html", "--output", page], 0)
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


@pytest.mark.parametrize("verb,code", [(["evaluate", EVENTS], 1), (["bilan", EVENTS], 0),
                                       (["flux", "--rules", "escalquens-oph31"], 0),
                                       (["compare", EVENTS, "--rules", "escalquens-patrimoine", "--rules",
                                         "scenario-methode-rhone"], 0), (["rules", "show", "haute-garonne"], 0),
                                       (["rules", "schema"], 0)])
def test_output_written_atomically_by_every_verb(verb, code, tmp_path):
    """``code``: evaluate on the sample exits 1 (the sample misses prioritaires-25 for the département, among others), the others 0."""
    out = tmp_path / "sortie.txt"
    out.write_text("ancien", encoding="utf-8")
    out.chmod(0o640)
    invoke([*verb, "--output", out], code)
    assert out.read_text(encoding="utf-8") != "ancien" and (out.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sortie.txt"]


@pytest.mark.parametrize("verb", [["evaluate", EVENTS], ["bilan", EVENTS], ["flux", "--rules", "escalquens-oph31"],
                                  ["compare", EVENTS, "--rules", "escalquens-patrimoine", "--rules",
                                   "scenario-methode-rhone"], ["rules", "show", "haute-garonne"],
                                  ["rules", "schema"]])
def test_output_into_a_missing_folder_is_refused_before_evaluating(verb, tmp_path, monkeypatch):
    import engine.year.evaluate

    def never(*args, **kwargs):
        raise AssertionError("évalué alors que la sortie est impossible")

    monkeypatch.setattr(engine.year.evaluate, "evaluate_file", never)
    out = tmp_path / "absent" / "sortie.json"
    result = invoke([*verb, "--output", out], 2)
    assert f"{out}: " in result.output and "absent" in result.output and "n'existe pas" in result.output


def test_evaluate_html_is_a_self_contained_page(tmp_path):
    """cli.md lists --format html for evaluate: the bilan's HTML machinery, no network resource."""
    page = tmp_path / "decompte.html"
    invoke(["evaluate", EVENTS, "--format", "html", "--output", page], 1)
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'class="barre"' in text and "Commune d&#x27;Escalquens" in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "respecté" in text and "non atteint" in text and "non_atteint<" not in text


def test_bilan_share_of_freed_dwellings_never_exceeds_100_percent():
    """9 mises à disposition for 7 dwellings freed: the share is the freed dwellings offered at least once
    (7 of 7, O-3 and O-3b on one dwelling count once), not 9 / 7 = 128,57 %; the report says what it is."""
    d = json.loads(invoke(["bilan", EVENTS, "--format", "json"], 0).stdout)
    assert d["ensemble"]["logements_liberes_proposes"] == 7 and d["ensemble"]["part_des_liberations"] == 1
    assert all(0 <= r["part_des_liberations"] <= 1 for r in d["reservataires"])
    commune = next(r for r in d["reservataires"] if r["id"] == "mairie-escalquens")
    assert commune["logements_liberes_proposes"] == 3  # O-1, O-2, O-6 (O-8 is a first letting, outside)
    table = invoke(["bilan", EVENTS], 0).output
    assert "128,57" not in table and "100 %" in table and "proposés au moins une fois" in table
    assert "proposés au moins une fois" in invoke(["bilan", EVENTS, "--format", "markdown"], 0).output


CODES = ("non_atteint", "indetermine", "mise_a_disposition", "non_applicable", "action_logement", "collectivite",
         "est faux", "False", "True", "jours_ouvres", " depasse", " respecte")


@pytest.mark.parametrize("args", [["evaluate", EVENTS], ["evaluate", EVENTS, "--format", "markdown"],
                                  ["evaluate", EVENTS, "--format", "html"], ["bilan", EVENTS],  # evaluate: exit 1
                                  ["bilan", EVENTS, "--format", "markdown"], ["bilan", EVENTS, "--format", "html"],
                                  ["explain", EVENTS, "--offre", "O-6"], ["explain", EVENTS, "--offre", "O-2"],
                                  ["compare", EVENTS, "--rules", "escalquens-patrimoine", "--rules",
                                   "scenario-methode-rhone"],
                                  ["compare", EVENTS, "--rules", "escalquens-patrimoine", "--rules",
                                   "scenario-decompte-au-bail", "--format", "markdown"],
                                  ["compare", EVENTS, "--rules", "escalquens-patrimoine", "--rules",
                                   "scenario-decompte-au-bail", "--format", "html"]])
def test_human_formats_say_codes_in_french(args):
    text = invoke(args, 1 if args[0] == "evaluate" else 0).output  # evaluate: an obligation of the sample is unmet
    if "html" in args:  # what a reader sees, not the CSS classes
        text = re.sub(r"<[^>]*>", " ", re.sub(r"<style>.*?</style>", "", text, flags=re.S))
    assert [c for c in CODES if c in text] == []


def test_json_keeps_the_codes():
    d = json.loads(invoke(["evaluate", EVENTS, "--format", "json"], 1).stdout)
    statuts = {o["statut"] for r in d["reservataires"] for o in r["obligations"]}
    assert {"non_atteint", "indetermine"} <= statuts
    assert "mise_a_disposition" in {r["base_decompte"] for r in d["reservataires"]}


def test_a_ceiling_is_respected_or_exceeded_not_reached():
    """État ≤ 30 % of the flux (sens: maximum): 1 of 7 is « respecté »."""
    for args in (["evaluate", EVENTS], ["evaluate", EVENTS, "--format", "markdown"]):
        text = invoke(args, 1).output
        line = next(x for x in text.splitlines() if "au plus 30 %" in x)
        assert "respecté" in line and "atteint" not in line


def test_thousands_are_separated_in_the_french_way():
    from engine.report.spreadsheet import csv_text, fr_cell

    assert fr_cell("logements_eligibles", 12128) == "12\u202f128" and fr_cell("flux_brut", 12128.5) == "12\u202f128,5"
    assert csv_text([[12128, 12128.5]], tableur=True) == "\ufeff12128;12128,5\r\n"  # a spreadsheet's number


def test_html_text_columns_on_the_left_figures_on_the_right():
    from engine.report import html

    page = html.table(["Obligation", "Part", "Statut"], [["Au moins 25 %", "14,29 %", "non atteint"]])
    assert '<td>Au moins 25 %</td><td class="n">14,29 %</td><td>non atteint</td>' in page
    assert "text-align:left" in html.CSS


def test_compare_table_never_cuts_a_file_line(tmp_path):
    from rich.console import Console

    from engine.report import comparereport

    d = json.loads(invoke(["compare", EVENTS, "--rules", "escalquens-patrimoine", "--rules",
                           "scenario-decompte-au-bail", "--rules", "scenario-methode-rhone", "--format", "json"],
                          0).stdout)
    places = {s["fichier"] for rule in d["regles_differentes"] for s in rule["par_scenario"] if s}
    assert "scenarios/exemple-2024/decompte-au-bail.yaml:12" in places
    for width in (80, 180):
        buf = io.StringIO()
        comparereport.to_table(d, Console(file=buf, width=width))
        text = buf.getvalue()
        assert [p for p in places if p not in text] == [] and "yaml…" not in text


@pytest.mark.parametrize("rules,cited,foreign", [
    ("escalquens-patrimoine", "Convention Escalquens / Patrimoine SA Languedocienne", "Ornex"),
    ("scenario-methode-rhone", "convention type de réservation en flux (DDETS 31)", "Ornex"),
])
def test_bilan_cites_its_own_rule_set_and_names_the_bailleur(rules, cited, foreign):
    d = json.loads(invoke(["bilan", EVENTS, "--rules", rules, "--format", "json"], 0).stdout)
    assert d["sources"][0] == "CCH R441-5-1" and foreign not in d["source"]
    assert any(cited in s for s in d["sources"])
    for args in ([], ["--format", "markdown"], ["--format", "html"]):
        text = invoke(["bilan", EVENTS, "--rules", rules, *args], 0).output
        assert "Bilan annuel 2024 — bailleur « patrimoine-sa-languedocienne »" in text


def test_bilan_of_an_ain_log_cites_the_ain_rules(tmp_path):
    log = tmp_path / "ain.jsonl"
    log.write_text(json.dumps({"type": "exercice", "annee": 2025, "regles": "ornex-alliade-habitat",
                               "bailleur": "alliade-habitat"}) + "\n", encoding="utf-8")
    d = json.loads(invoke(["bilan", log, "--format", "json"], 0).stdout)  # stderr says Ornex applies from June
    assert "Haute-Garonne" not in d["source"] and any("Ornex" in s for s in d["sources"])
    assert d["bailleur"] == "alliade-habitat"


SPREADSHEET_CODES = ("mise_a_disposition", "non_atteint", "non_applicable", "base_decompte", "obligation:",
                     "mairie-escalquens", "logements_eligibles", "taux_rotation", "reservataire;")


@pytest.mark.parametrize("args", [["compare", EVENTS, "--rules", "escalquens-patrimoine", "--rules",
                                   "scenario-decompte-au-bail"],
                                  ["flux", "--inventory", INVENTORY, "--rules", "escalquens-patrimoine"]])
def test_spreadsheet_csv_of_compare_and_flux_says_french_words(args):
    """--tableur is for people, as evaluate's and bilan's: French headers, names and words; numbers stay
    numbers (decimal comma); the plain CSV keeps the codes of the JSON."""
    text = invoke([*args, "--format", "csv", "--tableur"], 0).stdout
    assert [c for c in SPREADSHEET_CODES if c in text] == []
    assert "Commune d'Escalquens" in text
    if args[0] == "compare":
        assert "Base de décompte;mise à disposition;bail;oui" in text and "Obligation : " in text
        assert "non atteint" in text or "atteint" in text
    else:
        assert "Part du flux" in text and ";0,0727;" in text
    plain = invoke([*args, "--format", "csv"], 0).stdout
    assert "mairie-escalquens" in plain


def test_compare_table_puts_text_on_the_left_and_figures_on_the_right():
    from rich.console import Console

    from engine.report import comparereport

    d = json.loads(invoke(["compare", EVENTS, "--rules", "escalquens-patrimoine", "--rules",
                           "scenario-decompte-au-bail", "--format", "json"], 0).stdout)
    buf = io.StringIO()
    comparereport.to_table(d, Console(file=buf, width=200))
    lines = buf.getvalue().splitlines()
    base = [x for x in lines if x.startswith("│ Base de décompte")]
    assert base and all(re.match(r"│ Base de décompte\s+│ (mise à disposition|attribution|bail) ", x) for x in base)
    counted = [x for x in lines if x.startswith("│ Décompte ")]
    assert counted and all(re.match(r"│ Décompte\s+│\s{3,}\d+ │", x) for x in counted)
