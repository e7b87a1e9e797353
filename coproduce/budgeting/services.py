"""Every change to a budgeting process: keyword-only, atomic, validated and audited.

Secrecy rule for this module: no audit entry, log line or e-mail that names a person may
contain a ballot id or the choices on a ballot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.audit.services import audit_record

from . import counting, receipts, selectors
from .ballots import BallotProblem, check_choices
from .models import (
    Ballot,
    BallotType,
    Category,
    Count,
    CountingRule,
    DeliveryStatus,
    DeliveryUpdate,
    Milestone,
    Phase,
    Process,
    Project,
    ProjectStatus,
    Scope,
    VoterRecord,
)
from .phases import PHASE_TYPES, Action, PhaseKind, check_phase_dates, is_before, phase_allows
from .predicates import member_problem, voter_problem


class BudgetingError(Exception):
    """Something a person tried that the process does not allow; the message says why."""


class PhaseClosed(BudgetingError):
    pass


class NotEligible(BudgetingError):
    pass


class BadBallot(BudgetingError):
    pass


class AlreadyVoted(BudgetingError):
    pass


class BadReceipt(BudgetingError):
    pass


def _require_phase(process: Process, action: str, message: str, *, at: dt.datetime | None = None) -> str:
    kind = selectors.process_phase(process, at=at)
    if not phase_allows(kind, action):
        raise PhaseClosed(message)
    return kind  # type: ignore[return-value]


def _next_pb_id(process: Process) -> str:
    ids = [int(p) for p in process.projects.values_list("pb_id", flat=True) if p.isdigit()]
    return str(max(ids, default=0) + 1)


# ---------------------------------------------------------------- setting up a process


@transaction.atomic
def process_create(*, user, title: str, slug: str, description: str = "", scope: str = Scope.NEIGHBOURHOOD,
                   ward=None, neighbourhood=None, trust=None, budget: int, ballot_type: str = BallotType.APPROVAL,
                   min_projects: int = 1, max_projects: int | None = None, points: int | None = None,
                   min_age: int | None = None, rule: str = CountingRule.EQUAL_SHARES,
                   phase_starts: Mapping[str, dt.datetime], categories: Iterable[tuple[str, int | None]] = (),
                   imported_from: str = "") -> Process:
    process = Process(
        title=title, slug=slug, description=description, scope=scope,
        ward=ward if scope == Scope.WARD else None,
        neighbourhood=neighbourhood if scope == Scope.NEIGHBOURHOOD else None,
        trust=trust if scope == Scope.TRUST else None,
        budget=budget, ballot_type=ballot_type, min_projects=min_projects, max_projects=max_projects,
        points=points if ballot_type == BallotType.CUMULATIVE else None, min_age=min_age, rule=rule,
        rule_published_at=timezone.now(), created_by=user, imported_from=imported_from,
    )
    process.full_clean()
    problems = check_phase_dates(dict(phase_starts))
    if problems:
        raise ValidationError({"__all__": problems})
    process.save()
    for kind, starts_at in phase_starts.items():
        phase = Phase(process=process, kind=PhaseKind(kind), starts_at=starts_at)
        phase.full_clean()
        phase.save()
    for name, envelope in categories:
        category = Category(process=process, name=name, envelope=envelope)
        category.full_clean()
        category.save()
    audit_record(
        action="budgeting.process.created",
        summary=f"Budget process “{process.title}” set up for {process.place_name}: "
        f"{counting.pounds(process.budget)} pounds, {process.get_ballot_type_display()}, "
        f"counted by {process.get_rule_display()}",
        actor=user, target=process, public=True,
        data={"budget_pence": process.budget, "ballot_type": ballot_type, "rule": rule,
              "engine_rule": counting.engine_rule(process), "phases": {k: v.isoformat() for k, v in phase_starts.items()}},
    )
    return process


@transaction.atomic
def process_choose_rule(*, process: Process, user, rule: str) -> Process:
    """Choose (and publish) the counting rule. Only before voting opens."""
    kind = selectors.process_phase(process)
    if not is_before(kind, PhaseKind.VOTING):
        raise PhaseClosed(_("The counting rule cannot change once voting has opened."))
    process = Process.objects.select_for_update().get(pk=process.pk)
    process.rule = rule
    process.rule_published_at = timezone.now()
    process.full_clean()
    process.save(update_fields=["rule", "rule_published_at"])
    audit_record(
        action="budgeting.rule.chosen",
        summary=f"“{process.title}” will be counted by {process.get_rule_display()} ({counting.engine_rule(process)})",
        actor=user, target=process, public=True, data={"rule": rule, "engine_rule": counting.engine_rule(process)},
    )
    return process


# ---------------------------------------------------------------- ideas, proposals and review


@transaction.atomic
def idea_submit(*, process: Process, user, title: str, description: str, category: Category | None = None,
                neighbourhood=None) -> Project:
    _require_phase(process, Action.SUBMIT_IDEA, _("This budget is not collecting ideas at the moment."))
    problem = member_problem(user, process)
    if problem:
        raise NotEligible(problem)
    project = Project(
        process=process, pb_id=_next_pb_id(process), title=title, description=description, proposer=user,
        category=category, neighbourhood=neighbourhood or user.neighbourhood, status=ProjectStatus.IDEA,
    )
    project.full_clean()
    project.save()
    audit_record(action="budgeting.idea.submitted", summary=f"Idea “{title}” shared for “{process.title}”",
                 actor=user, target=project, public=True)
    return project


@transaction.atomic
def project_propose(*, process: Process, user, title: str, summary: str, description: str, estimated_cost: int,
                    category: Category | None = None, neighbourhood=None, idea: Project | None = None) -> Project:
    """Propose a project, new or developed from an idea (the idea becomes the proposal)."""
    _require_phase(process, Action.PROPOSE_PROJECT, _("This budget is not taking project proposals at the moment."))
    problem = member_problem(user, process)
    if problem:
        raise NotEligible(problem)
    if estimated_cost <= 0:
        raise ValidationError({"estimated_cost": _("Enter an estimated cost of more than £0.")})
    if idea is not None:
        if idea.process_id != process.pk or idea.status != ProjectStatus.IDEA:
            raise ValidationError({"idea": _("Choose an idea of this budget that is not yet a proposal.")})
        project = Project.objects.select_for_update().get(pk=idea.pk)
    else:
        project = Project(process=process, pb_id=_next_pb_id(process), proposer=user)
    project.title = title
    project.summary = summary
    project.description = description
    project.estimated_cost = estimated_cost
    project.category = category
    project.neighbourhood = neighbourhood or project.neighbourhood or user.neighbourhood
    project.status = ProjectStatus.PROPOSAL
    project.full_clean()
    project.save()
    audit_record(action="budgeting.project.proposed", summary=f"Project “{title}” proposed for “{process.title}”",
                 actor=user, target=project, public=True, data={"estimated_cost_pence": estimated_cost,
                                                                 "from_idea": idea is not None})
    return project


@transaction.atomic
def project_review(*, project: Project, user, feasible: bool, cost: int | None, reasons: str) -> Project:
    """An officer's costing and feasibility decision, published with the reasons."""
    _require_phase(project.process, Action.REVIEW_PROJECT, _("Projects can only be reviewed in the review phase."))
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status == ProjectStatus.IDEA:
        raise ValidationError({"__all__": _("This is still an idea: it needs to be proposed as a project before it can be reviewed.")})
    if feasible and (cost is None or cost <= 0):
        raise ValidationError({"cost": _("Enter what the project will cost.")})
    if feasible and cost > project.process.budget:
        raise ValidationError({"cost": _("The cost is more than the whole budget, so the project could never be funded.")})
    project.status = ProjectStatus.FEASIBLE if feasible else ProjectStatus.NOT_FEASIBLE
    project.cost = cost if feasible else None
    project.feasibility_reasons = reasons.strip()
    project.reviewed_by = user
    project.reviewed_at = timezone.now()
    project.full_clean()
    project.save()
    verdict = f"feasible at {counting.pounds(cost or 0)} pounds" if feasible else "not feasible"
    audit_record(action="budgeting.project.reviewed", summary=f"Project “{project.title}” reviewed: {verdict}",
                 actor=user, target=project, public=True,
                 data={"feasible": feasible, "cost_pence": project.cost, "reasons": project.feasibility_reasons})
    return project


