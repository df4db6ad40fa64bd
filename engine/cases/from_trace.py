"""``explain --en-cas``: a disputed offer turned into a case a person corrects and keeps (what the engine
decided is written as expected; the person checks it against the article and says which in ``source``)."""

from __future__ import annotations

import yaml


def case_of(evaluation, offer_id: str, rules: str) -> dict:
    """A case file (as a dict) with the offer's records, its dwelling's libérations and mises en service, and
    what the engine decided: whether and when it counted, its overdue deadlines, the deciding rule."""
    from engine.report.trace import offer_trace

    trace = offer_trace(evaluation, offer_id)
    ev = evaluation.offers[offer_id]
    records = []
    for r in trace["enregistrements"]:
        if r["annule"]:
            continue
        data = {k: v for k, v in r["donnees"].items() if k not in ("offre", "id")}
        if r["type"] == "mise_a_disposition":
            data.pop("logement", None)
            data.pop("reservataire", None)
        records.append({"type": r["type"], "date": r["date"], **{k: v for k, v in data.items() if k != "type"}})
    context = [{"type": rec.type, "date": rec.date.isoformat(), **{k: v for k, v in rec.data.items()
                                                                    if not k.startswith("_")}}
               for table in (evaluation.life.liberations, evaluation.life.mises_en_service)
               for rec in table.get(ev.offer.logement, [])]
    decided = trace["decision"]
    year = evaluation.year
    overdue = [{"offre": d["offre"], "regle": d["regle"], "echeance": d["echeance"], "realise": d["realise"]}
               for d in trace["delais"] if d["statut"] == "depasse" and d["echeance"][:4] == str(year)]
    case = {
        "nom": f"offre-{offer_id}".lower().replace("_", "-"),
        "source": "À COMPLÉTER : l'article que ce cas illustre (texte, article, et ses mots)",
        "description": ("Écrit par « flux-rules explain --en-cas » : les valeurs attendues sont celles que le "
                        "moteur a calculées ; vérifiez-les contre l'article avant de garder le cas."),
        "regles": rules,
        "exercice": year,
    }
    if evaluation.result.get("bailleur"):
        case["bailleur"] = evaluation.result["bailleur"]
    if context:
        case["evenements"] = context
    case["offres"] = [{"offre": offer_id, "logement": ev.offer.logement,
                       "reservataire": ev.offer.mad.data["reservataire"], "evenements": records}]
    case["attendu"] = {trace["reservataire"]: {"decompte": 1 if decided["decompte"] and decided["dans_l_exercice"]
                                               else 0, "delais_depasses": overdue}}
    case["explication"] = offer_id
    case["attendu_explication"] = {"decision": {"decompte": decided["decompte"], "regle": decided["regle"]}}
    return {"cas": [case]}


def to_yaml(cases: dict) -> str:
    return ("# Cas écrit par « flux-rules explain --en-cas » : à vérifier contre le texte, puis à garder dans un "
            "dossier cas/.\n" + yaml.safe_dump(cases, allow_unicode=True, sort_keys=False, default_flow_style=None,
                                               width=120))
