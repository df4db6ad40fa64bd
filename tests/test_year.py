"""The evaluation of a year (engine.year): one path for a file in any order, by one process or several, held to
a plain recount of the records and of the offers' decisions, and to what happens when a process dies, the file
changes between the two readings, or the log comes through a pipe."""

import json
import random
import re
from collections import Counter, defaultdict

import pytest

from engine.generate import generate
from engine.problems import BadInput
from engine.report.formats import to_json
from engine.year.evaluate import evaluate_file
from tests.conftest import ROOT

YEAR = 2024
ATTRIBUTION = ("attribution", "attribution_sous_condition")


def _orders(text: str, seed: int) -> dict[str, str]:
    """The same records sorted by date (as generated), grouped by offer (as a management system exports them by
    dossier) and shuffled (same-day records included), the header first."""
    head, *body = text.splitlines()
    rnd = random.Random(seed)
    shuffled = rnd.sample(body, len(body))

    def dossier(line: str) -> str:
        record = json.loads(line)
        return record.get("offre") or record.get("logement") or record.get("cible") or ""

    grouped = sorted(shuffled, key=dossier)
    return {name: "\n".join([head, *lines]) + "\n" for name, lines in
            (("date", body), ("dossier", grouped), ("melange", shuffled))}


def recount(text: str) -> dict:
    """A plain recount of the records, none of the engine's code: offers opened in the year (each offer's first
    mise à disposition not cancelled), attributed in the year (its first attributing CALEOL decision), leased
    in the year; for a log that has no record to reject."""
    records = [json.loads(line) for line in text.splitlines()[1:] if line.strip()]
    cancelled = {r["cible"] for r in records if r["type"] == "annulation"}
    live = sorted((r for r in records if r["type"] != "annulation" and r.get("id") not in cancelled),
                  key=lambda r: r["date"])
    opened: dict[str, str] = {}
    attributed: dict[str, str] = {}
    leased: dict[str, str] = {}
    for r in live:
        if r["type"] == "mise_a_disposition":
            opened.setdefault(r["offre"], r["date"])
        elif r["type"] == "caleol" and r["decision"] in ATTRIBUTION:
            attributed.setdefault(r["offre"], r["date"])
        elif r["type"] == "bail":
            leased.setdefault(r["offre"], r["date"])
    in_year = str(YEAR)
    return {name: sum(1 for day in days.values() if day.startswith(in_year))
            for name, days in (("mises_a_disposition", opened), ("attributions", attributed), ("baux", leased))}


def decisions_recount(evaluation) -> dict:
    """Each réservataire's figures added up from the offers' own decisions, one by one."""
    out: dict[str, Counter] = defaultdict(Counter)
    counted: dict[str, list] = defaultdict(list)
    for ev in evaluation.offers.values():
        figures, offer = out[ev.reservataire.id], ev.offer
        figures["mises_a_disposition"] += offer.mad.date.year == YEAR
        figures["attributions"] += offer.attribution_date is not None and offer.attribution_date.year == YEAR
        figures["baux"] += offer.bail is not None and offer.bail.date.year == YEAR
        figures["refus"] += sum(1 for _, day, _ in offer.refus() if day.year == YEAR)
        if ev.date_decompte is not None and ev.date_decompte.year == YEAR:
            figures["decompte"] += 1
            counted[ev.reservataire.id].append((offer.mad.date, offer.id))
    return {rid: {**{k: figures[k] for k in (*FIGURES, "decompte")},
                  "offres_decomptees": [oid for _, oid in sorted(counted[rid])]} for rid, figures in out.items()}


FIGURES = ("mises_a_disposition", "attributions", "baux", "refus")


def _figures(result: dict) -> dict:
    """Each réservataire's own figures (a delegate's counted offers are added to its holder's: taken out)."""
    out = {}
    for r in result["reservataires"]:
        own = r.get("decompte_propre", r["decompte"])
        figures = {**{k: r[k] for k in FIGURES}, "decompte": own, "offres_decomptees": r["offres_decomptees"][:own]}
        if any(figures.values()):
            out[r["id"]] = figures
    return out


