"""The theoretical flux of one réservataire, worked by hand from the texts (rules/national/flux.yaml).

USH Occitanie, étape 3: « (15 000 LLS − 500 LLS non-éligibles) × 10 % » − déductions = 1 000 attributions à
répartir; a réservataire holding 20 % of the parc receives 200; « 25 % du flux » for the priority households.
Action Logement (transformation des droits acquis): Σ droits de suite × taux de rotation.
"""

import datetime as dt
from decimal import Decimal

import pytest

from engine.flux import theoretical as theo
from engine.ruleset.inherit import load_ruleset
from engine.ruleset.model import FluxParams
from tests.conftest import ROOT


def params(**kw):
    return FluxParams(**{"arrondi": "plus_proche", "minimum": 0, "part_prioritaire": "25 %",
                         "prioritaire_sur": "brut", **kw})


def deduction(objet, volume, deduite=True):
    return theo.Deduction(f"deduction-{objet}", objet, objet, "texte", deduite, volume, "option")


@pytest.mark.parametrize("value,mode,expected", [
    ("2.5", "plus_proche", 3), ("2.4999", "plus_proche", 2),  # half up, not to the even neighbour
    ("0.078", "superieur", 1), ("2", "superieur", 2),
    ("0.99", "inferieur", 0), ("3", "inferieur", 3),
])
def test_rounding_modes(value, mode, expected):
    assert theo.rounded(Decimal(value), mode, 0) == expected


def test_no_rounding_keeps_the_decimal():
    assert theo.rounded(Decimal("0.078"), "aucun", 0) == Decimal("0.078")


@pytest.mark.parametrize("value,expected", [("0.078", 1), ("0", 0), ("3.2", 3), ("0.5", 1)])
def test_the_minimum_is_given_to_a_positive_flux_only(value, expected):
    # TMH: a flux of 0,078 printed 1 (minimum 1); a zero flux stays zero; a flux above the minimum is rounded
    assert theo.rounded(Decimal(value), "plus_proche", 1) == expected


def test_ush_worked_example():
    deductions = [deduction("mutations", Decimal(400)), deduction("anru", Decimal(50)),
                  deduction("vente", None), deduction("lhi", Decimal(30), deduite=False)]
    fig = theo.compute("departement", "assiette", 14500, 2900, Decimal("0.1"), deductions, params())
    # 14 500 × 10 % = 1 450; − 400 − 50 (the unquantified vente and the lhi not deducted count nothing) = 1 000;
    # part 2 900 / 14 500 = 20 %; 1 000 × 20 % = 200; priority 25 % × 200 = 50
    assert (fig.flux_total, fig.flux_a_repartir, fig.part) == (1450, 1000, Decimal("0.2"))
    assert (fig.flux_brut, fig.flux, fig.flux_prioritaires) == (200, 200, 50)
    assert fig.deductions == deductions and fig.programmes == {}
    assert (fig.reservataire, fig.methode) == ("departement", "assiette")
    assert (fig.logements_eligibles, fig.logements_reservataire, fig.taux_rotation) == (14500, 2900, Decimal("0.1"))
    assert (fig.arrondi, fig.minimum, fig.part_prioritaire, fig.prioritaire_sur) == (
        "plus_proche", 0, Decimal("0.25"), "brut")


def test_priority_part_on_the_rounded_flux():
    fig = theo.compute("commune", "assiette", 1000, 10, Decimal("0.078"), [], params(minimum=1,
                                                                                      prioritaire_sur="arrondi"))
    # 1 000 × 7,8 % × 10 / 1 000 = 0,78 → 1; 25 % of the rounded 1 = 0,25 (of the raw 0,78 it would be 0,195)
    assert (fig.flux_brut, fig.flux, fig.flux_prioritaires) == (Decimal("0.78"), 1, Decimal("0.25"))


def test_the_flux_rule_settings_are_read():
    fig = theo.compute("commune", "assiette", 1000, 1, Decimal("0.078"), [], params(
        arrondi="superieur", minimum=2, part_prioritaire="30 %"))
    # 1 000 × 7,8 % × 1 / 1 000 = 0,078 → 1 rounded up → 2, the minimum; 30 % × 0,078 = 0,0234
    assert (fig.flux, fig.flux_prioritaires, fig.arrondi, fig.minimum) == (2, Decimal("0.0234"), "superieur", 2)


