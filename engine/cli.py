"""The ``flux-rules`` command line: parses options, calls the pipeline, renders, maps errors to exit codes.

No domain logic here. Bad input or bad rules → every problem as ``FILE:LINE: message`` on stderr, exit 2.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from contextlib import contextmanager
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from engine.clihelp import FrenchCommand, FrenchGroup
from engine.exitcodes import EXIT_BAD_INPUT, EXIT_OK
from engine.problems import BadInput

app = typer.Typer(cls=FrenchGroup, add_completion=False, no_args_is_help=True,
                  help="Gestion en flux des réservations de logements sociaux : règles, flux théorique, décompte.")
rules_app = typer.Typer(cls=FrenchGroup, add_completion=False, no_args_is_help=True,
                        help="Règles : valider les fichiers YAML, afficher un jeu effectif, schéma JSON.")
app.add_typer(rules_app, name="rules")

err_console = Console(stderr=True)


class ShowFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


def guarded(func):
    """Turn :class:`BadInput` into the problem list on stderr and exit code 2 (FLUX_RULES_PROCESSUS checked
    first)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            from engine.cores import workers_for

            workers_for(0, 1)  # a FLUX_RULES_PROCESSUS that is not a number of processes: refused by every verb
            return func(*args, **kwargs)
        except BadInput as exc:
            for problem in exc.problems:
                print(str(problem), file=sys.stderr)
            print(f"{len(exc.problems)} problème(s) : rien n'a été évalué.", file=sys.stderr)
            raise typer.Exit(EXIT_BAD_INPUT) from None

    return wrapper


def _year(value: Optional[int]) -> Optional[int]:
    """``--year``: a year of four digits (a date of year 0 or 10000 does not exist; 0 was taken for no year)."""
    if value is not None and not 1000 <= value <= 9999:
        raise typer.BadParameter(f"attendu une année sur quatre chiffres (par exemple 2024), pas {value}")
    return value


def _sample(path: Optional[Path]) -> Optional[Path]:
    """``scenarios/exemple-2024/…`` names the embedded sample when the current folder has no such file."""
    from engine.ruleset.home import sample

    return sample(path)


@app.callback()
def _folders(regles_dir: list[Path] = typer.Option(
        [], "--regles-dir", metavar="DOSSIER",
        help="Dossier de vos fichiers de règles (YAML), ajoutés aux règles livrées (répétable ; aussi la variable "
             "FLUX_RULES_HOME, plusieurs dossiers séparés par « : »). À donner avant la commande : "
             "flux-rules --regles-dir mes-regles evaluate …")):
    """Gestion en flux des réservations de logements sociaux : règles, flux théorique, décompte."""
    from engine.ruleset.home import set_folders

    set_folders(regles_dir)


def write_output(text: str, output: Optional[Path]) -> None:
    from engine.report.output import write_file

    if output:
        write_file(output, text)  # a temporary file beside it, fsync, rename: never a truncated file
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _console_output(output: Optional[Path], width: int, draw) -> None:
    """A rich table to stdout, or rendered whole and written atomically to ``--output``."""
    if output is None:
        draw(Console(width=width))
        return
    import io

    buf = io.StringIO()
    draw(Console(file=buf, width=width))
    write_output(buf.getvalue(), output)


def _check_output(output: Optional[Path]) -> None:
    """A path that cannot be written is refused before anything is evaluated (exit 2)."""
    from engine.report.output import check_output

    check_output(output)


class OutFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class ReportFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    html = "html"


def _render(result: dict, format: ReportFormat, output: Optional[Path], module, tableur: bool,
            html_render=None) -> None:
    kind = format.value
    if kind == "json":
        write_output(module.to_json(result), output)
    elif kind == "csv":
        text = module.to_csv(result, tableur)
        if output:
            from engine.report.output import write_file

            write_file(output, text, newline="")
        else:
            sys.stdout.write(text)
    elif kind == "markdown":
        write_output(module.to_markdown(result), output)
    elif kind == "html":
        write_output((html_render or module.to_html)(result), output)
    else:
        _console_output(output, 180, lambda console: module.to_table(result, console))


