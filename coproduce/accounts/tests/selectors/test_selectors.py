import pytest

from coproduce.accounts import selectors, services
from coproduce.accounts.models import Role
from coproduce.accounts.tests.factories import (
    OfficerFactory,
    PendingResidentFactory,
    ResidentFactory,
)
from coproduce.places.tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db


def test_user_list_combines_filters_and_orders_by_name():
    hood = NeighbourhoodFactory()
    b = ResidentFactory(full_name="Bea Brown", neighbourhood=hood)
    a = PendingResidentFactory(full_name="Abdi Ali", neighbourhood=hood)
    ResidentFactory(full_name="Cai Chen")
    OfficerFactory(full_name="Aaron Officer")
    assert list(selectors.resident_list(neighbourhood=hood)) == [a, b]
    assert list(selectors.resident_list(ward=hood.ward, status="pending")) == [a]
    assert list(selectors.resident_list(q="BROWN")) == [b]
    assert [u.full_name for u in selectors.user_list(role=Role.OFFICER)] == ["Aaron Officer"]
    assert selectors.user_list().count() == 4


def test_residents_list_reads_a_page_in_one_query(django_assert_num_queries):
    for _ in range(5):
        ResidentFactory()
    with django_assert_num_queries(1):
        rows = list(selectors.resident_list()[:50])
        assert all(r.neighbourhood.ward.name for r in rows)


def test_letters_to_post_are_only_the_waiting_ones_oldest_first():
    first, second, done = PendingResidentFactory(), PendingResidentFactory(), PendingResidentFactory()
    l1, _ = services.letter_code_issue(user=first, actor=first, code="AAAA2222")
    l2, _ = services.letter_code_issue(user=second, actor=second, code="BBBB3333")
    l3, _ = services.letter_code_issue(user=done, actor=done, code="CCCC4444")
    services.letter_mark_posted(letter=l3, actor=OfficerFactory())
    replaced, _ = services.letter_code_issue(user=first, actor=first, code="DDDD5555")
    assert list(selectors.letters_to_post()) == [l2, replaced]