def test_deductions_above_the_flux_leave_nothing_to_share():
    fig = theo.compute("commune", "assiette", 100, 50, Decimal("0.1"), [deduction("mutations", Decimal(15))],
                       params())
    # 100 × 10 % − 15 = −5: nothing to share, not a negative flux
    assert (fig.flux_a_repartir, fig.flux_brut, fig.flux) == (-5, 0, 0)


def test_no_eligible_dwelling_is_a_zero_part():
    fig = theo.compute("commune", "assiette", 0, 0, Decimal("0.1"), [], params())
    assert (fig.part, fig.flux_brut, fig.flux) == (0, 0, 0)


def test_droits_acquis_sum_the_programmes_without_deductions():
    fig = theo.compute("action_logement", "droits_acquis", 99, 40, Decimal("0.08"),
                       [deduction("mutations", Decimal(1))], params(), {"P1": 10, "P2": 25, "P3": 5})
    # 10 × 8 % + 25 × 8 % + 5 × 8 % = 3,2 → 3; no deduction; priority 25 % × 3,2 = 0,8
    assert (fig.flux_total, fig.flux_a_repartir, fig.flux_brut, fig.flux) == (Decimal("3.2"),) * 3 + (3,)
    assert fig.deductions == [] and fig.programmes == {"P1": 10, "P2": 25, "P3": 5}
    assert (fig.reservataire, fig.methode) == ("action_logement", "droits_acquis")
    assert fig.flux_prioritaires == Decimal("0.8")


def test_droits_acquis_without_programmes_count_the_units():
    fig = theo.compute("action_logement", "droits_acquis", 99, 7, Decimal("0.08"), [], params())
    assert (fig.flux_brut, fig.flux, fig.programmes) == (Decimal("0.56"), 1, {})  # 7 × 8 %


LAYER = """couche: essai-deductions
niveau: scenario
herite_de: national
surcharges:
  - id: deduction-mutations
    interpretation: un essai de chaque origine du volume
    valeurs: {2024-01-01: {deduite: true, volume: 40}}
  - id: deduction-anru
    interpretation: un essai de chaque origine du volume
    valeurs: {2024-01-01: {deduite: true, taux: 2 %}}
  - id: deduction-orcod
    interpretation: un essai de chaque origine du volume
    valeurs: {2024-01-01: {deduite: false, volume: 9}}
regles:
  - id: deduction-anru-2030
    nature: deduction
    objet: anru
    libelle: Une déduction qui n'est pas encore en vigueur
    source: essai
    valeurs: {2030-01-01: {deduite: true, volume: 1}}
"""


def test_deductions_in_force_option_volume_rate_or_unquantified(tmp_path):
    path = tmp_path / "essai.yaml"
    path.write_text(LAYER, encoding="utf-8")
    out = theo.deductions_in_force(load_ruleset(str(path)), dt.date(2024, 12, 31), {"lhi": Decimal(3),
                                                                                     "orcod": Decimal(5)},
                                   Decimal(1000))
    got = {d.id: (d.objet, d.deduite, d.volume, d.origine) for d in out}
    assert [d.id for d in out] == sorted(got)  # in the order of their ids; deduction-anru-2030 not yet in force
    assert got == {
        "deduction-anru": ("anru", True, Decimal(20), "regles (taux)"),  # 2 % of 1 000
        "deduction-lhi": ("lhi", True, Decimal(3), "option"),
        "deduction-mutations": ("mutations", True, Decimal(40), "regles (volume)"),
        "deduction-orcod": ("orcod", False, None, "—"),  # not deducted: neither the option nor the rule's volume
        "deduction-vente": ("vente", True, None, "—"),  # applicable, not quantified
    }
    assert all(d.libelle for d in out) and all(d.source for d in out)


def test_no_deduction_before_the_rules_start(tmp_path):
    assert theo.deductions_in_force(load_ruleset("national"), dt.date(2019, 12, 31), {}, Decimal(10)) == []


def test_the_objective_from_the_printed_annexe_figures():
    on = dt.date(2024, 12, 31)
    oph31 = load_ruleset("escalquens-oph31")
    # OPH 31, annexe 1: 384 éligibles, 8 for the commune, 9,89 %: 8 × 9,89 % = 0,7912 → 1 (printed « 0.79 », flux 1)
    assert theo.objective_from_annexe(oph31, "mairie-escalquens", on) == 1
    # TMH: 3 × 1/3 × 7,8 % = 0,078 → 0 with the national rounding and no minimum (the annexe prints 1: its own
    # objective rule keeps the printed figure)
    assert theo.objective_from_annexe(load_ruleset("escalquens-tmh"), "mairie-escalquens", on) == 0
    minimum = load_ruleset(str(ROOT / "rules/haute-garonne/conventions/cas/regles/tmh-minimum-1.yaml"))
    assert theo.objective_from_annexe(minimum, "mairie-escalquens", on) == 1  # its flux rule: minimum 1
    assert theo.objective_from_annexe(oph31, "etat", on) is None  # no annexe 1 for this réservataire
    assert theo.objective_from_annexe(oph31, "mairie-escalquens", dt.date(2023, 12, 31)) is None  # before it


