"""The pages end to end with a test client: volunteering, officers' pages, bad input, the published result."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from coproduce.accounts.testing import sign_in
from coproduce.accounts.tests.factories import OfficerFactory, ResidentFactory
from coproduce.panels.models import FeatureValue, Panel, PanelStatus, Volunteer

from ..conftest import QUOTAS
from ..factories import add_volunteers, balanced_pool, close, open_panel, set_quotas

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def test_volunteering_from_the_form(client):
    person = ResidentFactory()  # first, so that their ward exists when the panel copies the wards
    panel = open_panel(questions=("ward", "gender"))
    sign_in(client, person)
    url = reverse("panels:volunteer", kwargs={"slug": panel.slug})
    page = _text(client.get(url))
    assert f'value="{person.neighbourhood.ward.slug}" checked' in page  # filled in from the account
    assert "never published" in page

    response = client.post(url, {"ward": person.neighbourhood.ward.slug, "gender": "woman"})
    assert response.status_code == 200
    assert "Tick the box to agree to how we use your answers" in _text(response)
    assert not Volunteer.objects.exists()

    response = client.post(url, {"ward": person.neighbourhood.ward.slug, "gender": "woman", "consent": "on"},
                           follow=True)
    assert "Your volunteer number is 1." in _text(response)
    assert Volunteer.objects.get().answers == {"ward": person.neighbourhood.ward.slug, "gender": "woman"}


def test_volunteering_twice_shows_why_and_changes_nothing(client):
    panel = open_panel(questions=("gender",))
    person = ResidentFactory()
    add_volunteers(panel, [{"gender": "man"}], people=[person])
    sign_in(client, person)
    response = client.post(reverse("panels:volunteer", kwargs={"slug": panel.slug}),
                           {"gender": "woman", "consent": "on"})
    assert "You have already volunteered for this panel." in _text(response)
    assert list(Volunteer.objects.values_list("answers", flat=True)) == [{"gender": "man"}]


def test_volunteering_after_the_closing_date_shows_why_and_changes_nothing(client):
    panel = open_panel(questions=("gender",), closes_in_days=1)
    sign_in(client, ResidentFactory())
    with freeze_time(dt.datetime.combine(panel.closes_on + dt.timedelta(days=1), dt.time(10))):
        response = client.post(reverse("panels:volunteer", kwargs={"slug": panel.slug}),
                               {"gender": "woman", "consent": "on"})
    assert "Volunteering for this panel closed on" in _text(response)
    assert not Volunteer.objects.exists()


def test_opening_a_recruitment_with_a_closing_date_in_the_past_shows_the_error(client):
    sign_in(client, OfficerFactory())
    past = dt.date.today() - dt.timedelta(days=3)
    response = client.post(reverse("panels:panel_create"), {
        "title": "Youth panel", "purpose": "Advise the youth trust.", "size": "10",
        "closes_on-day": past.day, "closes_on-month": past.month, "closes_on-year": past.year,
        "ends_on-day": "1", "ends_on-month": "1", "ends_on-year": past.year + 2,
        "feature_keys": ["gender"], "algorithm": "leximin",
    })
    page = _text(response)
    assert "There is a problem" in page and "Closing date must be in the future" in page
    assert not Panel.objects.exists()


def test_opening_a_recruitment_then_setting_quotas(client):
    sign_in(client, OfficerFactory())
    soon = dt.date.today() + dt.timedelta(days=14)
    response = client.post(reverse("panels:panel_create"), {
        "title": "Youth panel", "purpose": "Advise the youth trust.", "size": "4",
        "closes_on-day": soon.day, "closes_on-month": soon.month, "closes_on-year": soon.year,
        "ends_on-day": "1", "ends_on-month": "1", "ends_on-year": soon.year + 1,
        "min_age": "11", "max_age": "25", "feature_keys": ["gender", "age-band"], "algorithm": "leximin",
        "one_per_household": "on",
    })
    panel = Panel.objects.get()
    assert response["Location"] == reverse("panels:panel_quotas", kwargs={"slug": panel.slug})
    assert (panel.size, panel.min_age, panel.max_age, panel.one_per_household) == (4, 11, 25, True)

    values = list(FeatureValue.objects.filter(feature__panel=panel).select_related("feature"))
    data = {"size": "4"}
    for value in values:
        data[f"min-{value.pk}"], data[f"max-{value.pk}"] = "0", "4"
    woman = next(v for v in values if v.key == "woman")
    data[f"min-{woman.pk}"], data[f"max-{woman.pk}"] = "3", "2"  # fewest above most
    response = client.post(reverse("panels:panel_quotas", kwargs={"slug": panel.slug}), data)
    assert "the fewest (3) is more than the most (2)" in _text(response)
    woman.refresh_from_db()
    assert (woman.quota_min, woman.quota_max) == (0, 4)

    data[f"min-{woman.pk}"], data[f"max-{woman.pk}"] = "1", "3"
    response = client.post(reverse("panels:panel_quotas", kwargs={"slug": panel.slug}), data)
    assert response.status_code == 302
    woman.refresh_from_db()
    assert (woman.quota_min, woman.quota_max) == (1, 3)


def test_running_the_draw_from_the_page(client, closed_panel, django_capture_on_commit_callbacks):
    sign_in(client, OfficerFactory())
    url = reverse("panels:panel_manage", kwargs={"slug": closed_panel.slug})
    assert "Run the selection" in _text(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "select"})
    assert response.status_code == 302
    page = _text(client.get(url))
    assert "0 accepted, 4 waiting to reply, 0 declined, 0 places empty." in page
    closed_panel.refresh_from_db()
    assert closed_panel.status == PanelStatus.SELECTED


def test_a_running_draw_shows_its_progress_and_a_refresh_link(client, closed_panel):
    Panel.objects.filter(pk=closed_panel.pk).update(selection_state="running", selection_progress=40,
                                                    selection_stage="Finding panels")
    sign_in(client, OfficerFactory())
    page = _text(client.get(reverse("panels:panel_manage", kwargs={"slug": closed_panel.slug})))
    assert '<progress max="100" value="40"' in page and "40% – Finding panels" in page
    assert "Refresh to see progress" in page and "Run the selection" not in page


def test_quotas_that_cannot_be_met_show_the_librarys_message_on_the_page(client, officer,
                                                                         django_capture_on_commit_callbacks):
    panel = open_panel(size=4, officer=officer)
    set_quotas(panel, QUOTAS)
    add_volunteers(panel, balanced_pool(1, 9))
    close(panel)
    sign_in(client, officer)
    url = reverse("panels:panel_manage", kwargs={"slug": panel.slug})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "select"})
    page = _text(client.get(url))
    panel.refresh_from_db()
    assert "No panel could be chosen" in page
    assert panel.selection_error and re.sub(r"\s+", " ", panel.selection_error) in page
    assert "Change the size or quotas" in page and "Run the selection" not in page
    assert panel.status == PanelStatus.CLOSED and not hasattr(panel, "selection")


def test_a_panel_larger_than_the_pool_shows_the_problem_and_changes_nothing(client, officer):
    panel = open_panel(size=4, officer=officer)
    set_quotas(panel, QUOTAS)
    add_volunteers(panel, balanced_pool(2, 1))
    close(panel)
    sign_in(client, officer)
    response = client.post(reverse("panels:panel_manage", kwargs={"slug": panel.slug}), {"action": "select"})
    page = _text(response)
    assert "The panel has 4 places but only 3 people volunteered." in page
    panel.refresh_from_db()
    assert panel.selection_state == "" and panel.status == PanelStatus.CLOSED


def test_closing_from_the_page_before_the_date_is_refused(client, officer):
    panel = open_panel()
    sign_in(client, officer)
    response = client.post(reverse("panels:panel_manage", kwargs={"slug": panel.slug}), {"action": "close"})
    assert "You can close it after that." in _text(response)
    panel.refresh_from_db()
    assert panel.status == PanelStatus.RECRUITING


def test_the_result_page_publishes_method_seed_chances_and_quotas_without_names(client, chosen_panel):
    outcome = chosen_panel.selection
    page = _text(client.get(reverse("panels:result", kwargs={"slug": chosen_panel.slug})))
    assert "LEXIMIN (Flanigan, Gölz, Gupta, Hennig and Procaccia, Nature, 2021)." in page
    assert outcome.seed in page and outcome.seed_sha256 in page and outcome.inputs_sha256 in page
    assert "Matches the commitment" in page
    table = page[page.index('data-testid="chances-table"'):]
    assert table.count('<tr class="govuk-table__row">') == 1 + 10  # header + one per volunteer
    for _number, chance in outcome.probabilities:
        assert f"{chance * 100:.2f}%" in table
    assert '<svg viewBox="0 0 640 260" width="100%" role="img" aria-labelledby="chart-title chart-desc"' in page
    assert page.count("<rect ") == 10
    assert "Woman or girl" in page and "If someone chosen says no" in page
    for volunteer in chosen_panel.volunteers.select_related("user"):
        assert volunteer.user.full_name not in page and volunteer.user.email not in page


def test_the_lottery_file_lets_anyone_recheck_the_draw(client, chosen_panel):
    document = json.loads(client.get(reverse("panels:lottery_json", kwargs={"slug": chosen_panel.slug})).content)
    outcome = chosen_panel.selection
    assert document["seed"] == outcome.seed and document["panel"] == outcome.drawn
    assert document["reserve"] == outcome.reserve and len(document["probabilities"]) == 10
    assert sum(row["probability"] for row in document["distribution"]) == pytest.approx(1, abs=1e-6)


def test_the_panel_page_shows_a_volunteer_their_number_and_an_invited_person_their_place(client, chosen_panel):
    invited = chosen_panel.invitations.select_related("volunteer__user").first().volunteer
    sign_in(client, invited.user)
    page = _text(client.get(reverse("panels:panel_detail", kwargs={"slug": chosen_panel.slug})))
    assert "You have been chosen for a place on this panel." in page
    response = client.post(reverse("panels:invitation", kwargs={"slug": chosen_panel.slug}), {"answer": "accept"},
                           follow=True)
    assert "You have accepted your place on the panel." in _text(response)


def test_the_result_page_404s_before_the_draw(client, closed_panel):
    assert client.get(reverse("panels:result", kwargs={"slug": closed_panel.slug})).status_code == 404
    page = _text(client.get(reverse("panels:panel_detail", kwargs={"slug": closed_panel.slug})))
    assert closed_panel.seed_sha256 in page and closed_panel.seed not in page


def test_the_list_page_uses_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for n in range(6):
        panel = open_panel(title=f"Panel {n}")
        add_volunteers(panel, balanced_pool(1, 1))
    with django_assert_max_num_queries(4):
        response = client.get(reverse("panels:panel_list"))
    assert _text(response).count("Panel ") >= 6


def test_the_recipe_on_the_result_page_reproduces_the_draw_from_the_published_file(client, chosen_panel):
    import random

    document = json.loads(client.get(reverse("panels:lottery_json", kwargs={"slug": chosen_panel.slug})).content)
    page = _text(client.get(reverse("panels:result", kwargs={"slug": chosen_panel.slug})))
    assert "random.Random(int(lottery[\"seed\"], 16)).random()" in page
    number, end, found = random.Random(int(document["seed"], 16)).random(), 0.0, None
    for row in document["distribution"]:
        end += row["probability"]
        if number < end:
            found = row["panel"]
            break
    assert found == document["panel"] == chosen_panel.selection.drawn
