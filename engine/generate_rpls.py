"""The generated dwellings written again in the layout of a bailleur's RPLS file (``generate --rpls``).

The same dwellings as ``inventaire.csv``, as a bailleur's declaration gives them: codes of the arrêté du
5 janvier 2010 (rules/national/rpls-codes.yaml) in ``;``-separated Windows-1252, one line per dwelling; the
holder of the dwellings of contingent 4 (collectivités) in ``reservations.csv`` (``rpls_id;reservataire``),
since the RPLS names the kind of contingent, not the commune. Logements-foyers and résidences are not in the
RPLS (rpls.md): they are left out. A dwelling due for demolition keeps a ``demolition`` column (oui/non), the
one the README tells a bailleur to add: the RPLS itself does not say it.
"""

from __future__ import annotations

import csv
import io

HEADER = ["IDENT_REP", "IDENT_INT", "DROIT", "DEPCOM", "LIBCOM", "EPCI", "DEP", "QPV", "TYPECONST", "NBPIECE",
          "CONSTRUCT", "FINAN", "CONV", "SORTIEPATRIM", "MODE", "DATMISEVENTE", "CONTRESLOG", "demolition"]
FINAN = {"PLAI": "10", "PLA": "12", "PLUS": "13", "PLS": "14", "PLI": "16"}
CONTINGENT = {"PREFECTURE FONCTIONNAIRE": "1", "PREFECTURE PRIORITAIRE": "2", "ACTION LOGEMENT": "3", "CILEO": "3",
              "": "7"}  # any other holder of the generated territories is a collectivity (4), named in the table
COMMUNES = {"TOULOUSE": "31555", "BLAGNAC": "31069", "COLOMIERS": "31149", "ESCALQUENS": "31169",
            "RAMONVILLE-SAINT-AGNE": "31446", "MURET": "31395", "SAINT-GAUDENS": "31483",
            "DECINES-CHARPIEU": "69275", "VAULX-EN-VELIN": "69256", "VILLEFRANCHE-SUR-SAONE": "69264",
            "ORNEX": "01281", "BOURG-EN-BRESSE": "01053", "OYONNAX": "01283"}


def rpls_files(stock: list, territory: dict) -> tuple[str, str]:
    """(RPLS file text, reservations table text) for the generated dwellings."""
    rpls, table = io.StringIO(), io.StringIO()
    writer = csv.writer(rpls, delimiter=";", lineterminator="\r\n")
    held = csv.writer(table, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    held.writerow(["rpls_id", "reservataire"])
    for i, d in enumerate(stock, 1):
        if d.categorie != "familial":
            continue
        contingent = CONTINGENT.get(d.reservataire, "4")
        if contingent == "4":
            held.writerow([d.rpls, d.reservataire])
        writer.writerow([d.rpls, f"L{i}", "1", COMMUNES[d.commune], d.commune, d.epci, territory["departement"],
                         "1" if d.qpv else "2", "C" if d.genre == "Collectif" else "I", d.typologie.lstrip("T"),
                         d.annee, FINAN[d.financement], "2" if d.financement == "PLI" else "1", "9",
                         "3" if d.demolition else "1", "06/2023" if d.vente else "", contingent,
                         "oui" if d.demolition else "non"])
    return rpls.getvalue(), table.getvalue()
