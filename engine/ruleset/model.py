"""Pydantic models of a rule file: the source of ``flux-rules rules schema``.

One word per concept from YAML key to JSON key: ``nature`` names the rule
family, ``valeurs`` holds the dated values (``{2024-01-01: {...}}``), each
value in force from its date until the next one.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, Strict, create_model, model_validator

from engine.ruleset.conditions import Condition
from engine.ruleset.values import Rate, RuleId, Text

STRICT = ConfigDict(extra="forbid", frozen=True)

TypeReservataire = Literal["etat", "collectivite", "departement", "action_logement", "bailleur", "autre"]
Base = Literal["mise_a_disposition", "attribution", "bail"]
Unite = Literal["jours_ouvres", "jours_ouvrables", "jours_calendaires", "mois"]
Evenement = Literal["liberation", "mise_a_disposition", "impossibilite", "candidats", "caleol_attribution",
                    "caleol_non_attribution_dalo", "premiere_caleol", "reponse", "refus", "tous_refus",
                    "reprise", "bail", "mise_en_service"]


class Params(BaseModel):
    model_config = STRICT


# ---- dated parameters, one model per nature -------------------------------------------------

class ApplicationParams(Params):
    applique: bool = Field(True, description="La règle s'applique-t-elle à cette date ?")


class DeductionParams(Params):
    deduite: bool = Field(description="Le volume est-il déduit du flux annuel cette année-là ?")
    taux: Optional[Rate] = Field(None, description="Taux appliqué au flux (ex. 10 % de mutations internes)")
    volume: Optional[int] = Field(None, ge=0, description="Volume annuel connu (logements)")


class RotationParams(Params):
    methode: Literal["donne", "ush_occitanie", "ush_occitanie_avec_mutations", "rhone_mobilite_epci",
                     "ain_moyenne_departementale"]
    taux: Optional[Rate] = Field(None, description="Taux donné (méthode « donne »)")
    annees: int = Field(1, ge=1, le=10, description="Nombre d'années de l'historique moyennées")
    echelle: Literal["departement", "epci", "metropole", "commune"] = "departement"


class FluxParams(Params):
    methode: Literal["assiette", "droits_acquis"] = "assiette"
    arrondi: Literal["plus_proche", "superieur", "inferieur", "aucun"] = "plus_proche"
    minimum: int = Field(0, ge=0, description="Flux minimal quand le flux brut est positif")
    part_prioritaire: Rate = Field(description="Part du flux réservée aux ménages prioritaires")
    prioritaire_sur: Literal["brut", "arrondi"] = Field(
        "brut", description="La part prioritaire est-elle prise sur le flux brut ou sur le flux arrondi ?")
    droits_acquis: list[str] = Field(default_factory=list, description=(
        "Réservataires (identifiant ou type, ex. action_logement) dont le flux est calculé par transformation "
        "des droits acquis : Σ droits de suite × taux de rotation (USH Occitanie, option Action Logement)"))


class Annexe1Params(Params):
    reservataire: str
    logements_eligibles: Optional[int] = Field(None, ge=0)
    logements_reservataire: Optional[int] = Field(None, ge=0)
    taux_rotation: Optional[Rate] = None
    imprime: dict[str, str] = Field(default_factory=dict,
                                    description="Chiffres imprimés dans l'Annexe 1 (pour l'audit --check)")


class BaseParams(Params):
    base: Base


class DecompteParams(Params):
    decision: Literal["compte", "non_compte"]
    evenement: Optional[Literal["mise_a_disposition", "attribution", "bail", "refus", "reprise"]] = Field(
        None, description="Événement dont la date fixe l'année du décompte")


class DelaiParams(Params):
    nombre: int = Field(ge=0)
    unite: Unite


class ObligationParams(Params):
    cible: Rate
    sens: Literal["minimum", "maximum"] = "minimum"


class ReportParams(Params):
    mode: Literal["obligatoire", "facultatif", "aucun"] = Field(description=(
        "obligatoire : « seront reportés » ; facultatif : « pourront être reportés » (calculé et montré comme "
        "report facultatif, ajouté à l'objectif suivant seulement si les parties l'ont choisi) ; aucun : le texte "
        "ne prévoit pas de report"))
    choisi_par_les_parties: bool = Field(False, description=(
        "Report facultatif : les parties ont choisi de l'appliquer (réglage daté de la convention ou du scénario)"))


class ObjectifParams(Params):
    methode: Literal["flux_theorique", "valeur", "droits_negocies", "indetermine"] = Field("valeur", description=(
        "indetermine : aucun texte ne fixe l'objectif (dire pourquoi dans « motif ») ; jamais un chiffre inventé"))
    valeur: Optional[int] = Field(None, ge=0)
    par_bailleur: dict[str, int] = Field(default_factory=dict)
    perimetre: Optional[Text] = Field(None, description="Territoire que couvrent les chiffres par bailleur")
    motif: Optional[Text] = Field(None, description="Pourquoi l'objectif n'est pas déterminé (méthode indetermine)")

    @model_validator(mode="after")
    def _motif(self):
        if self.methode == "indetermine" and not self.motif:
            raise ValueError("un objectif « indetermine » dit pourquoi : « motif »")
        return self


class ParametreParams(Params):
    valeur: Union[bool, int, float, str]


# ---- rules -----------------------------------------------------------------------------------

INTERPRETATION = (
    "Là où le texte est muet ou ambigu : ce que dit le texte, ce que le projet a choisi et pourquoi "
    "(ex. « texte muet ; règle nationale par défaut »). Un texte seul vaut pour les valeurs que l'entrée "
    "fixe (ou pour toute la règle si elle n'en fixe pas) ; {date: texte} vaut pour la valeur de cette date.")

Interpretation = Annotated[Union[Text, dict[dt.date, Text]], Field(description=INTERPRETATION)]


class RuleBase(BaseModel):
    model_config = STRICT

    id: RuleId
    libelle: Text = Field(description="Libellé en français")
    source: Text = Field(description="Texte cité : article du CCH, de la convention ou du cadre")
    interpretation: Optional[Interpretation] = None
    description: Optional[str] = None
    exemples: Optional[list[str]] = None
    remplace: Optional[RuleId] = Field(None, description="Identifiant de la règle parente remplacée")


# a date key is a date (YAML 2024-01-01, or quoted): not a year (2024), a timestamp (0) nor a date and time
DateKey = Annotated[dt.date, Strict()]


def _dated(params_model):
    return Annotated[dict[DateKey, params_model], Field(min_length=1, description=(
        "Valeurs datées : chaque valeur est en vigueur de sa date jusqu'à la suivante "
        "(ex. {2024-01-01: {...}})"))]


class RegleExclusion(RuleBase):
    nature: Literal["exclusion"]
    condition: Condition
    valeurs: _dated(ApplicationParams)


class RegleInclusion(RuleBase):
    nature: Literal["inclusion"]
    condition: Condition
    valeurs: _dated(ApplicationParams)


class RegleDeduction(RuleBase):
    nature: Literal["deduction"]
    objet: Literal["mutations", "anru", "orcod", "lhi", "vente"]
    valeurs: _dated(DeductionParams)


class RegleRotation(RuleBase):
    nature: Literal["rotation"]
    valeurs: _dated(RotationParams)


class RegleFlux(RuleBase):
    nature: Literal["flux"]
    valeurs: _dated(FluxParams)


class RegleAnnexe1(RuleBase):
    nature: Literal["annexe1"]
    valeurs: _dated(Annexe1Params)


class RegleReservataire(RuleBase):
    nature: Literal["reservataire"]
    type: TypeReservataire
    alias: list[str] = Field(default_factory=list, description="Noms tels qu'écrits dans les inventaires")
    mode_gestion: Literal["directe", "deleguee"] = "directe"
    delegue_a: Optional[str] = Field(None, description="Réservataire qui gère ce contingent par délégation")
    partie_de: Optional[str] = Field(None, description="Contingent dont ce réservataire est une partie")


class RegleBaseDecompte(RuleBase):
    nature: Literal["base_decompte"]
    priorite: int = 100
    condition: Condition
    valeurs: _dated(BaseParams)


class RegleDecompte(RuleBase):
    nature: Literal["decompte"]
    priorite: int = Field(100, description="Les règles sont essayées par priorité croissante ; la première qui "
                                           "s'applique décide")
    condition: Condition
    valeurs: _dated(DecompteParams)


class RegleDelai(RuleBase):
    nature: Literal["delai"]
    depart: Evenement
    attendu: Evenement
    sens: Literal["apres", "avant"] = "apres"
    condition: Optional[Condition] = None
    consequence: Literal["reprise_possible", "refus_implicite", "restitution", "information"] = "reprise_possible"
    relance: Optional[Literal["caleol_non_attribution_dalo"]] = Field(None, description=(
        "Événement qui rouvre une fois (« pour un tour ») le délai des candidats : le refus par la CALEOL d'un "
        "candidat DALO"))
    portee: Literal["echeance", "minimum"] = Field("echeance", description=(
        "echeance : l'événement attendu est dû au plus tard à l'échéance ; minimum : le délai est un temps laissé "
        "(ex. les 10 jours de réflexion du ménage, CCH R441-10) : seul le silence jusqu'à l'échéance compte, "
        "une réponse plus tardive n'est pas un retard"))
    valeurs: _dated(DelaiParams)

    @model_validator(mode="after")
    def _relance_of_candidates(self):
        if self.relance is not None and self.attendu != "candidats":
            raise ValueError("« relance » rouvre le délai des candidats : elle va avec « attendu: candidats »")
        return self


class RegleObligation(RuleBase):
    nature: Literal["obligation"]
    applicable_a: Condition = Field(description="Réservataires concernés (champs reservataire.*)")
    mesure: Literal["part_des_offres", "part_du_flux"] = "part_des_offres"
    population: Literal["attributions", "baux", "decompte"] = "attributions"
    denominateur: Optional[Condition] = None
    numerateur: Optional[Condition] = None
    valeurs: _dated(ObligationParams)

    @model_validator(mode="after")
    def _numerator(self):
        if self.mesure == "part_des_offres" and self.numerateur is None:
            raise ValueError("une obligation « part_des_offres » a besoin d'un « numerateur »")
        return self


class RegleReport(RuleBase):
    nature: Literal["report"]
    valeurs: _dated(ReportParams)


class RegleObjectif(RuleBase):
    nature: Literal["objectif"]
    reservataire: str
    valeurs: _dated(ObjectifParams)


class RegleParametre(RuleBase):
    nature: Literal["parametre"]
    valeurs: _dated(ParametreParams)


Regle = Annotated[
    Union[RegleExclusion, RegleInclusion, RegleDeduction, RegleRotation, RegleFlux, RegleAnnexe1,
          RegleReservataire, RegleBaseDecompte, RegleDecompte, RegleDelai, RegleObligation, RegleReport,
          RegleObjectif, RegleParametre],
    Field(discriminator="nature"),
]


@cache
def partial_params() -> tuple[type[BaseModel], ...]:
    """Each nature's parameter model with every field optional: what a surcharge may give at one date.

    >>> sorted(partial_params()[0].model_fields)
    ['applique']
    """
    models = dict.fromkeys(m for m in PARAMS.values() if m is not None)  # one each, in the order of the natures
    return tuple(create_model(
        f"{m.__name__}Partiels", __config__=STRICT, __doc__=f"Surcharge : champs de {m.__name__}, tous facultatifs",
        **{name: (_annotated(f), Field(None, description=f.description))  # absent, not null
           for name, f in m.model_fields.items()}) for m in models)


def _annotated(f):
    """A field's type with its constraints and validators (``ge=0``, the rate parser)."""
    return Annotated[(f.annotation, *f.metadata)] if f.metadata else f.annotation