# ---------------------------------------------------------------- voting


@dataclass(frozen=True)
class CastBallot:
    """What the voter is told once. The receipt code is never stored."""

    ballot_id: str
    receipt_code: str


def _validated_choices(process: Process, choices: Mapping[str, int]) -> dict[str, int]:
    costs = dict(process.projects.on_ballot().values_list("pb_id", "cost"))
    try:
        return check_choices(process, costs, choices)
    except BallotProblem as exc:
        raise BadBallot(str(exc))


def _send_receipt(*, user, process: Process, code: str) -> None:
    """Queue the receipt e-mail. The text is written here, in the voter's language; a worker sends it.

    Sending by SMTP inside the request would add the mail server's round trips to every vote.
    """
    if not user.email:
        return
    body = _(
        "Thank you for voting in “%(title)s”.\n\nYour receipt code is: %(code)s\n\n"
        "Keep it safe. With it you can check your ballot, and change it until voting closes, at %(url)s. "
        "Nobody else has this code: the council stores only a scrambled form of it and cannot send it again."
    ) % {"title": process.title, "code": code, "url": selectors.ballot_check_path(process)}
    from .tasks import send_receipt_email

    send_receipt_email.delay(user.email, str(_("Your voting receipt")), body)


def vote_cast(*, process: Process, user, choices: Mapping[str, int], rng: random.Random | None = None,
              today: dt.date | None = None, send_receipt: bool = True) -> CastBallot:
    """Record that `user` voted and put their anonymous ballot in the box, both or neither.

    The unique constraint on (process, user) decides double votes. When two submissions race,
    the second INSERT waits for the first to commit and then fails, its whole transaction rolls
    back, and it is reported as a double vote. No savepoints are needed on the usual path.
    """
    try:
        return _vote_cast(process=process, user=user, choices=choices, rng=rng, today=today,
                          send_receipt=send_receipt)
    except IntegrityError:
        if VoterRecord.objects.filter(process=process, user=user).exists():
            raise AlreadyVoted(_("You have already voted in this budget. Use your receipt code to check or change your ballot."))
        raise


