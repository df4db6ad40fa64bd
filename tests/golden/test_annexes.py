"""Golden cases from the seed annexes (byte-identical copies of ../shared/data/annexes, never edited).

Printed Annexe 1 figures (README.md there): the consistent ones are reproduced,
the inconsistent ones are flagged by the audit with both values and a cause.
"""

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from engine.counting.registry import Registry
from engine.inputs.inventory import read_inventory
from engine.ruleset.inherit import load_ruleset
from tests.conftest import ROOT, invoke

ANNEXES = Path(__file__).parent / "annexes"  # byte-identical copies of ../shared/data/annexes (checked below)
SHARED = ROOT.parent / "shared" / "data" / "annexes"


def _sums(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))}


def test_copies_are_the_shipped_files():
    """The copies are the files shipped in ../shared/data/annexes: their SHA-256 sums, recorded in
    annexes/SHA256SUMS from the shipped files (``cd ../shared/data/annexes && sha256sum *.csv``), are checked on
    every checkout; where ../shared lies beside the checkout (a developer's machine, CI), the recorded sums are
    also checked against the shipped files themselves."""
    recorded = dict(reversed(line.split()) for line in (ANNEXES / "SHA256SUMS").read_text().splitlines() if line)
    assert _sums(ANNEXES) == recorded
    if SHARED.is_dir():
        assert _sums(SHARED) == recorded


def flux_json(*args, code):
    return json.loads(invoke(["flux", "--format", "json", *args], code).stdout)


@pytest.mark.parametrize("name,encoding,delimiter,rows,by_reservataire", [
    ("escalquens-chalets.csv", "utf-8", ";", 4, {"departement": 2, "mairie-escalquens": 1, "bailleur": 1}),
    ("escalquens-oph31.csv", "utf-8-sig", ";", 8, {"mairie-escalquens": 8}),
    ("escalquens-patrimoine.csv", "cp1252", ",", 11, {"mairie-escalquens": 11}),
    ("escalquens-tmh.csv", "utf-8", ";", 3, {"bailleur": 3}),
])
def test_each_table_is_read_as_shipped(name, encoding, delimiter, rows, by_reservataire):
    inv = read_inventory(ANNEXES / name)
    assert (inv.encoding, inv.delimiter, inv.lus, len(inv.rows)) == (encoding, delimiter, rows, rows)
    registry = Registry(load_ruleset(name.removesuffix(".csv")))
    counts = Counter(registry.resolve(r.get("logement.reservataire")).id for r in inv.rows)
    assert dict(counts) == by_reservataire


def test_rpls_numbers_keep_their_leading_zeros_and_values_are_normalised():
    tmh = read_inventory(ANNEXES / "escalquens-tmh.csv")
    assert [r["logement.rpls_id"] for r in tmh.rows] == ["01020555500002", "01020555500003", "01020555500004"]
    pat = read_inventory(ANNEXES / "escalquens-patrimoine.csv").rows[0]
    assert (pat["logement.rpls_id"], pat["logement.qpv"], pat["logement.typologie"]) == ("0031004477", False, 4)
    assert str(pat["logement.rotation_rate"]) == "0.0727"
    oph = read_inventory(ANNEXES / "escalquens-oph31.csv").rows[0]
    assert (oph["logement.typologie"], str(oph["logement.convention_start"])) == (5, "1959-01-01")
    chalets = read_inventory(ANNEXES / "escalquens-chalets.csv")
    assert [r["logement.typologie"] for r in chalets.rows] == [1, 1, 2, 3]  # T1, B1, T2, T3
    assert [r["logement.rpls_id"] for r in chalets.rows] == ["L2", "L3", "L4", "L5"]
    assert any("pas de colonne d'identifiant" in w for w in chalets.warnings)


def test_patrimoine_11_of_116_at_7_27_gives_0_80_then_1():
    d = flux_json("--inventory", ANNEXES / "escalquens-patrimoine.csv", "--rules", "escalquens-patrimoine",
                  "--eligibles", "116", "--annexe", code=0)
    assert (d["logements_eligibles"], d["logements_reservataire"], d["flux"]) == (116, 11, 1)
    assert d["taux_rotation"] == 0.0727
    assert d["flux_brut"] == pytest.approx(0.7997)  # 11 × 7,27 %, printed « 0,80 arrondi à 1 »
    assert round(d["part"], 4) == 0.0948
    assert {c["chiffre"]: c["statut"] for c in d["reservataires"][0]["controle"]}["part"] == "conforme"


