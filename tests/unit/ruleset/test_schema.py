"""``rules schema``: what an editor checks agrees with what the loader accepts."""

import datetime as dt
import json

import jsonschema
import pytest

from engine.ruleset.load import discover
from engine.yamlsource import load_yaml
from tests.conftest import ROOT, invoke


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(invoke(["rules", "schema"], 0).stdout)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def as_json(data):
    """Rule file data as an editor sees it: dates are text."""
    if isinstance(data, dict):
        return {(k.isoformat() if isinstance(k, dt.date) else str(k)): as_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [as_json(v) for v in data]
    return data.isoformat() if isinstance(data, dt.date) else data


@pytest.mark.parametrize("path", discover(ROOT), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_rule_file_matches_the_schema(validator, path):
    data, _ = load_yaml(path)
    errors = [e.message for e in validator.iter_errors(as_json(data))]
    assert not errors, errors


def surcharge(params: dict) -> dict:
    return {"couche": "essai", "niveau": "scenario", "herite_de": "national",
            "surcharges": [{"id": "reponse-10-jours", "source": "Essai", "valeurs": {"2024-01-01": params}}]}


@pytest.mark.parametrize("params,valid", [
    ({"nombre": 15}, True),
    ({"nombre": 15, "unite": "jours_calendaires"}, True),
    ({"taux": "7,9 %"}, True),
    ({}, True),
    ({"nombre": "dix"}, False),   # the case: any object used to pass
    ({"nombre": -1}, False),
    ({"nombres": 15}, False),     # a typo of a field
    ({"unite": "semaines"}, False),
    ({"nombre": None}, False),
])
def test_surcharge_values_are_typed_in_the_schema(validator, params, valid):
    assert validator.is_valid(surcharge(params)) is valid


def test_the_loader_still_refuses_what_the_schema_flags():
    result = invoke(["rules", "validate", ROOT / "tests/bad_input/rules/surcharge-valeur-mal-typee.yaml"], 2)
    assert "surcharge-valeur-mal-typee.yaml:8: « nombre » : attendu un nombre entier" in result.output


def test_the_forbidden_characters_searched_at_once_are_those_the_yaml_reader_refuses():
    """The pattern that finds a control character in a rule file in one pass says what ``_forbidden`` says, for
    every code point."""
    from engine.yamlsource import FORBIDDEN, _forbidden

    text = "".join(map(chr, range(0x110000)))
    assert [m.start() for m in FORBIDDEN.finditer(text)] == [i for i, ch in enumerate(text) if _forbidden(ch)]
