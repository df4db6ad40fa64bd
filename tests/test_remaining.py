"""What it still takes (engine/checks/remaining.py): the closed forms against a brute-force search, and on
generated logs, ``reste_a_faire`` attributions of the right kind meet the obligation while one fewer does not."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.checks.remaining import needed_maximum, needed_minimum, room_maximum
from engine.ruleset.inherit import load_ruleset
from engine.year.evaluate import evaluate_file

RATES = st.fractions(min_value=0, max_value=1, max_denominator=20)
COUNTS = st.integers(min_value=0, max_value=40)
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@settings(max_examples=400, deadline=None)
@given(COUNTS, COUNTS, RATES)
def test_needed_minimum_is_the_smallest_k(n, extra, target):
    d = n + extra
    k = needed_minimum(n, d, target)
    meets = [j for j in range(0, 2000) if d + j > 0 and Fraction(n + j, d + j) >= target]
    assert k == (meets[0] if meets else None)


@settings(max_examples=400, deadline=None)
@given(COUNTS, COUNTS, RATES)
def test_room_maximum_is_the_largest_k(n, extra, cap):
    d = n + extra
    k = room_maximum(n, d, cap)
    if cap >= 1:
        assert k is None
        return
    within = [j for j in range(0, 2000) if d + j > 0 and Fraction(n + j, d + j) <= cap]
    assert k == (within[-1] if within else 0)
    if within:
        assert Fraction(n + k + 1, d + k + 1) > cap


@settings(max_examples=400, deadline=None)
@given(COUNTS, COUNTS, RATES)
def test_needed_maximum_is_the_smallest_j(n, extra, cap):
    d = n + extra
    j = needed_maximum(n, d, cap)
    if d == 0:  # no share yet: nothing to bring under the cap
        assert j == 0
        return
    under = [i for i in range(0, 2000) if d + i > 0 and Fraction(n, d + i) <= cap]
    assert j == (under[0] if under else None)


RULES = "escalquens-patrimoine"
START = dt.date(2024, 1, 8)


def _offer(oid: str, res: str, day: dt.date, menage: dict, lease: bool) -> list[dict]:
    lines = [{"type": "mise_a_disposition", "date": day, "offre": oid, "logement": f"L-{oid}", "reservataire": res,
              "zone": "tendue", "logement_info": {"qpv": False}},
             {"type": "candidats", "date": day + dt.timedelta(days=3), "offre": oid, "menages": [menage],
              **({"source": "bailleur"} if res == "PREFECTURE" else {})},
             {"type": "caleol", "date": day + dt.timedelta(days=10), "offre": oid, "menage": menage["id"],
              "decision": "attribution"},
             {"type": "reponse", "date": day + dt.timedelta(days=12), "offre": oid, "menage": menage["id"],
              "reponse": "acceptation"}]
    if lease:
        lines.append({"type": "bail", "date": day + dt.timedelta(days=20), "offre": oid, "menage": menage["id"]})
    return lines


def _evaluate(tmp: Path, records: list[dict], au: dt.date) -> dict:
    path = tmp / "j.jsonl"
    header = {"type": "exercice", "annee": 2024, "regles": RULES}
    path.write_text("\n".join(json.dumps(r, default=str) for r in [header, *records]) + "\n", encoding="utf-8")
    evaluation = evaluate_file(path, load_ruleset(RULES), 2024, use_durable=False, au=au)
    assert not evaluation.log.problems
    return evaluation.result


def _obligation(result: dict, rid: str, ob_id: str) -> dict:
    entry = next(r for r in result["reservataires"] if r["id"] == rid)
    return next(o for o in entry["obligations"] if o["id"] == ob_id)


OFFERS = st.lists(st.tuples(st.integers(min_value=0, max_value=330), st.booleans(), st.booleans(),
                            st.integers(min_value=1, max_value=4)), min_size=1, max_size=12)
AU = st.integers(min_value=240, max_value=358).map(lambda d: dt.date(2024, 1, 1) + dt.timedelta(days=d))


def _log(offers) -> list[dict]:
    records = []
    for i, (offset, priority, lease, quartile) in enumerate(offers):
        menage = {"id": f"M-{i}", "prioritaire": priority, "quartile": quartile}
        records += _offer(f"O-{i}", "MAIRIE ESCALQUENS", START + dt.timedelta(days=offset), menage, lease)
    return records


def _added(count: int, au: dt.date, menage: dict, res: str = "MAIRIE ESCALQUENS", lease: bool = False) -> list:
    day = au - dt.timedelta(days=30)  # every record of the added offers known on ``au``
    return [r for i in range(count) for r in _offer(f"N-{i}", res, day, {**menage, "id": f"N-{i}"}, lease)]


@FAST
@given(OFFERS, AU)
def test_reste_a_faire_priority_attributions_meet_the_share_and_one_fewer_does_not(tmp_path_factory, offers, au):
    tmp = tmp_path_factory.mktemp("reste")
    records = _log(offers)
    ob = _obligation(_evaluate(tmp, records, au), "mairie-escalquens", "prioritaires-25")
    if ob["statut"] == "non_applicable":
        assert ob["reste_a_faire"] is None
        return
    k = ob["reste_a_faire"]
    assert isinstance(k, int) and k >= 0
    assert (k == 0) == (ob["statut"] == "atteint")
    kind = {"prioritaire": True, "quartile": 2}
    after = _obligation(_evaluate(tmp, records + _added(k, au, kind), au), "mairie-escalquens", "prioritaires-25")
    assert after["statut"] == "atteint" and after["reste_a_faire"] == 0
    assert after["numerateur"] == ob["numerateur"] + k and after["denominateur"] == ob["denominateur"] + k
    if k > 0:
        fewer = _obligation(_evaluate(tmp, records + _added(k - 1, au, kind), au), "mairie-escalquens",
                            "prioritaires-25")
        assert fewer["statut"] == "non_atteint" and fewer["reste_a_faire"] == 1


@FAST
@given(OFFERS, AU)
def test_reste_a_faire_first_quartile_leases_meet_the_share_and_one_fewer_does_not(tmp_path_factory, offers, au):
    tmp = tmp_path_factory.mktemp("quartile")
    records = _log(offers)
    ob_id = "premier-quartile-hors-qpv-25"
    ob = _obligation(_evaluate(tmp, records, au), "mairie-escalquens", ob_id)
    if ob["statut"] == "non_applicable":
        return
    k = ob["reste_a_faire"]
    kind = {"prioritaire": False, "quartile": 1}
    after = _obligation(_evaluate(tmp, records + _added(k, au, kind, lease=True), au), "mairie-escalquens", ob_id)
    assert after["statut"] == "atteint"
    if k > 0:
        fewer = _obligation(_evaluate(tmp, records + _added(k - 1, au, kind, lease=True), au), "mairie-escalquens",
                            ob_id)
        assert fewer["statut"] == "non_atteint"


@FAST
@given(st.integers(min_value=0, max_value=3), st.integers(min_value=1, max_value=14), AU)
def test_marge_state_offers_stay_under_the_ceiling_and_one_more_does_not(tmp_path_factory, state, commune, au):
    tmp = tmp_path_factory.mktemp("plafond")
    records = [r for i in range(state) for r in _offer(f"E-{i}", "PREFECTURE", START + dt.timedelta(days=7 * i),
                                                       {"id": f"ME-{i}"}, False)]
    records += [r for i in range(commune) for r in _offer(f"C-{i}", "MAIRIE ESCALQUENS",
                                                          START + dt.timedelta(days=5 * i), {"id": f"MC-{i}"}, False)]
    ob = _obligation(_evaluate(tmp, records, au), "etat", "etat-plafond-30") if state else None
    if ob is None:
        return
    room = ob["marge"]
    if ob["statut"] == "non_atteint":
        assert room == 0 and ob["reste_a_faire"] > 0
        return
    kept = _obligation(_evaluate(tmp, records + _added(room, au, {}, "PREFECTURE"), au), "etat", "etat-plafond-30")
    assert kept["statut"] == "atteint" and kept["marge"] == 0
    over = _obligation(_evaluate(tmp, records + _added(room + 1, au, {}, "PREFECTURE"), au), "etat",
                       "etat-plafond-30")
    assert over["statut"] == "non_atteint"


def test_au_on_31_december_gives_the_full_year_figures(tmp_path):
    from tests.conftest import ROOT

    sample = ROOT / "scenarios" / "exemple-2024" / "evenements.jsonl"
    lines = [line for line in sample.read_text(encoding="utf-8").splitlines() if line.strip() and line[:2] != "//"]
    dates = [json.loads(line).get("date", "") for line in lines]
    assert max(dates) <= "2024-12-31"  # else the two would rightly differ
    ruleset = load_ruleset("escalquens-patrimoine")
    full = evaluate_file(sample, ruleset, 2024, keep_offers=False).result
    dated = evaluate_file(sample, ruleset, 2024, au=dt.date(2024, 12, 31)).result
    assert dated.pop("au") == "2024-12-31"
    assert dated["evenements"].pop("posterieurs") == 0
    for entry in dated["reservataires"]:
        entry.pop("prorata")
        entry.pop("echeances_ouvertes")
    assert dated == full


def test_records_after_au_are_counted_not_lost(tmp_path):
    records = _log([(10, True, True, 1), (200, False, True, 2), (300, True, False, 3)])
    result = _evaluate(tmp_path, records, dt.date(2024, 9, 1))
    ev = result["evenements"]
    later = sum(1 for r in records if r["date"] > dt.date(2024, 9, 1))
    assert later > 0 and ev["posterieurs"] == later
    assert ev["lus"] == ev["evalues"] + ev["rejetes"] + ev["posterieurs"] == len(records) + 1
