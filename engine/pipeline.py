"""``evaluate``: rules → inputs → life cycle → counting → checks → result, in that order."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from engine import cores
from engine.checks import deadlines as dl
from engine.checks import remaining, standing
from engine.checks.obligations import Item, assess
from engine.counting.decide import Decider, Decision, base_of
from engine.counting.lifecycle import Lifecycle, Offer, replay
from engine.counting.registry import Registry, Reservataire
from engine.flux.theoretical import objective_from_annexe
from engine.gcpause import gc_paused
from engine.inputs.cutoff import check_date, cut
from engine.inputs.events import HEADER_CODE, EventLog, read_events
from engine.inputs.previous import Previous
from engine.inputs.values import logement_facts
from engine.ledger import BY_DATE_AND_OFFER, Account, Ledger, obligation_fields
from engine.problems import BadInput, Problem
from engine.ruleset.conditions import evaluate
from engine.ruleset.inherit import RuleSet, load_ruleset
from engine.scan import PARALLEL_FROM, all_problems, first_seen, scan, scan_in_team


class OfferEval(msgspec.Struct):
    offer: Offer
    reservataire: Reservataire
    facts: dict
    decision: Decision
    date_decompte: dt.date | None
    deadlines: list[dl.DeadlineCheck] = msgspec.field(default_factory=list)


@dataclass
class Evaluation:
    year: int
    ruleset: RuleSet
    log: EventLog
    life: Lifecycle
    offers: dict[str, OfferEval]  # empty when the evaluation was asked for its result only
    result: dict
    logements: set[str] = field(default_factory=set)  # the dwellings of the evaluated offers


def workers_for(size: int) -> int:
    """Processes for a log of ``size`` bytes (:func:`engine.cores.workers_for`): a long log is read in parts
    and its offers evaluated in shares, by the same processes."""
    return cores.workers_for(size, PARALLEL_FROM)


def evaluate_file(path: Path, rules: str | None = None, year: int | None = None, skip_invalid: bool = False,
                  previous: dict | Previous | None = None, inventory: dict | None = None, bailleur: str | None = None,
                  use_durable: bool = True, shown: str | None = None, progress=None,
                  stream: bool = True, keep_offers: bool = True, workers: int | None = None,
                  au: dt.date | None = None) -> Evaluation:
    """``stream``: a file in date order is read twice and memory follows the open offers (``explain``, which
    shows every record, asks for the in-memory path). ``au``: the year as recorded up to that date (records after
    it set aside and counted, deadlines still running on it open, not missed), read in memory.
    ``keep_offers=False``: only the result and the dwellings are wanted (``evaluate``), not each offer's
    evaluation; a long log in date order is then shared among ``workers`` processes (default
    :func:`workers_for`)."""
    with gc_paused():
        return _evaluate_file(path, rules, year, skip_invalid, previous, inventory, bailleur, use_durable, shown,
                              progress, stream and au is None, keep_offers, workers, au)


def _evaluate_file(path: Path, rules: str | None, year: int | None, skip_invalid: bool, previous: dict | None,
                   inventory: dict | None, bailleur: str | None, use_durable: bool, shown: str | None,
                   progress=None, stream: bool = True, keep_offers: bool = True,
                   workers: int | None = None, au: dt.date | None = None) -> Evaluation:
    team = None
    if stream and not path.is_file() and path.exists():  # a pipe (``<(zcat …)``) is read once, in memory
        stream = False
    if stream:
        from engine.streaming import evaluate_stream, pass2_in_team

        n = 1 if keep_offers or not cores.can_fork() else workers or _workers_for_file(path)
        if n > 1:  # the processes that read the parts of the file stay to evaluate their shares
            index, team = scan_in_team(path, shown, progress, n, pass2_in_team(inventory, use_durable))
        else:
            index = scan(path, shown, progress)
        header, problems, years = index.header or {}, index.problems, index.years
    else:
        log = read_events(path, shown, progress)
        header, problems, years = log.header or {}, log.problems, {r.date.year for r in log.records}
    try:
        if problems and not skip_invalid:
            raise BadInput(all_problems(index) if stream else list(problems))
        rules = rules or header.get("regles")
        year = year or header.get("annee") or (next(iter(years)) if len(years) == 1 else None)
        if not rules or not year:
            _unknown_rules_or_year(str(shown or path), rules, problems)
        ruleset = load_ruleset(rules)
        if isinstance(previous, Previous):  # last year's result: its year and rule set checked against this one
            previous = previous.for_year(int(year), ruleset.name)
        bailleur = bailleur or header.get("bailleur")
        if stream and index.in_order:
            from engine.streaming import ReadInMemory

            try:
                evaluation = evaluate_stream(index, ruleset, int(year), previous, inventory, bailleur, use_durable,
                                             progress, keep_offers, team, rules)
                return evaluation
            except ReadInMemory:  # the two decoders disagree on a line: the in-memory reader says what it is
                log = read_events(path, shown)
                if log.problems and not skip_invalid:
                    raise BadInput(list(log.problems)) from None
                return evaluate_log(log, ruleset, int(year), previous, inventory, bailleur, use_durable)
            finally:
                team = None  # let go by the evaluation
    finally:
        if team is not None:  # no pass 2 to share: the team's processes end
            team.close()
    if stream:  # not in date order: everything in memory, sorted
        log = read_events(path, shown)
    return evaluate_log(log, ruleset, int(year), previous, inventory, bailleur, use_durable, au)


def _unknown_rules_or_year(name: str, rules, problems: list[Problem]) -> None:
    """The rules or the year cannot be known: say why. A header refused (``--skip-invalid`` set it aside) is the
    cause, not a missing header."""
    headers = [p for p in problems if p.code == HEADER_CODE]
    what = "règles inconnues" if not rules else "exercice inconnu"
    if headers:
        raise BadInput([*headers, Problem(name, headers[0].ligne, f"{what} : l'en-tête « exercice » de la ligne "
                                                                  f"{headers[0].ligne} est refusé ; "
                                                                  "corrigez-le ou donnez l'option "
                                                                  f"{'--rules' if not rules else '--year'}")])
    if not rules:
        raise BadInput([Problem(name, 1, "règles inconnues : ajoutez un en-tête {\"type\": \"exercice\", \"annee\": "
                                         "2024, \"regles\": \"haute-garonne\"} ou l'option --rules")])
    raise BadInput([Problem(name, 1, "exercice inconnu : les événements couvrent plusieurs années ; ajoutez un en-tête "
                                     "« exercice » ou l'option --year")])


def _workers_for_file(path: Path) -> int:
    try:
        return workers_for(path.stat().st_size)
    except OSError:
        return 1


def evaluate_log(log: EventLog, ruleset: RuleSet, year: int, previous: dict | None = None,
                 inventory: dict | None = None, bailleur: str | None = None, use_durable: bool = True,
                 au: dt.date | None = None) -> Evaluation:
    """The straightforward path: every record in memory, then every offer, dwelling by dwelling. ``au``: only the
    records known on that date, and the end of the log is that date."""
    check_date(au, year)
    log, posterieurs = cut(log, au)
    on = dt.date(year, 12, 31)
    life = replay(log)
    as_of = au or max([on] + [r.date for r in log.records])
    registry = Registry(ruleset)
    for *_, name, hint in first_seen((r.date, r.data["offre"], r.data["reservataire"], r.data.get("reservataire_type"))
                                     for r in log.records if r.type == "mise_a_disposition"):
        registry.resolve(name, hint)  # in the order of their first opening, as the two-pass reader does
    evaluator = OfferEvaluator(ruleset, year, life, inventory, as_of, use_durable, registry)
    evals: dict[str, OfferEval] = {}
    by_logement: dict[str, list[Offer]] = defaultdict(list)
    for offer in life.offers.values():
        by_logement[offer.logement].append(offer)
    for logement, offers in by_logement.items():
        offers.sort(key=lambda o: (o.mad.date, o.id))  # by opening, those of one day by id (not by file line)
        vacancy = Vacancy(sorted(r.date for r in life.liberations.get(logement, [])))
        for offer in offers:
            evals[offer.id] = vacancy.evaluate(evaluator, offer)
    ledger = Ledger(year, obligation_fields(ruleset))
    for ev in evals.values():
        ledger.add(ev)
    result = tally(log, ruleset, year, evaluator.registry, evaluator.bases, ledger, previous, bailleur,
                   posterieurs if au else None)
    evaluation = Evaluation(year, ruleset, log, life, evals, result, {offer.logement for offer in life.offers.values()})
    if au is not None:
        standing.annotate(evaluation, au)
    return evaluation


class OfferEvaluator:
    """Everything one offer's evaluation needs that does not change from offer to offer."""

    def __init__(self, ruleset: RuleSet, year: int, life: Lifecycle, inventory: dict | None, as_of: dt.date,
                 use_durable: bool = True, registry: Registry | None = None):
        self.ruleset, self.life, self.inventory, self.as_of = ruleset, life, inventory, as_of
        self.on = dt.date(year, 12, 31)
        self.registry = registry or Registry(ruleset)
        self.decider = Decider(ruleset, self.on, use_durable)
        self.delay_rules = dl.delay_rules(ruleset)
        self.refusal_rules = [r for r in self.delay_rules if r.rule.consequence == "refus_implicite"]
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
            facts = _reservataire_facts(res)
            if res.id not in self.bases:
                self.bases[res.id] = base_of(self.ruleset, facts, self.on)
            found = self.res_facts[key] = (res, facts, self.bases[res.id][0])
        res = found[0]
        dl.implicit_refusals(offer, self.refusal_rules, self.as_of, proroger=self.proroger)
        offer.complete()
        facts = offer_facts(offer, res, found[2], counted_in_vacancy, self.life, self.inventory, self.info_cache,
                            found[1])
        decision = self.decider.decide(facts)
        when = decision_date(offer, decision) if decision.compte else None
        checks = dl.check_offer(offer, self.delay_rules, facts, self.life, self.as_of, applicable=self.applicable)
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


