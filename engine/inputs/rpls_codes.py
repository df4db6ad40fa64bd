"""The RPLS code lists (``rules/national/rpls-codes.yaml``): data read and checked with pydantic, not Python literals.

Each column of a bailleur's RPLS file the flux reads says the inventory field it gives (``champ``), its
aliases (the SDES open-data names), the text it comes from, and for a coded column every code the arrêté du
5 janvier 2010 allows with its label and the value of the field. A change of the arrêté is a change of this
table; a table that does not hold together (a field no column names, a contingent naming no réservataire) is
``FILE:LINE: message``, exit 2.

>>> table = codes()
>>> table.columns["FINAN"].codes["13"].valeur, table.columns["CONTRESLOG"].codes["4"].titulaire_a_nommer
('PLUS', True)
>>> table.column_for("depcom_code"), table.column_for("Finan"), table.column_for("Commune")
('DEPCOM', 'FINAN', None)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.problems import BadInput, Problem
from engine.ruleset.inherit import normalise_name
from engine.yamlsource import load_yaml

FIELDS = ("rpls_id", "commune", "epci", "departement", "qpv", "collectif_individuel", "typologie",
          "annee_construction", "financement", "conventionnement", "sortie_patrimoine", "occupation", "en_vente",
          "contingent")


class Code(BaseModel):
    model_config = ConfigDict(extra="forbid")
    libelle: str = Field(min_length=1)
    valeur: Optional[str] = Field(None, description="Valeur du champ de l'inventaire")
    avant_1977: Optional[bool] = Field(None, description="FINAN : financement de l'État antérieur à 1977")
    reservataire: Optional[str] = Field(None, description="CONTRESLOG : entrée du registre des réservataires")
    titulaire_a_nommer: bool = False


class Column(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: Optional[int] = Field(None, description="Numéro de l'item dans l'annexe de l'arrêté")
    champ: Optional[Literal[FIELDS]] = None  # type: ignore[valid-type]
    alias: list[str] = Field(default_factory=list)
    source: str = Field(min_length=1)
    codes_source: Optional[str] = None
    longueur: Optional[int] = Field(None, ge=1)
    codes: dict[str, Code] = Field(default_factory=dict)


class CodeTable(BaseModel):
    model_config = ConfigDict(extra="forbid")
    table: Literal["rpls-codes"]
    source: str = Field(min_length=1)
    colonnes: dict[str, Column]

    @model_validator(mode="after")
    def _holds_together(self) -> CodeTable:
        for name in ("IDENT_REP", "FINAN", "CONV", "CONTRESLOG"):
            if name not in self.colonnes:
                raise ValueError(f"colonne « {name} » absente : le lecteur RPLS la lit")
        for code, entry in self.colonnes["CONTRESLOG"].codes.items():
            if entry.reservataire is None or entry.valeur is None:
                raise ValueError(f"CONTRESLOG « {code} » : reservataire et valeur obligatoires")
        for code, entry in self.colonnes["FINAN"].codes.items():
            if entry.valeur is None:
                raise ValueError(f"FINAN « {code} » : valeur obligatoire")
        return self

    @property
    def columns(self) -> dict[str, Column]:
        return self.colonnes

    def column_for(self, header: str) -> str | None:
        """The RPLS column a header names (its name or an alias, any case), or None."""
        return _aliases(self).get(normalise_name(header))

    def marks(self, header: list[str]) -> bool:
        """Whether a header is an RPLS file's: its id column and at least two other coded columns."""
        found = {self.column_for(title) for title in header} - {None}
        return "IDENT_REP" in found and len(found & {"FINAN", "CONV", "CONTRESLOG", "QPV", "TYPECONST"}) >= 2


_ALIASES: dict[int, dict[str, str]] = {}


def _aliases(table: CodeTable) -> dict[str, str]:
    key = id(table)
    if key not in _ALIASES:
        _ALIASES[key] = {normalise_name(a): name for name, col in table.colonnes.items() for a in [name, *col.alias]}
    return _ALIASES[key]


def table_path() -> Path:
    """The shipped table: ``rules/national/rpls-codes.yaml`` (package data ``engine/rules`` once installed)."""
    from engine.ruleset.home import shipped

    for folder in shipped():
        candidate = folder / "national" / "rpls-codes.yaml"
        if candidate.is_file():
            return candidate
    raise BadInput([Problem("rules/national/rpls-codes.yaml", 0, "table des codes RPLS introuvable : réinstallez "
                                                                 "flux-rules (ses règles livrées manquent)")])


@cache
def codes(path: Path | None = None) -> CodeTable:
    """The code table, read and checked once."""
    from engine.ruleset.load import display, validation_problems

    path = path or table_path()
    name = display(path)
    data, positions = load_yaml(path, name)
    try:
        return CodeTable.model_validate(data)
    except ValidationError as exc:
        raise BadInput(validation_problems(exc, name, positions, data)) from None
