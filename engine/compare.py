"""``compare``: the same events (or inventory) under several rule sets, side by side.

For each réservataire every figure per scenario, the figures that differ
tied to the rule values that differ (with their sources), the obligations
whose statut changes (and those that flip between atteint and non atteint),
and the offers whose counting decision changed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from engine.flux.run import FluxOptions, run
from engine.ruleset.diff import rule_differences
from engine.year.evaluate import Evaluation, evaluate_file

FIGURES = ["base_decompte", "objectif", "report_anterieur", "mises_a_disposition", "attributions", "baux", "refus",
           "decompte", "ecart", "reste_a_faire", "report_suivant", "delais_depasses"]
ON_DATE_FIGURES = ["retard_prorata", "echeances_ouvertes"]  # with ``--au``
DERIVED = {"retard_prorata": lambda r: (r.get("prorata") or {}).get("retard")}
FLUX_FIGURES = ["logements_eligibles", "logements_reservataire", "part", "taux_rotation", "flux_total",
                "flux_a_repartir", "flux_brut", "flux", "flux_prioritaires"]
EXPLAINED_BY = {
    "base_decompte": {"base_decompte", "reservataire"},
    "objectif": {"objectif", "annexe1", "flux", "rotation"},
    "mises_a_disposition": {"reservataire"},
    "attributions": {"reservataire"},
    "baux": {"reservataire"},
    "refus": {"delai", "reservataire"},
    "decompte": {"base_decompte", "decompte", "reservataire"},
    "ecart": {"base_decompte", "decompte", "objectif", "annexe1", "flux", "rotation"},
    "reste_a_faire": {"base_decompte", "decompte", "objectif", "annexe1", "flux", "rotation", "report"},
    "retard_prorata": {"base_decompte", "decompte", "objectif", "annexe1", "flux", "rotation", "report"},
    "echeances_ouvertes": {"delai"},
    "report_anterieur": {"report"},
    "report_suivant": {"report", "base_decompte", "decompte", "objectif"},
    "delais_depasses": {"delai"},
    "obligation": {"obligation", "base_decompte", "decompte"},
    "logements_eligibles": {"inclusion", "exclusion"},
    "logements_reservataire": {"inclusion", "exclusion", "reservataire"},
    "part": {"inclusion", "exclusion", "reservataire"},
    "taux_rotation": {"rotation", "annexe1"},
    "flux_total": {"rotation", "annexe1", "inclusion", "exclusion", "flux"},
    "flux_a_repartir": {"deduction", "rotation", "annexe1", "flux"},
    "flux_brut": {"deduction", "rotation", "annexe1", "flux", "inclusion", "exclusion"},
    "flux": {"deduction", "rotation", "annexe1", "flux"},
    "flux_prioritaires": {"deduction", "rotation", "annexe1", "flux"},
}


def _explain(figure: str, rules: list[dict]) -> list[str]:
    natures = EXPLAINED_BY.get(figure, set())
    return [r["id"] for r in rules if r["nature"] in natures]


def _side_by_side(records: list[dict | None], figures: list[str], rules: list[dict]) -> tuple[dict, list[dict]]:
    values, diffs = {}, []
    for fig in figures:
        get = DERIVED.get(fig, lambda r, fig=fig: r.get(fig))
        row = [None if r is None else (len(r[fig]) if isinstance(r.get(fig), list) else get(r)) for r in records]
        values[fig] = row
        if len({repr(v) for v in row}) > 1:
            diffs.append({"chiffre": fig, "valeurs": row, "regles": _explain(fig, rules)})
    return values, diffs


def _obligations(records: list[dict | None], rules: list[dict]) -> list[dict]:
    ids: dict[str, str] = {}
    for r in records:
        for o in (r or {}).get("obligations", []):
            ids.setdefault(o["id"], o["libelle"])
    out = []
    for oid, label in ids.items():
        found = [next((o for o in (r or {}).get("obligations", []) if o["id"] == oid), None) for r in records]
        statuts = [o["statut"] if o else None for o in found]
        sens = next((o.get("sens") for o in found if o), "minimum")
        out.append({"id": oid, "libelle": label, "sens": sens, "statuts": statuts,
                    "valeurs": [o.get("valeur") if o else None for o in found],
                    "reste_a_faire": [o.get("reste_a_faire") if o else None for o in found],
                    "marge": [o.get("marge") if o else None for o in found],
                    "change": len(set(statuts)) > 1,
                    "bascule": {"atteint", "non_atteint"} <= set(statuts),
                    "regles": _explain("obligation", rules) if len(set(statuts)) > 1 else []})
    return out


def _per_reservataire(results: list[dict], figures: list[str], rules_diff: list[dict], obligations: bool) -> list:
    """Each réservataire of any scenario, its figures side by side (None where a scenario lacks it)."""
    by_scenario = [{r["id"]: r for r in res["reservataires"]} for res in results]
    out = []
    for rid in dict.fromkeys(rid for s in by_scenario for rid in s):
        records = [s.get(rid) for s in by_scenario]
        values, diffs = _side_by_side(records, figures, rules_diff)
        out.append({"id": rid, "libelle": next(r["libelle"] for r in records if r), "valeurs": values,
                    "differences": diffs, "obligations": _obligations(records, rules_diff) if obligations else []})
    return out


def _decision(ev, year: int) -> dict | None:
    if ev is None:
        return None
    counted = ev.date_decompte is not None and ev.date_decompte.year == year
    return {"compte": counted, "regle": ev.decision.regle_id,
            "date": ev.date_decompte.isoformat() if ev.date_decompte else None}


def compare_events(events: Path, rules: list[str], year: int | None = None, inventory: dict | None = None,
                   skip_invalid: bool = False, previous: dict | None = None, au: dt.date | None = None) -> dict:
    """``au``: every scenario on the same date (the year as recorded up to it)."""
    evaluations: list[Evaluation] = [evaluate_file(events, name, year, skip_invalid, previous, inventory, au=au)
                                     for name in rules]
    year = evaluations[0].year
    on = dt.date(year, 12, 31)
    rules_diff = rule_differences([e.ruleset for e in evaluations], on)
    figures = FIGURES + (ON_DATE_FIGURES if au is not None else [])
    reservataires = _per_reservataire([e.result for e in evaluations], figures, rules_diff, True)
    changed = []
    for oid in sorted({oid for e in evaluations for oid in e.offers}):
        found = [e.offers.get(oid) for e in evaluations]
        decisions = [_decision(ev, year) for ev in found]
        if len({repr(d) for d in decisions}) > 1:
            first = next(ev for ev in found if ev is not None)
            changed.append({"offre": oid, "logement": first.offer.logement, "reservataire": first.reservataire.id,
                            "par_scenario": decisions})
    different = bool(changed) or any(r["differences"] or any(o["change"] for o in r["obligations"])
                                     for r in reservataires)
    out = {
        "mode": "evenements", "exercice": year,
        "scenarios": [{"regles": e.ruleset.name, "libelle": e.ruleset.meta("libelle") or e.ruleset.name}
                      for e in evaluations],
        "evenements": evaluations[0].result["evenements"],
        "reservataires": reservataires,
        "regles_differentes": rules_diff,
        "decisions_modifiees": changed,
        "difference": different,
    }
    if au is not None:
        out["au"] = au.isoformat()
    return out


def compare_flux(base: FluxOptions, rules: list[str]) -> dict:
    from engine.ruleset.inherit import load_ruleset

    results = []
    for name in rules:
        opts = FluxOptions(**{**base.__dict__, "rules": name})
        result, _ = run(opts)
        results.append(result)
    year = results[0]["exercice"]
    rulesets = [load_ruleset(name) for name in rules]
    rules_diff = rule_differences(rulesets, dt.date(year, 12, 31))
    reservataires = _per_reservataire(results, FLUX_FIGURES, rules_diff, False)
    return {
        "mode": "flux", "exercice": year,
        "scenarios": [{"regles": rs.name, "libelle": rs.meta("libelle") or rs.name} for rs in rulesets],
        "reservataires": reservataires,
        "regles_differentes": rules_diff,
        "decisions_modifiees": [],
        "remarques": [list(res["remarques"]) for res in results],
        "difference": any(r["differences"] for r in reservataires),
    }
