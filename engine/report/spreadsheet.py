"""CSV text, plain or for French spreadsheet software (``;``, decimal comma, UTF-8 with BOM).

>>> csv_text([["part", 0.25]], tableur=True)
'\\ufeffpart;0,25\\r\\n'
>>> fr_cell("part", 0.0948)
'9,48 %'
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from engine.report.text import fr_number, fr_percent

RATES = {"part", "taux_rotation", "part_prioritaire", "valeur", "cible"}


def csv_text(rows: list[list], tableur: bool = False) -> str:
    """``tableur``: what LibreOffice Calc and Excel in French open without an import dialog."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if tableur else ",", lineterminator="\r\n" if tableur else "\n")
    for row in rows:
        writer.writerow([_spreadsheet(v) if tableur else v for v in row])
    return ("\ufeff" if tableur else "") + buf.getvalue()


def _spreadsheet(value):
    if isinstance(value, bool) or value is None:
        return "" if value is None else ("oui" if value else "non")
    if isinstance(value, (float, Decimal)):
        return fr_number(Decimal(str(value)))
    return value


def fr_cell(key: str, value) -> str:
    """A figure as a French reader expects it in a table."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if key in RATES and isinstance(value, (int, float, Decimal)):
        return fr_percent(Decimal(str(value)), 2)
    if isinstance(value, float):
        return fr_number(Decimal(str(value)).quantize(Decimal("0.0001")).normalize())
    return str(value)
