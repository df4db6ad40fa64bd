"""Output formats of ``bilan`` (table, json, csv, markdown, html) and the HTML page of ``compare``."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape as rich_escape
from rich.table import Table

from engine.bilan import DIMENSIONS, INDICATEURS, LABELS
from engine.report import html
from engine.report.comparereport import LABELS as FIGURE_LABELS
from engine.report.comparereport import remaining_cells, rule_values
from engine.report.jsontext import to_json  # noqa: F401 (each report module answers to_json)
from engine.report.labels import statut, word
from engine.report.spreadsheet import csv_text, fr_cell
from engine.report.standing import date_fr
from engine.report.text import fr_int, md, md_row

EXTRA = {"dont_sans_candidat": "dont sans candidat", "dont_reprises": "dont reprises",
         "dont_propositions_refusees": "propositions refusées"}
HEADERS = ["Réservataire", "Mises à disposition", "dont sans candidat", "dont reprises", "Attributions",
           "Propositions refusées", "Entrées dans les lieux", "Logements libérés proposés", "Part des libérations"]
OBJECTIVE_HEADERS = ["Réservataire", "Base", "Objectif", "Report antérieur", "Décompte", "Écart", "Report suivant",
                     "Obligations non atteintes ou dépassées"]
OBLIGATION_HEADERS = ["Réservataire", "Obligation", "Part", "Cible", "Statut", "Source"]
STATUT_CLASSES = {"atteint": "atteint", "respecté": "atteint", "non atteint": "non_atteint",
                  "dépassé": "non_atteint", "indéterminé": "indetermine"}


# what each breakdown applies to: the public (prioritaire or not) is that of a household, known only once
# candidates are designated, so it breaks down the attributions and the entrées dans les lieux, not the mises
# à disposition (which would all be « sans objet »)
APPLIES = {"public": ("attributions", "entrees_dans_les_lieux")}
NOTES = {"public": "Le public (prioritaire ou non) est celui du ménage : il n'est connu qu'une fois les candidats "
                   "désignés, et ne ventile donc que les attributions et les entrées dans les lieux."}
ORDER = {"periode_construction": ["avant 1977", "1977-1999", "2000-2012", "depuis 2013", "inconnue"]}
MOST_CATEGORIES = 15  # a chart of more rows is cut after the largest ones, the others added up in one row


def indicators_of(dim: str) -> tuple[str, ...]:
    """The indicators a breakdown applies to.

    >>> indicators_of("public"), indicators_of("commune")
    (('attributions', 'entrees_dans_les_lieux'), ('mises_a_disposition', 'attributions', 'entrees_dans_les_lieux'))
    """
    return APPLIES.get(dim, INDICATEURS)


def _ordered(dim: str, values: dict[str, dict]) -> list[tuple[str, dict]]:
    """A breakdown's values in their reading order: periods from the oldest, other values as the JSON sorts them."""
    order = ORDER.get(dim, [])
    return sorted(values.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))


def _everyone(result: dict) -> list[dict]:
    return result["reservataires"] + [{"id": "ensemble", "libelle": "Ensemble du bailleur", **result["ensemble"]}]


def _indicator_rows(result: dict) -> list[list]:
    rows = []
    for r in _everyone(result):
        ind = r["indicateurs"]
        rows.append([r["libelle"], *[fr_int(ind[k]) for k in ("mises_a_disposition", "dont_sans_candidat",
                                                             "dont_reprises", "attributions",
                                                             "dont_propositions_refusees", "entrees_dans_les_lieux")],
                     fr_int(r["logements_liberes_proposes"]), fr_cell("part", r["part_des_liberations"])])
    return rows


def _objective_rows(result: dict) -> list[list]:
    return [[r["libelle"], word(r["base_decompte"]), *[fr_cell(k, r[k]) for k in ("objectif", "report_anterieur",
                                                                                  "decompte", "ecart",
                                                                                  "report_suivant")],
             ", ".join(o["id"] for o in r["obligations"] if o["statut"] == "non_atteint") or "—"]
            for r in result["reservataires"]]


def _obligation_rows(result: dict) -> list[list]:
    return [[r["libelle"], o["libelle"], fr_cell("part", o.get("valeur")),
             ("≤ " if o.get("sens") == "maximum" else "≥ ") + fr_cell("part", o["cible"]),
             statut(o["statut"], o.get("sens")), o["source"]]
            for r in result["reservataires"] for o in r["obligations"]]


def _ventilation_rows(result: dict, dim: str) -> list[list]:
    keys = indicators_of(dim)
    return [[value, *[fr_int(counts[k]) for k in keys]]
            for value, counts in _ordered(dim, result["ensemble"]["ventilations"][dim]) if any(counts[k] for k in keys)]


def title(result: dict) -> str:
    bailleur = f"bailleur « {result['bailleur']} »" if result.get("bailleur") else "bailleur non renseigné"
    return f"Bilan annuel {result['exercice']} — {bailleur}"


def subtitle(result: dict) -> str:
    return f"Règles « {result['regles']} » — sources : {result['source']}"


