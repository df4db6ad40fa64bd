"""The ``flux-rules`` command line: parses options, calls the pipeline, renders, maps errors to exit codes.

No domain logic here. Bad input or bad rules → every problem as ``FILE:LINE: message`` on stderr, exit 2.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from engine.exitcodes import EXIT_BAD_INPUT
from engine.problems import BadInput

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Gestion en flux des réservations de logements sociaux : règles, flux théorique, décompte.")
rules_app = typer.Typer(add_completion=False, no_args_is_help=True,
                        help="Règles : valider les fichiers YAML, afficher un jeu effectif, schéma JSON.")
app.add_typer(rules_app, name="rules")

err_console = Console(stderr=True)


class ShowFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


def guarded(func):
    """Turn :class:`BadInput` into the problem list on stderr and exit code 2."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except BadInput as exc:
            for problem in exc.problems:
                print(str(problem), file=sys.stderr)
            print(f"{len(exc.problems)} problème(s) : rien n'a été évalué.", file=sys.stderr)
            raise typer.Exit(EXIT_BAD_INPUT) from None

    return wrapper


def write_output(text: str, output: Optional[Path]) -> None:
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


@rules_app.command("validate")
@guarded
def rules_validate(paths: list[Path] = typer.Argument(None, help="Fichiers ou dossiers (défaut : tout rules/)")):
    """Vérifie les fichiers de règles : schéma, héritage, identifiants, champs des conditions."""
    from engine.ruleset.validate import validate_paths

    checked, problems = validate_paths(list(paths or []))
    if problems:
        raise BadInput(problems)
    print(f"{checked} couche(s) vérifiée(s) : aucun problème.")


@rules_app.command("show")
@guarded
def rules_show(name: str = typer.Argument(..., help="Couche : haute-garonne, rhone, ain, une convention, un scénario ou un chemin YAML"),
               year: Optional[int] = typer.Option(None, "--year", help="N'afficher que les valeurs en vigueur cette année-là"),
               format: ShowFormat = typer.Option(ShowFormat.table, "--format"),
               output: Optional[Path] = typer.Option(None, "--output")):
    """Affiche le jeu de règles effectif après héritage, chaque valeur avec le fichier et la ligne qui l'a fixée."""
    from engine.report import ruleshow
    from engine.ruleset.inherit import load_ruleset

    rs = load_ruleset(name)
    on = dt.date(year, 12, 31) if year else None
    if format == ShowFormat.json:
        write_output(json.dumps(ruleshow.ruleset_record(rs, on), ensure_ascii=False, indent=2, default=str), output)
    elif format == ShowFormat.markdown:
        write_output(ruleshow.render_markdown(rs, on), output)
    else:
        console = Console(file=output.open("w", encoding="utf-8") if output else None, width=160)
        ruleshow.render_table(rs, console, on)


@rules_app.command("schema")
def rules_schema(output: Optional[Path] = typer.Option(None, "--output")):
    """Schéma JSON des fichiers de règles (complétion dans l'éditeur)."""
    from engine.ruleset.model import RuleFile

    schema = RuleFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Fichier de règles flux-rules"
    write_output(json.dumps(schema, ensure_ascii=False, indent=2), output)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
