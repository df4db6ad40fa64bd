"""``--previous RESULT.json``: last year's ``evaluate`` result, for the carry-over (``report_anterieur``).

Only an ``evaluate`` result is accepted (validated by a pydantic model of the fields the carry-over
reads); its ``exercice`` must be the year before the evaluated one, and a different ``regles`` is said
on stderr. Every problem is ``FILE:LINE: message`` (exit 2), the line found in the JSON text.

>>> where = locate('{"exercice": 2023,\\n "reservataires": [\\n  {"id": "a"}]}')
>>> where[("exercice",)], where[("reservataires", 0, "id")]
(1, 3)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from json.decoder import scanstring
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from engine.problems import BadInput, Problem

EXPECTED = ("attendu le résultat JSON de l'an dernier, écrit par « flux-rules evaluate EVENEMENTS-N-1.jsonl "
            "--format json --output resultat-N-1.json »")


class _Events(BaseModel):
    model_config = ConfigDict(extra="allow")
    lus: StrictInt
    evalues: StrictInt
    rejetes: StrictInt


class _Reservataire(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: StrictStr
    libelle: StrictStr | None = None
    decompte: StrictInt
    objectif: StrictInt | None  # None: no text determines it (objectif_statut)
    ecart: StrictInt | None
    report_suivant: StrictInt | None = Field(ge=0)  # None: not determined, nothing is carried


class EvaluateResult(BaseModel):
    """The fields of an ``evaluate`` result (cli.md) that the carry-over needs and checks."""

    model_config = ConfigDict(extra="allow")
    exercice: StrictInt
    regles: StrictStr
    evenements: _Events
    reservataires: list[_Reservataire]
    total_decompte: StrictInt


MESSAGES = {
    "missing": "champ manquant",
    "int_type": "attendu un nombre entier",
    "int_parsing": "attendu un nombre entier",
    "string_type": "attendu un texte",
    "list_type": "attendu une liste",
    "model_type": "attendu un objet",
    "dict_type": "attendu un objet",
    "greater_than_equal": "attendu un nombre positif ou nul",
}


@dataclass
class Previous:
    """Last year's result, read and validated; :meth:`for_year` checks it against the evaluated year."""

    path: str
    data: dict
    lines: dict[tuple, int]
    notes: list[str] = field(default_factory=list)  # said on stderr by the command line

    def line(self, *key) -> int:
        return self.lines.get(tuple(key), 1)

    def for_year(self, year: int, regles: str) -> dict:
        """The result as ``tally`` reads it, once its year and rule set are checked against this evaluation."""
        exercice = self.data["exercice"]
        if exercice != year - 1:
            same = " : c'est le résultat de l'exercice évalué lui-même" if exercice == year else ""
            raise BadInput([Problem(self.path, self.line("exercice"),
                                    f"exercice {exercice}{same} ; attendu {year - 1}, l'année qui précède "
                                    f"l'exercice évalué ({year}) — {EXPECTED}")])
        if self.data["regles"] != regles:
            self.notes.append(f"{self.path}:{self.line('regles')}: attention : le résultat de {exercice} a été "
                              f"calculé avec les règles « {self.data['regles']} », l'exercice {year} l'est avec "
                              f"« {regles} » ; les reports sont repris tels quels, vérifiez qu'ils valent pour ces "
                              f"règles")
        return self.data

    def carried(self) -> str:
        """What was carried, per réservataire (said on stderr)."""
        items = [f"{r.get('libelle') or r['id']} ({r['id']}) : "
                 + (str(r["report_suivant"]) if r["report_suivant"] is not None else "0 (objectif non déterminé)")
                 for r in self.data["reservataires"]]
        return (f"Report repris de l'exercice {self.data['exercice']} ({self.path}) : "
                + (" ; ".join(items) if items else "aucun réservataire") + ".")


def read_previous(path: Path) -> Previous:
    """Read and validate last year's result; every problem as ``FILE:LINE: message``."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise BadInput([Problem(name, 0, f"résultat de l'an dernier illisible ({reason}) ; {EXPECTED}")]) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = f"colonne {exc.colno}" if hasattr(exc, "colno") else "imbrication trop profonde"
        raise BadInput([Problem(name, getattr(exc, "lineno", 1), f"JSON invalide ({where}) ; {EXPECTED}")]) from None
    lines = locate(text)
    if not isinstance(data, dict):
        kind = {list: "une liste", str: "un texte", int: "un nombre", float: "un nombre"}.get(type(data), "une valeur")
        raise BadInput([Problem(name, lines.get((), 1), f"le fichier contient {kind}, pas un objet ; {EXPECTED}")])
    other = _other_output(data)
    if other:
        raise BadInput([Problem(name, 1, f"c'est la sortie de « flux-rules {other} », pas celle de "
                                         f"« flux-rules evaluate » ; {EXPECTED}")])
    try:
        EvaluateResult.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = _nearest(lines, loc)
            key = ".".join(str(k) for k in loc)
            problems.append(Problem(name, where, f"« {key} » : {MESSAGES.get(err['type'], err['msg'])} ; {EXPECTED}"))
        raise BadInput(problems) from None
    return Previous(name, data, lines)


def _other_output(data: dict) -> str | None:
    if "assiette" in data and "ensemble" in data:
        return "bilan"
    if "scenarios" in data and "mode" in data:
        return "compare"
    if "exclusions" in data and "evenements" not in data:
        return "flux"
    return None


def _nearest(lines: dict[tuple, int], loc: tuple) -> int:
    """The line of ``loc``, or of its nearest parent in the file (a missing field: its object)."""
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc, 1)


def locate(text: str) -> dict[tuple, int]:
    """The line where each value starts, by path (keys and list indexes), in a valid JSON text."""
    lines: dict[tuple, int] = {}
    decoder = json.JSONDecoder()

    def skip(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n\ufeff":
            i += 1
        return i

    def value(i: int, path: tuple) -> int:
        i = skip(i)
        lines[path] = text.count("\n", 0, i) + 1
        if text[i] == "{":
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key, i = scanstring(text, skip(i) + 1)
                i = skip(skip(i) + 1)  # past the colon
                i = skip(value(i, (*path, key)))
                if text[i] == "}":
                    return i + 1
                i += 1  # the comma
        if text[i] == "[":
            i = skip(i + 1)
            if text[i] == "]":
                return i + 1
            n = 0
            while True:
                i = skip(value(i, (*path, n)))
                n += 1
                if text[i] == "]":
                    return i + 1
                i += 1
        _, end = decoder.raw_decode(text, i)
        return end

    value(0, ())
    return lines
