import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.audit.models import AuditEntry
from coproduce.needs.models import Need, NeedResponse, OutcomeIndicator
from coproduce.needs.services import (
    TRANSITIONS,
    need_respond,
    outcome_indicator_add,
    responses_allowed,
)
from coproduce.needs.tests.people import need, officer

pytestmark = pytest.mark.django_db
S = Need.Status


def test_a_response_changes_the_status_and_is_on_the_public_record():
    raised = need()
    person = officer(full_name="Ada Officer")
    response = need_respond(need=raised, officer=person, status=S.ACCEPTED_COMMISSIONING,
                            reasons="  The youth services trust will commission evening sessions.  ")
    raised.refresh_from_db()
    assert raised.status == S.ACCEPTED_COMMISSIONING and raised.responded_at is not None
    assert (response.from_status, response.to_status) == (S.OPEN, S.ACCEPTED_COMMISSIONING)
    assert response.reasons == "The youth services trust will commission evening sessions."
    assert response.responded_by_label == "Ada Officer (Officer)"
    entry = AuditEntry.objects.get(action="needs.need.responded")
    assert entry.public and entry.data["reasons"] == response.reasons and entry.data["to"] == S.ACCEPTED_COMMISSIONING


@pytest.mark.parametrize("reasons", ["", "   \n "])
def test_a_response_without_reasons_changes_nothing(reasons):
    raised = need()
    with pytest.raises(ValidationError) as exc:
        need_respond(need=raised, officer=officer(), status=S.NOT_POSSIBLE, reasons=reasons)
    assert exc.value.message_dict["reasons"] == ["Enter the reasons for your response"]
    raised.refresh_from_db()
    assert raised.status == S.OPEN
    assert not NeedResponse.objects.exists()
    assert not AuditEntry.objects.filter(action="needs.need.responded").exists()


def test_responses_follow_the_transition_map_and_keep_a_history():
    raised = need()
    person = officer()
    need_respond(need=raised, officer=person, status=S.ALREADY_MET, reasons="The club reopened in May.")
    with pytest.raises(ValidationError, match="cannot be changed to"):
        need_respond(need=raised, officer=person, status=S.ACCEPTED_BUDGET, reasons="x")
    need_respond(need=raised, officer=person, status=S.OPEN, reasons="It closed again.")
    need_respond(need=raised, officer=person, status=S.ACCEPTED_BUDGET, reasons="Ward budget.")
    history = [(r.from_status, r.to_status) for r in raised.responses.all()]
    assert history == [(S.OPEN, S.ALREADY_MET), (S.ALREADY_MET, S.OPEN), (S.OPEN, S.ACCEPTED_BUDGET)]


def test_the_same_status_twice_is_refused():
    raised = need()
    need_respond(need=raised, officer=officer(), status=S.NOT_POSSIBLE, reasons="No site.")
    with pytest.raises(ValidationError):
        need_respond(need=raised, officer=officer(), status=S.NOT_POSSIBLE, reasons="Still no site.")
    assert raised.responses.count() == 1


def test_every_status_has_an_entry_in_the_transition_map():
    assert set(TRANSITIONS) == set(S.values)
    assert all(status not in TRANSITIONS[status] for status in TRANSITIONS)
    assert responses_allowed(S.OPEN) == [S.ACCEPTED_COMMISSIONING, S.ACCEPTED_BUDGET, S.ALREADY_MET, S.NOT_POSSIBLE]


def test_a_response_on_the_record_cannot_be_edited():
    response = need_respond(need=need(), officer=officer(), status=S.NOT_POSSIBLE, reasons="No site.")
    response.reasons = "Something kinder"
    with pytest.raises(ValidationError):
        response.save()


def _indicator(raised, **overrides):
    values = {"name": "Young people at evening sessions each week", "unit": "people", "baseline": Decimal("0"),
              "target": Decimal("40"), "target_date": timezone.localdate() + dt.timedelta(days=365)}
    values.update(overrides)
    return outcome_indicator_add(need=raised, officer=officer(), **values)


def test_an_accepted_need_gets_indicators():
    raised = need()
    need_respond(need=raised, officer=officer(), status=S.ACCEPTED_BUDGET, reasons="Ward budget.")
    indicator = _indicator(raised, baseline=Decimal("12.50"))
    assert indicator.need == raised and indicator.direction == "up"
    assert indicator.baseline_text == "12.5" and indicator.target_text == "40"
    assert AuditEntry.objects.get(action="needs.indicator.added").public


def test_indicators_only_on_accepted_needs_and_only_with_a_future_date():
    raised = need()
    with pytest.raises(ValidationError, match="Only an accepted need"):
        _indicator(raised)
    need_respond(need=raised, officer=officer(), status=S.ACCEPTED_COMMISSIONING, reasons="Commission it.")
    with pytest.raises(ValidationError) as exc:
        _indicator(raised, target_date=timezone.localdate())
    assert exc.value.message_dict["target_date"] == ["Target date must be in the future"]
    _indicator(raised)
    with pytest.raises(ValidationError, match="already has an indicator"):
        _indicator(raised, name="YOUNG people at evening sessions each week")
    assert OutcomeIndicator.objects.count() == 1
