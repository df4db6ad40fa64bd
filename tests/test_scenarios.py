"""YAML scenario cases: events and the expected counts, statuses and missed deadlines, computed by hand.

A case gives ``evenements`` (evaluated as ``flux-rules evaluate`` would) and ``attendu`` per réservataire, or
``flux`` (the options of ``flux-rules flux``) and ``attendu_flux``. ``explication: OFFRE`` adds the trace of one
offer (``flux-rules explain``) checked against ``attendu_explication``; ``precedent`` is last year's result
(``--previous``); ``regles`` may be the path of a scenario file beside the cases (``regles/…``).

Expected values are a subset of the output: a mapping expects its keys, a list of mappings expects each of its
items to match one item of the output. ``delais_depasses`` is the exception: the list of overdue deadlines is
expected whole (each by offer, rule, due date and date done).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from engine.pipeline import evaluate_file
from engine.report.trace import offer_trace
from tests.conftest import invoke

HERE = Path(__file__).parent / "scenarios"
OVERDUE_KEYS = ("offre", "regle", "echeance", "realise")


def _cases():
    cases = []
    for path in sorted(HERE.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cas"]:
            cases.append(pytest.param(path.stem, doc, case, id=f"{path.stem}-{case['nom']}"))
    return cases


def _rules(doc: dict, case: dict) -> str:
    rules = case.get("regles", doc.get("regles"))
    return str(HERE / rules) if rules and rules.endswith((".yaml", ".yml")) else rules


def run_case(doc: dict, case: dict, tmp_path: Path, use_durable: bool = True, keep_offers: bool = False):
    year = case.get("annee", doc.get("annee"))
    log = tmp_path / "journal.jsonl"
    header = {"type": "exercice", "annee": year, "regles": _rules(doc, case)}
    if case.get("bailleur", doc.get("bailleur")):
        header["bailleur"] = case.get("bailleur", doc.get("bailleur"))
    lines = [json.dumps(header)]
    lines += [json.dumps(e, ensure_ascii=False) for e in case["evenements"]]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    evaluation = evaluate_file(log, skip_invalid=True, use_durable=use_durable, previous=case.get("precedent"),
                               stream=not keep_offers)
    return evaluation if keep_offers else evaluation.result


def contains(got, want, where: str = "") -> None:
    """``want`` is a subset of ``got`` (see the module's docstring)."""
    if isinstance(want, dict):
        assert isinstance(got, dict), (where, got)
        for key, value in want.items():
            assert key in got, (f"{where}.{key}", "absent", sorted(got))
            contains(got[key], value, f"{where}.{key}")
    elif isinstance(want, list) and want and all(isinstance(w, dict) for w in want):
        assert isinstance(got, list), (where, got)
        for item in want:
            for candidate in got:
                try:
                    contains(candidate, item, where)
                    break
                except AssertionError:
                    continue
            else:
                raise AssertionError((where, "aucun élément ne correspond", item, got))
    else:
        assert got == want, (where, got, want)


def _check_evaluation(result: dict, attendu: dict) -> None:
    by_id = {r["id"]: r for r in result["reservataires"]}
    for key, expected in attendu.items():
        if key == "evenements":
            contains(result["evenements"], expected, "evenements")
            continue
        assert key in by_id, (key, list(by_id))
        got = by_id[key]
        for field, value in expected.items():
            if field == "obligations":
                obligations = {o["id"]: o for o in got["obligations"]}
                for oid, want in value.items():
                    assert oid in obligations, (oid, list(obligations))
                    contains(obligations[oid], want, f"{key}.obligations.{oid}")
            elif field == "delais_depasses":
                keys = OVERDUE_KEYS + tuple(k for d in value for k in d if k not in OVERDUE_KEYS)
                simplified = [{k: d.get(k) for k in keys if k in d} for d in got[field]]
                wanted = [{k: d.get(k) for k in keys if k in d} for d in value]
                shown = [{k: v for k, v in d.items() if any(k in w for w in wanted) or k in OVERDUE_KEYS}
                         for d in simplified]
                assert sorted(shown, key=str) == sorted(wanted, key=str), (key, simplified)
            elif field == "interpretations":  # the rules whose interpretations its figures rest on
                assert sorted({i["regle"] for i in got[field]}) == sorted(value), (key, got[field])
            else:
                contains(got[field], value, f"{key}.{field}")


def _flux_args(doc: dict, case: dict) -> list:
    options = dict(case["flux"])
    args = ["flux", "--format", "json", "--rules", _rules(doc, case)]
    if case.get("annee", doc.get("annee")):
        args += ["--year", case.get("annee", doc.get("annee"))]
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            args.append(flag)
        elif isinstance(value, list):
            for v in value:
                args += [flag, v]
        else:
            args += [flag, value]
    return args


@pytest.mark.parametrize("stem,doc,case", _cases())
def test_scenario(stem, doc, case, tmp_path):
    if "flux" in case:
        result = json.loads(invoke(_flux_args(doc, case), None).output)
        contains(result, case["attendu_flux"], "flux")
        return
    evaluation = run_case(doc, case, tmp_path, keep_offers=True)  # every record in memory, as explain reads it
    _check_evaluation(evaluation.result, case.get("attendu", {}))
    _check_evaluation(run_case(doc, case, tmp_path), case.get("attendu", {}))  # the two passes over the file
    if "explication" in case:
        contains(offer_trace(evaluation, case["explication"]), case["attendu_explication"], "explication")
