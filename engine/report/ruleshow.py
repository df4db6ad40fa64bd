"""``flux-rules rules show``: the effective rule set, every value with the file:line that set it."""

from __future__ import annotations

import datetime as dt

from rich.console import Console
from rich.table import Table

from engine.report.text import NATURE_LABELS, fr_value
from engine.ruleset.inherit import EffectiveRule, RuleSet

CONDITION_KEYS = ("condition", "applicable_a", "denominateur", "numerateur")
FIXED_KEYS = ("type", "alias", "mode_gestion", "delegue_a", "partie_de", "objet", "depart", "attendu", "sens",
              "consequence", "relance", "priorite", "mesure", "population", "reservataire")


def rule_record(r: EffectiveRule, on: dt.date | None = None) -> dict:
    """A JSON-ready record of one effective rule, with provenance per value."""
    rule = r.rule
    out = {
        "id": r.id, "nature": r.nature, "libelle": rule.libelle, "source": rule.source,
        "couche": r.layer, "fichier": r.where[0], "ligne": r.where[1], "historique": r.history,
    }
    if rule.description:
        out["description"] = rule.description
    if r.interpretations_at(on) if on is not None else r.interpretations:
        out["interpretations"] = r.interpretation_records(on)
    for key in FIXED_KEYS:
        if key in type(rule).model_fields and getattr(rule, key) not in (None, []):
            out[key] = getattr(rule, key)
            out.setdefault("provenance", {})[key] = _where(r, key)
    for key in CONDITION_KEYS:
        cond = getattr(rule, key, None)
        if cond is not None:
            out[key] = cond.describe()
            out.setdefault("provenance", {})[key] = _where(r, key)
    values = []
    for start, params in r.dated:
        if on is not None and r.at(on) is not params:
            continue
        entry = {"depuis": start.isoformat(), "parametres": params.model_dump(mode="json"),
                 "provenance": {}}
        for param in params.model_dump():
            spot = _param_where(r, start, param)
            entry["provenance"][param] = f"{spot[0]}:{spot[1]}"
        values.append(entry)
    if r.dated:
        out["valeurs"] = values
    return out


def interpretations_of(rs: RuleSet, on: dt.date | None = None) -> list[dict]:
    """Every interpretation of a rule set (in force on ``on`` when given), rule by rule."""
    return [item for r in rs.rules.values() for item in r.interpretation_records(on)]


def _where(r: EffectiveRule, key: str) -> str:
    spot = r.provenance.get(key, r.where)
    return f"{spot[0]}:{spot[1]}"


def _param_where(r: EffectiveRule, start: dt.date, param: str):
    """The file:line that set ``param`` as in force at ``start`` (it may come from an earlier date)."""
    best = None
    for date, _ in r.dated:
        if date > start:
            break
        spot = r.provenance.get(f"valeurs.{date}.{param}")
        if spot:
            best = spot
    return best or r.provenance.get(f"valeurs.{start}", r.where)


def ruleset_record(rs: RuleSet, on: dt.date | None = None) -> dict:
    return {
        "regles": rs.name,
        "chaine": rs.chain,
        "en_vigueur_au": on.isoformat() if on else None,
        "suppressions": [{"id": rid, "couche": layer, "fichier": w[0], "ligne": w[1], "motif": motif}
                         for rid, layer, w, motif in rs.removed],
        "regles_effectives": [rule_record(r, on) for r in rs.rules.values()],
        "interpretations": interpretations_of(rs, on),
    }


