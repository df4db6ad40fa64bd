"""Which rule values differ between rule sets (for ``compare``): each value with its source and file:line."""

from __future__ import annotations

import datetime as dt
import json

from engine.ruleset.inherit import RuleSet

SHAPE = ("condition", "priorite", "depart", "attendu", "sens", "consequence", "relance", "applicable_a",
         "numerateur", "denominateur", "mesure", "population", "objet", "type", "mode_gestion", "delegue_a")


def rule_state(ruleset: RuleSet, rule_id: str, on: dt.date) -> dict | None:
    """What a rule says on a date: its dated values and the fields that shape it, with where each was set."""
    rule = ruleset.rules.get(rule_id)
    if rule is None:
        return None
    params = rule.at(on)
    shape = {}
    for key in SHAPE:
        value = getattr(rule.rule, key, None)
        if value is None:
            continue
        shape[key] = value.describe() if hasattr(value, "describe") else value
    where = rule.since(on)
    return {
        "valeurs": params.model_dump(mode="json") if params is not None else None,
        **shape,
        "libelle": rule.rule.libelle,
        "source": rule.rule.source,
        "fichier": f"{where[0]}:{where[1]}",
    }


def _comparable(state: dict | None) -> str:
    if state is None:
        return "absente"
    return json.dumps({k: v for k, v in state.items() if k not in ("libelle", "source", "fichier")},
                      sort_keys=True, ensure_ascii=False, default=str)


def rule_differences(rulesets: list[RuleSet], on: dt.date) -> list[dict]:
    """One entry per rule id whose effective content differs between the rule sets."""
    ids = sorted({rid for rs in rulesets for rid in rs.rules})
    out = []
    for rid in ids:
        states = [rule_state(rs, rid, on) for rs in rulesets]
        if len({_comparable(s) for s in states}) > 1:
            nature = next(rs.rules[rid].nature for rs in rulesets if rid in rs.rules)
            out.append({"id": rid, "nature": nature, "par_scenario": states})
    return out
