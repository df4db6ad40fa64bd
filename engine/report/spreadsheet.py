"""CSV text, plain or for French spreadsheet software (``;``, decimal comma, UTF-8 with BOM).

Every CSV the commands write goes through :func:`csv_text`, which neutralises text cells a spreadsheet
would read as a formula (OWASP « CSV Injection »): a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return gets a single quote in front. Numbers stay numbers (an ``ecart`` of -3 is written -3).

>>> csv_text([["part", 0.25]], tableur=True)
'\\ufeffpart;0,25\\r\\n'
>>> csv_text([["=1+1", -3, "@SUM(A1)"]])
"'=1+1,-3,'@SUM(A1)\\n"
>>> fr_cell("part", 0.0948)
'9,48 %'
>>> fr_cell("logements", 12128), fr_cell("base_decompte", "mise_a_disposition")
('12\u202f128', 'mise à disposition')
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from engine.report.labels import word
from engine.report.text import fr_int, fr_number, fr_percent

RATES = {"part", "taux_rotation", "part_prioritaire", "valeur", "cible"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell a spreadsheet would run as a formula, quoted (OWASP); anything else as it is.

    >>> neutralise("=SUM(A1)"), neutralise("-2+3"), neutralise(-3), neutralise("PLUS")
    ("'=SUM(A1)", "'-2+3", -3, 'PLUS')
    """
    if isinstance(value, str):
        if value.startswith(FORMULA_STARTS):
            value = "'" + value
        if "\r" in value:  # one kind of line break inside a cell, so that the writer quotes it
            value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def csv_text(rows: list[list], tableur: bool = False) -> str:
    """``tableur``: what LibreOffice Calc and Excel in French open without an import dialog."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if tableur else ",", lineterminator="\r\n" if tableur else "\n")
    for row in rows:
        writer.writerow([_spreadsheet(v) if tableur else v for v in map(neutralise, row)])
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
        return fr_number(Decimal(str(value)).quantize(Decimal("0.0001")).normalize(), group=True)
    if isinstance(value, Decimal):
        return fr_number(value, group=True)
    if isinstance(value, int):
        return fr_int(value)
    return word(value)
