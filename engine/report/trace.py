"""``explain``: the trace of one offer — records, rules that fired or not, deadlines, decision."""

from __future__ import annotations

from engine.report.labels import word
from engine.ruleset.conditions import evaluate, first_failure


def _fact(value) -> str:
    """A fact's value in the words of the conditions (``vrai``, ``faux``), never Python's ``False``.

    >>> _fact(False), _fact(None), _fact(3), _fact("mise_a_disposition")
    ('faux', 'inconnue', '3', 'mise à disposition')
    """
    if value is True:
        return "vrai"
    if value is False:
        return "faux"
    if value is None:
        return "inconnue"
    return word(value)


def _where(rule) -> str:
    return f"{rule.where[0]}:{rule.where[1]}"


def _chosen(rule, on) -> list[dict]:
    """The interpretations a step rests on (empty when every value comes from a cited text)."""
    return rule.interpretation_records(on) if rule is not None else []


def _moved(c, prorogation_rule) -> dict | None:
    """How a deadline was extended (CPC art. 642): from which day, to which, why, and by which setting."""
    if not c.prorogee or c.avant_prorogation is None:
        return None
    out = {"de": c.avant_prorogation.isoformat(), "a": c.echeance.isoformat(), "motif": c.motif_prorogation,
           "regle": "prorogation"}
    if prorogation_rule is not None:
        out["source"] = prorogation_rule.rule.source
        out["fichier_ligne"] = _where(prorogation_rule)
    return out


def offer_trace(evaluation, offer_id: str) -> dict:
    import datetime as dt

    from engine.checks.deadlines import prorogation

    ev = evaluation.offers[offer_id]
    on = dt.date(evaluation.year, 12, 31)
    _, prorogation_rule = prorogation(evaluation.ruleset, on)
    offer = ev.offer
    records = [{"ligne": r.line, "id": r.id, "type": r.type, "date": r.date.isoformat(),
                "annule": r.annule, "donnees": {k: v for k, v in r.data.items() if not k.startswith("_")}}
               for r in sorted(offer.records, key=lambda r: (r.date, r.line))]
    rules = []
    decider_rules = sorted(evaluation.ruleset.of("decompte"), key=lambda r: (r.rule.priorite, r.id))
    for rule in decider_rules:
        verdict = evaluate(rule.rule.condition, ev.facts)
        step = {"regle": rule.id, "libelle": rule.rule.libelle, "source": rule.rule.source,
                "fichier_ligne": _where(rule), "priorite": rule.rule.priorite,
                "applicable": verdict is True}
        if _chosen(rule, on):
            step["interpretations"] = _chosen(rule, on)
        if verdict is not True:
            failed = first_failure(rule.rule.condition, ev.facts)
            step["pourquoi_pas"] = (f"condition non remplie : {failed.describe()} "
                                    f"(valeur : {_fact(ev.facts.get(failed.champ))})"
                                    if failed is not None else "donnée inconnue")
        rules.append(step)
        if verdict is True:
            break
    deadlines = []
    for c in ev.deadlines:
        item = {**c.record(), "depart": c.depart.isoformat(), "fichier_ligne": _where(c.regle),
                "feries_sautes": [d.isoformat() for d in c.feries], "prorogee": c.prorogee,
                "prorogation": _moved(c, prorogation_rule), "statut": "depasse" if c.depasse else "respecte"}
        chosen = _chosen(c.regle, c.depart) + (_chosen(prorogation_rule, on) if c.prorogee else [])
        if chosen:
            item["interpretations"] = chosen
        deadlines.append(item)
    decision = ev.decision
    return {
        "offre": offer.id, "logement": offer.logement, "reservataire": ev.reservataire.id,
        "base_decompte": ev.facts["offre.base"],
        "enregistrements": records,
        "regles_decompte": rules,
        "delais": deadlines,
        "refus": [{"menage": m, "date": d.isoformat(), "adaptee": a,
                   "implicite": m in offer.refus_implicites} for m, d, a in offer.refus()],
        "decision": {"decompte": decision.compte, "regle": decision.regle_id,
                     "date": ev.date_decompte.isoformat() if ev.date_decompte else None,
                     "exercice": evaluation.year,
                     "dans_l_exercice": bool(ev.date_decompte and ev.date_decompte.year == evaluation.year),
                     "motif": ("aucune règle de décompte ne s'applique : non décompté"
                               if decision.regle is None else decision.regle.rule.libelle),
                     "interpretations": _chosen(decision.regle, on)},
    }


def render_trace(trace: dict) -> str:
    lines = [f"Offre {trace['offre']} — logement {trace['logement']} — réservataire {trace['reservataire']} "
             f"(base : {word(trace['base_decompte'])})", "", "Enregistrements (ordre des dates) :"]
    for r in trace["enregistrements"]:
        flag = " [annulé]" if r["annule"] else ""
        lines.append(f"  {r['date']}  ligne {r['ligne']}  {word(r['type'])}{flag}")
    lines += ["", "Règles de décompte essayées (par priorité) :"]
    for step in trace["regles_decompte"]:
        mark = "✔ s'applique" if step["applicable"] else "✘ " + step["pourquoi_pas"]
        lines.append(f"  {step['regle']} — {step['libelle']} ({step['source']} ; {step['fichier_ligne']}) : {mark}")
        lines += _said(step)
    if trace["delais"]:
        lines += ["", "Délais :"]
        for d in trace["delais"]:
            feries = (" ; jours fériés sautés : " + ", ".join(d["feries_sautes"])) if d["feries_sautes"] else ""
            done = f"réalisé le {d['realise']}" if d["realise"] else "non réalisé"
            lines.append(f"  {d['regle']} — départ {d['depart']}, échéance {d['echeance']}, {done} : "
                         f"{word(d['statut'])}{feries} ({d['source']} ; {d['fichier_ligne']})")
            moved = d.get("prorogation")
            if moved:
                lines.append(f"    échéance prorogée du {_day(moved['de'])} au {_day(moved['a'])} ({moved['motif']} ; "
                             f"CPC art. 642, réglage « prorogation »"
                             + (f", {moved['fichier_ligne']})" if moved.get("fichier_ligne") else ")"))
            lines += _said(d)
    for r in trace["refus"]:
        lines.append(f"  refus du ménage {r['menage']} le {r['date']}" + (" (silence : refus implicite, CCH R441-10)"
                                                                        if r["implicite"] else ""))
    d = trace["decision"]
    verdict = f"décompté le {d['date']}" if d["decompte"] else "non décompté"
    lines += ["", f"Décision : {verdict} — {d['motif']}"
              + ("" if d["dans_l_exercice"] or not d["decompte"] else f" (hors exercice {d['exercice']})")]
    lines += _said(d)
    return "\n".join(lines) + "\n"


WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _day(iso: str) -> str:
    import datetime as dt

    day = dt.date.fromisoformat(iso)
    return f"{WEEKDAYS[day.weekday()]} {day.strftime('%d/%m/%Y')}"


def _said(step: dict) -> list[str]:
    """The interpretations a step rests on, marked as such."""
    return [f"    ⚠ interprétation du projet ({i['regle']}, {i['fichier_ligne']}) : {i['texte']}"
            for i in step.get("interpretations", [])]
