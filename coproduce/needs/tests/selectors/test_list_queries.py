"""The needs list costs a fixed number of queries, and every filter is an index search.

The 50,000-need test seeds with bulk_create, as a borough's worth of needs after some years.
"""

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduce.needs.models import Category, Need
from coproduce.needs.tests.people import need, resident, sign_in
from coproduce.places.tests.factories import NeighbourhoodFactory, WardFactory

pytestmark = pytest.mark.django_db

#: Anonymous: the wards for the filter form, the count, the page.
ANONYMOUS_QUERIES = 3
#: With a ward or neighbourhood chosen, that ward's neighbourhoods are read for the form too.
PLACE_QUERIES = 4
#: Signed in: also the session, the user and their roles (for the "Raise a need" button).
SIGNED_IN_QUERIES = 6


def _expected(params: dict) -> int:
    return PLACE_QUERIES if ("ward" in params or "neighbourhood" in params) else ANONYMOUS_QUERIES


def _seed(n: int, neighbourhoods, *, rng: random.Random) -> None:
    statuses = Need.Status.values
    categories = Category.values
    start = timezone.now() - dt.timedelta(days=5 * 365)
    rows = []
    for i in range(n):
        place = rng.random()
        nbhd = rng.choice(neighbourhoods)
        fields = (
            {"borough_wide": True} if place < 0.1
            else {"ward_id": nbhd.ward_id, "area_ward_id": nbhd.ward_id} if place < 0.3
            else {"neighbourhood_id": nbhd.pk, "area_ward_id": nbhd.ward_id}
        )
        rows.append(Need(
            title=f"Need number {i}", description="Seeded for a scale test.", category=rng.choice(categories),
            status=rng.choice(statuses), support_count=rng.randrange(200),
            created_at=start + dt.timedelta(minutes=i * 50), **fields,
        ))
    Need.objects.bulk_create(rows, batch_size=2000)


@pytest.fixture
def places():
    wards = [WardFactory() for _ in range(6)]
    return [NeighbourhoodFactory(ward=wards[i % 6]) for i in range(18)]


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


FILTERS = [
    {},
    {"category": "youth"},
    {"status": "open", "sort": "support"},
    {"page": 2},
]


def test_query_count_is_pinned_and_does_not_grow_with_the_needs(client, places):
    url = reverse("needs:need_list")
    for place in places[:3]:
        need(neighbourhood=place)
    ward, nbhd = places[0].ward.slug, places[0].slug
    filters = FILTERS + [{"ward": ward}, {"neighbourhood": nbhd, "category": "youth"}]
    small = [_queries(client, url, f) for f in filters]
    _seed(300, places, rng=random.Random(1))
    large = [_queries(client, url, f) for f in filters]
    assert small == large == [_expected(f) for f in filters]


def test_signed_in_query_count_is_pinned(client, places):
    sign_in(client, resident(neighbourhood=places[0]))
    _seed(100, places, rng=random.Random(2))
    url = reverse("needs:need_list")
    assert [_queries(client, url, f) for f in FILTERS] == [SIGNED_IN_QUERIES] * len(FILTERS)


def test_the_detail_page_query_count_does_not_grow_with_supports(client, places):
    from coproduce.needs.services import need_support

    raised = need(neighbourhood=places[0])
    before = _queries(client, raised.get_absolute_url())
    for _ in range(10):
        need_support(need=raised, supporter=resident(neighbourhood=places[1]))
    assert _queries(client, raised.get_absolute_url()) == before


def _plans(client, url, params) -> list[tuple[str, str]]:
    """(SQL, SQLite query plan) of each query the list page runs against the needs table."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if '"needs_need"' not in query["sql"]:
                continue
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans.append((query["sql"], "\n".join(str(row[-1]) for row in cursor.fetchall())))
    return plans


@pytest.mark.slow
def test_fifty_thousand_needs_keep_the_same_queries_and_use_the_indexes(client, places):
    url = reverse("needs:need_list")
    ward, nbhd = places[0].ward, places[0]
    _seed(50_000, places, rng=random.Random(3))
    assert Need.objects.count() == 50_000
    filters = FILTERS + [
        {"ward": ward.slug}, {"ward": ward.slug, "category": "parks"}, {"neighbourhood": nbhd.slug},
        {"status": "accepted_budget"}, {"sort": "support"}, {"ward": ward.slug, "sort": "support"}, {"page": 2400},
    ]
    assert [_queries(client, url, f) for f in filters] == [_expected(f) for f in filters]
    if connection.vendor != "sqlite":
        return  # the plans below are SQLite's; on PostgreSQL the pinned counts above still hold
    for params in filters:
        plans = _plans(client, url, params)
        assert len(plans) == 2, plans  # the count and the page
        for sql, plan in plans:
            table_lines = [line for line in plan.splitlines() if "needs_need" in line]
            assert table_lines, (params, sql, plan)
            if "WHERE" in sql:
                # a filter is a search of an index, never a scan of the table
                assert all(line.startswith("SEARCH") and "INDEX" in line for line in table_lines), (params, plan)
            else:
                assert all("INDEX" in line for line in table_lines), (params, plan)
            assert "TEMP B-TREE" not in plan, (params, plan)
