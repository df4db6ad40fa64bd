"""Problems found in user input, reported as ``FILE:LINE: message``.

Every bad rule file, inventory row or event record becomes a :class:`Problem`;
all of them are collected and raised together as :class:`BadInput`, which the
command line turns into exit code 2 (never a traceback).

>>> str(Problem("regles.yaml", 4, "clé inconnue « nom »"))
'regles.yaml:4: clé inconnue « nom »'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, at one line (0 when the line is unknown)."""

    fichier: str
    ligne: int
    message: str
    code: str = "entree-invalide"

    def __str__(self) -> str:
        where = f"{self.fichier}:{self.ligne}" if self.ligne else self.fichier
        return f"{where}: {self.message}"


class BadInput(Exception):
    """Raised with every problem found; the CLI prints them and exits 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.fichier, p.ligne, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        """Pickled with its problems (a worker process sends it back to the one that reports it)."""
        return BadInput, (self.problems,)
