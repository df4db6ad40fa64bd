"""Benchmark of flux on a bailleur's RPLS file: 200 000 dwellings, against a plain csv read (target ≤ 3 ×).

Generates the dwellings with a fixed seed (``flux-rules generate --rpls``), then measures in the same run, each
step in a child process (elapsed time, and processor time of the process and its workers: a ratio a loaded
machine bends less): the csv module reading ``rpls.csv``, ``flux`` on it (RPLS codes mapped, the assiette,
every contingent, JSON), ``flux`` with the reservations table, and for reference ``flux`` on the same dwellings
in the annex layout. The last line is a JSON object with the times, the ratios and whether the target is met.
Not part of the test suite (performance.md: speed targets live in tests/benchmarks/).

    .venv/bin/python tests/benchmarks/bench_rpls.py                     # 200 000 logements
    .venv/bin/python tests/benchmarks/bench_rpls.py --dwellings 20000   # un aperçu rapide
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

SEED = 2024
TARGET = 3.0  # flux / csv read (performance.md)


def read_csv(path: Path):
    with path.open(encoding="cp1252", newline="") as fh:
        return sum(1 for _ in csv.reader(fh, delimiter=";"))


def flux(path: Path, reservations: Path | None = None):
    from engine.flux.run import FluxOptions, run
    from engine.report.fluxreport import to_json

    rotation = None if path.name == "inventaire.csv" else Decimal("0.095")  # the annex layout prints its rate
    opts = FluxOptions(inventory=path, rules="haute-garonne", year=2024, rotation=rotation, reservations=reservations)
    result, _ = run(opts)
    return len(to_json(result))


def _cpu() -> float:
    """Processor time of this process and of the children it has waited for (the forked workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _child(fn, args, queue):
    start, cpu = time.perf_counter(), _cpu()
    fn(*args)
    queue.put((time.perf_counter() - start, _cpu() - cpu))


def measure(fn, *args) -> tuple[float, float]:
    """Elapsed and processor time of ``fn(*args)`` in a forked child."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue))
    proc.start()
    elapsed, cpu = queue.get()
    proc.join()
    if proc.exitcode:
        raise SystemExit(f"{fn.__name__} a échoué (code {proc.exitcode})")
    print(f"  {fn.__name__:<10} {' '.join(a.name for a in args if a):<40} {elapsed:8.2f} s  (calcul {cpu:.2f} s)",
          file=sys.stderr)
    return elapsed, cpu


def data(dwellings: int, directory: Path) -> Path:
    from engine.generate import write

    folder = directory / f"rpls-{dwellings}"
    if not (folder / "rpls.csv").exists():
        print(f"génération (graine {SEED}) : {dwellings} logements…", file=sys.stderr)
        write(dwellings, 10, SEED, folder, rpls=True)
    return folder


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dwellings", type=int, default=200_000)
    parser.add_argument("--data", type=Path, default=Path("/tmp/flux-rules-bench"))
    args = parser.parse_args(argv)
    folder = data(args.dwellings, args.data)
    import engine.flux.run  # noqa: F401  (imported before the children fork: not timed)
    import engine.inputs.rpls  # noqa: F401
    import engine.report.fluxreport  # noqa: F401

    rpls, reservations, annex = folder / "rpls.csv", folder / "reservations.csv", folder / "inventaire.csv"
    (t_csv, c_csv), (t_flux, c_flux) = measure(read_csv, rpls), measure(flux, rpls)
    (t_reserved, c_reserved), (t_annex, c_annex) = measure(flux, rpls, reservations), measure(flux, annex)
    out = {"logements": args.dwellings, "lecture_csv_s": round(t_csv, 3), "flux_rpls_s": round(t_flux, 3),
           "flux_rpls_reservations_s": round(t_reserved, 3), "flux_annexe_s": round(t_annex, 3),
           "flux_rpls_sur_lecture_csv": round(t_flux / t_csv, 3),
           "flux_rpls_reservations_sur_lecture_csv": round(t_reserved / t_csv, 3),
           "flux_annexe_sur_lecture_csv": round(t_annex / t_csv, 3),
           "calcul_sur_lecture_csv": {"flux_rpls": round(c_flux / c_csv, 3),
                                      "flux_rpls_reservations": round(c_reserved / c_csv, 3),
                                      "flux_annexe": round(c_annex / c_csv, 3)},
           "objectif": TARGET, "atteint": max(t_flux, t_reserved) / t_csv <= TARGET}
    print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
