"""Every rule has a French label and a source; every verb is documented in the README."""

import re

from tests.conftest import ROOT


def test_every_rule_has_libelle_and_source(catalog):
    for layer in catalog.names():
        for rule in catalog.resolve(layer).rules.values():
            assert len(rule.rule.libelle.strip()) >= 3, rule.id
            assert len(rule.rule.source.strip()) >= 3, rule.id


def test_rule_ids_are_kebab_case_ascii(catalog):
    for layer in catalog.names():
        for rid in catalog.resolve(layer).rules:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rid), rid


def test_readme_opens_with_the_two_setup_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    assert "pip install -e ." in blocks[0] and "flux-rules" in blocks[0]
    assert "pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1].strip() in ci
