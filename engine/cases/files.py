"""Where case files are and how they are read: every YAML file under a ``cas/`` folder of ``rules/`` and
``scenarios/`` (or the paths given), each checked against :class:`~engine.cases.model.CaseFile` with
``FILE:LINE`` for every problem."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from engine.cases.model import CaseFile
from engine.problems import BadInput, Problem
from engine.ruleset.load import YAML_SUFFIXES, _is_rule_file, display, validation_problems
from engine.yamlsource import Positions, line_of, load_yaml

CASES_FOLDER = "cas"


@dataclass
class LoadedCases:
    path: Path
    name: str  # as the user sees it
    model: CaseFile
    positions: Positions

    def line(self, *loc) -> int:
        return line_of(self.positions, loc)


def is_case_path(path: Path) -> bool:
    return CASES_FOLDER in path.parts[:-1]


def find(paths: list[Path], folders: list[Path]) -> list[Path]:
    """The case files of ``paths`` (files, or folders searched for ``cas/`` folders; a ``cas/`` folder itself
    gives its files), those of the rule folders (``folders``: the shipped ``rules/`` and ``scenarios/``, the
    user's own) by default; a rule file (``couche:``) beside the cases is not one. A path that does not exist is
    a problem."""
    if not paths:
        paths = [p for p in folders if p.is_dir()]
    found: list[Path] = []
    problems = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            inside = path.name == CASES_FOLDER
            found.extend(p for p in sorted(path.rglob("*"))
                         if p.suffix in YAML_SUFFIXES and p.is_file() and (inside or is_case_path(p.relative_to(path))))
        else:
            problems.append(Problem(str(path), 0, "fichier ou dossier introuvable"))
    if problems:
        raise BadInput(problems)
    return [p for p in dict.fromkeys(found) if not _is_rule_file(p)]  # a scenario's rules may lie beside its cases


def load(path: Path) -> LoadedCases:
    """Read and check one case file; raise :class:`BadInput` with every problem as ``FILE:LINE``."""
    name = display(path)
    data, positions = load_yaml(path, name)
    if not isinstance(data, dict):
        raise BadInput([Problem(name, 1, "attendu un fichier de cas : regles, exercice, cas (une liste)")])
    try:
        model = CaseFile.model_validate(data)
    except ValidationError as exc:
        raise BadInput(validation_problems(exc, name, positions, data)) from None
    seen: dict[str, int] = {}
    problems = []
    for i, case in enumerate(model.cas):
        line = line_of(positions, ("cas", i, "nom"))
        if case.nom in seen:
            problems.append(Problem(name, line, f"cas « {case.nom} » en double (déjà ligne {seen[case.nom]})"))
        seen.setdefault(case.nom, line)
        if not (case.regles or model.regles):
            problems.append(Problem(name, line_of(positions, ("cas", i)), "règles inconnues : donnez « regles » "
                                                                          "au cas ou en tête du fichier"))
        if not (case.exercice or model.exercice) and case.flux is None:
            problems.append(Problem(name, line_of(positions, ("cas", i)), "exercice inconnu : donnez « exercice » "
                                                                          "au cas ou en tête du fichier"))
    if problems:
        raise BadInput(problems)
    return LoadedCases(path, name, model, positions)
