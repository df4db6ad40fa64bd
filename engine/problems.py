"""Problems found in user input, reported as ``FILE:LINE: message``.

Every bad rule file, inventory row or event record becomes a :class:`Problem`;
all of them are collected and raised together as :class:`BadInput`, which the
command line turns into exit code 2 (never a traceback).

>>> str(Problem("regles.yaml", 4, "clé inconnue « nom »"))
'regles.yaml:4: clé inconnue « nom »'

A problem that only follows from another (a layer whose parent is invalid) has
the code ``consequence`` and is listed after the causes:

>>> [p.ligne for p in in_order([Problem("a.yaml", 2, "conséquence : …", CONSEQUENCE), Problem("b.yaml", 9, "…")])]
[9, 2]
"""

from __future__ import annotations

from dataclasses import dataclass

CONSEQUENCE = "consequence"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, at one line (0 when the line is unknown); in a workbook, at one cell
    (``cellule``: ``FEUILLE!B7``, its row being ``ligne``).

    >>> str(Problem("parc.xlsx", 7, "code « 98 » inconnu", cellule="Feuil1!K7"))
    'parc.xlsx:Feuil1!K7: code « 98 » inconnu'
    """

    fichier: str
    ligne: int
    message: str
    code: str = "entree-invalide"
    cellule: str = ""

    def __str__(self) -> str:
        where = f"{self.fichier}:{self.cellule}" if self.cellule else (
            f"{self.fichier}:{self.ligne}" if self.ligne else self.fichier)
        return f"{where}: {self.message}"


def in_order(problems) -> list[Problem]:
    """Each problem once: causes by file and line, then the consequences."""
    return sorted(set(problems), key=lambda p: (p.code == CONSEQUENCE, p.fichier, p.ligne, p.message))


class BadInput(Exception):
    """Raised with every problem found; the CLI prints them and exits 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = in_order(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        """Pickled with its problems (a worker process sends it back to the one that reports it)."""
        return BadInput, (self.problems,)
