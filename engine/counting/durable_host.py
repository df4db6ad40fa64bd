"""The only module that imports ``durable``: a Host per evaluation, first-match decisions by priority.

One ``engine.Host`` per evaluation with a run-unique ruleset name (never the
``durable.lang`` globals); messages are posted as events, so exactly one
rule fires per message — the one with the lowest ``pri``. « No rule
matched » is a decision (``None``), not an error. The action only writes the
name of the rule that fired (it cannot raise, so durable_rules has no
exception to swallow into the state it returns).
"""

from __future__ import annotations

import itertools

from durable import engine as durable_engine

from engine.counting.compile import compile_ruleset, durable_field, fact_value

_RUN = itertools.count()


class _Host(durable_engine.Host):
    def __init__(self, sink: dict):
        self._sink = sink
        super().__init__()

    def get_action(self, action_name):
        sink = self._sink

        def action(c):  # one parameter: two would make durable_rules treat it as async
            sink["fired"] = action_name

        return action


class DurableDecider:
    """Posts one fact per decision and returns the id of the rule that fired, or None."""

    def __init__(self, rules, fields: list[str]):
        self.fields = fields
        self._sink: dict = {}
        self._host = _Host(self._sink)
        self.name = f"decompte_{next(_RUN)}"
        self.ruleset = compile_ruleset(rules)
        if self.ruleset:
            self._host.set_rulesets({self.name: self.ruleset})
        self._ids = itertools.count()

    def decide(self, facts: dict) -> str | None:
        if not self.ruleset:
            return None
        message = {durable_field(k): fact_value(facts.get(k)) for k in self.fields}
        message["id"] = next(self._ids)
        self._sink.clear()
        try:
            self._host.post(self.name, message)
        except durable_engine.MessageNotHandledException:
            return None
        return self._sink.get("fired")
