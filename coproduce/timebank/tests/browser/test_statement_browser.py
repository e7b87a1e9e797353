import pytest

from coproduce.core.testing import assert_accessible
from coproduce.timebank import services
from coproduce.timebank.models import Account, RewardClaim
from coproduce.timebank.tests.browser.signin import sign_in_through_the_page
from coproduce.timebank.tests.factories import RewardFactory
from coproduce.timebank.tests.people import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_reads_their_statement_and_spends_credits_on_a_reward(watched_page, site_url):
    member = person(email="member@example.org")
    for key, (credits, reason) in enumerate([(3, "Litter pick on the towpath"), (2, "Peer support group")]):
        services.credit_issue_for_event(member=member, event_key=f"b:{key}", credits=credits, reason=reason, rule="volunteering")
    RewardFactory(title="Swim at a council leisure centre", price=200, stock=3)
    page = watched_page
    page.goto(site_url + "/")
    page.get_by_role("link", name="Time credits", exact=True).first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Credits earned in each ward").click()
    assert page.get_by_role("table").locator("caption").inner_text() == "Credits earned by ward"
    assert_accessible(page)

    sign_in_through_the_page(page, site_url, "member@example.org")
    page.goto(site_url + "/time-credits/statement/")
    assert page.get_by_test_id("balance").inner_text() == "5"
    assert "Peer support group" in page.locator("table").first.inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Spend credits on rewards").click()
    assert_accessible(page)
    page.get_by_role("link", name="Spend credits on Swim at a council leisure centre").click()
    assert_accessible(page)
    page.get_by_role("button", name="Spend 2 credits").click()
    banner = page.locator(".govuk-notification-banner").inner_text()
    code = RewardClaim.objects.get().code
    assert f"Your code is {code}" in banner
    assert page.get_by_test_id("balance").inner_text() == "3"
    assert code in page.locator("main").inner_text()
    assert_accessible(page)
    assert Account.objects.get(user=member).balance == 300
