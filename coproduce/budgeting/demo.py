"""Demo budgets: one counted and being delivered, one open for voting, one collecting ideas,
and (when the reference data is present) one imported from a real pabulib election.

Deterministic: every choice comes from the `rng` handed in by core.demo, and dates are fixed
offsets from today. The counted process's ballots are bulk-inserted as matching voter-record
and ballot rows (one of each per voter), which is what `services.vote_cast` writes one by one.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.models import Role, User
from coproduce.audit.services import audit_record
from coproduce.places.models import Neighbourhood

from . import counting, receipts, services
from .models import (
    Ballot,
    BallotType,
    CountingRule,
    DeliveryStatus,
    Process,
    Project,
    ProjectStatus,
    Scope,
    VoterRecord,
)
from .phases import PHASE_ORDER

DEMO_RESIDENT = "resident@demo.coproduce.org.uk"

COMPLETED_PROJECTS = [
    # title, category, cost in pounds, base popularity
    ("Riverside park outdoor gym", "Parks and green spaces", 38_000, 0.55),
    ("Community fridge at the library", "Food and health", 9_000, 0.40),
    ("Safer crossing outside St Anne's school", "Streets and safety", 45_000, 0.50),
    ("Youth music studio in the old depot", "Young people", 52_000, 0.35),
    ("Street trees on Mill Lane", "Parks and green spaces", 21_000, 0.45),
    ("Repair café and tool library", "Community life", 12_000, 0.30),
    ("Benches and shade along the towpath", "Parks and green spaces", 16_000, 0.33),
    ("Free swimming lessons for over-60s", "Food and health", 14_000, 0.25),
    ("Estate play area rebuild", "Young people", 60_000, 0.28),
    ("Multilingual welcome pack for new residents", "Community life", 6_000, 0.18),
    ("Cycle hangars on residential streets", "Streets and safety", 24_000, 0.22),
    ("Community garden on the Elm estate", "Parks and green spaces", 18_000, 0.26),
]

VOTING_PROJECTS = [
    ("Planters and seating on the high street", 8_000, "Wooden planters with benches outside the shops."),
    ("Holiday lunch and activity club", 12_000, "Free lunches and sport for children in the summer holidays."),
    ("Better lighting in the underpass", 15_000, "Bright, vandal-proof lights so people feel safe at night."),
    ("Accessible toilet in the community centre", 20_000, "A Changing Places toilet for disabled residents."),
    ("Wildflower verges", 4_000, "Sow native wildflowers on the grass verges."),
    ("Digital skills drop-in", 7_000, "Weekly help with phones, computers and online forms."),
]

IDEAS = [
    ("A skate park", "Somewhere safe for teenagers to skate and meet."),
    ("Water fountains in the park", "Refill stations so people can drink tap water on hot days."),
    ("Dementia-friendly café", "A monthly café where people with dementia and carers are welcome."),
]


def _phases(today: dt.date, current: str, days_in: int) -> dict[str, dt.datetime]:
    """Seven phases three weeks apart; `current` started `days_in` days ago."""
    index = PHASE_ORDER.index(current)
    start = dt.datetime.combine(today, dt.time(9, 0)) - dt.timedelta(days=days_in)
    aware = timezone.make_aware(start)
    return {kind: aware + dt.timedelta(days=21 * (i - index)) for i, kind in enumerate(PHASE_ORDER)}


def _officer():
    return User.objects.filter(roles__role=Role.OFFICER).order_by("pk").first()


def seed(*, rng: random.Random, log: Callable[[str], None]) -> None:
    neighbourhoods = list(Neighbourhood.objects.select_related("ward").order_by("pk"))
    if not neighbourhoods:
        log("  no neighbourhoods: demo budgets skipped")
        return
    officer = _officer()
    today = timezone.localdate()
    completed = _seed_completed(rng=rng, log=log, officer=officer, today=today, neighbourhoods=neighbourhoods)
    _seed_voting(rng=rng, log=log, officer=officer, today=today, neighbourhoods=neighbourhoods)
    _seed_ideas(rng=rng, log=log, officer=officer, today=today, neighbourhoods=neighbourhoods)
    _seed_imported(rng=rng, log=log)
    log(f"  budgets: {Process.objects.count()} processes; counted one has {completed.ballots.count():,} ballots")


def _seed_completed(*, rng, log, officer, today, neighbourhoods) -> Process:
    categories = sorted({c for _t, c, _cost, _p in COMPLETED_PROJECTS})
    process = services.process_create(
        user=officer, title="Borough community fund 2026", slug="borough-community-fund-2026",
        description="£250,000 for projects proposed and chosen by residents across the borough.",
        scope=Scope.BOROUGH, budget=250_000_00, ballot_type=BallotType.APPROVAL, min_projects=1, max_projects=5,
        rule=CountingRule.EQUAL_SHARES, phase_starts=_phases(today, "delivery", 60),
        categories=[(c, 60_000_00 if c == "Parks and green spaces" else None) for c in categories],
    )
    cats = {c.name: c for c in process.categories.all()}
    projects = []
    for i, (title, category, cost, _pop) in enumerate(COMPLETED_PROJECTS, start=1):
        projects.append(Project.objects.create(
            process=process, pb_id=str(i), title=title, summary=title, status=ProjectStatus.FEASIBLE,
            category=cats[category], cost=cost * 100, estimated_cost=cost * 100,
            neighbourhood=neighbourhoods[(i * 7) % len(neighbourhoods)], feasibility_reasons="Costed by the council's delivery team.",
            reviewed_by=officer, reviewed_at=process.phases.get(kind="review").starts_at + dt.timedelta(days=3),
        ))
    Project.objects.create(process=process, pb_id=str(len(projects) + 1), title="Monorail to the town centre",
                           status=ProjectStatus.NOT_FEASIBLE, estimated_cost=9_000_000_00,
                           feasibility_reasons="Far more than the whole budget, and the council does not own the land.",
                           reviewed_by=officer)

    voters = list(
        User.objects.filter(verification_status=User.Verification.VERIFIED, neighbourhood__isnull=False,
                            roles__role=Role.RESIDENT)
        .exclude(email=DEMO_RESIDENT).order_by("pk").values_list("pk", "neighbourhood__ward_id")
    )
    ward_ids = sorted({w for _pk, w in voters})
    # Each ward has a favourite category: that makes Equal Shares and greedy differ, as they do in real life.
    favourite = {w: categories[i % len(categories)] for i, w in enumerate(ward_ids)}
    voted_on = (process.phases.get(kind="voting").starts_at + dt.timedelta(days=5)).date()
    records, ballots = [], []
    for pk, ward in voters:
        if rng.random() > 0.85:
            continue
        chosen = []
        for project, (_t, category, _c, popularity) in zip(projects, COMPLETED_PROJECTS, strict=True):
            boost = 0.35 if category == favourite[ward] else 0.0
            if rng.random() < popularity + boost:
                chosen.append(project.pb_id)
        if not chosen:
            chosen = [rng.choice(projects).pb_id]
        rng.shuffle(chosen)
        chosen = chosen[:5]
        code = receipts.new_receipt_code(rng)
        records.append(VoterRecord(process=process, user_id=pk, voted_on=voted_on,
                                   channel=VoterRecord.Channel.PAPER if rng.random() < 0.05 else VoterRecord.Channel.ONLINE))
        ballots.append(Ballot(id=receipts.new_uuid(rng), ballot_id=receipts.new_ballot_id(rng), process=process,
                              receipt_hash=receipts.receipt_hash(process.pk, code),
                              choices={pid: 1 for pid in sorted(chosen)}))
    rng.shuffle(ballots)
    with transaction.atomic():
        VoterRecord.objects.bulk_create(records, batch_size=1000)
        Ballot.objects.bulk_create(ballots, batch_size=1000)
        audit_record(action="budgeting.demo.ballots_loaded", summary=f"{len(ballots):,} demo ballots loaded into “{process.title}”",
                     target=process, public=True, data={"ballots": len(ballots)})

    try:
        counting.engine()
    except counting.EngineUnavailable as exc:
        log(f"  {exc} The demo count is skipped.")
        return process
    count = _count_now(process, officer)
    if count.status != "done":
        log(f"  the demo count did not finish: {count.error}")
        return process
    _seed_delivery(rng=rng, process=process, officer=officer, today=today)
    return process


def _count_now(process: Process, officer):
    """Count in-process (the demo seeds inside one transaction, so a queued task would not see the rows)."""
    from .models import Count

    with transaction.atomic():
        count = Count.objects.create(process=process, rule=process.rule, engine_rule=counting.engine_rule(process),
                                     comparison_rule=counting.comparison_rule(process), requested_by=officer)
        audit_record(action="budgeting.count.requested", summary=f"Count of “{process.title}” started",
                     actor=officer, target=process, public=True, data={"count": count.pk})
    return services.count_run(count_id=count.pk)


def _seed_delivery(*, rng, process: Process, officer, today: dt.date) -> None:
    plan = [(DeliveryStatus.COMPLETED, 100), (DeliveryStatus.IN_PROGRESS, 60), (DeliveryStatus.IN_PROGRESS, 35),
            (DeliveryStatus.DELAYED, 20), (DeliveryStatus.NOT_STARTED, 0)]
    for i, project in enumerate(process.projects.funded().order_by("pb_id")):
        status, progress = plan[i % len(plan)]
        due = today - dt.timedelta(days=40)
        services.milestone_record(project=project, user=officer, title="Design agreed with residents", due_on=due,
                                  done_on=due + dt.timedelta(days=rng.randint(0, 6)) if progress else None,
                                  evidence="Minutes of the residents' design meeting." if progress else "")
        services.milestone_record(project=project, user=officer, title="Work complete", due_on=today + dt.timedelta(days=60),
                                  done_on=today - dt.timedelta(days=3) if status == DeliveryStatus.COMPLETED else None,
                                  evidence="Photos and the contractor's completion certificate." if status == DeliveryStatus.COMPLETED else "")
        if progress or status != DeliveryStatus.NOT_STARTED:
            services.delivery_update(project=project, user=officer, status=status, progress=progress,
                                     note="Update from the delivery team.")


def _seed_voting(*, rng, log, officer, today, neighbourhoods) -> Process:
    resident = User.objects.filter(email=DEMO_RESIDENT).select_related("neighbourhood").first()
    place = resident.neighbourhood if resident and resident.neighbourhood_id else neighbourhoods[0]
    process = services.process_create(
        user=officer, title=f"{place.name} neighbourhood budget", slug=f"{place.slug}-budget",
        description=f"£40,000 for {place.name}. Choose the projects you want, up to the whole budget.",
        scope=Scope.NEIGHBOURHOOD, neighbourhood=place, budget=40_000_00, ballot_type=BallotType.KNAPSACK,
        rule=CountingRule.EQUAL_SHARES, phase_starts=_phases(today, "voting", 4),
    )
    for i, (title, cost, summary) in enumerate(VOTING_PROJECTS, start=1):
        Project.objects.create(process=process, pb_id=str(i), title=title, summary=summary, description=summary,
                               status=ProjectStatus.FEASIBLE, cost=cost * 100, estimated_cost=cost * 100,
                               neighbourhood=place, reviewed_by=officer, feasibility_reasons="Costed by the council.")
    neighbours = list(User.objects.filter(neighbourhood=place, verification_status=User.Verification.VERIFIED,
                                          roles__role=Role.RESIDENT).exclude(email=DEMO_RESIDENT).order_by("pk")[:25])
    costs = {str(i): c * 100 for i, (_t, c, _s) in enumerate(VOTING_PROJECTS, start=1)}
    for neighbour in neighbours:
        chosen, spend = {}, 0
        for pid in rng.sample(sorted(costs), k=len(costs)):
            if spend + costs[pid] <= process.budget and rng.random() < 0.6:
                chosen[pid] = 1
                spend += costs[pid]
        if chosen:
            services.vote_cast(process=process, user=neighbour, choices=chosen, rng=rng, send_receipt=False)
    log(f"  {process.title}: open for voting ({process.ballots.count()} ballots so far)")
    return process


def _seed_ideas(*, rng, log, officer, today, neighbourhoods) -> Process:
    ward = neighbourhoods[-1].ward
    process = services.process_create(
        user=officer, title=f"{ward.name} youth fund", slug=f"{ward.slug}-youth-fund",
        description="£20,000 chosen by young people aged 11 and over: share your ideas now.",
        scope=Scope.WARD, ward=ward, budget=20_000_00, ballot_type=BallotType.CUMULATIVE, points=10, min_age=11,
        rule=CountingRule.EQUAL_SHARES, phase_starts=_phases(today, "ideas", 3),
    )
    people = list(User.objects.filter(neighbourhood__ward=ward, verification_status=User.Verification.VERIFIED,
                                      roles__role=Role.RESIDENT).order_by("pk")[: len(IDEAS)])
    for person, (title, description) in zip(people, IDEAS, strict=False):
        services.idea_submit(process=process, user=person, title=title, description=description)
    log(f"  {process.title}: collecting ideas ({process.projects.count()} so far)")
    return process


def _seed_imported(*, rng, log) -> None:
    path = settings.COPRODUCE_SHARED_DIR / "data" / "pabulib" / "Netherlands_Assen_2024.pb"
    if not path.is_file():
        log("  reference pabulib data not found: the imported demo election is skipped")
        return
    from .imports import ImportProblem, process_import_pb

    try:
        process = process_import_pb(text=path.read_text(encoding="utf-8-sig"), source_name=path.name, place_slug="borough",
                                    slug="assen-2024", title="Assen 2024 (a real election, imported from pabulib)", rng=rng)
    except (ImportProblem, counting.EngineUnavailable) as exc:
        log(f"  the imported demo election was skipped: {exc}")
        return
    log(f"  imported {path.name}: {process.ballots.count():,} ballots")
