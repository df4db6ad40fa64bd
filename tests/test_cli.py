"""Exit codes and outputs of the command line (0 ok, 1 unmet, 2 bad input)."""

import json

from tests.conftest import ROOT, invoke


def test_rules_validate_passes_on_shipped_rules():
    result = invoke(["rules", "validate"], 0)
    assert "aucun problème" in result.output


def test_rules_validate_bad_file_exits_2_with_file_line():
    bad = ROOT / "tests/bad_input/rules/cle-inconnue.yaml"
    result = invoke(["rules", "validate", bad], 2)
    assert "cle-inconnue.yaml:11: " in result.output


def test_rules_show_json_has_provenance_per_value():
    result = invoke(["rules", "show", "escalquens-tmh", "--format", "json", "--year", "2024"], 0)
    data = json.loads(result.output)
    assert data["chaine"] == ["national", "haute-garonne", "escalquens-tmh"]
    rules = {r["id"]: r for r in data["regles_effectives"]}
    annexe = rules["annexe1-mairie-escalquens"]["valeurs"][0]
    assert annexe["parametres"]["logements_eligibles"] == 3
    assert annexe["provenance"]["logements_eligibles"].startswith("rules/haute-garonne/conventions/escalquens-tmh.yaml:")


def test_rules_show_table_for_each_territory():
    for name in ("haute-garonne", "rhone", "ain", "toulouse-metropole-flourens", "escalquens-oph31"):
        result = invoke(["rules", "show", name], 0)
        assert "Source" in result.output


def test_rules_show_unknown_name_exits_2():
    result = invoke(["rules", "show", "haute-garone"], 2)
    assert "règles inconnues" in result.output


def test_rules_schema_is_json_schema():
    data = json.loads(invoke(["rules", "schema"], 0).output)
    assert "couche" in data["$defs"]["RuleFile"]["properties"] and "cas" in data["$defs"]["CaseFile"]["properties"]
