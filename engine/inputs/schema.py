"""The records of events.md as typed structures, checked while the JSON is decoded (msgspec, in C).

Pass 1 of the evaluation of a year (:mod:`engine.year.read`) reads every line of a year with this
decoder: decoding and checking a record costs less than decoding it into a
dict alone. Only its *yes* is trusted: property tests hold that it never
takes a record :func:`engine.inputs.events.check_record` refuses (and that
the two agree on generated records); a line it refuses is read again with
the detailed check, which gives the French message, or takes it after all.

>>> rec = checked(b'{"type": "bail", "date": "2024-04-15", "offre": "O-1", "menage": "M-1"}')
>>> rec.offre, rec.date.isoformat()
('O-1', '2024-04-15')
>>> checked(b'{"type": "bail", "date": "2024-04-15", "offre": ""}') is None
True
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Optional, Union

import msgspec

from engine.inputs.events import MAX_DEPTH, RANG_MAX, logement_info_problem, plain

Text = Annotated[str, msgspec.Meta(min_length=1)]  # a required text: present, a string, not empty
Zone = Literal["tendue", "detendue"]


class Menage(msgspec.Struct, gc=False):
    id: Text
    dalo: Optional[bool] = None
    prioritaire: Optional[bool] = None
    mutation: Optional[bool] = None
    salarie: Optional[bool] = None
    quartile: Optional[Literal[1, 2, 3, 4]] = None
    relogement: Optional[Literal["anru", "orcod", "lhi"]] = None


class Base(msgspec.Struct, tag_field="type", kw_only=True, gc=False):
    """What every record type accepts: the identifier texts (a string or null), the booleans, the rank, the
    entry date, the notice and the inline dwelling (never null: absent or of their type)."""

    date: dt.date
    id: Optional[str] = None
    offre: Optional[str] = None
    logement: Optional[str] = None
    reservataire: Optional[str] = None
    menage: Optional[str] = None
    cible: Optional[str] = None
    motif: Optional[str] = None
    programme: Optional[str] = None
    reservataire_type: Optional[str] = None
    neuf: bool = None
    imputer_au_reservataire: bool = None
    adaptee: bool = None
    preavis_mois: Literal[1, 3] = None
    rang: Annotated[int, msgspec.Meta(ge=1, le=RANG_MAX)] = None
    entree: dt.date = None
    logement_info: dict = None


class Liberation(Base, tag="liberation"):
    logement: Text
    zone: Zone = None


class MiseADisposition(Base, tag="mise_a_disposition"):
    offre: Text
    logement: Text
    reservataire: Text
    zone: Zone = None


class Impossibilite(Base, tag="impossibilite"):
    offre: Text


class Candidats(Base, tag="candidats"):
    offre: Text
    menages: Annotated[list[Menage], msgspec.Meta(min_length=1)]
    source: Literal["reservataire", "bailleur"] = None


class Reprise(Base, tag="reprise"):
    offre: Text
    motif: Literal["delai_depasse", "impossibilite", "refus_tous", "autre"] = None


class Caleol(Base, tag="caleol"):
    offre: Text
    menage: Text
    decision: Literal["attribution", "attribution_sous_condition", "non_attribution", "irrecevable"]


class Reponse(Base, tag="reponse"):
    offre: Text
    menage: Text
    reponse: Literal["acceptation", "refus"]


class Bail(Base, tag="bail"):
    offre: Text
    menage: Text


class MiseEnService(Base, tag="mise_en_service"):
    logement: Text


class Annulation(Base, tag="annulation"):
    cible: Text


class Exercice(msgspec.Struct, tag_field="type", tag="exercice", gc=False):
    annee: Annotated[int, msgspec.Meta(ge=2000, le=2100)]
    regles: Optional[Annotated[str, msgspec.Meta(pattern=r"\S")]] = None
    bailleur: Optional[str] = None


Record = Union[Liberation, MiseADisposition, Impossibilite, Candidats, Reprise, Caleol, Reponse, Bail,
               MiseEnService, Annulation, Exercice]
_DECODER = msgspec.json.Decoder(Record)
Invalid = (msgspec.DecodeError, msgspec.ValidationError)


def checked(line: bytes):
    """The typed record, or None when the line is not one the detailed check would take as it is (the
    caller then reads it with the detailed check). The fields it does not know are skipped unread: a line that
    is not plain UTF-8 with few brackets is left to the detailed check (:func:`engine.inputs.events.plain`).
    Households listed twice and the cells of ``logement_info`` are what is left to see."""
    if line.count(b"{") + line.count(b"[") > MAX_DEPTH or not (line.isascii() or plain(line)):
        return None
    try:
        rec = _DECODER.decode(line)
    except (*Invalid, RecursionError):
        return None
    kind = type(rec)
    if kind is Candidats and len({m.id for m in rec.menages}) != len(rec.menages):
        return None
    if kind is not Exercice and rec.logement_info and logement_info_problem(rec.logement_info) is not None:
        return None
    return rec


KIND = {cls: cls.__struct_config__.tag for cls in Record.__args__}  # structure → record type
