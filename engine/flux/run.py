"""``flux``: inventory → assiette → rotation → theoretical flux per réservataire → audit → result dict.

Each input figure says where it came from (``inventaire``, ``option``,
``annexe 1``, ``regles``, ``historique``), and every disagreement between
sources is reported in ``remarques`` rather than silently resolved.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path

from engine.counting.registry import Registry
from engine.flux import assiette as asst
from engine.flux import audit as aud
from engine.flux import rotation as rot
from engine.flux.theoretical import Figures, compute, deductions_in_force, flux_params
from engine.inputs.inventory import Inventory
from engine.inputs.inventory_counts import count_inventory
from engine.inputs.workbook import sheet_for
from engine.problems import BadInput, Problem
from engine.report.text import fr_percent
from engine.ruleset.in_force import FLUX, require_in_force
from engine.ruleset.inherit import RuleSet, load_ruleset


@dataclass
class FluxOptions:
    inventory: Path | None = None
    rules: str | None = None
    year: int | None = None
    reservataires: list[str] = field(default_factory=list)
    rotation: Decimal | None = None
    history: Path | None = None
    perimetre: str | None = None
    eligibles: int | None = None
    logements_reservataire: int | None = None
    deductions: dict[str, Decimal] = field(default_factory=dict)
    checks: dict[str, str] = field(default_factory=dict)
    annexe: bool = False
    bailleur: str | None = None
    skip_invalid: bool = False
    use_durable: bool = True
    sheet: str | None = None  # --feuille: the inventory's sheet in a workbook
    reservations: Path | None = None  # --reservations: who holds each reserved dwelling of an RPLS file


def _f(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def run(opts: FluxOptions) -> tuple[dict, bool]:
    """The result dict (cli.md keys) and whether a printed figure disagrees (exit 1)."""
    if opts.reservations is not None and opts.inventory is None:
        raise BadInput([Problem("--reservations", 0, "nomme les titulaires des logements d'un fichier RPLS : "
                                                     "donnez-le avec --inventory")])
    if opts.inventory is None:
        sheet_for(None, opts.sheet)
    ruleset = load_ruleset(opts.rules or "national")
    year = opts.year or _annexe_year(ruleset) or dt.date.today().year
    require_in_force(ruleset, year, FLUX, *(("--year", 0) if opts.year else _annexe_where(ruleset)))
    on = dt.date(year, 12, 31)
    registry = Registry(ruleset)
    remarques: list[str] = []
    inv = None
    assiette = None
    if opts.inventory is not None:
        rules = asst.AssietteRules(ruleset, on, opts.use_durable)
        _, fp = flux_params(ruleset, on)
        droits_acquis = fp.methode == "droits_acquis" or bool(fp.droits_acquis)
        inv = count_inventory(opts.inventory, partial(asst.group_keys, rules, programmes=droits_acquis),
                              bailleur=opts.bailleur, skip_invalid=opts.skip_invalid, sheet=opts.sheet,
                              reservations=opts.reservations)
        assiette = asst.build_columns(inv, rules, registry, programmes=droits_acquis)
        remarques += inv.warnings
    has_column = inv is not None and "reservataire" in inv.columns.values()
    if inv is not None and not has_column:
        remarques.append("l'inventaire n'a pas de colonne « Réservataire » : les logements du réservataire "
                         "viennent de l'annexe 1 des règles ou de --logements-reservataire")
    flux_rule, params = flux_params(ruleset, on)
    rate, rate_origin, others = _rotation(opts, ruleset, on, year, assiette, remarques)
    wanted = _selected(opts, ruleset, registry, assiette, on)
    if opts.logements_reservataire is not None and len(wanted) != 1:
        raise BadInput([Problem("--logements-reservataire", 0, "n'a de sens que pour un seul réservataire : "
                                                               "ajoutez --reservataire")])
    results = []
    exit_unmet = False
    for rid in wanted:
        fig, origins = _figures(rid, opts, ruleset, registry, assiette, has_column, rate, rate_origin, on, params,
                                remarques)
        annexe = _annexe(ruleset, rid, on)
        checks = dict(opts.checks)
        if opts.annexe and annexe is not None:
            printed = dict(annexe.imprime)
            for key in ("logements_eligibles", "logements_reservataire"):
                if getattr(annexe, key) is not None:
                    printed.setdefault(key, str(getattr(annexe, key)))
            checks = {**{k if aud.canonical(k)[1] else aud.KEYS.get(k, k): v for k, v in printed.items()}, **checks}
        controle = aud.audit(fig, checks, [(s, r) for s, r in others if r != rate]) if checks else []
        exit_unmet |= any(c["statut"] == "ecart" for c in controle)
        results.append(_record(fig, registry, origins, controle, ruleset, on))
    out = {
        "exercice": year,
        "regles": ruleset.name,
        "methode": params.methode,
        "inventaire": _inventory_record(inv),
        "logements": assiette.logements if assiette else None,
        "logements_eligibles": results[0]["logements_eligibles"] if len(results) == 1 else (
            opts.eligibles if opts.eligibles is not None else (assiette.eligibles if assiette else None)),
        "exclus": dict(sorted(assiette.exclus.items())) if assiette else {},
        "exclusions": [{"id": k, "libelle": _label(ruleset, k), "logements": n, "source": _source(ruleset, k)}
                       for k, n in sorted(assiette.exclus.items())] if assiette else [],
        "taux_rotation": _f(rate),
        "rotation": {"retenu": _f(rate), "origine": rate_origin,
                     "sources": [{"origine": s, "taux": _f(r)} for s, r in others]},
        "regle_flux": {"id": flux_rule.id, "source": flux_rule.rule.source} if flux_rule else None,
        "reservataires": results,
        "logements_sans_titulaire": dict(inv.sans_titulaire) if inv is not None else {},
        "remarques": list(dict.fromkeys(remarques)),
        "controle_ecarts": sum(1 for r in results for c in r["controle"] if c["statut"] == "ecart"),
    }
    if len(results) == 1:
        for key in ("logements_reservataire", "part", "flux_brut", "flux", "flux_prioritaires"):
            out[key] = results[0][key]
    return out, exit_unmet


def _annexe_where(ruleset: RuleSet) -> tuple[str, int]:
    """Where the year taken without --year was read: the latest dated value of an Annexe 1."""
    dated = [(start, r.since(start)) for r in ruleset.of("annexe1") for start, _ in r.dated]
    if not dated:
        return ruleset.name, 0
    path, line = max(dated, key=lambda d: d[0])[1]
    return str(path), line


def _annexe_year(ruleset: RuleSet) -> int | None:
    """Without --year, the year of the convention's Annexe 1 (its latest dated values)."""
    starts = [start for r in ruleset.of("annexe1") for start, _ in r.dated]
    return max(starts).year if starts else None


