import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.timebank import services
from coproduce.timebank.models import Account, LedgerTransaction, Redemption, RewardClaim
from coproduce.timebank.tests.factories import CouncilTaxPolicyFactory, RewardFactory
from coproduce.timebank.tests.people import officer, person, sign_in

pytestmark = pytest.mark.django_db


def _earn(member, credits, key):
    return services.credit_issue_for_event(member=member, event_key=key, credits=credits, reason=f"Volunteering {key}",
                                           rule="volunteering")


@pytest.mark.parametrize("name", ["timebank:index", "timebank:reward_list", "timebank:ward_totals"])
def test_public_pages(client, name):
    assert client.get(reverse(name)).status_code == 200


def test_ward_totals_publish_credits_by_ward_with_a_table(client):
    a = person()
    b = person()
    _earn(a, 3, "k1")
    _earn(b, 1, "k2")
    tx = _earn(b, 2, "k3")
    services.transaction_reverse(original=tx, reason="typo", actor=officer())
    body = client.get(reverse("timebank:ward_totals")).content.decode()
    ward_a, ward_b = a.neighbourhood.ward.name, b.neighbourhood.ward.name
    assert body.index(ward_a) < body.index(ward_b)  # largest first
    assert "<caption" in body and "Credits earned by ward" in body
    assert 'aria-hidden="true"' in body  # the bars repeat the table, which screen readers read


def test_statement_ladder_and_content(client):
    url = reverse("timebank:statement")
    assert client.get(url).status_code == 302
    member = person()
    sign_in(client, member)
    assert "You have not earned any time credits yet" in client.get(url).content.decode()
    _earn(member, 2, "a")
    _earn(member, 3, "b")
    body = client.get(url).content.decode()
    assert "Volunteering b" in body and 'data-testid="balance">5</strong>' in body


def test_statement_running_balance_across_pages(client):
    member = person()
    for i in range(30):
        _earn(member, 1, f"e{i}")
    sign_in(client, member)
    first = client.get(reverse("timebank:statement"))
    second = client.get(reverse("timebank:statement") + "?page=2")
    balances_1, balances_2 = _balance_column(first), _balance_column(second)
    assert len(balances_1) == 25 and balances_1[0] == "30" and balances_1[-1] == "6"
    assert balances_2 == ["5", "4", "3", "2", "1"]


def _balance_column(response) -> list[str]:
    cells = re.findall(r'govuk-table__cell--numeric">([^<]*)</td>', response.content.decode())
    return [c.strip() for c in cells[2::3]]  # In, Out, Balance


def test_statement_query_count_is_pinned(client):
    member = person()
    for i in range(5):
        _earn(member, 1, f"e{i}")
    sign_in(client, member)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("timebank:statement"))
    for i in range(5, 40):
        _earn(member, 1, f"e{i}")
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("timebank:statement"))
    assert len(few) == len(more) <= 14


def test_reward_list_query_count_is_pinned(client, django_assert_max_num_queries):
    from coproduce.organisations.models import Organisation

    org = Organisation.objects.create(name="Riverside Theatre", slug="riverside-theatre", legal_form="charity")
    for i in range(20):
        RewardFactory(offered_by=org if i % 2 else None)
    with django_assert_max_num_queries(3):
        assert client.get(reverse("timebank:reward_list")).status_code == 200


def test_spend_ladder_overspend_and_double_submit(client):
    reward = RewardFactory(price=300, stock=5)
    url = reverse("timebank:reward_spend", args=[reward.pk])
    assert client.get(url).status_code == 302
    member = person()
    sign_in(client, member)
    assert client.get(url).status_code == 200
    request_id = str(uuid.uuid4())
    response = client.post(url, {"request_id": request_id})
    assert response.status_code == 400 and "You need 3 credits but have 0. Nothing has been spent." in response.content.decode()
    _earn(member, 4, "earn")
    assert client.post(url, {"request_id": request_id}).status_code == 302
    assert client.post(url, {"request_id": request_id}).status_code == 302  # sent twice: spent once
    assert RewardClaim.objects.count() == 1 and Account.objects.get(user=member).balance == 100
    assert client.post(url, {}).status_code == 400  # no request id
    assert RewardClaim.objects.count() == 1


def test_council_tax_ladder_and_redemption(client):
    url = reverse("timebank:council_tax")
    assert client.get(url).status_code == 302
    sign_in(client, officer())
    assert client.get(url).status_code == 403  # residents only
    policy = CouncilTaxPolicyFactory()
    member = person()
    _earn(member, 5, "earn")
    sign_in(client, member)
    assert policy.name in client.get(url).content.decode()
    response = client.post(url, {"request_id": str(uuid.uuid4()), "pounds": "2", "council_tax_reference": "ab 123 456",
                                 "confirms_liable": "on"})
    assert response.status_code == 302
    assert Redemption.objects.get().council_tax_reference == "AB123456"
    response = client.post(url, {"request_id": str(uuid.uuid4()), "pounds": "two"})
    assert response.status_code == 400 and "Enter the discount in whole pounds" in response.content.decode()
    assert Redemption.objects.count() == 1
    statement = client.get(reverse("timebank:statement")).content.decode()
    assert "£2.00" in statement and "AB123456" in statement


