"""Output formats of ``bilan`` (table, json, csv, markdown, html) and the HTML page of ``compare``."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from engine.bilan import DIMENSIONS, INDICATEURS, LABELS
from engine.report import html
from engine.report.comparereport import LABELS as FIGURE_LABELS
from engine.report.comparereport import STATUTS
from engine.report.jsontext import to_json  # noqa: F401 (each report module answers to_json)
from engine.report.spreadsheet import csv_text, fr_cell

EXTRA = {"dont_sans_candidat": "dont sans candidat", "dont_reprises": "dont reprises",
         "dont_propositions_refusees": "propositions refusées"}


def _indicator_rows(result: dict) -> list[list]:
    rows = []
    for r in result["reservataires"] + [{"id": "ensemble", "libelle": "Ensemble du bailleur", **result["ensemble"]}]:
        ind = r["indicateurs"]
        share = r["part_des_liberations"]["mises_a_disposition"]
        rows.append([r["libelle"], ind["mises_a_disposition"], ind["dont_sans_candidat"], ind["dont_reprises"],
                     ind["attributions"], ind["dont_propositions_refusees"], ind["entrees_dans_les_lieux"],
                     fr_cell("part", share)])
    return rows


HEADERS = ["Réservataire", "Mises à disposition", "dont sans candidat", "dont reprises", "Attributions",
           "Propositions refusées", "Entrées dans les lieux", "Part des libérations"]


def _assiette_line(result: dict) -> str:
    a = result["assiette"]
    eligible = a["parc_eligible_31_12_precedent"]
    return (f"Parc éligible au 31/12/{result['exercice'] - 1} : {eligible if eligible is not None else '—'} ; "
            f"logements libérés en {result['exercice']} : {a['logements_liberes']} ; "
            f"logements livrés : {a['logements_livres']}")


def to_table(result: dict, console: Console) -> None:
    console.print(f"[bold]Bilan annuel {result['exercice']}[/bold] — règles « {result['regles']} » "
                  f"({result['source']})")
    console.print(_assiette_line(result))
    t = Table(title="Les trois indicateurs (art. 7)")
    for h in HEADERS:
        t.add_column(h, justify="left" if h == "Réservataire" else "right")
    for row in _indicator_rows(result):
        t.add_row(*[str(c) for c in row])
    console.print(t)
    for dim in DIMENSIONS:
        t = Table(title=f"Ensemble — par {LABELS[dim].lower()}")
        t.add_column(LABELS[dim])
        for k in INDICATEURS:
            t.add_column(LABELS[k], justify="right")
        for value, counts in result["ensemble"]["ventilations"][dim].items():
            t.add_row(value, *[str(counts[k]) for k in INDICATEURS])
        console.print(t)
    if result["programmes_neufs"]:
        console.print("Programmes neufs mis en service : " + ", ".join(
            f"{p['programme'] or '—'} ({p['logement']}, {p['date']})" for p in result["programmes_neufs"]))
    t = Table(title="Objectifs, obligations et report")
    for h in ("Réservataire", "Base", "Objectif", "Décompte", "Écart", "Report suivant", "Obligations non atteintes"):
        t.add_column(h)
    for r in result["reservataires"]:
        unmet = ", ".join(o["id"] for o in r["obligations"] if o["statut"] == "non_atteint")
        t.add_row(r["libelle"], str(r["base_decompte"]), str(r["objectif"]), str(r["decompte"]), str(r["ecart"]),
                  str(r["report_suivant"]), unmet or "—")
    console.print(t)


def to_csv(result: dict, tableur: bool = False) -> str:
    rows = [["exercice", "reservataire", "dimension", "valeur", *INDICATEURS]]
    for r in result["reservataires"] + [{"id": "ensemble", **result["ensemble"]}]:
        rows.append([result["exercice"], r["id"], "total", "", *[r["indicateurs"][k] for k in INDICATEURS]])
        for dim in DIMENSIONS:
            for value, counts in r["ventilations"][dim].items():
                rows.append([result["exercice"], r["id"], dim, value, *[counts[k] for k in INDICATEURS]])
    return csv_text(rows, tableur)


def to_markdown(result: dict) -> str:
    lines = [f"# Bilan annuel {result['exercice']} — règles « {result['regles']} »", "", result["source"], "",
             _assiette_line(result), "", "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in _indicator_rows(result)]
    for dim in DIMENSIONS:
        lines += ["", f"## Par {LABELS[dim].lower()}", "", f"| {LABELS[dim]} | " + " | ".join(
            LABELS[k] for k in INDICATEURS) + " |", "|---|---|---|---|"]
        for value, counts in result["ensemble"]["ventilations"][dim].items():
            lines.append(f"| {value} | " + " | ".join(str(counts[k]) for k in INDICATEURS) + " |")
    return "\n".join(lines) + "\n"


def to_html(result: dict) -> str:
    body = [f"<p>{html.escape(_assiette_line(result))}</p>", "<h2>Les trois indicateurs</h2>"]
    names = [r["libelle"] for r in result["reservataires"]]
    body.append(html.bar_chart("Mises à disposition, attributions et entrées dans les lieux par réservataire", names,
                               [(LABELS[k], [r["indicateurs"][k] for r in result["reservataires"]])
                                for k in INDICATEURS]))
    body.append(html.table(HEADERS, _indicator_rows(result), highlight={len(result["reservataires"])}))
    body.append("<h2>Ventilations (ensemble du bailleur)</h2>")
    for dim in ("public", "typologie", "qpv", "financement", "commune", "periode_construction", "accessibilite"):
        values = result["ensemble"]["ventilations"][dim]
        body.append(html.bar_chart(f"Par {LABELS[dim].lower()}", list(values),
                                   [(LABELS[k], [c[k] for c in values.values()]) for k in INDICATEURS]))
    if result["programmes_neufs"]:
        body.append("<h2>Programmes neufs mis en service</h2>")
        body.append(html.table(["Programme", "Logement", "Date"],
                               [[p["programme"] or "—", p["logement"], p["date"]] for p in result["programmes_neufs"]]))
    body.append("<h2>Objectifs, obligations et report</h2>")
    rows = []
    for r in result["reservataires"]:
        for o in r["obligations"]:
            rows.append([r["libelle"], o["libelle"], fr_cell("part", o.get("valeur")), fr_cell("part", o["cible"]),
                         o["statut"], o["source"]])
    body.append(html.table(["Réservataire", "Obligation", "Part", "Cible", "Statut", "Source"], rows,
                           classes={"atteint": "atteint", "non_atteint": "non_atteint",
                                    "indetermine": "indetermine"}))
    body.append(html.table(["Réservataire", "Base", "Objectif", "Décompte", "Écart", "Report suivant"],
                           [[r["libelle"], r["base_decompte"], r["objectif"], r["decompte"], r["ecart"],
                             r["report_suivant"]] for r in result["reservataires"]]))
    return html.document(f"Bilan annuel {result['exercice']}",
                         f"Règles « {result['regles']} » — {result['source']}", "".join(body))


def compare_html(result: dict) -> str:
    names = [s["regles"] for s in result["scenarios"]]
    key = "decompte" if result["mode"] == "evenements" else "flux_brut"
    body = [html.bar_chart(f"{FIGURE_LABELS[key]} par réservataire et par scénario",
                           [r["libelle"] for r in result["reservataires"]],
                           [(n, [r["valeurs"][key][i] or 0 for r in result["reservataires"]])
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
                             *[STATUTS[s] for s in o["statuts"]], ", ".join(o["regles"])])
        body.append(f"<h2>{html.escape(r['libelle'])}</h2>")
        body.append(html.table(["Chiffre", *names, "Règles qui diffèrent"], rows, highlight=marks))
    if result["regles_differentes"]:
        body.append("<h2>Règles qui diffèrent</h2>")
        rows = [[rule["id"], *[("absente" if s is None else ", ".join(f"{k} = {v}" for k, v in
                                                                      (s["valeurs"] or {}).items())
                                + f" — {s['source']} ({s['fichier']})") for s in rule["par_scenario"]]]
                for rule in result["regles_differentes"]]
        body.append(html.table(["Règle", *names], rows))
    if result["decisions_modifiees"]:
        body.append("<h2>Offres dont la décision de décompte change</h2>")
        rows = [[d["offre"], d["reservataire"], *[("—" if x is None else (f"compte le {x['date']}" if x["compte"]
                                                                         else "ne compte pas")
                                                   + (f" ({x['regle']})" if x and x["regle"] else ""))
                                                  for x in d["par_scenario"]]] for d in result["decisions_modifiees"]]
        body.append(html.table(["Offre", "Réservataire", *names], rows))
    return html.document(f"Comparaison de scénarios {result['exercice']}", " / ".join(names), "".join(body))
