"""One offer evaluated: its facts, the rule that decides whether it counts, its deadlines; the offers of one
dwelling in order, for the one-count-per-vacancy rule."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right

import msgspec

from engine.checks import deadlines as dl
from engine.counting.decide import Decider, Decision, base_of
from engine.counting.lifecycle import Lifecycle, Offer
from engine.counting.registry import Registry, Reservataire
from engine.inputs.values import logement_facts
from engine.ruleset.inherit import RuleSet


class OfferEval(msgspec.Struct):
    offer: Offer
    reservataire: Reservataire
    facts: dict
    decision: Decision
    date_decompte: dt.date | None
    deadlines: list[dl.DeadlineCheck] = msgspec.field(default_factory=list)


class OfferEvaluator:
    """Everything one offer's evaluation needs that does not change from offer to offer."""

    def __init__(self, ruleset: RuleSet, year: int, life: Lifecycle, inventory: dict | None, as_of: dt.date,
                 use_durable: bool = True, registry: Registry | None = None):
        self.ruleset, self.life, self.inventory, self.as_of = ruleset, life, inventory, as_of
        self.on = dt.date(year, 12, 31)
        self.registry = registry or Registry(ruleset)
        self.decider = Decider(ruleset, self.on, use_durable)
        self.delay_rules = dl.delay_rules(ruleset)
        self.refusal_rules = dl.refusal_rules(self.delay_rules)
        self.proroger, _ = dl.prorogation(ruleset, self.on)
        self.applicable = dl.Applicable(self.delay_rules, self.proroger)
        self.bases: dict[str, tuple[str, object]] = {}
        self.info_cache: dict[int, tuple[dict, dict]] = {}  # id(logement_info) → (object, its facts)
        self.res_facts: dict[tuple, tuple[Reservataire, dict, str]] = {}  # (name, type) → (it, its facts, basis)

    def evaluate(self, offer: Offer, counted_in_vacancy: bool) -> OfferEval:
        data = offer.mad.data
        key = (data["reservataire"], data.get("reservataire_type"))
        found = self.res_facts.get(key)
        if found is None:  # the registry gives one entry per name and type, always the same
            res = self.registry.resolve(*key)
            facts = reservataire_facts(res)
            if res.id not in self.bases:
                self.bases[res.id] = base_of(self.ruleset, facts, self.on)
            found = self.res_facts[key] = (res, facts, self.bases[res.id][0])
        res = found[0]
        dl.implicit_refusals(offer, self.refusal_rules, self.as_of, self.proroger)
        offer.complete()
        facts = offer_facts(offer, res, found[2], counted_in_vacancy, self.life, self.inventory, self.info_cache,
                            found[1])
        decision = self.decider.decide(facts)
        when = decision_date(offer, decision) if decision.compte else None
        checks = dl.check_offer(offer, facts, self.life, self.as_of, self.applicable)
        return OfferEval(offer, res, facts, decision, when, checks)


class Vacancy:
    """One count per vacancy: the offers of one dwelling, in order; a lease or a new libération notice
    between two offers opens a new vacancy."""

    def __init__(self, liberations: list[dt.date]):
        self.liberations = liberations
        self.counted = False
        self.previous: tuple[dt.date, bool] | None = None  # (mise à disposition, leased) of the last offer

    def evaluate(self, evaluator: OfferEvaluator, offer: Offer) -> OfferEval:
        if self.previous is not None:
            opened, leased = self.previous
            libs = self.liberations  # sorted: is there one in (opened, mise à disposition]?
            if leased or (libs and bisect_right(libs, opened) < bisect_right(libs, offer.mad.date)):
                self.counted = False
        ev = evaluator.evaluate(offer, self.counted)
        self.counted = self.counted or ev.decision.compte
        self.previous = (offer.mad.date, offer.bail is not None)
        return ev


def reservataire_facts(res: Reservataire) -> dict:
    return {"reservataire.id": res.id, "reservataire.type": res.type, "reservataire.mode_gestion": res.mode_gestion,
            "reservataire.partie_de": res.partie_de or ""}


def _zone(offer: Offer, life: Lifecycle):
    zone = offer.mad.data.get("zone")
    preavis = None
    for lib in life.liberations.get(offer.logement, []):
        if lib.date <= offer.mad.date:
            zone = zone or lib.data.get("zone")
            preavis = lib.data.get("preavis_mois", preavis)
    return zone, preavis


def _relogement(offer: Offer) -> str | None:
    """The relogement of the household that counts for the offer (the lessee, else the first-ranked attributee),
    None when unknown or none."""
    menage = offer.menage_retenu()
    return (menage or {}).get("relogement") or None


def offer_facts(offer: Offer, res: Reservataire, base: str, counted_in_vacancy: bool, life: Lifecycle,
                inventory: dict | None, info_cache: dict | None = None, res_facts: dict | None = None) -> dict:
    zone, preavis = _zone(offer, life)
    refus = offer.refus()
    reprise = offer.reprise.data if offer.reprise else {}
    facts = {
        "offre.base": base,
        "offre.mise_a_disposition": True,
        "offre.attribuee": bool(offer.attributees()),
        "offre.bail": offer.bail is not None,
        "offre.neuf": offer.neuf,
        "offre.reprise": offer.reprise is not None,
        "offre.reprise_motif": reprise.get("motif", "autre") if offer.reprise else "",
        "offre.imputer_au_reservataire": bool(reprise.get("imputer_au_reservataire")),
        "offre.impossibilite": offer.impossibilite is not None,
        "offre.nb_candidats": offer.nb_candidats(),
        "offre.refus": len(refus),
        "offre.refus_adaptes": sum(1 for _, _, adapted in refus if adapted) if refus else 0,
        "offre.deja_compte_vacance": counted_in_vacancy,
        "offre.zone": zone,
        "offre.preavis_mois": preavis,
        "offre.relogement": _relogement(offer),
        **(res_facts or reservataire_facts(res)),
    }
    row = (inventory or {}).get(offer.logement)
    if row:  # typed ``logement.*`` facts from the inventory reader
        facts.update((k, v) for k, v in row.items() if k.startswith("logement."))
    info = offer.mad.data.get("logement_info")
    if info:
        if info_cache is None:
            facts.update(logement_facts(info))
        else:  # identical logement_info objects are merged when records are read: parse each once
            found = info_cache.get(id(info))
            if found is None or found[0] is not info:
                found = info_cache[id(info)] = (info, logement_facts(info))
            facts.update(found[1])
    facts["logement.rpls_id"] = offer.logement
    return facts


def decision_date(offer: Offer, decision: Decision) -> dt.date | None:
    kind = decision.evenement or "mise_a_disposition"
    if kind == "mise_a_disposition":
        return offer.mad.date
    if kind == "attribution":
        return offer.attribution_date
    if kind == "bail":
        return offer.bail_date
    if kind == "reprise":
        return offer.reprise.date if offer.reprise else None
    if kind == "refus":
        adapted = [d for _, d, a in offer.refus() if a] or [d for _, d, _ in offer.refus()]
        return adapted[0] if adapted else None
    return None
