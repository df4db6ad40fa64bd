"""The hand-seeded mutants of issue 19 (« Tests that catch a wrong figure »): each one a plausible bug in a module
that decides figures, and the shipped cases must catch every one.

    .venv/bin/python tests/mutation/seeded.py            # every mutant, one at a time, against `flux-rules test`
    .venv/bin/python tests/mutation/seeded.py NAME ...   # some of them

Each mutant is written into the worktree's own file (the package is imported from there), `flux-rules test` runs
(seconds), and the file is restored with `git checkout -- FILE` whatever happens. A file with uncommitted changes is
refused: the restore would lose them. Exit 1 if a mutant survives. Never commit while it runs.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLUX_RULES = [str(ROOT / ".venv" / "bin" / "flux-rules"), "test"]

# name → (file, [(text, mutated text)]); the cases that kill each are listed in tests/mutation/README.md.
MUTANTS = {
    "a-holidays-ignored": ("engine/checks/workdays.py", [
        ("if backwards or not proroger or is_jour_ouvre(day):", "if backwards or not proroger or day.weekday() < 5:"),
        ("while not is_jour_ouvre(day):", "while day.weekday() >= 5:")]),
    "b-cap-strict": ("engine/checks/obligations.py", [("share <= target", "share < target")]),
    "b-floor-strict": ("engine/checks/obligations.py", [("share >= target", "share > target")]),
    "c-backwards-extended": ("engine/checks/workdays.py", [("if backwards or not proroger or", "if not proroger or")]),
    "d-lease-no-new-vacancy": ("engine/year/offer.py", [("if leased or (libs and", "if (libs and")]),
    "d-liberation-no-new-vacancy": ("engine/year/offer.py", [
        ("if leased or (libs and bisect_right(libs, opened) < bisect_right(libs, offer.mad.date)):", "if leased:")]),
    "e-minimum-ignored": ("engine/flux/theoretical.py", [("return max(result, minimum) if value > 0 else result",
                                                          "return result")]),
    "e-minimum-on-zero": ("engine/flux/theoretical.py", [("return max(result, minimum) if value > 0 else result",
                                                          "return max(result, minimum) if value >= 0 else result")]),
    "f-refusal-boundary": ("engine/checks/deadlines.py", [("silent = limit < as_of", "silent = limit <= as_of")]),
    "g-running-boundary": ("engine/checks/deadlines.py", [("computed.echeance >= as_of", "computed.echeance > as_of")]),
    "h-bailleur-candidates-count": ("engine/checks/deadlines.py", [
        ('return [r.date for r in offer.candidats if r.data.get("source", "reservataire") == "reservataire"]',
         "return [r.date for r in offer.candidats]")]),
    "i-dalo-dropped": ("engine/checks/deadlines.py", [('and menage.get("dalo") and', "and")]),
    "j-last-attribution": ("engine/counting/lifecycle.py", [("return found[0].date if found else None", "return found[-1].date if found else None")]),
    "k-last-ranked": ("engine/counting/lifecycle.py", [('return self.menages[attributed[0].data["menage"]] if attributed',
                                                        'return self.menages[attributed[-1].data["menage"]] if attributed')]),
    "k-lessee-ignored": ("engine/counting/lifecycle.py", [(
        'if self.bail is not None:\n            return self.menages[self.bail.data["menage"]]', 'if False:\n            return self.menages[self.bail.data["menage"]]')]),
    "cancelled-liberation-counts": ("engine/year/read.py", [(
        'life = _rows(parts, "life", {0: dwelling_of}, cancelled, 1)', 'life = _rows(parts, "life", {0: dwelling_of}, cancelled[:0], 1)')]),
    "m-every-ranked-household-offered": ("engine/checks/deadlines.py", [
        ("        if not silent:\n            break\n        refused_on = limit",
         "        if silent:\n            refused_on = limit")]),
    "m-next-rank-from-the-caleol": ("engine/checks/deadlines.py", [("refused_on = limit", "refused_on = start")]),
    "n-candidates-on-the-start-day-late": ("engine/checks/deadlines.py", [("if d >= start]", "if d > start]")]),
    "n-reopened-month-running-boundary": ("engine/checks/deadlines.py", [("again.echeance < as_of", "again.echeance <= as_of")]),
    "n-reopened-month-candidates-day-after": ("engine/checks/deadlines.py", [(
        "restart + dt.timedelta(days=1)", "restart + dt.timedelta(days=2)")]),
    "o-unknown-lowering-dropped": ("engine/checks/obligations.py", [("could_den_false += n", "could_den_false += 0")]),
    "o-unknown-raising-dropped": ("engine/checks/obligations.py", [("could_num += n", "could_num += 0")]),
    "o-no-denominator-is-zero": ("engine/checks/obligations.py", [(
        'out.update(valeur=None, numerateur=0, denominateur=0, statut="non_applicable")',
        'out.update(valeur=0.0, numerateur=0, denominateur=0, statut="non_atteint")')]),
    "p-liberation-same-day-ignored": ("engine/checks/deadlines.py", [("if r.date <= offer.mad.date]", "if r.date < offer.mad.date]")]),
    "p-reopened-month-not-extended": ("engine/checks/deadlines.py", [(
        "again = due(restart, params.nombre, params.unite, proroger=applicable.proroger)",
        "again = due(restart, params.nombre, params.unite, proroger=False)")]),
    "q-taken-back-offer-still-open": ("engine/checks/open_deadlines.py", [(
        "if offer.bail is not None or offer.reprise is not None:", "if offer.bail is not None:")]),
    "q-due-on-the-date-not-open": ("engine/checks/open_deadlines.py", [("check.echeance < au:", "check.echeance <= au:")]),
    "r-unknown-bounds-both-short-undecided": ("engine/checks/obligations.py", [(
        'out["statut"] = "atteint" if outcomes.pop() else "non_atteint"', 'out["statut"] = "indetermine"')]),
    "l-other-years-refusals": ("engine/ledger.py", [("sum(1 for _, d, _ in refus if d.year == year)", "len(refus)")]),
}


def run(name: str) -> bool:
    """Seed ``name``, run the cases, restore the file; True when the cases fail (the mutant is killed)."""
    path, edits = MUTANTS[name]
    if subprocess.run(["git", "diff", "--quiet", "--", path], cwd=ROOT).returncode != 0:
        raise SystemExit(f"{path} a des modifications non validées : seeded.py ne l'écrase pas")
    f = ROOT / path
    text = f.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, (name, old, text.count(old))
        text = text.replace(old, new)
    f.write_text(text, encoding="utf-8")
    try:
        done = subprocess.run(FLUX_RULES, cwd=ROOT, capture_output=True, text=True)
    finally:
        subprocess.run(["git", "checkout", "--", path], cwd=ROOT, check=True)
    failed = [line.split(" — ")[0].lstrip("✘ ") for line in done.stdout.splitlines() if line.startswith("✘")]
    print(f"{name}: {'tué par ' + ', '.join(failed) if done.returncode else 'SURVIT'}")
    return done.returncode != 0


if __name__ == "__main__":
    names = sys.argv[1:] or list(MUTANTS)
    survivors = [n for n in names if not run(n)]
    print(f"{len(names)} mutants : {len(names) - len(survivors)} tués, {len(survivors)} survivants")
    sys.exit(1 if survivors else 0)
