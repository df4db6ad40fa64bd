"""The streaming evaluation (two passes, memory following the open offers) gives the in-memory result."""

import json
import re

import pytest

from engine.generate import generate
from engine.pipeline import evaluate_file
from engine.problems import BadInput
from tests.conftest import ROOT


def both(path, **kw):
    fast = evaluate_file(path, stream=True, **kw)
    slow = evaluate_file(path, stream=False, **kw)
    for workers in (2, 3):  # the result alone, the dwellings shared among forked workers
        shared = evaluate_file(path, stream=True, keep_offers=False, workers=workers, **kw)
        assert shared.result == slow.result, workers
        assert shared.logements == {ev.offer.logement for ev in slow.offers.values()}
    return fast, slow


@pytest.mark.parametrize("seed,dwellings,records", [(1, 300, 4000), (2, 60, 3000), (3, 2000, 2500)])
def test_generated_logs_give_the_same_result(tmp_path, seed, dwellings, records):
    path = tmp_path / "evenements.jsonl"
    path.write_text(generate(dwellings, records, seed)[1], encoding="utf-8")
    fast, slow = both(path)
    assert fast.result == slow.result
    assert fast.offers.keys() == slow.offers.keys()
    assert len(fast.log.records) == 0 and len(slow.log.records) == records  # nothing kept record by record


