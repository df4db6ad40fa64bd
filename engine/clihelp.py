"""The help pages of ``flux-rules`` in French: typer's titles and words, the help option, the usage line and the
placeholder of each value (``FICHIER``, ``N``…; none for a flag) instead of typer's ``<path>``, ``<bool>`` or
an argument's Python name between braces.

cli.py names its commands' classes (``cls=FrenchCommand``, ``cls=FrenchGroup``) and gives a metavar where a
better word than the type's exists (``JOURNAL.jsonl``); this module supplies the rest.

>>> placeholder(int, False), placeholder(str, False), placeholder(bool, True)
('N', 'TEXTE', '')
"""

from __future__ import annotations

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


def _french_usage(usage: str) -> str:
    return usage.replace("Usage: ", USAGE, 1)


class FrenchCommand(TyperCommand):
    """A verb whose help reads as French text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _frenchify(self)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
            option.metavar = ""
        return option

    def get_usage(self, ctx) -> str:
        return _french_usage(super().get_usage(ctx))


class FrenchGroup(TyperGroup):
    """The command groups (``flux-rules``, ``flux-rules rules``) in French."""

    def __init__(self, *args, **kwargs):
        kwargs["subcommand_metavar"] = "COMMANDE [ARGUMENTS]..."
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
            option.metavar = ""
        return option

    def get_usage(self, ctx) -> str:
        return _french_usage(super().get_usage(ctx))
