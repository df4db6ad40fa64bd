"""Running one case: its records become an event log, evaluated as ``evaluate`` does (each offer kept whole, as
``explain`` keeps the offers it shows), or its options a ``flux`` run; what it expects is compared (:mod:`engine.cases.match`)
and the rules its expected figures rest on are noted (:mod:`engine.cases.coverage`)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from engine.cases import coverage
from engine.cases.files import LoadedCases
from engine.cases.match import compare
from engine.cases.model import Case, iso
from engine.problems import BadInput, Problem
from engine.ruleset.inherit import Catalog, RuleSet


@dataclass
class Outcome:
    """One case run: where it is, whether it holds, each difference as ``FILE:LINE: message``, the rules covered."""

    fichier: str
    ligne: int
    nom: str
    regles: str
    echecs: list[Problem] = field(default_factory=list)
    couverture: set[tuple[str, str]] = field(default_factory=set)  # (layer, rule id) of the clauses it covered

    @property
    def reussi(self) -> bool:
        return not self.echecs

    def record(self) -> dict:
        return {"fichier": self.fichier, "ligne": self.ligne, "nom": self.nom, "regles": self.regles,
                "reussi": self.reussi,
                "echecs": [{"fichier": p.fichier, "ligne": p.ligne, "message": p.message} for p in self.echecs]}


class Runner:
    """Runs cases against one catalog of layers (parsed once: the whole shipped set runs in seconds)."""

    def __init__(self, catalog: Catalog | None = None):
        self.catalog = catalog or Catalog()
        self.rulesets: dict[str, RuleSet] = {}

    def ruleset(self, name: str, base: Path) -> RuleSet:
        path = (base / name) if name.endswith((".yaml", ".yml")) else None
        key = str(path.resolve()) if path else name
        if key not in self.rulesets:
            if path is not None:
                from engine.ruleset.inherit import load_catalog
                self.rulesets[key] = load_catalog(self.catalog.root, [path]).resolve(str(path))
            else:
                self.rulesets[key] = self.catalog.resolve(name)
        return self.rulesets[key]

    def run(self, loaded: LoadedCases, index: int) -> Outcome:
        case = loaded.model.cas[index]
        top = loaded.model
        rules = case.regles or top.regles
        outcome = Outcome(loaded.name, loaded.line("cas", index, "nom"), case.nom, rules)
        try:
            ruleset = self.ruleset(rules, loaded.path.parent)
        except BadInput as exc:  # an unknown layer is said at the case's « regles »
            at = loaded.line("cas", index, "regles") if case.regles else loaded.line("regles")
            raise BadInput([p if p.ligne else Problem(loaded.name, at, p.message) for p in exc.problems]) from None
        spot = ("cas", index)

        def fail(item: tuple[int, str]) -> None:
            outcome.echecs.append(Problem(loaded.name, item[0], item[1]))

        def line(loc: tuple) -> int:
            return loaded.line(*spot, *loc)

        if case.flux is not None:
            result = self._flux(case, ruleset, top, loaded, index)
            compare(result, case.attendu_flux, ("attendu_flux",), line, fail, case.tolerance)
            outcome.couverture = coverage.of_flux(ruleset, result)
            return outcome
        year = case.exercice or top.exercice
        evaluation, lines_of = self._evaluate(case, ruleset, year, case.bailleur or top.bailleur, loaded, index)
        result = evaluation.result
        expected = case.attendu or {}
        if "evenements" not in expected:
            for r in result["evenements"]["rejets"]:
                fail((lines_of.get(r["ligne"], line(())), f"enregistrement rejeté : {r['motif']}"))
        by_id = {r["id"]: r for r in result["reservataires"]}
        for key, want in expected.items():
            if key == "evenements" or key == "total_decompte":
                compare(result[key], want, ("attendu", key), line, fail, case.tolerance, (key,))
            elif key not in by_id:
                fail((line(("attendu", key)), f"réservataire « {key} » absent du résultat (présents : "
                                              f"{', '.join(by_id) or 'aucun'})"))
            else:
                compare(by_id[key], want, ("attendu", key), line, fail, case.tolerance, (key,))
        if case.explication is not None:
            from engine.report.trace import offer_trace

            if case.explication not in evaluation.offers:
                fail((line(("explication",)), f"offre « {case.explication} » absente du journal du cas"))
            else:
                compare(offer_trace(evaluation, case.explication), case.attendu_explication,
                        ("attendu_explication",), line, fail, case.tolerance, ("explication",))
        outcome.couverture = coverage.of_evaluation(evaluation, expected, case.explication)
        return outcome

    def _evaluate(self, case: Case, ruleset: RuleSet, year: int, bailleur: str | None, loaded: LoadedCases,
                  index: int, use_durable: bool = True):
        from engine.year.evaluate import evaluate_file

        if case.au is not None and case.au.year != year:
            raise BadInput([Problem(loaded.name, loaded.line("cas", index, "au"), f"« au » {case.au.isoformat()} n'est "
                                                                             f"pas dans l'exercice {year}")])
        lines, lines_of = journal(case, year, ruleset.name, bailleur, loaded, index)
        inventory = self._inventory(case, loaded)
        previous = self._previous(case, loaded, index)
        with tempfile.TemporaryDirectory(prefix="flux-rules-cas-") as folder:
            path = Path(folder) / "journal.jsonl"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            try:
                evaluation = evaluate_file(path, ruleset, year, True, previous, inventory, bailleur, use_durable,
                                           shown="journal.jsonl", full=lambda ev: True, au=case.au)  # each record
            except BadInput as exc:  # the year refused (engine/ruleset/in_force.py): said at the case's « exercice »
                at = _year_line(loaded, case, index)
                raise BadInput([Problem(loaded.name, at, p.message) if p.fichier == "--year"
                                else Problem(loaded.name, lines_of.get(p.ligne, at), p.message)
                                if p.fichier == "journal.jsonl" else p for p in exc.problems]) from None
        invalid = [p for p in evaluation.log.problems if p.code != "cycle-incoherent"]
        if invalid and "evenements" not in (case.attendu or {}):  # a record the contract refuses
            raise BadInput([Problem(loaded.name, lines_of.get(p.ligne, loaded.line("cas", index)),
                                    f"enregistrement invalide : {p.message}") for p in invalid])
        if case.echeances is not None:
            from engine.checks.open_deadlines import within

            within(evaluation.result, case.echeances)
        return evaluation, lines_of

    def _inventory(self, case: Case, loaded: LoadedCases) -> dict | None:
        if case.inventaire is None:
            return None
        from engine.inputs.inventory import read_inventory

        if isinstance(case.inventaire, str):
            inv = read_inventory(loaded.path.parent / case.inventaire)
        else:
            columns = list(dict.fromkeys(k for row in case.inventaire for k in row))
            with tempfile.TemporaryDirectory(prefix="flux-rules-cas-") as folder:
                path = Path(folder) / "inventaire.csv"
                with path.open("w", encoding="utf-8", newline="") as handle:
                    writer = csv.writer(handle, delimiter=";")
                    writer.writerow(columns)
                    writer.writerows([_cell(row.get(c)) for c in columns] for row in case.inventaire)
                inv = read_inventory(path, f"{loaded.name} (inventaire)")
        return {row["logement.rpls_id"]: row for row in inv.rows}

    def _previous(self, case: Case, loaded: LoadedCases, index: int) -> dict | None:
        if case.precedent is None:
            return None
        if isinstance(case.precedent, dict):
            return iso(case.precedent)
        path = loaded.path.parent / case.precedent
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BadInput([Problem(loaded.name, loaded.line("cas", index, "precedent"),
                                    f"résultat précédent illisible « {case.precedent} » : {exc}")]) from None

    def _flux(self, case: Case, ruleset: RuleSet, top, loaded: LoadedCases, index: int) -> dict:
        from decimal import Decimal

        from engine.flux.audit import parse_checks
        from engine.flux.run import FluxOptions, run
        from engine.ruleset.values import parse_rate

        f = case.flux
        rules = case.regles or top.regles
        rules = str(loaded.path.parent / rules) if rules.endswith((".yaml", ".yml")) else rules
        wanted = [f.reservataire] if isinstance(f.reservataire, str) else list(f.reservataire or [])
        deductions = {}
        for item in f.deduction or []:
            key, _, value = item.partition("=")
            deductions[key.strip()] = Decimal(value.strip().replace(",", "."))
        opts = FluxOptions(
            inventory=(loaded.path.parent / f.inventaire) if f.inventaire else None, rules=rules,
            year=case.exercice or top.exercice, reservataires=wanted,
            rotation=parse_rate(f.rotation) if f.rotation else None,
            history=(loaded.path.parent / f.historique) if f.historique else None, perimetre=f.perimetre,
            eligibles=f.eligibles, logements_reservataire=f.logements_reservataire, deductions=deductions,
            checks=parse_checks(list(f.check or [])), annexe=f.annexe, bailleur=case.bailleur or top.bailleur,
            reservations=(loaded.path.parent / f.reservations) if f.reservations else None)
        try:
            result, _ = run(opts)
        except BadInput as exc:  # the year refused (engine/ruleset/in_force.py): said at the case's « exercice »
            raise BadInput([Problem(loaded.name, _year_line(loaded, case, index), p.message) if p.fichier == "--year"
                            else p for p in exc.problems]) from None
        return result


def _year_line(loaded: LoadedCases, case: Case, index: int) -> int:
    """The line of the « exercice » a case is evaluated for: its own, else the file's."""
    return loaded.line("cas", index, "exercice") if case.exercice else loaded.line("exercice")


def journal(case: Case, year: int, rules: str, bailleur: str | None, loaded: LoadedCases,
            index: int) -> tuple[list[str], dict[int, int]]:
    """The case's records as JSONL lines (a header first) and, for each line, the case file's line: a record of
    an ``offres`` block gets its block's offer (and dwelling and réservataire on the mise à disposition)."""
    header = {"type": "exercice", "annee": year, "regles": rules}
    if bailleur:
        header["bailleur"] = bailleur
    lines = [json.dumps(header, ensure_ascii=False)]
    lines_of = {1: loaded.line("cas", index)}
    entries = [(r, ("evenements", j)) for j, r in enumerate(case.evenements)]
    for k, block in enumerate(case.offres):
        for j, r in enumerate(block.evenements):
            record = {"offre": block.offre, **r}
            if record.get("type") == "mise_a_disposition":
                if block.logement is not None:
                    record.setdefault("logement", block.logement)
                if block.reservataire is not None:
                    record.setdefault("reservataire", block.reservataire)
            entries.append((record, ("offres", k, "evenements", j)))
    for record, loc in entries:
        lines.append(json.dumps(iso(record), ensure_ascii=False))
        lines_of[len(lines)] = loaded.line("cas", index, *loc)
    return lines, lines_of


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
