"""The window of ``--echeances`` (:func:`engine.checks.open_deadlines.within`) on a result written by hand."""

from engine.checks.open_deadlines import within


def _open(offre: str, echeance: str) -> dict:
    return {"offre": offre, "regle": "candidats-12-jours-ouvres", "echeance": echeance}


def test_the_window_ends_on_its_last_jour_ouvre_included():
    # Friday 8 November 2024 + 5 jours ouvrés, Armistice (Monday 11) skipped: 12, 13, 14, 15, 18 November.
    result = {"au": "2024-11-08", "reservataires": [
        {"id": "mairie-escalquens", "echeances_ouvertes": [_open("C-1", "2024-11-08"), _open("C-2", "2024-11-18"),
                                                           _open("C-3", "2024-11-19")]},
        {"id": "etat", "echeances_ouvertes": []}]}
    out = within(result, 5)
    assert out["echeances"] == {"jours_ouvres": 5, "du": "2024-11-08", "jusqu_au": "2024-11-18"}
    assert [r["offre"] for r in out["reservataires"][0]["echeances_ouvertes"]] == ["C-1", "C-2"]
    assert out["reservataires"][1]["echeances_ouvertes"] == []


def test_a_window_of_no_day_keeps_what_is_due_on_the_date():
    result = {"au": "2024-12-24", "reservataires": [
        {"id": "etat", "echeances_ouvertes": [_open("E-1", "2024-12-24"), _open("E-2", "2024-12-26")]}]}
    out = within(result, 0)
    assert out["echeances"] == {"jours_ouvres": 0, "du": "2024-12-24", "jusqu_au": "2024-12-24"}
    assert [r["offre"] for r in out["reservataires"][0]["echeances_ouvertes"]] == ["E-1"]
