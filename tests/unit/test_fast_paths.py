"""The typed decoder never takes a record the detailed check refuses (a header « exercice » always takes the
detailed one); the inventory's fast split reads what the csv module reads."""

import copy
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.generate import generate
from engine.inputs.events import check_record
from engine.inputs.schema import checked

HERE = Path(__file__).resolve().parents[1]
LINES = [line for line in generate(200, 1500, 4)[1].splitlines() if '"exercice"' not in line]
LINES += [line for f in sorted((HERE / "bad_input" / "events").glob("*.jsonl"))
          for line in f.read_bytes().decode("utf-8", "replace").splitlines() if line.startswith("{")]


def _finite(text):
    """1e400 is no JSON number for orjson (nor for the readers): not a record to compare."""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def _parsed(line):
    try:
        obj = json.loads(line, parse_float=_finite)
        copy.deepcopy(obj)  # Python 3.13 reads the 1 000 levels that deepcopy (and 3.11's json) cannot take
        return obj
    except (ValueError, RecursionError):  # the 1 000 levels of bad_input/events/imbrication-profonde.jsonl
        return None


BAD_VALUES = st.sampled_from([None, "", 0, 1, 3, True, "x", "2024-02-30", "2024-03-01", [], {}, [{"id": "M"}],
                              "refus", "tendue", -1])
KEYS = st.sampled_from(["type", "date", "offre", "logement", "reservataire", "menages", "decision", "reponse",
                        "motif", "zone", "preavis_mois", "rang", "entree", "neuf", "adaptee", "logement_info",
                        "menage", "source", "cible", "imputer_au_reservataire"])


@settings(max_examples=500, deadline=None)
@given(st.sampled_from([line for line in LINES if _parsed(line) is not None and '"exercice"' not in line]), KEYS,
       BAD_VALUES)
def test_fast_and_typed_checks_agree_with_the_detailed_one_on_mutated_records(line, key, value):
    """The typed decoder never takes what the detailed check refuses."""
    obj = _parsed(line)
    obj[key] = value
    expected = check_record(copy.deepcopy(obj)) is None
    assert _typed_verdict(obj) <= expected, obj


def _typed_verdict(obj) -> bool:
    return checked(json.dumps(obj).encode()) is not None


def test_typed_decoding_agrees_on_generated_and_broken_records():
    """Pass 1 trusts the typed decoder's yes: it must never take a record the detailed check
    refuses (a refusal is read again with the detailed check, so it only has to be rare, not exact)."""
    refused = 0
    for line in LINES:
        obj = _parsed(line)
        if obj is None or obj.get("type") == "exercice":
            continue
        expected = check_record(copy.deepcopy(obj)) is None
        assert _typed_verdict(obj) <= expected, line
        refused += expected and not _typed_verdict(obj)
    assert refused == 0  # on well-formed generated records the two say the same



CANDIDATS = [line for line in LINES if '"candidats"' in line and _parsed(line) is not None]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CANDIDATS), st.sampled_from(["id", "dalo", "prioritaire", "quartile", "mutation",
                                                    "relogement", "salarie", "motif"]),
       st.one_of(BAD_VALUES, st.sampled_from([2, 4, 5, 1.0, "anru", "lhi", False])))
def test_typed_decoding_on_mutated_households(line, key, value):
    """A household's fields (menages): the typed decoder never takes what the detailed check refuses."""
    obj = _parsed(line)
    obj["menages"][0][key] = value
    if _typed_verdict(obj):
        assert check_record(copy.deepcopy(obj)) is None, obj


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=list(';,\n\r" aé\t0\x00'), max_size=60), st.sampled_from([";", ",", "\t"]))
def test_split_rows_reads_what_the_csv_module_reads(text, delimiter):
    """The inventory's fast split gives the csv module's rows, or leaves the text to it."""
    import csv
    import io

    from engine.inputs.inventory import split_rows

    rows = split_rows(text, delimiter)
    if rows is not None:
        assert rows == list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), repr(text)


def test_split_rows_on_the_annexes_and_a_generated_inventory():
    import csv
    import io

    from engine.inputs.inventory import decode, sniff_delimiter, split_rows

    texts = [decode(p.read_bytes(), p.name)[0] for p in sorted((HERE / "golden" / "annexes").glob("*.csv"))]
    texts.append(generate(300, 100, 5)[0])
    fast = 0
    for text in texts:
        delimiter = sniff_delimiter(text.split("\n", 1)[0])
        rows = split_rows(text, delimiter)
        fast += rows is not None
        if rows is not None:
            assert rows == list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert fast >= 3  # the annexes without quotes and the generated inventory take the fast split