def _annexe(ruleset: RuleSet, rid: str, on: dt.date):
    for rule in ruleset.of("annexe1"):
        params = rule.at(on)
        if params is not None and params.reservataire == rid:
            return params
    return None


def _label(ruleset: RuleSet, rule_id: str) -> str:
    rule = ruleset.rules.get(rule_id)
    return rule.rule.libelle if rule else "Hors de toutes les inclusions de l'assiette"


def _source(ruleset: RuleSet, rule_id: str) -> str:
    rule = ruleset.rules.get(rule_id)
    return rule.rule.source if rule else "CCH R441-5"


def _rotation(opts: FluxOptions, ruleset: RuleSet, on: dt.date, year: int, assiette, remarques: list[str]):
    """The rate retained and every other source, in order: option, historique, règles, annexe 1, inventaire."""
    sources: list[tuple[str, Decimal]] = []
    if opts.rotation is not None:
        sources.append(("option --rotation", opts.rotation))
    rule = next(iter(ruleset.of("rotation")), None)
    params = rule.at(on) if rule else None
    if opts.history is not None:
        method = params.methode if params and params.methode != "donne" else "ush_occitanie"
        if params is None or params.methode == "donne":
            remarques.append("les règles donnent le taux de rotation sans méthode de calcul : l'historique est lu "
                             "avec la formule USH Occitanie")
        computed = rot.compute(rot.read_history(opts.history), method, year, params.annees if params and
                               params.methode != "donne" else 1, opts.perimetre)
        detail = ", ".join(f"{y} : {fr_percent(r)}" for y, r in computed.par_annee.items())
        remarques.append(f"taux calculé ({rot.LABELS[method]}) : {fr_percent(computed.taux)} ({detail})")
        for column, years in computed.comptes_zero.items():
            remarques.append(f"historique : « {column} » non renseigné pour {', '.join(map(str, years))}, compté 0 "
                             f"dans le taux (vérifiez qu'il n'y en a pas eu)")
        sources.append(("historique", computed.taux))
    elif params is not None and params.methode != "donne":
        remarques.append(f"les règles calculent le taux ({rot.LABELS[params.methode]}) : donnez --history "
                         "pour le calculer ; à défaut le taux donné est utilisé")
    if params is not None and params.taux is not None:
        sources.append(("règle « " + rule.id + " »", params.taux))
    for annexe_rule in ruleset.of("annexe1"):
        annexe = annexe_rule.at(on)
        if annexe is not None and annexe.taux_rotation is not None:
            sources.append(("annexe 1", annexe.taux_rotation))
            break
    if assiette is not None and assiette.taux_inventaire:
        rates = assiette.taux_inventaire
        if len(rates) > 1:
            remarques.append("plusieurs taux dans la colonne de l'inventaire : " + ", ".join(
                f"{fr_percent(r)} ({n} ligne(s))" for r, n in sorted(rates.items())))
        sources.append(("colonne de l'inventaire", rates.most_common(1)[0][0]))
    if not sources:
        raise BadInput([Problem("--rotation", 0, "taux de rotation inconnu : donnez --rotation 7,9 %, --history "
                                                 "FICHIER.csv, ou une règle de rotation avec un taux")])
    origin, rate = sources[0]
    for source, other in sources[1:]:
        if other != rate:
            remarques.append(f"taux de rotation : {fr_percent(rate)} ({origin}) retenu, mais {fr_percent(other)} "
                             f"({source})")
    return rate, origin, sources[1:]


