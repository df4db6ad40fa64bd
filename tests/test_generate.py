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
                           "--format", "json"], 1).output)  # a generated year leaves some obligation unmet
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
                           "--year", "2024", "--format", "json"], 0).output)
    assert d["logements"] == 1000 and 900 < d["logements_eligibles"] < 1000
    assert sum(r["logements_reservataire"] for r in d["reservataires"]) == d["logements_eligibles"]
