"""A bailleur's RPLS file read as an inventory: its columns mapped to the fields the rules read.

The layout is recognised by its header (``IDENT_REP`` and the coded columns ``FINAN``, ``CONV``,
``CONTRESLOG``…, any case, or the SDES open-data names ``finan_code``…). Each RPLS column gives one field of
the inventory (``rules/national/rpls-codes.yaml`` says which, and what each code means):

- ``IDENT_REP`` → ``rpls_id`` (10 characters, leading zeros kept), ``DEPCOM`` → ``commune``, ``EPCI``,
  ``DEP`` → ``departement``, ``NBPIECE`` → ``typologie``, ``CONSTRUCT`` → ``annee_construction``;
- ``QPV``, ``TYPECONST``, ``FINAN``, ``SORTIEPATRIM`` (``sortie_patrimoine``), ``MODE`` (``occupation``),
  ``CONTRESLOG`` (``contingent``) through their code lists;
- ``conventionnement`` from ``CONV`` and, for a dwelling that is not conventionné, ``FINAN``: a State
  financing before 1977 is ``pre1977``, one from 1977 on ``non_conventionne``, « autre financement » before
  1977 ``indetermine`` (the arrêté does not say whether the State financed it: said in a remark);
- ``en_vente`` from ``DATMISEVENTE`` (the sale authorised, L443-7) or ``MISCOMMERCIAL`` (put on the market);
- ``reservataire`` from ``CONTRESLOG``'s registry entry, or the holder a reservations table names for the
  dwelling (:mod:`engine.inputs.reservations`). A contingent that names a kind of holder, not which one
  (collectivités, autres), is counted under its « titulaire non nommé » entry and its dwellings listed
  (``Translated.sans_titulaire``): never given to a holder by guess.

Columns of the inventory contract that a bailleur adds to its file (``demolition``, ``categorie``,
``reservation_speciale``…) are read as in any inventory; other columns are kept as ``autres``. A code the
arrêté does not allow, an id not 10 characters long, is a problem at the row's line; codes the arrêté allows
and the rules do not read are kept.

The mapping works column by column on each column's distinct cells (a 200 000-row file has a few dozen). A long
plain file is not mapped row by row at all: :mod:`engine.inputs.rpls_counts` counts its rows per tuple of the cells
``flux`` counts by and maps each tuple once (``translate`` with ``weights``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter

from engine.inputs.inventory import column_for
from engine.inputs.rpls_codes import Code, CodeTable, codes
from engine.problems import BadInput, Problem

UNNAMED_CONTINGENT = "contingent-non-renseigne"  # CONTRESLOG empty: no holder assumed, counted and said


@dataclass
class Translated:
    """The RPLS rows as rows of inventory fields, and what the reading found."""

    header: list[str]  # field names (the inventory's columns), then the columns kept as they are
    rows: list[list[str]]
    lines: list[int]
    columns: dict[str, str]  # RPLS column(s) as written → field, for the inventory record
    problems: list[Problem] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    sans_titulaire: dict[str, list[str]] = field(default_factory=dict)  # réservataire id → dwellings' ids
    refused_ids: set[str] = field(default_factory=set)  # ids of the rows left out for a bad code
    values: list = field(default_factory=list)  # each column of ``header``: its values, row by row


def is_rpls(header: list[str]) -> bool:
    """Whether a header is an RPLS file's (its id column and at least two coded columns)."""
    return codes().marks([title.strip().lstrip("\ufeff") for title in header])


JOINT = {"financement": ("FINAN",), "conventionnement": ("CONV", "FINAN"), "en_vente": ("DATMISEVENTE", "MISCOMMERCIAL"),
         "contingent": ("CONTRESLOG",), "reservataire": ("CONTRESLOG",)}  # fields read from more than their column


def sources(table: CodeTable, fields: list[str], rpls: dict[str, int], others: dict[str, int]) -> list[list[int]]:
    """For each field of a translated header (``Translated.header``), the cells of a row of the file it is read
    from (a column kept as it is: its own cell)."""
    by_field = {col.champ: column for column, col in table.columns.items() if col.champ}
    out = []
    for name in fields:
        if name in others:
            out.append([others[name]])
        else:
            out.append([rpls[c] for c in JOINT[name] if c in rpls] if name in JOINT else [rpls[by_field[name]]])
    return out


