"""``evaluate_file``: the one way a year of records is evaluated, whatever the order of the file.

rules → pass 1 (:mod:`engine.year.read`: every line checked, an index kept) → pass 2
(:mod:`engine.year.replay`: each offer's records read where pass 1 found them, in the order of the life
cycle, evaluated by :mod:`engine.year.offer` and entered in the ledger; shared among processes by
:mod:`engine.year.workers` when only the result is wanted) → the result (:mod:`engine.year.result`).

A pipe (``<(zcat annee.jsonl.gz)``) is first copied to a temporary file (:func:`engine.year.read.spooled`),
then read like a file. What the evaluation keeps of each offer is said by ``keep_offers`` and ``full``.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from engine import cores
from engine.checks import standing
from engine.counting.lifecycle import Lifecycle
from engine.counting.registry import Registry
from engine.gcpause import gc_paused
from engine.inputs.cutoff import check_date, recorded_by
from engine.inputs.events import HEADER_CODE, EventLog
from engine.inputs.previous import Previous
from engine.ledger import Ledger
from engine.problems import BadInput, Problem
from engine.ruleset.in_force import COUNTING, require_in_force
from engine.ruleset.inherit import RuleSet, load_ruleset
from engine.year.offer import OfferEval
from engine.year.read import PARALLEL_FROM, Index, all_problems, scan, spooled
from engine.year.replay import DecodersDisagree, Pass2, read_life
from engine.year.result import tally
from engine.year.workers import known_names, shared


@dataclass
class Evaluation:
    year: int
    ruleset: RuleSet
    log: EventLog
    life: Lifecycle | None  # the dwellings' libérations and mises en service (None: the result only was asked for)
    offers: dict[str, OfferEval]  # empty when the evaluation was asked for its result only
    result: dict
    logements: set[str] = field(default_factory=set)  # the dwellings of the evaluated offers
    life_years: dict[int, int] = field(default_factory=dict)  # libérations and mises en service per year


def workers_for(size: int) -> int:
    """Processes for a log of ``size`` bytes (:func:`engine.cores.workers_for`): a long log is read in parts
    and its offers evaluated in shares, by the same processes."""
    return cores.workers_for(size, PARALLEL_FROM)


def evaluate_file(path: Path, rules: str | RuleSet | None = None, year: int | None = None,
                  skip_invalid: bool = False, previous: dict | Previous | None = None, inventory: dict | None = None,
                  bailleur: str | None = None, use_durable: bool = True, shown: str | None = None, progress=None,
                  keep_offers: bool = True, full: Callable[[OfferEval], bool] | None = None,
                  workers: int | None = None, au: dt.date | None = None) -> Evaluation:
    """The year of the log ``path`` (any order; a pipe is copied to a temporary file first), memory following
    the open offers. ``keep_offers``: each offer's evaluation is kept (``bilan``, ``explain``, the cases), slim
    (without its candidate, CALEOL and answer records) unless ``full(evaluation)`` says to keep every record
    (``explain``); ``keep_offers=False``: the result and the dwellings only (``evaluate``), and a long log is
    then shared among ``workers`` processes (default :func:`workers_for`). ``rules``: a name, a path, or a
    rule set already loaded (the cases). ``progress(bytes)`` runs from 0 to twice the size of the file.
    ``au``: the year as recorded up to that date (:mod:`engine.inputs.cutoff`): records dated after it set aside and
    counted (``posterieurs``), deadlines still running on it open, not missed, and each offer kept whole for the
    deadlines open on that date (:mod:`engine.checks.standing`)."""
    if au is not None:
        keep_offers, full = True, _every_offer
    with gc_paused(), spooled(path) as readable, recorded_by(readable, au) as (cut, aside):
        name = shown or str(path)
        try:
            evaluation = _two_passes(cut, name, rules, year, skip_invalid, previous, inventory, bailleur, use_durable,
                                     progress, keep_offers, full, workers, au, strict=False)
        except DecodersDisagree:  # a line the typed decoder took that orjson refuses: every line read by both
            evaluation = _two_passes(cut, name, rules, year, skip_invalid, previous, inventory, bailleur, use_durable,
                                     None, keep_offers, full, 1, au, strict=True)
    if au is not None:
        _set_aside(evaluation.result, aside)
        standing.annotate(evaluation, au)
    return evaluation


def _every_offer(evaluation: OfferEval) -> bool:
    return True


def _set_aside(result: dict, aside: int) -> None:
    """The records dated after ``--au``, said beside those read: lus = evalues + rejetes + posterieurs."""
    counts = result["evenements"]
    result["evenements"] = {"lus": counts["lus"] + aside, "evalues": counts["evalues"], "rejetes": counts["rejetes"],
                            "posterieurs": aside, "rejets": counts["rejets"]}


def _two_passes(path: Path, name: str, rules, year, skip_invalid: bool, previous, inventory, bailleur,
                use_durable: bool, progress, keep_offers: bool, full, workers: int | None, au: dt.date | None,
                strict: bool) -> Evaluation:
    n = 1 if keep_offers or strict or not cores.can_fork() else workers or _workers_for_file(path)
    index = scan(path, name, progress, strict=strict, parts=None if n == 1 else n)
    header = index.header or {}
    if index.problems and not skip_invalid:
        raise BadInput(all_problems(index))
    ruleset = rules if isinstance(rules, RuleSet) else None
    rules = ruleset.name if ruleset is not None else rules or header.get("regles")
    given = ("--year", 0) if year else (name, index.header_line or 0) if header.get("annee") else (name, 0)
    year = year or header.get("annee") or (next(iter(index.years)) if len(index.years) == 1 else None)
    if not rules or not year:
        _unknown_rules_or_year(name, rules, index.problems)
    if ruleset is None:
        ruleset = load_ruleset(rules)
    require_in_force(ruleset, int(year), COUNTING, *given)
    if isinstance(previous, Previous):  # last year's result: its year and rule set checked against this one
        previous = previous.for_year(int(year), ruleset.name)
    bailleur = bailleur or header.get("bailleur")
    check_date(au, int(year))
    return _replay(index, ruleset, int(year), previous, inventory, bailleur, use_durable, progress, keep_offers,
                   full, n, au)


def as_of(index: Index, year: int, au: dt.date | None = None) -> dt.date:
    """The day deadlines not met are judged on: ``au`` when given (the log as recorded that day), else the end of
    the year, or the log's last record when later."""
    if au is not None:
        return au
    on = dt.date(year, 12, 31)
    return max(on, index.last_date or on)


