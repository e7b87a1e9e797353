"""The demo borough's time credits and trusts are consistent (runs the whole demo seed)."""

import pytest

from coproduce.core.demo import demo_seed

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_ledger_passes_the_check_and_the_demo_logins_have_what_the_docs_promise():
    from coproduce.accounts.models import User
    from coproduce.timebank.models import LedgerEntry
    from coproduce.timebank.selectors import ledger_check
    from coproduce.trusts.models import Membership, Proposal, Trust

    demo_seed(log=lambda _msg: None)
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
