"""Layers that clash or break: both files named; a broken parent reported once, as the cause, before its consequences."""

import shutil
from pathlib import Path

import pytest

from engine.problems import CONSEQUENCE, BadInput
from engine.ruleset import home
from engine.ruleset.inherit import Catalog, load_ruleset
from engine.ruleset.validate import validate_paths
from tests.conftest import ROOT, invoke

HERE = Path(__file__).parent / "rules"
SAMPLE = ROOT / "scenarios" / "exemple-2024" / "evenements.jsonl"


def test_two_files_declaring_one_layer_name_each_other():
    _, problems = validate_paths([HERE / "couche-en-double"])
    rendered = sorted(str(p) for p in problems)
    assert len(rendered) == 2, rendered
    copy, original = rendered
    assert copy.startswith(str(Path("tests/bad_input/rules/couche-en-double/convention-copie.yaml")) + ":2: ")
    assert "est déclarée deux fois, ici et en tests/bad_input/rules/couche-en-double/convention.yaml:1" in copy
    assert original.startswith(str(Path("tests/bad_input/rules/couche-en-double/convention.yaml")) + ":1: ")
    assert "convention-copie.yaml:2" in original


def test_a_copy_of_a_shipped_layer_given_as_rules_does_not_shadow_it():
    with pytest.raises(BadInput) as exc:
        load_ruleset(str(HERE / "couche-deja-livree.yaml"))
    assert any("rules/rhone/rhone.yaml:2" in str(p) and "déclarée deux fois" in str(p) for p in exc.value.problems)


@pytest.mark.parametrize("folder,cause", [
    ("parent-invalide", "departement.yaml:4: clé inconnue « libellé »"),
    ("parent-yaml-invalide", "departement.yaml:4: YAML invalide"),
])
def test_a_broken_parent_is_the_cause_and_its_children_one_consequence(folder, cause):
    _, problems = validate_paths([HERE / folder])
    rendered = [str(p) for p in problems]
    assert cause in rendered[0], rendered
    consequences = [p for p in problems if p.code == CONSEQUENCE]
    assert len(consequences) == 1 and problems[-1] == consequences[0], rendered
    assert consequences[0].message.startswith("conséquence : ")
    assert consequences[0].ligne == 1
    assert not any("parente inconnue" in r for r in rendered), rendered


@pytest.fixture
def typo_in_department(tmp_path, monkeypatch):
    """The issue's case: ``libellé:`` in rules/haute-garonne/haute-garonne.yaml (of a copy of the shipped rules)."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    department = tmp_path / "rules" / "haute-garonne" / "haute-garonne.yaml"
    department.write_text(department.read_text(encoding="utf-8").replace("\nlibelle:", "\nlibellé:", 1),
                          encoding="utf-8")
    monkeypatch.setattr(home, "shipped", lambda: [tmp_path / "rules", tmp_path / "scenarios"])
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_typo_in_a_parent_is_shown_first_by_evaluate(typo_in_department):
    result = invoke(["evaluate", SAMPLE, "--rules", "escalquens-patrimoine"], 2)
    lines = result.output.strip().splitlines()
    assert lines[0].startswith(str(Path("rules/haute-garonne/haute-garonne.yaml")) + ":5: clé inconnue « libellé »")
    assert lines[1].startswith(str(Path("rules/haute-garonne/haute-garonne.yaml")) + ":2: conséquence : la couche "
                               "« escalquens-patrimoine » hérite de « haute-garonne », invalide"), lines
    assert len(lines) == 3, lines


def test_a_typo_in_a_parent_is_one_cause_and_one_consequence_in_validate(typo_in_department):
    result = invoke(["rules", "validate"], 2)
    lines = result.output.strip().splitlines()
    assert ":5: clé inconnue « libellé »" in lines[0], lines
    assert "conséquence : 11 couches héritent de « haute-garonne », invalide : escalquens-chalets, " in lines[1]
    assert len(lines) == 3 and not any("parente inconnue" in line for line in lines), lines


@pytest.mark.parametrize("old,new", [("\nregles:", "\nregle:"),                        # an unknown key
                                     ("\nregles:", "\nregles: : :")])                   # broken YAML
def test_a_broken_national_file_is_not_silently_left_out(tmp_path, old, new):
    """National is several files: one that does not validate used to be dropped from every rule set."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    delais = tmp_path / "rules" / "national" / "delais.yaml"
    delais.write_text(delais.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(BadInput) as exc:
        Catalog(tmp_path).resolve("rhone")
    cause, consequence = exc.value.problems
    assert cause.fichier.endswith("delais.yaml") and cause.code != CONSEQUENCE
    assert consequence.code == CONSEQUENCE and "« rhone » hérite de « national »" in consequence.message
    assert not any("déclarée deux fois" in str(p) for p in exc.value.problems)
