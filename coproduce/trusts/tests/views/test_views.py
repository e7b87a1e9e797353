import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduce.timebank.tests.people import officer, person, sign_in
from coproduce.trusts import services
from coproduce.trusts.models import Membership, Proposal, Response
from coproduce.trusts.tests.factories import MembershipFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def _member(trust, estate, slug=None, **kwargs):
    user = person(neighbourhood=estate, **kwargs)
    cls = trust.member_classes.get(slug=slug) if slug else trust.member_classes.first()
    MembershipFactory(trust=trust, user=user, member_class=cls)
    return user


def _trust_officer(trust):
    staff = officer()
    trust.officers.add(staff)
    return staff


# --- public pages ---------------------------------------------------------------------------------


def test_public_pages_show_counts_but_never_names(client, tenants_trust, estate):
    named = _member(tenants_trust, estate, full_name="Zebedee Quartermaine")
    services.board_seat_add(trust=tenants_trust, user=named, role="chair", actor=officer())
    for name in ["trusts:trust_list", "trusts:trust_detail"]:
        response = client.get(reverse(name, kwargs={"slug": tenants_trust.slug} if "detail" in name else None))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Marsh Tenants" in body
        assert "Zebedee" not in body
    detail = client.get(reverse("trusts:trust_detail", kwargs={"slug": tenants_trust.slug})).content.decode()
    assert "Join Marsh Tenants" in detail and "Marsh Estate" in detail


def test_members_see_the_board_by_name(client, tenants_trust, estate):
    chair = _member(tenants_trust, estate, full_name="Zebedee Quartermaine")
    services.board_seat_add(trust=tenants_trust, user=chair, role="chair", actor=officer())
    sign_in(client, _member(tenants_trust, estate))
    assert "Zebedee Quartermaine, Chair" in client.get(reverse("trusts:trust_detail", args=[tenants_trust.slug])).content.decode()


def test_trust_list_query_count_does_not_grow_with_trusts(client, django_assert_max_num_queries, estate):
    from coproduce.trusts.tests.factories import MemberClassFactory, TrustFactory

    for _ in range(12):
        MemberClassFactory(trust=TrustFactory(council=estate.ward.council))
    with django_assert_max_num_queries(4):
        assert client.get(reverse("trusts:trust_list")).status_code == 200


# --- joining --------------------------------------------------------------------------------------


def test_join_ladder_and_join(client, tenants_trust, estate):
    url = reverse("trusts:trust_join", args=[tenants_trust.slug])
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    member = person(neighbourhood=estate)
    sign_in(client, member)
    assert client.get(url).status_code == 200
    tenant = tenants_trust.member_classes.get()
    response = client.post(url, {"member_class": tenant.pk})
    assert response.status_code == 302
    assert Membership.objects.current().filter(trust=tenants_trust, user=member).count() == 1
    # joining twice: a clear message, nothing changes
    response = client.post(url, {"member_class": tenant.pk})
    assert response.status_code == 200
    assert "You are already a member of Marsh Tenants" in response.content.decode()
    assert Membership.objects.filter(trust=tenants_trust, user=member).count() == 1


def test_an_ineligible_applicant_is_told_exactly_why_and_cannot_post(client, youth_trust, estate):
    adult = person(neighbourhood=estate, age=30)
    sign_in(client, adult)
    url = reverse("trusts:trust_join", args=[youth_trust.slug])
    body = client.get(url).content.decode()
    assert "Members in the Young member class must be aged 11 to 25. You are 30." in body
    response = client.post(url, {"member_class": youth_trust.member_classes.get(slug="user").pk})
    assert "You are 30" in response.content.decode()
    assert not Membership.objects.exists()


def test_joining_a_class_that_is_not_offered_online_is_refused(client, youth_trust, estate):
    sign_in(client, person(neighbourhood=estate, age=15))
    response = client.post(reverse("trusts:trust_join", args=[youth_trust.slug]),
                           {"member_class": youth_trust.member_classes.get(slug="staff").pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Membership.objects.exists()


def test_leave_ladder(client, tenants_trust, estate):
    url = reverse("trusts:trust_leave", args=[tenants_trust.slug])
    assert client.get(url).status_code == 302
    sign_in(client, person(neighbourhood=estate))
    assert client.get(url).status_code == 403  # not a member: nothing to leave
    member = _member(tenants_trust, estate)
    sign_in(client, member)
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "Moved"}).status_code == 302
    assert Membership.objects.get(user=member).left_reason == "Moved"