def contingent_entry(table: CodeTable, cell: str) -> Code | None:
    """The CONTRESLOG entry a cell names (by the field value it gives, as ``translate`` finds it), or None."""
    entries = table.columns["CONTRESLOG"].codes
    text = cell.strip()
    entry = entries.get(text) or entries.get(text.upper())
    if entry is None:
        return None
    return {e.valeur: e for e in entries.values()}[entry.valeur]


def _where(table: CodeTable, header: list[str], name: str) -> tuple[dict[str, int], dict[str, int]]:
    """RPLS column → cell index, and the other columns (title → index); two cells for one column are an error."""
    rpls: dict[str, int] = {}
    others: dict[str, int] = {}
    titles = [title.strip().lstrip("\ufeff").strip() for title in header]
    for index, title in enumerate(titles):
        if not title:  # a column without a name: checked empty by the inventory reader
            continue
        column = table.column_for(title)
        if column is None:
            others[title] = index
        elif column in rpls:
            raise BadInput([Problem(name, 1, f"colonnes « {titles[rpls[column]]} » et « {title} » : deux colonnes "
                                             f"pour « {column} »")])
        else:
            rpls[column] = index
    return rpls, others


def translate(header: list[str], rows: list[list[str]], lines: list[int], name: str,
              reservations: dict[str, tuple[str, int]] | None = None, reservations_name: str = "",
              keep_rows: bool = True, weights: list[int] | None = None, named: list[str] | None = None,
              unlisted: dict[str, list[str]] | None = None) -> Translated:
    """The rows of an RPLS file as inventory rows (``keep_rows``; else only each column's ``values``); rows with
    a bad code are left out with their problem.

    Grouped reading (:mod:`engine.inputs.rpls_counts`): each row stands for ``weights[i]`` dwellings (the
    counts of the remarks are weighted), ``named[i]`` is the holder the reservations table gives them ("": none)
    in place of ``reservations`` looked up by id, and ``unlisted`` the dwellings of a contingent whose holder is
    to be named that the table does not name (``Translated.sans_titulaire``), found by the caller."""
    table = codes()
    rpls, others = _where(table, header, name)
    cols = table.columns
    bad: dict[int, list[str]] = {}
    out_header: list[str] = []
    out_cols: list[list[str]] = []
    shown: dict[str, str] = {}

    by_index: dict[int, list[str]] = {}

    def cells(index: int) -> list[str]:
        """One column of the file, taken once (a map in C: cheaper than transposing every column)."""
        if index not in by_index:
            by_index[index] = list(map(itemgetter(index), rows))
        return by_index[index]

    def raw(column: str) -> list[str]:
        return cells(rpls[column])

    def emit(field_name: str, values: list[str], source: str) -> None:
        out_header.append(field_name)
        out_cols.append(values)
        shown[source] = field_name

    def coded(column: str) -> list[str]:
        """The field values of a coded column (its ``valeur``), each distinct cell checked once."""
        entries = cols[column].codes
        mapping: dict[str, str] = {}
        for cell in set(raw(column)):
            text = cell.strip()
            entry = entries.get(text) or entries.get(text.upper())
            if not text:
                mapping[cell] = ""
            elif entry is None:
                allowed = ", ".join(f"{code} {e.libelle}" for code, e in entries.items())
                mapping[cell] = _flag(f"colonne « {column} » : code « {text} » inconnu (arrêté du 5 janvier 2010, "
                                      f"annexe, item {cols[column].item} : {allowed})")
            else:
                mapping[cell] = entry.valeur if entry.valeur is not None else text
        return _checked(raw(column), mapping, bad)

    def sized(column: str) -> list[str]:
        size = cols[column].longueur
        values = raw(column)
        if size is None or set(map(len, map(str.strip, values))) == {size}:  # every cell of the right length
            return values
        mapping = {}
        for cell in set(values):
            text = cell.strip()
            mapping[cell] = cell if not text or len(text) == size else _flag(
                f"colonne « {column} » : « {text} » a {len(text)} caractère(s), attendu {size} (arrêté du 5 "
                f"janvier 2010, annexe, item {cols[column].item} ; les zéros en tête comptent)")
        return _checked(values, mapping, bad)

    for column in ("IDENT_REP", "DEPCOM"):
        if column in rpls:
            emit(cols[column].champ, sized(column), column)
    for column in ("EPCI", "DEP", "NBPIECE", "CONSTRUCT"):
        if column in rpls:
            emit(cols[column].champ, raw(column), column)
    for column in ("QPV", "TYPECONST", "SORTIEPATRIM", "MODE"):
        if column in rpls:
            emit(cols[column].champ, coded(column), column)
    finan = coded("FINAN") if "FINAN" in rpls else None
    if finan is not None:
        emit("financement", finan, "FINAN")
    if "CONV" in rpls:
        emit("conventionnement", _conventionnement(table, coded("CONV"), raw("FINAN") if finan else None),
             "CONV, FINAN" if finan else "CONV")
    sale = [c for c in ("DATMISEVENTE", "MISCOMMERCIAL") if c in rpls]
    if sale:
        marks = [raw(c) if c == "DATMISEVENTE" else coded(c) for c in sale]  # a date, or « oui »: for sale
        keys = marks[0] if len(marks) == 1 else list(zip(*marks, strict=True))
        said = {key: "oui" if any(c.strip() and c != "non" for c in ((key,) if len(marks) == 1 else key)) else "non"
                for key in set(keys)}
        emit("en_vente", list(map(said.__getitem__, keys)), ", ".join(sale))
    result = Translated([], [], [], {})
    if "CONTRESLOG" in rpls:
        contingent = coded("CONTRESLOG")
        emit("contingent", contingent, "CONTRESLOG")
        ids = out_cols[out_header.index("rpls_id")] if "rpls_id" in out_header else raw("IDENT_REP")
        holders = _holders(table, contingent, ids, reservations or {}, reservations_name, result, weights, named,
                           unlisted)
        emit("reservataire", holders, "CONTRESLOG, --reservations" if reservations or named is not None
             else "CONTRESLOG (réservataire)")
    for title, index in others.items():  # contract columns the bailleur added, and the rest, as they are
        key = column_for(title)
        if key in out_header:
            raise BadInput([Problem(name, 1, f"colonne « {title} » : « {key} » vient déjà de la colonne RPLS "
                                             f"« {next(s for s, f in shown.items() if f == key)} »")])
        out_header.append(title)
        out_cols.append(cells(index))
        shown[title] = title
    result.header, result.columns = out_header, shown
    result.rows = (list(zip(*out_cols, strict=True)) if out_cols else [() for _ in rows]) if keep_rows else []
    result.lines = list(lines)
    if bad:
        keep = [i for i in range(len(rows)) if i not in bad]
        result.rows = [result.rows[i] for i in keep] if keep_rows else []
        result.lines = [lines[i] for i in keep]
        out_cols = [[col[i] for i in keep] for col in out_cols]
        weights = [weights[i] for i in keep] if weights is not None else None
    result.problems = [Problem(name, lines[i], message) for i, messages in sorted(bad.items()) for message in messages]
    result.values = out_cols
    result.remarks += _remarks(dict(zip(out_header, out_cols, strict=True)), result, others, name, weights)
    if bad and "IDENT_REP" in rpls:
        every = raw("IDENT_REP")
        result.refused_ids = {every[i].strip() for i in bad}
        for rid, dwellings in list(result.sans_titulaire.items()):
            result.sans_titulaire[rid] = [d for d in dwellings if d not in result.refused_ids]
    return result


