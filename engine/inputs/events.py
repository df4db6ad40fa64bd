"""Read the JSONL event log (events.md): header, records, ids, stable date order, invalid lines.

Every line that is not blank or a ``//`` comment is a record. An invalid
record is a :class:`~engine.problems.Problem` naming ``FILE:LINE``; nothing
is dropped silently: ``lus = evalues + rejetes``.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
import orjson

from engine.problems import Problem

TYPES = {"exercice", "liberation", "mise_a_disposition", "impossibilite", "candidats", "reprise", "caleol",
         "reponse", "bail", "mise_en_service", "annulation"}
REQUIRED = {
    "exercice": ("annee",),
    "liberation": ("logement",),
    "mise_a_disposition": ("offre", "logement", "reservataire"),
    "impossibilite": ("offre",),
    "candidats": ("offre", "menages"),
    "reprise": ("offre",),
    "caleol": ("offre", "menage", "decision"),
    "reponse": ("offre", "menage", "reponse"),
    "bail": ("offre", "menage"),
    "mise_en_service": ("logement",),
    "annulation": ("cible",),
}
STRINGS = ("offre", "logement", "reservataire", "menage", "cible", "id", "motif", "programme", "reservataire_type")
ENUMS = {
    ("caleol", "decision"): ("attribution", "attribution_sous_condition", "non_attribution", "irrecevable"),
    ("reponse", "reponse"): ("acceptation", "refus"),
    ("reprise", "motif"): ("delai_depasse", "impossibilite", "refus_tous", "autre"),
    ("liberation", "zone"): ("tendue", "detendue"),
    ("mise_a_disposition", "zone"): ("tendue", "detendue"),
    ("candidats", "source"): ("reservataire", "bailleur"),
}
BOOLS = ("neuf", "imputer_au_reservataire", "adaptee")
MENAGE_BOOLS = ("dalo", "prioritaire", "mutation", "salarie")


class Record(msgspec.Struct):
    """One record as kept: its data without type, date and id (a msgspec structure: made in C, a million
    times a year)."""

    id: str
    type: str
    date: dt.date
    line: int
    data: dict
    annule: bool = False

    @property
    def offre(self) -> str | None:
        return self.data.get("offre")

    @property
    def logement(self) -> str | None:
        return self.data.get("logement")


@dataclass
class EventLog:
    path: str
    header: dict | None
    records: list[Record]
    problems: list[Problem]
    lus: int
    rejected_lines: dict[int, str] = field(default_factory=dict)

    def reject(self, record: Record, reason: str) -> None:
        """A record valid on its own but contradicting its offer's life cycle."""
        self.problems.append(Problem(self.path, record.line, reason, "cycle-incoherent"))
        self.rejected_lines[record.line] = reason


def record_lines(handle, progress=None, first_line: int = 1, limit: int | None = None, starts=None,
                 at: int = 0):
    """(line number, bytes) of every record line: blank lines and ``//`` comments left out;
    ``progress(bytes_read)`` every 20 000 lines. A line that starts with ``{`` is given as read (the JSON
    parser ignores the end of line): only other lines are stripped and looked at. ``first_line``: the number
    of the handle's next line; ``limit``: the lines that start in the next ``limit`` bytes, no more;
    ``starts`` (with ``limit``): a list or array given the position in the file of every line read (blank and
    comment lines too); ``at``: the handle's position in the file."""
    counting = progress is not None or limit is not None
    end = at + limit if limit is not None else float("inf")
    here = starts.append if starts is not None else None
    done = at
    lineno = first_line - 1
    for raw in handle:
        lineno += 1
        if counting:
            if done >= end:
                return
            if here is not None:
                here(done)
            done += len(raw)
            if progress is not None and lineno % 20000 == 0:
                progress(done - at)
        if raw[:1] == b"{":
            yield lineno, raw
            continue
        stripped = raw.strip()
        if stripped and not stripped.startswith(b"//"):
            yield lineno, stripped