def test_enrol_in_person_ladder_and_recording(client, youth_trust, estate):
    url = reverse("trusts:trust_enrol", args=[youth_trust.slug])
    assert client.get(url).status_code == 302
    sign_in(client, officer())  # an officer, but not one of this trust's
    assert client.get(url).status_code == 403
    staff = _trust_officer(youth_trust)
    sign_in(client, staff)
    assert client.get(url).status_code == 200
    worker = person(roles=(), verified=False, email="worker@example.org")
    response = client.post(url, {"email": "worker@example.org", "member_class": youth_trust.member_classes.get(slug="staff").pk,
                                 "note": "At the youth centre"})
    assert response.status_code == 302
    m = Membership.objects.get(user=worker)
    assert m.joined_via == "in_person" and m.recorded_by == staff
    response = client.post(url, {"email": "nobody@example.org", "member_class": youth_trust.member_classes.get(slug="staff").pk})
    assert "There is no account with that email address" in response.content.decode()


# --- the register ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["trusts:register", "trusts:register_csv"])
def test_register_is_never_public_nor_for_plain_members(client, tenants_trust, estate, name):
    url = reverse(name, args=[tenants_trust.slug])
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    sign_in(client, _member(tenants_trust, estate))
    assert client.get(url).status_code == 403
    sign_in(client, officer())
    assert client.get(url).status_code == 403
    board = _member(tenants_trust, estate)
    services.board_seat_add(trust=tenants_trust, user=board, role="secretary", actor=officer())
    sign_in(client, board)
    assert client.get(url).status_code == 200
    sign_in(client, _trust_officer(tenants_trust))
    assert client.get(url).status_code == 200


def test_register_csv_has_every_membership_current_and_past(client, tenants_trust, estate):
    stay = _member(tenants_trust, estate, full_name="Ada Current")
    gone = _member(tenants_trust, estate, full_name="=cmd|' /C calc'!A0")
    services.membership_leave(membership=gone.trust_memberships.get(), actor=gone)
    sign_in(client, _trust_officer(tenants_trust))
    response = client.get(reverse("trusts:register_csv", args=[tenants_trust.slug]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["name"] for r in rows] == ["Ada Current", "'=cmd|' /C calc'!A0"]
    assert rows[0]["left"] == "" and rows[1]["left"] == timezone.localdate().isoformat()
    assert rows[0]["email"] == stay.email and rows[0]["class"] == "Tenant"


def test_register_query_count_is_pinned(client, tenants_trust, estate):
    for _ in range(30):
        _member(tenants_trust, estate)
    staff = _trust_officer(tenants_trust)
    sign_in(client, staff)
    url = reverse("trusts:register", args=[tenants_trust.slug])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(30):
        _member(tenants_trust, estate)
    with CaptureQueriesContext(connection) as more:
        assert client.get(url).status_code == 200
    assert len(more) == len(few) <= 14


# --- decisions --------------------------------------------------------------------------------------


def test_proposals_are_for_members_board_and_officers(client, tenants_trust, estate):
    proposal = ProposalFactory(trust=tenants_trust)
    for url in [reverse("trusts:proposal_list", args=[tenants_trust.slug]),
                reverse("trusts:proposal_detail", args=[tenants_trust.slug, proposal.pk])]:
        client.logout()
        assert client.get(url).status_code == 302
        sign_in(client, person(neighbourhood=estate))
        assert client.get(url).status_code == 403
        sign_in(client, _member(tenants_trust, estate))
        assert client.get(url).status_code == 200


def test_a_member_responds_and_a_plain_member_cannot_add_or_close(client, tenants_trust, estate):
    member = _member(tenants_trust, estate)
    proposal = ProposalFactory(trust=tenants_trust)
    sign_in(client, member)
    url = reverse("trusts:proposal_respond", args=[tenants_trust.slug, proposal.pk])
    assert client.post(url, {"position": "agree"}).status_code == 302
    assert Response.objects.get(user=member).position == "agree"
    response = client.post(url, {"position": "block"})
    assert response.status_code == 400 and "Say why you are blocking" in response.content.decode()
    assert Response.objects.get(user=member).position == "agree"
    assert client.get(reverse("trusts:proposal_new", args=[tenants_trust.slug])).status_code == 403
    assert client.get(reverse("trusts:proposal_close", args=[tenants_trust.slug, proposal.pk])).status_code == 403


def test_the_board_puts_a_proposal_and_bad_dates_are_explained(client, tenants_trust, estate):
    board = _member(tenants_trust, estate)
    services.board_seat_add(trust=tenants_trust, user=board, role="chair", actor=officer())
    sign_in(client, board)
    url = reverse("trusts:proposal_new", args=[tenants_trust.slug])
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    data = {"title": "New bins", "body": "Shall we ask for more bins?", "closes_hour": "17", "quorum_percent": "20",
            "closes_on-day": str(today.day), "closes_on-month": str(today.month), "closes_on-year": str(today.year)}
    response = client.post(url, data)
    assert "The closing date must be in the future" in response.content.decode()
    data.update({"closes_on-day": "31", "closes_on-month": "2"})
    assert "must be a real date" in client.post(url, data).content.decode()
    later = today + dt.timedelta(days=200)
    data.update({"closes_on-day": str(later.day), "closes_on-month": str(later.month), "closes_on-year": str(later.year)})
    assert "within 90 days" in client.post(url, data).content.decode()
    assert not Proposal.objects.exists()
    soon = today + dt.timedelta(days=10)
    data.update({"closes_on-day": str(soon.day), "closes_on-month": str(soon.month), "closes_on-year": str(soon.year)})
    assert client.post(url, data).status_code == 302
    proposal = Proposal.objects.get()
    assert timezone.localtime(proposal.closes_at).hour == 17 and proposal.quorum_percent == 20


def test_the_board_closes_a_proposal_after_its_closing_time(client, tenants_trust, estate):
    board = _member(tenants_trust, estate)
    services.board_seat_add(trust=tenants_trust, user=board, role="chair", actor=officer())
    proposal = ProposalFactory(trust=tenants_trust, closes_at=timezone.now() - dt.timedelta(hours=1),
                               opened_at=timezone.now() - dt.timedelta(days=8))
    sign_in(client, board)
    url = reverse("trusts:proposal_close", args=[tenants_trust.slug, proposal.pk])
    assert client.get(url).status_code == 200
    review = timezone.localdate() + dt.timedelta(days=90)
    response = client.post(url, {"outcome_statement": "Not enough members took part; we will ask again.",
                                 "review_on-day": review.day, "review_on-month": review.month, "review_on-year": review.year})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "closed" and proposal.outcome == "inquorate" and proposal.review_on == review
    page = client.get(reverse("trusts:proposal_detail", args=[tenants_trust.slug, proposal.pk])).content.decode()
    assert "Not enough members took part; we will ask again." in page


def test_proposal_list_query_count_is_pinned(client, tenants_trust, estate, django_assert_max_num_queries):
    member = _member(tenants_trust, estate)
    for _ in range(15):
        ProposalFactory(trust=tenants_trust)
    sign_in(client, member)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("trusts:proposal_list", args=[tenants_trust.slug])).status_code == 200