def _reservataire_facts(res: Reservataire) -> dict:
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
        **(res_facts or _reservataire_facts(res)),
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


def tally(log: EventLog, ruleset: RuleSet, year: int, registry: Registry, bases: dict, ledger: Ledger,
          previous: dict | None, bailleur: str | None, posterieurs: int | None = None) -> dict:
    """The result of the year; ``posterieurs``: records set aside as dated after ``--au`` (said only then)."""
    on = dt.date(year, 12, 31)
    flux_total = ledger.flux_total
    previous_reports = {r["id"]: r.get("report_suivant", 0) for r in (previous or {}).get("reservataires", [])}
    report_rule = next(iter(ruleset.of("report")), None)
    report_params = report_rule.at(on) if report_rule else None
    objectives = {r.rule.reservataire: r for r in ruleset.of("objectif")}
    entries = []
    ids = sorted(set(ledger.accounts) | set(previous_reports) | {rid for rid in objectives if rid in registry.by_id})
    for rid in ids:
        res = registry.by_id.get(rid) or registry.resolve(rid)
        account = ledger.accounts.get(rid) or Account()
        if rid not in bases:
            bases[rid] = base_of(ruleset, _reservataire_facts(res), on)
        counted = account.counted()
        objectif, objectif_statut, objectif_note = objective(objectives.get(rid), on, bailleur, ruleset)
        anterieur = int(previous_reports.get(rid, 0) or 0)
        entry = {
            "id": rid, "libelle": res.libelle, "type": res.type, "mode_gestion": res.mode_gestion,
            "base_decompte": bases[rid][0],
            "objectif": objectif, "objectif_statut": objectif_statut, "report_anterieur": anterieur,
            "mises_a_disposition": account.mises_a_disposition, "attributions": account.attributions,
            "baux": account.baux, "refus": account.refus, "decompte": len(counted),
            **_gap(len(counted), objectif, anterieur, report_params),
            "obligations": obligations_of(ruleset, on, res, account, ledger.fields, flux_total),
            "delais_depasses": [record for *_, records in sorted(account.depasses, key=BY_DATE_AND_OFFER)
                                for record in records],
            "offres_decomptees": counted,
        }
        if objectif_note:
            entry["objectif_note"] = objectif_note
        entry["interpretations"] = _interpretations_used(
            ruleset, on, account.regles | {o["id"] for o in entry["obligations"]}
            | {r.id for r in (bases[rid][1], objectives.get(rid), report_rule) if r is not None}
            | (_flux_rules(ruleset) if objectif is not None and objectives[rid].at(on).methode == "flux_theorique"
               else set()))
        if res.delegue_a:
            entry["delegue_a"] = res.delegue_a
        if not res.connu:
            entry["avertissement"] = f"réservataire « {res.libelle} » absent du registre des règles"
        entries.append(entry)
    _roll_up_delegations(entries, registry, report_params)
    remaining.annotate(entries, ruleset, on, objectives)
    rejets = [{"fichier": p.fichier, "ligne": p.ligne, "motif": p.message} for p in
              sorted(log.problems, key=lambda p: (p.ligne, p.message, p.fichier))]
    evenements = {"lus": log.lus, "evalues": log.lus - len(rejets) - (posterieurs or 0), "rejetes": len(rejets)}
    if posterieurs is not None:
        evenements["posterieurs"] = posterieurs
    return {
        "exercice": year,
        "regles": ruleset.name,
        "bailleur": bailleur,
        "evenements": {**evenements, "rejets": rejets},
        "reservataires": entries,
        "total_decompte": flux_total,
    }


