"""An inventory counted on several cores gives what the usual reading gives: the same counts per group, the
same rows read and kept, the same errors (a file that is not plain is read the usual way)."""

import datetime as dt
import json
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.flux import assiette as asst
from engine.flux.run import FluxOptions, run
from engine.generate import generate
from engine.inputs import inventory_counts
from engine.inputs.inventory import read_inventory
from engine.inputs.inventory_counts import count_inventory
from engine.problems import BadInput
from engine.report.fluxreport import to_json
from engine.ruleset.inherit import load_ruleset

RULES = asst.AssietteRules(load_ruleset("haute-garonne"), dt.date(2024, 12, 31))
KEYS = partial(asst.group_keys, RULES)
TEXT = generate(400, 10, 7)[0]  # the csv module's \r\n line ends
HEADER, *ROWS = TEXT.split("\r\n")[:-1]


@pytest.fixture(autouse=True)
def _always_in_parts(monkeypatch):
    monkeypatch.setattr(inventory_counts, "PARALLEL_FROM", 0)
    monkeypatch.setenv("FLUX_RULES_PROCESSUS", "2")


def _read(read, path):
    try:
        inv = read(path)
    except BadInput as exc:
        return str(exc)
    keys = KEYS(inv.has)
    return (dict(inv.groups(keys)), len(inv), inv.lus, inv.problems, inv.columns, inv.constant, inv.encoding,
            inv.delimiter, inv.warnings)


def _both(path, bailleur=None):
    counted = _read(partial(count_inventory, keys_for=KEYS, bailleur=bailleur, skip_invalid=True), path)
    usual = _read(partial(read_inventory, bailleur=bailleur, skip_invalid=True), path)
    return counted, usual


@pytest.mark.parametrize("end", ["\r\n", "\n"])
@pytest.mark.parametrize("workers", ["2", "3"])
def test_a_plain_inventory_is_counted_in_parts_as_it_is_read(tmp_path, monkeypatch, end, workers):
    monkeypatch.setenv("FLUX_RULES_PROCESSUS", workers)
    path = tmp_path / "inventaire.csv"
    path.write_bytes(("\ufeff" + end.join([HEADER, *ROWS]) + end).encode("utf-8"))
    assert count_inventory(path, KEYS).counted is not None  # the parts were counted, the rows not kept
    counted, usual = _both(path, bailleur="cite-jardins")
    assert counted == usual


def _mutated(rows, at, how):
    rows = list(rows)
    cells = rows[at].split(";")
    if len(cells) < 7:  # a row already made blank or short: left as it is
        return rows
    if how == "cellule":
        cells[5] = "peut-être"  # « En QPV » that no parser reads
    elif how == "doublon":
        cells[0] = rows[0].split(";")[0]  # the id of the first row, in another part
    elif how == "vide":
        cells[0] = ""
    elif how == "espace":
        cells[0] = " "
    elif how == "large":
        cells.append("de trop")
    elif how == "court":
        cells.pop()
    elif how == "guillemets":
        cells[2] = '"SAINT-ORENS"'
    rows[at] = ";".join(cells)
    if how == "blanche":
        rows.insert(at, "")
    elif how == "fin_mixte":
        rows[at] += "\r"
    return rows


@pytest.mark.parametrize("how", ["cellule", "doublon", "vide", "espace", "large", "court", "guillemets",
                                 "blanche", "fin_mixte"])
def test_a_row_that_is_not_plain_is_read_the_usual_way(tmp_path, how):
    path = tmp_path / "inventaire.csv"
    path.write_text("\n".join([HEADER, *_mutated(ROWS, len(ROWS) - 3, how)]) + "\n", encoding="utf-8")
    assert count_inventory(path, KEYS, skip_invalid=True).counted is None
    counted, usual = _both(path)
    assert counted == usual


def test_errors_stop_both_ways_with_the_same_message(tmp_path):
    path = tmp_path / "inventaire.csv"
    path.write_text("\n".join([HEADER, *_mutated(ROWS, 200, "doublon")]) + "\n", encoding="utf-8")
    with pytest.raises(BadInput) as counted:
        count_inventory(path, KEYS)
    with pytest.raises(BadInput) as usual:
        read_inventory(path)
    assert str(counted.value) == str(usual.value) and "en double" in str(counted.value)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(ROWS) - 1),
                          st.sampled_from(["cellule", "doublon", "vide", "large", "court", "blanche", "garde"])),
                max_size=3),
       st.integers(2, 4))
def test_any_few_changes_give_the_same_inventory_both_ways(tmp_path_factory, changes, workers):
    import os

    os.environ["FLUX_RULES_PROCESSUS"] = str(workers)
    rows = ROWS
    for at, how in changes:
        rows = _mutated(rows, at, how)
    path = tmp_path_factory.mktemp("inv") / "inventaire.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    counted, usual = _both(path)
    assert counted == usual


def test_flux_on_a_long_inventory_in_parts_gives_the_one_process_result(tmp_path, monkeypatch):
    path = tmp_path / "inventaire.csv"
    path.write_text(generate(3000, 10, 9)[0], encoding="utf-8")
    opts = FluxOptions(inventory=path, rules="haute-garonne", year=2024)
    in_parts = json.loads(to_json(run(opts)[0]))
    monkeypatch.setenv("FLUX_RULES_PROCESSUS", "1")
    assert json.loads(to_json(run(opts)[0])) == in_parts
