"""Count a large inventory's rows per group on several cores: what ``flux`` reads of it, and no more.

``flux`` needs the rows counted per réservataire and per value of the
fields the assiette rules read, every cell checked, and the ids unique; it
never needs a row again. A long inventory in the plain form most exports
write (no quote, every line ended by ``\\n`` or every one by ``\\r\\n``, every row as wide as the header, no blank
line) is cut at line ends into one part per core; each forked process
splits its part, gathers each checked column's distinct cells, its ids and
its counts per group, and sends back only those. The distinct cells are then
parsed once, as :func:`~engine.inputs.inventory.read_inventory` parses them.
Anything else (a bad cell, a repeated or missing id, a blank or wide row,
quotes, a small file) is read the usual way, which gives the same counts and
every message with its line (tests hold both ways equal).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from operator import itemgetter, methodcaller
from pathlib import Path

from engine import cores
from engine.gcpause import gc_paused
from engine.inputs.inventory import (
    DEFAULTS,
    Inventory,
    ids_plain,
    is_parsed,
    load,
    parse,
    parse_distinct,
    read_header,
    read_inventory,
    set_constants,
    sniff_delimiter,
    text_values,
)

SAMPLE_HEADER = 1 << 16  # characters: the header is looked for in the start of the file
PARALLEL_FROM = 2_000_000  # characters (about 20 000 rows): below, forking costs more than it saves


@dataclass
class Part:
    """What one process found in its rows."""

    rows: int
    plain: bool  # every row as wide as the header, none blank, ids present and distinct
    distinct: dict[int, set[str]]  # cell index → distinct cells (the columns not counted by)
    ids: set[str] | str  # its ids (a forked process sends them one per line: a text is sent faster)
    counts: Counter  # tuple of the cells of the counted columns → rows


def count_inventory(path: Path, keys_for: Callable[[Callable[[str], bool]], list[str]], shown: str | None = None,
                    bailleur: str | None = None, skip_invalid: bool = False, sheet: str | None = None,
                    reservations: Path | None = None) -> Inventory:
    """The inventory with its rows counted per ``keys_for(inventory.has)`` (the columns of the header that the
    caller counts by) rather than kept, when it is long and plain; else read as ``read_inventory`` reads it
    (always for a workbook). A plain RPLS file of any length is counted by :mod:`engine.inputs.rpls_counts`,
    from the cells its fields are read from.
    Either way ``groups(keys_for(inventory.has))`` gives the same counts."""
    from engine.inputs import rpls, workbook
    from engine.inputs.reservations import read_reservations
    from engine.inputs.rpls_counts import count_rpls

    name = shown or str(path)
    workbook.sheet_for(path, sheet)
    if workbook.is_workbook(path):
        return read_inventory(path, name, bailleur, skip_invalid, sheet=sheet, reservations=reservations)
    with gc_paused():
        holders = read_reservations(reservations) if reservations is not None else None
        text, encoding = load(path, name)
        workers = cores.workers_for(len(text), PARALLEL_FROM)
        counted = None
        head = text[:SAMPLE_HEADER].split("\n", 1)[0].removesuffix("\r")
        if rpls.is_rpls(head.split(sniff_delimiter(head + "\n"))):
            counted = count_rpls(text, encoding, name, bailleur, keys_for, holders, workers)
            return counted if counted is not None else parse(text, encoding, name, bailleur, skip_invalid,
                                                             holders=holders)
        if holders is not None:
            return parse(text, encoding, name, bailleur, skip_invalid, holders=holders)  # refused there, said why
        if workers > 1 and '"' not in text and "\0" not in text:
            try:
                counted = _counted(text, encoding, name, bailleur, keys_for, workers)
            except BrokenProcessPool:  # a process stopped (out of memory?): the usual reading below
                counted = None
        return counted if counted is not None else parse(text, encoding, name, bailleur, skip_invalid)


def _counted(text: str, encoding: str, name: str, bailleur: str | None, keys_for, workers: int) -> Inventory | None:
    head, _, body = text.partition("\n")
    end = "\r\n" if head.endswith("\r") else "\n"  # the header's line end: every part checks that it has no other
    head = head.removesuffix("\r")
    delimiter = sniff_delimiter(text)  # as the usual reading chooses it
    header = head.split(delimiter)
    inv = Inventory(name, encoding, delimiter)
    seen = read_header(name, header, inv)
    if "rpls_id" not in seen or not body:
        return None  # rows named by their line: the usual way
    present = tuple(k for k in keys_for(inv.has) if k in inv.index)
    checked = {key: index for key, index in inv.index.items()
               if is_parsed(key.removeprefix("logement.")) or key in present}
    width, id_index = len(header), inv.index["logement.rpls_id"]
    counted_at = [inv.index[k] for k in present]
    distinct_at = sorted((set(checked.values()) | set(inv.unnamed)) - set(counted_at))
    parts = cut(body, workers)

    def part(k: int) -> Part:
        found = _part(parts[k], end, delimiter, width, id_index, distinct_at, counted_at)
        if k:
            found.ids = "\n".join(found.ids)
        return found

    found = cores.in_forks(part, len(parts))
    if not all(p.plain for p in found):
        return None
    ids = found[0].ids
    for other in found[1:]:
        more = other.ids.split("\n")
        if not ids.isdisjoint(more):
            return None
        ids.update(more)
    if any(cell.strip() for index in inv.unnamed for p in found for cell in p.distinct[index]):
        return None  # a column without a name holds values: the usual reading names the line
    counts: Counter = Counter()
    for p in found:
        counts.update(p.counts)
    for key, index in checked.items():
        if index in counted_at:
            at = counted_at.index(index)
            cells = {group[at] for group in counts}
        else:
            cells = set().union(*(p.distinct[index] for p in found))
        column = key.removeprefix("logement.")
        if is_parsed(column):
            parsed, bad = parse_distinct(column, cells, DEFAULTS.get(column), bailleur)
            if bad:
                return None  # the usual reading names each bad cell's line
        else:  # a text column counted by
            parsed = text_values(cells)
        inv.parsed[key] = parsed
    set_constants(inv, bailleur)
    rows = sum(p.rows for p in found)
    inv.lus, inv.data, inv.lines, inv.counted = rows, None, range(2, rows + 2), {present: counts}
    return inv


def cut(body: str, n: int) -> list[str]:
    """``body`` in ``n`` parts of about the same size, each cut after a line end."""
    parts, start = [], 0
    for k in range(1, n):
        end = body.find("\n", max(start, len(body) * k // n)) + 1
        if end <= 0:
            break
        parts.append(body[start:end])
        start = end
    parts.append(body[start:])
    return [p for p in parts if p]


def split_plain(text: str, end: str, delimiter: str, width: int) -> tuple[list[list[str]], bool]:
    """The rows of a part split at ``end`` and ``delimiter``, and whether the part is plain in its shape: no
    other line end hidden in a row, every row ``width`` cells wide."""
    lines = text.split(end)
    ends = len(lines) - 1
    if lines[-1] == "":
        lines.pop()
    rows = list(map(methodcaller("split", delimiter), lines))
    del lines
    shaped = (text.count("\n") == ends and text.count("\r") == (ends if end == "\r\n" else 0)
              and set(map(len, rows)) == {width})
    return rows, shaped


def _part(text: str, end: str, delimiter: str, width: int, id_index: int, distinct_at: list[int],
          counted_at: list[int]) -> Part:
    rows, shaped = split_plain(text, end, delimiter, width)
    ids = set(map(itemgetter(id_index), rows))
    plain = shaped and ids_plain(ids, len(rows))
    if not plain:
        return Part(len(rows), False, {}, set(), Counter())
    distinct = {index: set(map(itemgetter(index), rows)) for index in distinct_at}
    if not counted_at:
        counts = Counter({(): len(rows)})
    elif len(counted_at) == 1:
        counts = Counter(zip(map(itemgetter(counted_at[0]), rows)))
    else:
        counts = Counter(map(itemgetter(*counted_at), rows))
    return Part(len(rows), True, distinct, ids, counts)
