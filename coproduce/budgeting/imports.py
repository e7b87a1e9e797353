"""Loading a past election from a pabulib `.pb` file as a closed, counted process.

The file's voter ids become ballot ids (they are already anonymous in pabulib); nobody holds
a receipt code for an imported ballot, so each gets the hash of a random code that is thrown
away. There are no voter records: the voters were never our residents.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from coproduce.audit.services import audit_record
from coproduce.places.models import Neighbourhood, Ward

from . import counting, receipts, services
from .models import (
    Ballot,
    BallotType,
    Category,
    Count,
    CountingRule,
    Process,
    Project,
    ProjectStatus,
    Scope,
)
from .phases import PHASE_ORDER


class ImportProblem(ValueError):
    """The file cannot be imported; the message says why."""


def _date(text: str) -> dt.date | None:
    text = (text or "").strip()
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        if re.fullmatch(r"\d{4}", text):
            return dt.date(int(text), 1, 1)
    except ValueError:
        return None
    return None


def _place(place_slug: str) -> tuple[str, Ward | None, Neighbourhood | None]:
    if place_slug == "borough":
        return Scope.BOROUGH, None, None
    neighbourhood = Neighbourhood.objects.filter(slug=place_slug).first()
    if neighbourhood:
        return Scope.NEIGHBOURHOOD, None, neighbourhood
    ward = Ward.objects.filter(slug=place_slug).first()
    if ward:
        return Scope.WARD, ward, None
    raise ImportProblem(f"there is no ward or neighbourhood with slug {place_slug!r} (use 'borough' for the whole borough)")


def _rule(meta_rule: str) -> str:
    meta_rule = (meta_rule or "").strip().lower()
    if meta_rule.startswith("greedy"):
        return CountingRule.GREEDY
    return CountingRule.EQUAL_SHARES


def process_import_pb(*, text: str, source_name: str, place_slug: str, slug: str | None = None,
                      title: str | None = None, user=None, rng: random.Random | None = None) -> Process:
    """Create the process, its projects and ballots, then count it. All or nothing.

    `rng` only makes demo data repeatable; real imports use the secrets module.
    """
    pb = counting.engine()
    from coproduce.pb.errors import PbError

    try:
        election = pb.parse_pb(text)
    except PbError as exc:
        raise ImportProblem(str(exc))
    scope, ward, neighbourhood = _place(place_slug)
    if election.vote_type not in ("approval", "choose-1", "cumulative"):
        raise ImportProblem(f"coproduce counts approval and cumulative ballots; this file has {election.vote_type} ballots")
    if not election.projects:
        raise ImportProblem("the file has no projects")
    budget_pence = election.budget * 100
    if Fraction(budget_pence).denominator != 1:
        raise ImportProblem(f"the budget {election.budget} has fractions of a penny")
    meta = dict(election.meta)
    cumulative = election.vote_type == "cumulative"
    knapsack = not cumulative and "max_sum_cost" in meta
    slug = slugify(slug or source_name.rsplit(".", 1)[0])[:80]
    if Process.objects.filter(slug=slug).exists():
        raise ImportProblem(f"a process with slug {slug!r} already exists; choose another with --slug")

    def _int(key: str, default: int | None) -> int | None:
        try:
            return int(Fraction(meta[key])) if key in meta and meta[key].strip() else default
        except (ValueError, ZeroDivisionError):
            return default

    points = _int("max_sum_points", None) if cumulative else None
    if cumulative and not points:
        points = max((sum(b.points or ()) for b in election.ballots), default=1) or 1
    begin = _date(meta.get("date_begin", "")) or timezone.localdate()
    end = max(_date(meta.get("date_end", "")) or begin, begin)
    start = timezone.make_aware(dt.datetime.combine(begin, dt.time(9, 0)))
    close = timezone.make_aware(dt.datetime.combine(end, dt.time(21, 0)))
    starts = {kind: start - dt.timedelta(days=PHASE_ORDER.index("voting") - i) for i, kind in enumerate(PHASE_ORDER[:4])}
    starts.update({"counting": close, "results": close + dt.timedelta(minutes=1)})

    with transaction.atomic():
        process = services.process_create(
            user=user, title=(title or meta.get("description") or source_name)[:200], slug=slug,
            description=(f"Imported from the pabulib file {source_name}: {meta.get('unit', '')} "
                         f"{meta.get('subunit', '') or meta.get('district', '')} {meta.get('instance', '')}. "
                         f"Amounts are in {meta.get('currency') or 'the original currency'}.").replace("  ", " "),
            scope=scope, ward=ward, neighbourhood=neighbourhood, budget=int(budget_pence),
            ballot_type=BallotType.CUMULATIVE if cumulative else (BallotType.KNAPSACK if knapsack else BallotType.APPROVAL),
            min_projects=max(_int("min_length", 1) or 1, 1), max_projects=_int("max_length", None),
            points=points, rule=_rule(meta.get("rule", "")), phase_starts=starts, imported_from=source_name,
        )
        categories: dict[str, Category] = {}
        for project in election.projects:
            name = (project.extra.get("category") or "").split(",")[0].strip()
            if name and name.lower() != "none" and name not in categories:
                categories[name] = Category.objects.create(process=process, name=name[:100])
        Project.objects.bulk_create([
            Project(process=process, pb_id=p.id, title=(p.name or f"Project {p.id}")[:200], status=ProjectStatus.FEASIBLE,
                    cost=p.cost * 100, estimated_cost=p.cost * 100,
                    category=categories.get((p.extra.get("category") or "").split(",")[0].strip()),
                    description=(p.extra.get("description") or "")[:10000])
            for p in election.projects if p.cost > 0
        ])
        ballots = []
        for ballot in election.ballots:
            if len(ballot.voter_id) > 40:
                raise ImportProblem(f"voter id {ballot.voter_id[:40]!r}… is longer than 40 characters")
            choices = {pid: int(pts) for pid, pts in ballot.points_by_project().items() if pts}
            ballots.append(Ballot(id=receipts.new_uuid(rng), ballot_id=ballot.voter_id, process=process, choices=choices,
                                  receipt_hash=receipts.receipt_hash(process.pk, receipts.new_receipt_code(rng))))
        Ballot.objects.bulk_create(ballots, batch_size=2000)
        audit_record(action="budgeting.process.imported",
                     summary=f"Past election “{process.title}” imported from {source_name} with {len(ballots)} ballots",
                     actor=user, target=process, public=True,
                     data={"source": source_name, "ballots": len(ballots), "projects": len(election.projects)})
        count = Count.objects.create(process=process, rule=process.rule, engine_rule=counting.engine_rule(process),
                                     comparison_rule=counting.comparison_rule(process), requested_by=user)
    services.count_run(count_id=count.pk)
    return process