def _previous(path: Optional[Path]):
    """Last year's ``evaluate`` result, validated (engine/inputs/previous.py); checked against the year later."""
    if path is None:
        return None
    from engine.inputs.previous import read_previous

    return read_previous(path)


def _say_carried(previous) -> None:
    """On stderr: what was carried from last year, per réservataire, and any doubt about it."""
    if previous is None:
        return
    for note in previous.notes:
        print(note, file=sys.stderr)
    print(previous.carried(), file=sys.stderr)


def _say_year(evaluation, asked: Optional[int]) -> None:
    """On stderr: an evaluated year in which the log has (almost) nothing (engine/notices.py)."""
    from engine.notices import year_notices

    for note in year_notices(evaluation, asked):
        print(note, file=sys.stderr)


def _inventory_rows(path: Optional[Path], skip_invalid: bool, bailleur: Optional[str] = None,
                    sheet: Optional[str] = None, reservations: Optional[Path] = None):
    if path is None:
        from engine.inputs.workbook import sheet_for

        sheet_for(path, sheet)
        if reservations is not None:
            from engine.problems import Problem

            raise BadInput([Problem("--reservations", 0, "nomme les titulaires des logements d'un fichier RPLS : "
                                                         "donnez-le avec --inventory")])
        return None, None
    from engine.inputs.inventory import read_inventory

    inv = read_inventory(path, bailleur=bailleur, skip_invalid=skip_invalid, need_ids=True, sheet=sheet,
                         reservations=reservations)  # by id
    return {row["logement.rpls_id"]: row for row in inv.rows}, inv


LONG_RUN_BYTES = 20_000_000  # about 100 000 records: a progress bar is worth showing


