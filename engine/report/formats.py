"""Output formats of ``evaluate``: one small function each (json, table, csv, markdown, html).

JSON keeps the codes of cli.md; every other format says them in French (:mod:`engine.report.labels`),
with French thousands separators, text on the left and numbers on the right.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape as rich_escape
from rich.table import Table

from engine.report import html, standing
from engine.report.jsontext import to_json  # noqa: F401 (each report module answers to_json)
from engine.report.labels import statut, word
from engine.report.spreadsheet import csv_text, fr_cell
from engine.report.text import fr_int, fr_percent, fr_share_bounds, md, md_row

COLOURS = {"atteint": "green", "non_atteint": "red", "non_applicable": "dim", "indetermine": "yellow"}
COLUMNS = ["id", "type", "base_decompte", "objectif", "report_anterieur", "mises_a_disposition", "attributions",
           "baux", "refus", "decompte", "ecart", "reste_a_faire", "report_suivant"]
HEADERS = ["Réservataire", "Type", "Base de décompte", "Objectif", "Report antérieur", "Mises à disposition",
           "Attributions", "Baux", "Refus", "Décompte", "Écart", "Reste à faire", "Report suivant"]
TEXT_COLUMNS = {"id", "type", "base_decompte"}
OBLIGATION_HEADERS = ["Obligation", "Numérateur", "Dénominateur", "Part", "Cible", "Statut", "Reste à faire", "Source"]
DELAY_HEADERS = ["Offre", "Règle", "Échéance", "Réalisé", "Source"]


def _cell(r: dict, column: str) -> str:
    """A figure of the table: an objective no text determines (and its gap and carry-over) says so, one no rule
    names is a dash; an optional carry-over the parties did not choose shows what it would be."""
    value = r[column]
    if value is None and column in ("objectif", "ecart", "reste_a_faire", "report_suivant"):
        return "indéterminé" if r.get("objectif_statut") == "indetermine" else "—"
    if column == "report_suivant" and r.get("report_mode") == "facultatif" and not r.get("report_choisi") \
            and r.get("report_facultatif"):
        return f"0 (facultatif : {fr_cell(column, r['report_facultatif'])})"
    return fr_cell(column, value)


def _share(o: dict) -> str:
    if o.get("bornes"):
        return fr_share_bounds(o["bornes"])
    return "—" if o.get("valeur") is None else fr_percent(o["valeur"])


def _target(o: dict) -> str:
    return ("≤ " if o.get("sens") == "maximum" else "≥ ") + fr_percent(o["cible"])


def _cells(r: dict) -> list[str]:
    """A réservataire's row for people: French words, thousands separated."""
    return [r["id"], word(r["type"]), word(r["base_decompte"])] + [_cell(r, c) for c in COLUMNS[3:]]


def _obligation_cells(o: dict) -> list[str]:
    return [o["libelle"], fr_int(o["numerateur"]), fr_int(o["denominateur"]), _share(o), _target(o),
            statut(o["statut"], o.get("sens")), standing.remaining_cell(o), o["source"]]


def _delay_cells(d: dict) -> list[str]:
    return [d["offre"], d["regle"], d["echeance"], d["realise"] or "non réalisé", d["source"]]


def _events_line(ev: dict) -> str:
    return (f"Enregistrements lus : {fr_int(ev['lus'])}, évalués : {fr_int(ev['evalues'])}, "
            f"rejetés : {fr_int(ev['rejetes'])}" + standing.events_suffix(ev))


def _title(result: dict) -> str:
    when = f" au {standing.date_fr(result['au'])}" if result.get("au") else ""
    return (f"Décompte {result['exercice']}{when} — règles « {result['regles']} »"
            + (f" — bailleur « {result['bailleur']} »" if result.get("bailleur") else ""))


def _notes(r: dict) -> list[str]:
    notes = []
    if r.get("delegations"):
        notes.append(f"décompte {fr_int(r['decompte'])} dont "
                     + ", ".join(f"{fr_int(d['decompte'])} par {d['id']}" for d in r["delegations"])
                     + " (contingent géré par délégation)")
    notes += [r[key] for key in ("objectif_note", "avertissement") if r.get(key)]
    line = standing.prorata_line(r)
    if line:
        notes.append(line)
    notes += [f"reste à faire « {o['id']} » : {o['reste_a_faire_note']}" for o in r.get("obligations", [])
              if o.get("reste_a_faire_note") and o.get("reste_a_faire") != 0 and o["statut"] != "non_applicable"]
    notes += [f"interprétation du projet ({i['regle']}, {i['fichier_ligne']}) : {i['texte']}"
              for i in r.get("interpretations", [])]
    return notes