def _selected(opts: FluxOptions, ruleset: RuleSet, registry: Registry, assiette, on: dt.date) -> list[str]:
    if opts.reservataires:
        ids = []
        for name in opts.reservataires:
            entry = registry.resolve(name)
            ids.append(entry.id)
        return list(dict.fromkeys(ids))
    if assiette is not None and assiette.tous_par_reservataire:
        return sorted(assiette.tous_par_reservataire)
    ids = [r.at(on).reservataire for r in ruleset.of("annexe1") if r.at(on) is not None]
    if not ids:
        raise BadInput([Problem("--reservataire", 0, "aucun réservataire : donnez --inventory ou --reservataire")])
    return ids


def _figures(rid: str, opts: FluxOptions, ruleset: RuleSet, registry: Registry, assiette, has_column: bool,
             rate: Decimal, rate_origin: str, on: dt.date, params, remarques: list[str]):
    annexe = _annexe(ruleset, rid, on)
    origins = {"taux_rotation": rate_origin}
    if opts.eligibles is not None:
        eligibles, origins["logements_eligibles"] = opts.eligibles, "option --eligibles"
    elif assiette is not None:
        eligibles, origins["logements_eligibles"] = assiette.eligibles, "inventaire"
    elif annexe is not None and annexe.logements_eligibles is not None:
        eligibles, origins["logements_eligibles"] = annexe.logements_eligibles, "annexe 1"
    else:
        raise BadInput([Problem("--eligibles", 0, f"logements éligibles inconnus pour « {rid} » : donnez "
                                                  "--inventory ou --eligibles")])
    if opts.logements_reservataire is not None:
        units, origins["logements_reservataire"] = opts.logements_reservataire, "option --logements-reservataire"
    elif has_column:
        units, origins["logements_reservataire"] = assiette.par_reservataire.get(rid, 0), "inventaire"
    elif annexe is not None and annexe.logements_reservataire is not None:
        units, origins["logements_reservataire"] = annexe.logements_reservataire, "annexe 1"
    else:
        raise BadInput([Problem("--logements-reservataire", 0, f"logements de « {rid} » inconnus : l'inventaire "
                                                               "n'a pas de colonne « Réservataire »")])
    if annexe is not None and annexe.logements_eligibles not in (None, eligibles) \
            and origins["logements_eligibles"] == "inventaire":
        remarques.append(f"{rid} : l'inventaire compte {eligibles} logement(s) éligible(s), l'annexe 1 en imprime "
                         f"{annexe.logements_eligibles} ; l'état des lieux ne liste peut-être que les logements du "
                         "réservataire (donnez --eligibles)")
    entry = registry.by_id.get(rid)
    methode = params.methode
    if entry and (rid in params.droits_acquis or entry.type in params.droits_acquis):
        methode = "droits_acquis"
    programmes = None
    if methode == "droits_acquis":
        if assiette is None:
            raise BadInput([Problem("--inventory", 0, f"« {rid} » : la transformation des droits acquis compte les "
                                                      "droits de suite de l'inventaire : donnez --inventory")])
        programmes = dict(sorted(assiette.programmes.get(rid, Counter()).items()))
        units = assiette.tous_par_reservataire.get(rid, 0)
        origins["logements_reservataire"] = "inventaire (droits de suite, avant exclusions)"
    deductions = deductions_in_force(ruleset, on, opts.deductions, Decimal(eligibles) * rate)
    for d in deductions:
        if d.deduite and d.volume is None and methode == "assiette":
            remarques.append(f"déduction « {d.id} » applicable en {on.year} mais non chiffrée : donnez "
                             f"--deduction {d.objet}=N ({d.source})")
    return compute(rid, methode, eligibles, units, rate, deductions, params, programmes), origins


