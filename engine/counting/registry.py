"""Réservataires: ids, types and aliases from the rule set; delegation as a networkx graph."""

from __future__ import annotations

import re
from dataclasses import dataclass

import networkx as nx

from engine.ruleset.inherit import RuleSet, fold_ascii, normalise_name


@dataclass(frozen=True)
class Reservataire:
    id: str
    type: str
    mode_gestion: str
    libelle: str
    partie_de: str | None = None
    delegue_a: str | None = None
    connu: bool = True


class Registry:
    def __init__(self, ruleset: RuleSet):
        self.by_id: dict[str, Reservataire] = {}
        self.aliases: dict[str, str] = {}
        self.delegation = nx.DiGraph()
        for r in ruleset.of("reservataire"):
            rule = r.rule
            self.by_id[r.id] = Reservataire(r.id, rule.type, rule.mode_gestion, rule.libelle, rule.partie_de,
                                            rule.delegue_a)
            for alias in [r.id, rule.libelle, *rule.alias]:
                self.aliases.setdefault(normalise_name(alias), r.id)
            if rule.delegue_a:
                self.delegation.add_edge(r.id, rule.delegue_a)
        self.unknown: dict[str, str] = {}
        self._seen: dict[tuple, Reservataire] = {}

    def resolve(self, name: str | None, type_hint: str | None = None) -> Reservataire:
        """The registry entry for a name as written (alias, id, any case); unknown names are kept."""
        key = (name, type_hint)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = self._resolve(name, type_hint)
        return found

    def _resolve(self, name: str | None, type_hint: str | None) -> Reservataire:
        if name is None or not str(name).strip():
            return self.by_id.get("bailleur") or Reservataire("bailleur", "bailleur", "directe", "Bailleur")
        key = normalise_name(name)
        rid = self.aliases.get(key)
        if rid:
            return self.by_id[rid]
        slug = re.sub(r"[^a-z0-9]+", "-", fold_ascii(name)).strip("-") or "inconnu"
        self.unknown[slug] = name
        kind = type_hint if type_hint in ("etat", "collectivite", "departement", "action_logement", "bailleur") \
            else "autre"
        entry = Reservataire(slug, kind, "deleguee" if kind == "etat" else "directe", str(name), connu=False)
        self.by_id.setdefault(slug, entry)
        self.aliases.setdefault(key, slug)
        return entry

    def delegates_of(self, rid: str) -> list[str]:
        """Who manages ``rid``'s contingent by delegation (transitively)."""
        return list(nx.descendants(self.delegation, rid)) if rid in self.delegation else []
