"""Output formats of ``compare``: table (rich, differences highlighted), json, csv, markdown."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from engine.report.jsontext import to_json  # noqa: F401 (each report module answers to_json)
from engine.report.spreadsheet import csv_text, fr_cell

LABELS = {
    "base_decompte": "Base de décompte", "objectif": "Objectif", "report_anterieur": "Report antérieur",
    "mises_a_disposition": "Mises à disposition", "attributions": "Attributions", "baux": "Baux (entrées)",
    "refus": "Refus", "decompte": "Décompte", "ecart": "Écart", "report_suivant": "Report suivant",
    "delais_depasses": "Délais dépassés", "logements_eligibles": "Logements éligibles",
    "logements_reservataire": "Logements du réservataire", "part": "Part du flux", "taux_rotation": "Taux de rotation",
    "flux_total": "Flux total (éligibles × taux)", "flux_a_repartir": "Flux à répartir (après déductions)",
    "flux_brut": "Flux avant arrondi", "flux": "Flux arrondi", "flux_prioritaires": "Part prioritaire",
}
STATUTS = {"atteint": "atteint", "non_atteint": "non atteint", "non_applicable": "non applicable",
           "indetermine": "indéterminé", None: "—"}


def _names(result: dict) -> list[str]:
    return [s["regles"] for s in result["scenarios"]]


def to_table(result: dict, console: Console) -> None:
    names = _names(result)
    console.print(f"[bold]Comparaison {result['exercice']}[/bold] — " + " / ".join(f"« {n} »" for n in names))
    for r in result["reservataires"]:
        t = Table(title=f"{r['libelle']} ({r['id']})")
        t.add_column("Chiffre")
        for n in names:
            t.add_column(n, justify="right")
        t.add_column("Règles qui diffèrent")
        changed = {d["chiffre"]: d for d in r["differences"]}
        for fig, values in r["valeurs"].items():
            style = "bold yellow" if fig in changed else None
            t.add_row(LABELS.get(fig, fig), *[fr_cell(fig, v) for v in values],
                      ", ".join(changed[fig]["regles"]) if fig in changed else "", style=style)
        for o in r["obligations"]:
            if o["change"]:
                mark = "[red]bascule[/red] " if o["bascule"] else ""
                t.add_row(f"{mark}{o['libelle']}", *[STATUTS[s] for s in o["statuts"]], ", ".join(o["regles"]),
                          style="bold yellow")
        console.print(t)
    if result["regles_differentes"]:
        t = Table(title="Règles qui diffèrent (valeurs en vigueur, source, fichier:ligne)")
        t.add_column("Règle")
        for n in names:
            t.add_column(n)
        for rule in result["regles_differentes"]:
            t.add_row(rule["id"], *[_rule_cell(s) for s in rule["par_scenario"]])
        console.print(t)
    if result["decisions_modifiees"]:
        t = Table(title="Offres dont la décision de décompte change")
        t.add_column("Offre")
        t.add_column("Réservataire")
        for n in names:
            t.add_column(n)
        for d in result["decisions_modifiees"]:
            t.add_row(d["offre"], d["reservataire"], *[_decision_cell(x) for x in d["par_scenario"]])
        console.print(t)
    console.print("[bold]Des différences[/bold]" if result["difference"] else "Aucune différence.")


def _rule_cell(state: dict | None) -> str:
    if state is None:
        return "absente"
    values = ", ".join(f"{k} = {v}" for k, v in (state["valeurs"] or {}).items()) or "pas en vigueur"
    return f"{values}\n{state['source']}\n{state['fichier']}"


def _decision_cell(d: dict | None) -> str:
    if d is None:
        return "—"
    return (f"compte le {d['date']}" if d["compte"] else "ne compte pas") + (f" ({d['regle']})" if d["regle"] else "")


def to_csv(result: dict, tableur: bool = False) -> str:
    names = _names(result)
    rows = [["exercice", "reservataire", "chiffre", *names, "difference", "regles"]]
    for r in result["reservataires"]:
        changed = {d["chiffre"]: d for d in r["differences"]}
        for fig, values in r["valeurs"].items():
            rows.append([result["exercice"], r["id"], fig, *values, "oui" if fig in changed else "non",
                         " ".join(changed[fig]["regles"]) if fig in changed else ""])
        for o in r["obligations"]:
            rows.append([result["exercice"], r["id"], f"obligation:{o['id']}", *o["statuts"],
                         "oui" if o["change"] else "non", " ".join(o["regles"])])
    return csv_text(rows, tableur)


def to_markdown(result: dict) -> str:
    names = _names(result)
    lines = [f"# Comparaison {result['exercice']}", "", "Scénarios : " + ", ".join(f"`{n}`" for n in names), ""]
    for r in result["reservataires"]:
        changed = {d["chiffre"]: d for d in r["differences"]}
        lines += [f"## {r['libelle']} (`{r['id']}`)", "", "| chiffre | " + " | ".join(names) + " | règles |",
                  "|---|" + "---|" * (len(names) + 1)]
        for fig, values in r["valeurs"].items():
            cells = [fr_cell(fig, v) for v in values]
            if fig in changed:
                cells = [f"**{c}**" for c in cells]
            lines.append(f"| {LABELS.get(fig, fig)} | " + " | ".join(cells) + " | "
                         + (", ".join(changed[fig]["regles"]) if fig in changed else "") + " |")
        for o in r["obligations"]:
            if o["change"]:
                lines.append(f"| {'**bascule** ' if o['bascule'] else ''}{o['libelle']} | "
                             + " | ".join(STATUTS[s] for s in o["statuts"]) + " | " + ", ".join(o["regles"]) + " |")
        lines.append("")
    if result["regles_differentes"]:
        lines += ["## Règles qui diffèrent", ""]
        for rule in result["regles_differentes"]:
            lines.append(f"- `{rule['id']}` : " + " ; ".join(
                f"{n} → {_rule_cell(s).replace(chr(10), ' — ')}" for n, s in zip(names, rule["par_scenario"],
                                                                                   strict=True)))
        lines.append("")
    if result["decisions_modifiees"]:
        lines += ["## Offres dont la décision change", ""]
        for d in result["decisions_modifiees"]:
            lines.append(f"- {d['offre']} ({d['reservataire']}) : " + " ; ".join(
                f"{n} → {_decision_cell(x)}" for n, x in zip(names, d["par_scenario"], strict=True)))
    return "\n".join(lines) + "\n"
