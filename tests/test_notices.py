"""What the command line tells on stderr when it took a default the reader may not have meant (issue 14)."""

import json

from tests.conftest import ROOT, invoke

SAMPLE = ROOT / "scenarios" / "exemple-2024"
EVENTS = SAMPLE / "evenements.jsonl"
INVENTORY = SAMPLE / "inventaire.csv"


def test_flux_without_rules_says_it_takes_the_national_rules_and_this_year():
    """cli.md lists --rules among flux's options, not as required: flux runs, and says what it took."""
    result = invoke(["flux", "--inventory", INVENTORY, "--format", "json"], 0)
    assert json.loads(result.stdout)["regles"] == "national"
    assert "sans --rules, flux applique les seules règles nationales" in result.stderr
    assert "l'année en cours" in result.stderr
    named = invoke(["flux", "--inventory", INVENTORY, "--rules", "escalquens-patrimoine", "--format", "json"], 0)
    assert "attention" not in named.stderr


def test_evaluate_of_a_year_the_log_is_not_of_says_so():
    """The sample is a 2024 log: --year 2025 evaluates nothing of it, and says it (French, stderr)."""
    result = invoke(["evaluate", EVENTS, "--year", "2025", "--format", "json"], 0)  # nothing offered, nothing due
    assert json.loads(result.stdout)["exercice"] == 2025
    assert "aucune mise à disposition en 2025" in result.stderr and "se déclare exercice 2024" in result.stderr
    for args, code in ((["evaluate", EVENTS], 1), (["evaluate", EVENTS, "--year", "2024"], 1), (["bilan", EVENTS], 0)):
        assert "attention" not in invoke([*args, "--format", "json"], code).stderr
    assert "aucune mise à disposition en 2023" in invoke(["bilan", EVENTS, "--year", "2023"], 0).stderr
