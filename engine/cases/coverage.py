"""Which rules a case exercises, measured by the engine: the rules that decided, timed or computed a figure
the case expects (a rule that fired, or one tried first whose failure let the deciding rule decide, for the
offer a case explains).

A case covers the clauses (rules defined, replaced or modified — ``regles`` and ``surcharges``) of every layer of
its rule set's chain that carry a rule it exercised: a case under the OPH 31 convention covers the OPH 31 clause
of ``report-objectifs`` and, through it, the national rule it modifies.
"""

from __future__ import annotations

import datetime as dt

from engine.problems import BadInput
from engine.ruleset.inherit import Catalog, RuleSet

COUNTS = {"decompte", "decompte_propre", "offres_decomptees", "ecart", "report_suivant", "report_facultatif",
          "delegations"}
OBJECTIVE = {"objectif", "objectif_statut", "ecart", "report_suivant", "report_facultatif", "objectif_note"}
REPORT = {"report_suivant", "report_facultatif", "report_mode", "report_choisi"}
REGISTRY = {"type", "mode_gestion", "delegue_a", "gere_pour", "libelle", "base_decompte"}


def of_evaluation(evaluation, expected: dict, explained: str | None) -> set[tuple[str, str]]:
    """(layer, rule id) of the clauses whose rules the expected figures of an evaluation rest on."""
    from engine.counting.decide import base_of
    from engine.year.offer import reservataire_facts

    ruleset: RuleSet = evaluation.ruleset
    on = dt.date(evaluation.year, 12, 31)
    by_holder: dict[str, list] = {}
    for ev in evaluation.offers.values():
        by_holder.setdefault(ev.reservataire.id, []).append(ev)
        if ev.reservataire.delegue_a is None:
            holder = next((r["id"] for r in evaluation.result["reservataires"]
                           if ev.reservataire.id in {d["id"] for d in r.get("delegations", [])}), None)
            if holder:
                by_holder.setdefault(holder, []).append(ev)
    entries = {r["id"]: r for r in evaluation.result["reservataires"]}
    used: set[str] = set()
    for rid, want in expected.items():
        if rid not in entries or not isinstance(want, dict):
            continue
        keys = set(want)
        evs = by_holder.get(rid, [])
        if keys & COUNTS:
            used |= {ev.decision.regle.id for ev in evs if ev.decision.regle is not None}
        if keys & (COUNTS | {"base_decompte"}):
            res = next((ev.reservataire for ev in evs), None)
            if res is not None:
                _, rule = base_of(ruleset, reservataire_facts(res), on)
                if rule is not None:
                    used.add(rule.id)
        if "delais_depasses" in keys or "refus" in keys:
            for ev in evs:
                for c in ev.deadlines:
                    if "delais_depasses" in keys or c.regle.rule.consequence == "refus_implicite":
                        used.add(c.regle.id)
                        if c.prorogee:
                            used.add("prorogation")
        if "obligations" in keys:
            used |= set(want["obligations"])
        if keys & OBJECTIVE:
            used |= {r.id for r in ruleset.of("objectif") if r.rule.reservataire == rid}
        if keys & REPORT:
            used |= {r.id for r in ruleset.of("report")}
        if keys & REGISTRY:
            used.add(rid)
    if explained is not None and explained in evaluation.offers:
        used |= _explained(evaluation, explained)
    return clauses(ruleset, used)


def _explained(evaluation, offer_id: str) -> set[str]:
    """The rules an explained offer's trace shows deciding: the counting rules tried up to the one that decided
    (their failure let it decide), its deadlines, the prorogation that moved them."""
    ev = evaluation.offers[offer_id]
    used = {c.regle.id for c in ev.deadlines} | ({"prorogation"} if any(c.prorogee for c in ev.deadlines) else set())
    decider = sorted(evaluation.ruleset.of("decompte"), key=lambda r: (r.rule.priorite, r.id))
    for rule in decider:
        used.add(rule.id)
        if ev.decision.regle is not None and rule.id == ev.decision.regle.id:
            break
    return used


def of_flux(ruleset: RuleSet, result: dict) -> set[tuple[str, str]]:
    """The rules a ``flux`` result was computed with: the flux and rotation settings, each deduction and
    exclusion it shows, each annexe 1 of its réservataires and the registry entry each resolved to (its
    dwellings are counted under that id), the assiette's inclusion."""
    used = {r.id for r in ruleset.of("flux")} | {r.id for r in ruleset.of("rotation")}
    used |= {e["id"] for e in result.get("exclusions", []) if e.get("logements")}
    if result.get("exclusions") is not None and result.get("inventaire"):
        used |= {r.id for r in ruleset.of("inclusion")}
    registry = {r.id for r in ruleset.of("reservataire")}
    for r in result.get("reservataires", []):
        used |= {r["id"]} & registry
        used |= {d["id"] for d in r.get("deductions", [])}
        used |= {rule.id for rule in ruleset.of("annexe1") for _, p in rule.dated if p.reservataire == r["id"]}
    return clauses(ruleset, used)


def clauses(ruleset: RuleSet, used: set[str]) -> set[tuple[str, str]]:
    """Each (layer, rule id) of the rule set's chain that writes one of ``used`` (defines or modifies it)."""
    out = set()
    for name in ruleset.chain:
        for f in ruleset.layers[name].files:
            for entry in [*(f.data.get("regles") or []), *(f.data.get("surcharges") or [])]:
                if isinstance(entry, dict) and entry.get("id") in used:
                    out.add((name, entry["id"]))
    return out


NOT_READ = {"parametre": "paramètre informatif : le moteur ne le lit pas pour un chiffre"}


def table(catalog: Catalog, covered: dict[tuple[str, str], list[str]]) -> list[dict]:
    """Every clause of every layer (rules defined, replaced or modified), with the cases that cover it."""
    out = []
    for name in catalog.names():
        for f in catalog.layers[name].files:
            for kind in ("regles", "surcharges"):
                for i, entry in enumerate(f.data.get(kind) or []):
                    if not isinstance(entry, dict) or "id" not in entry:
                        continue
                    nature = entry.get("nature") or _nature(catalog, name, entry["id"])
                    cases = covered.get((name, entry["id"]), [])
                    item = {"couche": name, "regle": entry["id"], "nature": nature,
                            "clause": "surcharge" if kind == "surcharges" else "regle",
                            "fichier_ligne": f"{f.name}:{f.line(kind, i)}", "cas": cases}
                    if not cases and nature in NOT_READ:
                        item["motif"] = NOT_READ[nature]
                    out.append(item)
    return out


def _nature(catalog: Catalog, layer: str, rid: str) -> str | None:
    if layer not in _RESOLVED:
        try:
            _RESOLVED[layer] = catalog.resolve(layer)
        except BadInput:  # a layer that does not resolve is reported by rules validate
            _RESOLVED[layer] = None
    rule = _RESOLVED[layer].rules.get(rid) if _RESOLVED[layer] else None
    return rule.nature if rule else None


_RESOLVED: dict[str, RuleSet | None] = {}
