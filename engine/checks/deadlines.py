"""Deadlines per offer from the ``delai`` rules: due date, date done, holidays skipped, status.

Also infers the implicit refusals of CCH R441-10: an attributed household
that neither answered nor signed by the due date has refused.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import msgspec

from engine.checks.workdays import due
from engine.counting.lifecycle import Lifecycle, Offer
from engine.ruleset.conditions import evaluate
from engine.ruleset.inherit import EffectiveRule, RuleSet


class DeadlineCheck(msgspec.Struct):
    regle: EffectiveRule
    offre: str
    depart: dt.date
    echeance: dt.date
    realise: dt.date | None
    feries: tuple[dt.date, ...]
    prorogee: bool
    menage: str | None = None
    avant_prorogation: dt.date | None = None
    motif_prorogation: str | None = None
    minimum: bool = False  # a time the household is given (``portee: minimum``): only silence misses it

    @property
    def depasse(self) -> bool:
        if self.realise is None:
            return True
        return not self.minimum and self.realise > self.echeance

    def record(self) -> dict:
        rule = self.regle.rule
        out = {"offre": self.offre, "regle": self.regle.id, "libelle": rule.libelle,
               "echeance": self.echeance.isoformat(),
               "realise": self.realise.isoformat() if self.realise else None,
               "source": rule.source, "consequence": rule.consequence}
        if self.menage:
            out["menage"] = self.menage
        return out


def _first_on_or_after(dates, start: dt.date) -> dt.date | None:
    return min([d for d in dates if d >= start], default=None)


def _candidates_dates(offer: Offer) -> list[dt.date]:
    return [r.date for r in offer.candidats if r.data.get("source", "reservataire") == "reservataire"]


class Applicable:
    """Which of ``rules`` apply to an offer's facts: their conditions decided together and remembered for
    the values of every field they read (one lookup per offer rather than one per rule); each applying rule
    comes with what the check reads of it."""

    def __init__(self, rules: list[EffectiveRule], proroger: bool):
        self.proroger = proroger
        self.fields = tuple(dict.fromkeys(f for rule in rules if rule.rule.condition is not None
                                          for f in rule.rule.condition.fields()))
        self.memo: dict[tuple, tuple[Applying, ...]] = {}
        self.dues: dict[tuple, tuple] = {}  # (rule, start) → (its values then, the deadline)
        self.applying = [Applying(rule, rule.rule.depart, rule.rule.attendu, rule.rule.sens == "apres",
                                  rule.rule.relance) for rule in rules]

    def __call__(self, facts: dict) -> tuple[Applying, ...]:
        key = tuple(map(facts.get, self.fields))  # scalars only: a list or an object is refused where it is read
        try:
            return self.memo[key]
        except KeyError:
            found = self.memo[key] = self._decide(facts)
            return found

    def due(self, rule: EffectiveRule, start: dt.date):
        """The values of ``rule`` in force on ``start`` and the deadline they give (None, None when none is in
        force), remembered: a year of offers has a few hundred distinct starts."""
        key = (rule.id, start)
        found = self.dues.get(key)
        if found is None:
            params = rule.at(start)
            found = self.dues[key] = (params, None if params is None else
                                      due(start, params.nombre, params.unite, rule.rule.sens == "avant",
                                          self.proroger))
        return found

    def _decide(self, facts: dict) -> tuple[Applying, ...]:
        return tuple(a for a in self.applying
                     if a.rule.rule.condition is None or evaluate(a.rule.rule.condition, facts) is True)


class Applying(NamedTuple):
    """A delay rule that applies, and what its check reads of it."""

    rule: EffectiveRule
    depart: str
    attendu: str
    apres: bool  # counted after its start (not « au moins … avant »)
    relance: str | None  # the restart of a candidates' deadline (the rule schema allows it there only)


def check_offer(offer: Offer, facts: dict, life: Lifecycle, as_of: dt.date, applicable: Applicable,
                offered_by: dt.date | None = None) -> list[DeadlineCheck]:
    """The deadlines of the delay rules of ``applicable`` for one offer (``applicable``: those rules' conditions,
    kept from one offer to the next so that their verdicts are remembered). ``offered_by``: the day on which the ranked households the
    dwelling was offered to are judged (:func:`offers_made`), ``as_of`` when not given — a caller that lists
    deadlines still running (``as_of`` far ahead) gives the day they are listed on."""
    checks: list[DeadlineCheck] = []
    for rule, depart, attendu, apres, relance in applicable(facts):
        if attendu == "candidats" and offer.impossibilite is not None and depart == "mise_a_disposition":
            continue  # the réservataire declared it could not designate: the impossibility deadline applies
        if depart == "mise_a_disposition":
            starts = ((offer.mad.date, None),)
        elif depart == "caleol_attribution":
            starts = [(start, menage) for start, menage, _ in
                      offers_made(offer, rule, offered_by or as_of, applicable.proroger)]
        else:
            starts = _starts(offer, depart, life)
        for start, menage in starts:
            params, computed = applicable.due(rule, start)
            if params is None:
                continue
            done = _done(offer, attendu, start if apres else None, menage)
            if done is None and computed.echeance >= as_of:
                continue  # still running when the log ends
            checks.append(DeadlineCheck(rule, offer.id, start, computed.echeance, done, computed.feries,
                                        computed.prorogee, menage, computed.avant_prorogation,
                                        computed.motif_prorogation, rule.rule.portee == "minimum"))
            if relance:
                restart = _dalo_refusal(offer, start)
                if restart is not None:
                    again = due(restart, params.nombre, params.unite, proroger=applicable.proroger)
                    done_again = _first_on_or_after(_candidates_dates(offer), restart + dt.timedelta(days=1))
                    if done_again is not None or again.echeance < as_of:
                        checks.append(DeadlineCheck(rule, offer.id, restart, again.echeance, done_again,
                                                    again.feries, again.prorogee, None, again.avant_prorogation,
                                                    again.motif_prorogation))
    return checks


def _starts(offer: Offer, kind: str, life: Lifecycle) -> list[tuple[dt.date, str | None]]:
    """The starts of the kinds ``check_offer`` does not take itself (mise à disposition, CALEOL attribution)."""
    if kind == "premiere_caleol":
        return [(offer.caleol[0].date, None)] if offer.caleol else []
    if kind == "mise_en_service":
        services = life.mises_en_service.get(offer.logement)
        return [(services[-1].date, None)] if services else []
    if kind == "tous_refus":
        date = offer.tous_refus()
        return [(date, None)] if date else []
    if kind == "liberation":
        libs = [r for r in life.liberations.get(offer.logement, []) if r.date <= offer.mad.date]
        return [(libs[-1].date, None)] if libs else []
    if kind == "bail":
        return [(offer.bail.date, None)] if offer.bail else []
    if kind == "reprise":
        return [(offer.reprise.date, None)] if offer.reprise else []
    return []


def _done(offer: Offer, kind: str, after: dt.date | None, menage: str | None) -> dt.date | None:
    """The day ``kind`` was done for the deadline (on or after ``after``), None when it was not.

    >>> [_done(Offer("O", None), kind, None, "M-1") for kind in ("impossibilite", "reponse", "reprise", "bail")]
    [None, None, None, None]
    """
    floor = after or dt.date.min
    if kind == "candidats":
        return _first_on_or_after(_candidates_dates(offer), floor)
    if kind == "impossibilite":
        return offer.impossibilite.date if offer.impossibilite else None
    if kind == "reponse":
        answer = offer.reponses.get(menage)
        if answer is not None:
            return answer.date
        if offer.bail is not None and offer.bail.data["menage"] == menage:
            return offer.bail.date
        return None
    if kind == "mise_a_disposition":
        return offer.mad.date
    if kind == "reprise":
        return offer.reprise.date if offer.reprise else None
    if kind == "bail":
        return offer.bail.date if offer.bail else None
    return None


def _dalo_refusal(offer: Offer, start: dt.date) -> dt.date | None:
    """The restart of ``relance: caleol_non_attribution_dalo`` (the only one the rule schema allows): the first
    refusal by the CALEOL of a DALO candidate on or after ``start``."""
    for r in offer.caleol:
        menage = offer.menages[r.data["menage"]]  # a CALEOL decision on a household not designated is rejected
        if r.data["decision"] == "non_attribution" and menage.get("dalo") and r.date >= start:
            return r.date
    return None


def offers_made(offer: Offer, rule: EffectiveRule, as_of: dt.date,
                proroger: bool) -> list[tuple[dt.date, str, dt.date | None]]:
    """The attributed households the dwelling was offered to, with ``rule``'s answer delay (CCH R441-3 b and
    R441-10): in the CALEOL's order, the first on the day of its attribution, each next one only once every one
    before it has refused, from the day the last of them refused (never before its own attribution). Each comes
    with the day its silence became a refusal, None when it answered, signed the lease or is still within its
    time on ``as_of``. The offer goes no further than a household that accepted, signed, or may still answer.

    >>> offers_made(Offer("O", None), None, dt.date(2024, 12, 31), True)
    []
    """
    made: list[tuple[dt.date, str, dt.date | None]] = []
    refused_on: dt.date | None = None
    for record in offer.in_caleol_order():
        menage = record.data["menage"]
        start = record.date if refused_on is None else max(record.date, refused_on)
        answer = offer.reponses.get(menage)
        if answer is not None or (offer.bail is not None and offer.bail.data["menage"] == menage):
            made.append((start, menage, None))
            if answer is None or answer.data["reponse"] != "refus":
                break
            refused_on = answer.date
            continue
        params = rule.at(start)
        if params is None:
            break
        limit = due(start, params.nombre, params.unite, proroger=proroger).echeance
        silent = limit < as_of
        made.append((start, menage, limit if silent else None))
        if not silent:
            break
        refused_on = limit
    return made


def implicit_refusals(offer: Offer, refusal_rules: list[EffectiveRule], as_of: dt.date, proroger: bool) -> None:
    """Silence past the answer delay is a refusal (CCH R441-10): fills ``offer.refus_implicites``, for the
    households the dwelling was offered to (:func:`offers_made`). ``refusal_rules``: the delay rules whose
    consequence is ``refus_implicite`` (:func:`refusal_rules`)."""
    for rule in refusal_rules:
        for _, menage, silent in offers_made(offer, rule, as_of, proroger):
            if silent is not None:
                offer.refus_implicites[menage] = silent


def delay_rules(ruleset: RuleSet) -> list[EffectiveRule]:
    return ruleset.of("delai")


def refusal_rules(rules: list[EffectiveRule]) -> list[EffectiveRule]:
    """The delay rules whose silence is a refusal (CCH R441-10)."""
    return [r for r in rules if r.rule.consequence == "refus_implicite"]


def prorogation(ruleset: RuleSet, on: dt.date) -> tuple[bool, EffectiveRule | None]:
    """The rule set's ``prorogation`` setting in force on ``on`` (CPC art. 642; on when no rule says it: before
    the national setting's first date, or in a rule set that removed it).

    >>> from engine.ruleset.inherit import Catalog
    >>> national = Catalog().resolve("national")
    >>> [(on, rule.id) for on, rule in [prorogation(national, dt.date(2024, 12, 31))]]
    [(True, 'prorogation')]
    >>> prorogation(national, dt.date(2019, 12, 31))      # before the décret of 20 February 2020
    (True, None)
    >>> prorogation(RuleSet("sans", ["sans"], {}, {}, []), dt.date(2024, 12, 31))
    (True, None)
    """
    rule = ruleset.rules.get("prorogation")
    params = rule.at(on) if rule is not None else None
    return (True, None) if params is None else (bool(params.valeur), rule)
