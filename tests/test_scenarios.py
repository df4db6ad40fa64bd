"""YAML scenario cases: events and the expected counts, statuses and missed deadlines, computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from engine.pipeline import evaluate_file

HERE = Path(__file__).parent / "scenarios"


def _cases():
    for path in sorted(HERE.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cas"]:
            yield pytest.param(path.stem, doc, case, id=f"{path.stem}-{case['nom']}")


def run_case(doc: dict, case: dict, tmp_path: Path, use_durable: bool = True) -> dict:
    rules = case.get("regles", doc.get("regles"))
    year = case.get("annee", doc.get("annee"))
    log = tmp_path / "journal.jsonl"
    header = {"type": "exercice", "annee": year, "regles": rules}
    if case.get("bailleur", doc.get("bailleur")):
        header["bailleur"] = case.get("bailleur", doc.get("bailleur"))
    lines = [json.dumps(header)]
    lines += [json.dumps(e, ensure_ascii=False) for e in case["evenements"]]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return evaluate_file(log, skip_invalid=True, use_durable=use_durable).result


@pytest.mark.parametrize("stem,doc,case", list(_cases()))
def test_scenario(stem, doc, case, tmp_path):
    result = run_case(doc, case, tmp_path)
    by_id = {r["id"]: r for r in result["reservataires"]}
    for key, expected in case["attendu"].items():
        if key == "evenements":
            for k, v in expected.items():
                assert result["evenements"][k] == v, (k, result["evenements"])
            continue
        assert key in by_id, (key, list(by_id))
        got = by_id[key]
        for field, value in expected.items():
            if field == "obligations":
                obligations = {o["id"]: o for o in got["obligations"]}
                for oid, want in value.items():
                    for k, v in want.items():
                        assert obligations[oid].get(k) == v, (oid, k, obligations[oid])
            elif field == "delais_depasses":
                simplified = [{k: d[k] for k in ("offre", "regle", "echeance", "realise")} for d in got[field]]
                assert sorted(simplified, key=str) == sorted(value, key=str), simplified
            else:
                assert got[field] == value, (field, got[field], value)
