"""Deadlines open on a date: not yet met and not yet due, per réservataire — the list a housing officer works from.

An offer closed on the date (a lease signed, the dwelling taken back) has nothing left open. A deadline due on the
date itself is still open (it is missed only the day after). ``within`` keeps those falling in the next N jours
ouvrés (public holidays skipped, :mod:`engine.checks.workdays`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from engine.checks import deadlines as dl
from engine.checks.workdays import due, is_jour_ouvre

ORDER = ("echeance", "offre", "regle", "menage")


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Jours ouvrés after ``start`` up to ``end`` included (0 when ``end`` is ``start`` or before)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_jour_ouvre(day)
    return count


def open_on(evaluation, au: dt.date) -> dict[str, list[dict]]:
    """Per réservataire id, the deadlines of its offers open at the end of ``au``, by due date."""
    ruleset = evaluation.ruleset
    rules = dl.delay_rules(ruleset)
    proroger, _ = dl.prorogation(ruleset, dt.date(evaluation.year, 12, 31))
    applicable = dl.Applicable(rules, proroger)
    found: dict[str, list[dict]] = defaultdict(list)
    for ev in evaluation.offers.values():
        offer = ev.offer
        if offer.bail is not None or offer.reprise is not None:
            continue  # closed: nothing left to do on it
        # every deadline of the offer, those still running included (no end of log before them)
        for check in dl.check_offer(offer, ev.facts, evaluation.life, dt.date.max, applicable,
                                    offered_by=au):  # a household ranked next is reached only by a refusal by then
            if check.realise is not None or check.echeance < au:
                continue
            rule = check.regle.rule
            record = {"offre": check.offre, "regle": check.regle.id, "libelle": rule.libelle,
                      "depart": check.depart.isoformat(), "echeance": check.echeance.isoformat(),
                      "jours_ouvres_restants": workdays_between(au, check.echeance), "source": rule.source,
                      "consequence": rule.consequence}
            if check.menage:
                record["menage"] = check.menage
            if check.minimum:
                record["portee"] = "minimum"  # a time left to the household: only its silence misses it
            found[ev.reservataire.id].append(record)
    for records in found.values():
        records.sort(key=lambda r: tuple(r.get(k) or "" for k in ORDER))
    return dict(found)


def annotate(entries: list[dict], opened: dict[str, list[dict]]) -> None:
    for entry in entries:
        entry["echeances_ouvertes"] = opened.get(entry["id"], [])


def within(result: dict, days: int) -> dict:
    """The result of ``--au`` (:func:`annotate` done) with each réservataire's open deadlines limited to those due
    in the next ``days`` jours ouvrés after its ``au`` date (the window said in ``result["echeances"]``)."""
    au = dt.date.fromisoformat(result["au"])
    limit = due(au, days, "jours_ouvres").echeance
    result["echeances"] = {"jours_ouvres": days, "du": au.isoformat(), "jusqu_au": limit.isoformat()}
    for entry in result["reservataires"]:
        entry["echeances_ouvertes"] = [r for r in entry["echeances_ouvertes"] if r["echeance"] <= limit.isoformat()]
    return result