@pytest.mark.parametrize("seed,dwellings,records", [(1, 300, 4000), (2, 60, 3000), (3, 2000, 2500)])
def test_a_generated_year_in_any_order_gives_one_json_equal_to_a_plain_recount(tmp_path, seed, dwellings,
                                                                               records):
    """Sorted by date, grouped by offer, shuffled; one process or two or three: the same bytes of JSON, and
    figures equal to a recount of the records and to the sum of the offers' own decisions."""
    text = generate(dwellings, records, seed)[1]
    outputs = set()
    for name, body in _orders(text, seed).items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text(body, encoding="utf-8")
        kept = evaluate_file(path)
        assert kept.result["evenements"]["rejetes"] == 0  # a log the plain recount can count
        outputs.add(to_json(kept.result))
        for workers in (2, 3) if name == "melange" else (2,):  # the result alone, shared among processes
            shared = evaluate_file(path, keep_offers=False, workers=workers)
            outputs.add(to_json(shared.result))
            assert shared.logements == {ev.offer.logement for ev in kept.offers.values()}
        assert _figures(kept.result) == decisions_recount(kept), name
    assert len(outputs) == 1
    result = json.loads(outputs.pop())
    plain = recount(text)
    for figure, total in plain.items():
        assert sum(r[figure] for r in result["reservataires"]) == total, figure
    assert result["total_decompte"] == sum(len(r["offres_decomptees"]) for r in result["reservataires"]
                                           if "gere_pour" not in r)
    assert plain["mises_a_disposition"] > records // 10  # a year that is not empty


def test_contradictions_cancellations_and_bad_lines_in_any_order(tmp_path):
    """Generated year plus what real logs contain: records after a lease, an unknown cancellation target,
    a record before its offer opens, a reopened offer, an invalid line (skipped with --skip-invalid), spaces,
    a form feed and a carriage return around records. The same rejections in the file's order and reversed
    (the lines renumbered), by one process or two."""
    lines = generate(80, 1500, 7)[1].splitlines()
    records = [json.loads(line) for line in lines[1:]]
    bail = next(r for r in records if r["type"] == "bail")
    mad = next(r for r in records if r["type"] == "mise_a_disposition")
    extra = [
        {"type": "caleol", "date": "2024-12-30", "offre": bail["offre"], "menage": bail["menage"],
         "decision": "attribution", "id": "X1"},
        {"type": "annulation", "date": "2024-12-30", "cible": "nulle-part", "id": "X2"},
        {"type": "mise_a_disposition", "date": "2024-12-30", "offre": mad["offre"], "logement": mad["logement"],
         "reservataire": "CILEO", "id": "X3"},
    ]
    before = {"type": "candidats", "date": "2024-01-01", "offre": "O-tardive", "menages": [{"id": "Z"}], "id": "X4"}
    late_open = {"type": "mise_a_disposition", "date": "2024-12-31", "offre": "O-tardive", "logement": "L-Z",
                 "reservataire": "PREFECTURE", "id": "X5"}
    body = [json.dumps(r, ensure_ascii=False) for r in [before, *records, *extra, late_open]]
    body.insert(len(body) // 2, '{"type": "bail", "date": "2024-12-31"')
    body[5], body[6], body[7] = "\f" + body[5], "   " + body[6] + " \t", body[7] + "\r"  # read stripped
    results = []
    for name, order in (("ecrit", body), ("inverse", body[::-1])):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join([lines[0], *order]) + "\n", encoding="utf-8")
        alone = evaluate_file(path, skip_invalid=True).result
        assert evaluate_file(path, skip_invalid=True, keep_offers=False, workers=2).result == alone
        results.append(alone)
    motifs = [sorted(re.sub(r"ligne \d+", "ligne N", r["motif"]) for r in result["evenements"]["rejets"])
              for result in results]  # the lines renumbered
    assert motifs[0] == motifs[1] and len(motifs[0]) == 5, motifs
    for words in ("après la signature du bail", "nulle-part", "déjà ouverte", "avant la mise à disposition",
                  "JSON invalide"):
        assert any(words in m for m in motifs[0]), words
    assert results[0]["reservataires"] == results[1]["reservataires"]


