import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from coproduce.audit.models import AuditEntry
from coproduce.timebank import services
from coproduce.timebank.models import Account, LedgerTransaction, Redemption, RewardClaim
from coproduce.timebank.selectors import ledger_check, statement_totals
from coproduce.timebank.tests.factories import CouncilTaxPolicyFactory, RewardFactory
from coproduce.timebank.tests.people import officer, person

pytestmark = pytest.mark.django_db


def _earn(member, credits, key=None):
    return services.credit_issue_for_event(member=member, event_key=key or f"earn:{member.pk}:{credits}", credits=credits,
                                           reason="Volunteering", rule="volunteering")


def _balance(member):
    return Account.objects.get(user=member).balance


# --- rewards -------------------------------------------------------------------------------------


def test_spending_moves_credits_to_the_rewards_account_and_takes_one_from_stock():
    member = person()
    _earn(member, 5)
    reward = RewardFactory(price=200, stock=2)
    claim = services.reward_claim(member=member, reward=reward, event_key="spend:1")
    assert _balance(member) == 300 and len(claim.code) == 8
    reward.refresh_from_db()
    assert reward.stock == 1
    assert Account.objects.get(kind="rewards").balance == 200
    assert services.reward_claim(member=member, reward=reward, event_key="spend:1").pk == claim.pk  # same request
    assert RewardClaim.objects.count() == 1 and _balance(member) == 300
    assert ledger_check().ok


def test_overspending_is_refused_and_changes_nothing():
    member = person()
    _earn(member, 1)
    reward = RewardFactory(price=150, stock=3)
    with pytest.raises(ValidationError) as excinfo:
        services.reward_claim(member=member, reward=reward, event_key="spend:x")
    assert excinfo.value.messages == ["You need 1.5 credits but have 1. Nothing has been spent."]
    reward.refresh_from_db()
    assert reward.stock == 3 and _balance(member) == 100
    assert not LedgerTransaction.objects.filter(kind="spend").exists()


def test_out_of_stock_is_refused():
    member = person()
    _earn(member, 5)
    with pytest.raises(ValidationError, match="has run out"):
        services.reward_claim(member=member, reward=RewardFactory(stock=0), event_key="spend:y")
    assert _balance(member) == 500


def test_another_members_request_id_cannot_be_reused():
    a, b = person(), person()
    _earn(a, 5)
    _earn(b, 5)
    reward = RewardFactory(price=100)
    services.reward_claim(member=a, reward=reward, event_key="shared-key")
    with pytest.raises(ValidationError, match="already used"):
        services.reward_claim(member=b, reward=reward, event_key="shared-key")
    assert _balance(b) == 500


# --- council tax -------------------------------------------------------------------------------------


def _redeem(member, policy, pounds, key, **kwargs):
    return services.council_tax_redeem(member=member, policy=policy, pounds=pounds, council_tax_reference="AB123456",
                                       confirms_liable=True, event_key=key, **kwargs)


def test_redemption_produces_a_statement_line_at_the_policy_rate():
    member = person(postcode="RV1 1AA", address_line="1 River Road")
    _earn(member, 8)
    policy = CouncilTaxPolicyFactory(credits_per_pound=200, annual_cap_pence=5000)  # 2 credits for £1
    redemption = _redeem(member, policy, 3, "ct:1")
    assert (redemption.discount_pence, redemption.transaction.credits) == (300, 600)
    assert _balance(member) == 200
    assert statement_totals(account=Account.objects.get(user=member)) == {"earned": 800, "spent": 0, "redeemed": 600}
    assert AuditEntry.objects.filter(action="timebank.council_tax.redeemed").count() == 1
    assert ledger_check().redeemed == 600


def test_the_annual_cap_is_per_household():
    home = {"postcode": "RV1 1AA", "address_line": "1 River Road"}
    first, second = person(**home), person(postcode="rv11aa", address_line=" 1  river road ")
    for m in (first, second):
        _earn(m, 8)
    policy = CouncilTaxPolicyFactory(annual_cap_pence=1000)
    _redeem(first, policy, 6, "ct:a")
    with pytest.raises(ValidationError) as excinfo:
        _redeem(second, policy, 5, "ct:b")
    assert excinfo.value.messages == [
        "The discount is capped at £10 a year per household. £6 has been taken already, so you can take up to £4 more."
    ]
    assert _redeem(second, policy, 4, "ct:c").discount_pence == 400
    assert Redemption.objects.count() == 2


