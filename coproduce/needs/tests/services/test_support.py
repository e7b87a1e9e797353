import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from coproduce.audit.models import AuditEntry
from coproduce.needs.models import Need, NeedSupport
from coproduce.needs.services import need_respond, need_support, need_support_withdraw
from coproduce.needs.tests.people import need, officer, resident

pytestmark = pytest.mark.django_db


def test_supporting_adds_one_and_the_count_follows():
    raised = need()
    first, second = resident(), resident()
    support, created = need_support(need=raised, supporter=first)
    assert created and support.supporter == first
    need_support(need=raised, supporter=second)
    raised.refresh_from_db()
    assert raised.support_count == 3  # the raiser and two others
    assert AuditEntry.objects.filter(action="needs.need.supported").count() == 2


def test_supporting_twice_is_idempotent_and_changes_nothing():
    raised = need()
    person = resident()
    first, _ = need_support(need=raised, supporter=person)
    entries = AuditEntry.objects.count()
    again, created = need_support(need=raised, supporter=person)
    assert not created and again.pk == first.pk
    raised.refresh_from_db()
    assert raised.support_count == 2
    assert NeedSupport.objects.filter(need=raised).count() == 2
    assert AuditEntry.objects.count() == entries


def test_the_raiser_cannot_add_a_second_support():
    raised = need()
    _support, created = need_support(need=raised, supporter=raised.raised_by)
    assert not created
    raised.refresh_from_db()
    assert raised.support_count == 1


def test_the_database_allows_one_support_per_resident():
    raised = need()
    with pytest.raises(IntegrityError), transaction.atomic():
        NeedSupport.objects.create(need=raised, supporter=raised.raised_by)


@pytest.mark.parametrize("closed", [Need.Status.ALREADY_MET, Need.Status.NOT_POSSIBLE])
def test_a_closed_need_takes_no_more_support(closed):
    raised = need()
    need_respond(need=raised, officer=officer(), status=closed, reasons="Because.")
    with pytest.raises(ValidationError, match="cannot take more support"):
        need_support(need=raised, supporter=resident())
    raised.refresh_from_db()
    assert raised.support_count == 1
    assert NeedSupport.objects.filter(need=raised).count() == 1


def test_withdrawing_support_and_withdrawing_again():
    raised = need()
    person = resident()
    need_support(need=raised, supporter=person)
    assert need_support_withdraw(need=raised, supporter=person) is True
    raised.refresh_from_db()
    assert raised.support_count == 1
    assert need_support_withdraw(need=raised, supporter=person) is False
    raised.refresh_from_db()
    assert raised.support_count == 1
    # and support can be given again
    _support, created = need_support(need=raised, supporter=person)
    assert created
