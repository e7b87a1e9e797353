"""The demo borough's panels: a youth panel drawn by the real library, and an open recruitment."""

import pytest

from coproduce.core.demo import demo_seed

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_panels(client):
    from django.urls import reverse

    from coproduce.accounts.models import User
    from coproduce.panels import selection, services
    from coproduce.panels.models import Panel, PanelStatus

    lines: list[str] = []
    demo_seed(log=lines.append)
    assert any("youth panel: 30 of" in line for line in lines), lines

    youth = Panel.objects.get(title="Youth Services Panel 2026")
    assert youth.status == PanelStatus.SELECTED and (youth.min_age, youth.max_age) == (11, 25)
    outcome = youth.selection
    assert outcome.algorithm == "leximin" and outcome.panel_size == 30 and 250 <= outcome.pool_size <= 300
    assert [f.key for f in youth.features.all()] == ["age-band", "gender", "ward", "disability", "ethnicity"]
    assert all(row["min"] <= row["chosen"] <= row["max"] for row in outcome.quota_fulfilment)
    assert sum(p for _n, p in outcome.probabilities) == pytest.approx(30, abs=1e-4)
    # Everyone has a chance, and the lowest is well above what a quota-blind greedy would give.
    assert 0 < outcome.min_probability <= 30 / outcome.pool_size
    # Anyone holding the seed and the pool gets the same panel and reserve list again.
    again = selection.draw(pool=services.pool_entries(youth), quotas=services.quota_rows(youth), size=30,
                           algorithm="leximin", one_per_household=youth.one_per_household, seed=outcome.seed)
    assert again.drawn == outcome.drawn and again.reserve == outcome.reserve
    statuses = list(youth.invitations.values_list("status", flat=True))
    assert statuses.count("declined") == 2 and statuses.count("invited") >= 3
    assert youth.invitations.filter(replaces__isnull=False).count() == 2
    assert youth.invitations.holding_a_place().count() == 30
    young = User.objects.get(email="young@demo.coproduce.org.uk")
    assert youth.volunteers.filter(user=young).exists()

    review = Panel.objects.get(title="Community fund review panel")
    assert review.is_open_for_volunteers() and review.budget_process is not None
    assert 30 <= review.volunteers.count() <= 41
    resident = User.objects.get(email="resident@demo.coproduce.org.uk")
    assert services.volunteer_problem(panel=review, user=resident) == ""

    for panel in (youth, review):
        assert client.get(reverse("panels:panel_detail", kwargs={"slug": panel.slug})).status_code == 200
    assert client.get(reverse("panels:result", kwargs={"slug": youth.slug})).status_code == 200
