"""One hand-made log per kind of record that contradicts its offer's life cycle (events.md « Ordering and
corrections »): the record is rejected, not dropped, with the whole message a user reads after ``FILE:LINE``;
the other records of the log, some of them just short of a contradiction, are evaluated.

The messages are written here from the text of each contradiction, not copied from a run."""

import json
from pathlib import Path

import pytest

from engine.year.evaluate import evaluate_file

HERE = Path(__file__).parent / "events"

CASES = [
    # a second mise à disposition of the same offer
    ("cycle-offre-deja-ouverte.jsonl", 3, "offre « O-1 » déjà ouverte (ligne 2) : une offre = une vacance proposée "
     "à un réservataire ; utilisez un autre identifiant d'offre"),
    # candidates dated before the offer's mise à disposition (which comes later in the file)
    ("cycle-avant-la-mise-a-disposition.jsonl", 2, "« candidats » daté du 2024-03-01 avant la mise à disposition "
     "de l'offre « O-1 » (2024-03-04, ligne 3)"),
    # a lease for an offer never opened; a cancelled record of another offer never opened is not rejected
    ("cycle-offre-jamais-ouverte.jsonl", 3, "« bail » pour l'offre « O-2 » jamais ouverte (aucune "
     "mise_a_disposition)"),
    # candidates after a reprise without imputation; the same after a reprise imputed to the réservataire (O-2)
    # are taken
    ("cycle-apres-reprise.jsonl", 4, "« candidats » après la reprise du logement par le bailleur (ligne 3) sans "
     "imputation au réservataire"),
    ("cycle-reprise-en-double.jsonl", 4, "reprise déjà enregistrée (ligne 3)"),
    # a CALEOL decision after the lease; the lessee's acceptation recorded after the lease is taken, and so is
    # another CALEOL decision after the lease that is cancelled
    ("cycle-apres-bail.jsonl", 7, "« caleol » après la signature du bail (ligne 5)"),
    ("cycle-caleol-menage-non-designe.jsonl", 4, "décision CALEOL pour le ménage « M-9 » qui n'a pas été désigné "
     "pour l'offre"),
    # M-2 was designated but not attributed the dwelling by the CALEOL
    ("cycle-reponse-sans-attribution.jsonl", 6, "« reponse » du ménage « M-2 » sans attribution CALEOL pour "
     "l'offre"),
    ("cycle-bail-sans-attribution.jsonl", 6, "« bail » du ménage « M-2 » sans attribution CALEOL pour l'offre"),
    ("cycle-reponse-en-double.jsonl", 6, "réponse du ménage « M-1 » déjà enregistrée (ligne 5)"),
    ("cycle-bail-apres-refus.jsonl", 6, "bail du ménage « M-1 » qui a refusé la proposition (ligne 5)"),
]


@pytest.mark.parametrize("name,line,message", CASES, ids=[c[0] for c in CASES])
def test_a_record_contradicting_its_offer_is_rejected_with_its_whole_message(name, line, message):
    path = HERE / name
    events = evaluate_file(path).result["evenements"]
    assert events["rejets"] == [{"fichier": str(path), "ligne": line, "motif": message}]
    read = sum(1 for _ in path.open(encoding="utf-8"))  # the header line counts as read and evaluated
    assert (events["lus"], events["evalues"], events["rejetes"]) == (read, read - 1, 1)


@pytest.mark.parametrize("name,line,message", CASES, ids=[c[0] for c in CASES])
def test_an_offer_keeps_its_records_for_explain_the_cancelled_ones_too_not_the_rejected_one(name, line, message):
    """The module's promise (engine/counting/lifecycle.py): cancelled records stay visible for ``explain``; a
    rejected one is not part of the offer."""
    path = HERE / name
    lines = [json.loads(text) for text in path.open(encoding="utf-8")]
    mine = [n for n, obj in enumerate(lines, 1) if obj.get("offre") == "O-1" and n != line]
    offer = evaluate_file(path, full=lambda ev: True).offers["O-1"].offer
    assert [r.line for r in offer.records] == mine


@pytest.mark.parametrize("workers", [1, 2])
def test_an_offer_opened_twice_keeps_the_first_of_the_life_cycle_whatever_the_file_order(tmp_path, workers):
    """Two mises à disposition of O-1 on the same day: the life cycle orders them by id, « a » before « b », so
    « b » is the one rejected, whichever comes first in the file; one of O-2 a day earlier in the file's last line
    is the first of O-2. Many offers opened twice (an export that repeats its records) are each found once."""
    header = {"type": "exercice", "annee": 2024, "regles": "haute-garonne"}

    def opening(rid, day, offer="O-1"):
        return {"id": rid, "type": "mise_a_disposition", "date": f"2024-03-{day:02d}", "offre": offer,
                "logement": f"L-{offer}", "reservataire": "mairie-escalquens"}

    repeated = [opening(f"r{i}-{k}", 10 + k, f"R-{i}") for i in range(300) for k in (1, 0)]
    for records in ([opening("b", 4), opening("a", 4), opening("o2-late", 6, "O-2"), opening("o2", 5, "O-2")],
                    [opening("a", 4), opening("o2-late", 6, "O-2"), opening("b", 4), opening("o2", 5, "O-2")]):
        path = tmp_path / "deux.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in [header, *records, *repeated]) + "\n", encoding="utf-8")
        events = evaluate_file(path, keep_offers=False, workers=workers).result["evenements"]
        lines = {r.get("id"): n for n, r in enumerate([header, *records, *repeated], 1)}
        rejected = {r["ligne"]: r["motif"] for r in events["rejets"]}
        assert rejected[lines["b"]] == (f"offre « O-1 » déjà ouverte (ligne {lines['a']}) : une offre = une vacance "
                                        "proposée à un réservataire ; utilisez un autre identifiant d'offre")
        assert rejected[lines["o2-late"]].startswith(f"offre « O-2 » déjà ouverte (ligne {lines['o2']})")
        assert len(rejected) == 2 + 300 and all(lines[f"r{i}-1"] in rejected for i in range(300))