def to_table(result: dict, console: Console) -> None:
    ev = result["evenements"]
    console.print(f"[bold]{rich_escape(_title(result))}[/bold]")
    console.print(_events_line(ev))
    for r in ev["rejets"]:
        console.print(f"  [red]rejeté[/red] {rich_escape(r['fichier'])}:{r['ligne']} : {rich_escape(r['motif'])}")
    table = Table(title="Décompte par réservataire", show_lines=False)
    for c, h in zip(COLUMNS, HEADERS, strict=True):
        table.add_column(h, justify="left" if c in TEXT_COLUMNS else "right")
    for r in result["reservataires"]:
        table.add_row(*[rich_escape(c) for c in _cells(r)])
    console.print(table)
    for r in result["reservataires"]:
        label = rich_escape(r["libelle"])
        if r.get("obligations"):
            t = Table(title=f"Obligations — {label}", show_lines=False)
            for h in OBLIGATION_HEADERS:  # the source wraps first: the label keeps its figures on one line
                t.add_column(h, justify="right" if h in ("Numérateur", "Dénominateur", "Part") else "left",
                             max_width=40 if h == "Source" else None, min_width=50 if h == "Obligation" else None)
            for o in r["obligations"]:
                cells = [rich_escape(c) for c in _obligation_cells(o)]
                colour = COLOURS.get(o["statut"], "")
                cells[5] = f"[{colour}]{cells[5]}[/{colour}]" if colour else cells[5]
                t.add_row(*cells)
            console.print(t)
        if r.get("delais_depasses"):
            t = Table(title=f"Délais dépassés — {label}")
            for h in DELAY_HEADERS:
                t.add_column(h)
            for d in r["delais_depasses"]:
                t.add_row(*[rich_escape(c) for c in _delay_cells(d)])
            console.print(t)
        if r.get("echeances_ouvertes"):
            t = Table(title=f"{standing.window_title(result)} — {label}")
            for h in standing.OPEN_HEADERS:
                t.add_column(h, justify="right" if h == "Jours ouvrés restants" else "left")
            for d in r["echeances_ouvertes"]:
                t.add_row(*[rich_escape(c) for c in standing.open_cells(d)])
            console.print(t)
        for note in _notes(r):
            console.print(f"[dim]{label} : {rich_escape(note)}[/dim]")


def to_csv(result: dict, tableur: bool = False) -> str:
    """Plain CSV: the codes of the JSON; ``tableur`` (people, in a spreadsheet): French headers and words."""
    dated = "au" in result
    extra = ["obligations_non_atteintes", "delais_depasses"] + (["au", "retard_prorata", "echeances_ouvertes"]
                                                                 if dated else [])
    head = (["Exercice", "Règles", *HEADERS, "Obligations non atteintes", "Délais dépassés"]
            + (["Au", "Retard sur le prorata", "Échéances ouvertes"] if dated else []) if tableur
            else ["exercice", "regles", *COLUMNS, *extra])
    rows = [head]
    for r in result["reservataires"]:
        unmet = " ".join(o["id"] for o in r["obligations"] if o["statut"] == "non_atteint")
        values = [r[c] for c in COLUMNS]
        if tableur:
            values[1:3] = [word(r["type"]), word(r["base_decompte"])]
        row = [result["exercice"], result["regles"], *values, unmet, len(r["delais_depasses"])]
        if dated:
            row += [result["au"], (r.get("prorata") or {}).get("retard"), len(r.get("echeances_ouvertes", []))]
        rows.append(row)
    return csv_text(rows, tableur)


def _md_table(headers: list[str], rows: list[list], right: set[int] = frozenset()) -> list[str]:
    return [md_row(headers), "|" + "".join("---:|" if i in right else "---|" for i in range(len(headers)))] + [
        md_row(row) for row in rows]


