"""The schema itself keeps the ballot secret: nothing in the ballot box points at a person.

If someone adds a user column, a timestamp, a foreign key to the voter record or a
sequential key to the ballot box, these tests fail.
"""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.db import connection, models

from coproduce.accounts.tests.factories import ResidentFactory
from coproduce.budgeting import services
from coproduce.budgeting.models import Ballot, VoterRecord

from .factories import make_process

BALLOT_BOX = [Ballot]
USER_TABLE = None


def _user_model():
    from django.apps import apps

    return apps.get_model(settings.AUTH_USER_MODEL)


def test_no_ballot_box_field_references_a_person_or_the_voter_record():
    forbidden = {_user_model(), VoterRecord}
    for model in BALLOT_BOX:
        for field in model._meta.get_fields(include_hidden=True):
            related = getattr(field, "related_model", None)
            assert related not in forbidden, f"{model.__name__}.{field.name} links to {related.__name__}"
        fk_targets = {f.related_model for f in model._meta.get_fields() if f.is_relation}
        assert fk_targets <= {model._meta.get_field("process").related_model}, fk_targets


def test_no_ballot_box_field_records_when_or_in_what_order():
    for model in BALLOT_BOX:
        for field in model._meta.concrete_fields:
            assert not isinstance(field, models.DateTimeField | models.DateField | models.TimeField), (
                f"{model.__name__}.{field.name} is a timestamp that could be matched with the voter record"
            )
            assert not isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField), (
                f"{model.__name__}.{field.name} is a sequential key that gives away voting order"
            )
        assert isinstance(model._meta.pk, models.UUIDField) and model._meta.pk.default is uuid.uuid4


def test_the_voter_record_has_no_link_to_a_ballot():
    for field in VoterRecord._meta.get_fields(include_hidden=True):
        assert getattr(field, "related_model", None) is not Ballot, f"VoterRecord.{field.name} links to Ballot"
    names = {f.name for f in VoterRecord._meta.concrete_fields}
    assert not names & {"ballot", "ballot_id", "receipt", "receipt_hash", "choices"}
    assert isinstance(VoterRecord._meta.get_field("voted_on"), models.DateField)
    assert not isinstance(VoterRecord._meta.get_field("voted_on"), models.DateTimeField)


@pytest.mark.django_db
def test_the_database_tables_agree_no_foreign_key_from_the_ballot_box_to_people():
    user_table = _user_model()._meta.db_table
    with connection.cursor() as cursor:
        ballot_relations = connection.introspection.get_relations(cursor, Ballot._meta.db_table)
        voter_relations = connection.introspection.get_relations(cursor, VoterRecord._meta.db_table)
        ballot_columns = {c.name for c in connection.introspection.get_table_description(cursor, Ballot._meta.db_table)}
    targets = {table for _column, (_field, table) in ballot_relations.items()}
    assert user_table not in targets
    assert VoterRecord._meta.db_table not in targets
    assert targets == {"budgeting_process"}
    assert Ballot._meta.db_table not in {table for _c, (_f, table) in voter_relations.items()}
    assert ballot_columns == {"id", "ballot_id", "process_id", "receipt_hash", "choices"}


@pytest.mark.django_db
def test_ballot_ids_do_not_follow_voting_order():
    process = make_process()
    cast = [services.vote_cast(process=process, user=ResidentFactory(neighbourhood=process.neighbourhood),
                               choices={"1": 1}).ballot_id for _ in range(12)]
    stored = list(Ballot.objects.filter(process=process).values_list("ballot_id", flat=True))
    assert sorted(cast) == stored  # the box reads back in id order...
    assert cast != stored  # ...which is not the order people voted in (1 in 12! chance of a false alarm)
