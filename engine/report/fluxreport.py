"""Output formats of ``flux``: table (rich, French), json, csv, markdown."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from engine.report.jsontext import to_json  # noqa: F401 (each report module answers to_json)
from engine.report.labels import word
from engine.report.spreadsheet import csv_text, fr_cell
from engine.report.text import fr_int, md, md_row

COLUMNS = ["id", "methode", "logements_eligibles", "logements_reservataire", "part", "taux_rotation", "flux_brut",
           "flux", "flux_prioritaires"]
HEADERS = ["Réservataire", "Méthode", "Logements éligibles", "Logements du réservataire", "Part du flux",
           "Taux de rotation", "Flux avant arrondi", "Flux", "Part prioritaire"]
STATUTS = {"conforme": "[green]conforme[/green]", "ecart": "[red]écart[/red]"}


def to_table(result: dict, console: Console) -> None:
    console.print(f"[bold]Flux théorique {result['exercice']}[/bold] — règles « {result['regles']} »")
    inv = result.get("inventaire")
    if inv:
        form = (f"classeur, feuille « {inv['feuille']} »" if inv.get("feuille")
                else f"{inv['encodage']}, séparateur « {inv['separateur']} »")
        console.print(f"Inventaire {inv['fichier']} ({form}) : "
                      f"{fr_int(inv['lus'])} logement(s) lu(s), {fr_int(inv['retenus'])} retenu(s), "
                      f"{fr_int(inv['rejetes'])} rejeté(s)")
        for r in inv["rejets"]:
            where = r.get("cellule") or r["ligne"]
            console.print(f"  [red]rejeté[/red] {r['fichier']}:{where} : {r['motif']}")
        if result["exclusions"]:
            t = Table(title="Exclusions de l'assiette")
            for h in ("Règle", "Libellé", "Logements", "Source"):
                t.add_column(h)
            for e in result["exclusions"]:
                t.add_row(e["id"], e["libelle"], fr_int(e["logements"]), e["source"])
            console.print(t)
    for rid, dwellings in (result.get("logements_sans_titulaire") or {}).items():
        shown = ", ".join(dwellings[:10]) + (f" … (et {fr_int(len(dwellings) - 10)} autres)" if len(dwellings) > 10 else "")
        console.print(f"Sans titulaire nommé ({rid}, {fr_int(len(dwellings))}) : {shown}")
    table = Table(title="Flux théorique par réservataire (annexe 1)")
    for h in HEADERS:
        table.add_column(h, justify="left" if h in ("Réservataire", "Méthode") else "right")
    for r in result["reservataires"]:
        table.add_row(*[fr_cell(c, r[c]) for c in COLUMNS])
    console.print(table)
    for r in result["reservataires"]:
        applied = [d for d in r["deductions"] if d["deduite"] and d["volume"] is not None]
        if applied:
            console.print(f"[dim]{r['id']} : déductions "
                          + ", ".join(f"{d['objet']} {fr_cell('v', d['volume'])} ({d['origine']})" for d in applied)
                          + "[/dim]")
        if r["controle"]:
            t = Table(title=f"Contrôle des chiffres imprimés — {r['libelle']}")
            for h in ("Chiffre", "Imprimé", "Calculé", "Statut", "Cause probable"):
                t.add_column(h)
            for c in r["controle"]:
                calc = _computed(c)
                t.add_row(c["libelle"], c["imprime"], calc, STATUTS[c["statut"]], c["cause"] or c["note"] or "")
            console.print(t)
    for remark in result["remarques"]:
        console.print(f"[yellow]remarque[/yellow] : {remark}")


def _computed(c: dict) -> str:
    return fr_cell(c["chiffre"] if c["chiffre"] in ("part", "taux_rotation") else "v", c["calcule"])


def to_csv(result: dict, tableur: bool = False) -> str:
    """Plain CSV: the codes of the JSON; ``tableur`` (people, in a spreadsheet): French headers, the
    réservataire's name and the method in words, numbers left as numbers."""
    if tableur:
        rows = [["Exercice", "Règles", *HEADERS, "Écarts au contrôle"]]
    else:
        rows = [["exercice", "regles"] + COLUMNS + ["ecarts_controle"]]
    for r in result["reservataires"]:
        values = [r[c] for c in COLUMNS]
        if tableur:
            values[0:2] = [r.get("libelle") or r["id"], word(r["methode"])]
        rows.append([result["exercice"], result["regles"]] + values
                    + [sum(1 for c in r["controle"] if c["statut"] == "ecart")])
    return csv_text(rows, tableur)


def to_markdown(result: dict) -> str:
    lines = [f"# Flux théorique {result['exercice']} — règles « {md(result['regles'])} »", "",
             md_row(HEADERS), "|---|---|" + "---:|" * (len(HEADERS) - 2)]
    for r in result["reservataires"]:
        lines.append(md_row(fr_cell(c, r[c]) for c in COLUMNS))
    if result["exclusions"]:
        lines += ["", "## Exclusions", "", "| règle | logements | source |", "|---|---:|---|"]
        lines += [md_row([f"{e['libelle']} ({e['id']})", fr_int(e["logements"]), e["source"]])
                  for e in result["exclusions"]]
    for r in result["reservataires"]:
        if r["controle"]:
            lines += ["", f"## Contrôle — {md(r['libelle'])}", "", "| chiffre | imprimé | calculé | statut | cause |",
                      "|---|---:|---:|---|---|"]
            lines += [md_row([c["libelle"], c["imprime"], _computed(c), word(c["statut"]),
                              c["cause"] or c["note"] or ""]) for c in r["controle"]]
    if result["remarques"]:
        lines += ["", "## Remarques", ""] + [f"- {md(x)}" for x in result["remarques"]]
    return "\n".join(lines) + "\n"
