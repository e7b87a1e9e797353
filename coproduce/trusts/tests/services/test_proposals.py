import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.timebank.tests.people import officer, person
from coproduce.trusts import services
from coproduce.trusts.models import Proposal, Response
from coproduce.trusts.tests.factories import MembershipFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def _member(trust, slug, estate):
    user = person(neighbourhood=estate)
    MembershipFactory(trust=trust, user=user, member_class=trust.member_classes.get(slug=slug))
    return user


def test_proposal_dates_are_checked(tenants_trust):
    author = officer()
    now = timezone.now()
    for closes_at, message in [
        (now + dt.timedelta(hours=2), "at least a day from now"),
        (now - dt.timedelta(days=1), "at least a day from now"),
        (now + dt.timedelta(days=120), "within 90 days"),
    ]:
        with pytest.raises(ValidationError) as excinfo:
            services.proposal_create(trust=tenants_trust, author=author, title="T", body="B", closes_at=closes_at)
        assert message in excinfo.value.message_dict["closes_at"][0]
    assert not Proposal.objects.exists()
    p = services.proposal_create(trust=tenants_trust, author=author, title="Paint the hall", body="Green?",
                                 closes_at=now + dt.timedelta(days=7))
    assert p.quorum_percent == tenants_trust.default_quorum_percent and p.status == "open"


def test_one_member_one_response_which_they_can_change_while_open(tenants_trust, estate):
    member = _member(tenants_trust, "tenant", estate)
    proposal = ProposalFactory(trust=tenants_trust)
    services.proposal_respond(proposal=proposal, user=member, position="agree")
    services.proposal_respond(proposal=proposal, user=member, position="disagree", reason="Too costly")
    assert list(Response.objects.values_list("position", flat=True)) == ["disagree"]


def test_non_members_and_late_responses_are_refused(tenants_trust, estate):
    proposal = ProposalFactory(trust=tenants_trust)
    with pytest.raises(ValidationError, match="Only members"):
        services.proposal_respond(proposal=proposal, user=person(neighbourhood=estate), position="agree")
    member = _member(tenants_trust, "tenant", estate)
    with pytest.raises(ValidationError, match="closed"):
        services.proposal_respond(proposal=proposal, user=member, position="agree", now=proposal.closes_at)
    with pytest.raises(ValidationError) as excinfo:
        services.proposal_respond(proposal=proposal, user=member, position="block")
    assert "Say why you are blocking" in excinfo.value.message_dict["reason"][0]
    assert not Response.objects.exists()


def test_closing_counts_current_members_and_publishes_the_outcome(tenants_trust, estate):
    members = [_member(tenants_trust, "tenant", estate) for _ in range(4)]
    proposal = ProposalFactory(trust=tenants_trust, quorum_percent=50)
    for user, position in zip(members, ["agree", "agree", "disagree", "abstain"], strict=True):
        services.proposal_respond(proposal=proposal, user=user, position=position)
    board = officer()
    with pytest.raises(ValidationError, match="Members can respond until"):
        services.proposal_close(proposal=proposal, actor=board, outcome_statement="x", review_on=None)
    after = proposal.closes_at + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as excinfo:
        services.proposal_close(proposal=proposal, actor=board, outcome_statement="", now=after,
                                review_on=timezone.localdate() - dt.timedelta(days=1))
    assert set(excinfo.value.message_dict) == {"outcome_statement", "review_on"}
    closed = services.proposal_close(proposal=proposal, actor=board, outcome_statement="We will paint it.", now=after,
                                     review_on=timezone.localdate() + dt.timedelta(days=180))
    assert closed.outcome == "carried"
    assert closed.tally["counts"] == {"agree": 2, "abstain": 1, "disagree": 1, "block": 0}
    assert closed.tally["eligible"] == 4
    with pytest.raises(ValidationError, match="already been closed"):
        services.proposal_close(proposal=closed, actor=board, outcome_statement="again", review_on=None, now=after)


def test_responses_of_members_who_left_before_closing_do_not_count(tenants_trust, estate):
    stay, go = _member(tenants_trust, "tenant", estate), _member(tenants_trust, "tenant", estate)
    proposal = ProposalFactory(trust=tenants_trust, quorum_percent=50)
    services.proposal_respond(proposal=proposal, user=stay, position="disagree")
    services.proposal_respond(proposal=proposal, user=go, position="agree")
    services.membership_leave(membership=go.trust_memberships.get(), actor=go)
    result = services.proposal_count(proposal=proposal)
    assert (result.outcome, result.overall.eligible, result.overall.counts) == ("not_carried", 1, {"disagree": 1})


def test_per_class_counting_on_a_two_way_trust(youth_trust, estate):
    young = [_member(youth_trust, "user", estate) for _ in range(3)]
    staff = [_member(youth_trust, "staff", estate) for _ in range(2)]
    proposal = ProposalFactory(trust=youth_trust, quorum_percent=50, votes_by_class=True)
    for user in young:
        services.proposal_respond(proposal=proposal, user=user, position="agree")
    for user in staff:
        services.proposal_respond(proposal=proposal, user=user, position="disagree")
    assert services.proposal_count(proposal=proposal).outcome == "not_carried"