def to_markdown(result: dict) -> str:
    ev = result["evenements"]
    lines = [f"# {md(_title(result))}", "", md(_events_line(ev)), ""]
    lines += _md_table(HEADERS, [_cells(r) for r in result["reservataires"]], set(range(3, len(HEADERS))))
    for r in result["reservataires"]:
        if r["obligations"]:
            lines += ["", f"## Obligations — {md(r['libelle'])}", ""]
            lines += _md_table(OBLIGATION_HEADERS, [_obligation_cells(o) for o in r["obligations"]], {1, 2, 3})
        if r["delais_depasses"]:
            lines += ["", f"## Délais dépassés — {md(r['libelle'])}", ""]
            lines += _md_table(DELAY_HEADERS, [_delay_cells(d) for d in r["delais_depasses"]])
        if r.get("echeances_ouvertes"):
            lines += ["", f"## {md(standing.window_title(result))} — {md(r['libelle'])}", ""]
            lines += _md_table(standing.OPEN_HEADERS, [standing.open_cells(d) for d in r["echeances_ouvertes"]], {4})
        notes = _notes(r)
        if notes:
            lines += [""] + [f"- {md(r['libelle'])} : {md(n)}" for n in notes]
    if ev["rejets"]:
        lines += ["", "## Enregistrements rejetés", ""] + [f"- {md(x['fichier'])}:{x['ligne']} : {md(x['motif'])}"
                                                           for x in ev["rejets"]]
    return "\n".join(lines) + "\n"


STATUT_CLASSES = {"atteint": "atteint", "respecté": "atteint", "non atteint": "non_atteint",
                  "dépassé": "non_atteint", "indéterminé": "indetermine"}


def _objective_bar(r: dict):
    """The objective and last year's carry-over, or the word the table says for an objective that is not a number."""
    if r["objectif"] is None:
        return _cell(r, "objectif")
    return r["objectif"] + (r["report_anterieur"] or 0)


def to_html(result: dict) -> str:
    """A self-contained page (the machinery of the bilan's report): chart, tables, every text escaped."""
    ev = result["evenements"]
    res = result["reservataires"]
    body = [f"<p>{html.escape(_events_line(ev))}</p>"]
    if ev["rejets"]:
        body.append("<h2>Enregistrements rejetés</h2><ul>" + "".join(
            f"<li>{html.escape(x['fichier'])}:{x['ligne']} : {html.escape(x['motif'])}</li>" for x in ev["rejets"])
            + "</ul>")
    body.append("<h2>Décompte par réservataire</h2>")
    body.append(html.bar_chart("Objectif (avec report) et décompte par réservataire", [r["libelle"] for r in res],
                               [("Objectif + report antérieur", [_objective_bar(r) for r in res]),
                                ("Décompte", [r["decompte"] for r in res])]))
    body.append(html.table(HEADERS, [_cells(r) for r in res]))
    if "au" in result:
        body.append(_this_week(result))
    body.append("<h2>Avancement par réservataire</h2>")
    for r in res:
        bars = [standing.objective_bar(r)] + [standing.obligation_bar(o) for o in r["obligations"]]
        if any(bars):
            body.append(f"<h3>{html.escape(r['libelle'])}</h3>" + "".join(bars))
    for r in res:
        if r["obligations"]:
            body.append(f"<h3>Obligations — {html.escape(r['libelle'])}</h3>")
            body.append(html.table(OBLIGATION_HEADERS, [_obligation_cells(o) for o in r["obligations"]],
                                   classes=STATUT_CLASSES))
        if r["delais_depasses"]:
            body.append(f"<h3>Délais dépassés — {html.escape(r['libelle'])}</h3>")
            body.append(html.table(DELAY_HEADERS, [_delay_cells(d) for d in r["delais_depasses"]]))
        for note in _notes(r):
            body.append(f'<p class="meta">{html.escape(r["libelle"])} : {html.escape(note)}</p>')
    return html.document(_title(result), "Décompte des réservations en flux par réservataire : obligations, "
                                         "délais dépassés et report", "".join(body))


def _this_week(result: dict) -> str:
    """Every réservataire's open deadlines of the next five jours ouvrés (the window asked for, if shorter)."""
    rows = [[r["libelle"], *standing.open_cells(d)] for r in result["reservataires"]
            for d in standing.this_week(result, r.get("echeances_ouvertes", []))]
    rows.sort(key=lambda row: (row[4][6:] + row[4][3:5] + row[4][:2], row[0], row[1]))  # by due date (JJ/MM/AAAA)
    title = f"Échéances de la semaine (5 jours ouvrés après le {standing.date_fr(result['au'])})"
    if not rows:
        return f"<h2>{html.escape(title)}</h2><p class=\"meta\">Aucune échéance ouverte.</p>"
    return f"<h2>{html.escape(title)}</h2>" + html.table(["Réservataire", *standing.OPEN_HEADERS], rows)


def unmet(result: dict) -> bool:
    return any(o["statut"] == "non_atteint" for r in result["reservataires"] for o in r["obligations"])
