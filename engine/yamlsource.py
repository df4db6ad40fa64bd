"""Safe YAML loading that remembers the line of every entry.

Returns plain Python data and ``positions``: a dict from the path of each
entry (a tuple of keys and list indexes) to its line number. Duplicate keys
are problems, not silent overwrites; nothing in YAML is ever executed
(``yaml.SafeLoader`` only).

What policy staff never mean is refused with its line rather than read in
YAML 1.1's way: anchors, aliases and explicit tags (``&a``, ``*a``, ``!!str``;
an alias can also blow a 600-byte file up to gigabytes), and numbers written
in octal (``014`` is 12), hexadecimal, binary, with ``_`` or in base 60
(``1:20`` is 80), ``.inf`` and ``.nan``, and merge keys (``<<:``). A mapping key written as a quoted
date (``"2024-01-01":``) is read as the date.

>>> plain_number_problem("014", "tag:yaml.org,2002:int")
'nombre « 014 » refusé : YAML le lit en octal (12) ; écrivez 14, ou "014" entre guillemets pour un texte'
>>> plain_number_problem("12", "tag:yaml.org,2002:int") is None
True
"""

from __future__ import annotations

import datetime as dt
import re
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
    found = FORBIDDEN.search(text)
    if found is not None:
        bad = found.start()  # YAML refuses control characters (PyYAML: a ReaderError, not a marked error)
        raise BadInput([Problem(name, text.count("\n", 0, bad) + 1,
                                f"caractère de contrôle interdit (U+{ord(text[bad]):04X}) : YAML n'accepte que du "
                                f"texte imprimable, des tabulations et des fins de ligne")])
    loader = LOADER(text)
    try:
        refused = _refused_tokens(text, name)
        if refused:  # nothing is composed: an alias could expand without limit
            raise BadInput(refused)
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:  # what the check above let through, said with its line all the same
        raise BadInput([Problem(name, text.count("\n", 0, exc.position) + 1,
                                f"YAML illisible : {exc.reason}")]) from None
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


def _refused_tokens(text: str, name: str) -> list[Problem]:
    """Anchors, aliases and explicit tags, each with its line (the text is scanned, not composed)."""
    problems = []
    for token in yaml.scan(text, Loader=LOADER):
        line = token.start_mark.line + 1
        if isinstance(token, yaml.AnchorToken):
            problems.append(Problem(name, line, f"ancre YAML « &{token.value} » refusée : les fichiers de règles "
                                                "n'en ont pas besoin ; recopiez la valeur à chaque endroit"))
        elif isinstance(token, yaml.AliasToken):
            problems.append(Problem(name, line, f"alias YAML « *{token.value} » refusé : les fichiers de règles "
                                                "n'en ont pas besoin ; recopiez la valeur à chaque endroit"))
        elif isinstance(token, yaml.TagToken):
            handle, suffix = token.value
            problems.append(Problem(name, line, f"étiquette YAML « {handle or ''}{suffix} » refusée : écrivez la "
                                                "valeur telle quelle, entre guillemets si c'est un texte"))
    return problems


NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
PLAIN_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def plain_number_problem(text: str, tag: str) -> str | None:
    """Why a number as YAML 1.1 reads it is not what its writer meant (None when it is a plain decimal)."""
    if tag == NUMBER_TAGS[0] and PLAIN_INT.fullmatch(text) or tag == NUMBER_TAGS[1] and PLAIN_FLOAT.fullmatch(text) \
            and "_" not in text:
        return None
    value = yaml.safe_load(text)
    body = text.lstrip("+-")
    quoted = f'"{text}" entre guillemets pour un texte'
    if ":" in body:
        return f"nombre « {text} » refusé : YAML le lit en base 60 ({value}) ; écrivez le nombre voulu, ou {quoted}"
    if "_" in body:
        return f"nombre « {text} » refusé : pas de « _ » dans un nombre ; écrivez {text.replace('_', '')}"
    if body.lower() in (".inf", ".nan"):
        return f"nombre « {text} » refusé : attendu un nombre fini, par exemple 12"
    if body[:2].lower() in ("0x", "0b"):
        kind = "hexadécimal" if body[1] in "xX" else "binaire"
        return f"nombre « {text} » refusé : YAML le lit en {kind} ({value}) ; écrivez-le en décimal, ou {quoted}"
    if body.startswith("0"):
        return f"nombre « {text} » refusé : YAML le lit en octal ({value}) ; écrivez {body.lstrip('0') or '0'}, " \
               f"ou {quoted}"
    return f"nombre « {text} » refusé : attendu un nombre décimal, par exemple 12 ou 7.9"


def _convert(loader, node, path, positions, problems, name):
    positions[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node, problems, name)
            if key is _REFUSED:
                continue
            if isinstance(key, str) and key_node.style and ISO_DATE.fullmatch(key):
                key = _quoted_date(key)
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
    value = _scalar(loader, node, problems, name)
    return None if value is _REFUSED else value


_REFUSED = object()


def _scalar(loader, node, problems, name):
    """A scalar's value, or ``_REFUSED`` with its problem recorded."""
    if isinstance(node, yaml.ScalarNode) and node.tag in NUMBER_TAGS and not node.style:
        message = plain_number_problem(node.value, node.tag)
        if message:
            problems.append(Problem(name, node.start_mark.line + 1, message))
            return _REFUSED
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError) as exc:
        problems.append(Problem(name, node.start_mark.line + 1, _scalar_message(node, exc)))
        return _REFUSED


def _quoted_date(text: str):
    """``"2024-01-01"`` as a key is the date; an impossible one stays text, for the validation to name it."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def _scalar_message(node, exc) -> str:
    if node.tag == "tag:yaml.org,2002:timestamp":
        return f"date invalide « {node.value} » : attendu AAAA-MM-JJ, par exemple 2024-01-01"
    if node.tag in ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"):
        return (f"« {node.value} » refusé : YAML y lit une fusion ou une valeur par défaut ; recopiez les clés "
                f"voulues, ou mettez « {node.value} » entre guillemets pour un texte")
    return f"valeur invalide « {getattr(node, 'value', '')} » : {exc}"


FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")  # _forbidden's


def _forbidden(ch: str) -> bool:
    """What the YAML 1.1 reader refuses: control characters other than tab and line ends, surrogates, U+FFFE/F."""
    code = ord(ch)
    if code < 0x20:
        return ch not in "\t\n\r"
    return code == 0x7F or 0x80 <= code < 0xA0 and code != 0x85 or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)


def line_of(positions: Positions, loc: tuple) -> int:
    """Line of the deepest known prefix of ``loc`` (pydantic error locations)."""
    loc = tuple(loc)
    while loc:
        if loc in positions:
            return positions[loc]
        loc = loc[:-1]
    return positions.get((), 0)
