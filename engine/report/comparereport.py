"""Output formats of ``compare``: table (rich, differences highlighted), json, csv, markdown."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape as rich_escape
from rich.table import Table
from rich.text import Text

from engine.report import standing
from engine.report.html import is_number
from engine.report.jsontext import to_json  # noqa: F401 (each report module answers to_json)
from engine.report.labels import statut, word
from engine.report.spreadsheet import csv_text, fr_cell
from engine.report.text import fr_value, md

LABELS = {
    "base_decompte": "Base de décompte", "objectif": "Objectif", "report_anterieur": "Report antérieur",
    "mises_a_disposition": "Mises à disposition", "attributions": "Attributions", "baux": "Baux (entrées)",
    "refus": "Refus", "decompte": "Décompte", "ecart": "Écart", "reste_a_faire": "Reste à faire (objectif)",
    "retard_prorata": "Retard sur le prorata", "echeances_ouvertes": "Échéances ouvertes",
    "report_suivant": "Report suivant",
    "delais_depasses": "Délais dépassés", "logements_eligibles": "Logements éligibles",
    "logements_reservataire": "Logements du réservataire", "part": "Part du flux", "taux_rotation": "Taux de rotation",
    "flux_total": "Flux total (éligibles × taux)", "flux_a_repartir": "Flux à répartir (après déductions)",
    "flux_brut": "Flux avant arrondi", "flux": "Flux arrondi", "flux_prioritaires": "Part prioritaire",
}


def _aligned(text: str):
    """A scenario's cell: figures on the right (the column's way), words on the left (« mise à disposition »,
    « non atteint »); a dash stays with the figures it stands for."""
    if text in ("—", "") or is_number(text):
        return text
    return Text.from_markup(text, justify="left")


def _statuts(o: dict) -> list[str]:
    """An obligation's statut in each scenario, in French (a ceiling is respected or exceeded)."""
    return [statut(s, o.get("sens")) for s in o["statuts"]]


def remaining_cells(o: dict) -> list[str] | None:
    """An obligation's « reste à faire » in each scenario (with the room left under a ceiling), when it differs."""
    cells = [standing.remaining_cell({"statut": st, "reste_a_faire": k, "marge": m, "sens": o.get("sens")})
             if st is not None else "—"
             for st, k, m in zip(o["statuts"], o.get("reste_a_faire", []), o.get("marge", []), strict=False)]
    return cells if len(set(cells)) > 1 else None


def _title(result: dict) -> str:
    when = f" au {standing.date_fr(result['au'])}" if result.get("au") else ""
    return f"Comparaison {result['exercice']}{when}"


def _names(result: dict) -> list[str]:
    return [s["regles"] for s in result["scenarios"]]


def to_table(result: dict, console: Console) -> None:
    names = _names(result)
    console.print(f"[bold]{_title(result)}[/bold] — " + " / ".join(f"« {n} »" for n in names))
    for r in result["reservataires"]:
        t = Table(title=rich_escape(f"{r['libelle']} ({r['id']})"))
        t.add_column("Chiffre")
        for n in names:
            t.add_column(n, justify="right")
        t.add_column("Règles qui diffèrent")
        changed = {d["chiffre"]: d for d in r["differences"]}
        for fig, values in r["valeurs"].items():
            style = "bold yellow" if fig in changed else None
            t.add_row(LABELS.get(fig, fig), *[_aligned(rich_escape(fr_cell(fig, v))) for v in values],
                      ", ".join(changed[fig]["regles"]) if fig in changed else "", style=style)
        for o in r["obligations"]:
            if o["change"]:
                mark = "[red]bascule[/red] " if o["bascule"] else ""
                t.add_row(f"{mark}{rich_escape(o['libelle'])}", *[_aligned(x) for x in _statuts(o)], ", ".join(o["regles"]),
                          style="bold yellow")
            remaining = remaining_cells(o)
            if remaining:
                t.add_row(f"Reste à faire — {rich_escape(o['libelle'])}", *[_aligned(rich_escape(x)) for x in remaining],
                          "", style="bold yellow")
        console.print(t)
    if result["regles_differentes"]:
        # a file:line is never cut: each scenario's column is at least as wide as its longest one, and the
        # table is printed wider than the console if it must be (the terminal wraps it, nothing is lost)
        t = Table(title="Règles qui diffèrent (valeurs en vigueur, source, fichier:ligne)")
        t.add_column("Règle", no_wrap=True)
        widths = []
        for i, n in enumerate(names):
            where = [len(rule["par_scenario"][i]["fichier"]) for rule in result["regles_differentes"]
                     if rule["par_scenario"][i]]
            widths.append(max([len(n), 12, *where]))
            t.add_column(n, min_width=widths[-1], overflow="fold")
        for rule in result["regles_differentes"]:
            t.add_row(rich_escape(rule["id"]), *[rich_escape(_rule_cell(s)) for s in rule["par_scenario"]])
        rule_width = max(len(rule["id"]) for rule in result["regles_differentes"])
        needed = rule_width + sum(widths) + 3 * (len(names) + 1) + 1
        console.print(t, width=max(console.width, needed), crop=False)
    if result["decisions_modifiees"]:
        t = Table(title="Offres dont la décision de décompte change")
        t.add_column("Offre")
        t.add_column("Réservataire")
        for n in names:
            t.add_column(n)
        for d in result["decisions_modifiees"]:
            t.add_row(rich_escape(d["offre"]), rich_escape(d["reservataire"]),
                      *[_decision_cell(x) for x in d["par_scenario"]])
        console.print(t)
    console.print("[bold]Des différences[/bold]" if result["difference"] else "Aucune différence.")


