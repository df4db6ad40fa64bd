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
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter, methodcaller
from pathlib import Path

from engine.gcpause import gc_paused
from engine.inputs.values import parse_bool, parse_date, parse_qpv, parse_typologie
from engine.problems import BadInput, Problem
from engine.ruleset.inherit import fold_ascii, normalise_name
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
    "sortie_patrimoine": ["sortie_patrimoine", "sortie du patrimoine"],
    "occupation": ["occupation", "mode d'occupation"],
    "contingent": ["contingent"],
}
_BY_ALIAS = {normalise_name(alias): column for column, aliases in ALIASES.items() for alias in aliases}
CATEGORIES = {"familial", "foyer", "residence_sociale", "etudiant", "residence_services", "chrs", "medico_social"}
SPECIALES = {"defense", "securite_interieure", "sante"}
CONVENTIONNEMENTS = {"apl", "pre1977", "l411_6", "sem_non_apl", "pli", "lli", "non_conventionne", "indetermine"}
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


def _year(text: str) -> int:
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    return parse_date(text).year


def _enum(allowed: set[str], label: str):
    def parse(text: str) -> str:
        value = re.sub(r"[^a-z0-9]+", "_", fold_ascii(text).strip()).strip("_")
        if value not in allowed:
            raise ValueError(f"{label} « {text} » : attendu {', '.join(sorted(allowed))}")
        return value
    return parse


def _coded(column: str, label: str):
    """A field whose values are those of an RPLS code list (rules/national/rpls-codes.yaml), read when first
    needed."""
    def parse(text: str) -> str:
        from engine.inputs.rpls_codes import codes

        allowed = {c.valeur for col in codes().columns.values() if col.champ == column for c in col.codes.values()}
        return _enum(allowed, label)(text)
    return parse


def _accessibilite(text: str) -> str:
    value = normalise_name(text)
    if value in ("pmr", "ufr"):
        return value
    if parse_bool(text):
        return "pmr"
    return ""


PARSERS = {  # each distinct text of a column is parsed once (see parse_distinct)
    "qpv": parse_qpv,
    "typologie": parse_typologie,
    "en_vente": parse_bool,
    "demolition": parse_bool,
    "rotation_rate": parse_rate,
    "convention_start": parse_date,
    "convention_end": parse_date,
    "annee_construction": _year,
    "accessibilite": _accessibilite,
    "categorie": _enum(CATEGORIES, "catégorie"),
    "reservation_speciale": _enum(SPECIALES, "réservation spéciale"),
    "conventionnement": _enum(CONVENTIONNEMENTS, "conventionnement"),
    "sortie_patrimoine": _coded("sortie_patrimoine", "sortie du patrimoine"),
    "occupation": _coded("occupation", "occupation"),
    "contingent": _coded("contingent", "contingent"),
}


_SCALAR_COLUMNS = frozenset(ALIASES) - {"rpls_id"}
_BOOLEAN = frozenset(("qpv", "en_vente", "demolition", "accessibilite"))


def cell_problem(column: str, value) -> str | None:
    """What is wrong with one value of an inline ``logement_info`` (events.md: the inventory's column names), read
    as the inventory reads its cell, or None. JSON gives numbers and booleans where a CSV gives texts: a number is
    read as its digits, a boolean is a cell of a yes/no column; a list or an object is never a cell. Unknown
    columns are kept as they are (rules may read them).

    >>> cell_problem("qpv", "peut-etre")
    '« qpv » : valeur « peut-etre » : attendu oui/non, true/false, 1/0 ou x/vide'
    >>> cell_problem("typologie", "T4"), cell_problem("qpv", False), cell_problem("couleur", [1])
    (None, None, None)
    """
    if column not in _SCALAR_COLUMNS or value is None:
        return None
    if isinstance(value, (list, dict)):
        return f"« {column} » : attendu une valeur (texte, nombre ou booléen), pas {'une liste' if isinstance(value, list) else 'un objet'}"
    if isinstance(value, bool):
        return None if column in _BOOLEAN else f"« {column} » : attendu un texte ou un nombre, pas {str(value).lower()}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2 ** 63:
            value = int(value)  # 4.0 is 4
        elif column in ("typologie", "annee_construction"):  # 1e+29 is no room count (and « 1 » is not its digit)
            return f"« {column} » : attendu un nombre entier, pas « {value} »"
    parser = PARSERS.get(column)
    if parser is None or not isinstance(value, (str, int, float)):
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        parser(text)
    except ValueError as exc:
        said = str(exc)
        return said if said.startswith(column) else f"« {column} » : {said}"
    return None


