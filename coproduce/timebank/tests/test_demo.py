"""The demo borough's time credits and trusts are consistent.

Runs the demo seeds in INSTALLED_APPS order up to and including timebank, with the demo's own
seed, so the result is what `coproduce demo` builds (apps seeded later cannot change it).
"""

import random

import pytest

from coproduce.core.demo import DEMO_SEED, demo_modules


def _seed_up_to_timebank() -> None:
    rng = random.Random(DEMO_SEED)
    for module in demo_modules():
        module.seed(rng=rng, log=lambda _msg: None)
        if module.__name__ == "coproduce.timebank.demo":
            return

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_ledger_passes_the_check_and_the_demo_logins_have_what_the_docs_promise():
    from coproduce.accounts.models import User
    from coproduce.timebank.models import LedgerEntry
    from coproduce.timebank.selectors import ledger_check
    from coproduce.trusts.models import Membership, Proposal, Trust

    _seed_up_to_timebank()
    report = ledger_check()
    assert report.ok, report.problems
    assert report.issued > 0 and report.spent > 0 and report.redeemed > 0
    resident = User.objects.get(email="resident@demo.coproduce.org.uk")
    kinds = set(LedgerEntry.objects.filter(account__user=resident).values_list("transaction__kind", flat=True))
    assert kinds == {"issue", "spend", "redeem", "reversal"}
    assert resident.timebank_account.balance > 0
    assert Membership.objects.current().filter(user=resident).exists()
    youth = Trust.objects.get(slug="young-riverside")
    assert [c.slug for c in youth.member_classes.all()] == ["user", "staff"]
    assert Membership.objects.current().filter(trust=youth, user__email="young@demo.coproduce.org.uk").exists()
    assert Trust.objects.filter(area_kind="neighbourhoods").count() == 1
    assert Proposal.objects.filter(status="open").exists()
    assert Proposal.objects.filter(status="closed").exclude(outcome_statement="").count() >= 3