def test_unverified_resident_sees_why(client):
    CouncilTaxPolicyFactory()
    sign_in(client, person(verified=False))
    body = client.get(reverse("timebank:council_tax")).content.decode()
    assert "Only residents whose address in the borough has been checked" in body


def test_officer_issue_ladder_and_bad_input(client):
    url = reverse("timebank:issue")
    assert client.get(url).status_code == 302
    sign_in(client, person())
    assert client.get(url).status_code == 403
    staff = officer()
    sign_in(client, staff)
    assert client.get(url).status_code == 200
    member = person(email="member@example.org")
    good = {"request_id": str(uuid.uuid4()), "email": "member@example.org", "rule": "volunteering", "quantity": "1.5",
            "reason": "Litter pick"}
    for bad, message in [({"quantity": "-1"}, "Enter at least 0.25"), ({"quantity": "1.234"}, "at most 2 decimal places"),
                         ({"email": "nobody@example.org"}, "There is no account with that email address"),
                         ({"rule": "meeting_attendance"}, "Select a valid choice"), ({"reason": ""}, "Say what the credits are for")]:
        response = client.post(url, {**good, **bad})
        assert response.status_code == 400 and message in response.content.decode()
    assert not LedgerTransaction.objects.exists()
    assert client.post(url, good).status_code == 302
    assert client.post(url, good).status_code == 302  # a double click pays once
    tx = LedgerTransaction.objects.get()
    assert (tx.member, tx.credits, tx.actor) == (member, 150, staff)


def test_account_detail_ladder_and_reversal(client):
    member = person()
    tx = _earn(member, 2, "x")
    account = Account.objects.get(user=member)
    url = reverse("timebank:account_detail", args=[account.pk])
    assert client.get(url).status_code == 302
    sign_in(client, person())
    assert client.get(url).status_code == 403
    sign_in(client, member)
    assert client.get(url).status_code == 200  # their own
    reverse_url = reverse("timebank:transaction_reverse", args=[tx.pk])
    assert client.post(reverse_url, {"reason": "x"}).status_code == 403
    sign_in(client, officer())
    assert client.get(url).status_code == 200
    client.post(reverse_url, {"reason": ""})
    assert not LedgerTransaction.objects.filter(kind="reversal").exists()
    client.post(reverse_url, {"reason": "Paid to the wrong person"})
    account.refresh_from_db()
    assert account.balance == 0 and LedgerTransaction.objects.filter(kind="reversal").count() == 1


def test_reverse_needs_sign_in(client):
    tx = _earn(person(), 1, "r")
    response = client.post(reverse("timebank:transaction_reverse", args=[tx.pk]), {"reason": "x"})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_ward_totals_query_count_is_pinned(client, django_assert_max_num_queries):
    for i in range(12):
        _earn(person(), 1, f"w{i}")
    with django_assert_max_num_queries(5):
        assert client.get(reverse("timebank:ward_totals")).status_code == 200


def test_officers_find_a_members_account(client):
    url = reverse("timebank:account_find")
    assert client.get(url).status_code == 302
    sign_in(client, person())
    assert client.get(url).status_code == 403
    sign_in(client, officer())
    assert client.get(url).status_code == 200
    member = person(email="found@example.org")
    response = client.get(url, {"email": "FOUND@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "timebank:account_detail", args=[Account.objects.get(user=member).pk])
    response = client.get(url, {"email": "nobody@example.org"})
    assert response.status_code == 404 and "There is no account with that email address" in response.content.decode()


def test_council_tax_lines_for_the_revenues_team(client):
    import csv
    import io

    policy = CouncilTaxPolicyFactory()
    member = person(full_name="Rosa Mensah", postcode="RV1 1AA", address_line="1 River Road")
    _earn(member, 5, "e")
    services.council_tax_redeem(member=member, policy=policy, pounds=3, council_tax_reference="RV12345678",
                                confirms_liable=True, event_key="ct")
    url = reverse("timebank:council_tax_lines")
    assert client.get(url).status_code == 302
    sign_in(client, member)
    assert client.get(url).status_code == 403
    sign_in(client, officer())
    rows = list(csv.DictReader(io.StringIO(client.get(url).content.decode())))
    assert [(r["name"], r["council_tax_reference"], r["discount_pounds"], r["credits"], r["corrected"]) for r in rows] == [
        ("Rosa Mensah", "RV12345678", "3.00", "3", "no")]