@contextmanager
def _progress(path: Path):
    """A progress bar on stderr while a long event log is read (never on stdout, never when piped)."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size < LONG_RUN_BYTES or not err_console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("Lecture et évaluation des événements"), BarColumn(), TimeRemainingColumn(),
                  console=err_console, transient=True) as bar:
        task = bar.add_task("lecture", total=2 * size)  # a log in date order is read twice
        yield lambda done: bar.update(task, completed=done)


def _on_date(au: Optional[str], echeances: Optional[int]) -> Optional[dt.date]:
    """``--au`` as a date (``AAAA-MM-JJ``, as in the log); ``--echeances`` needs it and is a number of days."""
    from engine.problems import Problem

    problems = []
    on = None
    if au is not None:
        try:
            if len(au) != 10:
                raise ValueError
            on = dt.date.fromisoformat(au)
        except ValueError:
            problems.append(Problem("--au", 0, f"« {au} » n'est pas une date AAAA-MM-JJ (ex. 2024-09-30)"))
    if echeances is not None:
        if au is None:
            problems.append(Problem("--echeances", 0, "--echeances compte les jours ouvrés après une date : donnez "
                                                      "aussi --au AAAA-MM-JJ"))
        if echeances < 0:
            problems.append(Problem("--echeances", 0, f"{echeances} : un nombre de jours ouvrés, 0 ou plus"))
    if problems:
        raise BadInput(problems)
    return on


def _window(result: dict, echeances: Optional[int]) -> dict:
    if echeances is None:
        return result
    from engine.checks.open_deadlines import within

    return within(result, echeances)


def _run(events: Path, rules, year, skip_invalid, previous, inventory: Optional[Path] = None,
         keep_offers: bool = True, full=None, sheet: Optional[str] = None, au: Optional[dt.date] = None):
    from engine.year.evaluate import evaluate_file

    last_year = _previous(previous)
    rows, inv = _inventory_rows(inventory, skip_invalid, sheet=sheet)
    with _progress(events) as progress:
        evaluation = evaluate_file(events, rules, year, skip_invalid, last_year, rows, progress=progress,
                                   keep_offers=keep_offers, full=full, au=au)
    _say_carried(last_year)
    if inv is not None:
        known = set(rows)
        absent = sorted(evaluation.logements - known)
        evaluation.result["inventaire"] = {
            "fichier": inv.path, "lus": inv.lus, "retenus": len(inv.rows), "rejetes": inv.rejetes,
            "rejets": [{"fichier": p.fichier, "ligne": p.ligne, "motif": p.message} for p in inv.problems],
            "logements_absents": absent}
    return evaluation


@app.command(cls=FrenchCommand)
@guarded
def evaluate(events: Path = typer.Argument(..., metavar="JOURNAL.jsonl", help="Journal d'événements JSONL (events.md)", callback=_sample),
             rules: Optional[str] = typer.Option(None, "--rules", metavar="NOM|CHEMIN", help="Règles : haute-garonne, rhone, ain, une convention ou un YAML"),
             year: Optional[int] = typer.Option(None, "--year", metavar="ANNÉE", help="Exercice évalué", callback=_year),
             format: ReportFormat = typer.Option(ReportFormat.table, "--format", help="Format de sortie"),
             output: Optional[Path] = typer.Option(None, "--output", metavar="FICHIER", help="Fichier de sortie (remplacé en entier ou laissé intact)"),
             skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Évaluer le reste et lister les lignes invalides"),
             previous: Optional[Path] = typer.Option(None, "--previous", metavar="RÉSULTAT.json", help="Résultat JSON de l'an dernier (report)"),
             inventory: Optional[Path] = typer.Option(None, "--inventory", metavar="INVENTAIRE.csv", help="Inventaire CSV, classeur .xlsx ou fichier RPLS : attributs des logements (QPV…)", callback=_sample),
             feuille: Optional[str] = typer.Option(None, "--feuille", metavar="NOM", help="Feuille de l'inventaire .xlsx (défaut : la première)"),
             tableur: bool = typer.Option(False, "--tableur", help="CSV pour tableur français (; virgule décimale, BOM)"),
             au: Optional[str] = typer.Option(None, "--au", metavar="AAAA-MM-JJ", help="L'année telle qu'enregistrée à cette date : prorata, reste à faire, échéances ouvertes"),
             echeances: Optional[int] = typer.Option(None, "--echeances", metavar="N", help="Avec --au : les échéances ouvertes des N jours ouvrés suivants")):
    """Décompte d'une année d'événements par réservataire : obligations, délais dépassés, report."""
    from engine.exitcodes import EXIT_UNMET
    from engine.report import formats

    _check_output(output)
    on = _on_date(au, echeances)
    evaluation = _run(events, rules, year, skip_invalid, previous, inventory, keep_offers=False, sheet=feuille, au=on)
    _say_year(evaluation, year)
    result = _window(evaluation.result, echeances)
    _render(result, format, output, formats, tableur)
    raise typer.Exit(EXIT_UNMET if formats.unmet(result) else EXIT_OK)


@app.command(cls=FrenchCommand)
@guarded
def explain(events: Path = typer.Argument(..., metavar="JOURNAL.jsonl", help="Journal d'événements JSONL", callback=_sample),
            offre: Optional[str] = typer.Option(None, "--offre", metavar="ID", help="Identifiant d'offre"),
            logement: Optional[str] = typer.Option(None, "--logement", metavar="RPLS", help="Logement (RPLS) : toutes ses offres"),
            reservataire: Optional[str] = typer.Option(None, "--reservataire", metavar="NOM", help="Toutes les offres d'un réservataire"),
            rules: Optional[str] = typer.Option(None, "--rules", metavar="NOM|CHEMIN", help="Règles (défaut : celles de l'en-tête du journal)"),
            year: Optional[int] = typer.Option(None, "--year", metavar="ANNÉE", help="Exercice (défaut : celui de l'en-tête du journal)", callback=_year),
            format: ShowFormat = typer.Option(ShowFormat.table, "--format", help="Format de sortie"),
            skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Évaluer le reste et lister les lignes invalides"),
            inventory: Optional[Path] = typer.Option(None, "--inventory", metavar="INVENTAIRE.csv", help="Inventaire CSV, classeur .xlsx ou fichier RPLS : attributs des logements (QPV…)", callback=_sample),
            feuille: Optional[str] = typer.Option(None, "--feuille", metavar="NOM", help="Feuille de l'inventaire .xlsx (défaut : la première)"),
            en_cas: bool = typer.Option(False, "--en-cas", help="Écrire un cas d'essai (YAML) de l'offre, à "
                                                               "vérifier puis garder dans un dossier cas/"),
            output: Optional[Path] = typer.Option(None, "--output", metavar="FICHIER", help="Fichier où écrire le cas")):
    """Trace d'une offre : enregistrements, règles appliquées ou non (et pourquoi), délais, décision."""
    from engine.problems import Problem
    from engine.report.trace import offer_trace, render_trace

    _check_output(output)

    def asked(ev) -> bool:
        return bool((offre and ev.offer.id == offre) or (logement and ev.offer.logement == logement)
                    or (reservataire and reservataire in (ev.reservataire.id, ev.offer.mad.data.get("reservataire"))))

    evaluation = _run(events, rules, year, skip_invalid, None, inventory, full=asked, sheet=feuille)  # their records
    wanted = [oid for oid, ev in evaluation.offers.items() if asked(ev)]
    if not wanted:
        raise BadInput([Problem(str(events), 0, "aucune offre ne correspond : donnez --offre, --logement ou "
                                                "--reservataire avec un identifiant présent dans le journal")])
    if en_cas:
        from engine.cases.from_trace import case_of, to_yaml

        if len(wanted) != 1:
            raise BadInput([Problem(str(events), 0, f"--en-cas écrit le cas d'une seule offre ({len(wanted)} "
                                                    f"correspondent) : donnez --offre")])
        write_output(to_yaml(case_of(evaluation, wanted[0], rules or evaluation.ruleset.name)), output)
        return
    traces = [offer_trace(evaluation, oid) for oid in sorted(wanted)]
    if format == ShowFormat.json:
        write_output(json.dumps(traces if len(traces) > 1 else traces[0], ensure_ascii=False, indent=2), None)
    else:
        write_output("\n".join(render_trace(t) for t in traces), None)


