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


def test_durable_rules_and_plain_python_agree_on_the_sample_and_the_shipped_cases(tmp_path):
    assert _essential(_run(tmp_path, [HEADER] + BODY, True)) == _essential(_run(tmp_path, [HEADER] + BODY, False))
    from engine.cases import files
    from engine.cases.run import Runner

    runner = Runner()
    for path in files.find([], [ROOT / "rules", ROOT / "scenarios"]):
        loaded = files.load(path)
        for i, case in enumerate(loaded.model.cas):
            if case.flux is not None:
                continue
            ruleset = runner.ruleset(case.regles or loaded.model.regles, loaded.path.parent)
            args = (case, ruleset, case.exercice or loaded.model.exercice, case.bailleur or loaded.model.bailleur,
                    loaded, i)
            durable = runner._evaluate(*args, use_durable=True)[0].result
            plain = runner._evaluate(*args, use_durable=False)[0].result
            assert _essential(durable) == _essential(plain), case.nom


# Each field a counting rule can read: its values, and None (unknown) for every one of them.
FACT_VALUES = {
    "offre.base": ["mise_a_disposition", "attribution", "bail"],
    "offre.reprise_motif": ["", "delai_depasse", "impossibilite", "refus_tous", "autre"],
    "offre.nb_candidats": [0, 1, 2, 3], "offre.refus": [0, 1, 2, 3], "offre.refus_adaptes": [0, 1, 2],
    "offre.zone": ["tendue", "detendue"], "offre.preavis_mois": [1, 3],
    "offre.relogement": ["anru", "orcod", "lhi"],
    "reservataire.id": ["etat", "etat-prioritaires", "etat-fonctionnaires", "mairie-escalquens", "x"],
    "reservataire.type": ["etat", "collectivite", "departement", "action_logement", "bailleur", "autre"],
    "reservataire.mode_gestion": ["directe", "deleguee"], "reservataire.partie_de": ["", "etat"],
}


def _fact(name: str):
    return st.none() | st.sampled_from(FACT_VALUES.get(name, [True, False]))


@FAST
@given(st.sampled_from(["haute-garonne", "escalquens-oph31", "toulouse-metropole-flourens", "rhone",
                        "ornex-alliade-habitat"]),
       st.lists(st.fixed_dictionaries({name: _fact(name) for name in sorted(
           {*FACT_VALUES, "offre.mise_a_disposition", "offre.attribuee", "offre.bail", "offre.neuf", "offre.reprise",
            "offre.imputer_au_reservataire", "offre.impossibilite", "offre.deja_compte_vacance"})}),
                min_size=1, max_size=30))
def test_durable_decisions_equal_plain_python_decisions(layer, facts_list):
    """One meaning of « unknown »: a missing value (None) in any field a rule reads gives durable_rules the
    decision of the plain three-valued evaluator (no rule fires on an unknown comparison)."""
    import datetime as dt

    from engine.counting.decide import Decider
    from engine.ruleset.inherit import load_ruleset

    decider = Decider(load_ruleset(layer), dt.date(2025, 12, 31))
    assert set(decider.fields) <= {*FACT_VALUES, "offre.mise_a_disposition", "offre.attribuee", "offre.bail",
                                   "offre.neuf", "offre.reprise", "offre.imputer_au_reservataire",
                                   "offre.impossibilite", "offre.deja_compte_vacance"}, decider.fields
    for facts in facts_list:
        decider.matcher.cache.clear()
        assert decider.decide(facts) == decider.decide_plain(facts), facts


def test_an_unknown_value_never_matches_a_negated_comparison():
    """durable_rules saw a missing field as "" so that « different » matched it; the plain evaluator says
    unknown. OPH 31's new-programme rule (type ≠ action_logement) must not fire when the type is unknown."""
    import datetime as dt

    from engine.counting.decide import Decider
    from engine.ruleset.inherit import load_ruleset

    decider = Decider(load_ruleset("escalquens-oph31"), dt.date(2024, 12, 31))
    facts = {"offre.neuf": True, "reservataire.type": None, "offre.base": "bail", "offre.bail": True,
             "offre.mise_a_disposition": True}
    assert decider.decide_plain(facts).regle_id != "decompte-programme-neuf-hors-flux"
    assert decider.decide(facts).regle_id == decider.decide_plain(facts).regle_id
