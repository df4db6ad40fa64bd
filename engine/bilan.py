"""``bilan``: the annual bilan of CCH R441-5-1 (convention type Haute-Garonne, art. 7), per réservataire and
for the bailleur.

The three indicators of art. 7 — mises à disposition (including those left
without candidates or taken back), attributions (including the proposals
households refused) and entrées dans les lieux — broken down by public,
typologie, financement, commune, QPV, construction period and accessibility;
the assiette recap (eligible stock at 31/12/N-1, dwellings freed — a
libération notice or a vacancy offered in N — and delivered in N); the new programmes; the obligations and carry-over of
``evaluate``; and each réservataire's share of the dwellings freed in the
year: the freed dwellings offered to it at least once (:data:`PART_DES_LIBERATIONS`), at most 100 %.
The bilan cites the rule set's own sources (each layer of its chain), not those of another territory.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from engine.counting.registry import Registry
from engine.flux.assiette import AssietteRules, build_columns
from engine.inputs.inventory import Inventory
from engine.inputs.values import menage_facts
from engine.year.evaluate import Evaluation

INDICATEURS = ("mises_a_disposition", "attributions", "entrees_dans_les_lieux")
DIMENSIONS = ("public", "typologie", "financement", "commune", "qpv", "periode_construction", "accessibilite")
LABELS = {"mises_a_disposition": "Mises à disposition", "attributions": "Attributions",
          "entrees_dans_les_lieux": "Entrées dans les lieux", "public": "Public", "typologie": "Typologie",
          "financement": "Financement", "commune": "Commune", "qpv": "Quartier prioritaire",
          "periode_construction": "Période de construction", "accessibilite": "Accessibilité"}


PART_DES_LIBERATIONS = ("part des logements libérés dans l'année qui ont été proposés au moins une fois "
                        "(mis à disposition hors première location d'un programme neuf) : un logement proposé "
                        "plusieurs fois ne compte qu'une fois, la part ne dépasse pas 100 % ; la somme des "
                        "réservataires peut dépasser 100 % quand un logement est proposé à plusieurs d'entre eux")
BILAN_SOURCE = "CCH R441-5-1"


def sources(ruleset) -> list[str]:
    """The bilan's text, then the source of each layer of the rule set, the most specific first."""
    out = [BILAN_SOURCE]
    for name in reversed(ruleset.chain):
        source = ruleset.layers[name].meta("source")
        if source and source not in out:
            out.append(source)
    return out


def periode(year) -> str:
    if year is None:
        return "inconnue"
    if year < 1977:
        return "avant 1977"
    if year < 2000:
        return "1977-1999"
    if year < 2013:
        return "2000-2012"
    return "depuis 2013"


def dimensions(facts: dict, menage: dict | None) -> dict[str, str]:
    typologie = facts.get("logement.typologie")
    qpv = facts.get("logement.qpv")
    access = facts.get("logement.accessibilite")
    if menage is None:
        public = "sans objet"
    else:
        mf = menage_facts(menage)
        public = "prioritaire" if mf["menage.prioritaire"] else "non prioritaire"
    return {
        "public": public,
        "typologie": f"T{typologie}" if typologie else "inconnue",
        "financement": facts.get("logement.financement") or "inconnu",
        "commune": facts.get("logement.commune") or "inconnue",
        "qpv": "inconnu" if qpv is None else ("en QPV" if qpv else "hors QPV"),
        "periode_construction": periode(facts.get("logement.annee_construction")),
        "accessibilite": {"pmr": "PMR", "ufr": "UFR"}.get(access or "", "non renseignée" if access is None
                                                          else "non adaptée"),
    }


def _empty() -> dict:
    return {"indicateurs": {k: 0 for k in INDICATEURS} | {"dont_sans_candidat": 0, "dont_reprises": 0,
                                                          "dont_propositions_refusees": 0},
            "ventilations": {d: defaultdict(lambda: dict.fromkeys(INDICATEURS, 0)) for d in DIMENSIONS},
            "proposes": set()}  # the dwellings freed in N offered at least once


def _add(block: dict, indicator: str, dims: dict[str, str]) -> None:
    block["indicateurs"][indicator] += 1
    for dim, value in dims.items():
        block["ventilations"][dim][value][indicator] += 1