def rule_values(state: dict) -> str:
    """A rule's values in force, in French (``unite = jours ouvrés``, ``appliquer_si_facultatif = oui``)."""
    return ", ".join(f"{k} = {fr_cell(k, v) if isinstance(v, str) else fr_value(v)}"
                     for k, v in (state["valeurs"] or {}).items()) or "pas en vigueur"


def _rule_cell(state: dict | None) -> str:
    if state is None:
        return "absente"
    return f"{rule_values(state)}\n{state['source']}\n{state['fichier']}"


def _decision_cell(d: dict | None) -> str:
    if d is None:
        return "—"
    return (f"compte le {d['date']}" if d["compte"] else "ne compte pas") + (f" ({d['regle']})" if d["regle"] else "")


def to_csv(result: dict, tableur: bool = False) -> str:
    """Plain CSV: the codes of the JSON; ``tableur`` (people, in a spreadsheet): French headers, the
    réservataire's name, each figure's label and French words (« mise à disposition », « non atteint »),
    numbers left as numbers."""
    names = _names(result)
    if tableur:
        rows = [["Exercice", "Réservataire", "Chiffre", *names, "Différence", "Règles qui diffèrent"]]
    else:
        rows = [["exercice", "reservataire", "chiffre", *names, "difference", "regles"]]
    for r in result["reservataires"]:
        who = r["libelle"] if tableur else r["id"]
        changed = {d["chiffre"]: d for d in r["differences"]}
        for fig, values in r["valeurs"].items():
            cells = [word(v) if tableur and isinstance(v, str) else v for v in values]
            rows.append([result["exercice"], who, LABELS.get(fig, fig) if tableur else fig, *cells,
                         "oui" if fig in changed else "non",
                         (", " if tableur else " ").join(changed[fig]["regles"]) if fig in changed else ""])
        for o in r["obligations"]:
            label = f"Obligation : {o['libelle']}" if tableur else f"obligation:{o['id']}"
            rows.append([result["exercice"], who, label, *(_statuts(o) if tableur else o["statuts"]),
                         "oui" if o["change"] else "non", (", " if tableur else " ").join(o["regles"])])
            if remaining_cells(o):
                label = f"Reste à faire : {o['libelle']}" if tableur else f"reste_a_faire:{o['id']}"
                rows.append([result["exercice"], who, label, *(remaining_cells(o) if tableur else o["reste_a_faire"]),
                             "oui", ""])
    return csv_text(rows, tableur)


def to_markdown(result: dict) -> str:
    names = _names(result)
    lines = [f"# {md(_title(result))}", "", "Scénarios : " + ", ".join(f"`{n}`" for n in names), ""]
    for r in result["reservataires"]:
        changed = {d["chiffre"]: d for d in r["differences"]}
        lines += [f"## {md(r['libelle'])} (`{md(r['id'])}`)", "",
                  "| chiffre | " + " | ".join(md(n) for n in names) + " | règles |",
                  "|---|" + "---:|" * len(names) + "---|"]
        for fig, values in r["valeurs"].items():
            cells = [md(fr_cell(fig, v)) for v in values]
            if fig in changed:
                cells = [f"**{c}**" for c in cells]
            lines.append(f"| {LABELS.get(fig, fig)} | " + " | ".join(cells) + " | "
                         + (md(", ".join(changed[fig]["regles"])) if fig in changed else "") + " |")
        for o in r["obligations"]:
            if o["change"]:
                lines.append(f"| {'**bascule** ' if o['bascule'] else ''}{md(o['libelle'])} | "
                             + " | ".join(_statuts(o)) + " | " + md(", ".join(o["regles"])) + " |")
            remaining = remaining_cells(o)
            if remaining:
                lines.append(f"| Reste à faire — {md(o['libelle'])} | " + " | ".join(md(x) for x in remaining) + " |  |")
        lines.append("")
    if result["regles_differentes"]:
        lines += ["## Règles qui diffèrent", ""]
        for rule in result["regles_differentes"]:
            lines.append(f"- `{md(rule['id'])}` : " + " ; ".join(
                f"{md(n)} → {md(_rule_cell(s).replace(chr(10), ' — '))}" for n, s in zip(names, rule["par_scenario"],
                                                                                           strict=True)))
        lines.append("")
    if result["decisions_modifiees"]:
        lines += ["## Offres dont la décision change", ""]
        for d in result["decisions_modifiees"]:
            lines.append(f"- {md(d['offre'])} ({md(d['reservataire'])}) : " + " ; ".join(
                f"{md(n)} → {md(_decision_cell(x))}" for n, x in zip(names, d["par_scenario"], strict=True)))
    return "\n".join(lines) + "\n"
