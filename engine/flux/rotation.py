"""Rotation rate: given, or computed from a yearly history with the territory's formula.

The history file (``--history FILE.csv``, ``;`` or ``,``, same encodings as
the inventory) has one row per year (and per perimeter when ``perimetre`` is
given). Columns (names matched without case or accents):

==============================  =============================================================
``annee``                       year of the figures (required)
``perimetre``                   département, EPCI or commune the row describes (optional)
``liberations``                 dwellings freed in the year: family dwellings, without student
                                and specific housing (required)
``mutations``                   of which freed by internal mutations
``relogements``                 of which freed by ANRU / NPNRU, ORCOD or LHI relogements
``liberations_demolitions``     of which freed for a demolition (Rhône)
``liberations_ventes``          of which freed for a sale (Rhône)
``parc``                        stock at 31/12 of the year (Rhône: parc occupé) (required)
``parc_vente``                  of which in a sale plan (USH: taken out of the stock)
``parc_demolition``             of which due for demolition (USH: taken out of the stock)
``premieres_mises_en_location`` first lettings of new programmes in the year (Rhône)
==============================  =============================================================

Formulas per year (the rate of year N uses the ``annees`` years before N,
averaged: a mean of the yearly rates):

- ``ush_occitanie``: (liberations − mutations − relogements) / (parc − parc_vente − parc_demolition)
- ``ush_occitanie_avec_mutations``: (liberations − relogements) / (parc − parc_vente − parc_demolition)
- ``rhone_mobilite_epci``: (liberations − liberations_demolitions − liberations_ventes)
  / (parc − premieres_mises_en_location), three years, per EPCI
- ``ain_moyenne_departementale``: liberations / parc, three years (RPLS mobility rate)

>>> yearly_rate("ush_occitanie", {"liberations": 1000, "mutations": 150, "relogements": 50,
...                               "parc": 10400, "parc_vente": 200, "parc_demolition": 200})
Decimal('0.08')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path

from engine.inputs.inventory import csv_rows, decode, sniff_delimiter
from engine.problems import BadInput, Problem
from engine.ruleset.inherit import normalise_name

COLUMNS = ("annee", "perimetre", "liberations", "mutations", "relogements", "liberations_demolitions",
           "liberations_ventes", "parc", "parc_vente", "parc_demolition", "premieres_mises_en_location")
NEEDS = {
    "ush_occitanie": (("liberations", "mutations", "relogements"), ("parc", "parc_vente", "parc_demolition")),
    "ush_occitanie_avec_mutations": (("liberations", "relogements"), ("parc", "parc_vente", "parc_demolition")),
    "rhone_mobilite_epci": (("liberations", "liberations_demolitions", "liberations_ventes"),
                            ("parc", "premieres_mises_en_location")),
    "ain_moyenne_departementale": (("liberations",), ("parc",)),
}
LABELS = {  # the methods that compute a rate (« donne » gives it)
    "ush_occitanie": "formule USH Occitanie (hors mutations et relogements)",
    "ush_occitanie_avec_mutations": "formule USH Occitanie, variante avec mutations",
    "rhone_mobilite_epci": "mobilité moyenne sur trois ans par EPCI (Rhône)",
    "ain_moyenne_departementale": "moyenne départementale sur trois ans (Ain, RPLS)",
}


def yearly_rate(method: str, row: dict) -> Decimal:
    plus, minus = NEEDS[method]
    numerator = Decimal(row[plus[0]]) - sum(Decimal(row.get(k) or 0) for k in plus[1:])
    denominator = Decimal(row[minus[0]]) - sum(Decimal(row.get(k) or 0) for k in minus[1:])
    if denominator <= 0:
        raise ValueError("parc nul ou négatif après retraits : taux incalculable")
    return numerator / denominator


@dataclass
class History:
    path: str
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (line, values)


def read_history(path: Path) -> History:
    """The yearly figures of a CSV or of a workbook's first sheet (``.xlsx``: problems at their cell)."""
    from engine.inputs import workbook

    name = str(path)
    if not workbook.is_workbook(path):
        return _read_history(*_csv_rows(path, name), name)
    sheet = workbook.read_sheet(path, name)
    try:
        return _read_history(sheet.rows, sheet.lines, name)
    except BadInput as exc:
        raise BadInput(workbook.located(exc.problems, sheet, sheet.rows[0] if sheet.rows else [])) from None


