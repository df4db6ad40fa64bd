"""Bounded fuzzing of the embedded sample log through the CLI: never a traceback, exit 0, 1 or 2 only, and with
--skip-invalid nothing lost (lus = evalues + rejetes). Runs in the normal test run (marker ``fuzz``)."""

from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine.cli import app
from engine.inputs.events import checked_line
from engine.inputs.schema import checked
from tests.conftest import ROOT

SAMPLE = (ROOT / "scenarios" / "exemple-2024" / "evenements.jsonl").read_bytes().splitlines()
NUMBERS = [b"100000000000000000000000000000", b"1e400", b"-1e400", b"18446744073709551616", b"9" * 400, b"1e29",
           b"-0", b"2.5"]


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"1" + b"]" * depth


@st.composite
def mutations(draw) -> list[bytes]:
    lines = list(SAMPLE)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        kind = draw(st.sampled_from(["flip", "duplicate", "truncate", "reorder", "utf8", "nest", "number", "drop"]))
        at = draw(st.integers(0, max(0, len(line) - 1)))
        if kind == "flip" and line:
            lines[i] = line[:at] + bytes([line[at] ^ draw(st.integers(1, 255))]) + line[at + 1:]
        elif kind == "duplicate":
            lines.insert(draw(st.integers(0, len(lines))), line)
        elif kind == "truncate":
            lines[i] = line[:at]
        elif kind == "reorder":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "utf8":
            lines[i] = line[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe9"])) + line[at:]
        elif kind == "nest" and line.startswith(b"{"):
            lines[i] = b'{"extra": ' + _nested(draw(st.sampled_from([5, 31, 33, 600, 1000, 1100]))) + b", " + line[1:]
        elif kind == "number" and line.startswith(b"{"):
            key = draw(st.sampled_from([b"rang", b"annee", b"preavis_mois", b"quartile", b"note", b"typologie"]))
            lines[i] = b'{"' + key + b'": ' + draw(st.sampled_from(NUMBERS)) + b", " + line[1:]
        elif kind == "drop" and len(lines) > 1:
            del lines[i]
    return lines


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


@pytest.mark.fuzz
@FUZZ
@given(mutations())
def test_a_mutated_sample_never_gives_a_traceback(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("fuzz") / "evenements.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    runner = CliRunner()
    plain = runner.invoke(app, ["evaluate", str(path), "--format", "json"])
    kept = runner.invoke(app, ["evaluate", str(path), "--format", "json", "--skip-invalid"])
    for result in (plain, kept):
        assert result.exit_code in (0, 1, 2), (result.exit_code, result.output, result.exception)
        assert "Traceback" not in result.output and not isinstance(result.exception, Exception) \
            or isinstance(result.exception, SystemExit), (result.output, result.exception)
    if kept.exit_code != 2:  # 2 with --skip-invalid: the rules or the year cannot be known
        ev = json.loads(kept.stdout)["evenements"]
        assert ev["lus"] == ev["evalues"] + ev["rejetes"] == len(ev["rejets"]) + ev["evalues"]


@pytest.mark.fuzz
@settings(max_examples=300, deadline=None)
@given(mutations())
def test_the_typed_decoder_never_takes_a_line_the_detailed_check_refuses(lines):
    """Line by line, on the same mutations: the typed decoder's yes (pass 1) is the detailed check's yes, but for
    a line orjson refuses (1e400 in a field the typed decoder skips), which pass 1 decodes again for the records
    it keeps and pass 2 for the others (pass 1 is then run again, every line decoded by both)."""
    for line in lines:
        stripped = line.strip()
        if not stripped.startswith(b"{") or checked(stripped) is None:
            continue
        obj, problem = checked_line("j.jsonl", 1, stripped)
        if problem is not None:
            with pytest.raises(orjson.JSONDecodeError):
                orjson.loads(stripped)