def _flux_rules(ruleset: RuleSet) -> set[str]:
    """The rules a theoretical flux reads: annexe 1, the flux and rotation settings, the deductions."""
    return {r.id for nature in ("annexe1", "flux", "rotation", "deduction") for r in ruleset.of(nature)}


def _interpretations_used(ruleset: RuleSet, on: dt.date, ids: set[str]) -> list[dict]:
    """The interpretations the réservataire's figures rest on: those of the rules that decided or timed its
    offers, of its basis, objective, carry-over and obligations, in force on ``on``."""
    return [item for rid in sorted(ids) if rid in ruleset.rules
            for item in ruleset.rules[rid].interpretation_records(on)]


def _gap(decompte: int, objectif: int | None, anterieur: int, report_params) -> dict:
    """``ecart`` = décompte − (objectif + report antérieur), and the carry-over the territory's text asks for:
    ``report_suivant`` is what next year's objective takes (« seront reportés »; « pourront être reportés »
    only when the parties chose it), ``report_facultatif`` what an optional carry-over would be. An objective
    that no text determines has neither gap nor carry-over."""
    mode = report_params.mode if report_params else "aucun"
    out = {"ecart": None, "report_mode": mode, "report_suivant": 0 if mode == "aucun" else None}
    if objectif is None:
        if mode == "facultatif":
            out["report_facultatif"] = None
        return out
    out["ecart"] = ecart = decompte - (objectif + anterieur)
    due = max(0, -ecart)
    if mode == "facultatif":
        out["report_facultatif"] = due
        out["report_choisi"] = report_params.choisi_par_les_parties
        out["report_suivant"] = due if report_params.choisi_par_les_parties else 0
    else:
        out["report_suivant"] = due if mode == "obligatoire" else 0
    return out