def bilan(evaluation: Evaluation, inventory: Inventory | None = None) -> dict:
    year = evaluation.year
    in_year = lambda d: d is not None and d.year == year  # noqa: E731
    blocks: dict[str, dict] = defaultdict(_empty)
    total = _empty()
    for ev in evaluation.offers.values():
        offer = ev.offer
        rid = ev.reservataire.id
        retained = offer.menage_retenu()
        targets = (blocks[rid], total)
        if in_year(offer.mad.date):
            for block in targets:
                _add(block, "mises_a_disposition", dimensions(ev.facts, None))
                block["indicateurs"]["dont_sans_candidat"] += not offer.candidats
                block["indicateurs"]["dont_reprises"] += offer.reprise is not None
                if not offer.neuf:
                    block["proposes"].add(offer.logement)
        if in_year(offer.attribution_date):
            for block in targets:
                _add(block, "attributions", dimensions(ev.facts, retained))
                block["indicateurs"]["dont_propositions_refusees"] += len(offer.refus())
        if offer.bail is not None and in_year(offer.bail.data.get("_entree") or offer.bail.date):
            for block in targets:
                _add(block, "entrees_dans_les_lieux", dimensions(ev.facts, retained))
    life = evaluation.life
    # a dwelling freed in N: a libération notice in N, or a vacancy (not a first letting) offered in N
    freed = sorted({lib.data["logement"] for recs in life.liberations.values() for lib in recs if in_year(lib.date)}
                   | {ev.offer.logement for ev in evaluation.offers.values()
                      if in_year(ev.offer.mad.date) and not ev.offer.neuf})
    delivered = [{"logement": r.data["logement"], "programme": r.data.get("programme"), "date": r.date.isoformat()}
                 for recs in life.mises_en_service.values() for r in recs if in_year(r.date)]
    delivered.sort(key=lambda x: (x["date"], x["logement"]))
    evaluated = {r["id"]: r for r in evaluation.result["reservataires"]}
    reservataires = []
    for rid in sorted(set(blocks) | set(evaluated)):
        block = blocks.get(rid) or _empty()
        entry = evaluated.get(rid, {})
        reservataires.append({
            "id": rid, "libelle": entry.get("libelle", rid), "type": entry.get("type"),
            "base_decompte": entry.get("base_decompte"), "objectif": entry.get("objectif"),
            "decompte": entry.get("decompte"), "ecart": entry.get("ecart"),
            "report_anterieur": entry.get("report_anterieur"), "report_suivant": entry.get("report_suivant"),
            **_render(block, len(freed)),
            "obligations": entry.get("obligations", []), "delais_depasses": entry.get("delais_depasses", []),
        })
    cited = sources(evaluation.ruleset)
    return {
        "exercice": year, "regles": evaluation.ruleset.name, "bailleur": evaluation.result.get("bailleur"),
        "source": " ; ".join(cited), "sources": cited,
        "definitions": {"part_des_liberations": PART_DES_LIBERATIONS},
        "evenements": evaluation.result["evenements"],
        "assiette": _assiette(evaluation, inventory, len(freed), len(delivered)),
        "ensemble": _render(total, len(freed)),
        "programmes_neufs": delivered,
        "reservataires": reservataires,
    }


def _render(block: dict, freed: int) -> dict:
    ind = block["indicateurs"]
    return {
        "indicateurs": dict(ind),
        "logements_liberes_proposes": len(block["proposes"]),
        "part_des_liberations": len(block["proposes"]) / freed if freed else None,
        "ventilations": {dim: {value: dict(counts) for value, counts in sorted(values.items())}
                         for dim, values in block["ventilations"].items()},
    }


def _assiette(evaluation: Evaluation, inventory: Inventory | None, freed: int, delivered: int) -> dict:
    out = {"logements_liberes": freed, "logements_livres": delivered, "parc_eligible_31_12_precedent": None,
           "par_reservataire": {}, "exclus": {}}
    if inventory is None:
        out["note"] = "parc éligible au 31/12/N-1 : donnez --inventory"
        return out
    on = dt.date(evaluation.year - 1, 12, 31)
    ruleset = evaluation.ruleset
    counted = build_columns(inventory, AssietteRules(ruleset, on), Registry(ruleset))
    out.update({"parc_eligible_31_12_precedent": counted.eligibles, "logements": counted.logements,
                "par_reservataire": dict(sorted(counted.par_reservataire.items())),
                "exclus": dict(sorted(counted.exclus.items()))})
    return out
