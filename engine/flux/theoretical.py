"""Theoretical flux (Annexe 1): part, flux before and after rounding, priority part, in exact decimals.

Méthode de l'assiette (USH Occitanie, étape 3; Convention type Haute-Garonne,
annexe 1): flux à répartir = logements éligibles × taux de rotation −
déductions; flux du réservataire = flux à répartir × part, part = logements
du réservataire / logements éligibles. Without deductions this is the
Annexe 1 product éligibles × part × rotation.

Transformation des droits acquis (option Action Logement): Σ droits de suite
des programmes × taux de rotation, without the assiette or the deductions.

>>> rounded(Decimal("0.7912"), "plus_proche", 0)
1
>>> rounded(Decimal("0.078"), "plus_proche", 0), rounded(Decimal("0.078"), "superieur", 0)
(0, 1)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from engine.problems import BadInput, Problem
from engine.ruleset.inherit import RuleSet

MODES = {"plus_proche": ROUND_HALF_UP, "superieur": ROUND_CEILING, "inferieur": ROUND_FLOOR}


def rounded(value: Decimal, mode: str, minimum: int) -> int | Decimal:
    if mode == "aucun":
        return value
    result = int(value.to_integral_value(rounding=MODES[mode]))
    return max(result, minimum) if value > 0 else result  # the minimum is given to a positive flux only


@dataclass
class Deduction:
    id: str
    objet: str
    libelle: str
    source: str
    deduite: bool
    volume: Decimal | None  # None: applicable but not quantified
    origine: str  # option, regles (volume), regles (taux), —


@dataclass
class Figures:
    """One réservataire's Annexe 1 figures; every input says where it came from."""

    reservataire: str
    methode: str
    logements_eligibles: int
    logements_reservataire: int
    part: Decimal
    taux_rotation: Decimal
    flux_total: Decimal  # éligibles × rotation (assiette) or Σ droits × rotation
    deductions: list[Deduction]
    flux_a_repartir: Decimal
    flux_brut: Decimal
    flux: int | Decimal
    flux_prioritaires: Decimal
    arrondi: str
    minimum: int
    part_prioritaire: Decimal
    prioritaire_sur: str
    programmes: dict[str, int] = field(default_factory=dict)


def flux_params(ruleset: RuleSet, on: dt.date):
    """The theoretical-flux rule in force on ``on`` and its parameters ((a rule, None) before any is). Two in force
    at once are refused: which one the text means cannot be told (a layer replaces the national rule, it does not
    add a second one)."""
    rules = sorted(ruleset.of("flux"), key=lambda r: r.id)
    in_force = [r for r in rules if r.at(on) is not None]
    if len(in_force) > 1:
        where = " et ".join(f"« {r.id} » ({':'.join(map(str, r.since(on)))})" for r in in_force)
        last = max(in_force, key=lambda r: ruleset.chain.index(r.layer) if r.layer in ruleset.chain else -1)
        path, line = last.since(on)  # said at the rule the deepest layer adds
        raise BadInput([Problem(str(path), line, f"deux règles de flux théorique en vigueur le {on:%d/%m/%Y} : "
                                                 f"{where} ; une couche remplace la règle nationale (surcharges ou "
                                                 "remplace), elle n'en ajoute pas une seconde")])
    rule = in_force[0] if in_force else (rules[0] if rules else None)
    return rule, rule.at(on) if rule else None


def deductions_in_force(ruleset: RuleSet, on: dt.date, volumes: dict[str, Decimal],
                        flux_total: Decimal) -> list[Deduction]:
    out = []
    for rule in sorted(ruleset.of("deduction"), key=lambda r: r.id):
        params = rule.at(on)
        if params is None:
            continue
        objet = rule.rule.objet
        if not params.deduite:
            volume, origine = None, "—"
        elif objet in volumes:
            volume, origine = volumes[objet], "option"
        elif params.volume is not None:
            volume, origine = Decimal(params.volume), "regles (volume)"
        elif params.taux is not None:
            volume, origine = flux_total * params.taux, "regles (taux)"
        else:
            volume, origine = None, "—"
        out.append(Deduction(rule.id, objet, rule.rule.libelle, rule.rule.source, params.deduite, volume, origine))
    return out


def compute(reservataire: str, methode: str, eligibles: int, units: int, rate: Decimal,
            deductions: list[Deduction], params, programmes: dict[str, int] | None = None) -> Figures:
    """The figures under the flux rule's ``params`` in force (a year without them is refused before:
    :mod:`engine.ruleset.in_force`; no default of the code stands in for a text)."""
    arrondi, minimum = params.arrondi, params.minimum
    share, sur = params.part_prioritaire, params.prioritaire_sur
    part = Decimal(units) / Decimal(eligibles) if eligibles else Decimal(0)
    if methode == "droits_acquis":  # Σ droits de suite × taux: ``units`` is the sum of ``programmes``' dwellings
        total = Decimal(units) * rate
        applied: list[Deduction] = []
        a_repartir = brut = total
    else:
        total = Decimal(eligibles) * rate
        applied = deductions
        a_repartir = total - sum(d.volume for d in deductions if d.deduite and d.volume is not None)
        brut = max(a_repartir, Decimal(0)) * part
    final = rounded(brut, arrondi, minimum)
    priority = share * (brut if sur == "brut" else Decimal(final))
    return Figures(reservataire, methode, eligibles, units, part, rate, total, applied, a_repartir, brut, final,
                   priority, arrondi, minimum, share, sur, programmes=dict(programmes or {}))


def objective_from_annexe(ruleset: RuleSet, reservataire: str, on: dt.date) -> int | None:
    """Rounded flux from the convention's Annexe 1 figures, when the rule set has them and its flux rule is in
    force (None otherwise: the objective is not determined)."""
    _, params = flux_params(ruleset, on)
    if params is None:
        return None
    for rule in ruleset.of("annexe1"):
        annexe = rule.at(on)
        if annexe is None or annexe.reservataire != reservataire:
            continue
        if None in (annexe.logements_eligibles, annexe.logements_reservataire, annexe.taux_rotation):
            return None
        figures = compute(reservataire, "assiette", annexe.logements_eligibles, annexe.logements_reservataire,
                          annexe.taux_rotation, [], params)
        return int(figures.flux)
    return None
