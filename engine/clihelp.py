"""The help pages of ``flux-rules`` in French: typer's titles and words, the help option, the usage line and the
placeholder of each value (``FICHIER``, ``N``…; none for a flag) instead of typer's ``<path>``, ``<bool>`` or
an argument's Python name between braces; and click's usage errors (a missing option, an unknown one, a value
not among the choices).

cli.py names its commands' classes (``cls=FrenchCommand``, ``cls=FrenchGroup``) and gives a metavar where a
better word than the type's exists (``JOURNAL.jsonl``); this module supplies the rest.

>>> placeholder(int, False), placeholder(str, False), placeholder(bool, True)
('N', 'TEXTE', '')
"""

from __future__ import annotations

import re
from pathlib import Path

from typer import rich_utils
from typer.core import TyperCommand, TyperGroup

HELP_OPTION = "Afficher cette aide et quitter."
USAGE = "Utilisation : "

rich_utils.DEFAULT_STRING = "[défaut : {}]"
rich_utils.ENVVAR_STRING = "[variable d'environnement : {}]"
rich_utils.REQUIRED_LONG_STRING = "[obligatoire]"
rich_utils.DEPRECATED_STRING = "(obsolète) "
rich_utils.ARGUMENTS_PANEL_TITLE = "Arguments"
rich_utils.OPTIONS_PANEL_TITLE = "Options"
rich_utils.COMMANDS_PANEL_TITLE = "Commandes"
rich_utils.ERRORS_PANEL_TITLE = "Erreur"
rich_utils.ABORTED_TEXT = "Interrompu."
rich_utils.RICH_HELP = "Essayez [blue]« {command_path} {help_option} »[/] pour l'aide."

PLACEHOLDERS = {int: "N", float: "NOMBRE", str: "TEXTE", Path: "FICHIER"}


def placeholder(kind, flag: bool) -> str:
    """The French placeholder of a value of this Python type (a flag takes no value, so none)."""
    return "" if flag else PLACEHOLDERS.get(kind, "VALEUR")


def _usage_name(param) -> str:
    """An argument on the usage line: ``JOURNAL.jsonl``, ``[JOURNAL.jsonl]`` when optional, ``...`` if repeated."""
    name = param.display_name_raw if param.required else f"[{param.display_name_raw}]"
    return name + ("..." if param.nargs != 1 else "")


def _frenchify(command) -> None:
    """Every parameter without a metavar gets the placeholder of its type; a choice lists its values; an
    argument's placeholder says its type (no ``<path>`` beside it) and is not put between braces."""
    for param in command.params:
        if param.param_type_name == "argument":
            param.display_type_rich = lambda ctx: None
            param._usage_display_name = lambda param=param: _usage_name(param)
        if param.metavar is not None:
            continue
        desc = param.type_descriptor
        if desc.is_choice and desc.choices:
            param.metavar = "|".join(str(getattr(c, "value", c)) for c in desc.choices)
        elif getattr(param, "is_flag", False):
            param.metavar = ""
        else:
            kind = Path if desc.is_path else getattr(desc, "annotation", None)
            if desc.is_list:
                args = getattr(kind, "__args__", None) or (str,)
                kind = args[0]
            param.metavar = placeholder(kind, False)


ERRORS = [  # click's usage errors (exit 2), in the order they are tried; each keeps what it quotes
    (r"^Missing option (.+)\.$", r"option manquante : \1"),
    (r"^Missing argument (.+)\.$", r"argument manquant : \1"),
    (r"^Missing parameter: (.+)$", r"valeur manquante : \1"),
    (r"^No such option: (\S+)", r"option inconnue : \1"),
    (r"Did you mean (\S+)\?", r"Vouliez-vous dire \1 ?"),
    (r"\(Possible options: (.+)\)", r"(options possibles : \1)"),
    (r"^Option (.+) requires an argument\.$", r"l'option \1 attend une valeur"),
    (r"^Option (.+) does not take a value\.$", r"l'option \1 ne prend pas de valeur"),
    (r"^Got unexpected extra arguments?(?:\(s\))? \((.+)\)$", r"argument(s) en trop : \1"),
    (r"^No such command (.+?)\.", r"commande inconnue : \1."),
    (r"Value error, ", ""),
    (r"Input should be a valid integer, unable to parse string as an integer", "attendu un nombre entier (ex. 2024)"),
    (r"Input should be a valid number, unable to parse string as a number", "attendu un nombre (ex. 7.9)"),
    (r"Input should be a valid boolean, unable to interpret input", "attendu oui ou non"),
    (r"^Invalid value for (.+?): ", r"valeur invalide pour \1 : "),
    (r"^Invalid value: ", r"valeur invalide : "),
    (r"(.+) is not one of (.+)\.$", r"\1 n'est pas parmi \2"),
    (r"(.+) is not a valid integer(?: range)?\.$", r"\1 n'est pas un nombre entier (ex. 2024)"),
    (r"(.+) is not a valid float(?: range)?\.$", r"\1 n'est pas un nombre (ex. 7.9)"),
    (r"(.+) is not a valid boolean\.$", r"\1 n'est pas oui ou non"),
    (r"^(File|Path|Directory) (.+) does not exist\.$", r"\2 n'existe pas"),
]


def french_error(message: str) -> str:
    """A usage error of click's in French (what it cannot translate is left as it is).

    >>> french_error("Missing option '--rules'.")
    "option manquante : '--rules'"
    >>> french_error("Invalid value for '--format': 'pdf' is not one of 'table', 'json'.")
    "valeur invalide pour '--format' : 'pdf' n'est pas parmi 'table', 'json'"
    >>> french_error("No such option: --yaer Did you mean --year?")
    'option inconnue : --yaer Vouliez-vous dire --year ?'
    """
    for pattern, french in ERRORS:
        message = re.sub(pattern, french, message)
    return message


def _french_errors(parse):
    """Run click's parsing; a usage error it raises is said in French."""
    from typer._click.exceptions import UsageError

    try:
        return parse()
    except UsageError as exc:
        english = exc.format_message
        exc.format_message = lambda: french_error(english())
        raise


def _french_usage(usage: str) -> str:
    return usage.replace("Usage: ", USAGE, 1)


class _FrenchHelp:
    """The help option and the usage line in French, for a verb as for a group."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
            option.metavar = ""
        return option

    def get_usage(self, ctx) -> str:
        return _french_usage(super().get_usage(ctx))


class FrenchCommand(_FrenchHelp, TyperCommand):
    """A verb whose help reads as French text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _frenchify(self)

    def parse_args(self, ctx, args):
        return _french_errors(lambda: super(FrenchCommand, self).parse_args(ctx, args))


class FrenchGroup(_FrenchHelp, TyperGroup):
    """The command groups (``flux-rules``, ``flux-rules rules``) in French."""

    def __init__(self, *args, **kwargs):
        kwargs["subcommand_metavar"] = "COMMANDE [ARGUMENTS]..."
        super().__init__(*args, **kwargs)

    def resolve_command(self, ctx, args):
        return _french_errors(lambda: super(FrenchGroup, self).resolve_command(ctx, args))
