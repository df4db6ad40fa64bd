"""One broken event log per kind of invalid record: FILE:LINE and exit 2; --skip-invalid keeps the count."""

import json
from pathlib import Path

import pytest

from tests.conftest import invoke

HERE = Path(__file__).parent / "events"

CASES = [
    ("json-invalide.jsonl", 3, "JSON invalide"),
    ("champ-absent.jsonl", 3, "champ obligatoire « menage » absent"),
    ("mauvais-type.jsonl", 3, "« logement » : attendu une chaîne"),
    ("type-inconnu.jsonl", 3, "type inconnu « proposition »"),
    ("date-invalide.jsonl", 3, "date invalide « 2024-02-30 »"),
    ("id-en-double.jsonl", 3, "identifiant « m » en double (déjà ligne 2)"),
    ("menage-invalide.jsonl", 3, "« quartile » attendu 1, 2, 3 ou 4"),
    ("valeur-non-reconnue.jsonl", 5, "« decision » : valeur « acceptee » non reconnue"),
]


@pytest.mark.parametrize("name,line,words", CASES, ids=[c[0] for c in CASES])
def test_invalid_record_exits_2_with_file_line(name, line, words):
    path = HERE / name
    result = invoke(["evaluate", path, "--format", "json"], 2)
    assert f"{name}:{line}: " in result.output and words in result.output, result.output


@pytest.mark.parametrize("name,line,words", CASES, ids=[c[0] for c in CASES])
def test_skip_invalid_reports_every_rejected_line(name, line, words):
    result = invoke(["evaluate", HERE / name, "--format", "json", "--skip-invalid"], 0)
    data = json.loads(result.output)
    ev = data["evenements"]
    assert ev["lus"] == ev["evalues"] + ev["rejetes"] == 3
    assert [r["ligne"] for r in ev["rejets"]] == [line]
