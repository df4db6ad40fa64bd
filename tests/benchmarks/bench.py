"""The benchmark of performance.md: ``flux-rules evaluate`` timed as a user runs it, against the floor.

    .venv/bin/python tests/benchmarks/bench.py                       # 1 M records, three orders
    .venv/bin/python tests/benchmarks/bench.py --national            # and 3 M (a national year)
    .venv/bin/python tests/benchmarks/bench.py --records 200000      # a quicker look

The same generated records are written sorted by date, grouped by offer (as a management system exports them
by dossier) and shuffled. Each run is a whole process (interpreter start, imports and the command line
included, as for the floor: the standard library reading the file and ``json.loads`` of every line in one
process), on all the cores and on one (``taskset -c 0``). For each run: the wall time, the CPU time of all
its processes (``wait4``: the command and the workers it waited for), and the peak memory of its process tree
sampled while it runs (every process whose parent is in the tree, its proportional set size summed: a page
two processes share counts once; the sum of resident sizes, which counts it twice, is given beside). The JSON
of every order must be the same bytes. The last line printed is one JSON object with the figures and whether
each target is met. Ratios are taken to the floor measured in the same run, on the same (shared) machine.
Not part of the default test run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = 2024
ORDERS = ("date", "dossier", "melange")
TARGETS = {"evaluate_sur_plancher_1m": 3.0, "evaluate_sur_plancher_1m_un_coeur": 5.0, "memoire_pic_1m_mio": 600.0,
           "memoire_pic_3m_mio": 1024.0, "temps_3m_sur_1m": 3.3, "evaluate_sur_durable_naif": 1.0,
           "temps_1m_sur_100k": 11.0, "flux_sur_lecture_csv": 3.0}
SAMPLE_EVERY = 0.05  # seconds between two looks at the process tree's memory

FLOOR = """
import json, sys
n = 0
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        if line.strip() and not line.startswith("//"):
            json.loads(line)
            n += 1
print(n)
"""

NAIVE = """
import json, sys
from durable import engine
counts = {}
TYPES = ("liberation", "mise_a_disposition", "impossibilite", "candidats", "reprise", "caleol", "reponse", "bail",
         "mise_en_service", "annulation", "exercice")

class Host(engine.Host):
    def get_action(self, action_name):
        def action(c):
            counts[action_name] = counts.get(action_name, 0) + 1
        return action

host = Host()
host.set_rulesets({"naif": {f"r_{t}": {"all": [{"m": {"type": t}}], "run": t} for t in TYPES}})
with open(sys.argv[1], encoding="utf-8") as fh:
    for n, line in enumerate(fh):
        if line.strip() and not line.startswith("//"):
            record = json.loads(line)
            record["id"] = n
            host.post("naif", record)
print(sum(counts.values()))
"""

CSV = """
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as fh:
    print(sum(1 for _ in csv.reader(fh, delimiter=";")))
"""


def command() -> list[str]:
    script = Path(sys.executable).with_name("flux-rules")
    return [str(script)] if script.exists() else [sys.executable, "-m", "engine.cli"]


def _tree(root: int) -> list[int]:
    """``root`` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _memory(pids: list[int]) -> tuple[int, int]:
    """(sum of Pss, sum of Rss) in KiB."""
    pss = rss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except OSError:
            continue
    return pss, rss