def _csv_rows(path: Path, name: str) -> tuple[list[list[str]], list[int]]:
    """The rows of a CSV and the line each starts on, read as the inventory is (encodings, delimiter, quotes)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise BadInput([Problem(name, 0, f"historique illisible ({exc.strerror})")]) from None
    text, _ = decode(raw, name)
    return csv_rows(text, sniff_delimiter(text), name)


FIGURE = re.compile(r"\d+(\.\d+)?")  # a count or a stock: never negative, never NaN or infinite
YEAR = re.compile(r"\d{4}")
REQUIRED = ("annee", "liberations", "parc")


def _value(column: str, cell: str):
    """The value of one filled cell, or ValueError with what is wrong (French, for the user)."""
    if column == "perimetre":
        return cell
    text = cell.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    if column == "annee":
        if not YEAR.fullmatch(text):
            raise ValueError(f"année illisible « {cell} » : attendu une année, par exemple 2023")
        return int(text)
    if not FIGURE.fullmatch(text):
        raise ValueError(f"nombre illisible « {cell} » : attendu un nombre positif ou nul, par exemple 10 400")
    return Decimal(text)


def _read_history(rows: list[list[str]], lines: list[int], name: str) -> History:
    """Every row checked: a problem for each bad cell (its column named by its title as written), each
    value outside the header's columns, each required figure left empty."""
    header = rows[0] if rows else []
    if not any(title.strip() for title in header):
        raise BadInput([Problem(name, 1, "historique vide : attendu un en-tête annee, liberations, parc…")])
    known = {normalise_name(c): c for c in COLUMNS}
    mapping, problems = [], []
    for title in header:
        column = known.get(normalise_name(title))
        if column is None and title.strip():
            problems.append(Problem(name, 1, f"colonne inconnue « {title} » : attendu {', '.join(COLUMNS)}"))
        elif column and column in mapping:
            problems.append(Problem(name, 1, f"colonnes « {header[mapping.index(column)]} » et « {title} » : deux "
                                             "colonnes du même nom"))
        mapping.append(column)
    for required in REQUIRED:
        if required not in mapping:
            problems.append(Problem(name, 1, f"colonne « {required} » manquante"))
    if problems:
        raise BadInput(problems)
    history = History(name)
    for line, row in zip(lines[1:], rows[1:], strict=True):
        if not any(cell.strip() for cell in row):
            continue
        values: dict = {}
        filled = set()
        for index, (column, cell) in enumerate(zip_longest(mapping, row, fillvalue="")):
            cell = cell.strip()
            if cell == "":
                continue
            if not column:  # a value beyond the header, or under a blank title: read by nothing
                problems.append(Problem(name, line, f"valeur « {cell} » dans la colonne {index + 1}, qui n'a pas "
                                                    "de nom dans l'en-tête"))
                continue
            filled.add(column)
            try:
                values[column] = _value(column, cell)
            except ValueError as exc:
                problems.append(Problem(name, line, f"colonne « {header[index].strip()} » : {exc}"))
        for required in REQUIRED:
            if required not in filled:
                problems.append(Problem(name, line, f"colonne « {header[mapping.index(required)].strip()} » vide"))
        history.rows.append((line, values))
    if problems:
        raise BadInput(problems)
    return history


@dataclass
class ComputedRate:
    taux: Decimal
    par_annee: dict[int, Decimal]  # the rate of each year averaged, in order
    comptes_zero: dict[str, list[int]] = field(default_factory=dict)  # a deduction not given → the years it is 0


def _not_given(method: str, values: dict) -> list[str]:
    """The deductions of ``method`` the row leaves empty (or has no column for): counted 0.

    >>> _not_given("ush_occitanie", {"liberations": "90", "mutations": "", "parc": "1000", "parc_vente": "4"})
    ['mutations', 'relogements', 'parc_demolition']
    """
    plus, minus = NEEDS[method]
    return [k for k in (*plus[1:], *minus[1:]) if values.get(k) in (None, "")]


def compute(history: History, method: str, year: int, years: int, perimetre: str | None = None) -> ComputedRate:
    """The rate in force for ``year``: the mean of the yearly rates of the ``years`` years before it, with
    ``method`` (one of :data:`NEEDS`), on the rows of ``perimetre`` (needed when the history has several)."""
    rows = history.rows
    perimetres = sorted({v["perimetre"] for _, v in rows if "perimetre" in v})
    if perimetre:
        key = normalise_name(perimetre)
        rows = [(line, v) for line, v in rows if "perimetre" in v and normalise_name(v["perimetre"]) == key]
        if not rows:
            raise BadInput([Problem(history.path, 0, f"périmètre « {perimetre} » absent de l'historique "
                                                     f"(présents : {', '.join(perimetres) or 'aucun'})")])
    elif len(perimetres) > 1:
        raise BadInput([Problem(history.path, 0, f"plusieurs périmètres ({', '.join(perimetres)}) : "
                                                 "choisissez-en un avec --perimetre")])
    wanted = list(range(year - years, year))
    by_year: dict[int, tuple[int, dict]] = {}
    for line, values in rows:
        if values["annee"] in by_year:
            raise BadInput([Problem(history.path, line, f"année {values['annee']} en double "
                                                        f"(déjà ligne {by_year[values['annee']][0]})")])
        by_year[values["annee"]] = (line, values)
    missing = [y for y in wanted if y not in by_year]
    if missing:
        raise BadInput([Problem(history.path, 0, f"{LABELS[method]} pour {year} : années "
                                                 f"{', '.join(map(str, missing))} absentes de l'historique")])
    rates: dict[int, Decimal] = {}
    zero: dict[str, list[int]] = {}
    for y in wanted:
        line, values = by_year[y]
        for k in _not_given(method, values):
            zero.setdefault(k, []).append(y)
        try:  # a component left empty counts as 0 (said: comptes_zero)
            rates[y] = yearly_rate(method, values)
        except ValueError as exc:
            raise BadInput([Problem(history.path, line, str(exc))]) from None
    return ComputedRate(sum(rates.values()) / len(rates), rates, zero)
