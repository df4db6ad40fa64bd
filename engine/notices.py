"""What the command line tells on stderr, in French, when it took a default the user may not have meant or when
the data do not look like what was asked (issue 14): nothing is refused, the reader is told.

>>> from pathlib import Path
>>> generated_counts(Path("s/inventaire.csv"), Path("s/evenements.jsonl"), 2000, 20000, 7, "ain", 2024)
"s/inventaire.csv : 2\u202f000 logements\\ns/evenements.jsonl : 20\u202f001 enregistrements, l'en-tête d'exercice et 20\u202f000 événements (graine 7, ain, 2024)"
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from engine.report.text import fr_int

MOSTLY = 0.5  # fewer mises à disposition in the year than this share of the dwellings offered: not the log's year


def generated_counts(inventory: Path, events_path: Path, dwellings: int, events: int, seed: int, territory: str,
                     year: int) -> str:
    """What ``generate`` wrote, counted as ``evaluate`` counts it: the header is a record of the log too."""
    return (f"{inventory} : {fr_int(dwellings)} logements\n{events_path} : {fr_int(events + 1)} enregistrements, "
            f"l'en-tête d'exercice et {fr_int(events)} événements (graine {seed}, {territory}, {year})")


def _years(counts: Counter) -> str:
    return ", ".join(f"{fr_int(n)} en {y}" for y, n in sorted(counts.items()))


def year_notices(evaluation, asked: int | None) -> list[str]:
    """The evaluated year against the log: a ``--year`` that contradicts the header, or offers mostly opened in
    another year (fewer mises à disposition in the year than half the dwellings the log offers), with the years
    of the log's libérations and mises en service when it has some."""
    year = evaluation.year
    notes = []
    declared = (evaluation.log.header or {}).get("annee")
    if asked is not None and declared is not None and int(declared) != year:
        notes.append(f"attention : exercice {year} évalué (--year), mais le journal se déclare exercice {declared} "
                     "(en-tête)")
    notes += mid_year_values(evaluation.ruleset, year)
    offered = len(evaluation.logements)
    opened = sum(r.get("mises_a_disposition") or 0 for r in evaluation.result["reservataires"])
    if offered and opened < MOSTLY * offered:
        counts = Counter(evaluation.life_years)
        which = "aucune mise à disposition" if not opened else f"{fr_int(opened)} mise(s) à disposition seulement"
        hint = f" (libérations et mises en service : {_years(counts)})" if counts else ""
        notes.append(f"attention : {which} en {year} pour {fr_int(offered)} logement(s) proposé(s) dans le "
                     f"journal{hint} : la plupart de ses offres ne sont pas de l'exercice évalué ; est-ce le bon "
                     "(--year) ?")
    return notes


# natures decided with the values in force on 31 December, for the whole year (the deadlines take the values in
# force on the day their time starts)
YEAR_END = ("decompte", "base_decompte", "objectif", "obligation", "report", "parametre", "annexe1", "flux", "rotation",
            "deduction")


def mid_year_values(ruleset, year: int) -> list[str]:
    """Values taking effect during the year (after 1 January) that the year's counting, objectives and
    obligations apply to the whole year: one notice per date, with the rules.

    >>> from engine.ruleset.inherit import load_ruleset
    >>> print(mid_year_values(load_ruleset("haute-garonne"), 2023)[0])  # doctest: +NORMALIZE_WHITESPACE
    attention : exercice 2023 : 16 valeur(s) des règles « haute-garonne » prennent effet le 24/11/2023
    (« base-action-logement », « base-bailleur », « base-etat » et 13 autre(s)) ; le décompte, les objectifs et
    les obligations de l'exercice les appliquent à toute l'année, les délais aux seules offres dont le délai court
    depuis cette date
    >>> mid_year_values(load_ruleset("ain"), 2026)
    []
    >>> print(mid_year_values(load_ruleset("ain"), 2024)[0])  # doctest: +NORMALIZE_WHITESPACE
    attention : exercice 2024 : 2 règle(s) des règles « ain » ne sont pas encore en vigueur au 31/12/2024 (la
    première le 10/06/2025 : « decompte-relogement-npnru », « part-etat-programmes-neufs ») ; l'exercice est évalué
    sans elles
    """
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    by_date: dict[dt.date, list[str]] = {}
    later: dict[dt.date, list[str]] = {}
    for rule in ruleset.rules.values():
        if rule.nature not in YEAR_END or not rule.dated:
            continue
        since = max((d for d, _ in rule.dated if d <= end), default=None)
        if since is not None and since > start:
            by_date.setdefault(since, []).append(rule.id)
        elif since is None:
            later.setdefault(rule.dated[0][0], []).append(rule.id)
    notes = [f"attention : exercice {year} : {len(ids)} valeur(s) des règles « {ruleset.name} » prennent effet le "
             f"{since:%d/%m/%Y} ({_some(sorted(ids))}) ; le décompte, les objectifs et les obligations de "
             "l'exercice les appliquent à toute l'année, les délais aux seules offres dont le délai court depuis "
             "cette date" for since, ids in sorted(by_date.items())]
    if later:
        first = min(later)
        count = sum(map(len, later.values()))
        notes.append(f"attention : exercice {year} : {count} règle(s) des règles « {ruleset.name} » ne sont pas "
                     f"encore en vigueur au 31/12/{year} (la première le {first:%d/%m/%Y} : "
                     f"{_some(sorted(later[first]))}) ; l'exercice est évalué sans elles")
    return notes


def _some(ids: list[str], shown: int = 3) -> str:
    named = ", ".join(f"« {i} »" for i in ids[:shown])
    return named + (f" et {len(ids) - shown} autre(s)" if len(ids) > shown else "")


def flux_notices(rules: str | None, year: int | None, result: dict) -> list[str]:
    """``flux`` without ``--rules`` reads the national rules only (no département, no convention), and without
    ``--year`` nor a dated Annexe 1 it takes the current year: both said, since neither shows in the figures."""
    notes = []
    if rules is None:
        notes.append("attention : sans --rules, flux applique les seules règles nationales (CCH, décret "
                     "n° 2020-145), sans département ni convention : donnez --rules haute-garonne, rhone, ain, "
                     "une convention ou un YAML")
    if year is None and result.get("exercice") == dt.date.today().year and not _annexe_dated(rules):
        notes.append(f"attention : exercice {result['exercice']}, l'année en cours : ni --year ni annexe 1 datée "
                     "dans les règles ; donnez --year pour un autre exercice")
    return notes


def _annexe_dated(rules: str | None) -> bool:
    from engine.ruleset.inherit import load_ruleset

    return any(r.dated for r in load_ruleset(rules or "national").of("annexe1"))
