"""Seeded synthetic inventory and event log (``flux-rules generate``), valid under the contracts.

Proportions follow the seeds and the national figures (performance.md): a year
frees 8 to 12 % of the eligible stock (the rotation rate the inventory prints,
:func:`plan`); most offers end in a lease; some see refusals (explicit or by silence),
impossibility notices, reprises (deadline missed, all candidates refused),
late candidates, unknown quartiles, cancelled records; several réservataire
types; QPV and non-QPV dwellings; a few new programmes. Everything comes
from one ``random.Random(seed)``: the same seed gives byte-identical files.

Records are written in date order (the contract does not require it, but a
sorted file is what bailleurs' systems export and what lets ``evaluate``
stream).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

from engine.report.output import write_file

TERRITORIES = {
    "haute-garonne": {
        "departement": "31",
        "communes": [("TOULOUSE", "TOULOUSE METROPOLE", 55), ("BLAGNAC", "TOULOUSE METROPOLE", 8),
                     ("COLOMIERS", "TOULOUSE METROPOLE", 8), ("ESCALQUENS", "SICOVAL", 4),
                     ("RAMONVILLE-SAINT-AGNE", "SICOVAL", 5), ("MURET", "LE MURETAIN AGGLO", 8),
                     ("SAINT-GAUDENS", "CC COEUR ET COTEAUX DU COMMINGES", 12)],
        "reservataires": [("PREFECTURE PRIORITAIRE", 24), ("PREFECTURE FONCTIONNAIRE", 5), ("ACTION LOGEMENT", 17),
                          ("CILEO", 3), ("CONSEIL GENERAL", 7), ("TOULOUSE METROPOLE", 9),
                          ("MAIRIE ESCALQUENS", 3), ("", 32)],
        "zone": "tendue",
    },
    "rhone": {
        "departement": "69",
        "communes": [("DECINES-CHARPIEU", "METROPOLE DE LYON", 30), ("VAULX-EN-VELIN", "METROPOLE DE LYON", 40),
                     ("VILLEFRANCHE-SUR-SAONE", "CA VILLEFRANCHE BEAUJOLAIS SAONE", 30)],
        "reservataires": [("PREFECTURE PRIORITAIRE", 25), ("PREFECTURE FONCTIONNAIRE", 5), ("ACTION LOGEMENT", 20),
                          ("CONSEIL DEPARTEMENTAL", 5), ("DECINES-CHARPIEU", 10), ("", 35)],
        "zone": "tendue",
    },
    "ain": {
        "departement": "01",
        "communes": [("ORNEX", "PAYS DE GEX AGGLO", 20), ("BOURG-EN-BRESSE", "GRAND BOURG AGGLOMERATION", 50),
                     ("OYONNAX", "HAUT-BUGEY AGGLOMERATION", 30)],
        "reservataires": [("PREFECTURE PRIORITAIRE", 25), ("PREFECTURE FONCTIONNAIRE", 5), ("ACTION LOGEMENT", 20),
                          ("CONSEIL DEPARTEMENTAL", 5), ("ORNEX", 10), ("", 35)],
        "zone": "detendue",
    },
}
HEADER = ["N° RPLS", "Réservataire du bien", "Commune", "EPCI", "Département", "En QPV", "Typologie du bien",
          "Type de financement", "Collectif / Individuel", "Date de construction", "PMR", "Catégorie", "En vente",
          "Démolition", "Taux de rotation moyen sur l'ensemble du parc du bailleur par département"]
MOTIFS = ["violences_conjugales", "sans_logement", "logement_indigne", "sur_occupation", "handicap", "sortie_structure"]


def _weighted(rng: random.Random, items: list[tuple]) -> tuple:
    total = sum(w for *_, w in items)
    pick = rng.random() * total
    for item in items:
        pick -= item[-1]
        if pick < 0:
            return item
    return items[-1]


@dataclass
class Dwelling:
    rpls: str
    reservataire: str
    commune: str
    epci: str
    qpv: bool
    typologie: str
    financement: str
    eligible: bool
    genre: str = "Collectif"
    annee: int = 2000
    categorie: str = "familial"
    vente: bool = False
    demolition: bool = False


def inventory(n: int, rng: random.Random, territory: dict, rate: str) -> tuple[str, list[Dwelling]]:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    dwellings = []
    dep = territory["departement"]
    for i in range(n):
        commune, epci, _ = _weighted(rng, territory["communes"])
        holder = _weighted(rng, territory["reservataires"])[0]
        qpv = rng.random() < (0.35 if epci.startswith(("TOULOUSE", "METROPOLE")) else 0.15)
        typologie = rng.choices(["T1", "T2", "T3", "T4", "T5", "T6"], [6, 22, 36, 26, 8, 2])[0]
        financement = rng.choices(["PLUS", "PLAI", "PLS", "PLA", "PLI"], [58, 22, 12, 6, 2])[0]
        genre = "Collectif" if rng.random() < 0.82 else "Individuel"
        annee = rng.choice(range(1955, 2024))
        pmr = rng.choices(["", "PMR", "UFR"], [90, 6, 4])[0]
        categorie = rng.choices(["familial", "foyer", "residence_sociale", "etudiant"], [95, 2, 1.5, 1.5])[0]
        vente = rng.random() < 0.01
        demolition = rng.random() < 0.005
        rpls = f"{dep}{i + 1:08d}"
        writer.writerow([rpls, holder, commune, epci, dep, "En" if qpv else "Hors", typologie, financement, genre,
                         annee, pmr, categorie, "oui" if vente else "non", "oui" if demolition else "non", rate])
        eligible = categorie == "familial" and financement != "PLI" and not vente and not demolition
        dwellings.append(Dwelling(rpls, holder, commune, epci, qpv, typologie, financement, eligible, genre, annee,
                                  categorie, vente, demolition))
    return buf.getvalue(), dwellings


class _Log:
    def __init__(self, last: dt.date):
        self.rows: list[tuple[dt.date, int, str]] = []
        self.seq = 0
        self.last = last  # the year's last day
        self.in_year = 0

    def add(self, date: dt.date, record: dict) -> str:
        self.seq += 1
        self.in_year += date <= self.last
        rid = f"E{self.seq}"
        body = {"id": rid, "type": record.pop("type"), "date": date.isoformat(), **record}
        self.rows.append((date, self.seq, json.dumps(body, ensure_ascii=False, separators=(", ", ": "))))
        return rid


def _household(rng: random.Random, n: int, reservataire: str) -> dict:
    prioritaire = rng.random() < (0.75 if reservataire.startswith("PREFECTURE PRIO") else 0.22)
    dalo = prioritaire and rng.random() < 0.2
    m = {"id": f"M-{n}", "dalo": dalo, "prioritaire": prioritaire}
    if prioritaire:
        m["motif"] = rng.choice(MOTIFS)
    if rng.random() >= 0.08:  # 8 % unknown quartiles
        m["quartile"] = rng.choices([1, 2, 3, 4], [30, 28, 24, 18])[0]
    m["mutation"] = rng.random() < 0.12
    relogement = rng.choices([None, "anru", "lhi"], [96, 3, 1])[0]
    m["relogement"] = relogement
    m["salarie"] = rng.random() < (0.9 if "ACTION" in reservataire or reservataire == "CILEO" else 0.5)
    return m


def _offer(log: _Log, rng: random.Random, oid: int, d: Dwelling, start: dt.date, zone: str, counter: list[int],
           holders: list[tuple]) -> None:
    reservataire = d.reservataire if d.reservataire and rng.random() < 0.8 else _weighted(rng, holders)[0]
    reservataire = reservataire or "bailleur"
    offre = f"O-{oid}"
    preavis = 1 if zone == "tendue" else 3
    neuf = rng.random() < 0.03
    day = start
    if neuf:
        log.add(day, {"type": "mise_en_service", "logement": d.rpls, "programme": f"P-{oid // 50}"})
    else:
        log.add(day, {"type": "liberation", "logement": d.rpls, "preavis_mois": preavis, "zone": zone})
    day += dt.timedelta(days=rng.randint(0, 4))
    info = {"commune": d.commune, "epci": d.epci, "qpv": d.qpv, "typologie": d.typologie,
            "financement": d.financement}
    mad = {"type": "mise_a_disposition", "offre": offre, "logement": d.rpls, "reservataire": reservataire,
           "zone": zone, "logement_info": info}
    if neuf:
        mad["neuf"] = True
    log.add(day, mad)
    fate = rng.random()
    if fate < 0.05:  # the réservataire cannot designate anyone
        day += dt.timedelta(days=rng.randint(1, 6))
        log.add(day, {"type": "impossibilite", "offre": offre, "motif": "aucun_candidat"})
        day += dt.timedelta(days=rng.randint(1, 5))
        log.add(day, {"type": "reprise", "offre": offre, "motif": "impossibilite",
                      "imputer_au_reservataire": rng.random() < 0.5})
        return
    late = fate < 0.12
    day += dt.timedelta(days=rng.randint(20, 40) if late else rng.randint(3, 15))
    if fate < 0.08:  # deadline missed: the bailleur takes the dwelling back
        log.add(day, {"type": "reprise", "offre": offre, "motif": "delai_depasse"})
        return
    size = rng.choices([1, 2, 3], [8, 12, 80])[0]
    menages = []
    for _ in range(size):
        counter[0] += 1
        menages.append(_household(rng, counter[0], reservataire))
    log.add(day, {"type": "candidats", "offre": offre, "menages": menages})
    day += dt.timedelta(days=rng.randint(7, 25))
    ranked = list(menages)
    if rng.random() < 0.02:  # a decision entered by mistake, then cancelled
        wrong = log.add(day, {"type": "caleol", "offre": offre, "menage": ranked[0]["id"],
                              "decision": "non_attribution"})
        log.add(day, {"type": "annulation", "cible": wrong, "motif": "saisie erronée"})
    for rank, m in enumerate(ranked, 1):
        decision = rng.choices(["attribution", "non_attribution", "irrecevable"], [88, 10, 2])[0]
        log.add(day, {"type": "caleol", "offre": offre, "menage": m["id"], "decision": decision, "rang": rank})
        if decision != "attribution":
            continue
        answer_day = day + dt.timedelta(days=rng.randint(2, 9))
        roll = rng.random()
        if roll < 0.14:
            log.add(answer_day, {"type": "reponse", "offre": offre, "menage": m["id"], "reponse": "refus",
                                 "adaptee": rng.random() < 0.7})
            continue
        if roll < 0.17:  # silence: a refusal inferred after the legal delay (R441-10)
            continue
        log.add(answer_day, {"type": "reponse", "offre": offre, "menage": m["id"], "reponse": "acceptation"})
        lease = answer_day + dt.timedelta(days=rng.randint(7, 30))
        log.add(lease, {"type": "bail", "offre": offre, "menage": m["id"]})
        return
    day += dt.timedelta(days=rng.randint(30, 35))
    log.add(day, {"type": "reprise", "offre": offre, "motif": "refus_tous"})


ROTATION = (0.08, 0.12)  # the share of the eligible stock a year frees (libérations and first lettings)
RECORDS_PER_OFFER = 6  # about what an offer's cycle writes: libération, mise à disposition, candidats, CALEOL, réponse, bail


@dataclass
class Plan:
    """How many vacancies the log opens, over how many days, and whether that is a plausible year.

    A year frees the share of the eligible stock that the inventory's rotation rate says (8 to 12 %):
    ``yearly`` vacancies. A log of fewer records is the start of such a year (its vacancies open over
    ``days`` days at that pace); a log of more records than such a year writes cannot be a plausible year
    of this stock: each dwelling is freed ``rounds`` times, and :attr:`note` says what stock would fit.
    """

    rotation: float
    eligible: int
    offers: int
    yearly: int
    rounds: int
    days: int

    @property
    def plausible(self) -> bool:
        return self.offers <= self.yearly

    def note(self, dwellings: int, events: int) -> str | None:
        if self.plausible:
            return None
        share = self.offers / self.eligible
        needed = math.ceil(dwellings * self.offers / self.yearly / 1000) * 1000
        return (f"attention : {_fr(events)} enregistrements pour {_fr(dwellings)} logements, c'est libérer "
                f"{_pct(share)} du parc éligible dans l'année, quand une rotation plausible en libère 8 à 12 % "
                f"(ici {_pct(self.rotation)}, {_fr(self.yearly)} logements) : donnez --dwellings {needed} au moins, "
                f"ou --events {self.yearly * RECORDS_PER_OFFER} au plus, pour une année réaliste")


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %".replace(".", ",")


def _fr(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def plan(eligible: int, events: int, rotation: float) -> Plan:
    """The vacancies of a log of ``events`` records on ``eligible`` dwellings freed at ``rotation`` a year.

    >>> p = plan(1000, 300, 0.1); (p.offers, p.yearly, p.rounds, p.days, p.plausible)
    (51, 100, 1, 187, True)
    >>> p = plan(1000, 20000, 0.1); (p.offers, p.rounds, p.plausible)
    (3335, 4, False)
    """
    offers = math.ceil(events / RECORDS_PER_OFFER) + 1
    yearly = max(1, round(rotation * eligible))
    if offers <= yearly:  # the start of a year at the inventory's pace
        return Plan(rotation, eligible, offers, yearly, 1, max(1, math.ceil(365 * offers / yearly)))
    if offers <= ROTATION[1] * eligible:  # a whole year, a little faster, still within 8 to 12 %
        return Plan(rotation, eligible, offers, offers, 1, 365)
    return Plan(rotation, eligible, offers, yearly, math.ceil(offers / eligible), 300)


def generate(dwellings: int, events: int, seed: int, territory: str = "haute-garonne", year: int = 2024,
             rules: str | None = None, notes: list[str] | None = None, stock: list | None = None) -> tuple[str, str]:
    """(inventory CSV text, event log JSONL text), deterministic for a seed; ``notes`` gets what the user
    should know (a stock too small for a plausible year of so many records); ``stock`` gets the dwellings."""
    if territory not in TERRITORIES:
        raise ValueError(f"territoire « {territory} » inconnu : attendu {', '.join(TERRITORIES)}")
    if dwellings < 1 or events < 1:
        raise ValueError("--dwellings et --events : attendu des nombres positifs")
    rng = random.Random(seed)
    spec = TERRITORIES[territory]
    hundredths = rng.choice(range(round(ROTATION[0] * 10000), round(ROTATION[1] * 10000)))  # the inventory's
    # rotation rate, 8 to 12 %: the log follows it
    rate = f"{hundredths / 100:.2f}".replace(".", ",") + " %"
    inventory_text, made = inventory(dwellings, rng, spec, rate)
    if stock is not None:
        stock.extend(made)
    eligible = [d for d in made if d.eligible] or made
    p = plan(len(eligible), events, hundredths / 10000)
    if notes is not None and p.note(dwellings, events):
        notes.append(p.note(dwellings, events))
    window = max(1, p.days // p.rounds)
    order = list(range(len(eligible)))
    rng.shuffle(order)
    log = _Log(last=dt.date(year, 12, 31))
    counter = [0]
    oid = 0
    first = dt.date(year, 1, 2)
    while log.in_year < events:  # a record after 31/12 is not the year's: more offers make up for it
        rnd, slot = divmod(oid, len(eligible))
        if p.rounds == 1:
            start = first + dt.timedelta(days=rng.randint(0, p.days - 1))
        else:  # the same dwelling again: after its previous vacancy
            start = first + dt.timedelta(days=rnd * window + rng.randint(0, max(0, window - 60)))
        _offer(log, rng, oid + 1, eligible[order[slot]], start, spec["zone"], counter, spec["reservataires"])
        oid += 1
    kept = sorted(row for row in log.rows if row[0] <= log.last)[:events]
    lines = [json.dumps({"type": "exercice", "annee": year, "regles": rules or territory,
                         "bailleur": "bailleur-synthetique"}, ensure_ascii=False, separators=(", ", ": "))]
    lines += [text for _, _, text in kept]
    return inventory_text, "\n".join(lines) + "\n"


def write(dwellings: int, events: int, seed: int, out_dir: Path, territory: str = "haute-garonne",
          year: int = 2024, notes: list[str] | None = None, rpls: bool = False) -> tuple[Path, Path]:
    """The inventory and the log; with ``rpls``, the same dwellings as an RPLS file and its reservations table
    too (``rpls.csv``, ``reservations.csv``: :mod:`engine.generate_rpls`)."""
    stock: list[Dwelling] = []
    inventory_text, events_text = generate(dwellings, events, seed, territory, year, notes=notes, stock=stock)
    out_dir.mkdir(parents=True, exist_ok=True)
    inv_path, ev_path = out_dir / "inventaire.csv", out_dir / "evenements.jsonl"
    write_file(inv_path, inventory_text.encode("utf-8-sig"))  # whole or not at all (engine/report/output.py)
    write_file(ev_path, events_text, newline="\n")
    if rpls:
        from engine.generate_rpls import rpls_files

        rpls_text, reservations_text = rpls_files(stock, TERRITORIES[territory])
        write_file(out_dir / "rpls.csv", rpls_text.encode("cp1252"))  # as the bailleurs' systems export it
        write_file(out_dir / "reservations.csv", reservations_text.encode("utf-8"))
    return inv_path, ev_path
