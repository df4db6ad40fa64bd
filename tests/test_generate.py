"""generate: valid under the contracts (zero rejections), deterministic for a seed, realistic proportions."""

import json

import pytest

from engine.generate import generate
from tests.conftest import invoke


@pytest.mark.parametrize("territoire", ["haute-garonne", "rhone", "ain"])
def test_generated_files_evaluate_with_zero_rejections(tmp_path, territoire):
    invoke(["generate", "--dwellings", 400, "--events", 3000, "--seed", 11, "--territoire", territoire,
            "--output", tmp_path], 0)
    d = json.loads(invoke(["evaluate", tmp_path / "evenements.jsonl", "--inventory", tmp_path / "inventaire.csv",
                           "--format", "json"], 1).stdout)  # a generated year leaves some obligation unmet
    ev = d["evenements"]
    assert (ev["lus"], ev["rejetes"], ev["evalues"]) == (3001, 0, 3001)
    assert d["inventaire"]["rejetes"] == 0 and d["inventaire"]["logements_absents"] == []
    assert len(d["reservataires"]) >= 4
    assert sum(r["baux"] for r in d["reservataires"]) > 0.6 * sum(r["mises_a_disposition"] for r in d["reservataires"])
    assert sum(r["refus"] for r in d["reservataires"]) > 0


def test_same_seed_gives_byte_identical_files(tmp_path):
    for name in ("a", "b"):
        invoke(["generate", "--dwellings", 300, "--events", 2000, "--seed", 5, "--output", tmp_path / name], 0)
    for f in ("inventaire.csv", "evenements.jsonl"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    assert generate(300, 2000, 6)[1] != (tmp_path / "a" / "evenements.jsonl").read_text(encoding="utf-8")


def test_every_kind_of_event_appears():
    _, text = generate(500, 6000, 3)
    kinds = {json.loads(line)["type"] for line in text.splitlines()}
    assert kinds == {"exercice", "liberation", "mise_en_service", "mise_a_disposition", "impossibilite", "candidats",
                     "caleol", "reponse", "bail", "reprise", "annulation"}


def test_generated_inventory_gives_a_flux(tmp_path):
    invoke(["generate", "--dwellings", 1000, "--events", 100, "--seed", 2, "--output", tmp_path], 0)
    d = json.loads(invoke(["flux", "--inventory", tmp_path / "inventaire.csv", "--rules", "haute-garonne",
                           "--year", "2024", "--format", "json"], 0).stdout)
    assert d["logements"] == 1000 and 900 < d["logements_eligibles"] < 1000
    assert sum(r["logements_reservataire"] for r in d["reservataires"]) == d["logements_eligibles"]


def _freed(inventory: str, log: str):
    """The eligible stock, the rotation rate the inventory prints, and the log's vacancies (libérations and
    mises en service) by dwelling with the days their openings span."""
    import collections
    import datetime as dt

    rows = [line.split(";") for line in inventory.splitlines()[1:]]
    eligible = sum(1 for r in rows if r[11] == "familial" and r[7] != "PLI" and r[12] == "non" and r[13] == "non")
    rate = float(rows[0][-1].rstrip(" %").replace(",", ".")) / 100
    vacancies = [json.loads(line) for line in log.splitlines()[1:]]
    vacancies = [r for r in vacancies if r["type"] in ("liberation", "mise_en_service")]
    days = sorted(dt.date.fromisoformat(r["date"]) for r in vacancies)
    return eligible, rate, collections.Counter(r["logement"] for r in vacancies), (days[-1] - days[0]).days + 1


@pytest.mark.parametrize("dwellings,events", [(12000, 6000), (20000, 1500)])
def test_a_generated_year_frees_a_plausible_share_of_its_stock(dwellings, events):
    """What is checked: the inventory prints a rotation rate of 8 to 12 %; no dwelling is freed twice in the
    year; the log's vacancies, brought to a year over the days their openings span (a log of few records is the
    start of a year at that pace), are 7 to 13 % of the eligible stock (8 to 12 %, give or take what an offer's
    cycle writes); every record is dated in the year."""
    inventory, log = generate(dwellings, events, 4)
    eligible, rate, freed, span = _freed(inventory, log)
    assert 0.08 <= rate < 0.12
    assert max(freed.values()) == 1
    assert 0.07 <= len(freed) / eligible * 365 / span <= 0.13, (len(freed), eligible, span)
    assert max(json.loads(line)["date"] for line in log.splitlines()[1:]) <= "2024-12-31"


def test_too_small_a_stock_for_so_many_records_is_said(tmp_path):
    """3 000 records are some 500 vacancies: 300 dwellings cannot free that many in a plausible year."""
    result = invoke(["generate", "--dwellings", 300, "--events", 3000, "--output", tmp_path], 0)
    assert "rotation plausible" in result.stderr and "--dwellings 7000 au moins" in result.stderr
    quiet = invoke(["generate", "--dwellings", 12000, "--events", 3000, "--output", tmp_path / "b"], 0)
    assert quiet.stderr == ""


def test_generate_counts_the_records_as_evaluate_reads_them(tmp_path):
    """generate says 3 001 records (the header and 3 000 events): what evaluate reads (« lus »)."""
    said = invoke(["generate", "--dwellings", 3000, "--events", 3000, "--output", tmp_path], 0).stdout
    assert "3\u202f001 enregistrements, l'en-tête d'exercice et 3\u202f000 événements" in said
    d = json.loads(invoke(["evaluate", tmp_path / "evenements.jsonl", "--format", "json"], 1).stdout)
    assert d["evenements"]["lus"] == 3001