class SurchargeParams:
    """Parameters of a surcharge at one date: checked once merged with the rule they modify, whose nature the file
    does not say (see ``inherit._dated_values``); in the JSON Schema, one of the natures' parameter models with
    every field optional, so that an editor flags ``nombre: dix`` or an unknown field."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        from pydantic import TypeAdapter

        return handler(TypeAdapter(Union[partial_params()]).core_schema)


class Surcharge(BaseModel):
    """Modifies an inherited rule: only the fields given change; a source is required."""

    model_config = STRICT

    id: RuleId
    source: Optional[Text] = Field(None, description="Texte cité pour la valeur modifiée (ou « interpretation »)")
    interpretation: Optional[Interpretation] = None
    libelle: Optional[Text] = None
    description: Optional[str] = None
    exemples: Optional[list[str]] = None
    condition: Optional[Condition] = None
    valeurs: Optional[dict[DateKey, Annotated[dict[str, Any], SurchargeParams]]] = Field(
        None, description="Valeurs datées ajoutées ; à une date déjà présente, les champs donnés remplacent")
    alias: Optional[list[str]] = None
    mode_gestion: Optional[Literal["directe", "deleguee"]] = None
    delegue_a: Optional[str] = None
    priorite: Optional[int] = None
    consequence: Optional[Literal["reprise_possible", "refus_implicite", "restitution", "information"]] = None
    applicable_a: Optional[Condition] = None
    numerateur: Optional[Condition] = None
    denominateur: Optional[Condition] = None

    @model_validator(mode="after")
    def _said_where_from(self):
        if self.source is None and self.interpretation is None:
            raise ValueError("une surcharge dit d'où vient la valeur qu'elle change : « source » (le texte qui "
                             "la fixe) ou « interpretation » (ce que le projet a choisi là où le texte est muet)")
        return self


class Suppression(BaseModel):
    model_config = STRICT

    id: RuleId
    motif: Text
    source: Text


class RuleFile(BaseModel):
    """Un fichier de règles : une couche (national, département, convention ou scénario)."""

    model_config = STRICT

    couche: RuleId = Field(description="Nom de la couche (ex. haute-garonne, escalquens-oph31)")
    niveau: Literal["national", "departement", "convention", "scenario"]
    herite_de: Optional[RuleId] = Field(None, description="Couche parente (obligatoire sauf au niveau national)")
    libelle: Optional[Text] = None
    source: Optional[Text] = None
    description: Optional[str] = None
    territoire: Optional[dict[str, str]] = None
    bailleur: Optional[str] = None
    donnees: Optional[dict[str, str]] = Field(None, description="Scénario : fichiers d'événements et d'inventaire")
    regles: list[Regle] = Field(default_factory=list)
    surcharges: list[Surcharge] = Field(default_factory=list)
    suppressions: list[Suppression] = Field(default_factory=list)


def _natures() -> dict[str, type]:
    union = Regle.__origin__
    return {cls.model_fields["nature"].annotation.__args__[0]: cls for cls in union.__args__}


NATURES = _natures()
PARAMS = {name: cls.model_fields["valeurs"].annotation.__args__[1] if "valeurs" in cls.model_fields else None
          for name, cls in NATURES.items()}