class _Bad(str):
    """A cell whose code is refused: the message travels in place of the value, then becomes a problem."""


def _flag(message: str) -> _Bad:
    return _Bad(message)


def _checked(values: list[str], mapping: dict[str, str], bad: dict[int, list[str]]) -> list[str]:
    """The values of ``mapping`` for each cell; a refused one (its message in place of the value) recorded as its
    row's problem (the row is dropped)."""
    out = list(map(mapping.__getitem__, values))
    refused = {cell for cell, value in mapping.items() if type(value) is _Bad}
    if refused:
        for i, cell in enumerate(values):
            if cell in refused:
                bad.setdefault(i, []).append(str(mapping[cell]))
    return out


def _conventionnement(table: CodeTable, conv: list[str], finan: list[str] | None) -> list[str]:
    """APL when CONV says so; for a dwelling that is not conventionné, what its FINAN says (``avant_1977``):
    ``pre1977``, ``non_conventionne``, or ``indetermine`` (« autre financement » before 1977, or no FINAN)."""
    finan_codes = table.columns["FINAN"].codes
    state = {True: "pre1977", False: "non_conventionne", None: "indetermine"}
    if "non_conventionne" not in set(conv):
        return conv
    finan = finan if finan is not None else [""] * len(conv)
    mapping: dict[tuple, str] = {}
    for pair in set(zip(conv, finan, strict=True)):
        value, cell = pair
        if value != "non_conventionne":  # apl, empty (the inventory's default), or refused (the row is dropped)
            mapping[pair] = value
            continue
        entry = finan_codes.get(cell.strip())
        mapping[pair] = state[entry.avant_1977] if entry is not None else "indetermine"
    return list(map(mapping.__getitem__, zip(conv, finan, strict=True)))