def test_the_sample_with_its_correction_at_the_end_equals_the_sample_sorted():
    """The sample log's correction comes at the end of the file: the same figures as the log sorted by date."""
    import tempfile
    from pathlib import Path

    sample = ROOT / "scenarios" / "exemple-2024" / "evenements.jsonl"
    head, *body = [line for line in sample.read_text(encoding="utf-8").splitlines()
                   if line.strip() and not line.startswith("//")]
    ordered = sorted(body, key=lambda line: json.loads(line)["date"])
    assert ordered != body
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / sample.name
        path.write_text("\n".join([head, *ordered]) + "\n", encoding="utf-8")
        as_sorted = evaluate_file(path).result
    as_given = evaluate_file(sample).result
    assert as_given["reservataires"] == as_sorted["reservataires"]
    assert evaluate_file(sample, keep_offers=False, workers=2).result == as_given


def test_worker_count_follows_the_log_size_and_the_environment(monkeypatch):
    from engine.year.evaluate import PARALLEL_FROM, workers_for

    monkeypatch.delenv("FLUX_RULES_PROCESSUS", raising=False)
    assert workers_for(PARALLEL_FROM - 1) == 1
    assert 1 <= workers_for(PARALLEL_FROM) <= 4
    monkeypatch.setenv("FLUX_RULES_PROCESSUS", "3")
    assert workers_for(10) == 3
    for wrong in ("beaucoup", "0", "-2", "2.5", "65"):  # not a number of processes: refused, never ignored
        monkeypatch.setenv("FLUX_RULES_PROCESSUS", wrong)
        with pytest.raises(BadInput, match=f"FLUX_RULES_PROCESSUS: « {re.escape(wrong)} » : attendu un nombre"):
            workers_for(10)
    monkeypatch.setenv("FLUX_RULES_PROCESSUS", " 2 ")
    assert workers_for(10) == 2


@pytest.mark.parametrize("verb", [["evaluate", "--format", "json"], ["explain", "--offre", "O-2"]])
def test_a_garbage_process_count_is_refused_by_the_cli(monkeypatch, verb):
    from tests.conftest import invoke

    monkeypatch.setenv("FLUX_RULES_PROCESSUS", "beaucoup")
    sample = ROOT / "scenarios" / "exemple-2024" / "evenements.jsonl"
    result = invoke([verb[0], sample, *verb[1:]], 2)
    assert "FLUX_RULES_PROCESSUS: « beaucoup » : attendu un nombre de processus entre 1 et 64" in result.output


def test_evaluate_command_on_a_long_log_shares_it_and_gives_the_answer_of_one_process(tmp_path, monkeypatch):
    """The CLI's evaluate keeps only the result: it forks workers (here two, asked for)."""
    from typer.testing import CliRunner

    from engine.cli import app

    monkeypatch.setenv("FLUX_RULES_PROCESSUS", "2")
    path = tmp_path / "annee.jsonl"
    path.write_text(_orders(generate(500, 6000, 11)[1], 11)["melange"], encoding="utf-8")
    out = CliRunner().invoke(app, ["evaluate", str(path), "--format", "json"])
    assert out.exit_code in (0, 1), out.output
    assert json.loads(out.stdout) == json.loads(to_json(evaluate_file(path).result))


def test_a_file_changed_between_the_two_readings_is_refused(tmp_path, monkeypatch):
    import engine.year.evaluate as evaluate

    scan = evaluate.scan
    path = tmp_path / "journal.jsonl"
    text = generate(20, 120, 3)[1]
    changes = [
        lambda: path.open("a", encoding="utf-8").write('{"type": "liberation", "date": "2024-12-30", '
                                                        '"logement": "L1"}\n'),
        lambda: path.write_bytes(path.read_bytes().replace(b'"type": "mise_a_disposition"',
                                                           b'"typ\\": "mise_a_disposition"', 1)),  # same size
    ]
    for change, words in zip(changes, [r"journal.jsonl: le fichier a changé",
                                       r"journal.jsonl:\d+: le fichier a changé"], strict=True):
        path.write_text(text, encoding="utf-8")

        def scan_then_change(*args, change=change, **kw):
            index = scan(*args, **kw)
            change()
            return index

        monkeypatch.setattr(evaluate, "scan", scan_then_change)
        with pytest.raises(BadInput, match=words):
            evaluate_file(path)


