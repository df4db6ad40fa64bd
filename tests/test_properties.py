"""Properties: order and junk must not change the answer; durable_rules and plain Python agree."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.pipeline import evaluate_file
from tests.conftest import ROOT

SAMPLE = ROOT / "scenarios" / "exemple-2024" / "evenements.jsonl"
LINES = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("//")]
HEADER, BODY = LINES[0], LINES[1:]
FAST = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _run(tmp_path: Path, lines: list[str], use_durable: bool = True) -> dict:
    path = tmp_path / "j.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return evaluate_file(path, skip_invalid=True, use_durable=use_durable).result


def _essential(result: dict) -> list:
    keep = ("id", "mises_a_disposition", "attributions", "baux", "refus", "decompte", "ecart", "report_suivant")
    return [({k: r[k] for k in keep}, sorted((o["id"], o["statut"], o.get("numerateur"), o.get("denominateur"))
                                             for o in r["obligations"]),
             sorted((d["offre"], d["regle"], d["echeance"]) for d in r["delais_depasses"]))
            for r in result["reservataires"]]


BASELINE = None


@FAST
@given(st.permutations(BODY))
def test_file_order_does_not_change_the_result(tmp_path_factory, order):
    tmp = tmp_path_factory.mktemp("ordre")
    global BASELINE
    if BASELINE is None:
        BASELINE = _essential(_run(tmp, [HEADER] + BODY))
    assert _essential(_run(tmp, [HEADER] + list(order))) == BASELINE


@FAST
@given(st.lists(st.sampled_from(["{pas du json", '{"type": "inconnu", "date": "2024-01-01"}', "[1, 2]",
                                 '{"type": "bail", "date": "2024-13-01", "offre": "O-1", "menage": "M-1"}',
                                 '{"type": "bail", "date": "2024-05-01", "offre": "O-404", "menage": "M-1"}']),
                max_size=6), st.randoms(use_true_random=False))
def test_records_read_equal_evaluated_plus_rejected(tmp_path_factory, junk, rnd):
    lines = BODY + junk
    rnd.shuffle(lines)
    result = _run(tmp_path_factory.mktemp("lus"), [HEADER] + lines)
    ev = result["evenements"]
    assert ev["lus"] == ev["evalues"] + ev["rejetes"] == len(lines) + 1
    assert ev["rejetes"] == len(junk) == len(ev["rejets"])


def _priority_share(result: dict) -> float:
    entry = next(r for r in result["reservataires"] if r["id"] == "mairie-escalquens")
    ob = next(o for o in entry["obligations"] if o["id"] == "prioritaires-25")
    return ob["numerateur"] / ob["denominateur"]


@FAST
@given(st.integers(min_value=1, max_value=4), st.booleans())
def test_adding_a_priority_attribution_never_lowers_the_priority_share(tmp_path_factory, count, dalo):
    tmp = tmp_path_factory.mktemp("prio")
    before = _priority_share(_run(tmp, [HEADER] + BODY))
    extra = []
    for i in range(count):
        oid = f"P-{i}"
        extra += [json.dumps({"type": "mise_a_disposition", "date": "2024-08-01", "offre": oid, "logement": f"X{i}",
                              "reservataire": "mairie-escalquens", "zone": "tendue"}),
                  json.dumps({"type": "candidats", "date": "2024-08-05", "offre": oid,
                              "menages": [{"id": f"MP-{i}", "dalo": dalo, "prioritaire": True}]}),
                  json.dumps({"type": "caleol", "date": "2024-08-20", "offre": oid, "menage": f"MP-{i}",
                              "decision": "attribution"})]
    assert _priority_share(_run(tmp, [HEADER] + BODY + extra)) >= before


def test_durable_rules_and_plain_python_agree_on_the_sample_and_scenarios(tmp_path):
    assert _essential(_run(tmp_path, [HEADER] + BODY, True)) == _essential(_run(tmp_path, [HEADER] + BODY, False))
    import yaml

    from tests.test_scenarios import HERE, run_case
    for path in sorted(HERE.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cas"]:
            if "evenements" in case:
                assert _essential(run_case(doc, case, tmp_path, True)) == _essential(run_case(doc, case, tmp_path,
                                                                                              False))


@FAST
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.sampled_from(["", "delai_depasse", "impossibilite",
                                                                        "refus_tous", "autre"]),
                          st.booleans(), st.sampled_from(["mise_a_disposition", "attribution", "bail"]),
                          st.sampled_from(["etat", "collectivite", "action_logement", "bailleur"]),
                          st.integers(0, 3), st.booleans()), min_size=1, max_size=30))
def test_durable_decisions_equal_plain_python_decisions(facts_list):
    import datetime as dt

    from engine.counting.decide import Decider
    from engine.ruleset.inherit import load_ruleset

    rs = load_ruleset("haute-garonne")
    decider = Decider(rs, dt.date(2024, 12, 31))
    for attribuee, bail, motif, neuf, base, rtype, refus, imputer in facts_list:
        facts = {"offre.base": base, "offre.mise_a_disposition": True, "offre.attribuee": attribuee,
                 "offre.bail": bail, "offre.neuf": neuf, "offre.reprise": motif != "", "offre.reprise_motif": motif,
                 "offre.imputer_au_reservataire": imputer, "offre.impossibilite": motif == "impossibilite",
                 "offre.nb_candidats": 3, "offre.refus": refus, "offre.refus_adaptes": refus // 2,
                 "offre.deja_compte_vacance": False, "offre.zone": "tendue", "offre.preavis_mois": 1,
                 "reservataire.id": "x", "reservataire.type": rtype, "reservataire.mode_gestion": "directe",
                 "reservataire.partie_de": ""}
        assert decider.decide(facts) == decider.decide_plain(facts)