@app.command(cls=FrenchCommand)
@guarded
def flux(inventory: Optional[Path] = typer.Option(None, "--inventory", metavar="INVENTAIRE.csv", help="Inventaire : CSV (inventory.md), classeur .xlsx ou fichier RPLS du bailleur", callback=_sample),
         feuille: Optional[str] = typer.Option(None, "--feuille", metavar="NOM", help="Feuille de l'inventaire .xlsx (défaut : la première)"),
         reservations: Optional[Path] = typer.Option(None, "--reservations", metavar="FICHIER", help="Titulaires des logements réservés d'un fichier RPLS : rpls_id;reservataire, ou le tableau de l'annexe 2 (CSV ou .xlsx)"),
         reservataire: list[str] = typer.Option([], "--reservataire", metavar="NOM", help="Réservataire (répétable ; défaut : tous)"),
         rules: Optional[str] = typer.Option(None, "--rules", metavar="NOM|CHEMIN", help="Règles : haute-garonne, une convention ou un YAML (sans : règles nationales seules, dit sur la sortie d'erreur)"),
         year: Optional[int] = typer.Option(None, "--year", metavar="ANNÉE", help="Exercice (défaut : année de l'annexe 1)", callback=_year),
         rotation: Optional[str] = typer.Option(None, "--rotation", metavar="TAUX", help="Taux de rotation donné, ex. 7,9 %"),
         history: Optional[Path] = typer.Option(None, "--history", metavar="HISTORIQUE.csv", help="Historique annuel (CSV ou .xlsx) pour calculer le taux", callback=_sample),
         perimetre: Optional[str] = typer.Option(None, "--perimetre", metavar="NOM", help="Périmètre de l'historique (EPCI…)"),
         eligibles: Optional[int] = typer.Option(None, "--eligibles", metavar="N", help="Logements éligibles (quand l'état des "
                                                                          "lieux ne liste que ceux du réservataire)"),
         logements_reservataire: Optional[int] = typer.Option(None, "--logements-reservataire", metavar="N", help="Logements du réservataire (sans inventaire)"),
         deduction: list[str] = typer.Option([], "--deduction", metavar="OBJET=VOLUME", help="Volume déduit, ex. mutations=450 (répétable)"),
         check: list[str] = typer.Option([], "--check", metavar="CHIFFRE=VALEUR", help="Chiffres imprimés à contrôler, ex. part=9,67% flux=1"),
         annexe: bool = typer.Option(False, "--annexe", help="Contrôler les chiffres imprimés de l'annexe 1 des règles"),
         bailleur: Optional[str] = typer.Option(None, "--bailleur", metavar="NOM", help="Bailleur de l'inventaire (quand le fichier ne le dit pas)"),
         format: OutFormat = typer.Option(OutFormat.table, "--format", help="Format de sortie"),
         output: Optional[Path] = typer.Option(None, "--output", metavar="FICHIER", help="Fichier de sortie (remplacé en entier ou laissé intact)"),
         skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Ignorer les lignes invalides (listées)"),
         tableur: bool = typer.Option(False, "--tableur", help="CSV pour tableur français (; virgule décimale, BOM)"),
         figures: list[str] = typer.Argument(None, metavar="CHIFFRE=VALEUR", help="Suite de --check : autres chiffre=valeur")):
    """Flux théorique (annexe 1) depuis un inventaire : assiette, part, rotation, arrondi, part prioritaire, contrôle."""
    from engine.exitcodes import EXIT_UNMET
    from engine.flux.audit import parse_checks
    from engine.flux.run import FluxOptions, run
    from engine.notices import flux_notices
    from engine.report import fluxreport

    _check_output(output)
    opts = FluxOptions(inventory=inventory, rules=rules, year=year, reservataires=list(reservataire),
                       rotation=_rate_option("--rotation", rotation), history=history, perimetre=perimetre,
                       eligibles=eligibles, logements_reservataire=logements_reservataire,
                       deductions=_deductions(deduction), checks=parse_checks(list(check) + list(figures or [])),
                       annexe=annexe, bailleur=bailleur, skip_invalid=skip_invalid, sheet=feuille,
                       reservations=reservations)
    result, disagreement = run(opts)
    for note in flux_notices(rules, year, result):
        print(note, file=sys.stderr)
    _render(result, format, output, fluxreport, tableur)
    raise typer.Exit(EXIT_UNMET if disagreement else EXIT_OK)


