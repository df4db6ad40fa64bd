"""Conditions as data: comparisons on fields, combined with tous / au_moins_un / non.

A condition is never code. It is validated by pydantic, evaluated in Python
(three-valued: an unknown field gives ``None``) and compiled for durable_rules
by :mod:`engine.counting.compile`.

>>> c = Condition.model_validate({"tous": [{"champ": "logement.qpv", "egal": False},
...                                        {"champ": "menage.quartile", "egal": 1}]})
>>> evaluate(c, {"logement.qpv": False, "menage.quartile": 1})
True
>>> evaluate(c, {"logement.qpv": False, "menage.quartile": None}) is None
True
"""

from __future__ import annotations

from typing import Any, Optional, Union

from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator

Scalar = Union[bool, int, float, str, None]
OPERATORS = ("egal", "different", "dans", "hors", "inferieur", "inferieur_ou_egal",
             "superieur", "superieur_ou_egal", "existe")
COMBINATORS = ("tous", "au_moins_un", "non")


class Condition(BaseModel):
    """Une comparaison (``champ`` + un opérateur) ou une combinaison (tous / au_moins_un / non)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    champ: Optional[str] = None
    egal: Scalar = None
    different: Scalar = None
    dans: Optional[list[Scalar]] = None
    hors: Optional[list[Scalar]] = None
    inferieur: Optional[float] = None
    inferieur_ou_egal: Optional[float] = None
    superieur: Optional[float] = None
    superieur_ou_egal: Optional[float] = None
    existe: Optional[bool] = None
    tous: Optional[list[Condition]] = None
    au_moins_un: Optional[list[Condition]] = None
    non: Optional[Condition] = None

    @model_validator(mode="before")
    @classmethod
    def _one_operator(cls, data: Any):
        if not isinstance(data, dict):
            raise ValueError("attendu une condition, par exemple {champ: logement.qpv, egal: false}")
        ops = [k for k in OPERATORS if k in data]
        combos = [k for k in COMBINATORS if k in data]
        if "champ" in data:
            if len(ops) != 1 or combos:
                raise ValueError("une comparaison a un « champ » et exactement un opérateur parmi "
                                 + ", ".join(OPERATORS))
        elif len(combos) != 1 or ops:
            raise ValueError("attendu « champ » avec un opérateur, ou exactement un de tous / au_moins_un / non")
        return data

    _op: str = PrivateAttr("")
    _keys: tuple | None = PrivateAttr(None)
    _memo: dict = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context) -> None:
        for op in OPERATORS:
            if op in self.model_fields_set:
                self._op = op
                return
        for op in COMBINATORS:
            if getattr(self, op) is not None:
                self._op = op
                return
        raise AssertionError("validated condition without operator")

    def cached(self, facts: dict) -> Optional[bool]:
        """``evaluate(self, facts)``, remembered for the values of the fields the condition reads (it depends
        on nothing else): a year of offers has a few hundred distinct signatures. (The private attributes are
        read through ``__pydantic_private__``: pydantic's ``__getattr__`` costs a microsecond and a half.)"""
        private = self.__pydantic_private__
        keys = private["_keys"]
        if keys is None:
            keys = private["_keys"] = tuple(dict.fromkeys(self.fields()))
        key = tuple(map(facts.get, keys))
        memo = private["_memo"]
        try:
            return memo[key]
        except KeyError:
            result = memo[key] = evaluate(self, facts)
            return result
        except TypeError:  # an unhashable value: evaluated directly
            return evaluate(self, facts)

    @property
    def operator(self) -> str:
        return self.__pydantic_private__["_op"]

    @property
    def operand(self):
        return getattr(self, self._op)

    def fields(self) -> list[str]:
        """Every field the condition reads, in order."""
        if self.champ is not None:
            return [self.champ]
        children = self.tous or self.au_moins_un or ([self.non] if self.non else [])
        return [f for child in children for f in child.fields()]

    def describe(self) -> str:
        """French rendering, e.g. ``logement.qpv = faux``."""
        op = self.operator
        if op == "tous":
            return "(" + " et ".join(c.describe() for c in self.tous) + ")"
        if op == "au_moins_un":
            return "(" + " ou ".join(c.describe() for c in self.au_moins_un) + ")"
        if op == "non":
            return "non " + self.non.describe()
        symbol = {"egal": "=", "different": "≠", "dans": "∈", "hors": "∉", "inferieur": "<",
                  "inferieur_ou_egal": "≤", "superieur": ">", "superieur_ou_egal": "≥", "existe": "existe ="}[op]
        return f"{self.champ} {symbol} {_fr(self.operand)}"


def _fr(value) -> str:
    if value is True:
        return "vrai"
    if value is False:
        return "faux"
    if value is None:
        return "vide"
    if isinstance(value, list):
        return "{" + ", ".join(_fr(v) for v in value) + "}"
    return str(value)


def evaluate(cond: Condition, facts: dict) -> Optional[bool]:
    """Three-valued evaluation: True, False, or None when an unknown field decides."""
    op = cond.operator
    if op == "tous":
        results = [evaluate(c, facts) for c in cond.tous]
        return False if False in results else (None if None in results else True)
    if op == "au_moins_un":
        results = [evaluate(c, facts) for c in cond.au_moins_un]
        return True if True in results else (None if None in results else False)
    if op == "non":
        result = evaluate(cond.non, facts)
        return None if result is None else not result
    value = facts.get(cond.champ)
    if op == "existe":
        return (value is not None and value != "") == cond.existe
    if value is None:
        return None
    operand = cond.operand
    if op == "egal":
        return value == operand
    if op == "different":
        return value != operand
    if op == "dans":
        return value in operand
    if op == "hors":
        return value not in operand
    try:
        if op == "inferieur":
            return value < operand
        if op == "inferieur_ou_egal":
            return value <= operand
        if op == "superieur":
            return value > operand
        return value >= operand
    except TypeError:
        return False


def first_failure(cond: Condition, facts: dict) -> Optional[Condition]:
    """The first elementary comparison that makes ``cond`` false (for « pourquoi pas »)."""
    if evaluate(cond, facts) is not False:
        return None
    op = cond.operator
    if op == "tous":
        for child in cond.tous:
            if evaluate(child, facts) is False:
                return first_failure(child, facts)
    if op == "au_moins_un":
        return first_failure(cond.au_moins_un[0], facts) if cond.au_moins_un else cond
    return cond