@transaction.atomic
def _vote_cast(*, process: Process, user, choices: Mapping[str, int], rng: random.Random | None,
               today: dt.date | None, send_receipt: bool) -> CastBallot:
    _require_phase(process, Action.VOTE, _("Voting is not open for this budget."))
    problem = voter_problem(user, process, today=today)
    if problem:
        raise NotEligible(problem)
    ballot_choices = _validated_choices(process, choices)
    VoterRecord.objects.create(process=process, user=user, channel=VoterRecord.Channel.ONLINE,
                               voted_on=today or timezone.localdate())
    cast = _put_in_box(process=process, choices=ballot_choices, rng=rng)
    audit_record(action="budgeting.vote.recorded", summary=f"A resident voted online in “{process.title}”",
                 actor=user, target=process, public=False, data={"channel": "online"})
    if send_receipt:
        code = cast.receipt_code
        transaction.on_commit(lambda: _send_receipt(user=user, process=process, code=code))
    return cast


def _put_in_box(*, process: Process, choices: dict[str, int], rng: random.Random | None) -> CastBallot:
    """Ballot ids have 60 random bits and the key 122: a clash is not worth a savepoint per vote."""
    code = receipts.new_receipt_code(rng)
    ballot_id = receipts.new_ballot_id(rng)
    Ballot.objects.create(id=receipts.new_uuid(rng), ballot_id=ballot_id, process=process, choices=choices,
                          receipt_hash=receipts.receipt_hash(process.pk, code))
    return CastBallot(ballot_id=ballot_id, receipt_code=code)


def paper_ballot_enter(*, process: Process, officer, voter, choices: Mapping[str, int],
                       today: dt.date | None = None) -> CastBallot:
    """An officer enters the paper ballot of a person who voted in person.

    The person is marked as voted (so they cannot also vote online); the audit entry names
    the officer and the person but never the choices or the ballot id.
    """
    try:
        return _paper_ballot_enter(process=process, officer=officer, voter=voter, choices=choices, today=today)
    except IntegrityError:
        if VoterRecord.objects.filter(process=process, user=voter).exists():
            raise AlreadyVoted(_("%(name)s has already voted in this budget.") % {"name": voter.display_name})
        raise


