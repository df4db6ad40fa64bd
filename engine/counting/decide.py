"""Per-offer counting decisions: which rule of the rule set decides, through durable_rules.

The first ``decompte`` rule by priority whose condition holds decides
(:class:`~engine.counting.firstmatch.FirstMatch`: once per distinct fact
signature, with a plain-Python twin for the differential tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.counting.firstmatch import FirstMatch
from engine.problems import BadInput, Problem
from engine.ruleset.conditions import evaluate
from engine.ruleset.fields import OFFRE, RESERVATAIRE
from engine.ruleset.inherit import EffectiveRule, RuleSet

FACT_FIELDS = sorted(OFFRE) + sorted(RESERVATAIRE)


@dataclass(frozen=True)
class Decision:
    regle: EffectiveRule | None
    compte: bool
    evenement: str | None

    @property
    def regle_id(self) -> str | None:
        return self.regle.id if self.regle else None


class Decider:
    def __init__(self, ruleset: RuleSet, on: dt.date, use_durable: bool = True):
        self.on = on
        self.rules = sorted((r for r in ruleset.of("decompte") if r.at(on) is not None),
                            key=lambda r: (r.rule.priorite, r.id))
        self.by_id = {r.id: r for r in self.rules}
        self.matcher = FirstMatch([(r.id, r.rule.priorite, r.rule.condition) for r in self.rules], FACT_FIELDS,
                                  use_durable)
        self.fields = self.matcher.fields
        self.decisions: dict[str | None, Decision] = {}

    @property
    def durable_calls(self) -> int:
        return self.matcher.durable_calls

    def decide(self, facts: dict) -> Decision:
        return self._decision(self.matcher.match(facts))

    def decide_plain(self, facts: dict) -> Decision:
        """The same decision by the Python evaluator: first rule by priority whose condition holds."""
        return self._decision(self.matcher.match_plain(facts))

    def _decision(self, rule_id: str | None) -> Decision:
        hit = self.decisions.get(rule_id)
        if hit is None:
            rule = self.by_id.get(rule_id)  # None: no rule fired
            params = rule.at(self.on) if rule else None
            hit = self.decisions[rule_id] = (Decision(rule, params.decision == "compte", params.evenement) if rule
                                             else Decision(None, False, None))
        return hit


def base_of(ruleset: RuleSet, reservataire_facts: dict, on: dt.date) -> tuple[str, EffectiveRule]:
    """Counting basis of a réservataire: the first ``base_decompte`` rule (by priority) that matches. None
    matching is refused: no text says when its offers count (a rule set whose bases are dated apart, or that
    removed one)."""
    later = []
    for rule in sorted(ruleset.of("base_decompte"), key=lambda r: (r.rule.priorite, r.id)):
        params = rule.at(on)
        if evaluate(rule.rule.condition, reservataire_facts) is not True:
            continue
        if params is not None:
            return params.base, rule
        later.append(rule)
    who = f"« {reservataire_facts.get('reservataire.id')} » (type {reservataire_facts.get('reservataire.type')})"
    message = f"aucune base de décompte des règles « {ruleset.name} » ne s'applique au {on:%d/%m/%Y} à {who}"
    if later:
        first = min(later, key=lambda r: r.dated[0][0])
        path, line = first.since(first.dated[0][0])
        message += f" ; « {first.id} » prend effet le {first.dated[0][0]:%d/%m/%Y} ({path}:{line})"
    raise BadInput([Problem(ruleset.name, 0, message + " : aucun décompte ne peut en être tiré")])