def _rate_option(name: str, text: Optional[str]):
    from engine.problems import Problem
    from engine.ruleset.values import parse_rate

    if text is None:
        return None
    try:
        return parse_rate(text)
    except ValueError as exc:
        raise BadInput([Problem(name, 0, str(exc))]) from None


def _deductions(items: list[str]) -> dict:
    from decimal import Decimal, InvalidOperation

    from engine.problems import Problem

    out, problems = {}, []
    for item in items:
        objet, _, volume = item.partition("=")
        try:
            out[objet.strip()] = Decimal(volume.strip().replace(",", "."))
            if objet.strip() not in ("mutations", "anru", "orcod", "lhi", "vente"):
                raise InvalidOperation
        except InvalidOperation:
            problems.append(Problem("--deduction", 0, f"« {item} » : attendu objet=volume avec objet parmi "
                                                      "mutations, anru, orcod, lhi, vente (ex. mutations=450)"))
    if problems:
        raise BadInput(problems)
    return out


@app.command(cls=FrenchCommand)
@guarded
def generate(dwellings: int = typer.Option(1000, "--dwellings", metavar="N", help="Logements de l'inventaire"),
             events: int = typer.Option(5000, "--events", metavar="N", help="Événements du journal (l'en-tête d'exercice s'y ajoute)"),
             seed: int = typer.Option(1, "--seed", metavar="N", help="Graine : la même graine donne des fichiers identiques"),
             territoire: str = typer.Option("haute-garonne", "--territoire", metavar="NOM", help="haute-garonne, rhone ou ain"),
             year: int = typer.Option(2024, "--year", metavar="ANNÉE", help="Exercice du journal", callback=_year),
             output: Path = typer.Option(Path("synthetique"), "--output", metavar="DOSSIER", help="Dossier de sortie"),
             rpls: bool = typer.Option(False, "--rpls", help="Écrire aussi les mêmes logements au format RPLS (rpls.csv) et la table de leurs réservations (reservations.csv)")):
    """Inventaire et journal d'événements synthétiques mais réalistes (tests, benchmark, simulations)."""
    from engine.generate import write
    from engine.notices import generated_counts
    from engine.problems import Problem

    try:
        notes: list[str] = []
        inv, ev = write(dwellings, events, seed, output, territoire, year, notes, rpls)
    except ValueError as exc:
        raise BadInput([Problem("generate", 0, str(exc))]) from None
    for note in notes:
        print(note, file=sys.stderr)
    print(generated_counts(inv, ev, dwellings, events, seed, territoire, year))
    if rpls:
        print(f"{output / 'rpls.csv'} : les mêmes logements au format RPLS (sans les foyers et résidences, absents "
              f"du RPLS) ; {output / 'reservations.csv'} : les titulaires du contingent des collectivités")


