import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.coproduction import services
from coproduce.coproduction.models import (
    Action,
    Attendance,
    Collaborative,
    Idea,
    Meeting,
    Participant,
    Registration,
)
from coproduce.coproduction.tests.helpers import (
    collaborative,
    meeting,
    organiser_of,
    participant,
    resident,
    sign_in,
)
from coproduce.needs.tests.people import need, officer
from coproduce.timebank.models import Account

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _messages(response) -> list[str]:
    body = response.content.decode()
    banners = re.findall(r'<(?:p|h3) class="govuk-notification-banner__heading">\s*(.*?)\s*</(?:p|h3)>', body, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", b)).strip() for b in banners]


def _date_fields(prefix, day):
    return {f"{prefix}-day": day.day, f"{prefix}-month": day.month, f"{prefix}-year": day.year}


# --- collaboratives ------------------------------------------------------------------------------

def test_an_officer_sets_up_a_collaborative(client):
    sign_in(client, officer())
    response = client.post(reverse("coproduction:collaborative_create"), {
        "name": "Youth Services Collaborative", "summary": "Young people and youth workers plan youth services.",
    }, follow=True)
    collab = Collaborative.objects.get()
    assert response.redirect_chain[-1][0] == collab.get_absolute_url()
    assert "Schedule a meeting" in _text(response)


def test_setting_up_without_a_name_changes_nothing(client):
    sign_in(client, officer())
    response = client.post(reverse("coproduction:collaborative_create"), {"name": "", "summary": ""})
    assert "Enter a name" in _text(response) and "Enter a summary" in _text(response)
    assert not Collaborative.objects.exists()


def test_joining_then_joining_again(client):
    collab = collaborative()
    person = resident()
    sign_in(client, person)
    url = reverse("coproduction:join", kwargs={"slug": collab.slug})
    response = client.post(url, {"participant_type": "carer"}, follow=True)
    assert f"You now take part in {collab.name}." in _messages(response)
    assert "You take part as: carer." in _text(response)
    again = client.post(url, {"participant_type": "service_user"})
    assert again.status_code == 200 and "You already take part in this collaborative." in _text(again)
    assert Participant.objects.get(collaborative=collab, person=person).participant_type == "carer"


def test_joining_without_choosing_a_type(client):
    collab = collaborative()
    sign_in(client, resident())
    response = client.post(reverse("coproduction:join", kwargs={"slug": collab.slug}), {"participant_type": "commissioner"})
    assert "Select how you take part" in _text(response)
    assert collab.participants.count() == 1


def test_leaving_from_the_page(client):
    collab = collaborative()
    person = participant(collab)
    sign_in(client, person)
    response = client.post(reverse("coproduction:join", kwargs={"slug": collab.slug}), {"leave": "1"}, follow=True)
    assert "You have left this collaborative." in _messages(response)
    assert not Participant.objects.active().filter(person=person).exists()


def test_the_public_page_counts_people_but_never_names_them(client):
    collab = collaborative()
    participant(collab, who=resident(full_name="Deepak Private"))
    body = _text(client.get(collab.get_absolute_url()))
    assert "Person who uses services" in body and "Deepak Private" not in body
    sign_in(client, organiser_of(collab))
    assert "Deepak Private" in _text(client.get(reverse("coproduction:participants", kwargs={"slug": collab.slug})))


def test_an_organiser_adds_a_practitioner_by_email(client):
    collab = collaborative()
    nurse = officer(email="nurse@example.org")
    sign_in(client, organiser_of(collab))
    url = reverse("coproduction:participants", kwargs={"slug": collab.slug})
    response = client.post(url, {"email": "NURSE@example.org", "participant_type": "practitioner"}, follow=True)
    assert Participant.objects.get(person=nurse).participant_type == "practitioner"
    assert any("participation is recorded" in m for m in _messages(response))
    unknown = client.post(url, {"email": "nobody@example.org", "participant_type": "practitioner"})
    assert "There is no account with that email address" in _text(unknown)


# --- scheduling ------------------------------------------------------------------------------------

def _meeting_data(**overrides):
    day = timezone.localdate() + dt.timedelta(days=10)
    data = {"title": "March breakfast", **_date_fields("date", day), "start_time": "8:30", "end_time": "10:00",
            "venue": "Town hall, room 2", "online_url": "", "accessibility": "Step-free; hearing loop",
            "agenda": "Welcome", "capacity": "30"}
    data.update(overrides)
    return data


def test_an_organiser_schedules_a_meeting(client):
    collab = collaborative()
    sign_in(client, organiser_of(collab))
    response = client.post(reverse("coproduction:meeting_create", kwargs={"slug": collab.slug}), _meeting_data(), follow=True)
    m = Meeting.objects.get()
    assert response.redirect_chain[-1][0] == m.get_absolute_url()
    local = timezone.localtime(m.starts_at)
    assert (local.hour, local.minute, m.duration_hours) == (8, 30, 1.5)
    assert "Step-free; hearing loop" in _text(response)


@pytest.mark.parametrize(("overrides", "message"), [
    (_date_fields("date", dt.date(2020, 3, 3)), "The meeting must start in the future"),
    ({"date-month": ""}, "Date must include a month"),
    ({"start_time": "half eight"}, "Start time must be a time, like 9:30 or 14:00"),
    ({"end_time": "25:00"}, "End time must be a real time"),
    ({"end_time": "8:00"}, "End time must be after the start time"),
    ({"venue": "", "online_url": ""}, "Enter the address of the venue, an online link, or both"),
    ({"online_url": "not a link"}, "Enter a web address"),
    ({"accessibility": ""}, "Enter the accessibility information"),
    ({"capacity": "0"}, "Places must be 1 or more"),
    ({"capacity": "many"}, "Places must be a whole number"),
])
def test_bad_meetings_get_a_clear_message_and_nothing_is_saved(client, overrides, message):
    collab = collaborative()
    sign_in(client, organiser_of(collab))
    response = client.post(reverse("coproduction:meeting_create", kwargs={"slug": collab.slug}), _meeting_data(**overrides))
    assert response.status_code == 200
    assert message in _text(response) and "There is a problem" in _text(response)
    assert not Meeting.objects.exists()


def test_earlier_today_is_in_the_past(client):
    collab = collaborative()
    sign_in(client, organiser_of(collab))
    earlier = timezone.localtime() - dt.timedelta(hours=1)
    if earlier.date() != timezone.localdate():
        pytest.skip("just after midnight: an hour ago was yesterday")
    data = _meeting_data(**_date_fields("date", earlier.date()), start_time=earlier.strftime("%H:%M"),
                         end_time="23:59")
    response = client.post(reverse("coproduction:meeting_create", kwargs={"slug": collab.slug}), data)
    assert "The meeting must start in the future" in _text(response)
    assert not Meeting.objects.exists()


# --- registration ----------------------------------------------------------------------------------

def test_registering_with_access_needs_and_seeing_the_online_link(client):
    m = meeting(collaborative(), online_url="https://meet.example.org/living-well")
    person = resident(accessibility_needs="Large print papers.")
    sign_in(client, person)
    url = reverse("coproduction:meeting_register", kwargs={"pk": m.pk})
    assert "Large print papers." in _text(client.get(url))  # filled in from the account
    before = _text(client.get(m.get_absolute_url()))
    assert "https://meet.example.org/living-well" not in before
    response = client.post(url, {"access_needs": "Large print papers, and a seat near the door."}, follow=True)
    assert f"You are registered for {m.title}." in _messages(response)
    assert '<a class="govuk-link" href="https://meet.example.org/living-well">' in response.content.decode()
    assert Registration.objects.get().access_needs == "Large print papers, and a seat near the door."


def test_registering_twice_gets_a_message_and_changes_nothing(client):
    m = meeting(collaborative())
    sign_in(client, resident())
    url = reverse("coproduction:meeting_register", kwargs={"pk": m.pk})
    client.post(url, {"access_needs": "Quiet room"})
    response = client.post(url, {"access_needs": "Something else"})
    assert response.status_code == 200 and "You are already registered for this meeting." in _text(response)
    assert Registration.objects.get().access_needs == "Quiet room"


def test_a_full_meeting_gets_a_message_and_changes_nothing(client):
    m = meeting(collaborative(), capacity=1)
    services.meeting_register(meeting=m, person=resident())
    sign_in(client, resident())
    assert "This meeting is full." in _text(client.get(m.get_absolute_url()))
    response = client.post(reverse("coproduction:meeting_register", kwargs={"pk": m.pk}), {"access_needs": ""})
    assert "This meeting is full: all 1 places are taken." in _text(response)
    assert Registration.objects.count() == 1


def test_registering_after_the_start_gets_a_message(client):
    m = meeting(collaborative(), days=-0.01)
    sign_in(client, resident())
    response = client.post(reverse("coproduction:meeting_register", kwargs={"pk": m.pk}), {"access_needs": ""})
    assert "Registration has closed: this meeting has already started." in _text(response)
    assert not Registration.objects.exists()


def test_cancelling_a_place(client):
    m = meeting(collaborative())
    person = resident()
    services.meeting_register(meeting=m, person=person)
    sign_in(client, person)
    response = client.post(reverse("coproduction:meeting_register", kwargs={"pk": m.pk}), {"cancel": "1"}, follow=True)
    assert "Your place is cancelled." in _messages(response)
    assert Registration.objects.active().count() == 0


def test_organisers_see_access_needs_and_nobody_else_does(client):
    collab = collaborative()
    m = meeting(collab)
    services.meeting_register(meeting=m, person=resident(full_name="Ann Reg"), access_needs="BSL interpreter")
    assert "BSL interpreter" not in _text(client.get(m.get_absolute_url()))
    sign_in(client, organiser_of(collab))
    body = _text(client.get(reverse("coproduction:registrations", kwargs={"pk": m.pk})))
    assert "Ann Reg" in body and "BSL interpreter" in body


# --- after the meeting ---------------------------------------------------------------------------

def test_marking_attendance_pays_credits_and_unticking_corrects_it(client):
    collab = collaborative()
    m = meeting(collab, days=-1, hours=2)
    person = participant(collab, who=resident(full_name="Pat Present"))
    sign_in(client, organiser_of(collab))
    url = reverse("coproduction:attendance", kwargs={"pk": m.pk})
    page = _text(client.get(url))
    assert "Pat Present" in page and "paid 2 time credits" in page
    response = client.post(url, {"present": [str(person.pk)]}, follow=True)
    assert "Attendance saved: 1 marked and paid, 0 corrected." in _messages(response)
    assert Account.objects.get(user=person).balance == 200
    response = client.post(url, {}, follow=True)
    assert "Attendance saved: 0 marked and paid, 1 corrected." in _messages(response)
    assert Account.objects.get(user=person).balance == 0


def test_attendance_for_a_future_meeting_is_refused(client):
    collab = collaborative()
    m = meeting(collab)
    person = participant(collab)
    sign_in(client, organiser_of(collab))
    url = reverse("coproduction:attendance", kwargs={"pk": m.pk})
    assert "Attendance can be marked once the meeting has started." in _text(client.get(url))
    response = client.post(url, {"present": [str(person.pk)]})
    assert "Attendance can be marked once the meeting has started." in _text(response)
    assert not Attendance.objects.exists()


def test_attendance_for_someone_not_on_the_list_is_refused(client):
    collab = collaborative()
    m = meeting(collab, days=-1)
    stranger = resident()
    sign_in(client, organiser_of(collab))
    response = client.post(reverse("coproduction:attendance", kwargs={"pk": m.pk}), {"present": [str(stranger.pk)]})
    assert "Select people from the list" in _text(response)
    assert not Attendance.objects.exists()


def test_minutes_are_published_and_empty_minutes_refused(client):
    collab = collaborative()
    m = meeting(collab, days=-1)
    sign_in(client, organiser_of(collab))
    url = reverse("coproduction:minutes", kwargs={"pk": m.pk})
    assert "Enter the minutes" in _text(client.post(url, {"minutes": "  "}))
    response = client.post(url, {"minutes": "We agreed to visit a crisis café."}, follow=True)
    assert "Minutes published." in _messages(response)
    client.logout()
    assert "We agreed to visit a crisis café." in _text(client.get(m.get_absolute_url()))


def test_minutes_for_a_future_meeting_are_refused(client):
    collab = collaborative()
    m = meeting(collab)
    sign_in(client, organiser_of(collab))
    response = client.post(reverse("coproduction:minutes", kwargs={"pk": m.pk}), {"minutes": "Too early"})
    assert "Minutes can be recorded once the meeting has started." in _text(response)
    m.refresh_from_db()
    assert m.minutes == ""


def test_an_idea_linked_to_needs_by_number(client):
    collab = collaborative()
    m = meeting(collab, days=-1)
    crisis = need(title="Somewhere to go at night")
    sign_in(client, organiser_of(collab))
    url = reverse("coproduction:idea_add", kwargs={"pk": m.pk})
    response = client.post(url, {"title": "A crisis café", "needs": f"#{crisis.pk}"}, follow=True)
    assert "Idea recorded." in _messages(response)
    assert list(Idea.objects.get().needs.all()) == [crisis]
    assert "Somewhere to go at night" in _text(response)
    need_page = _text(client.get(crisis.get_absolute_url()))
    assert f"Need {crisis.pk}" in need_page
    assert "Taken up in co-production" in need_page and "Idea: A crisis café" in need_page


@pytest.mark.parametrize(("needs", "message"), [
    ("999999", "There is no need with the number 999999"),
    ("twelve", "Need numbers must be whole numbers"),
])
def test_unknown_needs_are_refused(client, needs, message):
    collab = collaborative()
    m = meeting(collab, days=-1)
    sign_in(client, organiser_of(collab))
    response = client.post(reverse("coproduction:idea_add", kwargs={"pk": m.pk}), {"title": "An idea", "needs": needs})
    assert message in _text(response)
    assert not Idea.objects.exists()


def test_an_action_is_recorded_and_stays_on_the_open_list_until_done(client):
    collab = collaborative()
    m = meeting(collab, days=-1)
    owner = participant(collab, who=resident(full_name="Olive Owner"))
    sign_in(client, organiser_of(collab))
    due = timezone.localdate() + dt.timedelta(days=20)
    response = client.post(reverse("coproduction:action_add", kwargs={"pk": m.pk}), {
        "title": "Ask the trust about a night café", "owner": str(owner.pk), **_date_fields("due_date", due),
    }, follow=True)
    assert any("stays on the open actions list" in m for m in _messages(response))
    action = Action.objects.get()
    client.logout()
    listing = _text(client.get(reverse("coproduction:action_list")))
    assert "Ask the trust about a night café" in listing and "Olive Owner" not in listing
    sign_in(client, owner)
    client.post(reverse("coproduction:action_update", kwargs={"pk": action.pk}), {"status": "done", "note": "Asked."})
    assert "Ask the trust about a night café" not in _text(client.get(reverse("coproduction:action_list")))


@pytest.mark.parametrize(("overrides", "message"), [
    ({"due_date-year": "2020"}, "Due date must be today or in the future"),
    ({"owner": ""}, "Select who will do it"),
    ({"owner": "999999"}, "Select someone from the list"),
    ({"title": ""}, "Enter what will be done"),
])
def test_bad_actions_get_a_clear_message_and_nothing_is_saved(client, overrides, message):
    collab = collaborative()
    m = meeting(collab, days=-1)
    owner = participant(collab)
    sign_in(client, organiser_of(collab))
    due = timezone.localdate() + dt.timedelta(days=20)
    data = {"title": "Do it", "owner": str(owner.pk), **_date_fields("due_date", due), **overrides}
    response = client.post(reverse("coproduction:action_add", kwargs={"pk": m.pk}), data)
    assert message in _text(response)
    assert not Action.objects.exists()


def test_a_bad_progress_update_changes_nothing(client):
    collab = collaborative()
    action = services.action_record(collaborative=collab, title="Do it", owner=organiser_of(collab),
                                    due_date=timezone.localdate(), actor=organiser_of(collab))
    sign_in(client, organiser_of(collab))
    response = client.post(reverse("coproduction:action_update", kwargs={"pk": action.pk}), {"status": "open"})
    assert "Select one of the options shown" in _text(response)
    action.refresh_from_db()
    assert action.status == "open" and not action.updates.exists()


def test_unknown_collaborative_filter_is_reported(client):
    response = client.get(reverse("coproduction:action_list"), {"collaborative": "nowhere"})
    assert response.status_code == 200 and "Choose a collaborative from the list" in _text(response)
