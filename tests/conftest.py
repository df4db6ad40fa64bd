"""Shared builders: the project catalog, a CLI runner helper."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.ruleset.inherit import Catalog

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog(ROOT)


def invoke(args: list[str], code: int):
    """Run the CLI and assert its exit code (sqlfluff's invoke_assert_code): every caller says the one it expects."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    return result


def csv_sheets(path: Path, sheets: dict[str, Path | list[list[str]]]) -> Path:
    """A workbook with one sheet per entry, in order: the rows of a CSV file (read as the inventory reader reads
    it) or rows given."""
    import csv
    import io

    import openpyxl

    from engine.inputs.inventory import decode, sniff_delimiter

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        if isinstance(rows, Path):
            text, _ = decode(rows.read_bytes(), str(rows))
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path