def test_bad_input_found_by_a_worker_reaches_the_parent_whole():
    import pickle

    from engine.problems import Problem

    error = pickle.loads(pickle.dumps(BadInput([Problem("journal.jsonl", 7, "le fichier a changé pendant la lecture")])))
    assert isinstance(error, BadInput) and str(error) == "journal.jsonl:7: le fichier a changé pendant la lecture"


def _dying_worker(job, me, progress=None):
    """A worker share 1 never finishes: its process stops, as the kernel stops one out of memory."""
    import os

    import engine.year.workers as workers

    if me == 1:
        os._exit(9)
    return workers._original_work(job, me, progress)


def test_a_worker_that_dies_leaves_the_work_to_one_process(tmp_path, monkeypatch, capsys):
    import engine.year.workers as workers

    path = tmp_path / "annee.jsonl"
    path.write_text(generate(300, 4000, 12)[1], encoding="utf-8")
    monkeypatch.setattr(workers, "_original_work", workers._work, raising=False)
    monkeypatch.setattr(workers, "_work", _dying_worker)
    shared = evaluate_file(path, keep_offers=False, workers=2)
    assert "un processus de travail s'est arrêté" in capsys.readouterr().err
    assert shared.result == evaluate_file(path).result


def _dying_reader(path, name, start, end, exact, progress=None, strict=False):
    """A process that reads a later part of the file stops before sending it."""
    import os

    import engine.year.read as read

    if start > 0:
        os._exit(9)
    return read._original_read_range(path, name, start, end, exact, progress, strict)


def test_a_reader_that_dies_leaves_both_passes_to_one_process(tmp_path, monkeypatch):
    import engine.year.read as read

    path = tmp_path / "annee.jsonl"
    path.write_text(generate(300, 4000, 13)[1], encoding="utf-8")
    alone = evaluate_file(path).result
    monkeypatch.setattr(read, "_original_read_range", read._read_range, raising=False)
    monkeypatch.setattr(read, "_read_range", _dying_reader)
    assert evaluate_file(path, keep_offers=False, workers=3).result == alone


def test_the_team_ends_with_the_evaluation_whatever_stops_it(tmp_path):
    """Bad lines, a repeated id, a record out of date order: the processes that read the parts do not stay,
    and the answer is the one of a single process."""
    import multiprocessing as mp

    lines = generate(200, 3000, 14)[1].splitlines()
    cases = {
        "invalide": lines[:1500] + ['{"type": "bail", "date": "2024-07-01"'] + lines[1500:],
        "double": lines + [lines[-1]],
        "desordre": lines + [json.dumps({**json.loads(lines[5]), "id": "tardif"})],
    }
    outcomes = {}
    for name, body in cases.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(body) + "\n", encoding="utf-8")
        answers = []
        for workers in (2, 1):
            try:
                answers.append(evaluate_file(path, keep_offers=False, workers=workers).result)
            except BadInput as exc:
                answers.append(str(exc))
        assert answers[0] == answers[1], name
        assert not any(child.is_alive() for child in mp.active_children()), name
        outcomes[name] = answers[0]
    assert "JSON invalide" in outcomes["invalide"] and "en double" in outcomes["double"]
    assert outcomes["desordre"]["evenements"]["lus"] == len(cases["desordre"])  # the header and every record


def test_a_pipe_is_copied_to_a_temporary_file_and_read_like_a_file(tmp_path, monkeypatch):
    """``flux-rules evaluate <(zcat annee.jsonl.gz)``: a pipe cannot be read twice nor in parts; its copy
    can, and is removed afterwards. Automatic ids keep the pipe's name."""
    import os
    import tempfile
    import threading

    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    text = _orders(generate(60, 800, 15)[1], 15)["melange"]
    plain = tmp_path / "annee.jsonl"
    plain.write_text(text, encoding="utf-8")
    for workers in (1, 2):
        pipe = tmp_path / f"tube-{workers}.jsonl"
        os.mkfifo(pipe)
        writer = threading.Thread(target=pipe.write_text, args=(text,), kwargs={"encoding": "utf-8"})
        writer.start()
        try:
            piped = evaluate_file(pipe, keep_offers=False, workers=workers)
        finally:
            writer.join()
        assert piped.result == evaluate_file(plain, keep_offers=False).result
        assert piped.log.path == str(pipe)
        assert list(spool.iterdir()) == []
