"""What the human formats say of where a réservataire stands: what it still takes, its pro rata on a date, the
deadlines still open, and (in HTML) a progress bar per objective and obligation.

>>> remaining_cell({"statut": "non_atteint", "reste_a_faire": 2, "sens": "minimum"})
'2'
>>> remaining_cell({"statut": "indetermine", "reste_a_faire": None, "reste_a_faire_bornes": [0, 2]})
'de 0 à 2'
>>> remaining_cell({"statut": "atteint", "reste_a_faire": 0, "marge": 1, "sens": "maximum"})
'0 (marge : 1)'
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape

from engine.checks.workdays import due
from engine.report.labels import statut, word
from engine.report.text import fr_int, fr_number, fr_percent, fr_share_bounds

OPEN_HEADERS = ["Offre", "Règle", "Départ", "Échéance", "Jours ouvrés restants", "Ménage", "Conséquence", "Source"]
THIS_WEEK = 5  # jours ouvrés: the week a housing officer plans on Monday morning


def date_fr(text: str) -> str:
    return dt.date.fromisoformat(text).strftime("%d/%m/%Y")


def remaining_cell(o: dict) -> str:
    """An obligation's « reste à faire » for people: a number, its bounds when data are missing, the room left
    under a ceiling; a dash where it has no object."""
    value = o.get("reste_a_faire")
    if value is None:
        bounds = o.get("reste_a_faire_bornes")
        text = _range(bounds, "hors d'atteinte") if bounds else "—"
    else:
        text = fr_int(value)
    if o.get("sens") == "maximum":
        room = o.get("marge")
        bounds = o.get("marge_bornes")
        if room is not None:
            text += f" (marge : {fr_int(room)})"
        elif bounds:
            text += f" (marge : {_range(bounds, 'sans limite')})"
    return text


def _range(bounds: list, none: str) -> str:
    """Two bounds said from the smaller (``[favourable, unfavourable]`` is [1, 0] for a room left), None last.

    >>> _range([1, 0], "sans limite"), _range([0, None], "hors d'atteinte")
    ('de 0 à 1', "de 0 à hors d'atteinte")
    """
    low, high = sorted(bounds, key=lambda bound: (bound is None, bound))
    return f"de {none if low is None else fr_int(low)} à {none if high is None else fr_int(high)}"


def objective_remaining_cell(r: dict) -> str:
    value = r.get("reste_a_faire")
    return "—" if value is None else fr_int(value)


def prorata_line(r: dict) -> str | None:
    """« Au 30/09/2024 (274 jours sur 366) : 2,99 offres attendues au prorata de l'objectif 4, 2 décomptées :
    en retard de 1. »"""
    p = r.get("prorata")
    if not p:
        return None
    state = (f"en retard de {fr_int(p['retard'])}" if p["statut"] == "en_retard" else "à jour")
    return (f"au {date_fr(p['au'])} ({fr_int(p['jours_ecoules'])} jours sur {fr_int(p['jours_exercice'])}) : "
            f"{fr_number(Decimal(str(p['attendu_arrondi'])))} offre(s) attendue(s) au prorata de l'objectif "
            f"{fr_int(p['objectif_annuel'])} (exactement {p['attendu']}), {fr_int(p['decompte'])} décomptée(s) : "
            f"{state} ; reste à faire sur l'année : {objective_remaining_cell(r)} ({p.get('regle', '')})")


def open_cells(d: dict) -> list[str]:
    return [d["offre"], d["regle"], date_fr(d["depart"]), date_fr(d["echeance"]), fr_int(d["jours_ouvres_restants"]),
            d.get("menage") or "—", word(d.get("consequence")) + (" (délai laissé au ménage)"
                                                                   if d.get("portee") == "minimum" else ""),
            d["source"]]


def window_title(result: dict) -> str:
    """The heading of the open deadlines: the window asked for (``--echeances``) or every open one."""
    window = result.get("echeances")
    if window:
        return (f"Échéances des {fr_int(window['jours_ouvres'])} jours ouvrés suivant le {date_fr(window['du'])} "
                f"(jusqu'au {date_fr(window['jusqu_au'])})")
    return f"Échéances ouvertes au {date_fr(result['au'])}"


def events_suffix(ev: dict) -> str:
    return (f", postérieurs à la date (écartés) : {fr_int(ev['posterieurs'])}" if "posterieurs" in ev else "")


# --- HTML -------------------------------------------------------------------------------------------------------

def _bar(done: float, target: float, scale: float, pro_rata: float | None, legend: str) -> str:
    """Done (filled), pro rata (dashed mark) and target (solid mark) on one scale, widths in per cent."""
    def pct(x: float) -> str:
        return f"{max(0.0, min(100.0, 100 * x / scale)):.2f}%" if scale else "0%"

    marks = f'<div class="fait" style="width:{pct(done)}"></div>'
    if pro_rata is not None:
        marks += f'<div class="prorata" style="left:{pct(pro_rata)}" title="prorata"></div>'
    marks += f'<div class="cible" style="left:{pct(target)}" title="cible"></div>'
    return (f'<div class="barre-progres" role="img" aria-label="{escape(legend)}">{marks}</div>'
            f'<div class="legende">{escape(legend)}</div>')


def objective_bar(r: dict) -> str:
    """The objective's bar: counted offers, pro rata on the date, objective plus carry-over."""
    if r.get("objectif") is None:
        return ""
    target = r["objectif"] + (r.get("report_anterieur") or 0)
    p = r.get("prorata")
    pro_rata = p["attendu_arrondi"] if p else None
    scale = max(target, r["decompte"], 1)
    legend = (f"Objectif : {fr_int(r['decompte'])} décomptée(s) sur {fr_int(target)}"
              + (f", prorata {fr_number(Decimal(str(pro_rata)))}" if pro_rata is not None else "")
              + f" ; reste à faire {objective_remaining_cell(r)}")
    return _bar(r["decompte"], target, scale, pro_rata, legend)


def obligation_bar(o: dict) -> str:
    """A share's bar on 0–100 %: the share done (its lower bound when data are missing) and the target."""
    if o["statut"] == "non_applicable" or not o.get("denominateur_haut", o["denominateur"]):
        return ""
    bounds = o.get("bornes") or [None, None]
    # the share done, its lower bound when data are missing (the upper one when the lower has no denominator)
    low = o["numerateur"] / o["denominateur"] if o["denominateur"] else bounds[1] or 0.0
    share = fr_share_bounds(o["bornes"]) if o.get("bornes") else fr_percent(low)
    legend = (f"{o['libelle']} : {share} pour une cible {'≤' if o.get('sens') == 'maximum' else '≥'} "
              f"{fr_percent(o['cible'])} ({statut(o['statut'], o.get('sens'))}) ; reste à faire {remaining_cell(o)}")
    return _bar(low, o["cible"], 1.0, None, legend)


def this_week(result: dict, records: list[dict]) -> list[dict]:
    """The open deadlines due in the five jours ouvrés after the date."""
    au = dt.date.fromisoformat(result["au"])
    limit = due(au, THIS_WEEK, "jours_ouvres").echeance.isoformat()
    return [d for d in records if d["echeance"] <= limit]