def _record(fig: Figures, registry: Registry, origins: dict, controle: list[dict], ruleset: RuleSet,
            on: dt.date) -> dict:
    entry = registry.by_id.get(fig.reservataire)

    def chosen(rid: str) -> list[dict]:
        rule = ruleset.rules.get(rid)
        return rule.interpretation_records(on) if rule is not None else []

    flux_rules = sorted({r.id for nature in ("annexe1", "flux", "rotation", "deduction") for r in ruleset.of(nature)
                         if nature != "annexe1" or (r.at(on) is not None and r.at(on).reservataire == fig.reservataire)})
    return {
        "id": fig.reservataire,
        "libelle": entry.libelle if entry else fig.reservataire,
        "type": entry.type if entry else "autre",
        "connu": entry.connu if entry else False,
        "methode": fig.methode,
        "logements_eligibles": fig.logements_eligibles,
        "logements_reservataire": fig.logements_reservataire,
        "part": _f(fig.part),
        "taux_rotation": _f(fig.taux_rotation),
        "flux_total": _f(fig.flux_total),
        "deductions": [{"id": d.id, "objet": d.objet, "libelle": d.libelle, "deduite": d.deduite,
                        "volume": _f(d.volume), "origine": d.origine, "source": d.source,
                        "interpretations": chosen(d.id)} for d in fig.deductions],
        "flux_a_repartir": _f(fig.flux_a_repartir),
        "flux_brut": _f(fig.flux_brut),
        "flux": _f(fig.flux),
        "arrondi": fig.arrondi,
        "flux_prioritaires": _f(fig.flux_prioritaires),
        "part_prioritaire": _f(fig.part_prioritaire),
        "prioritaire_sur": fig.prioritaire_sur,
        "programmes": fig.programmes,
        "origines": origins,
        "controle": controle,
        "interpretations": [item for rid in flux_rules for item in chosen(rid)],
    }


def _inventory_record(inv: Inventory | None) -> dict | None:
    if inv is None:
        return None
    lines = sorted({p.ligne for p in inv.problems})
    return {"fichier": inv.path, "encodage": inv.encoding, "separateur": inv.delimiter,
            **({"feuille": inv.sheet} if inv.sheet else {}), "lus": inv.lus,
            "retenus": len(inv), "rejetes": len(lines),
            "rejets": [{"fichier": p.fichier, "ligne": p.ligne, **({"cellule": p.cellule} if p.cellule else {}),
                        "motif": p.message} for p in inv.problems],
            "colonnes": inv.columns}
