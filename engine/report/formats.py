"""Output formats of ``evaluate``: one small function each (json, table, csv, markdown)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from engine.report.jsontext import to_json  # noqa: F401 (each report module answers to_json)
from engine.report.spreadsheet import csv_text
from engine.report.text import fr_percent

STATUTS = {"atteint": "[green]atteint[/green]", "non_atteint": "[red]non atteint[/red]",
           "non_applicable": "[dim]non applicable[/dim]", "indetermine": "[yellow]indéterminé[/yellow]"}
COLUMNS = ["id", "type", "base_decompte", "objectif", "report_anterieur", "mises_a_disposition", "attributions",
           "baux", "refus", "decompte", "ecart", "report_suivant"]
HEADERS = ["Réservataire", "Type", "Base de décompte", "Objectif", "Report antérieur", "Mises à disposition",
           "Attributions", "Baux", "Refus", "Décompte", "Écart", "Report suivant"]


def _cell(r: dict, column: str) -> str:
    """A figure of the table: an objective no text determines (and its gap and carry-over) says so."""
    value = r[column]
    if value is None:
        return "indéterminé" if column in ("objectif", "ecart", "report_suivant") else "—"
    if column == "report_suivant" and r.get("report_mode") == "facultatif" and not r.get("report_choisi"):
        return f"0 (facultatif : {r.get('report_facultatif')})"
    return str(value)


def _share(o: dict) -> str:
    if o.get("bornes"):
        low, high = o["bornes"]
        return f"entre {fr_percent(low)} et {fr_percent(high)}"
    return "—" if o.get("valeur") is None else fr_percent(o["valeur"])


def to_table(result: dict, console: Console) -> None:
    ev = result["evenements"]
    console.print(f"[bold]Exercice {result['exercice']}[/bold] — règles « {result['regles']} »"
                  + (f" — bailleur « {result['bailleur']} »" if result.get("bailleur") else ""))
    console.print(f"Enregistrements lus : {ev['lus']}, évalués : {ev['evalues']}, rejetés : {ev['rejetes']}")
    for r in ev["rejets"]:
        console.print(f"  [red]rejeté[/red] {r['fichier']}:{r['ligne']} : {r['motif']}")
    table = Table(title="Décompte par réservataire", show_lines=False)
    for h in HEADERS:
        table.add_column(h, justify="left" if h in ("Réservataire", "Type", "Base de décompte") else "right")
    for r in result["reservataires"]:
        table.add_row(*[_cell(r, c) for c in COLUMNS])
    console.print(table)
    for r in result["reservataires"]:
        if r.get("obligations"):
            t = Table(title=f"Obligations — {r['libelle']}", show_lines=False)
            for h in ("Obligation", "Numérateur", "Dénominateur", "Part", "Cible", "Statut", "Source"):
                t.add_column(h)
            for o in r["obligations"]:
                target = ("≥ " if o["sens"] == "minimum" else "≤ ") + fr_percent(o["cible"])
                t.add_row(o["libelle"], str(o["numerateur"]), str(o["denominateur"]), _share(o), target,
                          STATUTS[o["statut"]], o["source"])
            console.print(t)
        if r.get("delais_depasses"):
            t = Table(title=f"Délais dépassés — {r['libelle']}")
            for h in ("Offre", "Règle", "Échéance", "Réalisé", "Source"):
                t.add_column(h)
            for d in r["delais_depasses"]:
                t.add_row(d["offre"], d["regle"], d["echeance"], d["realise"] or "non réalisé", d["source"])
            console.print(t)
        if r.get("delegations"):
            console.print(f"[dim]{r['libelle']} : décompte {r['decompte']} dont "
                          + ", ".join(f"{d['decompte']} par {d['id']}" for d in r["delegations"])
                          + " (contingent géré par délégation)[/dim]")
        for key in ("objectif_note", "avertissement"):
            if r.get(key):
                console.print(f"[dim]{r['libelle']} : {r[key]}[/dim]")
        for item in r.get("interpretations", []):
            console.print(f"[yellow]{r['libelle']} — interprétation du projet ({item['regle']}, "
                          f"{item['fichier_ligne']}) :[/yellow] {item['texte']}")


def to_csv(result: dict, tableur: bool = False) -> str:
    rows = [["exercice", "regles"] + COLUMNS + ["obligations_non_atteintes", "delais_depasses"]]
    for r in result["reservataires"]:
        unmet = " ".join(o["id"] for o in r["obligations"] if o["statut"] == "non_atteint")
        rows.append([result["exercice"], result["regles"]] + [r[c] for c in COLUMNS]
                    + [unmet, len(r["delais_depasses"])])
    return csv_text(rows, tableur)


def to_markdown(result: dict) -> str:
    ev = result["evenements"]
    lines = [f"# Décompte {result['exercice']} — règles « {result['regles']} »", "",
             f"Lus : {ev['lus']} — évalués : {ev['evalues']} — rejetés : {ev['rejetes']}", "",
             "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for r in result["reservataires"]:
        lines.append("| " + " | ".join(_cell(r, c) for c in COLUMNS) + " |")
    for r in result["reservataires"]:
        if r["obligations"]:
            lines += ["", f"## Obligations — {r['libelle']}", "", "| obligation | part | cible | statut | source |",
                      "|---|---|---|---|---|"]
            for o in r["obligations"]:
                lines.append(f"| {o['libelle']} | {_share(o)} | {fr_percent(o['cible'])} | {o['statut']} | "
                             f"{o['source']} |")
        if r["delais_depasses"]:
            lines += ["", f"## Délais dépassés — {r['libelle']}", "", "| offre | règle | échéance | réalisé | source |",
                      "|---|---|---|---|---|"]
            for d in r["delais_depasses"]:
                lines.append(f"| {d['offre']} | {d['regle']} | {d['echeance']} | {d['realise'] or '—'} | {d['source']} |")
    if ev["rejets"]:
        lines += ["", "## Enregistrements rejetés", ""] + [f"- {x['fichier']}:{x['ligne']} : {x['motif']}"
                                                           for x in ev["rejets"]]
    return "\n".join(lines) + "\n"


def unmet(result: dict) -> bool:
    return any(o["statut"] == "non_atteint" for r in result["reservataires"] for o in r["obligations"])