def test_the_cap_per_member_ignores_the_household():
    home = {"postcode": "RV1 1AA", "address_line": "1 River Road"}
    first, second = person(**home), person(**home)
    for m in (first, second):
        _earn(m, 8)
    policy = CouncilTaxPolicyFactory(annual_cap_pence=500, cap_basis="member")
    _redeem(first, policy, 5, "ct:a")
    _redeem(second, policy, 5, "ct:b")
    with pytest.raises(ValidationError, match="£0 more"):
        _redeem(second, policy, 1, "ct:c")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pounds": 0}, "at least £1"),
        ({"council_tax_reference": "12"}, "council-tax account reference"),
        ({"confirms_liable": False}, "named on the council-tax bill"),
        ({"pounds": 9}, "You need 9 credits but have 8"),
    ],
)
def test_bad_redemptions_are_refused_and_change_nothing(kwargs, message):
    member = person()
    _earn(member, 8)
    policy = CouncilTaxPolicyFactory(annual_cap_pence=10000)
    args = {"pounds": 2, "council_tax_reference": "AB123456", "confirms_liable": True, **kwargs}
    with pytest.raises(ValidationError) as excinfo:
        services.council_tax_redeem(member=member, policy=policy, event_key="ct:bad", **args)
    assert message in " ".join(excinfo.value.messages)
    assert not Redemption.objects.exists() and _balance(member) == 800


def test_unverified_residents_and_out_of_year_are_told_why():
    member = person(verified=False)
    _earn(member, 8)
    policy = CouncilTaxPolicyFactory(year_starts=dt.date(2020, 4, 1), year_ends=dt.date(2021, 3, 31))
    with pytest.raises(ValidationError) as excinfo:
        _redeem(member, policy, 1, "ct:z")
    assert excinfo.value.messages == [
        f"The {policy.name} runs from 1 April 2020 to 31 March 2021.",
        "Only residents whose address in the borough has been checked can take a council-tax discount.",
    ]


# --- corrections ---------------------------------------------------------------------------------------


def test_a_correction_is_a_mirror_transaction_and_can_happen_once():
    member, staff = person(), officer()
    tx = _earn(member, 3)
    reversal = services.transaction_reverse(original=tx, reason="Entered twice", actor=staff)
    assert reversal.kind == "reversal" and reversal.reverses == tx
    assert sorted(reversal.entries.values_list("amount", flat=True)) == [-300, 300]
    assert _balance(member) == 0
    with pytest.raises(ValidationError, match="already been corrected"):
        services.transaction_reverse(original=tx, reason="again", actor=staff)
    with pytest.raises(ValidationError, match="cannot itself be reversed"):
        services.transaction_reverse(original=reversal, reason="undo", actor=staff)
    report = ledger_check()
    assert report.ok and report.issued == 0


def test_a_correction_cannot_push_a_member_below_zero():
    member = person()
    tx = _earn(member, 2)
    services.reward_claim(member=member, reward=RewardFactory(price=150), event_key="s")
    with pytest.raises(ValidationError, match="less than none"):
        services.transaction_reverse(original=tx, reason="mistake", actor=officer())
    assert _balance(member) == 50 and not LedgerTransaction.objects.filter(kind="reversal").exists()


def test_reversing_a_reward_gives_the_credits_and_the_stock_back():
    member = person()
    _earn(member, 2)
    reward = RewardFactory(price=200, stock=1)
    claim = services.reward_claim(member=member, reward=reward, event_key="s")
    services.transaction_reverse(original=claim.transaction, reason="Event cancelled", actor=officer())
    reward.refresh_from_db()
    assert reward.stock == 1 and _balance(member) == 200 and ledger_check().spent == 0


def test_the_ledger_is_append_only():
    from coproduce.timebank.models import AppendOnlyError, LedgerEntry

    tx = _earn(person(), 1)
    with pytest.raises(AppendOnlyError):
        tx.save()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(transaction=tx).update(amount=5)
    with pytest.raises(AppendOnlyError):
        LedgerTransaction.objects.all().delete()


def test_reverse_for_event_corrects_what_an_event_posted_once():
    member, staff = person(), officer()
    services.credit_issue_for_event(member=member, event_key="coproduction.attendance:9:1", credits=2, reason="Meeting",
                                    rule="meeting_attendance")
    first = services.credit_reverse_for_event(event_key="coproduction.attendance:9:1", reason="Marked by mistake", actor=staff)
    again = services.credit_reverse_for_event(event_key="coproduction.attendance:9:1", reason="Marked by mistake", actor=staff)
    assert first.pk == again.pk and _balance(member) == 0
    assert services.credit_reverse_for_event(event_key="never-posted", reason="x", actor=staff) is None