def test_promologis_8_of_102_at_8_90_gives_0_71_then_1_without_annexe_2():
    d = flux_json("--rules", "escalquens-promologis", "--annexe", code=0)
    assert (d["logements_eligibles"], d["logements_reservataire"], d["flux"]) == (102, 8, 1)
    assert d["flux_brut"] == pytest.approx(0.712)
    assert d["reservataires"][0]["origines"]["logements_eligibles"] == "annexe 1"


def test_oph31_8_of_384_at_9_89_gives_0_79_then_1_and_the_audit_flags_part_and_rotation():
    d = flux_json("--inventory", ANNEXES / "escalquens-oph31.csv", "--rules", "escalquens-oph31",
                  "--eligibles", "384", "--check", "part=0.0208%", "taux_rotation=9,89%", "flux_brut=0.79", "flux=1",
                  code=1)
    assert (d["logements_eligibles"], d["logements_reservataire"], d["flux"]) == (384, 8, 1)
    assert d["flux_brut"] == pytest.approx(0.7912)
    checks = d["reservataires"][0]["controle"]
    part = next(c for c in checks if c["chiffre"] == "part")
    assert part["statut"] == "ecart" and "mauvaise unité" in part["cause"]
    assert part["valeur_imprimee"] == pytest.approx(0.000208) and part["calcule"] == pytest.approx(8 / 384)
    rotation = [c for c in checks if c["chiffre"] == "taux_rotation"]
    assert [c["statut"] for c in rotation] == ["conforme", "ecart"]
    assert rotation[1]["calcule"] == pytest.approx(0.0939) and "colonne de l'inventaire" in rotation[1]["cause"]
    assert {c["chiffre"]: c["statut"] for c in checks}["flux"] == "conforme"
    assert any("9,39 %" in r for r in d["remarques"])


def test_tmh_part_in_the_wrong_unit_and_0_078_printed_1():
    d = flux_json("--inventory", ANNEXES / "escalquens-tmh.csv", "--rules", "escalquens-tmh",
                  "--reservataire", "MAIRIE ESCALQUENS", "--logements-reservataire", "1", "--annexe", code=1)
    assert d["flux_brut"] == pytest.approx(0.078) and d["flux"] == 0
    by_key = {c["chiffre"]: c for c in d["reservataires"][0]["controle"]}
    assert by_key["part"]["statut"] == "ecart" and "mauvaise unité" in by_key["part"]["cause"]
    assert by_key["flux"]["statut"] == "ecart" and "depuis moins de 0,5" in by_key["flux"]["cause"]
    assert by_key["flux"]["valeur_imprimee"] == 1 and by_key["flux"]["calcule"] == 0
    assert by_key["flux_prioritaires"]["statut"] == "ecart" and "flux imprimé de 1" in by_key["flux_prioritaires"]["cause"]


def test_chalets_commune_basis_matches_the_printed_25_percent():
    """Two eligible counts are printed (EPCI 1083, commune 4) and the flux cell is blank: both are disagreements
    (exit 1), the commune's count is the one the printed 25 % agrees with."""
    d = flux_json("--inventory", ANNEXES / "escalquens-chalets.csv", "--rules", "escalquens-chalets",
                  "--reservataire", "commune", "--annexe", code=1)
    assert (d["logements_eligibles"], d["logements_reservataire"], d["part"]) == (4, 1, 0.25)
    assert d["flux_brut"] == pytest.approx(0.0801)  # 4 × 25 % × 8,01 %; the flux cell is blank in the annex
    assert d["flux_prioritaires"] == pytest.approx(0.020025)  # printed « 0 »: agrees once rounded
    status = {c["chiffre"]: c["statut"] for c in d["reservataires"][0]["controle"]}
    assert status["logements_eligibles_epci"] == status["flux"] == "ecart"
    assert status["logements_eligibles_commune"] == status["part"] == "conforme"
    epci = next(c for c in d["reservataires"][0]["controle"] if c["chiffre"] == "logements_eligibles_epci")
    assert "21,6871" in epci["cause"]  # 1083 × 25 % × 8,01 %


def test_inventory_count_below_the_annexe_figure_is_reported():
    d = flux_json("--inventory", ANNEXES / "escalquens-oph31.csv", "--rules", "escalquens-oph31", code=0)
    assert d["logements_eligibles"] == 8
    assert any("l'annexe 1 en imprime 384" in r for r in d["remarques"])
