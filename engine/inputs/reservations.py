"""The table that names who holds each reserved dwelling of an RPLS file (``--reservations FILE``).

CONTRESLOG says the kind of contingent (collectivités, autres…), not which commune or EPCI holds it: that is
in the convention's Annexe 2 (état des réservations). The table is either two columns, ``rpls_id`` and
``reservataire``, or the annex table itself (its ``N° RPLS`` and ``Réservataire`` columns, any other column
left aside); CSV or ``.xlsx``, read as an inventory is (encodings, delimiters, ``FILE:LINE`` errors). A row
with an empty holder names no one. A dwelling the table names but the RPLS file does not have is an error at
the table's line: a holder for a dwelling that is not there would be a figure counted nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.problems import BadInput, Problem


@dataclass
class Reservations:
    name: str
    holders: dict[str, tuple[str, int]] = field(default_factory=dict)  # rpls_id → (holder as written, line)

    def check_known(self, translated) -> None:
        """Every dwelling the table names is in the RPLS file (its rows as read, refused ones included: their
        problem is the inventory's)."""
        if "rpls_id" not in translated.header:
            return
        at = translated.header.index("rpls_id")
        known = set(map(str.strip, translated.values[at])) | translated.refused_ids
        missing = [(line, rid) for rid, (_, line) in self.holders.items() if rid not in known]
        if missing:
            raise BadInput([Problem(self.name, line, f"logement « {rid} » absent de l'inventaire RPLS : un titulaire "
                                                     "pour un logement qui n'y est pas ne serait compté nulle part")
                            for line, rid in sorted(missing)])


def read_reservations(path: Path, sheet: str | None = None) -> Reservations:
    """The holders the table names, by dwelling; problems are ``FILE:LINE`` (exit 2, even with
    ``--skip-invalid``: a holder left out would move dwellings from one réservataire to another)."""
    from engine.inputs.inventory import read_inventory

    name = str(path)
    table = read_inventory(path, shown=name, need_ids=True, sheet=sheet)
    if "logement.reservataire" not in table.index:
        raise BadInput([Problem(name, 1, "--reservations : pas de colonne « Réservataire » (attendu rpls_id;"
                                         "reservataire, ou le tableau de l'annexe 2)")])
    out = Reservations(name)
    for rid, holder, line in zip(table.column("logement.rpls_id"), table.column("logement.reservataire"),
                                 table.lines, strict=True):
        if holder:
            out.holders[rid] = (holder, line)
    return out
