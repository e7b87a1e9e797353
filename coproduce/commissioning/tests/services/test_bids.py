"""Publishing, bidding and sealed bids: bad input gets a message and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coproduce.accounts.tests.factories import AdministratorFactory
from coproduce.audit.models import AuditEntry
from coproduce.commissioning import services
from coproduce.commissioning.models import Bid, BidStatus, Opportunity, OpportunityStatusChange
from coproduce.commissioning.selectors import bid_list_for_lot, bidder_names_for_lot, may_see_bids
from coproduce.commissioning.tests.builders import (
    after_deadline,
    bidder,
    draft_opportunity,
    officer,
    project_in_do,
    published_opportunity,
    submit_bid,
)
from coproduce.organisations.models import LegalForm, Membership, VatStatus

pytestmark = pytest.mark.django_db
D = Decimal


def _unchanged_draft(opportunity):
    opportunity.refresh_from_db()
    assert opportunity.status == "draft"
    assert opportunity.published_at is None
    assert not OpportunityStatusChange.objects.filter(opportunity=opportunity).exists()


def test_publish_records_history_regime_and_public_audit():
    boss = officer()
    opportunity = published_opportunity(boss)
    assert opportunity.status == "published"
    assert opportunity.regime == "above-threshold"  # £240,000 of services
    assert list(opportunity.history.values_list("from_status", "to_status")) == [("draft", "published")]
    entry = AuditEntry.objects.get(action="commissioning.opportunity.published")
    assert entry.public and entry.data["criteria"] == {"Q1": "30.00", "Q2": "30.00", "SV1": "10.00", "PF1": "0.00"}


def test_weights_not_adding_up_to_100_are_refused():
    boss = officer()
    opportunity = draft_opportunity(project_in_do(boss), boss, price_weight=D(40))
    with pytest.raises(ValidationError) as error:
        services.opportunity_publish(opportunity=opportunity, actor=boss)
    assert "The weights must add up to 100 points: price 40.00 + questions 70.00 = 110.00." in error.value.messages
    _unchanged_draft(opportunity)


def test_social_value_under_10_points_is_refused():
    boss = officer()
    criteria = (("quality", D(35), None), ("quality", D(30), None), ("social_value", D(5), None))
    opportunity = draft_opportunity(project_in_do(boss), boss, criteria=criteria)
    with pytest.raises(ValidationError) as error:
        services.opportunity_publish(opportunity=opportunity, actor=boss)
    assert "Social value must weigh at least 10 points (it weighs 5.00)." in error.value.messages
    _unchanged_draft(opportunity)


def test_deadline_in_the_past_and_no_lots_are_refused():
    boss = officer()
    opportunity = draft_opportunity(project_in_do(boss), boss, lots=0, deadline=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(ValidationError) as error:
        services.opportunity_publish(opportunity=opportunity, actor=boss)
    assert "Add at least one lot." in error.value.messages
    assert "The deadline for bids must be in the future." in error.value.messages
    _unchanged_draft(opportunity)


def test_conflicts_assessment_is_required_above_threshold():
    boss = officer()
    project = project_in_do(boss)
    project.conflicts_assessment = ""
    project.save()
    opportunity = draft_opportunity(project, boss)
    with pytest.raises(ValidationError, match="conflicts assessment"):
        services.opportunity_publish(opportunity=opportunity, actor=boss)
    _unchanged_draft(opportunity)


def test_pass_fail_question_cannot_carry_weight_and_gate_must_be_on_the_scale():
    boss = officer()
    opportunity = draft_opportunity(project_in_do(boss), boss, criteria=())
    with pytest.raises(ValidationError, match="no weight"):
        services.criterion_add(opportunity=opportunity, actor=boss, kind="pass_fail", question="Insured?", weight=D(5))
    with pytest.raises(ValidationError, match="scale 0 to 5"):
        services.criterion_add(opportunity=opportunity, actor=boss, kind="quality", question="Q", weight=D(5), gate_min=6)
    assert not opportunity.criteria.exists()


def test_published_opportunity_cannot_be_edited():
    boss = officer()
    opportunity = published_opportunity(boss)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.opportunity_update(opportunity=opportunity, actor=boss, price_weight=D(50))


def test_late_bid_is_refused_and_changes_nothing():
    opportunity = published_opportunity()
    user, organisation = bidder()
    late = after_deadline(opportunity)
    with pytest.raises(ValidationError) as error:
        services.bid_start(opportunity=opportunity, lot=opportunity.lots.first(), organisation=organisation, actor=user, now=late)
    assert "Late bids cannot be accepted." in error.value.messages[0]
    assert not Bid.objects.exists()


def test_a_bid_finished_after_the_deadline_is_not_submitted():
    opportunity = published_opportunity()
    user, organisation = bidder()
    bid = services.bid_start(opportunity=opportunity, lot=opportunity.lots.first(), organisation=organisation, actor=user)
    answers = {c.pk: "answer" for c in opportunity.criteria.all()}
    services.bid_save(bid=bid, actor=user, price_pence=100, charges_vat=False, social_value_commitment="",
                      local_jobs_fte=None, answers=answers)
    with pytest.raises(ValidationError, match="Late bids cannot be accepted"):
        services.bid_submit(bid=bid, actor=user, now=after_deadline(opportunity))
    bid.refresh_from_db()
    assert bid.status == "draft" and bid.submitted_at is None


def test_incomplete_bid_lists_what_is_missing():
    opportunity = published_opportunity()
    user, organisation = bidder()
    bid = services.bid_start(opportunity=opportunity, lot=opportunity.lots.first(), organisation=organisation, actor=user)
    with pytest.raises(ValidationError) as error:
        services.bid_submit(bid=bid, actor=user)
    assert error.value.messages[:2] == ["Enter your price.", "Answer question Q1."]
    bid.refresh_from_db()
    assert bid.status == "draft"


def test_only_vat_registered_organisations_add_vat():
    opportunity = published_opportunity()
    user, organisation = bidder(vat_status=VatStatus.EXEMPT)
    with pytest.raises(ValidationError, match="Only a VAT-registered organisation can add VAT"):
        submit_bid(opportunity, user=user, organisation=organisation, price_pounds=1000, charges_vat=True)


def test_members_who_do_not_write_bids_cannot_bid():
    opportunity = published_opportunity()
    user, organisation = bidder(role=Membership.MemberRole.MEMBER)
    with pytest.raises(ValidationError, match="Only the owner or a bid writer"):
        services.bid_start(opportunity=opportunity, lot=opportunity.lots.first(), organisation=organisation, actor=user)


def test_reserved_contract_accepts_only_public_service_mutuals():
    boss = officer()
    opportunity = published_opportunity(boss, service_type="light-touch-reservable", value_pence=72_000_000,
                                        term_months=36, route="reserved-mutual", option="reserved")
    assert opportunity.reserved_for_mutuals and opportunity.regime == "light-touch"
    user, charity = bidder(legal_form=LegalForm.CHARITY)
    with pytest.raises(ValidationError, match="reserved for public service mutuals"):
        services.bid_start(opportunity=opportunity, lot=opportunity.lots.first(), organisation=charity, actor=user)
    user, mutual = bidder(legal_form=LegalForm.PUBLIC_SERVICE_MUTUAL)
    assert submit_bid(opportunity, user=user, organisation=mutual, price_pounds=600_000).status == "submitted"


def test_withdraw_and_resubmit_before_the_deadline():
    opportunity = published_opportunity()
    user, organisation = bidder()
    bid = submit_bid(opportunity, user=user, organisation=organisation, price_pounds=1000)
    services.bid_withdraw(bid=bid, actor=user)
    bid.refresh_from_db()
    assert bid.status == "draft"
    services.bid_submit(bid=bid, actor=user)
    bid.refresh_from_db()
    assert list(bid.history.values_list("to_status", flat=True)) == ["submitted", "draft", "submitted"]


def test_submitted_bid_audit_entry_carries_no_price():
    opportunity = published_opportunity()
    user, organisation = bidder()
    submit_bid(opportunity, user=user, organisation=organisation, price_pounds=123_456)
    entry = AuditEntry.objects.get(action="commissioning.bid.submitted")
    assert not entry.public
    assert "123456" not in str(entry.data) + entry.summary and "123,456" not in entry.summary


def test_bids_are_sealed_even_from_officers_and_administrators_until_opened():
    boss = officer()
    admin = AdministratorFactory()
    opportunity = published_opportunity(boss)
    lot = opportunity.lots.first()
    user, organisation = bidder()
    submit_bid(opportunity, user=user, organisation=organisation, price_pounds=150_000)
    for person in (boss, admin):
        assert may_see_bids(user=person, lot=lot) is False
        with pytest.raises(PermissionDenied, match="sealed"):
            bid_list_for_lot(lot=lot, user=person)
    with pytest.raises(PermissionDenied):
        bidder_names_for_lot(lot=lot)
    assert Bid.objects.opened().count() == 0


def test_bids_cannot_be_opened_before_the_deadline():
    boss = officer()
    opportunity = published_opportunity(boss)
    with pytest.raises(ValidationError, match="before the deadline"):
        services.opportunity_open_bids(opportunity=opportunity, actor=boss)
    opportunity.refresh_from_db()
    assert opportunity.status == "published" and opportunity.opened_at is None


def test_opening_opens_submitted_bids_together_and_leaves_drafts_sealed():
    boss = officer()
    opportunity = published_opportunity(boss)
    lot = opportunity.lots.first()
    user, organisation = bidder(name="Submitted Ltd")
    submit_bid(opportunity, user=user, organisation=organisation, price_pounds=150_000)
    other, draft_org = bidder(name="Draft Ltd")
    services.bid_start(opportunity=opportunity, lot=lot, organisation=draft_org, actor=other)
    assert services.opportunity_open_bids(opportunity=opportunity, actor=boss, now=after_deadline(opportunity)) == 1
    opportunity = Opportunity.objects.get(pk=opportunity.pk)
    assert opportunity.status == "evaluation" and opportunity.opened_by == boss
    assert list(opportunity.history.values_list("to_status", flat=True)) == ["published", "closed", "evaluation"]
    assert [b.organisation.name for b in bid_list_for_lot(lot=lot, user=boss)] == ["Submitted Ltd"]
    assert Bid.objects.get(organisation=draft_org).status == BidStatus.DRAFT
    entry = AuditEntry.objects.get(action="commissioning.bids.opened")
    assert entry.public and entry.data == {"bids_per_lot": {"1": 1}}
