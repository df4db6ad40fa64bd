"""The benchmark of performance.md: floor, naive durable_rules and evaluate, back to back in one run.

    .venv/bin/python tests/benchmarks/bench.py            # 200 000 dwellings, 1 000 000 records
    .venv/bin/python tests/benchmarks/bench.py --records 200000 --dwellings 50000   # a quicker look

Each stage runs in a forked child process so that its peak memory (ru_maxrss)
is its own; the time is measured inside the child around the work only (the
modules are imported once before the forks: imports are a fixed cost, not a
cost per record; loading the rule set is timed). The
last line printed is one JSON object with the times, the ratios, the peak
memory of evaluate, the 100 k / 1 M growth and the ``flux`` / csv ratio, and
whether each target of performance.md is met. Not part of the default test run.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SEED = 2024
TARGETS = {"evaluate_sur_plancher": 3.0, "evaluate_sur_durable_naif": 1.0, "memoire_pic_mio": 1024.0,
           "croissance_1m_sur_100k": 11.0, "flux_sur_lecture_csv": 3.0}


def floor(events: Path):
    """The least any evaluator must do: read the JSONL and json.loads every line (standard library)."""
    n = 0
    with events.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("//"):
                json.loads(line)
                n += 1
    return n


def naive_durable(events: Path):
    """Post every record to a durable_rules ruleset with one rule per record type."""
    from durable import engine as durable_engine

    from engine.inputs.events import TYPES

    counts: dict[str, int] = {}

    class Host(durable_engine.Host):
        def get_action(self, action_name):
            def action(c):
                counts[action_name] = counts.get(action_name, 0) + 1
            return action

    host = Host()
    host.set_rulesets({"naif": {f"r_{t}": {"all": [{"m": {"type": t}}], "run": t} for t in sorted(TYPES)}})
    with events.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if line.strip() and not line.startswith("//"):
                record = json.loads(line)
                record["id"] = n
                host.post("naif", record)
    return sum(counts.values())


def evaluate(events: Path, inventory: Path | None = None):
    from engine.report.formats import to_json
    from engine.year.evaluate import evaluate_file

    rows = None
    if inventory is not None:
        from engine.inputs.inventory import read_inventory
        rows = {r["logement.rpls_id"]: r for r in read_inventory(inventory).rows}
    # as the ``evaluate`` command does: the result only, a long log shared among the cores
    result = evaluate_file(events, "haute-garonne", 2024, inventory=rows, keep_offers=False).result
    return len(to_json(result))


def read_csv(inventory: Path):
    with inventory.open(encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _ in csv.reader(fh, delimiter=";"))


def flux(inventory: Path):
    from engine.flux.run import FluxOptions, run
    from engine.report.fluxreport import to_json

    result, _ = run(FluxOptions(inventory=inventory, rules="haute-garonne", year=2024))
    return len(to_json(result))


def _child(fn, args, queue):
    start = time.perf_counter()
    out = fn(*args)
    elapsed = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest worker, if any
    queue.put((elapsed, own, workers, out))


def measure(fn, *args) -> tuple[float, float]:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue))
    proc.start()
    elapsed, own, largest_worker, _ = queue.get()
    proc.join()
    if proc.exitcode:
        raise SystemExit(f"{fn.__name__} a échoué (code {proc.exitcode})")
    # Worker processes (evaluate shares a long log among the cores) run beside the parent: their peaks are
    # added to its own, each counted as large as the largest (an upper bound: pages they share with the
    # parent are counted twice).
    peak_mib = own + (_workers(fn) - 1) * largest_worker if largest_worker else own
    print(f"  {fn.__name__:<14} {elapsed:8.2f} s   pic mémoire {peak_mib:7.0f} Mio "
          f"(processus {own:.0f}, plus grand travailleur {largest_worker:.0f})", file=sys.stderr)
    return elapsed, peak_mib


def _workers(fn) -> int:
    if fn is not evaluate:
        return 1
    from engine.year.evaluate import workers_for

    return workers_for(10**9)


def data(dwellings: int, records: int, directory: Path) -> tuple[Path, Path, Path]:
    from engine.generate import generate

    directory.mkdir(parents=True, exist_ok=True)
    big = directory / f"evenements-{records}.jsonl"
    small = directory / f"evenements-{records // 10}.jsonl"
    inv = directory / f"inventaire-{dwellings}.csv"
    if not (big.exists() and small.exists() and inv.exists()):
        print(f"génération (graine {SEED}) : {dwellings} logements, {records} et {records // 10} "
              "enregistrements…", file=sys.stderr)
        inv_text, ev_text = generate(dwellings, records, SEED)
        inv.write_bytes(inv_text.encode("utf-8-sig"))
        big.write_text(ev_text, encoding="utf-8")
        small.write_text(generate(dwellings, records // 10, SEED)[1], encoding="utf-8")
    return big, small, inv


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--dwellings", type=int, default=200_000)
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "benchmarks" / ".data")
    args = parser.parse_args(argv)
    big, small, inv = data(args.dwellings, args.records, args.data)
    # Imports are a fixed cost (about half a second), not a cost per record: done once, before the forks.
    import durable.engine  # noqa: F401

    import engine.flux.run  # noqa: F401
    import engine.report.fluxreport  # noqa: F401
    import engine.report.formats  # noqa: F401
    import engine.year.evaluate  # noqa: F401
    t_floor, _ = measure(floor, big)
    t_naive, _ = measure(naive_durable, big)
    t_eval, peak = measure(evaluate, big)
    t_small, _ = measure(evaluate, small)
    t_csv, _ = measure(read_csv, inv)
    t_flux, _ = measure(flux, inv)
    figures = {
        "enregistrements": args.records, "logements": args.dwellings,
        "plancher_s": round(t_floor, 3), "durable_naif_s": round(t_naive, 3), "evaluate_s": round(t_eval, 3),
        "evaluate_sur_plancher": round(t_eval / t_floor, 3),
        "evaluate_sur_durable_naif": round(t_eval / t_naive, 3),
        "memoire_pic_mio": round(peak, 1),
        "evaluate_100k_s": round(t_small, 3), "croissance_1m_sur_100k": round(t_eval / t_small, 3),
        "processus": _workers(evaluate),
        "lecture_csv_s": round(t_csv, 3), "flux_s": round(t_flux, 3), "flux_sur_lecture_csv": round(t_flux / t_csv, 3),
    }
    figures["objectifs_atteints"] = {k: figures[k] <= v for k, v in TARGETS.items()}
    print(json.dumps(figures, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    main()
