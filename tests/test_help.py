"""--help reads as French text on every verb: no typer placeholder (``<bool>``, ``<path>``, ``{events}``), no
English word of click's, a help text for each option."""

import re

import pytest

from engine.cli import app
from tests.conftest import invoke

VERBS = [[], ["evaluate"], ["explain"], ["flux"], ["generate"], ["compare"], ["bilan"], ["rules"],
         ["rules", "validate"], ["rules", "show"], ["rules", "schema"]]
ENGLISH = ("Usage", "Show this message", "[default", "[required]", "Commands", "Arguments:", "Try ")


@pytest.mark.parametrize("verb", VERBS, ids=lambda v: " ".join(v) or "flux-rules")
def test_help_is_french_text(verb):
    text = invoke([*verb, "--help"], 0).output
    assert "Utilisation : " in text and "Afficher cette aide" in text
    assert re.findall(r"<[\w\[\]|, ]+>", text) == [] and "{" not in text
    assert [w for w in ENGLISH if w in text] == []


def test_every_option_says_what_it_is_for():
    import typer.main

    group = typer.main.get_command(app)
    missing = []
    for name, command in [*group.commands.items(), *[(f"rules {n}", c)
                                                     for n, c in group.commands["rules"].commands.items()]]:
        for param in getattr(command, "params", []):
            if not (param.help or "").strip():
                missing.append(f"{name} {param.name}")
    assert missing == []


@pytest.mark.parametrize("args,said", [
    (["compare", "x.jsonl"], "option manquante : '--rules'"),
    (["evaluate"], "argument manquant : 'JOURNAL.jsonl'"),
    (["evaluate", "x.jsonl", "--format", "pdf"], "'pdf' n'est pas parmi"),
    (["evaluate", "x.jsonl", "--year", "deux"], "attendu un nombre entier"),
    (["evaluate", "x.jsonl", "--year", "10000"], "attendu une année sur quatre chiffres (par exemple 2024), pas 10000"),
    (["flux", "--year", "0"], "attendu une année sur quatre chiffres (par exemple 2024), pas 0"),
    (["bilan", "x.jsonl", "--year", "-5"], "attendu une année sur quatre chiffres (par exemple 2024), pas -5"),
    (["evaluate", "x.jsonl", "--yaer", "2024"], "option inconnue : --yaer"),
    (["evalute"], "commande inconnue : 'evalute'"),
    (["evaluate", "a", "b"], "argument(s) en trop : b"),
])
def test_usage_errors_are_said_in_french(args, said):
    """A mistyped command line is bad input (exit 2), told in French as --help is."""
    text = invoke(args, 2).output
    assert said in " ".join(text.replace("│", " ").split())
    assert [w for w in ("Missing", "Invalid value", "No such", "Got unexpected", "Input should", "Usage")
            if w in text] == []
