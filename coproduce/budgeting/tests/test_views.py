"""Pages: the permission ladder for every protected view, and the voting pages end to end."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from coproduce.accounts.testing import sign_in
from coproduce.accounts.tests.factories import OfficerFactory, ResidentFactory
from coproduce.audit.models import AuditEntry
from coproduce.budgeting.models import Ballot, BallotType, Project, ProjectStatus, VoterRecord

from .factories import make_process

pytestmark = pytest.mark.django_db


def _funded(process):
    project = process.projects.get(pb_id="1")
    project.funded = True
    project.save()
    return project


# (url name, phase, extra kwargs, permitted person: "officer" or "resident", method)
LADDER = [
    ("budgeting:process_create", None, None, "officer", "get"),
    ("budgeting:process_rule", "review", {}, "officer", "get"),
    ("budgeting:idea_create", "ideas", {}, "resident", "get"),
    ("budgeting:project_propose", "proposals", {}, "resident", "get"),
    ("budgeting:project_review", "review", {"pb_id": "1"}, "officer", "get"),
    ("budgeting:vote", "voting", {}, "resident", "get"),
    ("budgeting:paper_ballot", "voting", {}, "officer", "get"),
    ("budgeting:delivery_update", "delivery", {"pb_id": "1"}, "officer", "get"),
    ("budgeting:milestone_create", "delivery", {"pb_id": "1"}, "officer", "get"),
]


@pytest.mark.parametrize(("name", "phase", "extra", "who", "method"), LADDER, ids=[row[0] for row in LADDER])
def test_permission_ladder(client, name, phase, extra, who, method):
    process = make_process(phase=phase or "voting")
    _funded(process)
    url = reverse(name) if extra is None else reverse(name, kwargs={"slug": process.slug, **extra})
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]

    outsider = ResidentFactory()  # a verified resident of somewhere else, no staff role
    sign_in(client, outsider)
    assert client.get(url).status_code == 403

    allowed = OfficerFactory() if who == "officer" else ResidentFactory(neighbourhood=process.neighbourhood)
    sign_in(client, allowed)
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:500]


def test_ballot_change_and_count_posts_climb_the_ladder(client):
    process = make_process(phase="voting")
    change_url = reverse("budgeting:ballot_change", kwargs={"slug": process.slug})
    assert client.post(change_url, {"code": "x"}).status_code == 302
    sign_in(client, ResidentFactory())
    assert client.post(change_url, {"code": "x"}).status_code == 403
    sign_in(client, ResidentFactory(neighbourhood=process.neighbourhood))
    response = client.post(change_url, {"code": "x", "projects": ["1"]})
    assert response.status_code == 200 and "not voted in this budget" in response.content.decode()

    counting = make_process(phase="counting")
    count_url = reverse("budgeting:count_status", kwargs={"slug": counting.slug})
    client.logout()
    assert client.post(count_url).status_code == 302
    sign_in(client, ResidentFactory())
    assert client.post(count_url).status_code == 403
    assert counting.counts.count() == 0


@pytest.mark.parametrize("phase", ["ideas", "voting", "results", "delivery"])
def test_public_pages_render_in_every_phase(client, phase):
    process = make_process(phase=phase)
    for name in ["budgeting:process_detail", "budgeting:recount", "budgeting:count_status", "budgeting:ballot_check"]:
        assert client.get(reverse(name, kwargs={"slug": process.slug})).status_code == 200, name
    assert client.get(reverse("budgeting:project_detail", kwargs={"slug": process.slug, "pb_id": "1"})).status_code == 200
    assert client.get(reverse("budgeting:process_list")).status_code == 200


def test_the_list_page_uses_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(4):
        make_process()
    with django_assert_max_num_queries(8):
        response = client.get(reverse("budgeting:process_list"))
    assert response.content.decode().count("Test budget") == 4


def test_vote_receipt_check_and_change_over_http(client, django_capture_on_commit_callbacks):
    process = make_process(phase="voting")
    voter = ResidentFactory(neighbourhood=process.neighbourhood)
    sign_in(client, voter)
    vote_url = reverse("budgeting:vote", kwargs={"slug": process.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(vote_url, {"projects": ["1", "2"]})
    assert response.status_code == 302
    receipt_page = client.get(response["Location"])
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", receipt_page.content.decode()).group(0)
    assert receipt_page["Cache-Control"] == "no-store"
    again = client.get(response["Location"])  # shown once only
    assert code not in again.content.decode() and "already been shown" in again.content.decode()
    assert code in mail.outbox[0].body

    check_url = reverse("budgeting:ballot_check", kwargs={"slug": process.slug})
    page = client.post(check_url, {"code": code})
    assert page.status_code == 200 and "Project 1" in page.content.decode() and "Change your ballot" in page.content.decode()

    response = client.post(reverse("budgeting:ballot_change", kwargs={"slug": process.slug}), {"code": code, "projects": ["3"]})
    assert response.status_code == 302
    assert Ballot.objects.get(process=process).choices == {"3": 1}
    assert VoterRecord.objects.filter(process=process).count() == 1

    assert client.get(vote_url).content.decode().count("You have already voted") >= 1


def test_bad_ballot_over_http_gets_a_clear_message_and_stores_nothing(client):
    process = make_process(phase="voting", ballot_type=BallotType.KNAPSACK)
    sign_in(client, ResidentFactory(neighbourhood=process.neighbourhood))
    url = reverse("budgeting:vote", kwargs={"slug": process.slug})
    response = client.post(url, {"projects": ["1", "2", "4"]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "more than the budget" in body and "There is a problem" in body
    assert 'value="4" aria-describedby="project-4-hint" checked' in body  # the voter's choices are kept
    assert (VoterRecord.objects.count(), Ballot.objects.count()) == (0, 0)


def test_cumulative_ballot_over_http(client):
    process = make_process(phase="voting", ballot_type=BallotType.CUMULATIVE, points=10)
    sign_in(client, ResidentFactory(neighbourhood=process.neighbourhood))
    url = reverse("budgeting:vote", kwargs={"slug": process.slug})
    bad = client.post(url, {"points-1": "5", "points-2": "abc"})
    assert bad.status_code == 200 and "whole numbers" in bad.content.decode()
    wrong = client.post(url, {"points-1": "5", "points-2": "4"})
    assert wrong.status_code == 200 and "You have given 9 points" in wrong.content.decode()
    assert client.post(url, {"points-1": "6", "points-2": "4", "points-3": ""}).status_code == 302
    assert Ballot.objects.get().choices == {"1": 6, "2": 4}


def test_ineligible_voter_sees_why(client):
    process = make_process(phase="voting", min_age=18)
    young = ResidentFactory(neighbourhood=process.neighbourhood, date_of_birth=None)
    sign_in(client, young)
    response = client.get(reverse("budgeting:vote", kwargs={"slug": process.slug}))
    assert response.status_code == 403
    assert "Add your date of birth" in response.content.decode()


def test_vote_page_outside_voting_says_so(client):
    process = make_process(phase="review")
    sign_in(client, ResidentFactory(neighbourhood=process.neighbourhood))
    response = client.post(reverse("budgeting:vote", kwargs={"slug": process.slug}), {"projects": ["1"]})
    assert "Voting is not open" in response.content.decode()
    assert Ballot.objects.count() == 0


def test_wrong_receipt_code_on_the_check_page(client):
    process = make_process(phase="voting")
    response = client.post(reverse("budgeting:ballot_check", kwargs={"slug": process.slug}), {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    assert response.status_code == 200
    assert "could not find a ballot with that receipt code" in response.content.decode()


def test_paper_ballot_over_http(client):
    process = make_process(phase="voting")
    person = ResidentFactory(neighbourhood=process.neighbourhood)
    officer = OfficerFactory()
    sign_in(client, officer)
    url = reverse("budgeting:paper_ballot", kwargs={"slug": process.slug})
    missing = client.post(url, {"email": "nobody@example.org", "projects": ["1"]})
    assert missing.status_code == 200 and "no account with that email" in missing.content.decode()
    response = client.post(url, {"email": person.email.upper(), "projects": ["1"]})
    assert response.status_code == 200 and "Paper ballot entered" in response.content.decode()
    assert VoterRecord.objects.get().channel == "paper"
    twice = client.post(url, {"email": person.email, "projects": ["2"]})
    assert twice.status_code == 200 and "already voted" in twice.content.decode()
    assert Ballot.objects.count() == 1


def test_propose_review_and_publish_over_http(client):
    process = make_process(phase="proposals", costs=())
    resident = ResidentFactory(neighbourhood=process.neighbourhood)
    sign_in(client, resident)
    url = reverse("budgeting:project_propose", kwargs={"slug": process.slug})
    bad = client.post(url, {"title": "Benches", "summary": "New benches", "description": "By the pond", "estimated_cost": "lots"})
    assert bad.status_code == 200 and "must be an amount of money" in bad.content.decode()
    assert Project.objects.filter(process=process).count() == 0
    response = client.post(url, {"title": "Benches", "summary": "New benches", "description": "By the pond",
                                 "estimated_cost": "£4,000"})
    assert response.status_code == 302
    project = Project.objects.get(process=process)
    assert project.status == ProjectStatus.PROPOSAL and project.estimated_cost == 4_000_00

    from .factories import move_to

    move_to(process, "review")
    sign_in(client, OfficerFactory())
    review_url = reverse("budgeting:project_review", kwargs={"slug": process.slug, "pb_id": project.pb_id})
    no_cost = client.post(review_url, {"feasible": "yes", "reasons": "Fine"})
    assert "Enter what the project will cost" in no_cost.content.decode()
    pence = client.post(review_url, {"feasible": "yes", "cost": "4500.50", "reasons": "Fine"})
    assert "whole pounds" in pence.content.decode()
    assert client.post(review_url, {"feasible": "yes", "cost": "4500", "reasons": "Quote from parks team"}).status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.FEASIBLE and project.cost == 4_500_00
    entry = AuditEntry.objects.filter(action="budgeting.project.reviewed").get()
    assert entry.public and entry.data["reasons"] == "Quote from parks team"
    page = client.get(reverse("budgeting:project_detail", kwargs={"slug": process.slug, "pb_id": project.pb_id}))
    assert "Quote from parks team" in page.content.decode()


def test_idea_then_proposal_from_the_idea(client):
    process = make_process(phase="ideas", costs=())
    resident = ResidentFactory(neighbourhood=process.neighbourhood)
    sign_in(client, resident)
    response = client.post(reverse("budgeting:idea_create", kwargs={"slug": process.slug}),
                           {"title": "Play street", "description": "Close the road on Sundays"})
    assert response.status_code == 302
    idea = Project.objects.get(process=process)
    from .factories import move_to

    move_to(process, "proposals")
    response = client.post(reverse("budgeting:project_propose", kwargs={"slug": process.slug}),
                           {"idea": str(idea.pk), "title": "Sunday play street", "summary": "Safe play",
                            "description": "Marshals and signs", "estimated_cost": "2500"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == ProjectStatus.PROPOSAL and idea.title == "Sunday play street"
    assert Project.objects.filter(process=process).count() == 1


def test_officer_sets_up_a_process(client):
    from coproduce.places.tests.factories import NeighbourhoodFactory

    place = NeighbourhoodFactory()
    sign_in(client, OfficerFactory())
    url = reverse("budgeting:process_create")
    data = {"title": "Riverside green fund", "description": "", "scope": "neighbourhood", "neighbourhood": str(place.pk),
            "budget": "50000", "categories": "Green spaces: 20000\nYouth", "ballot_type": "approval", "min_projects": "1",
            "max_projects": "3", "rule": "equal_shares"}
    for i, kind in enumerate(["ideas", "proposals", "review", "voting", "counting", "results", "delivery"]):
        data.update({f"starts_{kind}-day": str(1 + i), f"starts_{kind}-month": "3", f"starts_{kind}-year": "2027"})
    bad = dict(data, **{"starts_counting-day": "1"})
    response = client.post(url, bad)
    assert "The counting phase must start after the voting phase" in response.content.decode()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    from coproduce.budgeting.models import Process

    process = Process.objects.get(slug="riverside-green-fund")
    assert process.budget == 50_000_00 and process.phases.count() == 7
    assert [(c.name, c.envelope) for c in process.categories.all()] == [("Green spaces", 20_000_00), ("Youth", None)]
