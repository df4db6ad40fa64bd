"""Pass 1 read in parts (one forked process per range of lines) gives the index of a single reading."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.generate import generate
from engine.year.read import scan

HEADER, *RECORDS = generate(120, 900, 5)[1].splitlines()
ARRAYS = ("offer_lines", "offer_bounds", "open_day", "open_line", "offer_dwelling", "queue", "queue_bounds",
          "liberations", "liberation_bounds", "services", "service_bounds")


def _index(path, parts):
    index = scan(path, parts=parts)
    return (index.header, index.problems, index.rejections, index.lus, index.years, index.last_date,
            index.cancelled, index.offers, index.dwellings, *(getattr(index, a).tolist() for a in ARRAYS),
            index.life_years, index.starts)


def _same_in_parts(path):
    one = _index(path, 1)
    for parts in (2, 3, 5):
        assert _index(path, parts) == one, parts
    return one


def _write(tmp_path, lines, end="\n", last=True):
    path = tmp_path / "journal.jsonl"
    path.write_text(end.join(lines) + (end if last else ""), encoding="utf-8")
    return path


def test_a_generated_log_read_in_parts(tmp_path):
    one = _same_in_parts(_write(tmp_path, [HEADER, *RECORDS]))
    assert one[3] == len(RECORDS) + 1 and one[0]["type"] == "exercice"  # the header is a line read


@pytest.mark.parametrize("end,last", [("\r\n", True), ("\n", False)])
def test_line_ends_blank_lines_and_comments_wherever_a_part_starts(tmp_path, end, last):
    lines = [HEADER]
    for i, record in enumerate(RECORDS):
        lines += [record, "", "// remarque"] if i % 7 == 0 else [record]
    _same_in_parts(_write(tmp_path, lines, end, last))


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_the_index_says_where_each_line_is(tmp_path, parts):
    """Pass 2 reads each line where pass 1 found it: CRLF, blank lines, comments, no newline at the end."""
    lines = [HEADER]
    for i, record in enumerate(RECORDS[:200]):
        lines += [record, "", "  // remarque"] if i % 5 == 0 else [record]
    path = _write(tmp_path, lines, "\r\n", last=False)
    starts = scan(path, parts=parts).starts
    text = path.read_bytes()
    assert [text[starts[n]:starts[n + 1]] for n in range(len(starts) - 1)] == text.splitlines(keepends=True)


def test_what_depends_on_the_whole_file_is_decided_once_the_parts_are_put_together(tmp_path):
    """A header after records, ids repeated across parts, annulations of records in an earlier part (a mise à
    disposition among them), of an annulation and of nothing, a date out of order at the end, bad lines."""
    records = [json.loads(line) for line in RECORDS]
    mad = next(r for r in records if r["type"] == "mise_a_disposition")
    lib = next(r for r in records if r["type"] == "liberation")
    late = [
        {"type": "annulation", "date": "2024-12-31", "cible": mad["id"], "id": "A1"},
        {"type": "annulation", "date": "2024-12-31", "cible": lib["id"], "id": "A2"},
        {"type": "annulation", "date": "2024-12-31", "cible": "A1", "id": "A3"},
        {"type": "annulation", "date": "2024-12-31", "cible": "nulle-part", "id": "A4"},
        {"type": "bail", "date": "2024-12-31", "offre": mad["offre"], "menage": "M-1", "id": records[3]["id"]},
        {"type": "reprise", "date": "2024-01-01", "offre": mad["offre"], "id": "R-tard"},
    ]
    lines = ["{pas du json", HEADER, *RECORDS[:400], HEADER, '{"type": "bail"}', *RECORDS[400:],
             *(json.dumps(r) for r in late)]
    one = _same_in_parts(_write(tmp_path, lines))
    header, problems, rejections, *_ = one
    assert header is not None  # the bad line before it is no record
    messages = " ".join(p.message for p in problems)
    assert "JSON invalide" in messages and "doit être le premier" in messages and "en double" in messages
    assert [p.ligne for p in problems] == sorted(p.ligne for p in problems)
    assert {r.message.split("«")[1].split("»")[0].strip() for r in rejections} == {"A1", "nulle-part"}


def test_a_header_after_bad_lines_only_is_the_header_even_in_a_later_part(tmp_path):
    lines = ["{pas du json"] * 200 + [HEADER, *RECORDS]
    one = _same_in_parts(_write(tmp_path, lines))
    assert one[0] is not None and len(one[1]) == 200


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([*RECORDS[:60], "", "// note", '{"type": "bail"}', HEADER, RECORDS[5]]),
                min_size=1, max_size=80),
       st.integers(2, 4))
def test_any_lines_read_in_parts(tmp_path_factory, lines, parts):
    path = _write(tmp_path_factory.mktemp("scan"), lines)
    assert _index(path, parts) == _index(path, 1)


def test_the_liberations_and_mises_en_service_read_again_are_the_file_s_less_the_cancelled(tmp_path):
    """Pass 1 keeps only their lines; what pass 2 and ``bilan`` read again is each dwelling's records of the
    file, cancelled ones left out, by date then id (a plain recount from the JSON lines)."""
    from engine.year.evaluate import evaluate_file

    records = [json.loads(line) for line in RECORDS]
    lib = next(r for r in records if r["type"] == "liberation")
    service = next((r for r in records if r["type"] == "mise_en_service"), None)
    late = [{"type": "annulation", "date": "2024-12-31", "cible": r["id"], "id": f"A-{r['id']}"}
            for r in (lib, service) if r is not None]
    path = _write(tmp_path, [HEADER, *reversed(RECORDS), *(json.dumps(r) for r in late)])
    life = evaluate_file(path).life
    cancelled = {r["cible"] for r in late}
    lines = {r["id"]: n for n, r in enumerate(reversed(records), 2)}
    for kind, table in (("liberation", life.liberations), ("mise_en_service", life.mises_en_service)):
        expected: dict = {}
        for r in sorted(records, key=lambda r: (r["date"], r["id"])):
            if r["type"] == kind and r["id"] not in cancelled:
                expected.setdefault(r["logement"], []).append((r["id"], r["date"], lines[r["id"]]))
        assert {k: [(r.id, r.date.isoformat(), r.line) for r in v] for k, v in table.items()} == expected, kind
