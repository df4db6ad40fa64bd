"""Row order does not change the assiette; durable_rules and the plain evaluator leave out the same dwellings; each
dwelling counted once, under its réservataire, its programme (droits acquis) and its rotation-rate cell."""

import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.counting.registry import Registry
from engine.flux.assiette import AssietteRules, build
from engine.ruleset.inherit import load_ruleset

RULESET = load_ruleset("haute-garonne")
ON = dt.date(2024, 12, 31)

dwelling = st.fixed_dictionaries({
    "logement.reservataire": st.sampled_from([None, "MAIRIE ESCALQUENS", "CILEO", "PREFECTURE", "INCONNU"]),
    "logement.categorie": st.sampled_from(["familial", "foyer", "etudiant"]),
    "logement.en_vente": st.sampled_from([None, True, False]),
    "logement.demolition": st.sampled_from([None, True, False]),
    "logement.financement": st.sampled_from([None, "PLUS", "PLI", "PLAI"]),
    "logement.conventionnement": st.sampled_from(["apl", "pre1977", "sem_non_apl", "lli"]),
    "logement.reservation_speciale": st.sampled_from([None, "defense", "sante"]),
    "logement.autres.programme": st.sampled_from([None, "", "P1", "P2"]),
    "logement.autres.groupe": st.sampled_from([None, "G1"]),
    "logement.rotation_rate": st.sampled_from([None, "7,27 %", "8 %"]),
})


def counts(rows, use_durable=True, plain=False):
    out = build(rows, AssietteRules(RULESET, ON, use_durable), Registry(RULESET), plain)
    return (out.logements, out.eligibles, dict(out.exclus), dict(out.par_reservataire), out.programmes,
            dict(out.taux_inventaire))


@settings(max_examples=40, deadline=None)
@given(st.lists(dwelling, max_size=60), st.randoms())
def test_order_does_not_change_the_assiette(rows, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert counts(rows) == counts(shuffled)


@settings(max_examples=40, deadline=None)
@given(st.lists(dwelling, max_size=60))
def test_durable_and_plain_agree_and_nothing_is_lost(rows):
    fast = counts(rows)
    assert fast == counts(rows, use_durable=False, plain=True)
    logements, eligibles, exclus, _, programmes, rates = fast
    assert logements == eligibles + sum(exclus.values()) == len(rows)
    # the programme is the first of the programme columns written (« — » for none), every dwelling under one
    expected = Counter(next((r[k] for k in ("logement.autres.programme", "logement.autres.groupe") if r[k]), "—")
                       for r in rows)
    assert sum(programmes.values(), Counter()) == expected
    assert rates == dict(Counter(r["logement.rotation_rate"] for r in rows if r["logement.rotation_rate"]))


def test_grouped_fast_path_equals_row_by_row_on_a_generated_inventory(tmp_path):
    from engine.flux.assiette import build_columns
    from engine.generate import generate
    from engine.inputs.inventory import read_inventory

    path = tmp_path / "inventaire.csv"
    path.write_bytes(generate(3000, 10, 9)[0].encode("utf-8-sig"))
    inv = read_inventory(path)
    rules, registry = AssietteRules(RULESET, ON, False), Registry(RULESET)
    fast = build_columns(inv, rules, registry)
    slow = build(inv.rows, rules, registry, plain=True)
    for name in ("logements", "eligibles", "exclus", "par_reservataire", "tous_par_reservataire", "programmes",
                 "taux_inventaire"):
        assert getattr(fast, name) == getattr(slow, name), name
