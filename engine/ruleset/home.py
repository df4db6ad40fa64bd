"""Where rule files are found: the rule sets shipped in the package, then the user's own folders.

The shipped ones are the repository's top-level ``rules/`` and ``scenarios/`` (with the embedded sample),
installed as the package data ``engine/rules`` and ``engine/scenarios`` (``setup.py`` maps them) and read
through :mod:`importlib.resources`; an editable install reads them in the source checkout. A user adds
folders of their own with ``FLUX_RULES_HOME`` (several separated by ``:``) and ``--regles-dir`` (the
command line calls :func:`set_folders`). Every YAML file in a user's folder is a rule file.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from engine.problems import BadInput, Problem

ENV = "FLUX_RULES_HOME"
SHIPPED = ("rules", "scenarios")

_option_folders: list[Path] = []


def set_folders(folders) -> None:
    """The folders given with ``--regles-dir`` (replaces those of an earlier call)."""
    _option_folders[:] = [Path(f) for f in folders]


def shipped() -> list[Path]:
    """The folders of the shipped rule sets that exist: ``rules``, then ``scenarios``."""
    package = resources.files("engine")
    found = []
    for name in SHIPPED:
        folder = package / name  # installed from the wheel
        if not folder.is_dir():  # editable install: the source checkout's top-level folder
            folder = Path(str(package)).parent / name
        if folder.is_dir():
            found.append(Path(str(folder)))
    return found


def user_folders() -> list[tuple[Path, str]]:
    """The user's folders, each with where it was given: ``FLUX_RULES_HOME`` first, then ``--regles-dir``."""
    env = [(Path(p), ENV) for p in os.environ.get(ENV, "").split(os.pathsep) if p.strip()]
    return env + [(p, "--regles-dir") for p in _option_folders]


def looked_in() -> str:
    """Where rule files are looked for, in the user's words (for the 'nothing found' message)."""
    places = [f"{_shown(p)} (règles livrées)" for p in _shipped_places()]
    places += [f"{_shown(p)} ({origin})" for p, origin in user_folders()]
    return ", ".join(places)


def _shipped_places() -> list[Path]:
    package = Path(str(resources.files("engine")))
    return shipped() or [package / name for name in SHIPPED]


def missing_folders() -> list[Problem]:
    """A user's folder that does not exist is an error, not an empty folder."""
    return [Problem(str(p), 0, f"dossier de règles introuvable (donné par {origin})")
            for p, origin in user_folders() if not p.is_dir()]


def nothing_found(first: Path, where: str) -> BadInput:
    """No rule file in any folder: the first one looked in, then every place, and what to do."""
    return BadInput([Problem(_shown(first), 0, f"aucun jeu de règles trouvé : cherché dans {where} ; "
                             f"donnez le dossier de vos fichiers de règles par --regles-dir DOSSIER ou {ENV}=DOSSIER, "
                             "ou réinstallez flux-rules (ses règles livrées manquent)")])


def sample(path: Path | None) -> Path | None:
    """``scenarios/…`` absent from the current folder names the embedded sample (the README's commands).

    >>> sample(None) is None
    True
    """
    if path is None or path.exists() or path.is_absolute() or path.parts[:1] != ("scenarios",):
        return path
    for folder in shipped():
        if folder.name == "scenarios" and folder.joinpath(*path.parts[1:]).exists():
            return folder.joinpath(*path.parts[1:])
    return path


def shipped_path(path: Path) -> Path:
    """``rules/…`` or ``scenarios/…`` absent from the current folder names the shipped folder's (``flux-rules
    test rules/ain/cas`` from any folder)."""
    if path.exists() or path.is_absolute() or path.parts[:1] not in (("rules",), ("scenarios",)):
        return path
    for folder in shipped():
        if folder.name == path.parts[0] and folder.joinpath(*path.parts[1:]).exists():
            return folder.joinpath(*path.parts[1:])
    return path


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
