import random

import pytest
from django.utils import timezone

from coproduce.accounts import demo as accounts_demo
from coproduce.accounts.models import User
from coproduce.coproduction import demo
from coproduce.coproduction.models import (
    Action,
    Attendance,
    Collaborative,
    Meeting,
    Participant,
    Registration,
)
from coproduce.needs import demo as needs_demo
from coproduce.places import demo as places_demo
from coproduce.timebank.models import Account
from coproduce.timebank.selectors import ledger_check

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def borough():
    places_demo.seed(rng=random.Random(1), log=lambda _: None)
    accounts_demo.seed(rng=random.Random(2), log=lambda _: None)
    needs_demo.seed(rng=random.Random(3), log=lambda _: None)


def _snapshot():
    return [
        (m.collaborative.slug, m.title, m.starts_at, m.registrations.count(),
         m.attendances.count(), bool(m.minutes), m.ideas.count(), m.actions.count())
        for m in Meeting.objects.select_related("collaborative").order_by("collaborative__slug", "starts_at")
    ] + sorted(Action.objects.values_list("title", "status", "due_date", "owner_label"))


def test_demo_collaboratives_with_a_year_of_meetings(borough):
    lines = []
    demo.seed(rng=random.Random(4), log=lines.append)
    now = timezone.now()
    living_well = Collaborative.objects.get(slug="riverside-living-well-collaborative")
    past = living_well.meetings.filter(starts_at__lt=now)
    assert past.count() == 12 and living_well.meetings.filter(starts_at__gt=now).count() == 2
    assert all(m.minutes and m.attendances.exists() and m.ideas.exists() and m.actions.exists() for m in past)
    assert living_well.ideas.filter(needs__isnull=False).exists()
    # every attendance was paid through the timebank, and the ledger still balances
    paid = Attendance.objects.filter(credit_transaction__isnull=False).count()
    assert paid == Attendance.objects.count() > 100
    assert ledger_check().ok
    assert Account.objects.filter(user__meeting_attendances__isnull=False).distinct().count() > 10
    # the demo resident takes part, and has a place at the next meeting
    resident = User.objects.get(email="resident@demo.coproduce.org.uk")
    assert Participant.objects.filter(collaborative=living_well, person=resident).exists()
    next_meeting = living_well.meetings.filter(starts_at__gt=now).order_by("starts_at").first()
    assert Registration.objects.filter(meeting=next_meeting, person=resident).exists()
    # actions stay visible until done: some are still open
    assert Action.objects.not_done().exists() and Action.objects.filter(status="done").exists()
    youth = Collaborative.objects.get(slug="young-riverside-services-collaborative")
    assert youth.meetings.count() == 5
    assert len(lines) == 2

    first = _snapshot()
    Collaborative.objects.all().delete()
    demo.seed(rng=random.Random(4), log=lines.append)
    assert _snapshot() == first