def test_no_objective_from_an_annexe_missing_a_figure(tmp_path):
    path = tmp_path / "annexe.yaml"
    path.write_text("couche: essai-annexe\nniveau: scenario\nherite_de: national\nregles:\n"
                    "  - id: annexe1-etat\n    nature: annexe1\n    libelle: Annexe 1 sans taux\n"
                    "    source: essai\n    valeurs: {2024-01-01: {reservataire: etat, logements_eligibles: 100, "
                    "logements_reservataire: 10}}\n"
                    "  - id: annexe1-departement\n    nature: annexe1\n    libelle: Annexe 1 du département\n"
                    "    source: essai\n    valeurs: {2024-01-01: {reservataire: departement, logements_eligibles: 100, "
                    "logements_reservataire: 30, taux_rotation: 10 %}}\n", encoding="utf-8")
    rules = load_ruleset(str(path))
    assert theo.objective_from_annexe(rules, "etat", dt.date(2024, 12, 31)) is None
    # the annexe after another réservataire's: 100 × 30 % × 10 % = 3
    assert theo.objective_from_annexe(rules, "departement", dt.date(2024, 12, 31)) == 3


def test_the_flux_rule_in_force():
    rule, params = theo.flux_params(load_ruleset("national"), dt.date(2024, 12, 31))
    assert rule.id == "flux-theorique" and (params.arrondi, params.part_prioritaire) == ("plus_proche",
                                                                                          Decimal("0.25"))
    assert theo.flux_params(load_ruleset("national"), dt.date(2019, 12, 31))[1] is None  # before 22 February 2020


def _layer(tmp_path, text: str):
    """A layer written as a user writes one, and the rule set it gives."""
    path = tmp_path / "couche.yaml"
    path.write_text(text, encoding="utf-8")
    return path, load_ruleset(str(path))


def test_no_objective_from_an_annexe_when_no_flux_rule_is_in_force(tmp_path):
    """An annexe 1 dated 2019, before the flux rule (22/02/2020): no rounding, minimum or priority share from a
    text, so no objective, rather than the code's own (half up, 0, 25 %)."""
    _, ruleset = _layer(tmp_path, "couche: essai-annexe-2019\nniveau: scenario\nherite_de: national\nregles:\n"
                        "  - id: annexe1-departement\n    nature: annexe1\n    libelle: Annexe 1 du département\n"
                        "    source: essai\n    valeurs: {2019-01-01: {reservataire: departement, "
                        "logements_eligibles: 100, logements_reservataire: 30, taux_rotation: 10 %}}\n")
    assert theo.objective_from_annexe(ruleset, "departement", dt.date(2019, 12, 31)) is None
    assert theo.objective_from_annexe(ruleset, "departement", dt.date(2020, 12, 31)) == 3  # 100 × 30 % × 10 %


def test_two_flux_rules_in_force_at_once_are_refused_at_the_one_the_layer_adds(tmp_path):
    """A layer that adds its own flux rule beside the national one, instead of replacing it: which one the text
    means cannot be told once both are in force (2024); in 2019 only the layer's is."""
    from engine.problems import BadInput

    path, ruleset = _layer(tmp_path, "couche: essai-deux-flux\nniveau: convention\nherite_de: national\n"
                           "libelle: Essai\nsource: essai\nregles:\n  - id: flux-local\n    nature: flux\n"
                           "    libelle: Flux local\n    source: essai\n    valeurs:\n      2019-01-01: {methode: "
                           "assiette, arrondi: superieur, minimum: 1, part_prioritaire: 25 %, prioritaire_sur: brut}\n")
    rule, params = theo.flux_params(ruleset, dt.date(2019, 12, 31))
    assert (rule.id, params.arrondi) == ("flux-local", "superieur")
    with pytest.raises(BadInput) as refused:
        theo.flux_params(ruleset, dt.date(2024, 12, 31))
    [problem] = refused.value.problems
    assert (problem.fichier, problem.ligne) == (str(path), 12)
    assert problem.message.startswith("deux règles de flux théorique en vigueur le 31/12/2024 : « flux-local » (")
