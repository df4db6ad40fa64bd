"""Bounded fuzzing of the two other inputs through the CLI — an inventory (a real annex table, mutated) and a rule
file (a shipped convention, mutated): never a traceback, exit 0, 1 or 2 only; every problem is said (``FILE:LINE``
for a rule file); an inventory's rows in any order give the same flux. Runs in the normal test run (marker ``fuzz``)."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine.cli import app
from tests.conftest import ROOT

INVENTORY = (ROOT / "tests" / "golden" / "annexes" / "escalquens-oph31.csv").read_bytes()
RULES = (ROOT / "rules" / "haute-garonne" / "conventions" / "escalquens-oph31.yaml").read_bytes()
JUNK = [b"\xff", b"\xe9", b"\x00", b";", b",", b"|", b'"', b"\r", b"\n", b"=SUM(A1)", b"x" * 140_000, b"\t"]
YAML_JUNK = [b": ", b"&a ", b"*a", b"!!python/object ", b"0x1F", b"014", b"1_2", b"\t", b"- ", b"{", b"]",
             b"2024-13-45", b'"', b"\xff", b"<<: *a", b"~"]
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


def _mutate(data: bytes, draw, junk: list[bytes]) -> bytes:
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        at = draw(st.integers(0, max(0, len(line))))
        kind = draw(st.sampled_from(["insert", "flip", "truncate", "duplicate", "drop", "swap"]))
        if kind == "insert":
            lines[i] = line[:at] + draw(st.sampled_from(junk)) + line[at:]
        elif kind == "flip" and line:
            at = min(at, len(line) - 1)
            lines[i] = line[:at] + bytes([line[at] ^ draw(st.integers(1, 255))]) + line[at + 1:]
        elif kind == "truncate":
            lines[i] = line[:at]
        elif kind == "duplicate":
            lines.insert(draw(st.integers(0, len(lines))), line)
        elif kind == "drop" and len(lines) > 1:
            del lines[i]
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def _run(args: list[str]):
    result = CliRunner().invoke(app, [str(a) for a in args])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code in (0, 1, 2), (result.exit_code, output, result.exception)
    assert "Traceback" not in output, output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result, output


@pytest.mark.fuzz
@FUZZ
@given(st.data())
def test_a_mutated_inventory_is_read_or_refused_with_file_line(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("inv") / "inventaire.csv"
    path.write_bytes(_mutate(INVENTORY, data.draw, JUNK))
    result, output = _run(["flux", "--inventory", path, "--rules", "escalquens-oph31", "--format", "json"])
    if result.exit_code == 2:  # every problem said, with where it is (the file, or the option it contradicts)
        assert output.rstrip().endswith("rien n'a été évalué.") and ": " in output, output


@pytest.mark.fuzz
@FUZZ
@given(st.data())
def test_a_mutated_rule_file_is_loaded_or_refused_with_file_line(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("rules") / "copie-oph31.yaml"
    text = RULES.replace(b"couche: escalquens-oph31", b"couche: essai-fuzz-oph31")
    path.write_bytes(_mutate(text, data.draw, YAML_JUNK))
    result, output = _run(["rules", "validate", path])
    if result.exit_code == 2:
        assert any(line.startswith(str(path)) or "copie-oph31.yaml:" in line for line in output.splitlines()), output


@pytest.mark.fuzz
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.randoms(use_true_random=False))
def test_an_inventory_in_any_row_order_gives_the_same_flux(tmp_path_factory, rng: random.Random):
    header, *rows = INVENTORY.rstrip(b"\r\n").split(b"\n")
    rng.shuffle(rows)
    folder = tmp_path_factory.mktemp("ordre")
    results = []
    for name, body in (("a.csv", INVENTORY), ("b.csv", b"\n".join([header, *rows]) + b"\n")):
        (folder / name).write_bytes(body)
        result, _ = _run(["flux", "--inventory", folder / name, "--rules", "escalquens-oph31", "--format", "json"])
        d = json.loads(result.stdout)
        results.append({k: d[k] for k in ("logements", "logements_eligibles", "exclus", "reservataires")})
    assert results[0] == results[1]