@transaction.atomic
def _paper_ballot_enter(*, process: Process, officer, voter, choices: Mapping[str, int],
                        today: dt.date | None) -> CastBallot:
    _require_phase(process, Action.ENTER_PAPER_BALLOT, _("Paper ballots can only be entered while voting is open."))
    problem = voter_problem(voter, process, today=today)
    if problem:
        raise NotEligible(_("%(name)s cannot vote in this budget: %(reason)s") % {"name": voter.display_name, "reason": problem})
    ballot_choices = _validated_choices(process, choices)
    VoterRecord.objects.create(process=process, user=voter, channel=VoterRecord.Channel.PAPER,
                               voted_on=today or timezone.localdate(), recorded_by=officer)
    cast = _put_in_box(process=process, choices=ballot_choices, rng=None)
    audit_record(action="budgeting.vote.paper_entered",
                 summary=f"A paper ballot was entered for a resident in “{process.title}”",
                 actor=officer, target=process, public=False, data={"channel": "paper", "voter_id": voter.pk})
    return cast


@transaction.atomic
def ballot_change(*, process: Process, user, receipt_code: str, choices: Mapping[str, int]) -> Ballot:
    """Replace the choices of the ballot whose receipt code the voter holds. The voter record is unchanged."""
    _require_phase(process, Action.CHANGE_VOTE, _("Voting has closed, so ballots can no longer be changed."))
    if not VoterRecord.objects.filter(process=process, user=user).exists():
        raise BadReceipt(_("You have not voted in this budget yet, so there is no ballot to change."))
    ballot_choices = _validated_choices(process, choices)
    ballot = selectors.ballot_by_receipt(process=process, code=receipt_code, for_update=True)
    if ballot is None:
        raise BadReceipt(_("We could not find a ballot with that receipt code. Check the code and try again."))
    ballot.choices = ballot_choices
    ballot.save(update_fields=["choices"])
    audit_record(action="budgeting.vote.changed", summary=f"A resident changed their ballot in “{process.title}”",
                 actor=user, target=process, public=False)
    return ballot


# ---------------------------------------------------------------- counting


@transaction.atomic
def count_request(*, process: Process, user) -> Count:
    """Queue a count of the closed ballot box; the Celery task does the work."""
    _require_phase(process, Action.COUNT, _("The votes can only be counted after voting has closed."))
    if process.counts.filter(status__in=[Count.Status.QUEUED, Count.Status.RUNNING]).exists():
        raise BudgetingError(_("A count is already under way."))
    count = Count.objects.create(
        process=process, rule=process.rule, engine_rule=counting.engine_rule(process),
        comparison_rule=counting.comparison_rule(process), requested_by=user, stage=_("Waiting to start"),
    )
    audit_record(action="budgeting.count.requested", summary=f"Count of “{process.title}” started",
                 actor=user, target=process, public=True, data={"count": count.pk, "engine_rule": count.engine_rule})
    from .tasks import count_ballots

    transaction.on_commit(lambda: count_ballots.delay(count.pk))
    return count


def _progress(count: Count, percent: int, stage: str) -> None:
    Count.objects.filter(pk=count.pk).update(progress=percent, stage=stage, status=Count.Status.RUNNING)


def _outcome_ids(outcome) -> list[str]:
    return [str(pid) for pid in outcome.selected]


def _as_int(value) -> int:
    return int(value)