def _roll_up_delegations(entries: list[dict], registry: Registry, report_params) -> None:
    """A contingent managed by delegation counts for its holder: the delegate's counted offers are added to
    the holder's ``decompte`` (Toulouse Métropole ← commune de Flourens, convention art. 2), and listed."""
    by_id = {e["id"]: e for e in entries}
    for entry in entries:
        delegates = [by_id[d] for d in sorted(registry.delegates_of(entry["id"])) if d in by_id]
        if not delegates:
            continue
        entry["decompte_propre"] = entry["decompte"]
        entry["delegations"] = [{k: d[k] for k in ("id", "mises_a_disposition", "attributions", "baux", "refus",
                                                   "decompte")} for d in delegates]
        entry["decompte"] += sum(d["decompte"] for d in delegates)
        entry["offres_decomptees"] = entry["offres_decomptees"] + [o for d in delegates
                                                                   for o in d["offres_decomptees"]]
        entry.update(_gap(entry["decompte"], entry["objectif"], entry["report_anterieur"], report_params))
        for d in delegates:
            d["gere_pour"] = entry["id"]


def objective(rule, on: dt.date, bailleur: str | None, ruleset: RuleSet) -> tuple[int | None, str, str | None]:
    """(objectif, objectif_statut, note): a number only where a text states it or the rules compute it
    (``fixe``); ``absent`` when no rule names one; ``indetermine`` when the text leaves it open."""
    if rule is None:
        return None, "absent", "aucun objectif dans les règles"
    params = rule.at(on)
    if params is None:
        return None, "absent", f"objectif « {rule.id} » pas en vigueur en {on.year}"
    if params.methode == "indetermine":
        note = f"objectif non déterminé : {params.motif.strip()}"
        if bailleur in params.par_bailleur:
            note += (f" ; pour information, chiffre du bailleur « {bailleur} » sur "
                     f"{params.perimetre or 'le périmètre du texte'} : {params.par_bailleur[bailleur]}")
        return None, "indetermine", note
    if params.methode == "valeur":
        if params.valeur is None:
            return None, "indetermine", f"objectif « {rule.id} » sans valeur"
        return params.valeur, "fixe", None
    if params.methode == "droits_negocies":
        if bailleur in params.par_bailleur:
            return params.par_bailleur[bailleur], "fixe", None
        return None, "indetermine", f"droits négociés inconnus pour le bailleur « {bailleur} » ({rule.rule.source})"
    value = objective_from_annexe(ruleset, rule.rule.reservataire, on)
    if value is None:
        return None, "indetermine", "flux théorique non calculable sans annexe 1 ni inventaire (commande flux)"
    return value, "fixe", None


def obligations_of(ruleset: RuleSet, on: dt.date, res: Reservataire, account: Account, fields: tuple[str, ...],
                   flux_total: int) -> list[dict]:
    """Each obligation of the réservataire on its population, the offers grouped by signature (the values
    of ``fields``, every field the obligations read)."""
    facts = _reservataire_facts(res)
    rules = [rule for rule in ruleset.of("obligation")
             if rule.at(on) is not None and evaluate(rule.rule.applicable_a, facts) is True]
    items_of: dict[str, list[Item]] = {}
    out = []
    for rule in rules:
        name = "decompte" if rule.rule.mesure == "part_du_flux" else rule.rule.population
        if name not in items_of:
            items_of[name] = [Item(dict(zip(fields, signature, strict=True)), n)
                              for signature, n in account.items(name)]
        out.append(assess(rule, on, items_of[name], flux_total))
    return out