@app.command(cls=FrenchCommand)
@guarded
def compare(events: Optional[Path] = typer.Argument(None, metavar="JOURNAL.jsonl", help="Journal d'événements JSONL (sans journal : flux "
                                                                "théorique de l'inventaire)", callback=_sample),
            rules: list[str] = typer.Option(..., "--rules", metavar="NOM|CHEMIN", help="Règles ou scénario (au moins deux, répétable)"),
            inventory: Optional[Path] = typer.Option(None, "--inventory", metavar="INVENTAIRE.csv", help="Inventaire CSV, classeur .xlsx ou fichier RPLS", callback=_sample),
            feuille: Optional[str] = typer.Option(None, "--feuille", metavar="NOM", help="Feuille de l'inventaire .xlsx (défaut : la première)"),
            reservations: Optional[Path] = typer.Option(None, "--reservations", metavar="FICHIER", help="Flux : titulaires des logements réservés d'un fichier RPLS : rpls_id;reservataire, ou le tableau de l'annexe 2 (CSV ou .xlsx)"),
            year: Optional[int] = typer.Option(None, "--year", metavar="ANNÉE", help="Exercice (défaut : celui de l'en-tête du journal)", callback=_year),
            reservataire: list[str] = typer.Option([], "--reservataire", metavar="NOM", help="Flux : réservataire (répétable)"),
            eligibles: Optional[int] = typer.Option(None, "--eligibles", metavar="N", help="Flux : logements éligibles"),
            rotation: Optional[str] = typer.Option(None, "--rotation", metavar="TAUX", help="Flux : taux de rotation donné"),
            deduction: list[str] = typer.Option([], "--deduction", metavar="OBJET=VOLUME", help="Flux : volume déduit, ex. mutations=450"),
            format: ReportFormat = typer.Option(ReportFormat.table, "--format", help="Format de sortie"),
            output: Optional[Path] = typer.Option(None, "--output", metavar="FICHIER", help="Fichier de sortie (remplacé en entier ou laissé intact)"),
            tableur: bool = typer.Option(False, "--tableur", help="CSV pour tableur français (; virgule décimale, BOM)"),
            skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Évaluer le reste et lister les lignes invalides"),
            fail_on_diff: bool = typer.Option(False, "--fail-on-diff", help="Code 1 si les scénarios diffèrent"),
            au: Optional[str] = typer.Option(None, "--au", metavar="AAAA-MM-JJ", help="Avec un journal : les scénarios à la même date (prorata, reste à faire)")):
    """Compare des jeux de règles ou scénarios sur les mêmes données : chiffres, règles, obligations, décisions."""
    from engine.compare import compare_events, compare_flux
    from engine.exitcodes import EXIT_UNMET
    from engine.flux.run import FluxOptions
    from engine.problems import Problem
    from engine.report import bilanreport, comparereport

    if len(rules) < 2:
        raise BadInput([Problem("--rules", 0, "au moins deux jeux de règles à comparer (--rules A --rules B)")])
    _check_output(output)
    on = _on_date(au, None)
    if on is not None and events is None:
        raise BadInput([Problem("--au", 0, "--au compare les scénarios sur un journal : donnez JOURNAL.jsonl")])
    if events is not None:
        if reservations is not None:  # the réservataires are those of the events: the table would change nothing
            raise BadInput([Problem("--reservations", 0, "sert au flux théorique (compare sans journal) : avec un "
                                                         "journal, les réservataires sont ceux des événements")])
        rows, _ = _inventory_rows(inventory, skip_invalid, sheet=feuille)
        result = compare_events(events, list(rules), year, rows, skip_invalid, au=on)
    else:  # theoretical flux: from the inventory, --eligibles or the conventions' Annexe 1
        base = FluxOptions(inventory=inventory, year=year, reservataires=list(reservataire), eligibles=eligibles,
                           rotation=_rate_option("--rotation", rotation), deductions=_deductions(deduction),
                           skip_invalid=skip_invalid, sheet=feuille, reservations=reservations)
        result = compare_flux(base, list(rules))
    _render(result, format, output, comparereport, tableur, bilanreport.compare_html)
    raise typer.Exit(EXIT_UNMET if fail_on_diff and result["difference"] else EXIT_OK)


