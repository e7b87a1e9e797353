"""Who may do what in commissioning, as django-rules predicates (objects: Bid, Lot, Opportunity)."""

from __future__ import annotations

import rules

from coproduce.accounts.predicates import is_evaluator, is_officer, is_provider_user  # noqa: F401 (re-exported)
from coproduce.organisations.models import Membership

BID_ROLES = (Membership.MemberRole.OWNER, Membership.MemberRole.BID_WRITER)


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def writes_bids_for_an_organisation(user) -> bool:
    """Owner or bid writer of at least one organisation in the register."""
    return _active(user) and Membership.objects.filter(user=user, role__in=BID_ROLES).exists()


@rules.predicate
def belongs_to_an_organisation(user) -> bool:
    return _active(user) and Membership.objects.filter(user=user).exists()


@rules.predicate
def writes_this_bid(user, bid) -> bool:
    return (
        _active(user) and bid is not None
        and Membership.objects.filter(user=user, organisation_id=bid.organisation_id, role__in=BID_ROLES).exists()
    )


@rules.predicate
def belongs_to_bidder(user, bid) -> bool:
    return _active(user) and bid is not None and Membership.objects.filter(user=user, organisation_id=bid.organisation_id).exists()


@rules.predicate
def sits_on_lot(user, lot) -> bool:
    """On the evaluation panel for this lot (whatever their declaration)."""
    from .models import PanelAssignment

    return _active(user) and lot is not None and PanelAssignment.objects.filter(lot=lot, member__user=user).exists()


@rules.predicate
def moderates_lot(user, lot) -> bool:
    from .models import PanelAssignment

    return (
        _active(user) and lot is not None
        and PanelAssignment.objects.filter(lot=lot, member__user=user, member__is_moderator=True)
        .exclude(declaration=PanelAssignment.Declaration.CONFLICT).exists()
    )


@rules.predicate
def has_evaluation_seats(user) -> bool:
    from .models import PanelAssignment

    return _active(user) and PanelAssignment.objects.filter(member__user=user).exists()