def run(argv: list[str], one_core: bool, out: Path | None = None) -> dict:
    """Wall and CPU time of a whole process and of the processes it waited for, the peak memory of its tree."""
    if one_core:
        argv = ["taskset", "-c", "0", *argv]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=out.open("wb") if out else subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pss, rss = _memory(_tree(proc.pid))
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            done.wait(SAMPLE_EVERY)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace")
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} : code {proc.returncode}\n{err}")
    return {"mur_s": round(wall, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            "pic_mio": round(peak[0] / 1024, 1), "pic_rss_mio": round(peak[1] / 1024, 1)}


def data(records: int, dwellings: int, directory: Path) -> dict[str, Path]:
    """The records in the three orders (made once, kept in ``directory``)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {order: directory / f"evenements-{records}-{order}.jsonl" for order in ORDERS}
    paths["inventaire"] = directory / f"inventaire-{dwellings}-{records}.csv"
    if all(p.exists() for p in paths.values()):
        return paths
    sys.path.insert(0, str(ROOT))
    from engine.generate import generate

    print(f"génération (graine {SEED}) : {dwellings} logements, {records} enregistrements…", file=sys.stderr)
    inventory, text = generate(dwellings, records, SEED)
    paths["inventaire"].write_bytes(inventory.encode("utf-8-sig"))
    del inventory
    head, *body = text.splitlines()
    del text
    paths["date"].write_text("\n".join([head, *body]) + "\n", encoding="utf-8")
    random.Random(SEED).shuffle(body)
    paths["melange"].write_text("\n".join([head, *body]) + "\n", encoding="utf-8")

    def dossier(line: str) -> str:  # the offer, else the dwelling, else the target (a regular expression is
        for key in ('"offre": "', '"logement": "', '"cible": "'):  # not needed: the generator writes so)
            at = line.find(key)
            if at >= 0:
                return line[at + len(key):line.index('"', at + len(key))]
        return ""

    body.sort(key=dossier)
    paths["dossier"].write_text("\n".join([head, *body]) + "\n", encoding="utf-8")
    return paths


def size(records: int, dwellings: int, directory: Path, scratch: Path) -> dict:
    paths = data(records, dwellings, directory)
    figures: dict = {"enregistrements": records}
    for one_core in (False, True):
        mode = "un_coeur" if one_core else "tous_coeurs"
        floor = run([sys.executable, "-c", FLOOR, str(paths["date"])], one_core)
        figures[mode] = {"plancher": floor}
        outputs = set()
        for order in ORDERS:
            out = scratch / f"{records}-{order}-{mode}.json"
            measured = run([*command(), "evaluate", str(paths[order]), "--format", "json"], one_core, out)
            measured["sur_plancher"] = round(measured["mur_s"] / floor["mur_s"], 3)
            measured["cpu_sur_plancher"] = round(measured["cpu_s"] / floor["cpu_s"], 3)  # less noisy when loaded
            figures[mode][order] = measured
            outputs.add(out.read_bytes())
            print(f"  {records} {mode:<11} {order:<8} {measured}", file=sys.stderr)
        figures[mode]["json_identiques"] = len(outputs) == 1
        if len(outputs) != 1:
            raise SystemExit(f"{records} enregistrements : le JSON dépend de l'ordre du fichier ({mode})")
    return figures


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--dwellings", type=int, default=200_000)
    parser.add_argument("--national", action="store_true", help="3 fois plus d'enregistrements aussi (3 M)")
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "benchmarks" / ".data")
    args = parser.parse_args(argv)
    scratch = args.data / "sorties"
    scratch.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    figures: dict = {"processeurs": len(os.sched_getaffinity(0)), "charge_avant": [round(x, 2) for x in load]}
    base = size(args.records, args.dwellings, args.data, scratch)
    figures["base"] = base
    every = [base["tous_coeurs"][o] for o in ORDERS]
    figures["evaluate_sur_plancher_1m"] = max(m["sur_plancher"] for m in every)
    figures["evaluate_sur_plancher_1m_un_coeur"] = max(base["un_coeur"][o]["sur_plancher"] for o in ORDERS)
    figures["memoire_pic_1m_mio"] = max(base[mode][o]["pic_mio"] for mode in ("tous_coeurs", "un_coeur")
                                        for o in ORDERS)
    paths = data(args.records, args.dwellings, args.data)
    naive = run([sys.executable, "-c", NAIVE, str(paths["date"])], False)
    figures["durable_naif"] = naive
    figures["evaluate_sur_durable_naif"] = round(base["tous_coeurs"]["date"]["mur_s"] / naive["mur_s"], 3)
    small = data(args.records // 10, args.dwellings, args.data)["date"]
    figures["evaluate_100k"] = run([*command(), "evaluate", str(small), "--format", "json"], False)
    figures["temps_1m_sur_100k"] = round(base["tous_coeurs"]["date"]["mur_s"] / figures["evaluate_100k"]["mur_s"], 3)
    csv_read = run([sys.executable, "-c", CSV, str(paths["inventaire"])], False)
    flux = run([*command(), "flux", "--inventory", str(paths["inventaire"]), "--rules", "haute-garonne", "--year",
                "2024", "--format", "json"], False)
    figures["lecture_csv"], figures["flux"] = csv_read, flux
    figures["flux_sur_lecture_csv"] = round(flux["mur_s"] / csv_read["mur_s"], 3)
    if args.national:
        national = size(3 * args.records, 3 * args.dwellings, args.data, scratch)
        figures["national"] = national
        figures["memoire_pic_3m_mio"] = max(national[mode][o]["pic_mio"] for mode in ("tous_coeurs", "un_coeur")
                                            for o in ORDERS)
        figures["temps_3m_sur_1m"] = max(national[mode][o]["mur_s"] / base[mode][o]["mur_s"]
                                         for mode in ("tous_coeurs", "un_coeur") for o in ORDERS)
        figures["temps_3m_sur_1m"] = round(figures["temps_3m_sur_1m"], 3)
    figures["charge_apres"] = [round(x, 2) for x in os.getloadavg()]
    figures["objectifs_atteints"] = {k: figures[k] <= v for k, v in TARGETS.items() if k in figures}
    shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(figures, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    main()
