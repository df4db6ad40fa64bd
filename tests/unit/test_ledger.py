"""The ledger's laws (engine/ledger.py): two ledgers add up to the ledger of all their offers, whatever the order
the offers are entered in, and every count of a year entered twice is twice the count of the year."""

import dataclasses
import random
from collections import Counter
from pathlib import Path

import msgspec
import pytest

from engine.ledger import POPULATIONS, Ledger, obligation_fields
from engine.year.evaluate import evaluate_file

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "exemple-2024" / "evenements.jsonl"


@pytest.fixture(scope="module")
def year():
    evaluation = evaluate_file(SCENARIO)
    return evaluation, list(evaluation.offers.values())


def _again(ev):
    """The same offer under another id (the same day, réservataire, figures)."""
    return msgspec.structs.replace(ev, offer=dataclasses.replace(ev.offer, id=ev.offer.id + "-bis"))


LOOSE = "logement.etages"  # a field a rule could read whose value is a list: a signature that cannot be a key


def _ledger(evaluation, evs, loose: bool = False) -> Ledger:
    fields = obligation_fields(evaluation.ruleset) + ((LOOSE,) if loose else ())
    ledger = Ledger(evaluation.year, fields)
    for ev in evs:
        ledger.add(ev)
    return ledger.in_order()


def _days(ledger) -> set:
    return {(rid, day) for rid, account in ledger.accounts.items() for day in account.decomptees}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_ledgers_add_up_to_the_ledger_of_all_their_offers(year, seed):
    """The ledger of one process is the sum of the workers' ledgers: counted offers of a day both have and of a
    day only the second has, signatures that are keys and signatures that cannot be (a list)."""
    evaluation, evs = year
    rng = random.Random(seed)
    evs = [msgspec.structs.replace(ev, facts={**ev.facts, LOOSE: [1, 2] if n % 2 else None})
           for n, ev in enumerate(evs)]
    first, second = evs[:len(evs) // 2], evs[len(evs) // 2:]
    mine = first[:]
    rng.shuffle(mine)
    theirs = [_again(ev) for ev in first] + second
    rng.shuffle(theirs)
    one, other = _ledger(evaluation, mine, loose=True), _ledger(evaluation, theirs, loose=True)
    assert _days(other) & _days(one) and _days(other) - _days(one)  # both ways a day's offers merge
    assert any(account.en_vrac for account in other.accounts.values())
    one.merge(other)
    alone = _ledger(evaluation, mine + theirs, loose=True)
    assert one.in_order().flux_total == alone.flux_total
    assert one.accounts == alone.accounts
    keyed = _ledger(evaluation, mine + theirs)  # the same offers, every signature a key
    for rid, account in alone.accounts.items():
        for population in POPULATIONS:  # a loose signature is one offer, with the values of its fields
            loose = Counter()
            for signature, n in account.items(population):
                loose[signature[:-1]] += n
            assert loose == keyed.accounts[rid].signatures[population], (rid, population)
    assert sum(n for account in alone.accounts.values() for _, n in account.items("decompte")) == alone.flux_total


def test_a_year_entered_twice_counts_twice(year):
    evaluation, evs = year
    once = _ledger(evaluation, evs)
    twice = _ledger(evaluation, evs + [_again(ev) for ev in evs])
    assert once.flux_total > 0 and twice.flux_total == 2 * once.flux_total
    assert set(twice.accounts) == set(once.accounts)
    for rid, account in once.accounts.items():
        double = twice.accounts[rid]
        for count in ("mises_a_disposition", "attributions", "baux", "refus"):
            assert getattr(double, count) == 2 * getattr(account, count), (rid, count)
        assert double.counted() == sorted(account.counted() + [o + "-bis" for o in account.counted()],
                                          key=lambda o: (_day(once, o), o))
        assert len(double.depasses) == 2 * len(account.depasses)
        assert double.regles == account.regles
        for name, counter in account.signatures.items():
            assert double.signatures[name] == counter + counter, (rid, name)


def _day(ledger, offre):
    base = offre.removesuffix("-bis")
    return next(day for account in ledger.accounts.values() for day, offres in account.decomptees.items()
                if base in offres)


def test_the_slim_offer_answers_what_the_whole_offer_answers():
    """What the ledger, the bilan and the report read of an evaluated offer kept slim (without its candidate,
    CALEOL and answer records) is what the whole offer says."""
    whole = evaluate_file(SCENARIO, full=lambda ev: True)
    offers = [ev.offer for ev in whole.offers.values()]
    for offer in offers:
        slim = offer.slim()
        assert (slim.id, slim.mad, slim.bail, slim.reprise, slim.impossibilite, slim.candidats) == \
            (offer.id, offer.mad, offer.bail, offer.reprise, offer.impossibilite, bool(offer.candidats)), offer.id
        assert (slim.attribution_date, slim.refus(), slim.menage_retenu(), slim.refus_implicites) == \
            (offer.attribution_date, offer.refus(), offer.menage_retenu(), offer.refus_implicites), offer.id
        assert (slim.logement, slim.date, slim.neuf, slim.bail_date) == \
            (offer.logement, offer.date, offer.neuf, offer.bail_date), offer.id
    # the scenario has each of them, so that a field left out of the slim offer is seen
    for seen in ("bail", "reprise", "impossibilite", "candidats", "attribution_date", "refus_implicites"):
        assert any(getattr(o, seen) for o in offers) and not all(getattr(o, seen) for o in offers), seen
    assert any(o.refus() for o in offers) and any(o.menage_retenu() for o in offers)
