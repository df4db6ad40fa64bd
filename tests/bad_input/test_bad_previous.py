"""``--previous RESULT.json``: only last year's ``evaluate`` result is carried over; anything else is
``FILE:LINE: message`` and exit 2, never a traceback."""

import json

import pytest
from typer.testing import CliRunner

from engine.cli import app
from tests.conftest import ROOT, invoke

EVENTS = ROOT / "scenarios" / "exemple-2024" / "evenements.jsonl"


@pytest.fixture(scope="module")
def this_year(tmp_path_factory) -> dict:
    return json.loads(invoke(["evaluate", EVENTS, "--format", "json"], 1).stdout)


def _write(tmp_path, name: str, data) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, indent=2),
                    encoding="utf-8")
    return str(path)


def _last_year(result: dict, **changes) -> dict:
    data = json.loads(json.dumps(result))
    data["exercice"] = 2023
    data.update(changes)
    return data


def _line_of(path: str, text: str) -> int:
    return next(i for i, line in enumerate(open(path, encoding="utf-8"), 1) if text in line)


CASES = {
    "liste": (lambda r: [r], 1, "pas un objet"),
    "objet-quelconque": (lambda r: {"foo": 1}, 1, "« exercice » : champ manquant"),
    "report-en-lettres": (lambda r: _last_year(r, reservataires=[{**r["reservataires"][0], "report_suivant": "trois"}]),
                          '"report_suivant": "trois"', "attendu un nombre entier"),
    "report-negatif": (lambda r: _last_year(r, reservataires=[{**r["reservataires"][0], "report_suivant": -2}]),
                       '"report_suivant": -2', "positif ou nul"),
    "exercice-2019": (lambda r: _last_year(r, exercice=2019), '"exercice": 2019', "attendu 2023"),
    "resultat-de-cette-annee": (lambda r: r, '"exercice": 2024', "l'exercice évalué lui-même"),
    "json-invalide": (lambda r: '{"exercice": 2023,\n "regles": }', 2, "JSON invalide"),
    "bilan": (lambda r: {**_last_year(r), "assiette": {}, "ensemble": {}}, 1, "« flux-rules bilan »"),
}


@pytest.mark.parametrize("verb", ["evaluate", "bilan"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_previous_is_file_line_and_exit_2(tmp_path, this_year, case, verb):
    build, line, words = CASES[case]
    path = _write(tmp_path, f"{case}.json", build(this_year))
    if isinstance(line, str):
        line = _line_of(path, line)
    result = invoke([verb, EVENTS, "--previous", path], 2)
    assert f"{path}:{line}: " in result.output and words in result.output, result.output
    assert "flux-rules evaluate" in result.output  # says what was expected


def test_previous_is_carried_and_said_per_reservataire(tmp_path, this_year):
    data = _last_year(this_year)
    commune = next(r for r in data["reservataires"] if r["id"] == "mairie-escalquens")
    commune["report_suivant"] = 2
    path = _write(tmp_path, "2023.json", data)
    result = CliRunner().invoke(app, ["evaluate", str(EVENTS), "--previous", path, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    out = {r["id"]: r for r in json.loads(result.stdout)["reservataires"]}
    assert out["mairie-escalquens"]["report_anterieur"] == 2 and out["mairie-escalquens"]["ecart"] == 3 - (1 + 2)
    assert "Report repris de l'exercice 2023" in result.stderr
    assert "Commune d'Escalquens (mairie-escalquens) : 2" in result.stderr
    assert "attention" not in result.stderr


def test_previous_under_other_rules_is_said(tmp_path, this_year):
    path = _write(tmp_path, "2023.json", _last_year(this_year, regles="haute-garonne"))
    result = CliRunner().invoke(app, ["evaluate", str(EVENTS), "--previous", path, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    line = _line_of(path, '"regles"')
    assert f"{path}:{line}: attention" in result.stderr and "« haute-garonne »" in result.stderr
    assert "« escalquens-patrimoine »" in result.stderr