@pytest.mark.parametrize(("name", "method"), [("trusts:proposal_new", "get"), ("trusts:proposal_respond", "post"),
                                              ("trusts:proposal_close", "get")])
def test_decision_ladder(client, tenants_trust, estate, name, method):
    proposal = ProposalFactory(trust=tenants_trust, closes_at=timezone.now() + dt.timedelta(days=2))
    args = [tenants_trust.slug] if name.endswith("new") else [tenants_trust.slug, proposal.pk]
    url = reverse(name, args=args)
    data = {"position": "agree"} if method == "post" else None
    response = getattr(client, method)(url, data)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    sign_in(client, person(neighbourhood=estate))  # not a member
    assert getattr(client, method)(url, data).status_code == 403
    allowed = _member(tenants_trust, estate)
    if name != "trusts:proposal_respond":
        services.board_seat_add(trust=tenants_trust, user=allowed, role="chair", actor=officer())
    sign_in(client, allowed)
    assert getattr(client, method)(url, data).status_code in (200, 302)
    if name == "trusts:proposal_close":  # allowed, but not before the closing time
        review = timezone.localdate() + dt.timedelta(days=60)
        response = client.post(url, {"outcome_statement": "Done", "review_on-day": review.day,
                                     "review_on-month": review.month, "review_on-year": review.year})
        assert "Members can respond until" in response.content.decode()
        assert Proposal.objects.get().status == "open"


def test_a_trust_officer_records_someone_leaving(client, tenants_trust, estate):
    member = _member(tenants_trust, estate)
    membership = member.trust_memberships.get()
    url = reverse("trusts:membership_end", args=[tenants_trust.slug, membership.pk])
    assert client.post(url, {"reason": "Moved away"}).status_code == 302  # to sign in
    sign_in(client, _member(tenants_trust, estate))
    assert client.post(url, {"reason": "Moved away"}).status_code == 403  # another member
    sign_in(client, _trust_officer(tenants_trust))
    assert "End membership" in client.get(reverse("trusts:register", args=[tenants_trust.slug])).content.decode()
    client.post(url, {"reason": ""})
    membership.refresh_from_db()
    assert membership.left_at is None  # no reason: nothing changes
    client.post(url, {"reason": "Moved away"})
    membership.refresh_from_db()
    assert membership.left_at is not None and membership.left_reason == "Moved away"
