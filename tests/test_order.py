"""The same records in any file order give the same result, records of one day included (issue 14, item 6).

Records of one day are evaluated in the order of the life cycle (``engine.inputs.events.RANK``), then by id,
then by content; a dwelling's offers of one day by offer id; an unknown réservataire is met at its first
opening; every list of the output is sorted on a full key. One process or several sharing the work, the
result is the same.
"""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine.cli import app
from engine.year.evaluate import evaluate_file

HEADER = {"type": "exercice", "annee": 2024, "regles": "haute-garonne"}


def _write(path, records):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [HEADER, *records]) + "\n",
                    encoding="utf-8")
    return path


def _json(path) -> str:
    """The JSON of a log whose obligations may or may not be met: exit 0 or 1, said by the JSON compared."""
    result = CliRunner().invoke(app, ["evaluate", str(path), "--format", "json"])
    assert result.exit_code in (0, 1), (result.exit_code, result.output, result.exception)
    return result.stdout


def test_caleol_reponse_and_bail_of_one_day_in_either_file_order(tmp_path):
    """Before: the lease written before the CALEOL decision of the same day was rejected (« sans attribution »),
    the counts changed with the order of the lines."""
    day = "2024-04-02"
    records = [
        {"type": "mise_a_disposition", "date": "2024-03-04", "offre": "O-1", "logement": "0031004477",
         "reservataire": "mairie-escalquens"},
        {"type": "candidats", "date": "2024-03-10", "offre": "O-1", "menages": [{"id": "M-1"}, {"id": "M-2"}]},
        {"type": "caleol", "date": day, "offre": "O-1", "menage": "M-1", "decision": "attribution"},
        {"type": "reponse", "date": day, "offre": "O-1", "menage": "M-1", "reponse": "acceptation"},
        {"type": "bail", "date": day, "offre": "O-1", "menage": "M-1"},
    ]
    ahead = _write(tmp_path / "a.jsonl", records)
    back = _write(tmp_path / "b.jsonl", records[:2] + records[:1:-1])
    outputs = {_json(ahead), _json(back)}
    assert len(outputs) == 1
    result = json.loads(outputs.pop())
    assert result["evenements"]["rejetes"] == 0 and result["reservataires"][0]["baux"] == 1
    for path in (ahead, back):
        assert evaluate_file(path).result == evaluate_file(path, keep_offers=False, workers=2).result == result


def test_overdue_deadlines_of_one_offer_do_not_follow_the_order_of_the_households(tmp_path):
    """Two attributed households that never answer: the two overdue answers are listed in one order."""
    base = [{"type": "mise_a_disposition", "date": "2024-03-04", "offre": "O-1", "logement": "0031004477",
             "reservataire": "mairie-escalquens"}]
    menages = [{"id": "M-2"}, {"id": "M-1"}]
    caleol = [{"type": "caleol", "date": "2024-05-02", "offre": "O-1", "menage": m["id"], "decision": "attribution"}
              for m in menages]
    one = _write(tmp_path / "a.jsonl", base + [{"type": "candidats", "date": "2024-04-20", "offre": "O-1",
                                                "menages": menages}] + caleol)
    other = _write(tmp_path / "b.jsonl", base + [{"type": "candidats", "date": "2024-04-20", "offre": "O-1",
                                                  "menages": menages[::-1]}] + caleol[::-1])
    assert _json(one) == _json(other)


def test_two_spellings_of_an_unknown_reservataire_take_the_type_of_the_first_opening(tmp_path):
    """« Bailleur X » (etat) and « bailleur x » (collectivite) are one unknown réservataire: its type is that of
    its first opening, not of the first line of the file."""
    first = {"type": "mise_a_disposition", "date": "2024-03-04", "offre": "O-1", "logement": "0031004477",
             "reservataire": "Bailleur X", "reservataire_type": "etat"}
    second = {"type": "mise_a_disposition", "date": "2024-06-04", "offre": "O-2", "logement": "0031004478",
              "reservataire": "bailleur x", "reservataire_type": "collectivite"}
    one, other = _write(tmp_path / "a.jsonl", [first, second]), _write(tmp_path / "b.jsonl", [second, first])
    assert _json(one) == _json(other)
    assert json.loads(_json(one))["reservataires"][0]["type"] == "etat"


DAYS = [dt.date(2024, 3, 1) + dt.timedelta(days=k) for k in (0, 1, 3, 14, 40)]
NAMES = ["mairie-escalquens", "MAIRIE ESCALQUENS", "etat", "Inconnu Un", "inconnu un"]


