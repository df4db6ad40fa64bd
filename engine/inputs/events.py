"""The records of the JSONL event log (events.md): what a record is, the lines of a file, the detailed check of
a line with its French messages, automatic ids, the order of the life cycle.

Every line that is not blank or a ``//`` comment is a record. An invalid
record is a :class:`~engine.problems.Problem` naming ``FILE:LINE``; nothing
is dropped silently: ``lus = evalues + rejetes``. The typed decoder of
:mod:`engine.inputs.schema` takes most lines in C; a line it refuses is
checked here (:func:`checked_line`), which says why, in one set of messages.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from dataclasses import dataclass, field
from itertools import islice
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
MAX_DEPTH = 32  # objects and lists inside one another in a record (a household in its list is 3)
RANG_MAX = 9999  # « rang » 1..n: bounded, so that both decoders read the same integer (orjson makes a float of
# an integer beyond 64 bits, msgspec keeps it whole)
HEADER_CODE = "en-tete-invalide"
# The life cycle of an offer, for records of one day: a dwelling is freed or delivered, offered, the
# réservataire cannot designate or designates, the CALEOL decides, the household answers, signs, or the bailleur
# takes the dwelling back; an annulation names its target by id, wherever it is.
RANK = {"liberation": 0, "mise_en_service": 1, "mise_a_disposition": 2, "impossibilite": 3, "candidats": 4,
        "caleol": 5, "reponse": 6, "bail": 7, "reprise": 8, "annulation": 9}


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
    problems: list[Problem]
    lus: int
    rejected_lines: dict[int, str] = field(default_factory=dict)
    header_line: int = 0

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


def auto_id(name: str, lineno: int) -> str:
    """The id of a record without one: ``<file>:<line>``, the file's name only (events.md), whatever the path
    it was given by.

    >>> auto_id("../donnees/./annee.jsonl", 12)
    'annee.jsonl:12'
    """
    return f"{file_name(name)}:{lineno}"


@functools.lru_cache(maxsize=64)
def file_name(name: str) -> str:
    """The file's name in a path (read once per path: an offer's records are ordered by it)."""
    return Path(name).name


def json_problem(line: bytes) -> str | None:
    """What makes a line unreadable before it is decoded, the same for both decoders: bytes that are not
    UTF-8, objects and lists nested deeper than ``MAX_DEPTH``."""
    if not line.isascii():
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return (f"octet 0x{line[exc.start]:02x} invalide en UTF-8 (colonne {exc.start + 1}) : le journal doit "
                    "être enregistré en UTF-8")
    if line.count(b"{") + line.count(b"[") > MAX_DEPTH and _depth(line) > MAX_DEPTH:
        return f"objets ou listes imbriqués sur plus de {MAX_DEPTH} niveaux : un enregistrement reste à plat"
    return None


def plain(line: bytes) -> bool:
    """True when nothing :func:`json_problem` looks for can be in the line (the typed decoder, which skips the
    fields it does not know without looking at them, is trusted only then): ASCII or UTF-8, few brackets."""
    if line.count(b"{") + line.count(b"[") > MAX_DEPTH:
        return False
    if line.isascii():
        return True
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _depth(line: bytes) -> int:
    """How deep objects and lists go in a JSON text (brackets inside strings left out)."""
    depth = deepest = 0
    quoted = escaped = False
    for byte in line:
        if quoted:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                quoted = False
        elif byte == 0x22:
            quoted = True
        elif byte == 0x7B or byte == 0x5B:
            depth += 1
            deepest = max(deepest, depth)
        elif byte == 0x7D or byte == 0x5D:
            depth -= 1
    return deepest


JSON_EXAMPLE = "attendu un objet par ligne, par exemple {\"type\": \"bail\", \"date\": \"2024-04-15\", ...}"


def decode(line: bytes):
    """(object, None) or (None, message): the one way a line is decoded when it is checked in detail."""
    message = json_problem(line)
    if message is not None:
        return None, message
    try:
        return orjson.loads(line), None
    except orjson.JSONDecodeError as exc:
        return None, f"JSON invalide ({exc.msg}) : {JSON_EXAMPLE}"


def line_problem(name: str, lineno: int, line: bytes, obj, message: str) -> Problem:
    """The problem of an invalid line; a header's is marked (``HEADER_CODE``): when the rules or the year are
    then unknown, its message is what the user needs, not « ajoutez un en-tête »."""
    header = (obj.get("type") == "exercice") if isinstance(obj, dict) else (obj is None and b'"exercice"' in line)
    return Problem(name, lineno, message, HEADER_CODE if header else "entree-invalide")


def checked_line(name: str, lineno: int, line: bytes):
    """(object, None) for a valid record (``_date`` set), or (None, problem): both readers' detailed check."""
    obj, message = decode(line)
    if message is None:
        message = check_record(obj)
    if message is not None:
        return None, line_problem(name, lineno, line, obj, message)
    return obj, None


HEADER_FIRST = "l'en-tête « exercice » doit être le premier enregistrement"
_DERIVED = frozenset(("type", "date", "id", "_date", "_entree"))


def content(data: dict) -> bytes:
    """A record's fields as a text that does not depend on how the line was written (keys sorted): what tells
    apart two records of the same day, type and offer that have no id."""
    return orjson.dumps({k: v for k, v in data.items() if k not in _DERIVED}, option=orjson.OPT_SORT_KEYS,
                        default=str)


