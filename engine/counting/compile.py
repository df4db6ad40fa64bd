"""Counting rules → durable_rules JSON ruleset (pure: testable without the C extension).

durable_rules 2.0.28 pitfalls handled here: ``$not`` does not negate and
``$nex`` hangs the engine, so negations are pushed down to the comparisons
(De Morgan) and facts always carry every field, an unknown one as
:data:`UNKNOWN`. Unknown has one meaning everywhere, the plain evaluator's
(:func:`engine.ruleset.conditions.evaluate`, three-valued): a comparison on an
unknown field is neither true nor false, so no rule fires on it — each
comparison is compiled as « the field is known and … ». Negations pushed to
the leaves keep that exact: a formula in negation normal form is true under
three-valued logic exactly when it is true with every unknown comparison false.
"""

from __future__ import annotations

from engine.ruleset.conditions import Condition

NEGATED = {"egal": "different", "different": "egal", "dans": "hors", "hors": "dans",
           "inferieur": "superieur_ou_egal", "superieur_ou_egal": "inferieur",
           "superieur": "inferieur_ou_egal", "inferieur_ou_egal": "superieur"}
RANGE = {"inferieur": "$lt", "inferieur_ou_egal": "$lte", "superieur": "$gt", "superieur_ou_egal": "$gte"}


def durable_field(name: str) -> str:
    """``offre.base`` → ``offre_base`` (durable message property)."""
    return name.replace(".", "_")


UNKNOWN = "\u2400inconnu"  # an unknown field in a durable message: no real value equals it


def fact_value(value):
    return UNKNOWN if value is None else value


def _known(field: str, expr: dict) -> dict:
    return {"$and": [{"$neq": {field: UNKNOWN}}, expr]}


def to_durable(cond: Condition, negate: bool = False) -> dict:
    """One condition as a durable_rules JSON expression, negations pushed to the leaves.

    >>> to_durable(Condition.model_validate({"non": {"champ": "offre.neuf", "egal": True}}))
    {'$and': [{'$neq': {'offre_neuf': '␀inconnu'}}, {'$neq': {'offre_neuf': True}}]}

    De Morgan: « not (A and B) » is « not A or not B », each comparison still on a known field; « not (A or not
    B exists) » is « not A and B exists »:

    >>> to_durable(Condition.model_validate({"non": {"tous": [{"champ": "offre.neuf", "egal": True},
    ...                                    {"champ": "offre.refus", "superieur": 1}]}}))  # doctest: +NORMALIZE_WHITESPACE
    {'$or': [{'$and': [{'$neq': {'offre_neuf': '␀inconnu'}}, {'$neq': {'offre_neuf': True}}]},
             {'$and': [{'$neq': {'offre_refus': '␀inconnu'}}, {'$lte': {'offre_refus': 1.0}}]}]}
    >>> to_durable(Condition.model_validate({"non": {"au_moins_un": [
    ...     {"champ": "offre.zone", "dans": ["tendue"]},
    ...     {"non": {"champ": "offre.bail", "existe": True}}]}}))  # doctest: +NORMALIZE_WHITESPACE
    {'$and': [{'$and': [{'$neq': {'offre_zone': '␀inconnu'}}, {'$neq': {'offre_zone': 'tendue'}}]},
              {'$and': [{'$neq': {'offre_bail': '␀inconnu'}}, {'$neq': {'offre_bail': ''}}]}]}
    """
    op = cond.operator
    if op == "non":
        return to_durable(cond.non, not negate)
    if op in ("tous", "au_moins_un"):
        children = [to_durable(c, negate) for c in (cond.tous if op == "tous" else cond.au_moins_un)]
        conj = (op == "tous") != negate
        return children[0] if len(children) == 1 else {"$and" if conj else "$or": children}
    field = durable_field(cond.champ)
    operand = cond.operand
    if op == "existe":  # known and not empty (the plain evaluator's « existe »)
        present = operand != negate
        if present:
            return {"$and": [{"$neq": {field: UNKNOWN}}, {"$neq": {field: ""}}]}
        return {"$or": [{field: UNKNOWN}, {field: ""}]}
    if negate:
        op = NEGATED[op]
    return _known(field, _comparison(field, op, operand))


def _comparison(field: str, op: str, operand) -> dict:
    if op == "egal":
        return {field: fact_value(operand)}
    if op == "different":
        return {"$neq": {field: fact_value(operand)}}
    if op in ("dans", "hors"):
        values = [fact_value(v) for v in operand]
        if op == "dans":
            items = [{field: v} for v in values]
            return items[0] if len(items) == 1 else {"$or": items}
        items = [{"$neq": {field: v}} for v in values]
        return items[0] if len(items) == 1 else {"$and": items}
    return {RANGE[op]: {field: operand}}


def compile_ruleset(rules: list[tuple[str, int, Condition]]) -> dict:
    """{rule key: {"all": [{"m": expr}], "run": rule id, "pri": priority}} for one durable ruleset."""
    out = {}
    for rule_id, priority, cond in rules:
        out[rule_id] = {"all": [{"m": to_durable(cond)}], "run": rule_id, "pri": priority}
    return out
