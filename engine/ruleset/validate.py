"""``rules validate``: check every layer of the given files (all of ``rules/`` by default).

Layers are checked parents first: when a layer is invalid, the layers that inherit it are not checked
again (their problems would only repeat it); one ``conséquence`` problem lists them after the causes.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from engine.problems import CONSEQUENCE, BadInput, Problem, in_order
from engine.ruleset.inherit import Catalog, declared_couche
from engine.ruleset.load import YAML_SUFFIXES


def validate_paths(paths: list[Path]) -> tuple[int, list[Problem]]:
    """Return (layers checked, problems). Parents of the given files are loaded from the project."""
    extra: list[Path] = []
    for path in paths:
        if path.is_dir():
            extra.extend(p for p in sorted(path.rglob("*")) if p.suffix in YAML_SUFFIXES)
        elif path.exists():
            extra.append(path)
        else:
            return 0, [Problem(str(path), 0, "fichier ou dossier introuvable")]
    catalog = Catalog(extra_files=extra)
    problems = list(catalog.problems)
    if paths:
        wanted = {p.resolve() for p in extra}
        mine = [f for f in catalog.files if f.path.resolve() in wanted]
        names = {name for name in map(declared_couche, mine) if name}
        problems = [p for p in problems if any(Path(p.fichier).resolve() == w for w in wanted)]
    else:
        names = set(catalog.layers)
    failed: dict[str, list[Problem]] = {}  # invalid layer -> its own problems
    heirs: dict[str, list[str]] = defaultdict(list)  # invalid layer -> the wanted layers that inherit it
    ancestors = {a for name in names for a in catalog.chain(name)}
    for name in sorted(ancestors, key=lambda n: (len(catalog.chain(n)), n)):  # parents first
        invalid = next((a for a in catalog.chain(name)[:-1] if a in failed), None)
        if invalid is not None:
            failed[name] = []
            if name in names:
                heirs[_root(catalog, failed, invalid)].append(name)
            continue
        try:
            catalog.resolve(name)
        except BadInput as exc:
            failed[name] = [p for p in exc.problems if p.code != CONSEQUENCE]
            if name in names:
                problems.extend(failed[name])
    for root, layers in heirs.items():
        problems.extend(failed[root])
        problems.append(catalog.consequence(root, layers))
    return len(names), in_order(problems)


def _root(catalog: Catalog, failed: dict[str, list[Problem]], name: str) -> str:
    """The invalid ancestor whose own problems made ``name`` invalid."""
    return next(a for a in catalog.chain(name) if failed.get(a))
