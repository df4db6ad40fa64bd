"""Shared parsers for values as real exports write them.

>>> parse_bool("Oui"), parse_bool("x"), parse_bool(""), parse_qpv("Hors"), parse_qpv("En QPV")
(True, True, False, False, True)
>>> parse_typologie("Type 5"), parse_typologie("t4"), parse_typologie("V3"), parse_typologie("B1")
(5, 4, 3, 1)
>>> parse_date("03/07/2012")
datetime.date(2012, 7, 3)
"""

from __future__ import annotations

import datetime as dt
import re

TRUE = {"oui", "o", "true", "vrai", "1", "x", "yes", "y"}
FALSE = {"non", "n", "false", "faux", "0", "", "no"}


def parse_bool(value) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"valeur « {value} » : attendu oui/non, true/false, 1/0 ou x/vide")


def parse_qpv(value) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = re.sub(r"\s+", " ", str(value).strip().lower())
    if text in ("en", "en qpv", "qpv", "dans qpv"):
        return True
    if text in ("hors", "hors qpv", "hqpv"):
        return False
    return parse_bool(value)


TYPOLOGIE_MAX = 12  # pieces: T7 and more exist, T99 is a typing mistake


def parse_typologie(value) -> int | None:
    """A room count from T1..T6, « Type 3 », V4, 5 (1 to ``TYPOLOGIE_MAX``).

    >>> parse_typologie("T99")
    Traceback (most recent call last):
    ValueError: typologie « T99 » : attendu T1..T6, « Type 3 », V4 ou un nombre de pièces (1 à 12)
    """
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        rooms = value
    else:
        match = re.search(r"([0-9]+)", str(value))
        rooms = int(match.group(1)) if match and len(match.group(1)) < 4 else None
    if rooms is None or not 1 <= rooms <= TYPOLOGIE_MAX:
        raise ValueError(f"typologie « {value} » : attendu T1..T6, « Type 3 », V4 ou un nombre de pièces "
                         f"(1 à {TYPOLOGIE_MAX})")
    return rooms


def parse_date(value) -> dt.date | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    try:
        if re.fullmatch(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", text):
            day, month, year = map(int, text.split("/"))
            return dt.date(year, month, day)
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):  # not the other ISO forms (2024-W01-1, 20240105)
            return dt.date.fromisoformat(text)
        raise ValueError
    except ValueError:
        raise ValueError(f"date invalide « {value} » : attendu JJ/MM/AAAA ou AAAA-MM-JJ") from None


def logement_facts(info: dict | None) -> dict:
    """``logement.*`` facts from inline attributes (``logement_info``) or an inventory row."""
    out: dict = {}
    if not info:
        return out
    for key, value in info.items():
        name = f"logement.{key}"
        try:
            if key == "qpv":
                value = parse_qpv(value)
            elif key == "typologie":
                value = parse_typologie(value)
            elif key in ("en_vente", "demolition"):
                value = parse_bool(value)
            elif key == "annee_construction" and value not in (None, ""):
                value = int(str(value)[:4]) if not isinstance(value, int) else value
        except ValueError:
            value = None
        out[name] = value
    return out


def menage_facts(menage: dict | None) -> dict:
    """The household facts the rules read (events.md: missing booleans are false, a missing quartile unknown)."""
    if menage is None:
        return {}
    dalo = bool(menage.get("dalo"))
    return {"menage.dalo": dalo, "menage.prioritaire": dalo or bool(menage.get("prioritaire")),
            "menage.quartile": menage.get("quartile"), "menage.mutation": bool(menage.get("mutation")),
            "menage.relogement": menage.get("relogement") or "", "menage.salarie": bool(menage.get("salarie")),
            "menage.motif": menage.get("motif") or ""}
