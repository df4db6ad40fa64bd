"""Audit of printed Annexe 1 figures (``flux --check``): both values, a tolerance, the likely cause.

The tolerance follows the printed precision: one unit of the last printed
digit (« 9,67 % » is read ±0,01 point, so a truncated 9,677 % is accepted
and said to be truncated). An integer figure (dwellings, rounded flux) must
be equal.

>>> printed("0.0208%")
(Decimal('0.000208'), Decimal('0.000001'))
>>> printed("0,80", rate=False)
(Decimal('0.80'), Decimal('0.01'))
"""

from __future__ import annotations

import math
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from engine.flux.theoretical import Figures, rounded
from engine.problems import BadInput, Problem
from engine.report.text import fr_number, fr_percent
from engine.ruleset.values import rate_text

KEYS = {
    "part": "part", "part_du_flux": "part",
    "taux_rotation": "taux_rotation", "rotation": "taux_rotation", "taux": "taux_rotation",
    "logements_eligibles": "logements_eligibles", "eligibles": "logements_eligibles",
    "logements_reservataire": "logements_reservataire",
    "flux_brut": "flux_brut", "flux": "flux", "flux_prioritaires": "flux_prioritaires", "prioritaires": "flux_prioritaires",
}
RATES = {"part", "taux_rotation"}
INTEGERS = {"logements_eligibles", "logements_reservataire", "flux"}
LABELS = {"part": "part du flux", "taux_rotation": "taux de rotation", "logements_eligibles": "logements éligibles",
          "logements_reservataire": "logements du réservataire", "flux_brut": "flux avant arrondi",
          "flux": "flux arrondi", "flux_prioritaires": "part prioritaire (25 %)"}


def parse_checks(items: list[str]) -> dict[str, str]:
    """``["part=9,67 %", "flux=1"]`` (items may hold several space-separated pairs; a « % » after a space is the
    value's, as French prints it) → {key: printed text}."""
    out: dict[str, str] = {}
    problems = []
    last = None  # a « % » typed apart (``--check part=9,67 %`` unquoted: two arguments) is the value's too
    for item in items:
        for pair in item.split():
            if last is not None and not pair.strip("%"):  # « 9,67 % » as French prints it
                out[last] += " " + pair
                continue
            last = None
            key, sep, value = pair.partition("=")
            canonical = KEYS.get(key.strip().lower())
            if not sep or canonical is None or not value.strip():
                problems.append(Problem("--check", 0, f"« {pair} » : attendu chiffre=valeur avec chiffre parmi "
                                                      f"{', '.join(sorted(set(KEYS.values())))}"))
                continue
            out[canonical] = value.strip()
            last = canonical
    if problems:
        raise BadInput(problems)
    return out


def printed(text: str, rate: bool = True) -> tuple[Decimal, Decimal]:
    """Value and precision unit of a printed figure (rates: a ``%`` sign or a value above 1 is a percentage; a
    fraction written without decimals, 0 or 1, is exact: 0 % or 100 %, not « 0 to 2 »)."""
    number, percent = rate_text(text)
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise BadInput([Problem("--check", 0, f"valeur imprimée illisible « {text} »")]) from None
    places = len(number.split(".", 1)[1]) if "." in number else 0
    unit = Decimal(1).scaleb(-places)
    if rate and (percent or value > 1):
        value, unit = value / 100, unit / 100
    elif rate and places == 0:
        unit = Decimal(0)
    return value, unit


def _show(key: str, value) -> str:
    """A figure as the audit says it: a rate in percent (to the hundredth of a point, or four places under
    0,1 %), a count as it is, any other figure to four places."""
    if key in RATES:
        return fr_percent(value, 4 if abs(value) < Decimal("0.001") else 2)
    return _number(value)


def _number(value) -> str:
    return fr_number(value.quantize(Decimal("0.0001")).normalize()) if isinstance(value, Decimal) else str(value)


SCOPES = {"epci": "sur l'EPCI", "commune": "sur la commune", "departement": "sur le département"}


def canonical(key: str) -> tuple[str, str | None]:
    """``logements_eligibles_epci`` → (``logements_eligibles``, ``epci``): a printed figure may name the territory
    it was counted on when an annex prints two (Chalets: 1083 on the EPCI, 4 on the commune)."""
    if key in KEYS:
        return KEYS[key], None
    base, _, scope = key.rpartition("_")
    if base in KEYS and scope in SCOPES:
        return KEYS[base], scope
    return key, None