def _assiette_line(result: dict) -> str:
    a = result["assiette"]
    eligible = a["parc_eligible_31_12_precedent"]
    return (f"Parc éligible au 31/12/{result['exercice'] - 1} : {fr_cell('n', eligible)} ; "
            f"logements libérés en {result['exercice']} : {fr_int(a['logements_liberes'])} ; "
            f"logements livrés : {fr_int(a['logements_livres'])}")


def _definition(result: dict) -> str:
    return "Part des libérations : " + result["definitions"]["part_des_liberations"] + "."


def to_table(result: dict, console: Console) -> None:
    console.print(f"[bold]{rich_escape(title(result))}[/bold]")
    console.print(rich_escape(subtitle(result)))
    console.print(_assiette_line(result))
    t = Table(title="Les trois indicateurs (art. 7)")
    for h in HEADERS:
        t.add_column(h, justify="left", min_width=22) if h == "Réservataire" else t.add_column(h, justify="right")
    for row in _indicator_rows(result):
        t.add_row(*[rich_escape(str(c)) for c in row])
    console.print(t)
    console.print(f"[dim]{rich_escape(_definition(result))}[/dim]")
    for dim in DIMENSIONS:
        t = Table(title=f"Ensemble — par {LABELS[dim].lower()}")
        t.add_column(LABELS[dim])
        for k in indicators_of(dim):
            t.add_column(LABELS[k], justify="right")
        for row in _ventilation_rows(result, dim):
            t.add_row(*[rich_escape(c) for c in row])
        console.print(t)
        if dim in NOTES:
            console.print(f"[dim]{rich_escape(NOTES[dim])}[/dim]")
    if result["programmes_neufs"]:
        console.print("Programmes neufs mis en service : " + rich_escape(", ".join(
            f"{p['programme'] or '—'} ({p['logement']}, {p['date']})" for p in result["programmes_neufs"])))
    t = Table(title="Objectifs, obligations et report")
    for i, h in enumerate(OBJECTIVE_HEADERS):
        t.add_column(h, justify="right" if 2 <= i <= 6 else "left")
    for row in _objective_rows(result):
        t.add_row(*[rich_escape(c) for c in row])
    console.print(t)


def to_csv(result: dict, tableur: bool = False) -> str:
    """Plain CSV: the codes; ``tableur`` (people, in a spreadsheet): French headers and dimension names."""
    if tableur:
        rows = [["Exercice", "Réservataire", "Ventilation", "Valeur", *[LABELS[k] for k in INDICATEURS]]]
    else:
        rows = [["exercice", "reservataire", "dimension", "valeur", *INDICATEURS]]
    for r in _everyone(result):
        who = r["libelle"] if tableur else r["id"]
        rows.append([result["exercice"], who, "total" if not tableur else "Total", "",
                     *[r["indicateurs"][k] for k in INDICATEURS]])
        for dim in DIMENSIONS:
            for value, counts in r["ventilations"][dim].items():
                rows.append([result["exercice"], who, LABELS[dim] if tableur else dim, value,
                             *[counts[k] for k in INDICATEURS]])
    return csv_text(rows, tableur)


def _md_table(headers: list[str], rows: list[list], first_text: int = 1) -> list[str]:
    return [md_row(headers), "|" + "---|" * first_text + "---:|" * (len(headers) - first_text)] + [
        md_row(row) for row in rows]


def to_markdown(result: dict) -> str:
    lines = [f"# {md(title(result))}", "", md(subtitle(result)), "", md(_assiette_line(result)), ""]
    lines += _md_table(HEADERS, _indicator_rows(result))
    lines += ["", f"*{md(_definition(result))}*"]
    for dim in DIMENSIONS:
        lines += ["", f"## Par {LABELS[dim].lower()}", ""]
        lines += _md_table([LABELS[dim], *[LABELS[k] for k in indicators_of(dim)]], _ventilation_rows(result, dim))
        if dim in NOTES:
            lines += ["", f"*{md(NOTES[dim])}*"]
    if result["programmes_neufs"]:
        lines += ["", "## Programmes neufs mis en service", ""]
        lines += _md_table(["Programme", "Logement", "Date"], [[p["programme"] or "—", p["logement"], p["date"]]
                                                               for p in result["programmes_neufs"]], 3)
    lines += ["", "## Objectifs, obligations et report", ""]
    lines += [md_row(OBJECTIVE_HEADERS), "|---|---|" + "---:|" * 5 + "---|"]
    lines += [md_row(row) for row in _objective_rows(result)]
    rows = _obligation_rows(result)
    if rows:
        lines += [""] + _md_table(OBLIGATION_HEADERS, rows, 6)
    return "\n".join(lines) + "\n"


