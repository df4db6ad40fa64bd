"""Count a plain RPLS file's dwellings per group on several cores: what ``flux`` reads of it, and no more.

``flux`` needs the dwellings counted per réservataire and per value of the fields the assiette rules read, every
cell checked, the ids unique; it never needs a row again. An RPLS file's fields come from its coded columns
(:mod:`engine.inputs.rpls`), so the file is counted by the cells those fields are read from, before they are
mapped: each forked process splits its part of the file (cut at line ends, as
:mod:`engine.inputs.inventory_counts` cuts an annex table) and sends back

- its rows counted per tuple of the cells of the columns counted by (those of the fields ``flux`` counts by, and
  CONTRESLOG, CONV, FINAN and MODE, whose fields the remarks count), with the holder the reservations table names
  for the dwelling;
- the distinct cells of every other column read;
- its ids (checked: present, 10 characters, no space around them) and the dwellings of a contingent whose holder
  is to be named that the table does not name.

The groups are then mapped once by :func:`~engine.inputs.rpls.translate`, each group one row standing for its
dwellings (``weights``), the distinct cells of the other columns in rows standing for none, so that every cell
is checked as the usual reading checks it. Anything else (a bad code or cell, a repeated id, a dwelling of the
reservations table not in the file, a blank or wide row, quotes) gives None: the usual reading, which names each
problem's line (tests hold both ways equal).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import compress, repeat
from operator import and_, itemgetter, not_

from engine import cores
from engine.inputs.inventory import (
    DEFAULTS,
    Inventory,
    is_parsed,
    parse_distinct,
    read_header,
    set_constants,
    sniff_delimiter,
    text_values,
)
from engine.inputs.inventory_counts import cut, split_plain

ALWAYS_COUNTED = ("reservataire", "conventionnement", "occupation")  # the remarks count their values


@dataclass
class Part:
    """What one process found in its rows."""

    rows: int
    plain: bool  # every row as wide as the header, ids present, of the right length, distinct
    counts: Counter  # tuple of the counted cells (and the named holder) → rows
    distinct: dict[int, set[str]]  # cell index → distinct cells (the columns not counted by)
    ids: set[str] | str  # its ids (a forked process sends them one per line: a text is sent faster)
    named: int  # rows the reservations table names
    unlisted: dict[str, list[str]]  # CONTRESLOG cell → ids of its rows that the table does not name


def count_rpls(text: str, encoding: str, name: str, bailleur: str | None, keys_for: Callable, holders,
               workers: int) -> Inventory | None:
    """The inventory of an RPLS file with its rows counted per ``keys_for(inventory.has)``, or None when the
    file is not plain (see the module)."""
    from engine.inputs import rpls
    from engine.inputs.rpls_codes import codes

    if '"' in text or "\0" in text:
        return None
    head, _, body = text.partition("\n")
    end = "\r\n" if head.endswith("\r") else "\n"  # the header's line end: every part checks that it has no other
    delimiter = sniff_delimiter(text)  # as the usual reading chooses it
    header = head.removesuffix("\r").split(delimiter)
    if not body or any(not title.strip().lstrip("\ufeff").strip() for title in header):
        return None  # a column without a name: the usual reading checks it is empty
    table = codes()
    where, others = rpls._where(table, header, name)
    if "IDENT_REP" not in where:
        return None
    shape = rpls.translate(header, [], [], name)  # the fields, from the header alone
    probe = Inventory(name)
    read_header(name, shape.header, probe)
    present = [k for k in keys_for(probe.has) if k in probe.index]
    read_from = rpls.sources(table, shape.header, where, others)
    counted_fields = {k.removeprefix("logement.") for k in present} | set(ALWAYS_COUNTED)
    key_at: set[int] = set()
    other_at: set[int] = set()
    for field_name, at in zip(shape.header, read_from, strict=True):
        key = probe.columns.get(field_name) or field_name
        if field_name in counted_fields or key in counted_fields:
            key_at.update(at)
        elif is_parsed(key) or field_name not in others and any(_checked(table, header[i]) for i in at):
            other_at.update(at)  # a column whose cells the usual reading checks
    id_at = where["IDENT_REP"]
    key_at.discard(id_at)
    other_at -= key_at | {id_at}
    key_at_list, other_at_list = sorted(key_at), sorted(other_at)
    if not key_at_list:
        return None
    named_by = {rid: holder for rid, (holder, _) in holders.holders.items()} if holders else {}
    contingent_at = where.get("CONTRESLOG")

    def to_name(cell: str) -> bool:
        entry = rpls.contingent_entry(table, cell)
        return entry is not None and entry.titulaire_a_nommer

    parts = cut(body, workers)
    size = table.columns["IDENT_REP"].longueur

    def part(k: int) -> Part:
        found = _part(parts[k], end, delimiter, len(header), id_at, size, key_at_list, other_at_list,
                      contingent_at, to_name, named_by)
        if k:
            found.ids = "\n".join(found.ids)
        return found

    try:
        found = cores.in_forks(part, len(parts))
    except BrokenProcessPool:  # a process stopped (out of memory?): the usual reading
        return None
    if not all(p.plain for p in found):
        return None
    ids = found[0].ids
    for k, other in enumerate(found[1:], 2):
        more = other.ids.split("\n")
        if not ids.isdisjoint(more):
            return None
        if k < len(found):
            ids.update(more)
    if sum(p.named for p in found) != len(named_by):
        return None  # a dwelling of the table not in the file: the usual reading names the table's line
    counts: Counter = Counter()
    for p in found:
        counts.update(p.counts)
    inv = _mapped(header, name, bailleur, holders if named_by else None, counts, key_at_list, found, present, table)
    if inv is not None:
        inv.encoding, inv.delimiter = encoding, delimiter
    return inv


def _mapped(header: list[str], name: str, bailleur: str | None, holders, counts: Counter, key_at: list[int],
            found: list[Part], present: list[str], table) -> Inventory | None:
    """The groups mapped once (rows of weight 0 carry the other columns' distinct cells: checked, not counted);
    ``holders``: the reservations table when it names someone (the groups then end with the named holder)."""
    from engine.inputs import rpls

    width = len(header)
    rows, weights, named = [], [], []
    for group, n in counts.items():
        cells, holder = group if holders is not None else (group, "")
        row = [""] * width
        for at, cell in zip(key_at, cells, strict=True):
            row[at] = cell
        rows.append(row)
        weights.append(n)
        named.append(holder)
    distinct: dict[int, set[str]] = {}
    for p in found:
        for at, cells in p.distinct.items():
            distinct.setdefault(at, set()).update(cells)
    columns = {at: sorted(cells) for at, cells in distinct.items()}
    for k in range(max(map(len, columns.values()), default=0)):
        row = [""] * width
        for at, cells in columns.items():
            if k < len(cells):
                row[at] = cells[k]
        rows.append(row)
        weights.append(0)
        named.append("")
    unlisted: dict[str, list[str]] = {}
    for p in found:
        for cell, dwellings in p.unlisted.items():
            unlisted.setdefault(rpls.contingent_entry(table, cell).reservataire, []).extend(dwellings)
    unlisted = {rid: sorted(dwellings) for rid, dwellings in sorted(unlisted.items())}
    mapped = rpls.translate(header, rows, range(len(rows)), name, None, holders.name if holders else "",
                            keep_rows=False, weights=weights, named=named if holders is not None else None,
                            unlisted=unlisted)
    if mapped.problems:
        return None
    inv = Inventory(name)
    read_header(name, mapped.header, inv)
    values = mapped.values
    for key, index in inv.index.items():
        column = key.removeprefix("logement.")
        if is_parsed(column):
            parsed, bad = parse_distinct(column, set(values[index]), DEFAULTS.get(column), bailleur)
            if bad:
                return None
            inv.parsed[key] = parsed
        elif key in present:
            inv.parsed[key] = text_values(set(values[index]))
    total = sum(weights)
    grouped: Counter = Counter()
    if present:
        at = itemgetter(*(inv.index[k] for k in present))
        by_row = zip(*values, strict=True)
        for cells, n in zip(by_row, weights, strict=True):
            if n:
                grouped[at(cells) if len(present) > 1 else (at(cells),)] += n
    else:
        grouped[()] = total
    set_constants(inv, bailleur)
    inv.columns = {source: inv.columns[title] for source, title in mapped.columns.items()}
    inv.warnings += mapped.remarks
    inv.sans_titulaire = mapped.sans_titulaire
    inv.lus, inv.data, inv.lines, inv.counted = total, None, range(2, total + 2), {tuple(present): grouped}
    return inv


def _checked(table, title: str) -> bool:
    """Whether an RPLS column's cells are checked when read: a code list, or a length."""
    column = table.columns[table.column_for(title.strip().lstrip("\ufeff").strip())]
    return bool(column.codes) or column.longueur is not None


def _part(text: str, end: str, delimiter: str, width: int, id_at: int, size: int | None, key_at: list[int],
          other_at: list[int], contingent_at: int | None, to_name: Callable[[str], bool],
          named_by: dict[str, str]) -> Part:
    rows, shaped = split_plain(text, end, delimiter, width)
    ids = list(map(itemgetter(id_at), rows))
    distinct_ids = set(ids)
    joined = "".join(distinct_ids)
    lengths = set(map(len, distinct_ids))
    plain = (shaped and len(distinct_ids) == len(rows)
             and joined.split(None, 1) == [joined]  # no space in an id (the usual reading strips them)
             and 0 not in lengths and (size is None or lengths == {size}))
    if not plain:
        return Part(len(rows), False, Counter(), {}, set(), 0, {})
    keys = map(itemgetter(*key_at), rows) if len(key_at) > 1 else zip(map(itemgetter(key_at[0]), rows))
    named = list(map(named_by.get, ids, repeat(""))) if named_by else None
    counts = Counter(zip(keys, named, strict=True)) if named is not None else Counter(keys)
    distinct = {at: set(map(itemgetter(at), rows)) for at in other_at}
    unlisted: dict[str, list[str]] = {}
    if contingent_at is not None:
        contingent = list(map(itemgetter(contingent_at), rows))
        unnamed = list(map(not_, named)) if named is not None else None
        for cell in filter(to_name, set(contingent)):  # a row of this contingent that the table does not name
            kind = map(cell.__eq__, contingent)
            left = list(compress(ids, map(and_, kind, unnamed) if unnamed is not None else kind))
            if left:
                unlisted[cell] = left
    return Part(len(rows), True, counts, distinct, distinct_ids, len(rows) - named.count("") if named else 0,
                unlisted)
