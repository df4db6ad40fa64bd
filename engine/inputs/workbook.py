"""Excel workbooks (.xlsx) read as tables: the rows of one sheet as texts, as a CSV export would give them.

Read with openpyxl in read-only mode (values, not formulas: the values Excel last computed). The first sheet,
or the one ``--feuille`` names. The header is the first row that is not blank; title rows above it (one
filled cell, as « Annexe 2 : état des lieux » above a table) are passed over and said. Each cell becomes the
text a French export writes: a whole number without decimals, a decimal number with its digits (0.0939 is
9,39 %), a date ``JJ/MM/AAAA``, a boolean ``oui``/``non``. An identifier Excel holds as a number has lost its
leading zeros unless its format shows them (``0000000000``): a number in the id column is refused at its cell
rather than joined to the wrong dwelling. Problems name ``FILE:FEUILLE!CELLULE``.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from engine.problems import BadInput, Problem

SUFFIXES = (".xlsx", ".xlsm")


def is_workbook(path: Path) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


def sheet_for(path: Path | None, sheet: str | None) -> None:
    """``--feuille`` chooses a sheet of the workbook given with ``--inventory``: refused, rather than ignored,
    without an inventory or with one that is not a workbook."""
    if sheet is None:
        return
    if path is None:
        raise BadInput([Problem("--feuille", 0, f"« {sheet} » est une feuille de l'inventaire : donnez le classeur "
                                                "avec --inventory")])
    if not is_workbook(path):
        raise BadInput([Problem("--feuille", 0, f"« {sheet} » : {path} n'est pas un classeur .xlsx ; une feuille ne "
                                                "se choisit que dans un classeur")])


@dataclass
class Sheet:
    """The rows of one sheet as texts, each with its row number, and where each came from."""

    title: str
    rows: list[list[str]]
    lines: list[int]  # the row number of each row
    numbers: set[tuple[int, int]] = field(default_factory=set)  # (row number, column index) of numeric cells
    skipped: list[int] = field(default_factory=list)  # title rows above the header

    def cell(self, line: int, index: int) -> str:
        """``FEUILLE!B7``, the sheet quoted as Excel quotes it when it has spaces or punctuation."""
        title = self.title if re.fullmatch(r"\w+", self.title) else "'" + self.title.replace("'", "''") + "'"
        return f"{title}!{letter(index)}{line}"


def letter(index: int) -> str:
    """The column letters of a 0-based index.

    >>> letter(0), letter(25), letter(26), letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def text(value, number_format: str = "General") -> str:
    """The text of one cell value.

    >>> text(30476940, "0000000000"), text(7.0), text(0.0939), text(dt.datetime(2012, 7, 3)), text(True), text(None)
    ('0030476940', '7', '0.0939', '03/07/2012', 'oui', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, int):
        if re.fullmatch(r"0+", number_format or ""):  # a number shown with its leading zeros
            return f"{value:0{len(number_format)}d}"
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2 ** 53:
            return text(int(value), number_format)
        return repr(value)
    return str(value)


def read_sheet(path: Path, name: str, sheet: str | None = None) -> Sheet:
    """The rows of the sheet (first, or ``sheet``) from its header on; blank rows are kept as empty rows (the
    table reader passes over them, as it does in a CSV)."""
    try:
        from openpyxl import load_workbook
    except ImportError:  # a dependency of the package (pyproject.toml)
        raise BadInput([Problem(name, 0, "lecture des classeurs Excel impossible : le module openpyxl manque "
                                         "(réinstallez flux-rules)")]) from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise BadInput([Problem(name, 0, "classeur introuvable")]) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise BadInput([Problem(name, 0, f"classeur Excel illisible ({type(exc).__name__}) : enregistrez-le au "
                                         "format .xlsx, ou en CSV")]) from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise BadInput([Problem(name, 0, f"feuille « {sheet} » absente du classeur : feuilles "
                                             f"{', '.join('« ' + s + ' »' for s in book.sheetnames)}")])
        out = Sheet(ws.title, [], [])
        for row in ws.iter_rows():
            cells = []
            line = None
            for index, cell in enumerate(row):
                value = getattr(cell, "value", None)
                if line is None and getattr(cell, "row", None) is not None:
                    line = cell.row
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    out.numbers.add((line, index))
                cells.append(text(value, getattr(cell, "number_format", "General")))
            if line is None:
                line = (out.lines[-1] + 1) if out.lines else 1
            while cells and cells[-1] == "":
                cells.pop()
            out.rows.append(cells)
            out.lines.append(line)
    finally:
        book.close()
    _from_header(out)
    return out


def _from_header(sheet: Sheet) -> None:
    """Drop the blank rows and the title rows above the header (a row of one filled cell followed by a wider
    row), remembering the title rows."""
    start = 0
    while start < len(sheet.rows):
        filled = [c for c in sheet.rows[start] if c.strip()]
        if not filled:
            start += 1
            continue
        following = next((r for r in sheet.rows[start + 1:] if any(c.strip() for c in r)), None)
        if len(filled) == 1 and following is not None and len([c for c in following if c.strip()]) > 1:
            sheet.skipped.append(sheet.lines[start])
            start += 1
            continue
        break
    sheet.rows, sheet.lines = sheet.rows[start:], sheet.lines[start:]
    if sheet.rows:
        width = len(sheet.rows[0])
        sheet.rows = [r if len(r) >= width else r + [""] * (width - len(r)) for r in sheet.rows]


def located(problems: list[Problem], sheet: Sheet, header: list[str]) -> list[Problem]:
    """Each problem at its cell: the column its message names (« colonne « titre » », « colonne 5 »), else a
    title quoted in it (« titre »), else the row's first cell.

    >>> sheet = Sheet("Historique", [["annee", "parc"], ["2021", "liberations", "", "12"]], [1, 2], set())
    >>> [p.cellule for p in located([Problem("h.xlsx", 2, "valeur « 12 » dans la colonne 4, qui n'a pas de nom"),
    ...                              Problem("h.xlsx", 2, "colonne « parc » : nombre illisible « liberations »"),
    ...                              Problem("h.xlsx", 2, "année « parc » en double")], sheet, sheet.rows[0])]
    ['Historique!D2', 'Historique!B2', 'Historique!B2']
    """
    titles = [t.strip() for t in header]
    out = []
    for p in problems:
        if p.cellule or p.ligne == 0:
            out.append(p)
            continue
        out.append(Problem(p.fichier, p.ligne, p.message, p.code, sheet.cell(p.ligne, _column_named(p.message,
                                                                                                   titles))))
    return out


def _column_named(message: str, titles: list[str]) -> int:
    numbered = re.search(r"colonne (\d+)\b", message)
    if numbered and int(numbered.group(1)) > 0:  # beyond the header too (a sheet's trailing blank titles dropped)
        return int(numbered.group(1)) - 1
    for pattern in ("colonne « {} »", "« {} »"):
        found = next((i for i, t in enumerate(titles) if t and pattern.format(t) in message), None)
        if found is not None:
            return found
    return 0


def numeric_ids(sheet: Sheet, index: int, name: str) -> list[Problem]:
    """An identifier Excel holds as a number (its leading zeros lost, unless its format showed them)."""
    out = []
    for line, row in zip(sheet.lines[1:], sheet.rows[1:], strict=False):
        if (line, index) in sheet.numbers and row[index].strip() and not row[index].startswith("0"):
            out.append(Problem(name, line, f"identifiant « {row[index]} » saisi comme un nombre dans Excel : ses "
                                           "zéros en tête sont perdus ; mettez la colonne au format Texte",
                               cellule=sheet.cell(line, index)))
    return out
