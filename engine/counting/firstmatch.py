"""First matching rule by priority, decided by durable_rules once per distinct fact signature.

A decision depends only on the fields the rules read, so durable_rules is
asked once per distinct signature of those fields (a cache), and the
plain-Python evaluator of the same conditions is kept as a twin for the
differential tests (``use_durable=False`` or :meth:`FirstMatch.match_plain`).
"""

from __future__ import annotations

from engine.counting.durable_host import DurableDecider
from engine.ruleset.conditions import Condition, evaluate


class FirstMatch:
    def __init__(self, rules: list[tuple[str, int, Condition]], fields: list[str], use_durable: bool = True):
        self.rules = sorted(rules, key=lambda r: (r[1], r[0]))
        used = {f for _, _, cond in self.rules for f in cond.fields()}
        self.fields = list(fields) + sorted(f for f in used if f not in fields)
        self.read = sorted(used)  # the decision depends on these alone: the signature remembered
        self.durable = DurableDecider(self.rules, self.fields) if use_durable and self.rules else None
        self.cache: dict[tuple, str | None] = {}
        self.durable_calls = 0

    def match(self, facts: dict) -> str | None:
        signature = tuple(map(facts.get, self.read))
        try:
            return self.cache[signature]
        except KeyError:
            pass
        if self.durable is not None:
            self.durable_calls += 1
            rule_id = self.durable.decide(facts)
        else:
            rule_id = self.match_plain(facts)
        self.cache[signature] = rule_id
        return rule_id

    def match_plain(self, facts: dict) -> str | None:
        """The same decision by the Python evaluator: first rule by priority whose condition holds."""
        for rule_id, _, cond in self.rules:
            if evaluate(cond, facts) is True:
                return rule_id
        return None
