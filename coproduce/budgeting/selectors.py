"""Reads: which phase is active, what people may see, results and delivery roll-ups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count as DbCount
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone

from . import receipts
from .models import (
    Ballot,
    Count,
    DeliveryStatus,
    Milestone,
    Phase,
    Process,
    Project,
    ProjectStatus,
    VoterRecord,
)
from .phases import PHASE_ORDER, PhaseKind, active_phase_kind


def process_phase(process: Process, *, at: dt.datetime | None = None) -> str | None:
    """The one place that decides which phase of `process` is running (None: not started)."""
    at = at or timezone.now()
    starts = getattr(process, "phase_starts", None)
    if starts is None:
        phases = getattr(process, "_prefetched_objects_cache", {}).get("phases")
        starts = [(p.kind, p.starts_at) for p in phases] if phases is not None else list(
            Phase.objects.filter(process=process).values_list("kind", "starts_at")
        )
    return active_phase_kind(starts, at)


def process_phase_for_listing(process: Process, *, at: dt.datetime | None = None) -> str:
    """As process_phase, but a process that has not started reports its first phase."""
    kind = process_phase(process, at=at)
    if kind is not None:
        return kind
    kinds = sorted((p.kind for p in process.phases.all()), key=PHASE_ORDER.index)
    return kinds[0] if kinds else PhaseKind.IDEAS


def process_list():
    return (
        Process.objects.with_places()
        .prefetch_related("phases")
        .annotate(ballot_count=DbCount("ballots", distinct=True))
        .order_by("-created_at", "title")
    )


def process_get(*, slug: str) -> Process:
    return Process.objects.with_places().prefetch_related("phases", "categories").get(slug=slug)


def process_for_voting(*, slug: str, user) -> Process:
    """The process for the ballot page in two queries: places, phases, and whether `user` has voted.

    `user_has_voted` is only a shortcut for showing the right page; the unique voter record
    still decides double votes when the ballot is cast.
    """
    qs = Process.objects.with_places()
    if getattr(user, "is_authenticated", False):
        qs = qs.annotate(user_has_voted=Exists(VoterRecord.objects.filter(process=OuterRef("pk"), user=user)))
    process = qs.get(slug=slug)
    # Plain (kind, start) pairs cost far less to load than prefetched Phase objects.
    process.phase_starts = list(Phase.objects.filter(process_id=process.pk).values_list("kind", "starts_at"))
    return process


def phase_timeline(process: Process, *, at: dt.datetime | None = None) -> list[dict]:
    current = process_phase(process, at=at)
    rows = []
    phases = sorted(process.phases.all(), key=lambda p: PHASE_ORDER.index(p.kind))
    for phase in phases:
        if current is None:
            state = "upcoming"
        elif phase.kind == current:
            state = "current"
        elif PHASE_ORDER.index(phase.kind) < PHASE_ORDER.index(current):
            state = "done"
        else:
            state = "upcoming"
        rows.append({"phase": phase, "state": state})
    return rows


def project_list(*, process: Process, statuses: list[str] | None = None):
    qs = process.projects.select_related("category", "neighbourhood")
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("title")


def ballot_projects(process: Process):
    return process.projects.on_ballot().select_related("category", "neighbourhood").order_by("title")


def project_get(*, process: Process, pb_id: str) -> Project:
    return process.projects.select_related("category", "neighbourhood", "reviewed_by").get(pb_id=pb_id)


def ideas_for(*, process: Process):
    return process.projects.filter(status=ProjectStatus.IDEA).order_by("title")


def has_voted(*, process: Process, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    known = getattr(process, "user_has_voted", None)
    if known is not None:
        return known
    return VoterRecord.objects.filter(process=process, user=user).exists()


def ballot_by_receipt(*, process: Process, code: str, for_update: bool = False) -> Ballot | None:
    if not receipts.looks_like_a_code(code):
        return None
    qs = Ballot.objects.filter(process=process, receipt_hash=receipts.receipt_hash(process.pk, code))
    if for_update:
        qs = qs.select_for_update()
    return qs.first()


def ballot_check_path(process: Process) -> str:
    return reverse("budgeting:ballot_check", kwargs={"slug": process.slug})


def turnout(process: Process) -> dict:
    records = VoterRecord.objects.filter(process=process)
    return {
        "voters": records.count(),
        "online": records.filter(channel=VoterRecord.Channel.ONLINE).count(),
        "paper": records.filter(channel=VoterRecord.Channel.PAPER).count(),
        "ballots": Ballot.objects.filter(process=process).count(),
    }


def latest_count(process: Process) -> Count | None:
    return process.counts.order_by("-requested_at", "-id").first()


def published_count(process: Process, *, at: dt.datetime | None = None) -> Count | None:
    """The count the public sees: the latest finished one with the process's rule, once results are out."""
    kind = process_phase(process, at=at)
    if kind not in (PhaseKind.RESULTS, PhaseKind.DELIVERY):
        return None
    return process.counts.filter(status=Count.Status.DONE, rule=process.rule).order_by("-finished_at", "-id").first()


