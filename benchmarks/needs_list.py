"""Server time of the needs list with 50,000 needs, against a trivial view in the same run.

Seeds 20 wards, 80 neighbourhoods and 50,000 needs (bulk_create) into a temporary SQLite
database, then times the list page through the whole middleware stack with Django's test
client (in-process, so only server time is measured): unfiltered, each filter, the most
supported sort, and a deep page. Prints medians, query counts and each page's ratio to a
trivial view that returns "ok" through the same stack. The "filter matching nothing" row is
the same page with an empty table: the difference to it is what the 50,000 rows cost.

    python -m benchmarks needs_list [-- --needs 50000 --repeat 50]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok")


def __getattr__(name: str):
    # The URLconf is read on the first request, after django.setup() in main(); importing
    # config.urls at import time would load the apps before settings are chosen.
    if name == "urlpatterns":
        return [path("__trivial__/", trivial), path("", include("config.urls"))]
    raise AttributeError(name)


def _time(client, url: str, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm caches and template compilation
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        samples.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(samples) * 1000, len(queries)


def _seed(n: int) -> tuple[str, str, str]:
    from django.utils import timezone

    from coproduce.needs.models import Category, Need
    from coproduce.places.models import Council, Neighbourhood, Ward

    rng = random.Random(5)
    council = Council.objects.create(name="Benchmark Council", slug="bench", gss_code="E09000098")
    wards = Ward.objects.bulk_create(
        Ward(council=council, name=f"Ward {i}", slug=f"ward-{i}", gss_code=f"E05{800000 + i:06d}") for i in range(20)
    )
    neighbourhoods = Neighbourhood.objects.bulk_create(
        Neighbourhood(ward=wards[i % 20], name=f"Neighbourhood {i}", slug=f"neighbourhood-{i}") for i in range(81)
    )
    quiet = neighbourhoods.pop()  # a new estate nobody has raised a need for yet
    start = timezone.now() - dt.timedelta(days=5 * 365)
    rows = []
    for i in range(n):
        nbhd = rng.choice(neighbourhoods)
        roll = rng.random()
        place = (
            {"borough_wide": True} if roll < 0.1
            else {"ward": nbhd.ward, "area_ward": nbhd.ward} if roll < 0.3
            else {"neighbourhood": nbhd, "area_ward": nbhd.ward}
        )
        rows.append(Need(
            title=f"Need {i}", description="Seeded for the benchmark.", category=rng.choice(Category.values),
            status=rng.choice(Need.Status.values), support_count=rng.randrange(300),
            created_at=start + dt.timedelta(minutes=i * 50), **place,
        ))
    Need.objects.bulk_create(rows, batch_size=5000)
    return wards[0].slug, neighbourhoods[0].slug, quiet.slug


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks needs_list", description=__doc__.split("\n")[0])
    parser.add_argument("--needs", type=int, default=50_000, help="needs to seed (default 50,000)")
    parser.add_argument("--repeat", type=int, default=50, help="requests per page (default 50)")
    args = parser.parse_args(argv or [])

    tmp = Path(tempfile.mkdtemp(prefix="coproduce-bench-"))
    os.environ["COPRODUCE_DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ward, neighbourhood, quiet = _seed(args.needs)
    print(f"{args.needs:,} needs seeded in {time.perf_counter() - started:.1f} s")

    rows = [
        ("trivial view (reference)", "/__trivial__/"),
        ("needs list, filter matching nothing", f"/needs/?neighbourhood={quiet}"),
        ("needs list, newest first", "/needs/"),
        ("needs list, one ward", f"/needs/?ward={ward}"),
        ("needs list, one neighbourhood", f"/needs/?neighbourhood={neighbourhood}"),
        ("needs list, category + status", "/needs/?category=youth&status=open"),
        ("needs list, open, most supported", "/needs/?status=open&sort=support"),
        ("needs list, page 1,000", "/needs/?page=1000"),
    ]
    with override_settings(ROOT_URLCONF="benchmarks.needs_list"):
        client = Client()
        results = {label: _time(client, url, args.repeat) for label, url in rows}
    reference = results["trivial view (reference)"][0]
    print(f"\n{'page':36} {'median ms':>10} {'queries':>8} {'ratio':>7}")
    for label, _url in rows:
        median, queries = results[label]
        print(f"{label:36} {median:10.2f} {queries:8d} {median / reference:7.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
