"""The surviving mutants of the last mutmut run, each as the lines it changed (faster to read than one
``mutmut show`` per mutant).

    .venv/bin/python tests/mutation/survivors.py                 # every survivor
    .venv/bin/python tests/mutation/survivors.py engine.checks   # those whose name starts so
    .venv/bin/python tests/mutation/survivors.py --count         # survivors per function
    .venv/bin/python tests/mutation/survivors.py --names engine.checks   # their names, one a line: to run only
                                                  # them again, `.venv/bin/mutmut run $(… --names engine.checks)`
    .venv/bin/python tests/mutation/survivors.py --again engine.checks   # mark them not run and forget which
                                                  # tests reach which function (a plain `mutmut run`, without
                                                  # names, then runs what is not run, with the tests added since)

Reads ``mutants/**/*.py.meta`` (mutmut 3: exit code 0 of the tests = survived) and the mutated functions
mutmut wrote beside them; prints ``module:function#n`` then the original and the mutated lines that differ.
"""

from __future__ import annotations

import ast
import difflib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "mutants"


def survivors(prefix: str = "") -> list[str]:
    names = []
    for meta in sorted(ROOT.rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        names += [name for name, code in codes.items() if code == 0 and name.startswith(prefix)]
    return names


def functions(source: Path) -> dict[str, str]:
    """Every function mutmut wrote in ``source`` (methods included), by name, as source text."""
    text = source.read_text(encoding="utf-8")
    found = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and "__mutmut_" in node.name:
            found[node.name] = ast.get_source_segment(text, node) or ""
    return found


def changed(name: str, cache: dict) -> list[str]:
    module, function = name.rsplit(".", 1)
    source = ROOT / (module.replace(".", "/") + ".py")
    if source not in cache:
        cache[source] = functions(source)
    found = cache[source]
    local = function.split("ǁ")[-1] if "ǁ" in function else function
    local_base = function.rsplit("__mutmut_", 1)[0]
    original = found.get(local_base.split("ǁ")[-1] + "__mutmut_orig") or found.get(local_base + "__mutmut_orig", "")
    mutant = found.get(local, "") or found.get(function, "")
    rows = []
    for line in difflib.unified_diff(original.splitlines()[1:], mutant.splitlines()[1:], lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        rows.append(line)
    return rows


def again(prefix: str) -> int:
    """Survivors back to « not run »: mutmut keeps a result for a function whose code has not changed, even when
    tests were added; the stats (which tests reach which function) are collected again."""
    reset = 0
    for meta in sorted(ROOT.rglob("*.py.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        codes = data["exit_code_by_key"]
        for name, code in codes.items():
            if code == 0 and name.startswith(prefix):
                codes[name] = None
                reset += 1
        meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
    (ROOT / "mutmut-stats.json").unlink(missing_ok=True)
    print(f"{reset} survivors to run again")
    return 0


def main(argv: list[str]) -> int:
    count = "--count" in argv
    prefix = next((a for a in argv if not a.startswith("--")), "")
    if "--again" in argv:
        return again(prefix)
    names = survivors(prefix)
    if "--names" in argv:
        print("\n".join(names))
        return 0
    if count:
        per = Counter(n.rsplit("__mutmut_", 1)[0] for n in names)
        for function, n in per.most_common():
            print(f"{n:4d}  {function}")
        print(f"{len(names):4d}  in all")
        return 0
    cache: dict = {}
    for name in names:
        print(name)
        for row in changed(name, cache):
            print("    " + row.strip()[:160] if row[0] not in "+-" else f"  {row[0]} {row[1:].strip()[:160]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