def _breakdown_chart(dim: str, values: dict[str, dict]) -> str:
    """One breakdown of the bailleur's indicators: only the indicators it applies to and the values that have
    some; past :data:`MOST_CATEGORIES` values, the largest ones and one row for all the others."""
    keys = indicators_of(dim)
    rows = [(name, [counts[k] for k in keys]) for name, counts in _ordered(dim, values) if any(counts[k] for k in keys)]
    note = NOTES.get(dim, "")
    if len(rows) > MOST_CATEGORIES:
        rows.sort(key=lambda row: (-row[1][0], row[0]))
        kept, rest = rows[:MOST_CATEGORIES - 1], rows[MOST_CATEGORIES - 1:]
        rows = kept + [(f"{len(rest)} autres", [sum(r[1][i] for r in rest) for i in range(len(keys))])]
        note = (note + " " if note else "") + (f"Les {MOST_CATEGORIES - 1} valeurs les plus fréquentes, les "
                                               f"{len(rest)} autres regroupées (détail dans le CSV ou le JSON).")
    return html.bar_chart(f"Par {LABELS[dim].lower()}", [name for name, _ in rows],
                          [(LABELS[k], [row[1][i] for row in rows]) for i, k in enumerate(keys)], note)


def to_html(result: dict) -> str:
    body = [f"<p>{html.escape(_assiette_line(result))}</p>", "<h2>Les trois indicateurs</h2>"]
    names = [r["libelle"] for r in result["reservataires"]]
    body.append(html.bar_chart("Mises à disposition, attributions et entrées dans les lieux par réservataire", names,
                               [(LABELS[k], [r["indicateurs"][k] for r in result["reservataires"]])
                                for k in INDICATEURS]))
    body.append(html.table(HEADERS, _indicator_rows(result), highlight={len(result["reservataires"])}))
    body.append(f'<p class="meta">{html.escape(_definition(result))}</p>')
    body.append("<h2>Ventilations (ensemble du bailleur)</h2>")
    for dim in ("public", "typologie", "qpv", "financement", "commune", "periode_construction", "accessibilite"):
        body.append(_breakdown_chart(dim, result["ensemble"]["ventilations"][dim]))
    if result["programmes_neufs"]:
        body.append("<h2>Programmes neufs mis en service</h2>")
        body.append(html.table(["Programme", "Logement", "Date"],
                               [[p["programme"] or "—", p["logement"], p["date"]] for p in result["programmes_neufs"]]))
    body.append("<h2>Objectifs, obligations et report</h2>")
    body.append(html.table(OBLIGATION_HEADERS, _obligation_rows(result), classes=STATUT_CLASSES))
    body.append(html.table(OBJECTIVE_HEADERS, _objective_rows(result)))
    return html.document(title(result), subtitle(result), "".join(body))


def compare_html(result: dict) -> str:
    names = [s["regles"] for s in result["scenarios"]]
    key = "decompte" if result["mode"] == "evenements" else "flux_brut"
    body = [html.bar_chart(f"{FIGURE_LABELS[key]} par réservataire et par scénario",
                           [r["libelle"] for r in result["reservataires"]],
                           [(n, [r["valeurs"][key][i] for r in result["reservataires"]])
                            for i, n in enumerate(names)])]
    for r in result["reservataires"]:
        changed = {d["chiffre"]: d for d in r["differences"]}
        rows, marks = [], set()
        for fig, values in r["valeurs"].items():
            if fig in changed:
                marks.add(len(rows))
            rows.append([FIGURE_LABELS.get(fig, fig), *[fr_cell(fig, v) for v in values],
                         ", ".join(changed[fig]["regles"]) if fig in changed else ""])
        for o in r["obligations"]:
            if o["change"]:
                marks.add(len(rows))
                rows.append([("Bascule : " if o["bascule"] else "") + o["libelle"],
                             *[statut(s, o.get("sens")) for s in o["statuts"]], ", ".join(o["regles"])])
            remaining = remaining_cells(o)
            if remaining:
                marks.add(len(rows))
                rows.append([f"Reste à faire — {o['libelle']}", *remaining, ""])
        body.append(f"<h2>{html.escape(r['libelle'])}</h2>")
        body.append(html.table(["Chiffre", *names, "Règles qui diffèrent"], rows, highlight=marks))
    if result["regles_differentes"]:
        body.append("<h2>Règles qui diffèrent</h2>")
        rows = [[rule["id"], *[("absente" if s is None else rule_values(s) + f" — {s['source']} ({s['fichier']})")
                               for s in rule["par_scenario"]]]
                for rule in result["regles_differentes"]]
        body.append(html.table(["Règle", *names], rows))
    if result["decisions_modifiees"]:
        body.append("<h2>Offres dont la décision de décompte change</h2>")
        rows = [[d["offre"], d["reservataire"], *[("—" if x is None else (f"compte le {x['date']}" if x["compte"]
                                                                         else "ne compte pas")
                                                   + (f" ({x['regle']})" if x and x["regle"] else ""))
                                                  for x in d["par_scenario"]]] for d in result["decisions_modifiees"]]
        body.append(html.table(["Offre", "Réservataire", *names], rows))
    when = f" au {date_fr(result['au'])}" if result.get("au") else ""
    return html.document(f"Comparaison de scénarios {result['exercice']}{when}", " / ".join(names), "".join(body))
