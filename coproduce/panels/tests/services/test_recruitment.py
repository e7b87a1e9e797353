"""Opening a recruitment, setting quotas, volunteering and withdrawing; bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from coproduce.accounts.tests.factories import (
    OfficerFactory,
    PendingResidentFactory,
    ResidentFactory,
    YoungMemberFactory,
)
from coproduce.audit.models import AuditEntry
from coproduce.panels import services
from coproduce.panels.models import Feature, FeatureValue, Panel, PanelStatus, Volunteer
from coproduce.places.tests.factories import WardFactory
from coproduce.trusts.tests.factories import TrustFactory

from ..factories import add_volunteers, close, open_panel, quota_ids, set_quotas, today

pytestmark = pytest.mark.django_db


def test_opening_copies_the_questions_with_open_quotas_and_is_published():
    WardFactory(name="Ashgrove", slug="ashgrove")
    WardFactory(name="Bridgefield", slug="bridgefield")
    trust = TrustFactory()
    panel = open_panel(size=12, questions=("ward", "gender", "age-band"), min_age=11, max_age=25, attached_to=trust)
    assert panel.status == PanelStatus.RECRUITING and panel.trust == trust and panel.attached_to == trust
    assert [f.key for f in panel.features.all()] == ["age-band", "gender", "ward"]  # catalogue order
    ages = [v.key for v in FeatureValue.objects.filter(feature__panel=panel, feature__key="age-band")]
    assert ages == ["11-15", "16-18", "19-21", "22-25"]
    wards = [v.key for v in FeatureValue.objects.filter(feature__panel=panel, feature__key="ward")]
    assert wards == ["ashgrove", "bridgefield"]
    assert set(FeatureValue.objects.filter(feature__panel=panel).values_list("quota_min", "quota_max")) == {(0, 12)}
    entry = AuditEntry.objects.get(action="panels.panel.opened")
    assert entry.public and entry.data["size"] == 12


def test_a_closing_date_in_the_past_is_refused_and_nothing_is_created():
    with pytest.raises(ValidationError) as caught:
        services.panel_create(user=OfficerFactory(), title="Late", purpose="p", size=5,
                              closes_on=today() - dt.timedelta(days=1), ends_on=today() + dt.timedelta(days=30),
                              feature_keys=["gender"])
    assert "closing date must be in the future" in str(caught.value.message_dict["closes_on"])
    assert not Panel.objects.exists() and not Feature.objects.exists() and not AuditEntry.objects.exists()


def test_no_questions_or_unknown_questions_are_refused():
    for keys in ([], ["gender", "shoe-size"]):
        with pytest.raises(ValidationError) as caught:
            services.panel_create(user=OfficerFactory(), title="T", purpose="p", size=5,
                                  closes_on=today() + dt.timedelta(days=3), ends_on=today() + dt.timedelta(days=30),
                                  feature_keys=keys)
        assert "feature_keys" in caught.value.message_dict
    assert not Panel.objects.exists()


@pytest.mark.parametrize(("quotas", "size", "message"), [
    ({"gender": {"woman": (3, 2), "man": (0, 4), "another": (0, 4), "prefer-not-to-say": (0, 4)}}, 4,
     "the fewest (3) is more than the most (2)"),
    ({"gender": {"woman": (3, 4), "man": (3, 4)}}, 4, "the fewest people add up to 6, more than the 4 places"),
    ({"gender": {"woman": (0, 1), "man": (0, 1)}}, 4, "the most people add up to 2, fewer than the 4 places"),
    ({"gender": {"woman": (5, 5), "man": (0, 5)}}, 4, "the fewest (5) is more than the 4 places"),
])
def test_quotas_that_can_never_be_met_are_refused_and_nothing_changes(quotas, size, message):
    panel = open_panel(size=4, questions=("gender",))
    before = list(FeatureValue.objects.filter(feature__panel=panel).values_list("quota_min", "quota_max"))
    with pytest.raises(ValidationError) as caught:
        set_quotas(panel, quotas, size=size)
    assert any(message in m for m in caught.value.messages), caught.value.messages
    assert list(FeatureValue.objects.filter(feature__panel=panel).values_list("quota_min", "quota_max")) == before
    assert not AuditEntry.objects.filter(action="panels.quotas.changed").exists()


def test_quotas_and_size_are_saved_and_published():
    panel = open_panel(size=4, questions=("gender",))
    set_quotas(panel, {"gender": {"woman": (1, 3), "man": (1, 3), "another": (0, 1), "prefer-not-to-say": (0, 1)}},
               size=5)
    panel.refresh_from_db()
    assert panel.size == 5
    woman = FeatureValue.objects.get(feature__panel=panel, key="woman")
    assert (woman.quota_min, woman.quota_max) == (1, 3)
    entry = AuditEntry.objects.get(action="panels.quotas.changed")
    assert entry.public and entry.data["size"] == [4, 5] and "gender/woman: 0–4 → 1–3" in entry.data["changed"]


def test_volunteering_records_answers_number_and_a_household_key_but_audits_no_answers():
    panel = open_panel(questions=("gender", "disability"))
    first, second = ResidentFactory(), ResidentFactory()
    v1 = services.volunteer_register(panel=panel, user=first, answers={"gender": "woman", "disability": "no"},
                                     consent=True)
    v2 = services.volunteer_register(panel=panel, user=second, answers={"gender": "man", "disability": "yes"},
                                     consent=True)
    assert (v1.number, v2.number) == (1, 2)
    assert v1.answers == {"gender": "woman", "disability": "no"}
    assert len(v1.household_key) == 64 and v1.household_key != v2.household_key
    entries = AuditEntry.objects.filter(action="panels.volunteer.joined")
    assert entries.count() == 2 and not any(e.public for e in entries)
    assert all("woman" not in str(e.data) and "man" not in str(e.data) for e in entries)


def test_volunteering_twice_is_refused_and_changes_nothing():
    panel = open_panel(questions=("gender",))
    person = ResidentFactory()
    services.volunteer_register(panel=panel, user=person, answers={"gender": "woman"}, consent=True)
    with pytest.raises(services.PanelError, match="already volunteered"):
        services.volunteer_register(panel=panel, user=person, answers={"gender": "man"}, consent=True)
    assert list(Volunteer.objects.values_list("number", "answers")) == [(1, {"gender": "woman"})]


def test_volunteering_after_the_closing_date_is_refused():
    panel = open_panel(questions=("gender",), closes_in_days=2)
    person = ResidentFactory()
    with pytest.raises(services.PanelError, match="closed on"):
        services.volunteer_register(panel=panel, user=person, answers={"gender": "woman"}, consent=True,
                                    today=panel.closes_on + dt.timedelta(days=1))
    # …and once an officer has closed it, whatever the date
    close(panel)
    with pytest.raises(services.PanelError, match="closed on"):
        services.volunteer_register(panel=panel, user=person, answers={"gender": "woman"}, consent=True,
                                    today=panel.closes_on)
    assert not Volunteer.objects.exists()


def test_volunteering_on_the_closing_date_itself_is_allowed():
    panel = open_panel(questions=("gender",), closes_in_days=2)
    volunteer = services.volunteer_register(panel=panel, user=ResidentFactory(), answers={"gender": "man"},
                                            consent=True, today=panel.closes_on)
    assert volunteer.number == 1


def test_volunteering_without_consent_is_refused_and_stores_nothing():
    panel = open_panel(questions=("gender",))
    with pytest.raises(ValidationError) as caught:
        services.volunteer_register(panel=panel, user=ResidentFactory(), answers={"gender": "woman"}, consent=False)
    assert caught.value.message_dict["consent"] == ["Tick the box to agree to how we use your answers"]
    assert not Volunteer.objects.exists() and not AuditEntry.objects.filter(action__startswith="panels.volunteer").exists()


def test_missing_or_made_up_answers_are_refused():
    panel = open_panel(questions=("gender", "disability"))
    with pytest.raises(ValidationError) as caught:
        services.volunteer_register(panel=panel, user=ResidentFactory(), answers={"gender": "robot"}, consent=True)
    assert set(caught.value.message_dict) == {"gender", "disability"}
    assert not Volunteer.objects.exists()


def test_unverified_residents_and_people_outside_the_age_range_cannot_volunteer():
    panel = open_panel(questions=("gender",), min_age=11, max_age=25)
    with pytest.raises(services.PanelError, match="address has been checked"):
        services.volunteer_register(panel=panel, user=PendingResidentFactory(), answers={"gender": "man"}, consent=True)
    with pytest.raises(services.PanelError, match="aged 11 to 25"):
        services.volunteer_register(panel=panel, user=ResidentFactory(), answers={"gender": "man"}, consent=True)
    assert services.volunteer_register(panel=panel, user=YoungMemberFactory(), answers={"gender": "man"},
                                       consent=True).number == 1


def test_suggested_answers_come_from_the_account():
    panel = open_panel(questions=("ward", "age-band"), min_age=11, max_age=25)
    young = YoungMemberFactory()  # 17
    assert services.suggested_answers(panel=panel, user=young) == {
        "ward": young.neighbourhood.ward.slug, "age-band": "16-18"}


def test_withdrawing_erases_the_answers_at_once_and_allows_volunteering_again():
    panel = open_panel(questions=("gender",))
    person = ResidentFactory()
    volunteer = add_volunteers(panel, [{"gender": "woman"}], people=[person])[0]
    services.volunteer_withdraw(volunteer=volunteer, user=person)
    volunteer.refresh_from_db()
    assert volunteer.withdrawn_at and volunteer.answers == {} and volunteer.household_key == ""
    assert panel.volunteers.in_pool().count() == 0
    again = services.volunteer_register(panel=panel, user=person, answers={"gender": "woman"}, consent=True)
    assert again.number == 2


def test_withdrawing_after_closing_is_refused():
    panel = open_panel(questions=("gender",))
    person = ResidentFactory()
    volunteer = add_volunteers(panel, [{"gender": "woman"}], people=[person])[0]
    close(panel)
    with pytest.raises(services.PanelError, match="pool is fixed"):
        services.volunteer_withdraw(volunteer=volunteer, user=person)
    volunteer.refresh_from_db()
    assert volunteer.withdrawn_at is None and volunteer.answers == {"gender": "woman"}


def test_quota_ids_names_unlisted_answers_zero():
    panel = open_panel(questions=("gender",))
    ids = quota_ids(panel, {"gender": {"woman": (1, 2)}})
    assert sorted(ids.values()) == [(0, 0), (0, 0), (0, 0), (1, 2)]


def test_recruiting_queryset_uses_the_local_date():
    panel = open_panel(closes_in_days=1)
    with freeze_time(dt.datetime.combine(panel.closes_on + dt.timedelta(days=1), dt.time(12))):
        assert not Panel.objects.recruiting().exists()
    assert Panel.objects.recruiting().get() == panel
