"""The case file, in French YAML: what ``flux-rules test`` reads (and ``rules schema`` describes).

A case file lies beside the rules (``rules/<territoire>/cas/*.yaml``, ``scenarios/…/cas/*.yaml``). Its top-level
keys give what its cases share (``regles``, ``exercice``, ``bailleur``); each case names itself (``nom``), cites
the article it illustrates (``source``), gives the records of a year (``evenements``, or per offer in
``offres`` blocks where the offer id and dwelling are implied), optionally an ``inventaire`` (inline rows or a
file) and ``precedent`` (last year's result), and what is expected of ``evaluate`` (``attendu``), of ``flux``
(``flux`` options and ``attendu_flux``) or of ``explain`` for one offer (``explication``, ``attendu_explication``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.ruleset.values import Text

STRICT = ConfigDict(extra="forbid")
Record = dict[str, Any]


class OfferBlock(BaseModel):
    """The records of one offer: ``offre`` (and ``logement``, ``reservataire``) written once for all of them."""

    model_config = STRICT

    offre: str = Field(description="Identifiant de l'offre, sous-entendu dans chacun de ses enregistrements")
    logement: Optional[str] = Field(None, description="Logement (RPLS) de l'offre, sous-entendu dans la mise à "
                                                      "disposition")
    reservataire: Optional[str] = Field(None, description="Réservataire, sous-entendu dans la mise à disposition")
    evenements: list[Record] = Field(min_length=1, description="Les enregistrements de l'offre (events.md), "
                                                               "sans « offre »")


class FluxCase(BaseModel):
    """Options of ``flux-rules flux`` (same names, without the dashes)."""

    model_config = STRICT

    inventaire: Optional[str] = None
    reservations: Optional[str] = Field(None, description="Titulaires des logements réservés d'un fichier RPLS")
    reservataire: Optional[Union[str, list[str]]] = None
    rotation: Optional[str] = None
    eligibles: Optional[int] = None
    logements_reservataire: Optional[int] = None
    deduction: Optional[list[str]] = None
    annexe: bool = False
    check: Optional[list[str]] = None
    historique: Optional[str] = None
    perimetre: Optional[str] = None


class Case(BaseModel):
    model_config = STRICT

    nom: Text = Field(description="Nom du cas (unique dans le fichier)")
    source: Text = Field(description="Article illustré : texte, article, et ses mots")
    description: Optional[str] = None
    regles: Optional[str] = Field(None, description="Couche (ou chemin d'un fichier de règles, relatif au cas)")
    exercice: Optional[int] = Field(None, ge=2000, le=2100, description="Année évaluée")
    bailleur: Optional[str] = None
    evenements: list[Record] = Field(default_factory=list, description="Enregistrements (events.md)")
    offres: list[OfferBlock] = Field(default_factory=list, description="Enregistrements regroupés par offre")
    inventaire: Optional[Union[str, list[dict[str, Any]]]] = Field(
        None, description="Inventaire : chemin d'un fichier (relatif au cas) ou lignes en ligne (colonnes de "
                          "inventory.md)")
    precedent: Optional[Union[str, dict[str, Any]]] = Field(
        None, description="Résultat de l'an dernier (report) : chemin d'un fichier JSON ou objet en ligne")
    flux: Optional[FluxCase] = Field(None, description="Cas du flux théorique : options de « flux-rules flux »")
    explication: Optional[str] = Field(None, description="Offre dont la trace (« explain ») est attendue")
    attendu: Optional[dict[str, Any]] = Field(
        None, description="Sous-ensemble du résultat d'« evaluate » : par réservataire (identifiant), et "
                          "« evenements »")
    attendu_flux: Optional[dict[str, Any]] = Field(None, description="Sous-ensemble du résultat de « flux »")
    attendu_explication: Optional[dict[str, Any]] = Field(
        None, description="Sous-ensemble de la trace de l'offre nommée par « explication »")
    au: Optional[dt.date] = Field(None, description="L'année telle qu'enregistrée à cette date (« evaluate --au ») : "
                                                   "prorata, échéances ouvertes, enregistrements postérieurs écartés")
    echeances: Optional[int] = Field(None, ge=0, description="Avec « au » : les échéances ouvertes des N jours ouvrés "
                                                             "suivants (« evaluate --echeances N »)")
    tolerance: float = Field(1e-9, ge=0, description="Écart admis sur un nombre décimal")

    @model_validator(mode="after")
    def _something_expected(self):
        if self.flux is not None:
            if self.attendu_flux is None:
                raise ValueError("un cas « flux » attend « attendu_flux »")
        elif not (self.evenements or self.offres):
            raise ValueError("un cas donne des « evenements » ou des « offres » (ou « flux »)")
        elif self.attendu is None and self.attendu_explication is None:
            raise ValueError("un cas dit ce qu'il attend : « attendu » (ou « attendu_explication »)")
        if self.echeances is not None and self.au is None:
            raise ValueError("« echeances » compte les jours ouvrés après la date « au » : donnez « au »")
        if (self.explication is None) != (self.attendu_explication is None):
            raise ValueError("« explication » (l'offre) et « attendu_explication » vont ensemble")
        return self


class CaseFile(BaseModel):
    """Un fichier de cas : des exemples calculés à la main, chacun avec l'article qu'il illustre."""

    model_config = STRICT

    regles: Optional[str] = Field(None, description="Couche des cas (chacun peut la changer)")
    exercice: Optional[int] = Field(None, ge=2000, le=2100)
    bailleur: Optional[str] = None
    source: Optional[Text] = None
    description: Optional[str] = None
    cas: list[Case] = Field(min_length=1)


def iso(value):
    """YAML dates (``2024-05-02`` unquoted) as the ISO text the event log contract writes, deep."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso(v) for v in value]
    return value
