"""The assiette: which dwellings of an inventory are in the flux, and how many per réservataire.

A dwelling is in the assiette when it matches an ``inclusion`` rule (if the
rule set has any) and no ``exclusion`` rule in force. Each dwelling left out
is counted under one rule id — the inclusion rule when it is outside every
inclusion, else the first exclusion that matches in the rule set's order — so
that ``logements = eligibles + sum(exclus)`` always holds. The decisions are
made through durable_rules, once per distinct signature of the fields the
rules read (a 200 000-row inventory has a few dozen signatures).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from engine.counting.firstmatch import FirstMatch
from engine.counting.registry import Registry
from engine.inputs.inventory import Inventory
from engine.ruleset.inherit import RuleSet

HORS_ASSIETTE = "hors-assiette"


@dataclass
class Assiette:
    logements: int = 0
    eligibles: int = 0
    exclus: Counter = field(default_factory=Counter)
    par_reservataire: Counter = field(default_factory=Counter)  # eligible dwellings per réservataire id
    tous_par_reservataire: Counter = field(default_factory=Counter)  # before exclusions (droits acquis)
    programmes: dict = field(default_factory=dict)  # réservataire id → Counter(programme → dwellings)
    taux_inventaire: Counter = field(default_factory=Counter)  # rotation rate column values → rows


class AssietteRules:
    """Inclusion and exclusion rules in force on a date, each decided through durable_rules."""

    def __init__(self, ruleset: RuleSet, on: dt.date, use_durable: bool = True):
        def in_force(nature):
            rules = [r for r in ruleset.of(nature) if r.at(on) is not None and r.at(on).applique]
            return [(r.id, index, r.rule.condition) for index, r in enumerate(rules)]

        self.inclusions = in_force("inclusion")
        self.exclusions = in_force("exclusion")
        self.include = FirstMatch(self.inclusions, [], use_durable)
        self.exclude = FirstMatch(self.exclusions, [], use_durable)
        self.fields = sorted({f for _, _, cond in self.inclusions + self.exclusions for f in cond.fields()})
        self.labels = {r.id: r.rule.libelle for n in ("inclusion", "exclusion") for r in ruleset.of(n)}
        self.sources = {r.id: r.rule.source for n in ("inclusion", "exclusion") for r in ruleset.of(n)}

    def reason_out(self, facts: dict, plain: bool = False) -> str | None:
        """None when the dwelling is in the assiette, else the rule id that leaves it out."""
        if self.inclusions:
            matched = self.include.match_plain(facts) if plain else self.include.match(facts)
            if matched is None:
                return self.inclusions[0][0] if len(self.inclusions) == 1 else HORS_ASSIETTE
        return self.exclude.match_plain(facts) if plain else self.exclude.match(facts)


PROGRAMME_COLUMNS = ("logement.autres.programme", "logement.autres.code_programme", "logement.autres.groupe")


def _count(out: Assiette, rules: AssietteRules, registry: Registry, resolved: dict, name, rate, programme,
           facts: dict, n: int, plain: bool = False) -> None:
    """Add ``n`` dwellings with the same réservataire name, rate, programme and rule facts."""
    out.logements += n
    rid = resolved.get(name)
    if rid is None:
        rid = resolved[name] = registry.resolve(name).id
    out.tous_par_reservataire[rid] += n
    out.programmes.setdefault(rid, Counter())[programme or "—"] += n
    if rate is not None:
        out.taux_inventaire[rate] += n
    reason = rules.reason_out(facts, plain)
    if reason is not None:
        out.exclus[reason] += n
        return
    out.eligibles += n
    out.par_reservataire[rid] += n


def build(rows: Iterable[dict], rules: AssietteRules, registry: Registry, plain: bool = False) -> Assiette:
    """The straightforward path: one row at a time (rows may be a stream)."""
    out = Assiette()
    resolved: dict = {}
    for facts in rows:
        programme = next((facts[k] for k in PROGRAMME_COLUMNS if facts.get(k)), None)
        _count(out, rules, registry, resolved, facts.get("logement.reservataire"),
               facts.get("logement.rotation_rate"), programme, facts, 1, plain)
    return out


def group_keys(rules: AssietteRules, has: Callable[[str], bool], programmes: bool = True) -> list[str]:
    """The columns :func:`build_columns` counts the rows by, for an inventory whose columns ``has`` tells:
    réservataire, the fields the rules read, the programme (droits acquis only) and the rotation rate."""
    keys = ["logement.reservataire", *rules.fields]
    programme = next((k for k in PROGRAMME_COLUMNS if has(k)), None)
    if programmes and programme is not None:
        keys.append(programme)
    if has("logement.rotation_rate"):
        keys.append("logement.rotation_rate")
    return keys


def build_columns(inv: Inventory, rules: AssietteRules, registry: Registry, programmes: bool = True) -> Assiette:
    """The fast path, same result as :func:`build`: rows grouped by the values the count depends on
    (réservataire and the fields the rules read), each group decided once; the rotation-rate column and the
    programmes (droits acquis only, ``programmes=False`` skips them) are counted on their own."""
    fields = rules.fields
    keys = group_keys(rules, inv.has, programmes)
    with_programme = programmes and any(inv.has(k) for k in PROGRAMME_COLUMNS)
    with_rate = inv.has("logement.rotation_rate")
    out = Assiette()
    resolved: dict = {}
    for (name, *values), n in inv.groups(keys).items():  # one pass over the rows
        rate = values.pop() if with_rate else None
        if rate is not None:
            out.taux_inventaire[rate] += n
        prog = values.pop() if with_programme else None
        _count(out, rules, registry, resolved, name, None, prog, dict(zip(fields, values, strict=True)), n)
    return out
