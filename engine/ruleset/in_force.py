"""A year the rule set does not cover: refused, not filled with the engine's own defaults.

The rules' values are dated (``valeurs: {2023-11-24: …}``) and a year is evaluated with those in force on its
31 December. Before the first date of the rules that decide a figure (the counting rules, the counting bases,
the theoretical flux) no text of the rule set applies: a figure would come from the code, not from a text. The
year is refused with the date the rules take effect and the file and line that set it.
"""

from __future__ import annotations

import datetime as dt

from engine.problems import BadInput, Problem
from engine.ruleset.inherit import RuleSet

NATURES = {
    "decompte": "règle de décompte",
    "base_decompte": "base de décompte",
    "flux": "règle de flux théorique",
}
COUNTING = ("decompte", "base_decompte")  # evaluate, explain, bilan, compare
FLUX = ("flux",)  # flux


def require_in_force(ruleset: RuleSet, year: int, natures: tuple[str, ...], fichier: str, ligne: int) -> None:
    """Refuse ``year`` (``fichier:ligne``: where the year was given) when, for one of ``natures``, no rule of
    ``ruleset`` has a value in force on its 31 December."""
    on = dt.date(year, 12, 31)
    problems = []
    for nature in natures:
        rules = ruleset.of(nature)
        if any(r.at(on) is not None for r in rules):
            continue
        what = NATURES[nature]
        dated = sorted((r.dated[0][0], r.id, r.since(r.dated[0][0])) for r in rules if r.dated)
        if not dated:
            problems.append(Problem(fichier, ligne, f"exercice {year} : les règles « {ruleset.name} » n'ont "
                                                    f"aucune {what} ; aucun chiffre ne peut en être tiré"))
            continue
        start, rid, (path, line) = dated[0]
        problems.append(Problem(fichier, ligne, (
            f"exercice {year} : aucune {what} des règles « {ruleset.name} » n'est en vigueur au 31/12/{year} ; "
            f"la première prend effet le {start:%d/%m/%Y} (« {rid} », {path}:{line}). Choisissez un exercice "
            f"couvert, ou datez dans les règles les valeurs en vigueur cette année-là")))
    if problems:
        raise BadInput(problems)
