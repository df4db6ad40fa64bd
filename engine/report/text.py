"""French rendering of values for people: rates, booleans, dates.

>>> fr_value(Decimal("0.0727"))
'7,27 %'
>>> fr_value(True)
'oui'
>>> fr_number(Decimal("0.7912"))
'0,7912'
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

NATURE_LABELS = {
    "inclusion": "Assiette — logements concernés",
    "exclusion": "Assiette — exclusions",
    "deduction": "Déductions du flux annuel",
    "rotation": "Taux de rotation",
    "flux": "Calcul du flux théorique",
    "annexe1": "Annexe 1 — chiffres de la convention",
    "reservataire": "Registre des réservataires",
    "base_decompte": "Base de décompte",
    "decompte": "Décompte — ce qui compte dans le flux",
    "delai": "Délais",
    "obligation": "Obligations",
    "report": "Report des objectifs",
    "objectif": "Objectifs",
    "parametre": "Paramètres",
}


def fr_number(value, places: int | None = None) -> str:
    if isinstance(value, Decimal) and places is not None:
        value = round(value, places)
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".") if places is None else text
    return text.replace(".", ",")


def fr_percent(value: Decimal, places: int = 2) -> str:
    pct = (Decimal(value) * 100).quantize(Decimal(1).scaleb(-places)).normalize()
    return fr_number(pct) + " %"


def fr_value(value) -> str:
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return fr_percent(value) if value <= 1 else fr_number(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dict):
        return ", ".join(f"{k} = {fr_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(fr_value(v) for v in value)
    return str(value)