def life_order(records: list[Record], name: str) -> None:
    """Sort records in place in the order they are evaluated, whatever the order of the file: by date, then by
    their place in an offer's life cycle (``RANK``), then by id; records of one day and type without an id by
    their content. ``name``: the file, whose auto-ids (``<file>:<line>``) say nothing of the record."""
    if len(records) < 2:
        return
    rank = RANK
    before = records[0]
    for record in islice(records, 1, None):  # most often already so, each day's records in life-cycle order
        if record.date < before.date or (record.date == before.date and rank[record.type] <= rank[before.type]):
            break
        before = record
    else:
        return
    base = file_name(name)
    keys = [(r.date, RANK[r.type], "" if r.id == f"{base}:{r.line}" else r.id) for r in records]
    order = sorted(range(len(records)), key=keys.__getitem__)
    records[:] = [records[i] for i in order]
    keys = [keys[i] for i in order]
    start = 0
    for i in range(1, len(keys) + 1):
        if i < len(keys) and keys[i] == keys[start]:
            continue
        if i - start > 1 and keys[start][2] == "":  # a tie: records without an id, ordered by content
            records[start:i] = sorted(records[start:i], key=lambda r: content(r.data))
        start = i


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
    """ISO date ``YYYY-MM-DD`` and no other form (``2024-W01-1`` and ``20240105`` are ISO too, and
    ``date.fromisoformat`` takes them from Python 3.11), cached (a year of records has a few hundred distinct
    dates).

    >>> _date("2024-03-14"), _date("2024-W11-4"), _date("2024-02-30"), _date("２０２４-03-14")
    (datetime.date(2024, 3, 14), None, None, None)
    """
    found = _DATES.get(text) if type(text) is str else None
    if found is None and type(text) is str and len(text) == 10 and text.isascii() and text[4] == "-" == text[7] \
            and (text[:4] + text[5:7] + text[8:]).isdigit():
        try:
            found = _DATES[text] = dt.date.fromisoformat(text)
        except ValueError:
            return None
    return found


def _is_rank(value) -> bool:
    return type(value) is int and 1 <= value <= RANG_MAX


def _is_notice(value) -> bool:
    return value in (1, 3) and type(value) is not bool


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
        return check_header(obj)
    date = obj.get("date")
    if date is None:
        return "champ obligatoire « date » absent (AAAA-MM-JJ)"
    day = _date(date)
    if day is None:
        return f"date invalide « {date} » : attendu AAAA-MM-JJ, par exemple 2024-03-14"
    obj["_date"] = day
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
    if "preavis_mois" in obj and not _is_notice(obj["preavis_mois"]):
        return "« preavis_mois » : attendu 1 ou 3"
    if "rang" in obj and not _is_rank(obj["rang"]):
        return f"« rang » : attendu un entier de 1 à {RANG_MAX}"
    if "entree" in obj:
        obj["_entree"] = _date(obj["entree"])
        if obj["_entree"] is None:
            return f"« entree » : date invalide « {obj['entree']} », attendu AAAA-MM-JJ, par exemple 2024-03-14"
    if "logement_info" in obj:
        if not isinstance(obj["logement_info"], dict):
            return "« logement_info » : attendu un objet avec les colonnes de l'inventaire"
        message = logement_info_problem(obj["logement_info"])
        if message is not None:
            return message
    if kind == "candidats":
        return _check_menages(obj["menages"])
    return None


def check_header(obj: dict) -> str | None:
    """The first thing wrong with an ``exercice`` header, or None."""
    year = obj.get("annee")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        return "« annee » : attendu une année, par exemple 2024"
    rules = obj.get("regles")
    if rules is not None and (not isinstance(rules, str) or not rules.strip()):
        return ("« regles » : attendu le nom d'un jeu de règles (un texte), par exemple \"haute-garonne\" ou "
                "\"escalquens-patrimoine\"")
    bailleur = obj.get("bailleur")
    if bailleur is not None and not isinstance(bailleur, str):
        return "« bailleur » : attendu le nom du bailleur (un texte), par exemple \"cite-jardins\""
    return None


_INFO_VERDICTS: dict[tuple, str | None] = {}


def logement_info_problem(info: dict) -> str | None:
    """What is wrong with an inline ``logement_info``, checked as the inventory's cells are (the inventory's
    parsers), or None; the verdict of each distinct object is kept (a year repeats a few thousand)."""
    try:
        key = tuple(info.items())
        return _INFO_VERDICTS[key]
    except TypeError:  # a list or an object among the values
        key = None
    except KeyError:
        pass
    from engine.inputs.inventory import cell_problem

    message = next((m for m in (cell_problem(k, v) for k, v in info.items()) if m is not None), None)
    if message is not None:
        message = f"« logement_info » : {message}"
    if key is not None and len(_INFO_VERDICTS) < 100_000:
        _INFO_VERDICTS[key] = message
    return message


def annulation_problem(target: str, kind: str | None, line: int = 0) -> str:
    """Why an annulation of ``target`` is refused: ``kind`` is what the target is (``annulation``, ``exercice``)
    or None when no record of the file has that id."""
    if kind == "annulation":
        return (f"annulation de « {target} » : cet identifiant est celui d'une annulation (ligne {line}) ; une "
                "annulation ne s'annule pas : retirez-la du journal")
    if kind == "exercice":
        return (f"annulation de « {target} » : cet identifiant est celui de l'en-tête « exercice » (ligne {line}), "
                "qui ne s'annule pas : corrigez l'en-tête ou donnez --year et --rules")
    return f"annulation de « {target} » : aucun enregistrement de ce fichier n'a cet identifiant"


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
