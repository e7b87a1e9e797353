"""Server time of the home page and of the officers' list of residents, against a trivial view.

Seeds the demo borough (≥ 2,000 residents) into a temporary SQLite database, then times
requests through the whole middleware stack with Django's test client (in-process, so only
server time is measured). Prints medians and each page's ratio to a trivial view that returns
"ok" through the same stack, measured in the same run.

    python -m benchmarks pages [-- --repeat 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _time(client, url: str, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):  # warm caches and template compilation
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks pages", description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=100, help="requests per page (default 100)")
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

    from coproduce.accounts.middleware import MFA_SESSION_KEY
    from coproduce.accounts.models import User
    from coproduce.core.demo import demo_seed

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    demo_seed(log=lambda _message: None, until="organisations")
    print(f"demo borough seeded in {time.perf_counter() - started:.1f} s; "
          f"{User.objects.filter(neighbourhood__isnull=False).count()} residents")

    with override_settings(ROOT_URLCONF="benchmarks._pages_urls"):
        anonymous = Client()
        officer_user = User.objects.filter(roles__role="officer").order_by("pk").first()
        officer = Client()
        officer.force_login(officer_user)
        session = officer.session
        session[MFA_SESSION_KEY] = officer_user.pk
        session.save()

        rows = [
            ("trivial view (reference)", anonymous, "/__trivial__/"),
            ("home page (anonymous)", anonymous, "/"),
            ("trivial view, signed-in officer (reference)", officer, "/__trivial__/"),
            ("residents list, officer view (first page)", officer, "/accounts/residents/"),
        ]
        results = {label: _time(client, url, args.repeat) for label, client, url in rows}

    print(f"\n{'page':48} {'median ms':>10} {'queries':>8} {'ratio':>7}")
    reference = {"anonymous": results["trivial view (reference)"][0],
                 "officer": results["trivial view, signed-in officer (reference)"][0]}
    for label, _client, _url in rows:
        median, queries = results[label]
        ref = reference["officer" if "officer" in label else "anonymous"]
        print(f"{label:48} {median:10.2f} {queries:8d} {median / ref:7.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