@st.composite
def small_logs(draw) -> list[dict]:
    """A few dwellings and offers whose records follow the life cycle (nothing rejected), days often shared:
    libérations of a day, offers of a day on one dwelling, candidates, decisions, answers and leases of a day,
    with or without ids."""
    records: list[dict] = []
    counter = iter(range(10_000))

    def with_id(record: dict) -> dict:
        if draw(st.booleans()):
            record["id"] = f"r{next(counter)}"
        records.append(record)
        return record

    def day(at_least: int) -> int:
        return draw(st.integers(at_least, min(at_least + 1, len(DAYS) - 1)))

    for d in range(draw(st.integers(1, 2))):
        logement = f"003100000{d}"
        for _ in range(draw(st.integers(0, 2))):
            with_id({"type": "liberation", "date": DAYS[day(0)].isoformat(), "logement": logement,
                     "preavis_mois": draw(st.sampled_from([1, 3])), "zone": draw(st.sampled_from(["tendue",
                                                                                                   "detendue"]))})
        for o in range(draw(st.integers(1, 2))):
            offre, at = f"O-{d}-{o}", day(0)
            mad = {"type": "mise_a_disposition", "date": DAYS[at].isoformat(), "offre": offre, "logement": logement,
                   "reservataire": draw(st.sampled_from(NAMES))}
            if draw(st.booleans()):
                mad["reservataire_type"] = draw(st.sampled_from(["etat", "collectivite"]))
            with_id(mad)
            menages = [{"id": f"M-{d}-{o}-{k}", "prioritaire": draw(st.booleans()),
                        "quartile": draw(st.sampled_from([None, 1, 2]))} for k in range(draw(st.integers(0, 3)))]
            if not menages:
                if draw(st.booleans()):
                    with_id({"type": "impossibilite", "date": DAYS[day(at)].isoformat(), "offre": offre})
                continue
            at = day(at)
            split = draw(st.integers(1, len(menages)))
            for group in (menages[:split], menages[split:]):  # one list or two of the same day
                if group:
                    with_id({"type": "candidats", "date": DAYS[at].isoformat(), "offre": offre, "menages": group})
            at = day(at)
            leased = False
            for m in menages:
                decision = draw(st.sampled_from(["attribution", "non_attribution", None]))
                if decision is None:
                    continue
                caleol = {"type": "caleol", "date": DAYS[at].isoformat(), "offre": offre, "menage": m["id"],
                          "decision": decision}
                with_id(caleol)
                if decision != "attribution" or draw(st.booleans()):
                    continue  # no answer: a refusal by silence
                answer = draw(st.sampled_from(["acceptation", "refus"]))
                answered = day(at)
                with_id({"type": "reponse", "date": DAYS[answered].isoformat(), "offre": offre, "menage": m["id"],
                         "reponse": answer})
                if answer == "acceptation" and not leased and draw(st.booleans()):
                    leased = True
                    with_id({"type": "bail", "date": DAYS[day(answered)].isoformat(), "offre": offre,
                             "menage": m["id"]})
    return records


PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])


@PROPERTY
@given(small_logs(), st.randoms(use_true_random=False))
def test_shuffled_small_logs_give_byte_identical_json(tmp_path_factory, records, rnd):
    """The log as generated, its records of each day shuffled (still in date order) and all of it shuffled:
    ``evaluate --format json`` writes the same bytes, and one process or two find the same result."""
    tmp = tmp_path_factory.mktemp("ordre")
    (tmp / "a").mkdir(), (tmp / "b").mkdir(), (tmp / "c").mkdir()
    by_day = sorted(rnd.sample(records, len(records)), key=lambda r: r["date"])
    shuffled = rnd.sample(records, len(records))
    paths = [_write(tmp / sub / "journal.jsonl", body) for sub, body in
             (("a", sorted(records, key=lambda r: r["date"])), ("b", by_day), ("c", shuffled))]
    outputs = [_json(path) for path in paths]
    assert outputs[0] == outputs[1] == outputs[2]
    assert json.loads(outputs[0])["evenements"]["rejetes"] == 0
    alone = [json.dumps(evaluate_file(path).result, default=str, sort_keys=True) for path in paths]
    shared = json.dumps(evaluate_file(paths[2], keep_offers=False, workers=2).result, default=str, sort_keys=True)
    assert alone[0] == alone[1] == alone[2] == shared
