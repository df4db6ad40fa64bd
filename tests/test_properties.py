"""Properties: order and junk must not change the answer; durable_rules and plain Python agree."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.year.evaluate import evaluate_file
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
    assert decider.matcher.durable is not None  # durable_rules decides by default: the comparison is not vacuous
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
    assert decider.durable_calls == 1


# Laws on generated logs: a few offers of a few dwellings under Escalquens / Patrimoine, each offer's records on
# strictly increasing dates (records of one day keep their file order, events.md: only then is the order free),
# the offers of one dwelling on distinct days, households and dwellings with fields left out (unknown).
RESERVATAIRES = ["commune", "etat", "PREFECTURE PRIORITAIRE", "ACTION LOGEMENT", "CONSEIL GENERAL", "inconnu"]
GENERATED_HEADER = json.dumps({"type": "exercice", "annee": 2024, "regles": "escalquens-patrimoine"})
START = dt.date(2024, 1, 8)


def _maybe(draw, value_strategy):
    """A value, or the field left out (None: the caller drops it)."""
    return draw(st.none() | value_strategy)


def _without_none(record: dict) -> dict:
    return {k: v for k, v in record.items() if v is not None}


@st.composite
def generated_logs(draw) -> list[dict]:
    """The records of a small year, valid against the life cycle (the laws are about figures, not rejections)."""
    records: list[dict] = []
    day = START.toordinal()
    n_dwellings = draw(st.integers(1, 3))
    for d in range(n_dwellings):
        logement = f"L{d}"
        if draw(st.booleans()):
            records.append(_without_none({"type": "liberation", "date": day + d, "logement": logement,
                                          "zone": _maybe(draw, st.sampled_from(["tendue", "detendue"])),
                                          "preavis_mois": _maybe(draw, st.sampled_from([1, 3]))}))
        opened = day + d + draw(st.integers(1, 30))
        for k in range(draw(st.integers(1, 2))):
            oid = f"O-{d}-{k}"
            t = opened
            if k and draw(st.booleans()):  # a new notice between two offers of the dwelling: a new vacancy
                records.append({"type": "liberation", "date": t - draw(st.integers(1, 20)), "logement": logement})
            mad = {"type": "mise_a_disposition", "date": t, "offre": oid, "logement": logement,
                   "reservataire": draw(st.sampled_from(RESERVATAIRES)),
                   "zone": _maybe(draw, st.sampled_from(["tendue", "detendue"])),
                   "neuf": _maybe(draw, st.booleans())}
            if draw(st.booleans()):
                mad["logement_info"] = _without_none({"qpv": _maybe(draw, st.booleans())})
            records.append(_without_none(mad))
            opened += draw(st.integers(40, 120))  # the next offer of this dwelling, another day
            ending = draw(st.sampled_from(["rien", "candidats", "caleol", "bail", "reprise", "impossibilite"]))
            if ending == "rien":
                continue
            if ending == "impossibilite":
                t += draw(st.integers(1, 12))
                records.append({"type": "impossibilite", "date": t, "offre": oid})
                t += draw(st.integers(1, 5))
                records.append(_without_none({"type": "reprise", "date": t, "offre": oid, "motif": "impossibilite",
                                              "imputer_au_reservataire": _maybe(draw, st.booleans())}))
                continue
            menages = []
            for m in range(draw(st.integers(1, 3))):
                menages.append(_without_none({"id": f"M-{oid}-{m}", "dalo": _maybe(draw, st.booleans()),
                                              "prioritaire": _maybe(draw, st.booleans()),
                                              "quartile": _maybe(draw, st.integers(1, 4)),
                                              "salarie": _maybe(draw, st.booleans())}))
            t += draw(st.integers(1, 25))
            records.append(_without_none({"type": "candidats", "date": t, "offre": oid, "menages": menages,
                                          "source": _maybe(draw, st.just("bailleur"))}))
            if ending == "candidats":
                continue
            if ending == "reprise":
                t += draw(st.integers(1, 40))
                records.append({"type": "reprise", "date": t, "offre": oid,
                                "motif": draw(st.sampled_from(["delai_depasse", "refus_tous", "autre"]))})
                continue
            t += draw(st.integers(1, 20))
            attributed = []
            for rank, m in enumerate(menages, start=1):
                decision = draw(st.sampled_from(["attribution", "attribution_sous_condition", "non_attribution"]))
                records.append(_without_none({"type": "caleol", "date": t, "offre": oid, "menage": m["id"],
                                              "decision": decision, "rang": _maybe(draw, st.just(rank))}))
                if decision != "non_attribution":
                    attributed.append(m["id"])
            answered = []
            for mid in attributed:
                answer = draw(st.sampled_from(["silence", "acceptation", "refus"]))
                if answer != "silence":
                    t += draw(st.integers(1, 15))
                    records.append(_without_none({"type": "reponse", "date": t, "offre": oid, "menage": mid,
                                                  "reponse": answer,
                                                  "adaptee": _maybe(draw, st.booleans())}))
                    if answer == "acceptation":
                        answered.append(mid)
            if ending == "bail" and answered:
                t += draw(st.integers(1, 30))
                records.append({"type": "bail", "date": t, "offre": oid, "menage": answered[0]})
    for r in records:
        r["date"] = dt.date.fromordinal(r["date"]).isoformat()
    return records


@functools.cache
def _ruleset(name: str):
    from engine.ruleset.inherit import load_ruleset

    return load_ruleset(name)


def _evaluate_records(tmp: Path, records: list[dict]) -> dict:
    """``evaluate_file`` on the records (in any order), the rule set parsed once for the whole module (a rule
    set is read-only; parsing every layer takes half a second)."""
    with mock.patch("engine.year.evaluate.load_ruleset", _ruleset):
        return _run(tmp, [GENERATED_HEADER] + [json.dumps(r, ensure_ascii=False) for r in records])


def _without_counts(result: dict) -> dict:
    """The result without how many records were read (a cancelled record and its annulation are read)."""
    return {k: v for k, v in result.items() if k != "evenements"} | {"rejets": result["evenements"]["rejets"]}


def _share(result: dict, rid: str, ob_id: str) -> tuple | None:
    """(low, high) of an obligation's share (its bounds when some data is unknown), None without a denominator."""
    entry = next((r for r in result["reservataires"] if r["id"] == rid), None)
    ob = next((o for o in (entry or {}).get("obligations", []) if o["id"] == ob_id), None)
    if ob is None or ob["statut"] == "non_applicable":
        return None
    if "bornes" in ob:
        return tuple(ob["bornes"])
    return (ob["valeur"], ob["valeur"])