@dataclass
class Inventory:
    """The valid rows of an inventory as read, with each column's distinct texts parsed once.

    ``column(key)`` gives one typed value per row; ``groups(keys)`` counts
    the rows per distinct combination of typed values without building a
    value per row (what ``flux`` needs on a 200 000-row table).
    """

    path: str
    encoding: str = ""
    delimiter: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # header as written → contract column or ``autres.<nom>``
    index: dict[str, int] = field(default_factory=dict)  # fact key (``logement.*``) → cell index in a row
    parsed: dict[str, dict] = field(default_factory=dict)  # fact key → {cell text: typed value}
    constant: dict[str, object] = field(default_factory=dict)  # fact key → value of every row (no such column)
    data: list[list[str]] | None = field(default_factory=list)  # valid rows as read (None: only counted)
    lines: list[int] | range = field(default_factory=list)  # file line of each valid row
    counted: dict[tuple[str, ...], Counter] | None = None  # keys → rows per tuple of cells, when rows not kept
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unnamed: list[int] = field(default_factory=list)  # cell index of each header cell without a name
    sans_titulaire: dict[str, list[str]] = field(default_factory=dict)  # RPLS: contingent → dwellings, no holder
    sheet: str = ""  # a workbook's sheet read
    lus: int = 0
    _rows: list[dict] | None = None

    @property
    def rejetes(self) -> int:
        return len({p.ligne for p in self.problems})

    def __len__(self) -> int:
        return len(self.lines)

    def _kept(self) -> None:
        if self.data is None:
            raise RuntimeError(f"{self.path}: rows counted as read, not kept (read_inventory keeps them)")

    def has(self, key: str) -> bool:
        return key in self.index

    def keys(self) -> list[str]:
        return list(dict.fromkeys([*self.index, *self.constant, "logement.rpls_id"]))

    def _typed(self, key: str) -> dict:
        mapping = self.parsed.get(key)
        if mapping is None:  # a text column: stripped, empty = None
            mapping = self.parsed[key] = text_values(set(map(itemgetter(self.index[key]), self.data)))
        return mapping

    def column(self, key: str) -> list:
        """One value per valid row (None for every row when the inventory has no such column)."""
        self._kept()
        if key == "logement.rpls_id" and key not in self.index:
            return [f"L{line}" for line in self.lines]
        if key in self.index:
            return list(map(self._typed(key).__getitem__, map(itemgetter(self.index[key]), self.data)))
        return [self.constant.get(key)] * len(self.data)

    def groups(self, keys: list[str]) -> Counter:
        """Rows counted per distinct tuple of typed values of ``keys``."""
        present = [k for k in keys if k in self.index]
        if self.counted is not None:  # counted as read (inventory_counts): only these groups are known
            if tuple(present) not in self.counted:
                raise KeyError(f"rows counted by {sorted(self.counted)}, not by {present}")
            raw = self.counted[tuple(present)]
        elif not present:
            raw = Counter({(): len(self.data)})
        else:
            getter = itemgetter(*(self.index[k] for k in present))
            raw = Counter(map(getter, self.data))
            if len(present) == 1:
                raw = Counter({(value,): n for value, n in raw.items()})
        maps = {k: self._typed(k) for k in present}
        out: Counter = Counter()
        for cells, n in raw.items():
            by_key = dict(zip(present, cells, strict=True))
            out[tuple(maps[k][by_key[k]] if k in maps else self.constant.get(k) for k in keys)] += n
        return out

    @property
    def rows(self) -> list[dict]:
        """Valid rows as ``logement.*`` fact dicts (built on first use)."""
        if self._rows is None:
            self._kept()
            keys = self.keys()
            columns = [self.column(k) for k in keys]
            self._rows = [dict(zip(keys, vals, strict=True), _ligne=line)
                          for vals, line in zip(zip(*columns, strict=True), self.lines, strict=True)]
        return self._rows


