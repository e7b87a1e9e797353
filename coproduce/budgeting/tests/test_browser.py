"""Real Chromium with axe-core: propose a project, vote (approval and knapsack), check and
change a ballot with the receipt code, read results and delivery."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from coproduce.accounts.testing import sign_in
from coproduce.accounts.tests.factories import ResidentFactory
from coproduce.budgeting.models import Ballot, BallotType, Project
from coproduce.core.testing import assert_accessible

from .factories import make_process

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, site_url, user):
    client = sign_in(Client(), user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site_url}])


def test_resident_proposes_a_project(watched_page, site_url):
    page = watched_page
    process = make_process(phase="proposals", costs=())
    _sign_in(page, site_url, ResidentFactory(neighbourhood=process.neighbourhood))
    page.goto(f"{site_url}/budgets/{process.slug}/")
    assert_accessible(page)
    page.get_by_role("link", name="Propose a project").click()
    assert_accessible(page)
    page.get_by_role("button", name="Propose this project").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("Project name").fill("Outdoor table tennis")
    page.get_by_label("Summary in one sentence").fill("Two concrete tables in the park")
    page.get_by_label("What the project will do, where and for whom").fill("For teenagers and families.")
    page.get_by_label("Estimated cost in pounds").fill("6000")
    page.get_by_role("button", name="Propose this project").click()
    assert page.locator("h1").inner_text() == "Outdoor table tennis"
    assert_accessible(page)
    assert Project.objects.get(process=process).estimated_cost == 6_000_00


@pytest.mark.parametrize("ballot_type", [BallotType.APPROVAL, BallotType.KNAPSACK])
def test_vote_then_check_and_change_with_the_receipt(watched_page, site_url, ballot_type):
    page = watched_page
    process = make_process(phase="voting", ballot_type=ballot_type, max_projects=2 if ballot_type == "approval" else None)
    _sign_in(page, site_url, ResidentFactory(neighbourhood=process.neighbourhood))
    page.goto(f"{site_url}/budgets/{process.slug}/")
    page.get_by_role("link", name="Vote now").click()
    assert_accessible(page)
    # Too many (approval) or over budget (knapsack): a clear error and nothing stored.
    page.get_by_label(re.compile("^Project 1 ")).check()
    page.get_by_label(re.compile("^Project 2 ")).check()
    page.get_by_label(re.compile("^Project 4 ")).check()
    page.get_by_role("button", name="Cast my vote").click()
    expected = "Choose no more than 2 projects" if ballot_type == "approval" else "more than the budget"
    assert expected in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    assert Ballot.objects.count() == 0
    page.get_by_label(re.compile("^Project 4 ")).uncheck()
    page.get_by_role("button", name="Cast my vote").click()
    code = page.get_by_test_id("receipt-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    assert_accessible(page)

    page.get_by_role("link", name="Check or change your ballot").click()
    page.get_by_label("Receipt code").fill("WRNG-CODE-0000-0000")
    page.get_by_role("button", name="Show my ballot").click()
    assert "could not find a ballot" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Receipt code").fill(code.lower())
    page.get_by_role("button", name="Show my ballot").click()
    assert "Project 1" in page.locator("table").inner_text()
    assert_accessible(page)
    page.get_by_label(re.compile("^Project 1 ")).uncheck()
    page.get_by_label(re.compile("^Project 3 ")).check()
    page.get_by_role("button", name="Change my ballot").click()
    assert "Your ballot has been changed" in page.content()
    assert Ballot.objects.get().choices == {"2": 1, "3": 1}


def test_results_recount_and_delivery_pages(watched_page, site_url):
    import datetime as dt

    from coproduce.accounts.tests.factories import OfficerFactory
    from coproduce.budgeting import services
    from coproduce.budgeting.models import DeliveryStatus

    from .factories import move_to

    page = watched_page
    process = make_process(phase="voting", categories=(("Green", 50_000_00), ("Youth", None)))
    green = process.categories.get(name="Green")
    process.projects.filter(pb_id__in=["1", "3"]).update(category=green)
    for choices, n in [({"1": 1}, 4), ({"4": 1}, 3), ({"2": 1, "3": 1}, 3)]:
        for _ in range(n):
            services.vote_cast(process=process, user=ResidentFactory(neighbourhood=process.neighbourhood),
                               choices=choices, send_receipt=False)
    move_to(process, "counting")
    officer = OfficerFactory()
    _sign_in(page, site_url, officer)
    page.goto(f"{site_url}/budgets/{process.slug}/count/")
    assert_accessible(page)
    page.get_by_role("button", name="Count the votes").click()
    assert page.get_by_test_id("count-status").inner_text() == "Finished"
    assert_accessible(page)

    move_to(process, "delivery")
    funded = process.projects.filter(funded=True).order_by("pb_id").first()
    services.delivery_update(project=funded, user=officer, status=DeliveryStatus.IN_PROGRESS, progress=50)
    services.milestone_record(project=funded, user=officer, title="Site survey", due_on=dt.date(2027, 1, 10))
    page.context.clear_cookies()
    page.goto(f"{site_url}/budgets/{process.slug}/")
    page.get_by_role("link", name="See the results").click()
    assert page.locator("h1").inner_text() == "Results"
    assert int(page.get_by_test_id("funded-count").inner_text()) == process.projects.filter(funded=True).count()
    assert page.locator("svg[aria-labelledby='votes-chart-title']").count() == 1
    assert_accessible(page)
    page.get_by_role("link", name="Recount it yourself").click()
    assert page.get_by_test_id("expected-selected").inner_text()
    assert_accessible(page)
    page.goto(f"{site_url}/budgets/{process.slug}/delivery/")
    assert page.get_by_test_id("overall-progress").inner_text().endswith("%")
    assert "Site survey" in page.content()
    assert_accessible(page)
