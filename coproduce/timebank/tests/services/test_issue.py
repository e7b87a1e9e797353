from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coproduce.audit.models import AuditEntry
from coproduce.timebank import services
from coproduce.timebank.models import Account, LedgerEntry, LedgerTransaction
from coproduce.timebank.selectors import ledger_check
from coproduce.timebank.tests.people import officer, person

pytestmark = pytest.mark.django_db


def test_issue_debits_the_council_and_credits_the_member():
    member = person()
    tx = services.credit_issue_for_event(
        member=member, event_key=f"coproduction.attendance:1:{member.pk}", credits=Decimal("2.5"),
        reason="Mental-health collaborative, March", rule="meeting_attendance",
    )
    assert tx is not None
    amounts = sorted((e.account.kind, e.amount) for e in tx.entries.select_related("account"))
    assert amounts == [("issuing", -250), ("member", 250)]
    assert Account.objects.get(user=member).balance == 250
    assert AuditEntry.objects.filter(action="timebank.credits.issued", object_id=str(tx.pk)).count() == 1
    report = ledger_check()
    assert report.ok, report.problems
    assert (report.issued, report.sum_of_all_balances, report.entries) == (250, 0, 2)


def test_the_same_event_never_pays_twice():
    member = person()
    first = services.credit_issue_for_event(member=member, event_key="e:1", credits=3, reason="r", rule="meeting_attendance")
    again = services.credit_issue_for_event(member=member, event_key="e:1", credits=3, reason="r", rule="meeting_attendance")
    assert again.pk == first.pk
    assert LedgerTransaction.objects.count() == 1
    assert Account.objects.get(user=member).balance == 300


def test_a_governance_vote_pays_nothing_because_the_rule_says_so():
    member = person()
    assert services.credit_issue_for_event(member=member, event_key="vote:1", credits=1, reason="Vote", rule="governance_vote") is None
    assert not LedgerTransaction.objects.exists()


@pytest.mark.parametrize(
    ("credits", "rule", "message"),
    [
        (Decimal("1.234"), "meeting_attendance", "more than two decimal places"),
        (-1, "meeting_attendance", "cannot be negative"),
        (9, "meeting_attendance", "at most 8 credits"),
        (1, "no_such_rule", "no earning rule"),
    ],
)
def test_bad_issues_are_refused_and_change_nothing(credits, rule, message):
    member = person()
    with pytest.raises(ValidationError) as excinfo:
        services.credit_issue_for_event(member=member, event_key="bad:1", credits=credits, reason="r", rule=rule)
    assert message in " ".join(excinfo.value.messages)
    assert not LedgerTransaction.objects.exists() and not LedgerEntry.objects.exists()


def test_credits_for_a_rule_follow_the_rule_table():
    assert services.credits_for_rule(rule="meeting_attendance", quantity=Decimal("1.5")) == Decimal("1.5")
    assert services.credits_for_rule(rule="evaluation_panel", quantity=2) == Decimal("3")  # capped per occasion
    assert services.credits_for_rule(rule="governance_vote", quantity=1) == 0


def test_officer_issue_uses_the_rule_rate():
    member, staff = person(), officer()
    tx = services.credit_issue(member=member, rule="volunteering", quantity=Decimal("2.25"), reason="Park clean-up",
                               event_key="timebank.officer:abc", actor=staff)
    assert tx.credits == 225 and tx.actor == staff
    with pytest.raises(ValidationError, match="automatically"):
        services.credit_issue(member=member, rule="meeting_attendance", quantity=1, reason="x", event_key="k2", actor=staff)
