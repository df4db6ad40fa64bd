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
