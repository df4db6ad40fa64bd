"""``flux-rules test``: every case found, run, with one line each, a summary and the coverage of the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.cases import coverage, files
from engine.cases.run import Outcome, Runner
from engine.problems import BadInput, Problem
from engine.ruleset.inherit import Catalog


@dataclass
class Suite:
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # malformed case files: exit 2
    couverture: list[dict] = field(default_factory=list)

    @property
    def echecs(self) -> int:
        return sum(1 for o in self.outcomes if not o.reussi)

    def record(self) -> dict:
        out = {"cas": [o.record() for o in self.outcomes], "total": len(self.outcomes),
               "reussis": len(self.outcomes) - self.echecs, "echecs": self.echecs,
               "problemes": [{"fichier": p.fichier, "ligne": p.ligne, "message": p.message} for p in self.problems]}
        if self.couverture:
            out["couverture"] = self.couverture
            out["non_couvertes"] = sum(1 for c in self.couverture if not c["cas"])
        return out


def run_suite(paths: list[Path], with_coverage: bool = False, catalog: Catalog | None = None) -> Suite:
    """Run every case of ``paths`` (all of ``rules/`` and ``scenarios/`` by default). A malformed case file is a
    problem (the others still run, so that every problem is listed at once)."""
    catalog = catalog or Catalog()
    runner = Runner(catalog)
    suite = Suite()
    for path in files.find(paths, catalog.folders):
        try:
            loaded = files.load(path)
        except BadInput as exc:
            suite.problems.extend(exc.problems)
            continue
        for index in range(len(loaded.model.cas)):
            try:
                suite.outcomes.append(runner.run(loaded, index))
            except BadInput as exc:
                suite.problems.extend(exc.problems)
    if with_coverage:
        covered: dict[tuple[str, str], list[str]] = {}
        for o in suite.outcomes:
            for clause in sorted(o.couverture):
                covered.setdefault(clause, []).append(f"{o.nom} ({o.fichier}:{o.ligne})")
        suite.couverture = coverage.table(catalog, covered)
    return suite


def render(suite: Suite) -> str:
    """One line per case in French, each difference as ``FILE:LINE: attendu X, obtenu Y``, then the summary."""
    lines = []
    for o in suite.outcomes:
        lines.append(f"{'✔' if o.reussi else '✘'} {o.nom} — {o.fichier}:{o.ligne} (règles « {o.regles} »)")
        lines += [f"    {p}" for p in o.echecs]
    for p in suite.problems:
        lines.append(f"✘ {p}")
    if suite.couverture:
        lines += ["", "Couverture des règles par les cas :"]
        layer = None
        for c in suite.couverture:
            if c["couche"] != layer:
                layer = c["couche"]
                lines.append(f"  {layer}")
            what = f"{c['regle']} ({c['nature'] or '?'}{', surcharge' if c['clause'] == 'surcharge' else ''})"
            if c["cas"]:
                lines.append(f"    ✔ {what} — {len(c['cas'])} cas : {', '.join(x.split(' (')[0] for x in c['cas'])}")
            else:
                lines.append(f"    ✘ {what} — aucun cas ({c['fichier_ligne']})"
                             + (f" ; {c['motif']}" if c.get("motif") else ""))
        lines.append(f"{sum(1 for c in suite.couverture if not c['cas'])} règles non couvertes")
    total = len(suite.outcomes)
    summary = f"{total} cas : {total - suite.echecs} réussis, {suite.echecs} en échec"
    if suite.problems:
        summary += f", {len(suite.problems)} problème(s) dans les fichiers de cas"
    lines.append(summary)
    return "\n".join(lines) + "\n"
