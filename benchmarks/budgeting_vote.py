"""Ballots cast per second over HTTP against PostgreSQL, next to pgbench's raw single-row INSERT rate.

Creates a scratch PostgreSQL database, seeds one process open for voting and N verified
voters with real sessions, serves the site with gunicorn on 127.0.0.1, and has C concurrent
clients each GET the ballot page (CSRF cookie and token) and POST a real ballot form, one voter
after another. Then runs pgbench on the same server with a one-row INSERT script and the same
number of clients. Prints ballots per second, POST latency (p50, p99), the ratio to the raw
INSERT rate, and ballots acknowledged (302 to the receipt) vs rows stored.

    python -m benchmarks budgeting_vote [-- --voters 2000 --concurrency 50 --workers 2 --threads 8]

Also runs pgbench with the SQL a vote writes (voter record, ballot and the chained audit entry
in one transaction), to separate what the integrity rules cost in PostgreSQL from what Django
costs, and prints the CPU time per ballot of the web server, the database backends and the
benchmark's own clients (read from /proc, so it holds however busy the machine is).

Needs PostgreSQL and pgbench: COPRODUCE_BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/coproduce_bench; the database is dropped and recreated).
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/coproduce_bench"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _recreate_database(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _seed(voters: int) -> tuple[str, list[str], list[str]]:
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from coproduce.accounts.models import Role, RoleAssignment, User
    from coproduce.budgeting import services
    from coproduce.budgeting.models import Project, ProjectStatus
    from coproduce.budgeting.phases import PHASE_ORDER
    from coproduce.places.models import Council, Neighbourhood, Ward

    council = Council.objects.create(name="Benchmark Council", slug="bench", gss_code="E09000097")
    ward = Ward.objects.create(council=council, name="Bench Ward", slug="bench-ward", gss_code="E05800001")
    place = Neighbourhood.objects.create(ward=ward, name="Bench Neighbourhood", slug="bench-neighbourhood")
    officer = User.objects.create_user("officer@bench.example", "unused-password-123", full_name="Bench Officer")
    now = timezone.now()
    starts = {kind: now + dt.timedelta(days=7 * (i - 3)) for i, kind in enumerate(PHASE_ORDER)}
    process = services.process_create(user=officer, title="Bench budget", slug="bench-budget", neighbourhood=place,
                                      budget=100_000_00, phase_starts=starts, max_projects=3)
    for i, cost in enumerate([20_000, 30_000, 15_000, 40_000, 10_000, 25_000], start=1):
        Project.objects.create(process=process, pb_id=str(i), title=f"Project {i}", status=ProjectStatus.FEASIBLE,
                               cost=cost * 100, neighbourhood=place)
    password = make_password("unused-password-123")
    users = User.objects.bulk_create([
        User(email=f"voter{i}@bench.example", full_name=f"Voter {i}", password=password, neighbourhood=place,
             verification_status=User.Verification.VERIFIED) for i in range(voters)
    ], batch_size=2000)
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.RESIDENT) for u in users], batch_size=2000)
    sessions = []
    for user in users:
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    return process.slug, sessions, [str(i) for i in range(1, 7)]


def _cpu_seconds(match) -> float:
    """CPU time (user + system) used so far by the processes whose command line `match` accepts (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if not match(int(proc.name), cmdline):
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _cast(port: int, slug: str, session: str, choice: list[str]) -> tuple[int, float, float]:
    """GET the ballot, POST it. Returns (POST status, POST seconds, whole cast seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    path = f"/budgets/{slug}/vote/"
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
    response = conn.getresponse()
    body = response.read().decode()
    csrf_cookie = ""
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("csrftoken="):
            csrf_cookie = value.split(";", 1)[0].split("=", 1)[1]
    match = TOKEN.search(body)
    if response.status != 200 or not match:
        conn.close()
        return response.status, 0.0, time.perf_counter() - started
    form = urllib.parse.urlencode([("csrfmiddlewaretoken", match.group(1))] + [("projects", c) for c in choice])
    posted = time.perf_counter()
    conn.request("POST", path, body=form, headers={
        "Cookie": f"sessionid={session}; csrftoken={csrf_cookie}", "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"http://127.0.0.1:{port}{path}",
    })
    answer = conn.getresponse()
    answer.read()
    done = time.perf_counter()
    conn.close()
    return answer.status, done - posted, done - started


BALLOT_TABLES = """
DROP TABLE IF EXISTS bench_voter_record, bench_ballot, bench_audit_entry, bench_audit_head;
DROP SEQUENCE IF EXISTS bench_user_seq;
CREATE SEQUENCE bench_user_seq;
CREATE TABLE bench_voter_record (id bigserial PRIMARY KEY, process_id bigint NOT NULL, user_id bigint NOT NULL,
    channel varchar(10) NOT NULL, voted_on date NOT NULL, UNIQUE (process_id, user_id));
CREATE TABLE bench_ballot (id uuid PRIMARY KEY, ballot_id varchar(20) NOT NULL, process_id bigint NOT NULL,
    receipt_hash varchar(64) NOT NULL UNIQUE, choices jsonb NOT NULL, UNIQUE (process_id, ballot_id));
CREATE TABLE bench_audit_head (id int PRIMARY KEY, sequence bigint NOT NULL, entry_hash varchar(64) NOT NULL);
CREATE TABLE bench_audit_entry (id bigserial PRIMARY KEY, sequence bigint NOT NULL UNIQUE, created_at timestamptz NOT NULL,
    actor_id bigint, action varchar(100) NOT NULL, summary text NOT NULL, data jsonb NOT NULL,
    previous_hash varchar(64) NOT NULL, entry_hash varchar(64) NOT NULL);
INSERT INTO bench_audit_head VALUES (1, 0, repeat('0', 64));
"""

# What a vote writes, in SQL with no Python: the voter record (unique per person), the ballot,
# and the audit entry chained to the locked head, in one transaction.
BALLOT_SCRIPT = """\\set user random(1, 1000000000)
BEGIN;
INSERT INTO bench_voter_record (process_id, user_id, channel, voted_on) VALUES (1, nextval('bench_user_seq'), 'online', current_date);
INSERT INTO bench_ballot (id, ballot_id, process_id, receipt_hash, choices)
    VALUES (gen_random_uuid(), 'B' || substr(md5(random()::text), 1, 12), 1, md5(random()::text) || md5(random()::text), '{"1": 1, "2": 1}');
SELECT sequence, entry_hash FROM bench_audit_head WHERE id = 1 FOR UPDATE;
INSERT INTO bench_audit_entry (sequence, created_at, actor_id, action, summary, data, previous_hash, entry_hash)
    SELECT sequence + 1, now(), :user, 'budgeting.vote.recorded', 'A resident voted online', '{"channel": "online"}', entry_hash,
           md5(random()::text) || md5(random()::text) FROM bench_audit_head WHERE id = 1;
UPDATE bench_audit_head SET sequence = sequence + 1, entry_hash = md5(random()::text) || md5(random()::text) WHERE id = 1;
COMMIT;
"""


def _pgbench(url: str, clients: int, seconds: int, script_text: str, setup_sql: str) -> float:
    """Transactions per second of `script_text` run by pgbench with `clients` connections."""
    parsed = urllib.parse.urlparse(url)
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(setup_sql)
    script = Path(tempfile.mkdtemp(prefix="coproduce-pgbench-")) / "script.sql"
    script.write_text(script_text)
    env = {**os.environ, "PGPASSWORD": urllib.parse.unquote(parsed.password or "")}
    done = subprocess.run(
        ["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(seconds), "-f", str(script),
         "-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres",
         parsed.path.lstrip("/")], capture_output=True, text=True, env=env, timeout=seconds + 60,
    )
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
    if done.returncode != 0 or not match:
        raise RuntimeError(f"pgbench failed: {done.stderr or done.stdout}")
    return float(match.group(1))


def _raw_insert_rate(url: str, clients: int, seconds: int) -> float:
    """pgbench's side of the ratio: one single-row INSERT per transaction (autocommit, so one commit each)."""
    return _pgbench(
        url, clients, seconds,
        "INSERT INTO bench_raw_insert (payload) VALUES ('a ballot-sized row of text');\n",
        "DROP TABLE IF EXISTS bench_raw_insert;"
        " CREATE TABLE bench_raw_insert (id bigserial PRIMARY KEY, payload text NOT NULL)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks budgeting_vote", description=__doc__.split("\n")[0])
    parser.add_argument("--voters", type=int, default=2000, help="voters, one ballot each (default 2,000)")
    parser.add_argument("--concurrency", type=int, default=50, help="concurrent voters (default 50)")
    cores = os.cpu_count() or 1
    parser.add_argument("--workers", type=int, default=cores, help=f"gunicorn worker processes (default: one per core, {cores})")
    parser.add_argument("--threads", type=int, default=8,
                        help="threads per gunicorn worker (default 8: each request waits on ~6-16 database round trips)")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class (default gthread; sync ignores --threads)")
    parser.add_argument("--pgbench-seconds", type=int, default=15, help="length of each pgbench run (default 15 s)")
    args = parser.parse_args(argv or [])
    url = os.environ.get("COPRODUCE_BENCH_DATABASE_URL", DEFAULT_URL)
    if not shutil.which("pgbench"):
        print("pgbench not found: install PostgreSQL's client tools", file=sys.stderr)
        return 2
    try:
        _recreate_database(url)
    except Exception as exc:  # noqa: BLE001 - report and stop
        print(f"cannot create the benchmark database at {url}: {exc}", file=sys.stderr)
        return 2

    env = {**os.environ, "COPRODUCE_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "COPRODUCE_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    slug, sessions, project_ids = _seed(args.voters)
    print(f"seeded {args.voters:,} voters with sessions in {time.perf_counter() - started:.1f} s")

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--threads", str(args.threads), "--worker-class", args.worker_class,
         "--log-level", "warning"], cwd=ROOT, env=env,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        work: queue.Queue[int] = queue.Queue()
        for i in range(len(sessions)):
            work.put(i)
        results: list[tuple[int, float, float]] = []
        lock = threading.Lock()

        def voter_loop() -> None:
            while True:
                try:
                    i = work.get_nowait()
                except queue.Empty:
                    return
                choice = [project_ids[i % 6], project_ids[(i * 7 + 1) % 6]]
                outcome = _cast(port, slug, sessions[i], sorted(set(choice)))
                with lock:
                    results.append(outcome)

        # Warm every worker (template compilation, connections) with a few voters first.
        for _ in range(min(args.workers * args.threads, len(sessions))):
            voter_loop_once = work.get_nowait()
            results.append(_cast(port, slug, sessions[voter_loop_once], [project_ids[0]]))
        warm = len(results)
        database = urllib.parse.urlparse(url).path.lstrip("/")

        def server_process(pid: int, cmdline: str) -> bool:
            return pid == server.pid or (f"127.0.0.1:{port}" in cmdline and "gunicorn" in cmdline)

        def database_backend(pid: int, cmdline: str) -> bool:
            return cmdline.startswith("postgres: ") and f" {database} " in cmdline

        cpu_before = (_cpu_seconds(server_process), _cpu_seconds(database_backend), time.process_time())
        t0 = time.perf_counter()
        threads = [threading.Thread(target=voter_loop) for _ in range(args.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        cpu_after = (_cpu_seconds(server_process), _cpu_seconds(database_backend), time.process_time())
    finally:
        server.terminate()
        server.wait(timeout=30)

    from coproduce.budgeting.models import Ballot, VoterRecord

    measured = results[warm:]
    acknowledged = sum(1 for status, _p, _c in results if status == 302)
    stored = Ballot.objects.filter(process__slug=slug).count()
    records = VoterRecord.objects.filter(process__slug=slug).count()
    posts = sorted(p for status, p, _c in measured if status == 302)
    rate = sum(1 for status, _p, _c in measured if status == 302) / elapsed
    failures = [status for status, _p, _c in results if status != 302]
    p50 = statistics.median(posts) * 1000 if posts else float("nan")
    p99 = posts[min(len(posts) - 1, int(len(posts) * 0.99))] * 1000 if posts else float("nan")
    per_worker = "" if args.worker_class == "sync" else f"×{args.threads} threads"
    print(f"HTTP: {len(measured):,} voters, {args.concurrency} at a time, gunicorn {args.workers} {args.worker_class} workers{per_worker}")
    print(f"  ballots cast: {rate:,.0f} per second; POST latency p50 {p50:.1f} ms, p99 {p99:.1f} ms (target p99 < 100 ms)")
    cast_count = sum(1 for status, _p, _c in measured if status == 302) or 1
    web, db, client = (1000 * (after - before) / cast_count for before, after in zip(cpu_before, cpu_after, strict=True))
    print(f"  CPU per ballot cast: web server {web:.1f} ms, PostgreSQL {db:.1f} ms, benchmark clients {client:.1f} ms"
          f" (on {os.cpu_count()} cores: at most {1000 * (os.cpu_count() or 1) / (web + db + client):,.0f} ballots/s)")
    raw = _raw_insert_rate(url, args.concurrency, args.pgbench_seconds)
    print(f"pgbench: {raw:,.0f} single-row INSERTs per second ({args.concurrency} clients, {args.pgbench_seconds} s)")
    print(f"ratio ballots/raw INSERTs: {rate / raw:.3f} (target ≥ 0.25)")
    ballot_sql = _pgbench(url, args.concurrency, args.pgbench_seconds, BALLOT_SCRIPT, BALLOT_TABLES)
    print(f"pgbench, a vote's writes in SQL (voter record, ballot, chained audit entry; one transaction):"
          f" {ballot_sql:,.0f} per second = {ballot_sql / raw:.3f} of raw INSERTs; HTTP reaches {rate / ballot_sql:.3f} of it")
    print(f"acknowledged {acknowledged:,} vs stored {stored:,} ballots and {records:,} voter records"
          f" — {'equal' if acknowledged == stored == records else 'NOT EQUAL'}")
    if failures:
        print(f"non-302 answers: {len(failures)} ({sorted(set(failures))})")
    return 0 if acknowledged == stored == records else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