def render_table(rs: RuleSet, console: Console, on: dt.date | None = None) -> None:
    console.print(f"[bold]Règles effectives « {rs.name} »[/bold] — héritage : {' → '.join(rs.chain)}"
                  + (f" — en vigueur au {on.strftime('%d/%m/%Y')}" if on else ""))
    for nature, label in NATURE_LABELS.items():
        rules = rs.of(nature)
        if not rules:
            continue
        table = Table(title=label, show_lines=True, expand=True, title_justify="left")
        table.add_column("Identifiant", style="cyan", no_wrap=True)
        table.add_column("Libellé et source")
        table.add_column("Valeurs (fichier:ligne)")
        for r in rules:
            rec = rule_record(r, on)
            cells = [f"{rec['libelle']}\n[dim]Source : {rec['source']}[/dim]",
                     f"[dim]{' ; '.join(rec['historique'])}[/dim]"]
            details = []
            for key in FIXED_KEYS + CONDITION_KEYS:
                if key in rec:
                    details.append(f"{key} : {fr_value(rec[key])} [dim]({rec['provenance'][key]})[/dim]")
            for v in rec.get("valeurs", []):
                params = ", ".join(f"{k} = {fr_value(_typed(r, v, k))} [dim]({v['provenance'][k]})[/dim]"
                                   for k in v["parametres"])
                details.append(f"depuis le {dt.date.fromisoformat(v['depuis']).strftime('%d/%m/%Y')} : {params}")
            if r.dated and not rec.get("valeurs"):
                details.append("[yellow]pas en vigueur à cette date[/yellow]")
            table.add_row(r.id, "\n".join(cells), "\n".join(details) or "—")
        console.print(table)
    for item in ruleset_record(rs, on)["suppressions"]:
        console.print(f"[red]Supprimée[/red] {item['id']} par « {item['couche']} » ({item['fichier']}:"
                      f"{item['ligne']}) : {item['motif']}")
    chosen = interpretations_of(rs, on)
    table = Table(title=f"Interprétations du projet ({len(chosen)}) — là où les textes sont muets ou ambigus",
                  show_lines=True, expand=True, title_justify="left")
    table.add_column("Règle", style="cyan", no_wrap=True)
    table.add_column("Valeur")
    table.add_column("Ce que dit le texte, ce que le projet a choisi et pourquoi")
    table.add_column("Fichier:ligne", no_wrap=True)
    for item in chosen:
        table.add_row(item["regle"], _since(item), item["texte"], item["fichier_ligne"])
    if not chosen:
        table.add_row("—", "—", "aucune : chaque valeur vient d'un texte cité", "—")
    console.print(table)


def _since(item: dict) -> str:
    if item["depuis"] is None:
        return "toute la règle"
    return "depuis le " + dt.date.fromisoformat(item["depuis"]).strftime("%d/%m/%Y")


def _typed(r: EffectiveRule, value_record: dict, key: str):
    start = dt.date.fromisoformat(value_record["depuis"])
    for date, params in r.dated:
        if date == start:
            return getattr(params, key)
    return value_record["parametres"][key]


def render_markdown(rs: RuleSet, on: dt.date | None = None) -> str:
    lines = [f"# Règles effectives « {rs.name} »", "", f"Héritage : {' → '.join(rs.chain)}", ""]
    for nature, label in NATURE_LABELS.items():
        rules = rs.of(nature)
        if not rules:
            continue
        lines += [f"## {label}", "", "| id | libellé | valeurs | source | fichier:ligne |", "|---|---|---|---|---|"]
        for r in rules:
            rec = rule_record(r, on)
            vals = "<br>".join(f"{v['depuis']} : " + ", ".join(f"{k} = {fr_value(_typed(r, v, k))}"
                                                                for k in v["parametres"])
                               for v in rec.get("valeurs", []))
            lines.append(f"| {r.id} | {rec['libelle']} | {vals} | {rec['source']} | "
                         f"{rec['fichier']}:{rec['ligne']} |")
        lines.append("")
    chosen = interpretations_of(rs, on)
    lines += ["## Interprétations du projet", "",
              "Là où les textes sont muets ou ambigus : ce que dit le texte, ce que le projet a choisi et pourquoi.",
              "", "| règle | valeur | interprétation | fichier:ligne |", "|---|---|---|---|"]
    lines += [f"| {i['regle']} | {_since(i)} | {i['texte']} | {i['fichier_ligne']} |" for i in chosen]
    if not chosen:
        lines.append("| — | — | aucune : chaque valeur vient d'un texte cité | — |")
    lines.append("")
    return "\n".join(lines)
