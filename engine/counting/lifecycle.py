"""Offer life cycle: from ``mise_a_disposition`` to ``bail`` or ``reprise``.

Records are replayed in date order (stable). Cancelled records stay visible
for ``explain`` but do not count. A record that contradicts its offer's life
cycle is rejected with a reason (never dropped silently).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import itemgetter

from engine.inputs.events import Record

ATTRIBUTION = ("attribution", "attribution_sous_condition")
_second = itemgetter(1)


def _caleol_rank(record: Record) -> tuple:
    """Ranked attributions first, by rank (``rang`` goes up to 9999); unranked ones after them (their ``None``
    ranks are only compared with each other)."""
    rank = record.data.get("rang")
    return (rank is None, rank)


class OfferView:
    """What an offer and its slim form both answer."""

    __slots__ = ()

    @property
    def logement(self) -> str:
        return self.mad.data["logement"]

    @property
    def date(self) -> dt.date:
        return self.mad.date

    @property
    def neuf(self) -> bool:
        return bool(self.mad.data.get("neuf"))

    @property
    def bail_date(self) -> dt.date | None:
        if self.bail is None:
            return None
        return self.bail.data.get("_entree") or self.bail.date


class Offer(OfferView):
    """One offer cycle, built record by record by the :class:`Replayer`. ``attribuees`` follows the CALEOL
    decisions that attribute (kept as they are applied: the replay and every later stage read it often);
    ``refus_implicites`` (menage → date) is filled by the deadline stage."""

    __slots__ = ("id", "mad", "records", "menages", "candidats", "caleol", "reponses", "impossibilite", "reprise",
                 "bail", "refus_implicites", "attribuees", "_refus")

    def __init__(self, id: str, mad: Record, records: list[Record] | None = None):
        self.id, self.mad = id, mad
        self.records: list[Record] = records if records is not None else []
        self.menages: dict[str, dict] = {}
        self.candidats: list[Record] = []
        self.caleol: list[Record] = []
        self.reponses: dict[str, Record] = {}
        self.impossibilite: Record | None = None
        self.reprise: Record | None = None
        self.bail: Record | None = None
        self.refus_implicites: dict[str, dt.date] = {}
        self.attribuees: list[Record] = []
        self._refus: list | None = None

    def __repr__(self) -> str:
        return f"Offer({self.id!r}, {len(self.records)} enregistrements)"

    def attributees(self) -> list[Record]:
        return self.attribuees

    def in_caleol_order(self) -> list[Record]:
        """The attributions in the CALEOL's order (R441-3 b): by rank, unranked ones after the ranked, then by
        date and in the order of the life cycle (the order ``attribuees`` keeps, the sort being stable: on one
        day by record id, then by content: README « Ordre d'évaluation »).

        >>> from engine.inputs.events import Record
        >>> offer = Offer("O-1", None)
        >>> for line, (menage, rang) in enumerate([("M-1", None), ("M-2", 120), ("M-3", None), ("M-4", 2)], 2):
        ...     offer.attribuees.append(Record(f"c{line}", "caleol", dt.date(2024, 2, line), line,
        ...                                    {"menage": menage, "decision": "attribution", "rang": rang}))
        >>> [r.data["menage"] for r in offer.in_caleol_order()]
        ['M-4', 'M-2', 'M-1', 'M-3']
        """
        return sorted(self.attributees(), key=_caleol_rank)

    def complete(self) -> None:
        """The cycle is over and its implicit refusals are known (the deadline stage has run): the refusals,
        read several times from now on, are listed once."""
        self._refus = None
        self._refus = self.refus()

    @property
    def attribution_date(self) -> dt.date | None:
        found = self.attributees()
        return found[0].date if found else None

    def refus(self) -> list[tuple[str, dt.date, bool]]:
        """(menage, date, adaptee) for every refusal, explicit or by silence, in date order (a rule that counts
        an offer at its first refusal reads the first). A refusal by silence says nothing of the proposal: no
        record says it was adapted.

        >>> from engine.inputs.events import Record
        >>> offer = Offer("O-1", None)
        >>> offer.reponses["M-1"] = Record("r", "reponse", dt.date(2024, 5, 20), 7,
        ...                                {"menage": "M-1", "reponse": "refus", "adaptee": True})
        >>> offer.reponses["M-3"] = Record("a", "reponse", dt.date(2024, 5, 21), 8,
        ...                                {"menage": "M-3", "reponse": "acceptation"})
        >>> offer.refus_implicites["M-2"] = dt.date(2024, 5, 6)
        >>> offer.refus()
        [('M-2', datetime.date(2024, 5, 6), False), ('M-1', datetime.date(2024, 5, 20), True)]
        """
        if self._refus is not None:
            return self._refus
        out = [(m, r.date, bool(r.data.get("adaptee"))) for m, r in self.reponses.items()
               if r.data["reponse"] == "refus"]
        out += [(m, d, False) for m, d in self.refus_implicites.items()]
        return sorted(out, key=_second)

    def tous_refus(self) -> dt.date | None:
        """Date when every attributed household had refused (and no lease), else None."""
        attributed = {r.data["menage"] for r in self.attributees()}
        if not attributed or self.bail is not None:
            return None
        refused = {m: d for m, d, _ in self.refus()}
        if attributed <= set(refused):
            return max(refused[m] for m in attributed)
        return None

    def menage_retenu(self) -> dict | None:
        """The household that counts for obligations: the lessee, else the first-ranked attributee. Both were
        designated (the replay rejects a CALEOL decision for a household that was not, and a lease without an
        attribution): their household objects are in ``menages``."""
        if self.bail is not None:
            return self.menages[self.bail.data["menage"]]
        attributed = self.in_caleol_order()
        return self.menages[attributed[0].data["menage"]] if attributed else None

    def nb_candidats(self) -> int:
        return len({x["id"] for r in self.candidats if r.data.get("source", "reservataire") == "reservataire"
                    for x in r.data["menages"]})


    def slim(self) -> SlimOffer:
        """What the tally and the bilan read once the offer is evaluated, without its candidate, CALEOL and
        answer records (the evaluation of a year keeps this instead of the whole cycle)."""
        return SlimOffer(self.id, self.mad, self.bail, self.reprise, self.impossibilite, bool(self.candidats),
                         self.attribution_date, self.refus(), self.menage_retenu(), dict(self.refus_implicites))


@dataclass(slots=True)
class SlimOffer(OfferView):
    id: str
    mad: Record
    bail: Record | None
    reprise: Record | None
    impossibilite: Record | None
    candidats: bool
    attribution_date: dt.date | None
    _refus: list
    _menage: dict | None
    refus_implicites: dict

    def refus(self) -> list[tuple[str, dt.date, bool]]:
        return self._refus

    def menage_retenu(self) -> dict | None:
        return self._menage


@dataclass
class Lifecycle:
    """What an offer's evaluation reads of its dwelling: the libérations and mises en service, each dwelling's
    in the order of the life cycle (cancelled ones left out): dicts, or read from the file as they are asked
    for (:class:`engine.year.replay.Stored`)."""

    liberations: Mapping[str, list[Record]]
    mises_en_service: Mapping[str, list[Record]]


class Replayer:
    """The life cycle built one record at a time, each offer's records in the order of the life cycle (pass 2
    of :mod:`engine.year.replay` feeds it). ``first_open(offer)`` has the ``date`` and ``line`` of the offer's
    first mise à disposition that is not cancelled (for the message of a record that comes before it)."""

    def __init__(self, reject, first_open: Callable):
        self.reject = reject
        self.first_open = first_open
        self.offers: dict[str, Offer] = {}

    def feed(self, r: Record) -> None:
        """One record of an offer (the libérations and mises en service are the index's: pass 1 keeps them by
        dwelling, cancelled ones left out, :class:`engine.year.replay.Stored`)."""
        oid = r.data["offre"]
        offer = self.offers.get(oid)
        if r.type == "mise_a_disposition":
            if r.annule:
                return
            if offer is not None:
                self.reject(r, f"offre « {oid} » déjà ouverte (ligne {offer.mad.line}) : une offre = une vacance "
                               f"proposée à un réservataire ; utilisez un autre identifiant d'offre")
                return
            self.offers[oid] = Offer(oid, r, [r])
            return
        if offer is None:
            opener = self.first_open(oid)
            reason = (f"« {r.type} » daté du {r.date.isoformat()} avant la mise à disposition de l'offre « {oid} » "
                      f"({opener.date.isoformat()}, ligne {opener.line})") if opener else \
                f"« {r.type} » pour l'offre « {oid} » jamais ouverte (aucune mise_a_disposition)"
            if not r.annule:
                self.reject(r, reason)
            return
        offer.records.append(r)
        if r.annule:
            return
        reason = _contradiction(offer, r)
        if reason:
            offer.records.pop()
            self.reject(r, reason)
            return
        _apply(offer, r)


_AFTER_REPRISE = frozenset(("candidats", "caleol", "reponse", "bail", "impossibilite"))
_AFTER_BAIL = frozenset(("caleol", "bail", "reprise", "candidats"))


def _contradiction(offer: Offer, r: Record) -> str | None:
    kind = r.type
    reprise = offer.reprise
    if reprise is not None and kind in _AFTER_REPRISE and not reprise.data.get("imputer_au_reservataire"):
        return (f"« {kind} » après la reprise du logement par le bailleur (ligne {reprise.line}) sans "
                f"imputation au réservataire")
    if offer.bail is not None and kind in _AFTER_BAIL:
        return f"« {kind} » après la signature du bail (ligne {offer.bail.line})"
    if kind == "candidats" or kind == "impossibilite":
        return None
    if kind == "reprise":
        return f"reprise déjà enregistrée (ligne {reprise.line})" if reprise is not None else None
    menage = r.data["menage"]
    if kind == "caleol":
        if menage not in offer.menages:
            return f"décision CALEOL pour le ménage « {menage} » qui n'a pas été désigné pour l'offre"
        return None
    if kind == "reponse" or kind == "bail":
        for x in offer.attribuees:
            if x.data["menage"] == menage:
                break
        else:
            return f"« {kind} » du ménage « {menage} » sans attribution CALEOL pour l'offre"
        answer = offer.reponses.get(menage)
        if kind == "reponse" and answer is not None:
            return f"réponse du ménage « {menage} » déjà enregistrée (ligne {answer.line})"
        if kind == "bail" and answer is not None and answer.data["reponse"] == "refus":
            return f"bail du ménage « {menage} » qui a refusé la proposition (ligne {answer.line})"
    return None


def _apply(offer: Offer, r: Record) -> None:
    if r.type == "candidats":
        offer.candidats.append(r)
        for m in r.data["menages"]:
            offer.menages.setdefault(m["id"], m)
    elif r.type == "caleol":
        offer.caleol.append(r)
        if r.data["decision"] in ATTRIBUTION:
            offer.attribuees.append(r)
    elif r.type == "reponse":
        offer.reponses[r.data["menage"]] = r
    elif r.type == "bail":
        offer.bail = r
    elif r.type == "reprise":
        offer.reprise = r
    elif r.type == "impossibilite":
        offer.impossibilite = offer.impossibilite or r