def _holders(table: CodeTable, contingent: list[str], ids: list[str], reservations: dict[str, tuple[str, int]],
             reservations_name: str, result: Translated, weights: list[int] | None = None,
             named: list[str] | None = None, unlisted: dict[str, list[str]] | None = None) -> list[str]:
    """The réservataire of each dwelling: the holder the reservations table names, else the contingent's entry
    (a contingent whose holder is to be named is listed under its « titulaire non nommé » entry). Grouped
    reading: ``named`` and ``unlisted`` given, see :func:`translate`."""
    entries = {e.valeur: e for e in table.columns["CONTRESLOG"].codes.values()}
    entry_of = {kind: entries.get(kind) for kind in set(contingent)}
    default = {kind: (e.reservataire if e is not None else UNNAMED_CONTINGENT if not kind else "")
               for kind, e in entry_of.items()}  # empty: not given; refused: the row is dropped
    out = list(map(default.__getitem__, contingent))
    disagree = 0
    if named is not None:
        for i, holder in enumerate(named):
            if holder:
                disagree += weights[i] if out[i] == "bailleur" else 0
                out[i] = holder
        reservations = {}
    named_at: set[int] = set()
    if reservations:
        at = {rid.strip(): i for i, rid in enumerate(ids)}
        for rid, (holder, _) in reservations.items():
            i = at.get(rid)
            if i is None:
                continue  # not in the file: said by the reservations table (check_known)
            named_at.add(i)
            disagree += out[i] == "bailleur"
            out[i] = holder
    if unlisted is None:
        unlisted = {}
        for kind, entry in entry_of.items():
            if entry is None or not entry.titulaire_a_nommer:
                continue
            found = [i for i, k in enumerate(contingent) if k == kind]
            left = [ids[i].strip() for i in found if i not in named_at]
            if left:
                unlisted.setdefault(entry.reservataire, []).extend(left)
    result.sans_titulaire = {k: sorted(v) for k, v in sorted(unlisted.items())}
    if disagree:
        result.remarks.append(f"{reservations_name} : {disagree} logement(s) que le RPLS dit non réservés "
                              "(CONTRESLOG 7) ont un titulaire dans la table des réservations : la table est retenue")
    return out


def _remarks(columns: dict[str, list[str]], result: Translated, others: dict[str, int], name: str,
             weights: list[int] | None = None) -> list[str]:
    """What the RPLS cannot say, counted on the rows kept (``columns``: each field's values; ``weights``: the
    dwellings each row stands for)."""
    notes = []

    def count(field_name: str, value: str) -> int:
        if field_name not in columns:
            return 0
        if weights is None:
            return columns[field_name].count(value)
        return sum(w for v, w in zip(columns[field_name], weights, strict=True) if v == value)

    kept_titles = {column_for(t) for t in others}
    empty = count("reservataire", UNNAMED_CONTINGENT)
    if empty:
        notes.append(f"{name} : {empty} logement(s) sans contingent (CONTRESLOG vide) : comptés sous "
                     f"« {UNNAMED_CONTINGENT} », ni réservés ni au bailleur")
    undetermined = count("conventionnement", "indetermine")
    if undetermined:
        notes.append(f"{name} : {undetermined} logement(s) non conventionné(s) à « autre financement » d'avant 1977 "
                     "(FINAN 99) : le RPLS ne dit pas si l'État l'a financé ; hors de l'assiette (règle "
                     "assiette-conventionnement) sauf colonne « conventionnement » (pre1977)")
    vide = count("occupation", "vide")
    if vide and "demolition" not in kept_titles:
        notes.append(f"{name} : {vide} logement(s) vide(s) en cours ou en attente de travaux, de démolition ou de "
                     "vente (MODE 3) : le RPLS ne dit pas lesquels sont voués à la démolition ; ajoutez une colonne "
                     "« demolition » (oui/non) pour les écarter de l'assiette")
    for rid, dwellings in result.sans_titulaire.items():
        notes.append(f"{name} : {len(dwellings)} logement(s) du contingent « {rid} » sans titulaire nommé "
                     "(donnez --reservations FICHIER : rpls_id;reservataire) : comptés sous ce contingent, listés "
                     "dans « logements_sans_titulaire »")
    return notes