def count_run(*, count_id: int) -> Count:
    """Run the engine over the published .pb file, recording progress as it goes."""
    count = Count.objects.select_related("process").get(pk=count_id)
    process = count.process
    try:
        pb = counting.engine()
        _progress(count, 10, _("Publishing the anonymised ballots"))
        text = counting.published_pb(process)
        election = pb.parse_pb(text)
        _progress(count, 30, _("Counting with %(rule)s") % {"rule": count.get_rule_display()})
        outcome = pb.count(election, count.engine_rule)
        _progress(count, 60, _("Counting greedy by votes for comparison"))
        comparison = pb.count(election, count.comparison_rule)
        _progress(count, 80, _("Writing an explanation for every project"))
        explanations = {str(p.id): str(pb.explain(outcome, election, p.id)) for p in election.projects}
        votes = counting.votes_per_project(process)
        ballots = process.ballots.count()
    except Exception as exc:  # noqa: BLE001 - any engine failure is shown on the count page
        with transaction.atomic():
            Count.objects.filter(pk=count.pk).update(status=Count.Status.FAILED, error=str(exc)[:2000],
                                                     finished_at=timezone.now())
            audit_record(action="budgeting.count.failed", summary=f"Count of “{process.title}” failed: {exc}"[:500],
                         target=process, public=True, data={"count": count.pk})
        count.refresh_from_db()
        return count
    with transaction.atomic():
        count = Count.objects.select_for_update().get(pk=count.pk)
        count.status = Count.Status.DONE
        count.progress = 100
        count.stage = _("Finished")
        count.ballots = ballots
        count.input_sha256 = hashlib.sha256(text.encode()).hexdigest()
        count.selected = _outcome_ids(outcome)
        count.spent = _as_int(outcome.cost)
        count.comparison_selected = _outcome_ids(comparison)
        count.comparison_spent = _as_int(comparison.cost)
        count.explanations = explanations
        count.votes = votes
        count.finished_at = timezone.now()
        count.save()
        process.projects.update(funded=False)
        process.projects.filter(pb_id__in=count.selected).update(funded=True)
        audit_record(
            action="budgeting.count.finished",
            summary=f"Count of “{process.title}” finished: {len(count.selected)} projects funded, "
            f"{count.spent} of {counting.pounds(process.budget)} pounds",
            target=process, public=True,
            data={"count": count.pk, "engine_rule": count.engine_rule, "selected": count.selected,
                  "spent": count.spent, "ballots": ballots, "input_sha256": count.input_sha256},
        )
    return count


# ---------------------------------------------------------------- delivery


@transaction.atomic
def delivery_update(*, project: Project, user, status: str, progress: int, note: str = "") -> Project:
    if not phase_allows(selectors.process_phase(project.process), Action.UPDATE_DELIVERY):
        raise PhaseClosed(_("Delivery can be updated only in the delivery phase."))
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not project.funded:
        raise ValidationError({"__all__": _("Only funded projects have delivery progress.")})
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Progress must be between 0 and 100 per cent.")})
    status = DeliveryStatus(status)
    if status == DeliveryStatus.COMPLETED and progress != 100:
        raise ValidationError({"progress": _("A completed project is 100 per cent delivered.")})
    update = DeliveryUpdate(project=project, status=status, progress=progress, note=note, recorded_by=user)
    update.full_clean()
    update.save()
    project.delivery_status = status
    project.progress = progress
    project.save(update_fields=["delivery_status", "progress"])
    audit_record(action="budgeting.delivery.updated",
                 summary=f"“{project.title}”: {status.label.lower()}, {progress}% delivered",
                 actor=user, target=project, public=True, data={"status": status.value, "progress": progress, "note": note})
    return project


@transaction.atomic
def milestone_record(*, project: Project, user, title: str, due_on: dt.date, done_on: dt.date | None = None,
                     evidence: str = "", evidence_url: str = "", milestone: Milestone | None = None) -> Milestone:
    if not project.funded:
        raise ValidationError({"__all__": _("Only funded projects have milestones.")})
    if done_on is not None and not (evidence.strip() or evidence_url.strip()):
        raise ValidationError({"evidence": _("Say what shows the milestone was done.")})
    milestone = milestone or Milestone(project=project)
    milestone.title, milestone.due_on, milestone.done_on = title, due_on, done_on
    milestone.evidence, milestone.evidence_url = evidence, evidence_url
    milestone.full_clean()
    milestone.save()
    audit_record(action="budgeting.milestone.recorded",
                 summary=f"Milestone “{title}” of “{project.title}”" + (" done" if done_on else " planned"),
                 actor=user, target=project, public=True,
                 data={"milestone": milestone.pk, "due_on": due_on.isoformat(), "done_on": done_on.isoformat() if done_on else None})
    return milestone


def phase_description(kind: str | None) -> str:
    return str(PHASE_TYPES[kind].description) if kind else ""