def read_events(path: Path, shown: str | None = None, progress=None) -> EventLog:
    """``progress(bytes_read)``, when given, is called every 20 000 lines (a progress bar on stderr)."""
    name = shown or str(path)
    problems: list[Problem] = []
    records: list[Record] = []
    header = None
    ids: dict[str, int] = {}
    infos: dict[tuple, dict] = {}  # identical logement_info objects, merged
    lus = 0
    try:
        handle = path.open("rb")
    except OSError as exc:
        return EventLog(name, None, [], [Problem(name, 0, f"fichier introuvable ou illisible ({exc.strerror})")], 0)
    with handle:
        for lineno, stripped in record_lines(handle, progress):
            lus += 1
            try:
                obj = orjson.loads(stripped)
            except orjson.JSONDecodeError as exc:
                problems.append(Problem(name, lineno, f"JSON invalide ({exc.msg}) : attendu un objet par ligne, "
                                                      f"par exemple {{\"type\": \"bail\", \"date\": \"2024-04-15\", ...}}"))
                continue
            if not valid(obj):  # the fast check failed: the detailed one says why
                message = check_record(obj)
                if message:
                    problems.append(Problem(name, lineno, message))
                    continue
            if obj["type"] == "exercice":
                if records or header is not None:
                    problems.append(Problem(name, lineno, "l'en-tête « exercice » doit être le premier enregistrement"))
                else:
                    header = obj
                continue
            rid = obj.get("id") or f"{name}:{lineno}"
            if rid in ids:
                problems.append(Problem(name, lineno, f"identifiant « {rid} » en double (déjà ligne {ids[rid]})"))
                continue
            ids[rid] = lineno
            records.append(Record(rid, obj["type"], obj["_date"], lineno, compact(obj, infos)))
    records.sort(key=lambda r: r.date)  # stable: equal dates keep file order
    return EventLog(name, header, records, problems, lus)


SHARED = ("offre", "logement", "reservataire", "menage", "decision", "reponse", "motif", "zone", "source", "cible",
          "reservataire_type")
def compact(obj: dict, infos: dict) -> dict:
    """The record's data without what the Record already holds (type, date, id), repeated texts shared
    (an offer id appears in every record of its cycle) and identical ``logement_info`` objects merged:
    about a third less memory for a year of records."""
    for key in ("type", "date", "id", "_date"):
        obj.pop(key, None)
    for key in SHARED:
        value = obj.get(key)
        if type(value) is str:
            obj[key] = sys.intern(value)
    share_logement_info(obj, infos)
    for menage in obj.get("menages") or ():
        for key in ("id", "motif"):
            if type(menage.get(key)) is str:
                menage[key] = sys.intern(menage[key])
    return dict(obj)  # a fresh dict, sized for what is left


def share_logement_info(obj: dict, infos: dict) -> None:
    """Identical ``logement_info`` objects merged into one (its facts are then worked out once)."""
    info = obj.get("logement_info")
    if info:
        try:
            obj["logement_info"] = infos.setdefault(tuple(info.items()), info)
        except TypeError:  # a nested value: kept as is
            pass


_DATES: dict[str, dt.date] = {}


def _date(text) -> dt.date | None:
    """ISO date, cached (a year of records has a few hundred distinct dates)."""
    found = _DATES.get(text) if type(text) is str else None
    if found is None and type(text) is str and len(text) == 10:
        try:
            found = _DATES[text] = dt.date.fromisoformat(text)
        except ValueError:
            return None
    return found


def _is_rank(value) -> bool:
    return type(value) is int and value >= 1


def _checks_for(kind: str) -> dict:
    """Field → check for one record type; ``None`` for the free-text fields (a string or null), which
    :func:`valid` checks inline."""
    checks = {key: None for key in STRINGS}
    for (k, key), allowed in ENUMS.items():
        if k == kind:
            checks[key] = lambda v, a=frozenset(allowed): type(v) is str and v in a
    for key in BOOLS:
        checks[key] = lambda v: type(v) is bool
    checks["preavis_mois"] = lambda v: v in (1, 3)
    checks["rang"] = _is_rank
    checks["entree"] = lambda v: _date(v) is not None
    checks["logement_info"] = lambda v: type(v) is dict
    if kind == "candidats":
        checks["menages"] = lambda v: _check_menages(v) is None
    return checks


_SPECS = {kind: (REQUIRED[kind], _checks_for(kind)) for kind in TYPES if kind != "exercice"}
_UNCHECKED = object()