LAWS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])


@LAWS
@given(generated_logs(), st.booleans(), st.sampled_from(["tendue", "detendue", None]))
def test_a_priority_attribution_added_to_a_generated_log_never_lowers_the_priority_share(
        tmp_path_factory, records, dalo, zone):
    """CCH L441-1 (25 % of attributions to DALO, else priority households): one more attribution to a priority
    household can only raise the share, whatever else the log holds and leaves unknown."""
    tmp = tmp_path_factory.mktemp("loi-prio")
    before = _share(_evaluate_records(tmp, records), "mairie-escalquens", "prioritaires-25")
    extra = [_without_none({"type": "mise_a_disposition", "date": "2024-06-03", "offre": "P-1", "logement": "LP",
                            "reservataire": "commune", "zone": zone}),
             {"type": "candidats", "date": "2024-06-05", "offre": "P-1",
              "menages": [{"id": "MP-1", "dalo": True} if dalo else {"id": "MP-1", "prioritaire": True}]},
             {"type": "caleol", "date": "2024-06-20", "offre": "P-1", "menage": "MP-1", "decision": "attribution"}]
    after = _share(_evaluate_records(tmp, records + extra), "mairie-escalquens", "prioritaires-25")
    assert after is not None
    if before is None:
        assert after == (1.0, 1.0)
    else:
        assert after[0] >= before[0] and after[1] >= before[1], (before, after)


@LAWS
@given(generated_logs(), st.data())
def test_a_cancelled_record_changes_nothing_compared_with_leaving_it_out(tmp_path_factory, records, data):
    """events.md, « annulation »: the cancelled record does not count. The log with one of its records cancelled
    (given an id, an annulation written at the end of the file) gives the figures of the log without that record."""
    tmp = tmp_path_factory.mktemp("loi-annulation")
    at = data.draw(st.integers(0, len(records) - 1))
    without = records[:at] + records[at + 1:]
    target = {**records[at], "id": "annule-1"}
    cancelled = records[:at] + without[at:] + [target, {"type": "annulation", "date": target["date"],
                                                      "cible": "annule-1", "motif": "saisie par erreur"}]
    # the kept records stay on their lines (rejections name lines): the target moves to the end of the file
    assert _without_counts(_evaluate_records(tmp, cancelled)) == _without_counts(_evaluate_records(tmp, without))


@LAWS
@given(generated_logs(), st.randoms(use_true_random=False))
def test_generated_records_in_any_order_give_the_same_result(tmp_path_factory, records, rnd):
    """events.md: records are evaluated in date order, whatever the file order."""
    tmp = tmp_path_factory.mktemp("loi-ordre")
    assert _evaluate_records(tmp, _shuffled_keeping_each_day(records, rnd)) == _evaluate_records(tmp, records)


def _shuffled_keeping_each_day(records: list[dict], rnd) -> list[dict]:
    """The records in a random file order in which the records of one day keep their order (events.md: « stable
    for equal dates: file order », so that order is part of the log)."""
    places = list(range(len(records)))
    rnd.shuffle(places)
    by_day: dict[str, list[int]] = {}
    for i in sorted(range(len(records)), key=places.__getitem__):
        by_day.setdefault(records[i]["date"], []).append(i)
    out: list[dict | None] = [None] * len(records)
    for day, shuffled_positions in by_day.items():
        kept = [i for i in range(len(records)) if records[i]["date"] == day]  # their order in the file
        for position, i in zip(sorted(places[j] for j in shuffled_positions), kept, strict=True):
            out[position] = records[i]
    return out
