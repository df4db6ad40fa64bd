"""The ledger: per réservataire, what the tally reads of the evaluated offers, added up offer by offer.

An offer is entered as soon as it is evaluated and is not kept: the
accounts hold counts, the counted offers and the overdue deadlines (which
the result lists), and the offers of each obligation's population grouped by
the values of the fields the obligations read (a year has a few hundred such
signatures). Two ledgers add up (:meth:`Ledger.merge`): a worker process
sends its own back, and the sum is the ledger of one process.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter

from engine.inputs.values import menage_facts
from engine.ruleset.inherit import RuleSet

POPULATIONS = ("attributions", "baux", "decompte")
BY_DATE_AND_OFFER = itemgetter(0, 1)  # counted offers and overdue deadlines, as the result lists them


def OVERDUE_KEY(record: dict) -> tuple:
    """One offer's overdue deadlines: by due date, rule, household, date done (the rest follows the rule); a
    deadline without a household or not done yet comes first.

    >>> due = [{"echeance": "2024-03-08", "regle": "reponse-10-jours", "menage": "M-2", "realise": None},
    ...        {"echeance": "2024-03-08", "regle": "reponse-10-jours", "menage": "M-1", "realise": "2024-03-12"},
    ...        {"echeance": "2024-03-08", "regle": "reponse-10-jours", "menage": "M-1", "realise": "2024-03-11"},
    ...        {"echeance": "2024-03-08", "regle": "reponse-10-jours", "realise": "2024-03-09"}]
    >>> [(r.get("menage"), r["realise"]) for r in sorted(due, key=OVERDUE_KEY)]
    [(None, '2024-03-09'), ('M-1', '2024-03-11'), ('M-1', '2024-03-12'), ('M-2', None)]
    """
    return record["echeance"], record["regle"], record.get("menage") or "", record["realise"] or ""


def _populations() -> dict[str, Counter]:
    return {name: Counter() for name in POPULATIONS}


@dataclass
class Account:
    """One réservataire's offers of the year: counts, counted offers, overdue deadlines, signatures."""

    mises_a_disposition: int = 0
    attributions: int = 0
    baux: int = 0
    refus: int = 0
    decomptees: dict[dt.date, list[str]] = field(default_factory=dict)  # mise à disposition → counted offers
    depasses: list[tuple[dt.date, str, list[dict]]] = field(default_factory=list)
    signatures: dict[str, Counter] = field(default_factory=_populations)  # population → signature → offers
    en_vrac: dict[str, list[tuple]] = field(default_factory=dict)  # signatures that cannot be keys (a list)
    regles: set[str] = field(default_factory=set)  # the rules that decided its offers or timed their deadlines

    def merge(self, other: Account) -> None:
        self.mises_a_disposition += other.mises_a_disposition
        self.attributions += other.attributions
        self.baux += other.baux
        self.refus += other.refus
        mine = self.decomptees
        for day, offres in other.decomptees.items():
            if day in mine:
                mine[day] += offres
            else:
                mine[day] = offres
        self.depasses += other.depasses
        for name, counter in other.signatures.items():
            self.signatures[name].update(counter)
        for name, loose in other.en_vrac.items():
            self.en_vrac.setdefault(name, []).extend(loose)
        self.regles |= other.regles

    def counted(self) -> list[str]:
        """The counted offers as the result lists them: by mise à disposition, then offer."""
        return [offre for day in sorted(self.decomptees) for offre in sorted(self.decomptees[day])]

    def items(self, population: str) -> list[tuple[tuple, int]]:
        """(signature, number of offers) of one population."""
        return [*self.signatures[population].items(), *((s, 1) for s in self.en_vrac.get(population, ()))]


def obligation_fields(ruleset: RuleSet) -> tuple[str, ...]:
    """Every field a numerator or denominator of an obligation reads: an offer's signature."""
    return tuple(dict.fromkeys(f for rule in ruleset.of("obligation")
                               for cond in (rule.rule.numerateur, rule.rule.denominateur) if cond is not None
                               for f in cond.fields()))


class Ledger:
    def __init__(self, year: int, fields: tuple[str, ...]):
        self.year, self.fields = year, fields
        self.accounts: dict[str, Account] = {}
        self.flux_total = 0  # offers counted in the year, every réservataire

    def add(self, ev) -> None:
        """Enter one evaluated offer (an :class:`~engine.year.offer.OfferEval`)."""
        year, offer = self.year, ev.offer
        account = self.accounts.get(ev.reservataire.id)
        if account is None:
            account = self.accounts[ev.reservataire.id] = Account()
        mad = offer.mad.date
        if mad.year == year:
            account.mises_a_disposition += 1
        populations = []
        attribution = offer.attribution_date
        if attribution is not None and attribution.year == year:
            account.attributions += 1
            populations.append("attributions")
        if offer.bail is not None and offer.bail.date.year == year:
            account.baux += 1
            populations.append("baux")
        refus = offer.refus()
        if refus:
            account.refus += sum(1 for _, d, _ in refus if d.year == year)
        if ev.decision.regle is not None:
            account.regles.add(ev.decision.regle.id)
        when = ev.date_decompte
        if when is not None and when.year == year:
            self.flux_total += 1
            offres = account.decomptees.get(mad)
            if offres is None:
                account.decomptees[mad] = [offer.id]
            else:
                offres.append(offer.id)
            populations.append("decompte")
        if populations:
            menage, facts = menage_facts(offer.menage_retenu()), ev.facts
            signature = tuple([menage[f] if f in menage else facts.get(f) for f in self.fields])
            for name in populations:
                try:
                    account.signatures[name][signature] += 1
                except TypeError:
                    account.en_vrac.setdefault(name, []).append(signature)
        if ev.deadlines:
            for c in ev.deadlines:
                account.regles.add(c.regle.id)
                if c.prorogee:
                    account.regles.add("prorogation")
            overdue = sorted([c.record() for c in ev.deadlines if c.depasse and c.echeance.year == year],
                             key=OVERDUE_KEY)  # a full key: the order of the households in the file says nothing
            if overdue:
                account.depasses.append((mad, offer.id, overdue))

    def in_order(self) -> Ledger:
        """The counted offers of each day and the overdue deadlines of each account in the order the result
        lists them (by mise à disposition, then offer): a worker sorts its own, and the sum of sorted ledgers is
        sorted in one linear pass (two runs to merge). Counted offers travel grouped by day: a few hundred
        dates rather than one per offer."""
        for account in self.accounts.values():
            for offres in account.decomptees.values():
                offres.sort()
            account.depasses.sort(key=BY_DATE_AND_OFFER)
        return self

    def merge(self, other: Ledger) -> None:
        self.flux_total += other.flux_total
        for rid, account in other.accounts.items():
            if rid in self.accounts:
                self.accounts[rid].merge(account)
            else:
                self.accounts[rid] = account
