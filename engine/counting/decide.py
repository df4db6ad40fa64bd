"""Per-offer counting decisions: which rule of the rule set decides, through durable_rules.

The decision depends only on the offer's facts, so durable_rules is asked
once per distinct fact signature (a cache), and the plain-Python evaluator
of the same conditions is kept as a twin for the differential tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.counting.durable_host import DurableDecider
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
        used = {f for r in self.rules for f in r.rule.condition.fields()}
        self.fields = FACT_FIELDS + sorted(f for f in used if f not in FACT_FIELDS)
        self.durable = DurableDecider([(r.id, r.rule.priorite, r.rule.condition) for r in self.rules],
                                      self.fields) if use_durable else None
        self.cache: dict[tuple, Decision] = {}
        self.durable_calls = 0

    def decide(self, facts: dict) -> Decision:
        signature = tuple(facts.get(k) for k in self.fields)
        hit = self.cache.get(signature)
        if hit is not None:
            return hit
        if self.durable is not None:
            self.durable_calls += 1
            rule_id = self.durable.decide(facts)
            decision = self._decision(self.by_id.get(rule_id) if rule_id else None)
        else:
            decision = self.decide_plain(facts)
        self.cache[signature] = decision
        return decision

    def decide_plain(self, facts: dict) -> Decision:
        """The same decision by the Python evaluator: first rule by priority whose condition holds."""
        for rule in self.rules:
            if evaluate(rule.rule.condition, facts) is True:
                return self._decision(rule)
        return self._decision(None)

    def _decision(self, rule: EffectiveRule | None) -> Decision:
        if rule is None:
            return Decision(None, False, None)
        params = rule.at(self.on)
        return Decision(rule, params.decision == "compte", params.evenement)


def base_of(ruleset: RuleSet, reservataire_facts: dict, on: dt.date) -> tuple[str, EffectiveRule | None]:
    """Counting basis of a réservataire: the first ``base_decompte`` rule (by priority) that matches."""
    for rule in sorted(ruleset.of("base_decompte"), key=lambda r: (r.rule.priorite, r.id)):
        params = rule.at(on)
        if params is not None and evaluate(rule.rule.condition, reservataire_facts) is True:
            return params.base, rule
    return "bail", None