def valid(obj) -> bool:
    """The same verdict as :func:`check_record` (True = no problem), without building a message; sets
    ``_date`` (and ``_entree``) like it. One dict lookup per field of the record."""
    if type(obj) is not dict:
        return False
    kind = obj.get("type")
    spec = _SPECS.get(kind) if type(kind) is str else None
    if spec is None:
        return False
    required, checks = spec
    day = _date(obj.get("date"))
    if day is None:
        return False
    for key in required:
        if obj.get(key) in (None, ""):
            return False
    for key, value in obj.items():
        check = checks.get(key, _UNCHECKED)
        if check is None:
            if type(value) is not str and value is not None:
                return False
        elif check is not _UNCHECKED and not check(value):
            return False
    obj["_date"] = day
    if "entree" in obj:
        obj["_entree"] = _date(obj["entree"])
    return True


def check_record(obj) -> str | None:
    """The first thing wrong with one decoded record, in French, or None."""
    if not isinstance(obj, dict):
        return "attendu un objet JSON ({...})"
    kind = obj.get("type")
    if kind is None:
        return "champ obligatoire « type » absent"
    if not isinstance(kind, str) or kind not in TYPES:
        return f"type inconnu « {kind} » : attendu un de {', '.join(sorted(TYPES))}"
    if kind == "exercice":
        year = obj.get("annee")
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            return "« annee » : attendu une année, par exemple 2024"
        return None
    date = obj.get("date")
    if date is None:
        return "champ obligatoire « date » absent (AAAA-MM-JJ)"
    try:
        if not isinstance(date, str) or len(date) != 10:
            raise ValueError
        obj["_date"] = dt.date.fromisoformat(date)
    except ValueError:
        return f"date invalide « {date} » : attendu AAAA-MM-JJ, par exemple 2024-03-14"
    for key in REQUIRED[kind]:
        if obj.get(key) in (None, ""):
            return f"champ obligatoire « {key} » absent pour un enregistrement « {kind} »"
    for key in STRINGS:
        if key in obj and obj[key] is not None and not isinstance(obj[key], str):
            return f"« {key} » : attendu une chaîne (les identifiants RPLS gardent leurs zéros : \"0030839354\")"
    for (k, key), allowed in ENUMS.items():
        if k == kind and key in obj and obj[key] not in allowed:
            return f"« {key} » : valeur « {obj[key]} » non reconnue, attendu une de {', '.join(allowed)}"
    for key in BOOLS:
        if key in obj and not isinstance(obj[key], bool):
            return f"« {key} » : attendu true ou false"
    if "preavis_mois" in obj and obj["preavis_mois"] not in (1, 3):
        return "« preavis_mois » : attendu 1 ou 3"
    if "rang" in obj and (not isinstance(obj["rang"], int) or isinstance(obj["rang"], bool) or obj["rang"] < 1):
        return "« rang » : attendu un entier à partir de 1"
    if "entree" in obj:
        try:
            obj["_entree"] = dt.date.fromisoformat(obj["entree"])
        except (TypeError, ValueError):
            return f"« entree » : date invalide « {obj['entree']} », attendu AAAA-MM-JJ"
    if "logement_info" in obj and not isinstance(obj["logement_info"], dict):
        return "« logement_info » : attendu un objet avec les colonnes de l'inventaire"
    if kind == "candidats":
        return _check_menages(obj["menages"])
    return None


def _check_menages(menages) -> str | None:
    if not isinstance(menages, list) or not menages:
        return "« menages » : attendu une liste non vide de ménages ({\"id\": \"M-1042\", ...})"
    seen = set()
    for i, m in enumerate(menages, 1):
        if not isinstance(m, dict):
            return f"« menages » n° {i} : attendu un objet ménage"
        mid = m.get("id")
        if not isinstance(mid, str) or not mid:
            return f"« menages » n° {i} : champ obligatoire « id » absent (identifiant pseudonyme, jamais un nom)"
        if mid in seen:
            return f"« menages » : ménage « {mid} » en double"
        seen.add(mid)
        for key in MENAGE_BOOLS:
            if key in m and m[key] is not None and not isinstance(m[key], bool):
                return f"ménage « {mid} » : « {key} » attendu true ou false"
        q = m.get("quartile")
        if q is not None and (isinstance(q, bool) or q not in (1, 2, 3, 4)):
            return f"ménage « {mid} » : « quartile » attendu 1, 2, 3 ou 4 (ou absent si inconnu)"
        if m.get("relogement") not in (None, "anru", "orcod", "lhi"):
            return f"ménage « {mid} » : « relogement » attendu anru, orcod, lhi ou null"
    return None
