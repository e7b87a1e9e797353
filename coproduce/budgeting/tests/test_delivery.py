"""Delivery tracking: status, progress and milestones of funded projects, rolled up to the process."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coproduce.accounts.testing import sign_in
from coproduce.audit.models import AuditEntry
from coproduce.budgeting import selectors, services
from coproduce.budgeting.models import DeliveryStatus

from .factories import make_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivering(db):
    process = make_process(phase="delivery", costs=(30_000_00, 10_000_00, 20_000_00))
    process.projects.filter(pb_id__in=["1", "2"]).update(funded=True)
    return process


def test_progress_rolls_up_weighted_by_cost(delivering, officer):
    one, two = delivering.projects.get(pb_id="1"), delivering.projects.get(pb_id="2")
    services.delivery_update(project=one, user=officer, status=DeliveryStatus.IN_PROGRESS, progress=50, note="Started")
    services.delivery_update(project=two, user=officer, status=DeliveryStatus.COMPLETED, progress=100)
    rollup = selectors.delivery_rollup(delivering)
    assert rollup["progress"] == round((30_000 * 50 + 10_000 * 100) / 40_000)  # 63
    assert rollup["completed"] == 1 and len(rollup["projects"]) == 2
    assert one.delivery_updates.count() == 1
    assert AuditEntry.objects.filter(action="budgeting.delivery.updated", public=True).count() == 2


def test_bad_delivery_updates_change_nothing(delivering, officer):
    one = delivering.projects.get(pb_id="1")
    unfunded = delivering.projects.get(pb_id="3")
    with pytest.raises(ValidationError, match="100 per cent"):
        services.delivery_update(project=one, user=officer, status=DeliveryStatus.COMPLETED, progress=90)
    with pytest.raises(ValidationError, match="Only funded projects"):
        services.delivery_update(project=unfunded, user=officer, status=DeliveryStatus.IN_PROGRESS, progress=10)
    with pytest.raises(ValidationError, match="between 0 and 100"):
        services.delivery_update(project=one, user=officer, status=DeliveryStatus.IN_PROGRESS, progress=101)
    one.refresh_from_db()
    assert (one.delivery_status, one.progress, one.delivery_updates.count()) == (DeliveryStatus.NOT_STARTED, 0, 0)


def test_delivery_cannot_be_updated_before_the_delivery_phase(officer):
    process = make_process(phase="results")
    process.projects.filter(pb_id="1").update(funded=True)
    with pytest.raises(services.PhaseClosed):
        services.delivery_update(project=process.projects.get(pb_id="1"), user=officer,
                                 status=DeliveryStatus.IN_PROGRESS, progress=10)


def test_milestones_need_evidence_when_done(delivering, officer):
    one = delivering.projects.get(pb_id="1")
    with pytest.raises(ValidationError, match="what shows the milestone was done"):
        services.milestone_record(project=one, user=officer, title="Built", due_on=dt.date(2027, 1, 1),
                                  done_on=dt.date(2027, 1, 2))
    services.milestone_record(project=one, user=officer, title="Built", due_on=dt.date(2027, 1, 1),
                              done_on=dt.date(2027, 1, 2), evidence="Photo of the finished gym")
    services.milestone_record(project=one, user=officer, title="Opened", due_on=dt.date(2027, 2, 1))
    rollup = selectors.delivery_rollup(delivering)
    assert (rollup["milestones_done"], rollup["milestones"]) == (1, 2)


def test_delivery_pages(client, delivering, officer):
    one = delivering.projects.get(pb_id="1")
    services.milestone_record(project=one, user=officer, title="Design agreed", due_on=dt.date(2027, 1, 1))
    page = client.get(reverse("budgeting:delivery", kwargs={"slug": delivering.slug}))
    assert page.status_code == 200 and "Design agreed" in page.content.decode()
    sign_in(client, officer)
    url = reverse("budgeting:delivery_update", kwargs={"slug": delivering.slug, "pb_id": "1"})
    bad = client.post(url, {"status": "completed", "progress": "80"})
    assert "A completed project is 100 per cent delivered" in bad.content.decode()
    assert client.post(url, {"status": "in_progress", "progress": "40", "note": "Ground works"}).status_code == 302
    one.refresh_from_db()
    assert one.progress == 40
    url = reverse("budgeting:milestone_create", kwargs={"slug": delivering.slug, "pb_id": "1"})
    bad = client.post(url, {"title": "Fence", "due_on-day": "31", "due_on-month": "2", "due_on-year": "2027"})
    assert "must be a real date" in bad.content.decode()
    ok = client.post(url, {"title": "Fence", "due_on-day": "1", "due_on-month": "3", "due_on-year": "2027"})
    assert ok.status_code == 302 and one.milestones.filter(title="Fence").exists()
