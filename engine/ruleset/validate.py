"""``rules validate``: check every layer of the given files (all of ``rules/`` by default)."""

from __future__ import annotations

from pathlib import Path

from engine.problems import BadInput, Problem
from engine.ruleset.inherit import Catalog
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
        names = {f.model.couche for f in catalog.files if f.model and f.path.resolve() in wanted}
        problems = [p for p in problems if any(Path(p.fichier).resolve() == w for w in wanted)]
    else:
        names = set(catalog.layers)
    for name in sorted(names):
        try:
            catalog.resolve(name)
        except BadInput as exc:
            problems.extend(exc.problems)
    return len(names), sorted(set(problems), key=lambda p: (p.fichier, p.ligne, p.message))