def _replay(index: Index, ruleset: RuleSet, year: int, previous: dict | None, inventory: dict | None,
            bailleur: str | None, use_durable: bool, progress, keep_offers: bool, full, n: int,
            au: dt.date | None = None) -> Evaluation:
    """Pass 2, in this process or shared among ``n`` processes forked once the index is made (its arrays are
    not copied: no reference count is written in them); the sum of their ledgers is the ledger of one process."""
    log = EventLog(index.name, index.header, list(index.problems) + index.rejections, index.lus,
                   header_line=index.header_line)
    registry = known_names(Registry(ruleset), index)
    parts = None
    if n > 1:
        try:
            parts = shared(index, ruleset, year, as_of(index, year, au), inventory, use_durable, n, progress)
        except (BrokenProcessPool, MemoryError, OSError, RuntimeError) as exc:
            # a worker was stopped (out of memory?), or this process lacks memory for its share beside them:
            # the same work in this process alone
            if not isinstance(exc, BrokenProcessPool) and not cores.out_of_resources(exc):
                raise
            print(f"flux-rules : {cores.why_alone(exc)} ; l'évaluation reprend dans un seul processus "
                  "(FLUX_RULES_PROCESSUS=1 pour ne pas en lancer)", file=sys.stderr)
    evals: dict[str, OfferEval] = {}
    bases: dict = {}
    life = None
    if parts is not None:
        ledger: Ledger = parts[0].ledger
        for part in parts[1:]:
            ledger.merge(part.ledger)
        for part in parts:
            log.problems.extend(part.problems)
    else:
        one = Pass2(index, ruleset, year, as_of(index, year, au), inventory, use_durable, log.reject, registry,
                    keep_offers, full)
        one.run(None, progress)
        evals, ledger, bases = one.evals, one.ledger, one.evaluator.bases
        if keep_offers:
            life = read_life(index, one.life)
    result = tally(log, ruleset, year, registry, bases, ledger, previous, bailleur)
    return Evaluation(year, ruleset, log, life, evals, result, index.offered(), index.life_years)


def _unknown_rules_or_year(name: str, rules, problems: list[Problem]) -> None:
    """The rules or the year cannot be known: say why. A header refused (``--skip-invalid`` set it aside) is the
    cause, not a missing header."""
    headers = [p for p in problems if p.code == HEADER_CODE]
    what = "règles inconnues" if not rules else "exercice inconnu"
    if headers:
        raise BadInput([*headers, Problem(name, headers[0].ligne, f"{what} : l'en-tête « exercice » de la ligne "
                                                                  f"{headers[0].ligne} est refusé ; "
                                                                  "corrigez-le ou donnez l'option "
                                                                  f"{'--rules' if not rules else '--year'}")])
    if not rules:
        raise BadInput([Problem(name, 1, "règles inconnues : ajoutez un en-tête {\"type\": \"exercice\", \"annee\": "
                                         "2024, \"regles\": \"haute-garonne\"} ou l'option --rules")])
    raise BadInput([Problem(name, 1, "exercice inconnu : les événements couvrent plusieurs années ; ajoutez un en-tête "
                                     "« exercice » ou l'option --year")])


def _workers_for_file(path: Path) -> int:
    try:
        return workers_for(path.stat().st_size)
    except OSError:
        return 1
