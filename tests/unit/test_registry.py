"""The registry of réservataires: a name as an inventory or a log writes it gives one réservataire, whatever its case,
accents, spaces or punctuation; an unknown name is kept as written (never merged into a known one); the dwellings
of no one are the bailleur's."""

from __future__ import annotations

import pytest

from engine.counting.registry import Registry
from engine.ruleset.inherit import load_ruleset

NATIONAL = load_ruleset("national")


@pytest.mark.parametrize("written,rid,kind,mode", [
    ("etat", "etat", "etat", "deleguee"),  # the id
    ("PREFECTURE", "etat", "etat", "deleguee"),  # an alias
    ("préfecture", "etat", "etat", "deleguee"),  # case and accents
    ("Prefecture  Prioritaires", "etat-prioritaires", "etat", "deleguee"),
    ("C.I.L. Interlogement", "action-logement", "action_logement", "directe"),  # punctuation and spaces
    ("cileo", "action-logement", "action_logement", "directe"),
    ("DCDS-CONSEIL GENERAL", "departement", "departement", "directe"),
    ("Non réservé", "bailleur", "bailleur", "directe"),
])
def test_a_known_name_as_written(written, rid, kind, mode):
    found = Registry(NATIONAL).resolve(written)
    assert (found.id, found.type, found.mode_gestion, found.connu) == (rid, kind, mode, True)


def test_the_label_is_a_name_too_and_the_parts_of_the_state_say_whose_part_they_are():
    registry = Registry(NATIONAL)
    prioritaires = registry.resolve("etat-prioritaires")
    assert registry.resolve(prioritaires.libelle) is prioritaires
    assert (prioritaires.partie_de, registry.resolve("etat-fonctionnaires").partie_de) == ("etat", "etat")
    assert registry.resolve("etat").partie_de is None


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_no_holder_is_the_bailleur(blank):
    found = Registry(NATIONAL).resolve(blank)
    assert (found.id, found.type, found.connu) == ("bailleur", "bailleur", True)


def test_an_unknown_name_is_kept_as_written_with_the_type_the_log_gives():
    registry = Registry(NATIONAL)
    commune = registry.resolve("Mairie de Saint-Orens", "collectivite")
    assert (commune.id, commune.type, commune.mode_gestion, commune.libelle, commune.connu) == (
        "mairie-de-saint-orens", "collectivite", "directe", "Mairie de Saint-Orens", False)
    assert registry.unknown == {"mairie-de-saint-orens": "Mairie de Saint-Orens"}
    assert registry.resolve("MAIRIE DE SAINT ORENS").id == "mairie-de-saint-orens"  # the same, written otherwise
    state = registry.resolve("Ministère des Armées", "etat")
    assert (state.id, state.type, state.mode_gestion) == ("ministere-des-armees", "etat", "deleguee")
    other = registry.resolve("Mutuelle X", "syndicat")  # a type the registry does not know
    assert (other.type, other.mode_gestion) == ("autre", "directe")
    assert registry.resolve("???").id == "inconnu"
    assert {"mairie-de-saint-orens", "ministere-des-armees", "mutuelle-x", "inconnu"} <= set(registry.by_id)


def test_a_delegation_is_followed_to_its_end():
    registry = Registry(load_ruleset("toulouse-metropole-flourens"))
    holder = next(r for r in registry.by_id.values() if r.delegue_a == "commune-flourens")
    assert registry.delegates_of(holder.id) == ["commune-flourens"]
    assert registry.delegates_of("commune-flourens") == [] and registry.delegates_of("etat") == []


def test_a_delegation_of_a_delegation_is_transitive():
    from types import SimpleNamespace

    def entry(rid, delegue_a=None):
        return SimpleNamespace(id=rid, rule=SimpleNamespace(type="collectivite", mode_gestion="deleguee", libelle=rid,
                                                            partie_de=None, delegue_a=delegue_a, alias=[]))

    ruleset = SimpleNamespace(of=lambda nature: [entry("epci", "commune"), entry("commune", "ccas"), entry("ccas")])
    registry = Registry(ruleset)
    assert sorted(registry.delegates_of("epci")) == ["ccas", "commune"]
    assert registry.delegates_of("commune") == ["ccas"]