def test_contradictions_cancellations_and_bad_lines_give_the_same_result(tmp_path):
    """Generated year plus what real logs contain: records after a lease, an unknown cancellation target,
    a record before its offer opens, a reopened offer, an invalid line (skipped with --skip-invalid), spaces,
    a form feed and a carriage return around records."""
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
    ordered = sorted([before, *records, *extra, late_open], key=lambda r: r["date"])
    body = [lines[0]] + [json.dumps(r, ensure_ascii=False) for r in ordered]
    body.insert(len(body) // 2, '{"type": "bail", "date": "2024-12-31"')
    body[5], body[6], body[7] = "\f" + body[5], "   " + body[6] + " \t", body[7] + "\r"  # read stripped
    path = tmp_path / "journal.jsonl"
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    fast, slow = both(path, skip_invalid=True)
    assert len(fast.log.records) == 0  # in date order: the streaming path ran
    assert fast.result == slow.result
    motifs = " ".join(r["motif"] for r in fast.result["evenements"]["rejets"])
    for words in ("après la signature du bail", "nulle-part", "déjà ouverte", "avant la mise à disposition",
                  "JSON invalide"):
        assert words in motifs


def test_a_file_out_of_date_order_goes_the_in_memory_way():
    sample = ROOT / "scenarios" / "exemple-2024" / "evenements.jsonl"  # its correction comes at the end
    fast, slow = both(sample)
    assert fast.result == slow.result and len(fast.log.records) == len(slow.log.records) > 0


def test_worker_count_follows_the_log_size_and_the_environment(monkeypatch):
    from engine.pipeline import PARALLEL_FROM, workers_for

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


def test_evaluate_command_on_a_long_log_shares_it_and_gives_the_in_memory_result(tmp_path, monkeypatch):
    """The CLI's evaluate keeps only the result: past PARALLEL_FROM bytes it forks workers."""
    from typer.testing import CliRunner

    from engine.cli import app

    monkeypatch.setenv("FLUX_RULES_PROCESSUS", "2")
    path = tmp_path / "annee.jsonl"
    path.write_text(generate(500, 6000, 11)[1], encoding="utf-8")
    out = CliRunner().invoke(app, ["evaluate", str(path), "--format", "json"])
    assert out.exit_code in (0, 1), out.output
    slow = evaluate_file(path, stream=False)
    assert json.loads(out.stdout) == json.loads(json.dumps(slow.result, default=str))


def test_a_file_changed_between_the_two_readings_is_refused(tmp_path):
    from engine.pipeline import load_ruleset
    from engine.problems import BadInput
    from engine.scan import scan
    from engine.streaming import evaluate_stream

    path = tmp_path / "journal.jsonl"
    path.write_text(generate(20, 120, 3)[1], encoding="utf-8")
    index = scan(path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"type": "liberation", "date": "2024-12-30", "logement": "L1"}\n')
    with pytest.raises(BadInput, match="le fichier a changé entre les deux lectures"):
        evaluate_stream(index, load_ruleset("haute-garonne"), 2024)
    path.write_text(generate(20, 120, 3)[1], encoding="utf-8")
    index = scan(path)
    text = path.read_bytes()
    at = text.index(b'"type": "mise_a_disposition"')
    path.write_bytes(text[:at] + b'"typ\\"' + text[at + 6:])  # the same size, a record no longer JSON
    with pytest.raises(BadInput, match=r"journal.jsonl:\d+: le fichier a changé entre les deux lectures"):
        evaluate_stream(index, load_ruleset("haute-garonne"), 2024)


def test_bad_input_found_by_a_worker_reaches_the_parent_whole():
    import pickle

    from engine.problems import BadInput, Problem

    error = pickle.loads(pickle.dumps(BadInput([Problem("journal.jsonl", 7, "le fichier a changé pendant la lecture")])))
    assert isinstance(error, BadInput) and str(error) == "journal.jsonl:7: le fichier a changé pendant la lecture"


def _dying_worker(job, me, progress=None):
    """A worker share 1 never finishes: its process stops, as the kernel stops one out of memory."""
    import os

    import engine.streaming as streaming

    if me == 1:
        os._exit(9)
    return streaming._original_work(job, me, progress)


def test_a_worker_that_dies_leaves_the_work_to_one_process(tmp_path, monkeypatch, capsys):
    import engine.streaming as streaming

    path = tmp_path / "annee.jsonl"
    path.write_text(generate(300, 4000, 12)[1], encoding="utf-8")
    monkeypatch.setattr(streaming, "_original_work", streaming._work, raising=False)
    monkeypatch.setattr(streaming, "_work", _dying_worker)
    shared = evaluate_file(path, keep_offers=False, workers=2)
    assert "un processus de travail s'est arrêté" in capsys.readouterr().err
    assert shared.result == evaluate_file(path, stream=False).result


def _dying_reader(path, name, start, end, exact, progress=None):
    """A process that reads a later part of the file stops before sending it."""
    import os

    import engine.scan as scan

    if start > 0:
        os._exit(9)
    return scan._original_read_range(path, name, start, end, exact, progress)


def test_a_reader_that_dies_leaves_both_passes_to_one_process(tmp_path, monkeypatch):
    import engine.scan as scan

    path = tmp_path / "annee.jsonl"
    path.write_text(generate(300, 4000, 13)[1], encoding="utf-8")
    monkeypatch.setattr(scan, "_original_read_range", scan._read_range, raising=False)
    monkeypatch.setattr(scan, "_read_range", _dying_reader)
    shared = evaluate_file(path, keep_offers=False, workers=3)
    assert shared.result == evaluate_file(path, stream=False).result


def test_the_team_ends_with_the_evaluation_whatever_stops_it(tmp_path):
    """Bad lines, a repeated id, a log out of date order: the processes that read the parts do not stay, and
    the answer is the one of a single process."""
    import multiprocessing as mp

    from engine.problems import BadInput

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
    assert outcomes["desordre"] == evaluate_file(tmp_path / "desordre.jsonl", stream=False).result


def test_a_pipe_is_read_once_in_memory(tmp_path):
    """``flux-rules evaluate <(zcat annee.jsonl.gz)``: a pipe cannot be read twice nor in parts."""
    import os
    import threading

    text = generate(60, 800, 15)[1]
    plain = tmp_path / "annee.jsonl"
    plain.write_text(text, encoding="utf-8")
    pipe = tmp_path / "tube.jsonl"
    os.mkfifo(pipe)
    writer = threading.Thread(target=pipe.write_text, args=(text,), kwargs={"encoding": "utf-8"})
    writer.start()
    try:
        piped = evaluate_file(pipe, keep_offers=False)
    finally:
        writer.join()
    assert piped.result == evaluate_file(plain, keep_offers=False).result