def ballots_are_public(process: Process, *, at: dt.datetime | None = None) -> bool:
    kind = process_phase(process, at=at)
    return kind in (PhaseKind.COUNTING, PhaseKind.RESULTS, PhaseKind.DELIVERY)


@dataclass
class ResultRow:
    project: Project
    votes: int
    funded: bool
    greedy_funded: bool
    explanation: str
    cost_pounds: int


@dataclass
class Results:
    count: Count
    rows: list[ResultRow]
    spent_pence: int
    leftover_pence: int
    greedy_spent_pence: int
    max_votes: int
    by_group: list[dict] = field(default_factory=list)
    group_label: str = ""
    differences: list[ResultRow] = field(default_factory=list)


def results_for(process: Process, count: Count) -> Results:
    projects = {p.pb_id: p for p in ballot_projects(process)}
    selected = list(count.selected)
    greedy = set(count.comparison_selected)
    rows = []
    order = {pid: i for i, pid in enumerate(selected)}
    for pid, project in projects.items():
        rows.append(ResultRow(
            project=project, votes=int(count.votes.get(pid, 0)), funded=pid in order, greedy_funded=pid in greedy,
            explanation=count.explanations.get(pid, ""), cost_pounds=(project.cost or 0) // 100,
        ))
    rows.sort(key=lambda r: (not r.funded, order.get(r.project.pb_id, 0), -r.votes, r.project.title))
    spent = sum((p.cost or 0) for pid, p in projects.items() if pid in order)
    greedy_spent = sum((p.cost or 0) for pid, p in projects.items() if pid in greedy)
    groups: dict[str, int] = {}
    use_categories = process.categories.exists()
    for row in rows:
        if not row.funded:
            continue
        if use_categories:
            key = row.project.category.name if row.project.category else "Other"
        else:
            key = row.project.neighbourhood.name if row.project.neighbourhood else process.place_name
        groups[key] = groups.get(key, 0) + (row.project.cost or 0)
    envelopes = {c.name: c.envelope for c in process.categories.all()}
    by_group = [
        {"name": name, "pence": pence, "envelope": envelopes.get(name)}
        for name, pence in sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return Results(
        count=count, rows=rows, spent_pence=spent, leftover_pence=process.budget - spent,
        greedy_spent_pence=greedy_spent, max_votes=max([r.votes for r in rows] or [0]),
        by_group=by_group, group_label="category" if use_categories else "neighbourhood",
        differences=[r for r in rows if r.funded != r.greedy_funded],
    )


def delivery_rollup(process: Process) -> dict:
    """Progress of the whole process: the cost-weighted average of its funded projects."""
    funded = list(
        process.projects.funded().prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id")))
        .order_by("title")
    )
    total_cost = sum(p.cost or 0 for p in funded)
    weighted = sum((p.cost or 0) * p.progress for p in funded)
    active = [p for p in funded if p.delivery_status != DeliveryStatus.CANCELLED]
    return {
        "projects": funded,
        "progress": round(weighted / total_cost) if total_cost else 0,
        "completed": sum(1 for p in funded if p.delivery_status == DeliveryStatus.COMPLETED),
        "active": len(active),
        "milestones_done": sum(1 for p in funded for m in p.milestones.all() if m.done_on),
        "milestones": sum(len(p.milestones.all()) for p in funded),
    }


def processes_open_for_voting(*, at: dt.datetime | None = None) -> list[Process]:
    return [p for p in process_list() if process_phase(p, at=at) == PhaseKind.VOTING]
