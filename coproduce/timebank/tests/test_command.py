import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from coproduce.timebank import services
from coproduce.timebank.models import Account, LedgerEntry
from coproduce.timebank.tests.factories import RewardFactory
from coproduce.timebank.tests.people import person

pytestmark = pytest.mark.django_db


def _ledger():
    member = person()
    services.credit_issue_for_event(member=member, event_key="a", credits=5, reason="Volunteering", rule="volunteering")
    services.credit_issue_for_event(member=member, event_key="b", credits="1.5", reason="Meeting", rule="meeting_attendance")
    services.reward_claim(member=member, reward=RewardFactory(price=200), event_key="c")
    return member


def test_check_json_reports_the_ledger(capsys):
    _ledger()
    call_command("timebank", "check", "--json")
    assert json.loads(capsys.readouterr().out) == {
        "entries": 6, "accounts": 3, "sum_of_all_balances": 0, "negative_member_balances": 0,
        "issued": 6.5, "spent": 2, "redeemed": 0,
    }


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("UPDATE timebank_ledgerentry SET amount = amount + 1 WHERE id = (SELECT MIN(id) FROM timebank_ledgerentry)", "not 0"),
        ("UPDATE timebank_account SET balance = balance + 100 WHERE kind = 'member'", "cached balance"),
        ("DELETE FROM timebank_ledgerentry WHERE id = (SELECT MAX(id) FROM timebank_ledgerentry)", "not a balanced pair"),
    ],
)
def test_check_exits_1_when_a_row_is_tampered_with(capsys, sql, problem):
    _ledger()
    with connection.cursor() as cursor:
        cursor.execute(sql)
    with pytest.raises(CommandError) as excinfo:
        call_command("timebank", "check", "--json")
    assert excinfo.value.returncode == 1
    assert problem in capsys.readouterr().err


def test_a_negative_member_balance_is_reported(capsys):
    member = _ledger()
    account = Account.objects.get(user=member)
    issuing = Account.objects.get(kind="issuing")
    with connection.cursor() as cursor:  # a balanced but overdrawing pair, written behind the services' back
        tx_id = LedgerEntry.objects.filter(account=account).values_list("transaction_id", flat=True).first()
        cursor.execute("INSERT INTO timebank_ledgerentry (transaction_id, account_id, amount) VALUES (%s, %s, %s), (%s, %s, %s)",
                       [tx_id, account.pk, -10000, tx_id, issuing.pk, 10000])
    with pytest.raises(CommandError):
        call_command("timebank", "check", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["negative_member_balances"] == 1 and out["sum_of_all_balances"] == 0
