"""Safe YAML loading that remembers the line of every entry.

Returns plain Python data and ``positions``: a dict from the path of each
entry (a tuple of keys and list indexes) to its line number. Duplicate keys
are problems, not silent overwrites; nothing in YAML is ever executed
(``yaml.SafeLoader`` only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from engine.problems import BadInput, Problem

Positions = dict[tuple, int]


# libyaml's loader when PyYAML was built with it (the same nodes and marks, several times faster)
LOADER = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


def load_yaml(path: Path, shown: str | None = None) -> tuple[Any, Positions]:
    """Load one YAML file; raise :class:`BadInput` with FILE:LINE on any error."""
    name = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput([Problem(name, 1, f"fichier illisible : attendu de l'UTF-8 ({exc.reason})")]) from None
    except OSError as exc:
        raise BadInput([Problem(name, 0, f"fichier introuvable ou illisible ({exc.strerror})")]) from None
    loader = LOADER(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        message = f"YAML invalide : {exc.problem or exc.context}"
        if "mapping values are not allowed" in message:
            message += (" — un texte contient « : » suivi d'une espace ; mettez-le entre guillemets, "
                        "par exemple source: \"Convention, art. 3 : dérogation\"")
        raise BadInput([Problem(name, line, message)]) from None
    finally:
        loader.dispose()
    if node is None:
        return None, {}
    positions: Positions = {}
    problems: list[Problem] = []
    data = _convert(loader, node, (), positions, problems, name)
    if problems:
        raise BadInput(problems)
    return data, positions


def _convert(loader, node, path, positions, problems, name):
    positions[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            try:
                key = loader.construct_object(key_node, deep=True)
            except (yaml.YAMLError, ValueError) as exc:
                problems.append(Problem(name, key_node.start_mark.line + 1, _scalar_message(key_node, exc)))
                continue
            if isinstance(key, (list, dict)):
                problems.append(Problem(name, key_node.start_mark.line + 1, "clé invalide : attendu un nom simple"))
                continue
            if key in out:
                problems.append(Problem(name, key_node.start_mark.line + 1,
                                        f"clé « {key} » en double (déjà définie ligne {positions[path + (key,)]})"))
                continue
            out[key] = _convert(loader, value_node, path + (key,), positions, problems, name)
            positions[path + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(loader, item, path + (i,), positions, problems, name) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError) as exc:
        problems.append(Problem(name, node.start_mark.line + 1, _scalar_message(node, exc)))
        return None


def _scalar_message(node, exc) -> str:
    if node.tag == "tag:yaml.org,2002:timestamp":
        return f"date invalide « {node.value} » : attendu AAAA-MM-JJ, par exemple 2024-01-01"
    return f"valeur invalide « {getattr(node, 'value', '')} » : {exc}"


def line_of(positions: Positions, loc: tuple) -> int:
    """Line of the deepest known prefix of ``loc`` (pydantic error locations)."""
    loc = tuple(loc)
    while loc:
        if loc in positions:
            return positions[loc]
        loc = loc[:-1]
    return positions.get((), 0)