@app.command(cls=FrenchCommand)
@guarded
def bilan(events: Path = typer.Argument(..., metavar="JOURNAL.jsonl", help="Journal d'événements JSONL de l'année", callback=_sample),
          rules: Optional[str] = typer.Option(None, "--rules", metavar="NOM|CHEMIN", help="Règles (défaut : celles de l'en-tête du journal)"),
          year: Optional[int] = typer.Option(None, "--year", metavar="ANNÉE", help="Exercice (défaut : celui de l'en-tête du journal)", callback=_year),
          inventory: Optional[Path] = typer.Option(None, "--inventory", metavar="INVENTAIRE.csv", help="Inventaire CSV, classeur .xlsx ou "
                                                                             "fichier RPLS (parc éligible, attributs des logements)", callback=_sample),
          feuille: Optional[str] = typer.Option(None, "--feuille", metavar="NOM", help="Feuille de l'inventaire .xlsx (défaut : la première)"),
          reservations: Optional[Path] = typer.Option(None, "--reservations", metavar="FICHIER", help="Parc éligible par réservataire : titulaires des logements réservés d'un fichier RPLS (rpls_id;reservataire, ou le tableau de l'annexe 2)"),
          previous: Optional[Path] = typer.Option(None, "--previous", metavar="RÉSULTAT.json", help="Résultat JSON de l'an dernier (report)"),
          format: ReportFormat = typer.Option(ReportFormat.table, "--format", help="Format de sortie"),
          output: Optional[Path] = typer.Option(None, "--output", metavar="FICHIER", help="Fichier de sortie (remplacé en entier ou laissé intact)"),
          tableur: bool = typer.Option(False, "--tableur", help="CSV pour tableur français (; virgule décimale, BOM)"),
          skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Évaluer le reste et lister les lignes invalides")):
    """Bilan annuel (CCH R441-5-1, art. 7) par réservataire et pour le bailleur, avec graphiques en HTML."""
    from engine.bilan import bilan as build_bilan
    from engine.report import bilanreport
    from engine.year.evaluate import evaluate_file

    _check_output(output)
    last_year = _previous(previous)
    rows, inv = _inventory_rows(inventory, skip_invalid, sheet=feuille, reservations=reservations)
    evaluation = evaluate_file(events, rules, year, skip_invalid, last_year, rows)
    _say_carried(last_year)
    _say_year(evaluation, year)
    _render(build_bilan(evaluation, inv), format, output, bilanreport, tableur)


@rules_app.command("validate", cls=FrenchCommand)
@guarded
def rules_validate(paths: list[Path] = typer.Argument(None, metavar="CHEMIN", help="Fichiers ou dossiers (défaut : tout rules/)")):
    """Vérifie les fichiers de règles : schéma, héritage, identifiants, champs des conditions."""
    from engine.ruleset.validate import validate_paths

    checked, problems = validate_paths(list(paths or []))
    if problems:
        raise BadInput(problems)
    print(f"{checked} couche(s) vérifiée(s) : aucun problème.")


@rules_app.command("show", cls=FrenchCommand)
@guarded
def rules_show(name: str = typer.Argument(..., metavar="NOM", help="Couche : haute-garonne, rhone, ain, une convention, un scénario ou un chemin YAML"),
               year: Optional[int] = typer.Option(None, "--year", metavar="ANNÉE", help="N'afficher que les valeurs en vigueur cette année-là", callback=_year),
               format: ShowFormat = typer.Option(ShowFormat.table, "--format", help="Format de sortie"),
               output: Optional[Path] = typer.Option(None, "--output", metavar="FICHIER", help="Fichier de sortie (remplacé en entier ou laissé intact)")):
    """Affiche le jeu de règles effectif après héritage, chaque valeur avec le fichier et la ligne qui l'a fixée."""
    from engine.report import ruleshow
    from engine.ruleset.inherit import load_ruleset

    _check_output(output)
    rs = load_ruleset(name)
    on = dt.date(year, 12, 31) if year else None
    if format == ShowFormat.json:
        write_output(json.dumps(ruleshow.ruleset_record(rs, on), ensure_ascii=False, indent=2, default=str), output)
    elif format == ShowFormat.markdown:
        write_output(ruleshow.render_markdown(rs, on), output)
    else:
        _console_output(output, 160, lambda console: ruleshow.render_table(rs, console, on))


@app.command("test", cls=FrenchCommand)
def test_cases(paths: list[Path] = typer.Argument(None, help="Fichiers ou dossiers de cas (défaut : tous les "
                                                            "dossiers cas/ de rules/ et scenarios/)"),
               couverture: bool = typer.Option(False, "--couverture", help="Lister les règles de chaque couche "
                                                                           "et les cas qui les couvrent"),
               format: ShowFormat = typer.Option(ShowFormat.table, "--format", help="table ou json")):
    """Cas d'essai écrits à côté des règles : chaque cas, son résultat, et les règles qu'aucun cas ne couvre."""
    from engine.cases.suite import render, run_suite
    from engine.exitcodes import EXIT_UNMET
    from engine.ruleset.home import shipped_path

    try:
        suite = run_suite([shipped_path(p) for p in paths or []], couverture)
    except BadInput as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if format == ShowFormat.json:
        write_output(json.dumps(suite.record(), ensure_ascii=False, indent=2), None)
    else:
        write_output(render(suite), None)
    if suite.problems:
        raise typer.Exit(EXIT_BAD_INPUT)
    raise typer.Exit(EXIT_UNMET if suite.echecs else EXIT_OK)


@rules_app.command("schema", cls=FrenchCommand)
@guarded
def rules_schema(output: Optional[Path] = typer.Option(None, "--output", metavar="FICHIER", help="Fichier de sortie (remplacé en entier ou laissé intact)")):
    """Schéma JSON des fichiers de règles (complétion dans l'éditeur)."""
    from typing import Union

    from pydantic import TypeAdapter

    from engine.cases.model import CaseFile
    from engine.ruleset.model import RuleFile

    _check_output(output)
    schema = TypeAdapter(Union[RuleFile, CaseFile]).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Fichier de règles ou de cas flux-rules"
    write_output(json.dumps(schema, ensure_ascii=False, indent=2), output)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
