"""Read an inventory CSV (inventory.md): the annex tables as real exports write them.

Delimiter ``;`` or ``,`` detected; UTF-8, UTF-8 with BOM or Windows-1252;
header names matched without case, accents or punctuation, with the annex
tables' own headers as aliases. Each row becomes ``logement.*`` facts
(typed: booleans, typologie as a room count, rates as decimals); unknown
columns are kept as ``logement.autres.<colonne>``. A bad row is a
:class:`~engine.problems.Problem` naming ``FILE:LINE``; nothing is dropped
silently: ``lus = retenus + rejetes``.

>>> column_for("N°RPLS du logement"), column_for("Réservataire du bien"), column_for("Ind. /coll.")
('rpls_id', 'reservataire', 'collectif_individuel')
>>> column_for("Taux de rotation moyen sur l'ensemble du parc du bailleur par département")
'rotation_rate'
>>> column_for("Groupe") is None
True
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from engine.inputs.values import parse_bool, parse_date, parse_qpv, parse_typologie
from engine.problems import BadInput, Problem
from engine.ruleset.inherit import normalise_name
from engine.ruleset.values import parse_rate

ALIASES = {
    "rpls_id": ["rpls_id", "N° RPLS", "N°RPLS du logement", "Clé local", "RPLS", "numéro RPLS", "identifiant RPLS"],
    "bailleur": ["bailleur", "organisme"],
    "reservataire": ["reservataire", "Réservataire du bien", "Réservataire"],
    "commune": ["commune"],
    "epci": ["epci"],
    "departement": ["departement", "Département"],
    "qpv": ["qpv", "QPV/hors QPV", "En QPV"],
    "typologie": ["typologie", "Typologie du bien", "Type"],
    "financement": ["financement", "Type de financement"],
    "collectif_individuel": ["collectif_individuel", "Collectif / Individuel", "Ind. /coll.", "Genre"],
    "annee_construction": ["annee_construction", "date de construction", "date de mise en service",
                           "année de construction"],
    "accessibilite": ["accessibilite", "PMR", "UFR"],
    "rotation_rate": ["rotation_rate", "taux de rotation"],
    "convention_start": ["convention_start", "Date de début de la convention", "date de début"],
    "convention_end": ["convention_end", "Date de fin de la convention", "Date d'expiration de la convention",
                       "date de fin"],
    "categorie": ["categorie", "catégorie"],
    "reservation_speciale": ["reservation_speciale", "réservation spéciale"],
    "en_vente": ["en_vente", "en vente", "plan de vente"],
    "demolition": ["demolition", "démolition"],
    "conventionnement": ["conventionnement"],
}
_BY_ALIAS = {normalise_name(alias): column for column, aliases in ALIASES.items() for alias in aliases}
CATEGORIES = {"familial", "foyer", "residence_sociale", "etudiant", "residence_services", "chrs", "medico_social"}
SPECIALES = {"defense", "securite_interieure", "sante"}
CONVENTIONNEMENTS = {"apl", "pre1977", "l411_6", "sem_non_apl", "pli", "lli"}
DEFAULTS = {"categorie": "familial", "conventionnement": "apl"}


def column_for(header: str) -> str | None:
    """The contract column a header names, or None for a column kept as ``autres``."""
    key = normalise_name(header)
    if key in _BY_ALIAS:
        return _BY_ALIAS[key]
    # The rotation header is long and garbled across page breaks in the annexes
    # (« Taux de financement moyen… », « Taux de moyen… »): « taux de … moyen / rotation ».
    if key.startswith("tauxde") and ("rotation" in key or "moyen" in key):
        return "rotation_rate"
    return None


@lru_cache(maxsize=4096)
def _rate(text: str) -> Decimal:
    return parse_rate(text)


@lru_cache(maxsize=4096)
def _year(text: str) -> int:
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    return parse_date(text).year


def _enum(allowed: set[str], label: str):
    def parse(text: str) -> str:
        value = re.sub(r"[^a-z0-9]+", "_", normalise_name_keep(text)).strip("_")
        if value not in allowed:
            raise ValueError(f"{label} « {text} » : attendu {', '.join(sorted(allowed))}")
        return value
    return lru_cache(maxsize=256)(parse)


def normalise_name_keep(text: str) -> str:
    import unicodedata
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()


@lru_cache(maxsize=256)
def _accessibilite(text: str) -> str:
    value = normalise_name(text)
    if value in ("pmr", "ufr"):
        return value
    if parse_bool(text):
        return "pmr"
    return ""


PARSERS = {
    "qpv": lru_cache(maxsize=256)(parse_qpv),
    "typologie": lru_cache(maxsize=256)(parse_typologie),
    "en_vente": lru_cache(maxsize=64)(parse_bool),
    "demolition": lru_cache(maxsize=64)(parse_bool),
    "rotation_rate": _rate,
    "convention_start": lru_cache(maxsize=4096)(parse_date),
    "convention_end": lru_cache(maxsize=4096)(parse_date),
    "annee_construction": _year,
    "accessibilite": _accessibilite,
    "categorie": _enum(CATEGORIES, "catégorie"),
    "reservation_speciale": _enum(SPECIALES, "réservation spéciale"),
    "conventionnement": _enum(CONVENTIONNEMENTS, "conventionnement"),
}


@dataclass
class Inventory:
    path: str
    encoding: str
    delimiter: str
    columns: dict[str, str]  # header as written → contract column or ``autres.<name>``
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lus: int = 0

    @property
    def rejetes(self) -> int:
        return len({p.ligne for p in self.problems})

    @property
    def has_id_column(self) -> bool:
        return "rpls_id" in self.columns.values()


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM), else Windows-1252; bytes neither can read are an error at their line."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw, bom = raw[3:], True
    else:
        bom = False
    try:
        return raw.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BadInput([Problem(name, line, f"octet 0x{raw[exc.start]:02X} illisible : encodage inconnu, "
                                            "attendu UTF-8 ou Windows-1252")]) from None


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ";"))


def iter_inventory(path: Path, shown: str | None = None, bailleur: str | None = None,
                   inventory: Inventory | None = None) -> Iterator[dict]:
    """Yield one ``logement.*`` fact dict per valid row; problems and warnings go to ``inventory``."""
    name = shown or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise BadInput([Problem(name, 0, f"inventaire illisible ({exc.strerror})")]) from None
    text, encoding = decode(raw, name)
    del raw
    first = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise BadInput([Problem(name, 1, "inventaire vide : attendu une ligne d'en-tête (N° RPLS, Réservataire…)")])
    columns: dict[str, str] = {}
    mapping: list[tuple[int, str, str]] = []
    seen: dict[str, str] = {}
    for index, title in enumerate(header):
        title = title.strip()
        if not title:
            continue
        column = column_for(title)
        if column and column in seen:
            raise BadInput([Problem(name, 1, f"colonnes « {seen[column]} » et « {title} » : deux colonnes pour "
                                             f"« {column} »")])
        if column:
            seen[column] = title
        key = column or f"autres.{re.sub(r'[^a-z0-9]+', '_', normalise_name_keep(title)).strip('_')}"
        columns[title] = key
        mapping.append((index, key, title))
    inv = inventory if inventory is not None else Inventory(name, encoding, delimiter, columns)
    inv.encoding, inv.delimiter, inv.columns = encoding, delimiter, columns
    has_id = "rpls_id" in seen
    if not has_id:
        inv.warnings.append(f"{name}: pas de colonne d'identifiant (N° RPLS, Clé local…) : les logements sont "
                            "identifiés par leur numéro de ligne (L2, L3…)")
    ids: dict[str, int] = {}
    width = len(header)
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        inv.lus += 1
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            inv.problems.append(Problem(name, line, f"{len(row)} valeurs pour {width} colonnes : vérifiez le "
                                                    f"séparateur « {delimiter} » et les guillemets"))
            continue
        facts, errors = _row_facts(row, mapping)
        rid = facts.get("logement.rpls_id")
        if has_id and not rid:
            errors.append(f"identifiant manquant dans la colonne « {seen['rpls_id']} »")
        elif not has_id:
            rid = facts["logement.rpls_id"] = f"L{line}"
        if rid and rid in ids:
            errors.append(f"logement « {rid} » en double (déjà ligne {ids[rid]})")
        if errors:
            inv.problems.extend(Problem(name, line, message) for message in errors)
            continue
        ids[rid] = line
        if bailleur and not facts.get("logement.bailleur"):
            facts["logement.bailleur"] = bailleur
        facts["_ligne"] = line
        yield facts


def _row_facts(row: list[str], mapping: list[tuple[int, str, str]]) -> tuple[dict, list[str]]:
    facts: dict = {}
    errors: list[str] = []
    for index, key, title in mapping:
        cell = row[index].strip() if index < len(row) else ""
        parser = PARSERS.get(key)
        if parser is None:
            facts[f"logement.{key}"] = cell or None
            continue
        if not cell:
            facts[f"logement.{key}"] = None
            continue
        try:
            facts[f"logement.{key}"] = parser(cell)
        except ValueError as exc:
            errors.append(f"colonne « {title} » : {exc}")
    for key, default in DEFAULTS.items():
        if facts.get(f"logement.{key}") is None:
            facts[f"logement.{key}"] = default
    return facts, errors


def read_inventory(path: Path, shown: str | None = None, bailleur: str | None = None,
                   skip_invalid: bool = False) -> Inventory:
    """The whole inventory in memory (for ``evaluate --inventory`` and the annex tables)."""
    inv = Inventory(shown or str(path), "", "", {})
    inv.rows = list(iter_inventory(path, shown, bailleur, inv))
    if inv.problems and not skip_invalid:
        raise BadInput(inv.problems)
    return inv
