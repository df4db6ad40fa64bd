"""The result of a year: the ledger's accounts read per réservataire (counts, objective, gap, carry-over,
obligations, overdue deadlines, interpretations), delegations rolled up."""

from __future__ import annotations

import datetime as dt

from engine.checks import remaining
from engine.checks.obligations import Item, assess
from engine.counting.decide import base_of
from engine.counting.registry import Registry, Reservataire
from engine.flux.theoretical import objective_from_annexe
from engine.inputs.events import EventLog
from engine.ledger import BY_DATE_AND_OFFER, Account, Ledger
from engine.ruleset.conditions import evaluate
from engine.ruleset.inherit import RuleSet
from engine.year.offer import reservataire_facts


def tally(log: EventLog, ruleset: RuleSet, year: int, registry: Registry, bases: dict, ledger: Ledger,
          previous: dict | None, bailleur: str | None) -> dict:
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
            bases[rid] = base_of(ruleset, reservataire_facts(res), on)
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
    return {
        "exercice": year,
        "regles": ruleset.name,
        "bailleur": bailleur,
        "evenements": {"lus": log.lus, "evalues": log.lus - len(rejets), "rejetes": len(rejets), "rejets": rejets},
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
    """A contingent managed by delegation counts for its holder: the delegates' counted offers are added to
    the holder's ``decompte`` (Toulouse Métropole ← commune de Flourens, convention art. 2), and listed. Along a
    chain (a delegate that delegates in turn) each delegate's own offers are added once to every holder above it;
    ``gere_pour`` names the holder that delegated to it directly."""
    by_id = {e["id"]: e for e in entries}
    own = {e["id"]: (e["decompte"], list(e["offres_decomptees"])) for e in entries}
    for entry in entries:
        delegates = [by_id[d] for d in sorted(registry.delegates_of(entry["id"])) if d in by_id]
        if not delegates:
            continue
        entry["decompte_propre"] = own[entry["id"]][0]
        entry["delegations"] = [{k: d[k] for k in ("id", "mises_a_disposition", "attributions", "baux", "refus")}
                                | {"decompte": own[d["id"]][0]} for d in delegates]
        entry["decompte"] = own[entry["id"]][0] + sum(own[d["id"]][0] for d in delegates)
        entry["offres_decomptees"] = own[entry["id"]][1] + [o for d in delegates for o in own[d["id"]][1]]
        entry.update(_gap(entry["decompte"], entry["objectif"], entry["report_anterieur"], report_params))
        direct = registry.by_id[entry["id"]].delegue_a if entry["id"] in registry.by_id else None
        for d in delegates:
            if d["id"] == direct or "gere_pour" not in d:
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
    facts = reservataire_facts(res)
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
