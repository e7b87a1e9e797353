"""Shared support services: requests, service levels in working days, fulfilment, usage."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from coproduce.audit.models import AuditEntry
from coproduce.commissioning.tests.builders import bidder, officer
from coproduce.support import selectors, services
from coproduce.support.models import SupportRequest
from coproduce.support.tests.builders import service

pytestmark = pytest.mark.django_db


def test_request_is_due_after_the_service_level_in_working_days():
    boss = officer()
    payroll = service(boss, response_working_days=3)
    user, organisation = bidder()
    # Requested Wed 23 Dec 2026: Thu 24 (1), Fri 25 Christmas, weekend, Mon 28 Boxing Day substitute,
    # Tue 29 (2), Wed 30 (3) → due Wednesday 30 December 2026
    row = services.support_request_create(service=payroll, organisation=organisation, actor=user, quantity=12,
                                          today=dt.date(2026, 12, 23))
    assert row.due_by == dt.date(2026, 12, 30)
    assert row.total_pence == 12 * 1500
    assert AuditEntry.objects.filter(action="support.request.made", public=True).count() == 1


def test_only_members_request_for_their_organisation_and_quantity_must_be_positive():
    boss = officer()
    payroll = service(boss)
    user, organisation = bidder()
    stranger, _other = bidder()
    with pytest.raises(ValidationError, match="organisation you belong to"):
        services.support_request_create(service=payroll, organisation=organisation, actor=stranger, quantity=1)
    with pytest.raises(ValidationError, match="at least 1"):
        services.support_request_create(service=payroll, organisation=organisation, actor=user, quantity=0)
    assert not SupportRequest.objects.exists()


def test_officer_moves_a_request_through_its_statuses_with_history():
    boss = officer()
    user, organisation = bidder()
    row = services.support_request_create(service=service(boss), organisation=organisation, actor=user, quantity=1)
    services.support_request_decide(request=row, actor=boss, to_status="accepted")
    services.support_request_decide(request=row, actor=boss, to_status="fulfilled", note="Live from 1 May")
    row.refresh_from_db()
    assert row.status == "fulfilled" and row.fulfilled_at is not None and row.handled_by == boss
    assert list(row.history.values_list("to_status", flat=True)) == ["accepted", "fulfilled"]
    with pytest.raises(ValidationError, match="cannot become"):
        services.support_request_decide(request=row, actor=boss, to_status="accepted")


def test_declining_needs_a_reason_and_changes_nothing_without_one():
    boss = officer()
    user, organisation = bidder()
    row = services.support_request_create(service=service(boss), organisation=organisation, actor=user, quantity=1)
    with pytest.raises(ValidationError) as error:
        services.support_request_decide(request=row, actor=boss, to_status="declined", note="")
    assert error.value.message_dict == {"note": ["Explain why the request is declined"]}
    row.refresh_from_db()
    assert row.status == "requested" and not row.history.exists()


def test_cancel_only_by_the_organisation_and_only_while_open():
    boss = officer()
    user, organisation = bidder()
    row = services.support_request_create(service=service(boss), organisation=organisation, actor=user, quantity=1)
    with pytest.raises(ValidationError, match="Only a member"):
        services.support_request_cancel(request=row, actor=boss)
    services.support_request_cancel(request=row, actor=user)
    row.refresh_from_db()
    assert row.status == "cancelled"
    with pytest.raises(ValidationError):
        services.support_request_cancel(request=row, actor=user)


def test_usage_per_organisation_counts_and_values_what_is_in_place():
    boss = officer()
    payroll = service(boss)
    dbs = service(boss, name="DBS checks", category="dbs", price_pence=4400, price_unit="check", response_working_days=5)
    user, organisation = bidder(name="Alpha")
    other_user, other = bidder(name="Beta")
    a = services.support_request_create(service=payroll, organisation=organisation, actor=user, quantity=10)
    b = services.support_request_create(service=dbs, organisation=organisation, actor=user, quantity=3)
    services.support_request_create(service=dbs, organisation=other, actor=other_user, quantity=1)
    for row in (a, b):
        services.support_request_decide(request=row, actor=boss, to_status="accepted")
    services.support_request_decide(request=a, actor=boss, to_status="fulfilled")
    rows = {r.organisation.name: r for r in selectors.usage_by_organisation()}
    # Alpha: payroll 10 × £15 in place = £150; DBS accepted, still open
    assert (rows["Alpha"].requests, rows["Alpha"].in_place, rows["Alpha"].open, rows["Alpha"].value_pence) == (2, 1, 1, 15_000)
    assert (rows["Beta"].requests, rows["Beta"].in_place, rows["Beta"].value_pence) == (1, 0, 0)


def test_inactive_services_cannot_be_requested():
    boss = officer()
    payroll = service(boss)
    payroll.is_active = False
    payroll.save()
    user, organisation = bidder()
    with pytest.raises(ValidationError, match="no longer offered"):
        services.support_request_create(service=payroll, organisation=organisation, actor=user, quantity=1)
