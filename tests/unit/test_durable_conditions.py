"""Every comparison of the rule language, alone, negated and combined, decided by durable_rules (the compiled
ruleset in a real host) and by the plain evaluator, on every value of a small domain, the unknown (None) and the
empty text included: one meaning of « unknown » (a comparison on it is neither true nor false, so no rule fires),
the same first rule by priority, then by id."""

from __future__ import annotations

import itertools

import pytest

from engine.counting.firstmatch import FirstMatch
from engine.ruleset.conditions import Condition, evaluate

ZONES = ["tendue", "detendue", "", None]
COUNTS = [0, 1, 2, None]
FIELDS = ["offre.zone", "offre.refus"]

LEAVES = [
    {"champ": "offre.zone", "egal": "tendue"},
    {"champ": "offre.zone", "different": "tendue"},
    {"champ": "offre.zone", "dans": ["tendue", "detendue"]},
    {"champ": "offre.zone", "dans": ["tendue"]},
    {"champ": "offre.zone", "hors": ["tendue", "detendue"]},
    {"champ": "offre.zone", "hors": ["tendue"]},
    {"champ": "offre.zone", "existe": True},
    {"champ": "offre.zone", "existe": False},
    {"champ": "offre.refus", "inferieur": 1},
    {"champ": "offre.refus", "inferieur_ou_egal": 1},
    {"champ": "offre.refus", "superieur": 1},
    {"champ": "offre.refus", "superieur_ou_egal": 1},
    {"champ": "offre.refus", "egal": 1},
    {"champ": "offre.refus", "different": 1},
]
CONDITIONS = (LEAVES + [{"non": leaf} for leaf in LEAVES]
              + [{"tous": [a, {"non": b}]} for a, b in itertools.product(LEAVES[::3], LEAVES[8::2])]
              + [{"au_moins_un": [{"non": a}, b]} for a, b in itertools.product(LEAVES[1::3], LEAVES[9::2])]
              + [{"non": {"tous": [LEAVES[0], LEAVES[10]]}}, {"non": {"au_moins_un": [LEAVES[2], LEAVES[7]]}},
                 {"tous": [LEAVES[4]]}, {"au_moins_un": [{"non": LEAVES[11]}]}])
FACTS = [{"offre.zone": z, "offre.refus": r} for z, r in itertools.product(ZONES, COUNTS)]


@pytest.mark.parametrize("raw", CONDITIONS, ids=[str(c) for c in CONDITIONS])
def test_durable_rules_decide_as_the_plain_evaluator_on_every_value(raw):
    cond = Condition.model_validate(raw)
    durable = FirstMatch([("regle", 1, cond)], FIELDS, use_durable=True)
    for facts in FACTS:
        expected = "regle" if evaluate(cond, facts) is True else None
        assert durable.match(facts) == expected == durable.match_plain(facts), facts
    signatures = {tuple(facts[k] for k in sorted(cond.fields())) for facts in FACTS}
    assert durable.durable_calls == len(signatures)  # each signature of the fields read asked once, then kept
    for facts in FACTS:
        durable.match(dict(facts, ignore="autre"))  # a field no rule reads does not change the signature
    assert durable.durable_calls == len(signatures)


def test_an_unknown_comparison_is_neither_true_nor_false():
    """« different of tendue » on an unknown zone: not true, and its negation not true either."""
    unknown = {"offre.zone": None, "offre.refus": None}
    for raw in ({"champ": "offre.zone", "different": "tendue"}, {"non": {"champ": "offre.zone", "different":
                                                                           "tendue"}},
                {"champ": "offre.refus", "inferieur": 1}, {"non": {"champ": "offre.refus", "inferieur": 1}}):
        cond = Condition.model_validate(raw)
        assert evaluate(cond, unknown) is None
        assert FirstMatch([("regle", 1, cond)], FIELDS).match(unknown) is None
    empty = {"offre.zone": "", "offre.refus": None}  # the empty text: known, not « existe »
    exists = Condition.model_validate({"champ": "offre.zone", "existe": True})
    assert FirstMatch([("regle", 1, exists)], FIELDS).match(empty) is None
    assert FirstMatch([("regle", 1, Condition.model_validate({"non": exists.model_dump(exclude_none=True)}))],
                      FIELDS).match(empty) == "regle"


def test_the_first_rule_by_priority_then_by_id_fires():
    always = Condition.model_validate({"champ": "offre.refus", "superieur_ou_egal": 0})
    facts = {"offre.zone": "tendue", "offre.refus": 1}
    for rules, first in (([("b", 2, always), ("a", 3, always), ("c", 1, always)], "c"),
                         ([("b", 2, always), ("a", 2, always)], "a"),
                         ([("a-2", 5, always), ("a-10", 5, always)], "a-10")):
        for use_durable in (True, False):
            assert FirstMatch(rules, FIELDS, use_durable).match(facts) == first, (rules, use_durable)
    assert FirstMatch([], FIELDS).match(facts) is None  # no rule: no decision, no host