BOMS = [(b"\xef\xbb\xbf", "utf-8", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"), (b"\xff\xfe", "utf-16-le", "utf-16"),
        (b"\xfe\xff", "utf-16-be", "utf-16")]  # longest first: the UTF-32 LE mark begins as the UTF-16 LE one
NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "utf-16": "UTF-16", "utf-32": "UTF-32"}


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """The text and its encoding: the one a byte order mark names (UTF-8, UTF-16, UTF-32), else UTF-8, else
    Windows-1252 (the encoding French spreadsheets export). A file is in one encoding: a UTF-8 file with a
    Windows-1252 line (or the other way round) is an error at the first line that is not in the encoding of
    the rest, never a file read in the wrong one (its headers garbled, its exclusions lost).

    >>> decode("N° RPLS;Réservataire\\n".encode("utf-8"), "f.csv")
    ('N° RPLS;Réservataire\\n', 'utf-8')
    >>> decode("N° RPLS;Réservataire\\n".encode("cp1252"), "f.csv")
    ('N° RPLS;Réservataire\\n', 'cp1252')
    """
    for mark, codec, label in BOMS:
        if raw.startswith(mark):
            body = raw[len(mark):]
            try:
                return body.decode(codec), label
            except UnicodeDecodeError as exc:
                if codec == "utf-8":  # the mark says UTF-8: a line in another encoding is the error
                    raise _not_in(raw, len(mark) + exc.start, "UTF-8", name) from None
                line = body[:exc.start].decode(codec, "replace").count("\n") + 1
                raise BadInput([Problem(name, line, f"texte illisible en {NAMES[label]} (le fichier commence par "
                                                    f"la marque de cet encodage)")]) from None
    if b"\0" in raw:  # UTF-16 or UTF-32 without a mark, or not a text file
        line = raw.count(b"\n", 0, raw.index(b"\0")) + 1
        raise BadInput([Problem(name, line, "octet nul : fichier UTF-16 sans marque d'ordre des octets, ou fichier "
                                            "qui n'est pas du texte ; enregistrez-le en CSV UTF-8")])
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    lines = raw.split(b"\n")
    in_utf8: list[int] = []  # lines with non-ASCII text that reads as UTF-8
    not_utf8: list[int] = []
    for number, line in enumerate(lines, 1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            not_utf8.append(number)
        else:
            in_utf8.append(number)
    if in_utf8:  # both: the line named is the first of the fewer
        if len(in_utf8) >= len(not_utf8):
            raise _not_in(raw, first_bad, "UTF-8", name)
        line = in_utf8[0]
        raise BadInput([Problem(name, line, f"ligne en UTF-8 dans un fichier en Windows-1252 (« "
                                            f"{_shown(lines[line - 1].decode('utf-8'))} ») : enregistrez le "
                                            "fichier dans un seul encodage (UTF-8 de préférence)")])
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BadInput([Problem(name, line, f"octet 0x{raw[exc.start]:02X} illisible : encodage inconnu, "
                                            "attendu UTF-8 ou Windows-1252")]) from None


def _not_in(raw: bytes, at: int, encoding: str, name: str) -> BadInput:
    """The error for a byte at ``at`` that is not in the file's encoding (UTF-8): its line, and how it reads."""
    line = raw.count(b"\n", 0, at) + 1
    try:
        raw[at:at + 1].decode("cp1252")
        other = "en Windows-1252"
    except UnicodeDecodeError:
        other = "dans un encodage inconnu"
    return BadInput([Problem(name, line, f"ligne {other} dans un fichier en {encoding} (octet 0x{raw[at]:02X}) : "
                                         "enregistrez le fichier dans un seul encodage (UTF-8 de préférence)")])


def _shown(text: str, width: int = 60) -> str:
    text = " ↵ ".join(text.strip().splitlines())
    return text if len(text) <= width else text[:width - 1] + "…"


def split_rows(text: str, delimiter: str) -> list[list[str]] | None:
    r"""The rows the csv module reads from ``text``, split by ``str.split`` (in C, about 60 % of the csv
    module's time) when nothing in the text needs the csv module: no quote, no NUL, line ends all ``\n`` or
    all ``\r\n``; otherwise None. A blank line is an empty row, as the csv module gives it.

    >>> split_rows("a;b\r\n\r\n1;2\r\n", ";")
    [['a', 'b'], [], ['1', '2']]
    >>> split_rows('a;"b;c"\n', ";") is None
    True
    """
    if '"' in text or "\0" in text:
        return None
    crlf = text.count("\r\n")
    if crlf != text.count("\r") or (crlf and crlf != text.count("\n")):
        return None
    lines = text.split("\r\n" if crlf else "\n")
    if lines[-1] == "":
        lines.pop()
    rows = list(map(methodcaller("split", delimiter), lines))
    if "" in lines:
        rows = [row if row != [""] else [] for row in rows]
    return rows


DELIMITERS = (";", ",", "\t", "|")
SAMPLE = 1 << 16  # characters: the start of the file the delimiter is chosen on


def sniff_delimiter(text: str) -> str:
    r"""The delimiter of ``;``, ``,``, tab and ``|`` that splits the header and the first rows (at most
    ``SAMPLE`` characters) into as many cells each, and into the most: a file is never read with a delimiter
    that leaves its header one cell (its columns, and what they exclude, unread). Without any, ``;``.

    >>> sniff_delimiter("N° RPLS|Typologie|Taux\n0031|T3|7,9 %\n0032|T4|7,9 %\n")
    '|'
    >>> sniff_delimiter("N° RPLS;Typologie;Taux\n0031;T3;7,9 %\n")
    ';'
    >>> sniff_delimiter('N° RPLS,Typologie,Taux\n0031,T3,"7,9 %"\n')
    ','
    """
    sample = text[:SAMPLE]
    cut = len(text) > SAMPLE
    best, best_score = ";", None
    for delimiter in DELIMITERS:
        if delimiter not in sample.split("\n", 1)[0]:
            continue
        try:
            rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        if cut and len(rows) > 1:
            rows.pop()  # perhaps cut in the middle
        width = len(rows[0])
        fits = sum(1 for row in rows[1:] if len(row) == width or (len(row) > width and not any(row[width:])))
        score = (fits == len(rows) - 1, fits, width)
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    return best


def is_parsed(column: str) -> bool:
    """Whether a column's cells are read into typed values (and checked), not kept as texts."""
    return column in PARSERS or column in DEFAULTS or column == "bailleur"


def text_values(cells) -> dict:
    """{cell: value} for a text column: stripped, empty = None."""
    return {cell: cell.strip() or None for cell in cells}


def ids_plain(distinct: set[str], rows: int) -> bool:
    """The ids of ``rows`` rows (their distinct texts) all present and distinct, none blank (ids written with
    surrounding spaces are told apart here, and stripped when read)."""
    return len(distinct) == rows and "" not in distinct and not any(map(str.isspace, distinct))


def set_constants(inv: Inventory, bailleur: str | None) -> None:
    """The value of every row for the defaulted columns the inventory does not have."""
    for column, default in DEFAULTS.items():
        if f"logement.{column}" not in inv.index:
            inv.constant[f"logement.{column}"] = default
    if bailleur and "logement.bailleur" not in inv.index:
        inv.constant["logement.bailleur"] = bailleur


def parse_distinct(key: str, cells: set, default, bailleur: str | None) -> tuple[dict, dict[str, str]]:
    """{cell text: typed value} for the distinct texts of one column; {text: error} for unreadable ones."""
    parser = PARSERS.get(key)
    if key == "bailleur":
        default = bailleur
    parsed: dict[str, object] = {}
    bad: dict[str, str] = {}
    for text in cells:
        cell = text.strip()
        if not cell:
            parsed[text] = default
        elif parser is None:
            parsed[text] = cell
        else:
            try:
                parsed[text] = parser(cell)
            except ValueError as exc:
                bad[text] = str(exc)
                parsed[text] = None
    return parsed, bad


def _rpls(inv: Inventory, header: list[str], reader, lines: list[int] | None, name: str, holders) -> dict:
    """The rows of an RPLS file as rows of inventory fields (:func:`engine.inputs.rpls.translate`); the
    inventory's columns say which RPLS column each field comes from."""
    from engine.inputs import rpls

    _data_rows(reader, lines, len(header), name, inv)
    inv.unnamed = [i for i, title in enumerate(header) if not title.strip().lstrip("\ufeff").strip()]
    check_unnamed(name, inv)
    found = rpls.translate(header, inv.data, inv.lines, name, holders.holders if holders else None,
                           holders.name if holders else "")
    if holders is not None:
        holders.check_known(found)
    inv.data, inv.lines, inv.unnamed = found.rows, found.lines, []
    inv.problems += found.problems
    seen = read_header(name, found.header, inv)
    inv.columns = {source: inv.columns[title] for source, title in found.columns.items()}
    if "rpls_id" in seen:
        seen["rpls_id"] = "IDENT_REP"
    inv.warnings += found.remarks
    inv.sans_titulaire = found.sans_titulaire
    return seen


ID_LIKE = ("rpls", "clelocal")  # in a header name: meant as the dwelling's id


def read_header(name: str, header: list[str], inv: Inventory) -> dict[str, str]:
    """The contract column (or ``autres.<nom>``) of each header cell; two cells for one column, or a header
    that looks like an id column the reader does not know, are errors at line 1 (a column read in the place
    of another, or dwellings named by their line, would give figures that look right). Unnamed cells are
    noted (``inv.unnamed``): their column must be empty."""
    seen: dict[str, str] = {}
    titles: dict[str, str] = {}
    for index, title in enumerate(header):
        title = title.strip().lstrip("\ufeff").strip()
        if not title:
            inv.unnamed.append(index)
            continue
        column = column_for(title)
        if column and column in seen:
            raise BadInput([Problem(name, 1, f"colonnes « {seen[column]} » et « {title} » : deux colonnes pour "
                                             f"« {column} »")])
        if column:
            seen[column] = title
        slug = re.sub(r"[^a-z0-9]+", "_", fold_ascii(title).strip()).strip("_") or f"colonne_{index + 1}"
        key = column or f"autres.{slug}"
        if key in titles:
            raise BadInput([Problem(name, 1, f"colonnes « {titles[key]} » et « {title} » : deux colonnes du même "
                                             "nom ; renommez l'une d'elles")])
        titles[key] = title
        inv.columns[title] = key
        inv.index[f"logement.{key}"] = index
    if "rpls_id" not in seen:
        for title in titles.values():
            if any(word in normalise_name(title) for word in ID_LIKE):
                raise BadInput([Problem(name, 1, f"colonne « {title} » : identifiant du logement non reconnu ; "
                                                 "nommez-la « N° RPLS » (ou « Clé local »)")])
    return seen


def check_unnamed(name: str, inv: Inventory) -> None:
    """A column without a header name must be empty (a trailing delimiter): otherwise its cells belong to a
    column no rule can read, or the header is shifted against the rows."""
    for index in inv.unnamed:
        for row, line in zip(inv.data, inv.lines, strict=True):
            if row[index].strip():
                raise BadInput([Problem(name, line, f"valeur « {_shown(row[index])} » dans la colonne "
                                                    f"{index + 1}, qui n'a pas de nom dans l'en-tête (ligne 1) : "
                                                    "nommez la colonne ou videz-la")])


def _check_ids(inv: Inventory, title: str, bad_rows: dict[int, list[str]]) -> None:
    index = inv.index["logement.rpls_id"]
    if ids_plain(set(map(itemgetter(index), inv.data)), len(inv.data)):
        return
    first: dict[str, int] = {}
    for i, cell in enumerate(map(itemgetter(index), inv.data)):
        rid = cell.strip()
        if not rid:
            bad_rows.setdefault(i, []).append(f"identifiant manquant dans la colonne « {title} »")
        elif rid in first:
            bad_rows.setdefault(i, []).append(f"logement « {rid} » en double (déjà ligne {inv.lines[first[rid]]})")
        else:
            first[rid] = i


def csv_rows(text: str, delimiter: str, name: str) -> tuple[list[list[str]], list[int]]:
    """The rows the csv module reads (strictly: a quote left open is an error, not the rest of the file read
    as one cell) and the line each starts on; a row it cannot read is ``FILE:LINE: message``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows, starts = [], []
    end = 0
    try:
        for row in reader:
            if reader.line_num - end > 1 and rows:  # a cell with line breaks
                _one_record(row, len(rows[0]), delimiter, name, end + 1)
            rows.append(row)
            starts.append(end + 1)
            end = reader.line_num
    except csv.Error as exc:
        line = end + 1
        if "field larger than field limit" in str(exc):
            message = (f"cellule de plus de {csv.field_size_limit():,} caractères".replace(",", " ")
                       + " : un guillemet ouvert n'est sans doute pas fermé")
        elif "unexpected end of data" in str(exc):
            message = "guillemet ouvert jamais fermé : la suite du fichier serait lue comme une seule cellule"
        elif "expected after" in str(exc):
            message = (f"guillemet mal placé : un guillemet qui ferme une cellule est suivi du séparateur "
                       f"« {delimiter} » ou d'une fin de ligne (un guillemet dans une cellule s'écrit \"\")")
        else:
            message = f"ligne illisible ({exc}) : vérifiez les guillemets autour des cellules"
        raise BadInput([Problem(name, line, message)]) from None
    return rows, starts


def _one_record(row: list[str], width: int, delimiter: str, name: str, line: int) -> None:
    """A cell with line breaks is one (an address on two lines), unless one of its lines holds a whole row's
    worth of delimiters: then a quote left open has made several rows one, and they would not be counted."""
    if width < 3:
        return
    for cell in row:
        if "\n" in cell and any(part.count(delimiter) >= width - 2 for part in cell.split("\n")):
            raise BadInput([Problem(name, line, f"cellule sur plusieurs lignes qui contient des lignes entières "
                                                f"(« {_shown(cell)} ») : un guillemet ouvert n'est sans doute "
                                                "pas fermé")])


def _data_rows(reader, lines: list[int] | None, width: int, name: str, inv: Inventory) -> None:
    """Data rows and their file lines (``lines``: where each row starts, header included; None when each row
    is one line); blank lines skipped, rows wider than the header reported, shorter ones padded (those an
    export cut after their last value), but not a row of one cell when the header has several (another
    delimiter)."""
    rows = list(reader)
    lines = list(range(2, len(rows) + 2)) if lines is None else lines[1:]
    if rows and (set(map(len, rows)) != {width} or [""] * width in rows):
        kept_rows, kept_lines = [], []
        for row, line in zip(rows, lines, strict=True):
            if not any(row):
                continue
            if (len(row) > width and any(cell.strip() for cell in row[width:])) or (len(row) == 1 < width):
                inv.problems.append(Problem(name, line, f"{len(row)} valeur(s) pour {width} colonnes : vérifiez le "
                                                        f"séparateur « {inv.delimiter} » et les guillemets"))
                inv.lus += 1
                continue
            kept_rows.append(row + [""] * (width - len(row)) if len(row) < width else row)
            kept_lines.append(line)
        rows, lines = kept_rows, kept_lines
    inv.lus += len(rows)
    inv.data, inv.lines = rows, lines


def read_inventory(path: Path, shown: str | None = None, bailleur: str | None = None,
                   skip_invalid: bool = False, need_ids: bool = False, sheet: str | None = None,
                   reservations: Path | None = None) -> Inventory:
    """Read and check every row; each column's distinct texts are parsed once.

    Bad rows stop the run with every problem as ``FILE:LINE``, or with
    ``skip_invalid`` are listed in ``problems`` and left out. ``need_ids``: see :func:`parse`. A workbook
    (``.xlsx``) is read from its first sheet or ``sheet``; ``reservations``: the table that names the holder of
    an RPLS file's reserved dwellings (:mod:`engine.inputs.reservations`).
    """
    from engine.inputs import workbook
    from engine.inputs.reservations import read_reservations

    workbook.sheet_for(path, sheet)
    with gc_paused():
        name = shown or str(path)
        holders = read_reservations(reservations) if reservations is not None else None
        if workbook.is_workbook(path):
            return read_workbook(path, name, bailleur, skip_invalid, need_ids, sheet, holders)
        text, encoding = load(path, name)
        return parse(text, encoding, name, bailleur, skip_invalid, need_ids, holders)


def read_workbook(path: Path, name: str, bailleur: str | None, skip_invalid: bool, need_ids: bool,
                  sheet: str | None, holders=None) -> Inventory:
    """An inventory from one sheet of a workbook: read as a CSV of the same cells is, problems at their cell."""
    from engine.inputs import rpls, workbook

    table = workbook.read_sheet(path, name, sheet)
    header = table.rows[0] if table.rows else []
    try:
        inv = parse_rows(table.rows, table.lines, "xlsx", "", name, bailleur, True, need_ids, holders)
    except BadInput as exc:
        raise BadInput(workbook.located(exc.problems, table, header)) from None
    inv.path, inv.encoding, inv.delimiter, inv.sheet = name, "xlsx", "", table.title
    if table.skipped:
        inv.warnings.append(f"{name} : ligne(s) {', '.join(map(str, table.skipped))} de la feuille « {table.title} » "
                            "avant l'en-tête (titre) passée(s)")
    if "logement.rpls_id" in inv.index and not rpls.is_rpls(header):
        numeric = workbook.numeric_ids(table, inv.index["logement.rpls_id"], name)
        if numeric:
            lines = {p.ligne for p in numeric}
            keep = [i for i, line in enumerate(inv.lines) if line not in lines]
            inv.data = [inv.data[i] for i in keep]
            inv.lines = [inv.lines[i] for i in keep]
            inv.problems = sorted(inv.problems + numeric, key=lambda p: p.ligne)
    inv.problems = workbook.located(inv.problems, table, header)
    if inv.problems and not skip_invalid:
        raise BadInput(inv.problems)
    return inv


def load(path: Path, name: str) -> tuple[str, str]:
    """The text of the file and its encoding."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise BadInput([Problem(name, 0, f"inventaire illisible ({exc.strerror})")]) from None
    return decode(raw, name)


NO_ID = ("pas de colonne d'identifiant des logements (N° RPLS, N°RPLS du logement, Clé local…) : obligatoire "
         "pour relier les logements aux événements (inventory.md)")


def parse(text: str, encoding: str, name: str, bailleur: str | None, skip_invalid: bool,
          need_ids: bool = False, holders=None) -> Inventory:
    """Every row of ``text`` read and checked (what :func:`read_inventory` does once the file is read).
    ``need_ids``: an inventory without an id column is an error (the rows are joined to the events by their
    id); else its rows are named by their line, as an annex table without RPLS numbers is read."""
    delimiter = sniff_delimiter(text)
    rows = split_rows(text, delimiter)
    lines = None
    if rows is None:
        rows, lines = csv_rows(text, delimiter, name)
    return parse_rows(rows, lines, encoding, delimiter, name, bailleur, skip_invalid, need_ids, holders)


def parse_rows(rows: list[list[str]], lines: list[int] | None, encoding: str, delimiter: str, name: str,
               bailleur: str | None, skip_invalid: bool, need_ids: bool = False, holders=None) -> Inventory:
    """The rows of a table (the header first; ``lines``: the line each starts on, None when each row is one
    line) read and checked. An RPLS file (:mod:`engine.inputs.rpls`) is read through its code lists; the
    reservations table (``holders``) names the holders of its reserved dwellings."""
    from engine.inputs import rpls

    reader = iter(rows)
    header = next(reader, None)
    if not header:
        raise BadInput([Problem(name, 1, "inventaire vide : attendu une ligne d'en-tête (N° RPLS, Réservataire…)")])
    inv = Inventory(name, encoding, delimiter)
    if rpls.is_rpls(header):
        seen = _rpls(inv, header, reader, lines, name, holders)
    else:
        if holders is not None:
            raise BadInput([Problem(holders.name, 0, f"--reservations : {name} n'est pas un fichier RPLS ; un "
                                                     "inventaire de ce format nomme ses réservataires dans sa "
                                                     "colonne « Réservataire »")])
        seen = read_header(name, header, inv)
        _data_rows(reader, lines, len(header), name, inv)
        check_unnamed(name, inv)
    bad_rows: dict[int, list[str]] = {}
    titles = {f"logement.{v}": k for k, v in inv.columns.items()}
    for key, index in inv.index.items():
        column = key.removeprefix("logement.")
        if not is_parsed(column):
            continue  # text columns are stripped on first use
        parsed, bad = parse_distinct(column, set(map(itemgetter(index), inv.data)), DEFAULTS.get(column), bailleur)
        inv.parsed[key] = parsed
        for i, cell in enumerate(map(itemgetter(index), inv.data)) if bad else ():
            if cell in bad:
                bad_rows.setdefault(i, []).append(f"colonne « {titles[key]} » : {bad[cell]}")
    if "rpls_id" in seen:
        _check_ids(inv, seen["rpls_id"], bad_rows)
    elif need_ids:
        raise BadInput([Problem(name, 1, NO_ID)])
    else:
        inv.warnings.append(f"{name}: pas de colonne d'identifiant (N° RPLS, Clé local…) : les logements sont "
                            "identifiés par leur numéro de ligne (L2, L3…) et un logement listé deux fois n'est "
                            "pas repéré")
    set_constants(inv, bailleur)
    for i, messages in sorted(bad_rows.items()):
        inv.problems += [Problem(name, inv.lines[i], message) for message in messages]
    if bad_rows:
        inv.data = [row for i, row in enumerate(inv.data) if i not in bad_rows]
        inv.lines = [line for i, line in enumerate(inv.lines) if i not in bad_rows]
    inv.problems.sort(key=lambda p: p.ligne)
    if inv.problems and not skip_invalid:
        raise BadInput(inv.problems)
    return inv