def audit(fig: Figures, checks: dict[str, str], other_rates: list[tuple[str, Decimal]]) -> list[dict]:
    """One item per printed figure, plus one per rotation source that disagrees with the printed rate. A blank
    printed cell is a disagreement: the text gives no figure, the rules compute one."""
    items = []
    scoped_counts = {canonical(k)[1]: t for k, t in checks.items()
                     if canonical(k)[0] == "logements_eligibles" and canonical(k)[1]}
    for raw_key, text in checks.items():
        key, scope = canonical(raw_key)
        label = LABELS[key] + (f" ({SCOPES[scope]})" if scope else "")
        ours = getattr(fig, key)
        if not str(text).strip():
            items.append({"chiffre": raw_key, "libelle": label, "imprime": "", "valeur_imprimee": None,
                          "calcule": float(ours), "tolerance": 0, "statut": "ecart", "note": None,
                          "cause": f"case vide dans l'annexe imprimée : aucun chiffre ; les règles calculent "
                                   f"{_show(key, ours)}"})
            continue
        value, unit = printed(text, rate=key in RATES)
        if key in INTEGERS:
            ok = value == Decimal(ours)
            note = None
        else:
            ok = abs(value - ours) <= unit
            note = _rounding_note(value, ours, unit) if ok and value != ours else None
        cause = None
        if not ok:
            cause = _cause(key, value, unit, fig, other_rates, rate_text(text)[1])
            if key == "logements_eligibles" and len(scoped_counts) > 1:
                cause = _other_base(value, fig, scoped_counts)
        item = {"chiffre": raw_key, "libelle": label, "imprime": text, "valeur_imprimee": float(value),
                "calcule": float(ours), "tolerance": float(unit) if key not in INTEGERS else 0,
                "statut": "conforme" if ok else "ecart", "cause": cause, "note": note}
        items.append(item)
        if key == "taux_rotation":
            for source, rate in other_rates:
                if abs(rate - value) > unit:
                    items.append({"chiffre": "taux_rotation", "libelle": f"taux de rotation ({source})",
                                  "imprime": text, "valeur_imprimee": float(value), "calcule": float(rate),
                                  "tolerance": float(unit), "statut": "ecart", "note": None,
                                  "cause": f"taux de rotation imprimé ({_show(key, value)}) différent de la "
                                           f"{source} ({_show(key, rate)})"})
    return items


def _other_base(value: Decimal, fig: Figures, scoped: dict) -> str:
    """An annex that prints two eligible counts: what the flux would be on the other one."""
    shown = " ; ".join(f"{SCOPES[s].removeprefix('sur ')} : {t}" for s, t in scoped.items())
    flux = value * fig.part * fig.taux_rotation
    return (f"deux assiettes imprimées ({shown}) ; les règles retiennent {fig.logements_eligibles} ; sur "
            f"{int(value)} logements avec la part retenue ({_show('part', fig.part)}), le flux avant arrondi "
            f"serait {_number(flux)}")


def _rounding_note(value: Decimal, ours: Decimal, unit: Decimal) -> str:
    if value == (ours / unit).to_integral_value(rounding=ROUND_HALF_UP) * unit:
        return "valeur imprimée arrondie"
    if value == (ours / unit).to_integral_value(rounding=ROUND_FLOOR) * unit:
        return "valeur imprimée tronquée"
    return "valeur imprimée à la précision près"


def _cause(key: str, value: Decimal, unit: Decimal, fig: Figures, other_rates, percent: bool = True) -> str:
    """The likely cause of a printed figure that disagrees (``percent``: the text had a « % » sign)."""
    ours = getattr(fig, key)
    if key in RATES and abs(value * 100 - ours) <= unit * 100:
        return (f"pourcentage imprimé dans la mauvaise unité : la fraction {fr_number(value * 100)} "
                f"({_show(key, ours)}) a été imprimée suivie de « % »")
    if key in RATES and abs(value / 100 - ours) <= unit / 100:
        if not percent:  # « 0,5 » read as the fraction 50 %: a percentage written without its sign
            return (f"pourcentage imprimé sans « % » : {fr_number(value)} lu comme la fraction {_show(key, value)} ; "
                    f"en pourcentage, {_show(key, value / 100)}, le taux des règles")
        return (f"pourcentage multiplié deux fois par 100 : {fr_number(value * 100)} % imprimé pour "
                f"{_show(key, ours)}")
    if key == "flux":
        up = math.ceil(fig.flux_brut)
        if value == up and fig.flux_brut < Decimal("0.5"):
            return (f"flux arrondi à l'unité supérieure depuis moins de 0,5 (flux avant arrondi "
                    f"{_number(fig.flux_brut)}) ; l'arrondi des règles « {fig.arrondi} » donne {fig.flux}")
        modes = [f"« {mode} »" for mode in ("plus_proche", "superieur", "inferieur")
                 if mode != fig.arrondi and value == rounded(fig.flux_brut, mode, fig.minimum)]
        if modes:
            return f"autre règle d'arrondi : {' ou '.join(modes)} au lieu de « {fig.arrondi} »"
    if key == "flux_prioritaires":
        other = "arrondi" if fig.prioritaire_sur == "brut" else "brut"
        base = Decimal(fig.flux) if other == "arrondi" else fig.flux_brut
        if abs(fig.part_prioritaire * base - value) <= unit:
            return (f"part prioritaire prise sur le flux {other} ({_show('part', fig.part_prioritaire)} × "
                    f"{_number(base)}) ; les règles la prennent sur le flux {fig.prioritaire_sur}")
        for printed_flux in (1, 0):
            if abs(fig.part_prioritaire * printed_flux - value) <= unit:
                return (f"part prioritaire prise sur un flux imprimé de {printed_flux} "
                        f"({_show('part', fig.part_prioritaire)} × {printed_flux})")
    if key == "flux_brut":
        for source, rate in other_rates:
            if fig.taux_rotation and abs(fig.flux_brut / fig.taux_rotation * rate - value) <= unit:
                return f"flux calculé avec le taux de rotation de la {source} ({_show('taux_rotation', rate)})"
    if key == "taux_rotation":
        return f"taux de rotation différent de celui retenu ({_show(key, ours)})"
    if key in ("logements_eligibles", "logements_reservataire"):
        return "nombre différent de celui retenu (inventaire ou option) : l'état des lieux est-il complet ?"
    if not unit:
        return f"écart de {_show(key, abs(value - ours))} sur un chiffre imprimé exact"
    return f"écart de {_show(key, abs(value - ours))} au-delà de la précision imprimée ({_show(key, unit)})"
