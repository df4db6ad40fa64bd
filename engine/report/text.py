"""French rendering of values for people: rates, booleans, dates.

>>> fr_value(Decimal("0.0727"))
'7,27 %'
>>> fr_value(True)
'oui'
>>> fr_number(Decimal("0.7912"))
'0,7912'
>>> fr_int(12128), fr_number(Decimal("-12128.5"), group=True)
('12\u202f128', '-12\u202f128,5')
>>> print(md('"><img onerror=alert(1)> | x'))
"&gt;&lt;img onerror=alert(1)&gt; \\| x
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape

THOUSANDS = "\u202f"  # narrow no-break space: the one thousands separator of every human format

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


def fr_int(value: int) -> str:
    """An integer with French thousands separators (a narrow no-break space)."""
    return f"{value:,}".replace(",", THOUSANDS)


def fr_number(value, places: int | None = None, group: bool = False) -> str:
    """Decimal comma; ``group``: thousands separated as a French reader expects (not in a spreadsheet cell,
    which must stay a number)."""
    if isinstance(value, Decimal) and places is not None:
        value = round(value, places)
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".") if places is None else text
    if group:
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        whole, dot, frac = digits.partition(".")
        if whole.isdigit():
            text = sign + fr_int(int(whole)) + dot + frac
    return text.replace(".", ",")


def md(value) -> str:
    """A value as Markdown text: HTML special characters escaped, table pipes and link brackets too, one line."""
    text = escape(str(value), quote=False)  # no tag can open: quotes are harmless (and d'Escalquens stays)
    for char in ("\\", "|", "[", "]", "`"):
        text = text.replace(char, "\\" + char)
    return " ".join(text.splitlines())


def md_row(cells) -> str:
    """One Markdown table row, every cell escaped."""
    return "| " + " | ".join(md(c) for c in cells) + " |"


def fr_percent(value: Decimal, places: int = 2) -> str:
    pct = (Decimal(value) * 100).quantize(Decimal(1).scaleb(-places)).normalize()
    return fr_number(pct) + " %"


def fr_share_bounds(bornes: list) -> str:
    """A share known between two bounds; a bound None is the case where the unknown data leave the denominator
    empty (the obligation sans objet).

    >>> fr_share_bounds([0.125, 0.5])
    'entre 12,5 % et 50 %'
    >>> fr_share_bounds([None, 1.0])
    '100 % ou sans objet'
    """
    shown = [fr_percent(b) for b in bornes if b is not None]
    if len(shown) == 1:
        return f"{shown[0]} ou sans objet"
    return f"entre {shown[0]} et {shown[1]}"


def fr_value(value) -> str:
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return fr_percent(value) if value <= 1 else fr_number(value, group=True)
    if isinstance(value, int):
        return fr_int(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dict):
        return ", ".join(f"{k} = {fr_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(fr_value(v) for v in value)
    return str(value)
