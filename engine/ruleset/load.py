"""Find and parse rule files; map pydantic errors to ``FILE:LINE``.

A layer is every rule file that names the same ``couche``: the national
layer is the files of ``rules/national/``, a convention is one file. Files
are looked up in the shipped rule sets and the user's folders
(:mod:`engine.ruleset.home`), or under ``rules/`` and ``scenarios/`` of a
given root.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from engine.problems import BadInput, Problem
from engine.ruleset.model import RuleFile
from engine.yamlsource import Positions, line_of, load_yaml

YAML_SUFFIXES = (".yaml", ".yml")


def display(path: Path) -> str:
    """A path as users see it: relative to the current folder when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class ParsedFile:
    path: Path
    name: str
    data: dict
    positions: Positions
    model: RuleFile | None = None
    problems: list[Problem] = field(default_factory=list)

    def line(self, *loc) -> int:
        return line_of(self.positions, loc)


def parse_file(path: Path) -> ParsedFile:
    """Parse and validate one rule file; problems are kept on the result, not raised."""
    name = display(path)
    try:
        data, positions = load_yaml(path, name)
    except BadInput as exc:
        return ParsedFile(path, name, {}, {}, None, list(exc.problems))
    parsed = ParsedFile(path, name, data if isinstance(data, dict) else {}, positions)
    if not isinstance(data, dict):
        parsed.problems.append(Problem(name, 1, "attendu un fichier de règles : couche, niveau, herite_de, regles"))
        return parsed
    try:
        parsed.model = RuleFile.model_validate(data)
    except ValidationError as exc:
        parsed.problems.extend(validation_problems(exc, name, positions, data))
    return parsed


def validation_problems(exc: ValidationError, name: str, positions: Positions, data,
                        prefix: tuple = ()) -> list[Problem]:
    """One French problem per pydantic error, at the line of the offending entry."""
    problems = []
    seen = set()
    for err in exc.errors(include_url=False):
        loc = prefix + _clean_loc(err["loc"], data, prefix)
        if err["type"] == "union_tag_invalid":
            loc = loc + ("nature",)
        line = line_of(positions, loc)
        message = french_error(err, loc)
        if (line, message) not in seen:
            seen.add((line, message))
            problems.append(Problem(name, line, message, "regle-invalide"))
    return problems


def _clean_loc(loc, data, prefix) -> tuple:
    """Drop the union tags pydantic inserts (``RegleDelai``, ``delai``, ``function-after``...)."""
    out = []
    node = data
    for part in prefix:
        node = node[part] if isinstance(node, (dict, list)) and _has(node, part) else None
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and _date_key(node, part) is not None:
            key = _date_key(node, part)
            out.append(key)
            node = node[key]
        elif isinstance(node, dict) and part not in node and not _is_tag(part):
            out.append(part)
            node = None
    return tuple(out)


def _has(node, part) -> bool:
    return (isinstance(node, dict) and part in node) or (isinstance(node, list) and isinstance(part, int)
                                                         and part < len(node))


def _date_key(node: dict, part: str):
    for key in node:
        if part in (str(key), repr(key)):
            return key
    return None


def _is_tag(part) -> bool:
    return isinstance(part, str) and (part[:1].isupper() or part.startswith(("function-", "tagged-union"))
                                      or part in {"exclusion", "inclusion", "deduction", "rotation", "flux",
                                                  "annexe1", "reservataire", "base_decompte", "decompte", "delai",
                                                  "obligation", "report", "objectif", "parametre", "[key]"})


FRENCH = {
    "extra_forbidden": "clé inconnue « {key} » : elle n'existe pas à cet endroit (vérifiez l'orthographe)",
    "missing": "clé obligatoire « {key} » absente",
    "bool_parsing": "« {key} » : attendu vrai ou faux (true / false)",
    "bool_type": "« {key} » : attendu vrai ou faux (true / false)",
    "int_parsing": "« {key} » : attendu un nombre entier, par exemple 12",
    "int_type": "« {key} » : attendu un nombre entier, par exemple 12",
    "int_from_float": "« {key} » : attendu un nombre entier, par exemple 12",
    "string_type": "« {key} » : attendu un texte",
    "string_too_short": "« {key} » : texte trop court ou vide",
    "string_pattern_mismatch": "« {key} » : identifiant invalide, attendu du kebab-case ASCII comme "
                               "« candidats-12-jours-ouvres »",
    "date_from_datetime_parsing": "date invalide « {input} » : attendu AAAA-MM-JJ, par exemple 2024-01-01",
    "date_parsing": "date invalide « {input} » : attendu AAAA-MM-JJ, par exemple 2024-01-01",
    "date_type": "date invalide « {input} » : attendu AAAA-MM-JJ, par exemple 2024-01-01",
    "list_type": "« {key} » : attendu une liste",
    "dict_type": "« {key} » : attendu un dictionnaire (clé: valeur)",
    "model_type": "« {key} » : attendu un dictionnaire (clé: valeur)",
    "union_tag_invalid": "« nature » inconnue « {input} » : attendu une de {expected}",
    "union_tag_not_found": "clé obligatoire « nature » absente (exclusion, deduction, delai, obligation...)",
    "greater_than_equal": "« {key} » : valeur trop petite (minimum {ge})",
    "less_than_equal": "« {key} » : valeur trop grande (maximum {le})",
    "too_short": "« {key} » : au moins une valeur attendue",
}


def french_error(err: dict, loc: tuple) -> str:
    kind = err["type"]
    key = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        return f"« nature » inconnue « {ctx.get('tag')} » : attendu une de {ctx.get('expected_tags')}"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"« {key} » : valeur « {err.get('input')} » non reconnue, attendu une de {expected}"
    if kind == "value_error":
        return f"« {key} » : {err.get('ctx', {}).get('error', err['msg'])}" if key else \
            str(err.get("ctx", {}).get("error", err["msg"]))
    template = FRENCH.get(kind)
    if template is None:
        return f"« {key} » : {err['msg']}"
    ctx = err.get("ctx", {})
    return template.format(key=key, input=err.get("input"), expected=ctx.get("expected", ""),
                           ge=ctx.get("ge", ""), le=ctx.get("le", ""))


def discover(root: Path) -> list[Path]:
    """Every rule file under ``rules/`` and ``scenarios/`` of ``root``, in a stable order (the case files of
    ``cas/`` folders are not rule files: ``flux-rules test`` reads them)."""
    return rule_files(root / "rules") + rule_files(root / "scenarios", marked_only=True)


def rule_files(folder: Path, marked_only: bool = False) -> list[Path]:
    """The YAML files of a folder and its subfolders, those of ``cas/`` folders and the data tables (a file whose
    first key is ``table:``, such as ``rules/national/rpls-codes.yaml``) left out; ``marked_only``: those that
    start with ``couche:``."""
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.rglob("*")) if p.suffix in YAML_SUFFIXES
            and "cas" not in p.relative_to(folder).parts[:-1]
            and (_first_key(p) == "couche" if marked_only else _first_key(p) != "table")]


def _first_key(path: Path) -> str | None:
    """The first key of a YAML file (its first line that is not blank or a comment), or None. Scenario folders
    also hold YAML test cases: a rule file starts with ``couche:``; a data table with ``table:``."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                stripped = line.strip()
                if stripped and not stripped.startswith("#"):
                    return stripped.partition(":")[0].strip() if ":" in stripped else None
    except OSError:
        return None
    return None


def _is_rule_file(path: Path) -> bool:
    """A YAML file that starts with ``couche:`` (the case files beside a scenario's rules do not)."""
    return _first_key(path) == "couche"
