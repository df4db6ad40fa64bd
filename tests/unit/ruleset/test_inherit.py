"""Inheritance, overrides, removals and dated values on the shipped rule sets."""

import datetime as dt

from engine.ruleset.inherit import load_ruleset

Y2024 = dt.date(2024, 12, 31)
Y2025 = dt.date(2025, 12, 31)


def test_convention_chain_is_national_department_convention(catalog):
    assert catalog.chain("escalquens-oph31") == ["national", "haute-garonne", "escalquens-oph31"]
    assert catalog.chain("ornex-alliade-habitat") == ["national", "ain", "ornex-alliade-habitat"]


def test_haute_garonne_derogation_not_deducted_in_2024_only(catalog):
    hg = catalog.resolve("haute-garonne")
    rule = hg.rules["deduction-mutations"]
    assert rule.at(dt.date(2023, 12, 31)).deduite is True
    assert rule.at(Y2024).deduite is False
    assert rule.at(Y2025).deduite is True
    file, line = rule.since(Y2024)
    assert file.endswith("rules/haute-garonne/haute-garonne.yaml") and line > 0


def test_toulouse_metropole_renews_the_derogation_for_2025(catalog):
    tm = catalog.resolve("toulouse-metropole-flourens")
    for rid in ("deduction-mutations", "deduction-anru", "deduction-orcod", "deduction-lhi"):
        assert tm.rules[rid].at(Y2025).deduite is False, rid
        assert tm.rules[rid].since(Y2025)[0].endswith("toulouse-metropole-flourens.yaml")


def test_oph31_replaces_the_12_jours_ouvres_by_15_jours_calendaires(catalog):
    oph = catalog.resolve("escalquens-oph31")
    assert "candidats-12-jours-ouvres" not in oph.rules
    rule = oph.rules["candidats-15-jours-calendaires"]
    params = rule.at(Y2024)
    assert (params.nombre, params.unite) == (15, "jours_calendaires")
    assert "remplace « candidats-12-jours-ouvres »" in rule.history[0]
    # the sibling convention keeps the department's value
    cj = catalog.resolve("escalquens-citejardins")
    assert cj.rules["candidats-12-jours-ouvres"].at(Y2024).nombre == 12


def test_explicit_removal_is_recorded(catalog):
    tm = catalog.resolve("toulouse-metropole-flourens")
    assert "candidats-30-jours-calendaires" not in tm.rules
    removed = {rid: motif for rid, *_, motif in tm.removed}
    assert "zone détendue" in removed["candidats-30-jours-calendaires"]


def test_surcharge_keeps_provenance_of_untouched_values(catalog):
    oph = catalog.resolve("escalquens-oph31")
    rule = oph.rules["taux-rotation"]
    assert str(rule.at(Y2024).taux) == "0.0989"
    assert rule.provenance["libelle"][0].endswith("rules/national/flux.yaml")
    assert rule.provenance["valeurs.2024-01-01.taux"][0].endswith("escalquens-oph31.yaml")


def test_value_not_in_force_before_its_first_date(catalog):
    tm = catalog.resolve("toulouse-metropole-flourens")
    assert tm.rules["mutations-cia-25"].at(Y2024) is None
    assert tm.rules["mutations-cia-25"].at(Y2025).cible == 0.25


def test_delegation_of_toulouse_metropole(catalog):
    tm = catalog.resolve("toulouse-metropole-flourens")
    rule = tm.rules["toulouse-metropole"].rule
    # a hand-over of the contingent to the commune, which manages it directly (art. 2): not the USH's
    # « gestion déléguée » to the bailleur
    assert rule.delegue_a == "commune-flourens" and rule.mode_gestion == "directe"


def test_load_by_path_resolves_parents():
    rs = load_ruleset("rules/rhone/decines-charpieu-cdc-habitat.yaml")
    assert rs.chain == ["national", "rhone", "decines-charpieu-cdc-habitat"]
    assert rs.rules["deduction-lhi"].at(Y2024).deduite is False


def test_every_shipped_layer_resolves(catalog):
    assert not catalog.problems
    for name in catalog.names():
        assert catalog.resolve(name).rules
