"""Typed values used in rule files: rates, identifiers.

>>> parse_rate("7,9 %")
Decimal('0.079')
>>> parse_rate("0.079")
Decimal('0.079')
>>> parse_rate(25)
Decimal('0.25')
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator, Field, PlainSerializer


def rate_text(text: str) -> tuple[str, bool]:
    """``" 7,9 % "`` → ``("7.9", True)``: the number as Decimal reads it, and whether a ``%`` sign was written."""
    body = text.strip().replace("\u00a0", "").replace(" ", "")
    return body.rstrip("%").replace(",", "."), body.endswith("%")


def parse_rate(value) -> Decimal:
    """A rate written ``7,9 %``, ``7.9%``, ``0.079`` or ``25`` (above 1 = percent)."""
    if isinstance(value, bool):
        raise ValueError("attendu un taux, par exemple « 7,9 % » ou 0.079")
    if isinstance(value, Decimal):
        number, percent = value, False
    elif isinstance(value, (int, float)):
        number, percent = Decimal(str(value)), False
    elif isinstance(value, str):
        text, percent = rate_text(value)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"taux illisible « {value} » : attendu par exemple « 7,9 % » ou 0.079") from None
    else:
        raise ValueError("attendu un taux, par exemple « 7,9 % » ou 0.079")
    if percent or number > 1:
        number = number / 100
    if number < 0:
        raise ValueError(f"taux négatif « {value} »")
    return number


Rate = Annotated[
    Decimal,
    BeforeValidator(parse_rate),
    PlainSerializer(lambda d: float(d), return_type=float),
    Field(json_schema_extra={"examples": ["7,9 %", 0.25]}),
]

RuleId = Annotated[
    str,
    Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=2, max_length=80,
          description="Identifiant stable en kebab-case ASCII, jamais réutilisé (ex. candidats-12-jours-ouvres)"),
]

Text = Annotated[str, Field(min_length=3)]
