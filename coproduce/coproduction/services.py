"""Writes for co-production. Every function is keyword-only, atomic, validates, and writes the
audit log. Bad input raises `ValidationError` with a message people can read; nothing changes.

Attendance pays time credits through `coproduce.timebank.services` in the same transaction:
1 credit an hour of the meeting, under the "meeting_attendance" earning rule (ADR 0530).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coproduce.accounts.models import STAFF_ROLES
from coproduce.audit.services import audit_record
from coproduce.timebank import services as timebank

from . import selectors
from .models import (
    SELF_CHOSEN_TYPES,
    Action,
    ActionStatus,
    ActionUpdate,
    Attendance,
    Collaborative,
    Idea,
    Meeting,
    Participant,
    ParticipantType,
    Registration,
)
from .predicates import forget_participation

ATTENDANCE_RULE = "meeting_attendance"
#: Apps whose objects an idea or action may be linked to (what later answers them).
LINKABLE_APPS = frozenset({"commissioning", "budgeting"})

A = ActionStatus
#: How an action's status may change. A done action can be reopened if it turns out not to be.
ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    A.OPEN: frozenset({A.IN_PROGRESS, A.DONE}),
    A.IN_PROGRESS: frozenset({A.OPEN, A.DONE}),
    A.DONE: frozenset({A.IN_PROGRESS}),
}


def _label(person) -> str:
    return getattr(person, "public_label", None) or str(person)


# --- collaboratives and participants -------------------------------------------------------------

def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "collaborative"
    slug, n = base, 2
    while Collaborative.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def collaborative_create(*, name: str, summary: str, created_by, description: str = "", trust=None,
                         is_open: bool = True,
                         organiser_type: str = ParticipantType.COMMISSIONER) -> Collaborative:
    """Set up a collaborative; the person who sets it up is its first organiser."""
    collaborative = Collaborative(
        name=(name or "").strip(), summary=(summary or "").strip(), description=(description or "").strip(),
        trust=trust, is_open=is_open, created_by=created_by,
    )
    collaborative.slug = _unique_slug(collaborative.name)
    collaborative.full_clean()
    collaborative.save()
    Participant.objects.create(collaborative=collaborative, person=created_by, participant_type=organiser_type,
                               is_organiser=True)
    audit_record(
        action="coproduction.collaborative.created",
        summary=f"Collaborative “{collaborative.name}” set up",
        actor=created_by, target=collaborative, public=True,
    )
    return collaborative


@transaction.atomic
def participant_join(*, collaborative: Collaborative, person, participant_type: str) -> Participant:
    """A person joins an open collaborative, saying how they take part."""
    if participant_type not in SELF_CHOSEN_TYPES:
        raise ValidationError({"participant_type": _("Select how you take part")})
    existing = Participant.objects.select_for_update().filter(collaborative=collaborative, person=person).first()
    if existing is not None and existing.is_active:
        raise ValidationError(_("You already take part in this collaborative."), code="already")
    if not collaborative.is_open:
        raise ValidationError(_("This collaborative is not taking new participants at the moment."), code="closed")
    if existing is not None:
        existing.left_at = None
        existing.participant_type = participant_type
        existing.joined_at = timezone.now()
        existing.save(update_fields=["left_at", "participant_type", "joined_at"])
        participant = existing
    else:
        participant = Participant.objects.create(
            collaborative=collaborative, person=person, participant_type=participant_type,
        )
    forget_participation(person)
    audit_record(
        action="coproduction.participant.joined",
        summary=f"Someone joined the collaborative “{collaborative.name}” as {participant.get_participant_type_display().lower()}",
        actor=person, target=collaborative, data={"participant_type": participant_type},
    )
    return participant


@transaction.atomic
def participant_leave(*, collaborative: Collaborative, person) -> bool:
    """Leave a collaborative. False (nothing changed) if they were not taking part."""
    participant = (
        Participant.objects.select_for_update().active().filter(collaborative=collaborative, person=person).first()
    )
    if participant is None:
        return False
    if participant.is_organiser and not Participant.objects.active().filter(
        collaborative=collaborative, is_organiser=True
    ).exclude(pk=participant.pk).exists():
        raise ValidationError(
            _("You are the only organiser. Make someone else an organiser before you leave."), code="last_organiser"
        )
    participant.left_at = timezone.now()
    participant.is_organiser = False
    participant.save(update_fields=["left_at", "is_organiser"])
    forget_participation(person)
    audit_record(
        action="coproduction.participant.left", summary=f"Someone left the collaborative “{collaborative.name}”",
        actor=person, target=collaborative,
    )
    return True


@transaction.atomic
def participant_set(*, collaborative: Collaborative, person, participant_type: str, is_organiser: bool,
                    actor) -> Participant:
    """An organiser adds someone (a practitioner, a commissioner) or changes how they take part."""
    if participant_type not in ParticipantType.values:
        raise ValidationError({"participant_type": _("Select how this person takes part")})
    participant, created = Participant.objects.select_for_update().get_or_create(
        collaborative=collaborative, person=person,
        defaults={"participant_type": participant_type, "is_organiser": is_organiser},
    )
    if not is_organiser and participant.is_organiser and not Participant.objects.active().filter(
        collaborative=collaborative, is_organiser=True
    ).exclude(pk=participant.pk).exists():
        raise ValidationError(_("A collaborative needs at least one organiser."), code="last_organiser")
    if not created:
        participant.participant_type = participant_type
        participant.is_organiser = is_organiser
        participant.left_at = None
        participant.save(update_fields=["participant_type", "is_organiser", "left_at"])
    forget_participation(person)
    audit_record(
        action="coproduction.participant.set",
        summary=f"Participation in “{collaborative.name}” recorded: {participant.get_participant_type_display()}"
                + (", organiser" if is_organiser else ""),
        actor=actor, target=collaborative,
        data={"person_id": person.pk, "participant_type": participant_type, "is_organiser": is_organiser},
    )
    return participant


# --- meetings --------------------------------------------------------------------------------------

@transaction.atomic
def meeting_schedule(*, collaborative: Collaborative, organiser, title: str, starts_at: dt.datetime,
                     ends_at: dt.datetime, accessibility: str, capacity: int, venue: str = "",
                     online_url: str = "", agenda: str = "") -> Meeting:
    if starts_at is not None and starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("The meeting must start in the future")}, code="past")
    meeting = Meeting(
        collaborative=collaborative, organiser=organiser, title=(title or "").strip(), starts_at=starts_at,
        ends_at=ends_at, venue=(venue or "").strip(), online_url=(online_url or "").strip(),
        accessibility=(accessibility or "").strip(), agenda=(agenda or "").strip(), capacity=capacity,
    )
    meeting.full_clean()
    meeting.save()
    audit_record(
        action="coproduction.meeting.scheduled",
        summary=f"Meeting “{meeting.title}” of {collaborative.name} scheduled for "
                f"{timezone.localtime(starts_at):%d %B %Y at %H:%M}",
        actor=organiser, target=meeting, public=True,
    )
    return meeting


@transaction.atomic
def meeting_register(*, meeting: Meeting, person, access_needs: str = "") -> Registration:
    """Take a place at a meeting. Refused (nothing changes) when already registered, the meeting
    is full, or it has started. The meeting row is locked so two people cannot take the last place."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.has_started():
        raise ValidationError(_("Registration has closed: this meeting has already started."), code="started")
    existing = Registration.objects.filter(meeting=locked, person=person).first()
    if existing is not None and existing.is_active:
        raise ValidationError(_("You are already registered for this meeting."), code="already")
    taken = Registration.objects.active().filter(meeting=locked).count()
    if taken >= locked.capacity:
        raise ValidationError(
            _("This meeting is full: all %(n)s places are taken.") % {"n": locked.capacity}, code="full"
        )
    access_needs = (access_needs or "").strip()
    if existing is not None:
        existing.cancelled_at = None
        existing.access_needs = access_needs
        existing.registered_at = timezone.now()
        existing.save(update_fields=["cancelled_at", "access_needs", "registered_at"])
        registration = existing
    else:
        try:
            with transaction.atomic():
                registration = Registration.objects.create(meeting=locked, person=person, access_needs=access_needs)
        except IntegrityError:
            raise ValidationError(_("You are already registered for this meeting."), code="already")
    audit_record(
        action="coproduction.meeting.registered", summary=f"Someone registered for the meeting “{locked.title}”",
        actor=person, target=locked, data={"has_access_needs": bool(access_needs)},
    )
    return registration


@transaction.atomic
def registration_cancel(*, meeting: Meeting, person) -> bool:
    """Give up one's place. False (nothing changed) if there was no registration."""
    registration = (
        Registration.objects.select_for_update().active().filter(meeting=meeting, person=person).first()
    )
    if registration is None:
        return False
    if meeting.has_started():
        raise ValidationError(_("This meeting has already started, so the registration stays on the record."))
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["cancelled_at"])
    audit_record(
        action="coproduction.meeting.registration_cancelled",
        summary=f"Someone cancelled their place at the meeting “{meeting.title}”", actor=person, target=meeting,
    )
    return True


def _credit_event_key(*, meeting: Meeting, person) -> str:
    previous = Attendance.objects.filter(meeting=meeting, person=person).count()
    key = f"coproduction.attendance:{meeting.pk}:{person.pk}"
    return key if previous == 0 else f"{key}:{previous + 1}"


@transaction.atomic
def attendance_mark(*, meeting: Meeting, person, organiser) -> Attendance:
    """Record that `person` took part, and pay them time credits for the meeting's length."""
    if not meeting.has_started():
        raise ValidationError(_("Attendance can be marked once the meeting has started."), code="not_started")
    current = Attendance.objects.select_for_update().filter(meeting=meeting, person=person, unmarked_at__isnull=True).first()
    if current is not None:
        return current
    key = _credit_event_key(meeting=meeting, person=person)
    credits = timebank.credits_for_rule(rule=ATTENDANCE_RULE, quantity=meeting.duration_hours)
    when = timezone.localtime(meeting.starts_at)
    posted = timebank.credit_issue_for_event(
        member=person, event_key=key, credits=credits, rule=ATTENDANCE_RULE, actor=organiser,
        reason=f"Took part in “{meeting.title}” ({meeting.collaborative.name}), {when:%d %B %Y}",
    )
    attendance = Attendance.objects.create(
        meeting=meeting, person=person, marked_by=organiser, credit_event_key=key, credit_transaction=posted,
    )
    audit_record(
        action="coproduction.attendance.marked", summary=f"Attendance marked at the meeting “{meeting.title}”",
        actor=organiser, target=meeting,
        data={"person_id": person.pk, "event_key": key, "credits": str(credits) if posted else "0"},
    )
    return attendance


@transaction.atomic
def attendance_unmark(*, meeting: Meeting, person, organiser, reason: str = "") -> bool:
    """Correct a mistaken mark: the row stays (unmarked) and the credits are reversed in the ledger.

    Refused, and nothing changes, if the person has already spent the credits.
    """
    current = Attendance.objects.select_for_update().filter(meeting=meeting, person=person, unmarked_at__isnull=True).first()
    if current is None:
        return False
    why = (reason or "").strip() or f"Marked as attending “{meeting.title}” by mistake"
    reversal = None
    if current.credit_transaction_id is not None:
        reverse_for_event = getattr(timebank, "credit_reverse_for_event", None)
        try:
            if reverse_for_event is not None:
                reversal = reverse_for_event(event_key=current.credit_event_key, reason=why, actor=organiser)
            else:
                reversal = timebank.transaction_reverse(original=current.credit_transaction, reason=why, actor=organiser)
        except ValidationError as exc:
            raise ValidationError(
                _("%(name)s cannot be unmarked: %(problem)s")
                % {"name": person.display_name, "problem": exc.messages[0]}, code="reversal_refused",
            )
    current.unmarked_at = timezone.now()
    current.unmarked_by = organiser
    current.reversal_transaction = reversal
    current.save(update_fields=["unmarked_at", "unmarked_by", "reversal_transaction"])
    audit_record(
        action="coproduction.attendance.unmarked", summary=f"Attendance corrected at the meeting “{meeting.title}”",
        actor=organiser, target=meeting, data={"person_id": person.pk, "event_key": current.credit_event_key},
    )
    return True


@transaction.atomic
def attendance_set(*, meeting: Meeting, present_ids: set[int], organiser) -> tuple[int, int]:
    """Make the attendance record match the organiser's list: mark the new, unmark the removed.

    All or nothing: if one correction is refused, no mark or unmark is kept. Returns (marked, unmarked).
    """
    if not meeting.has_started():
        raise ValidationError(_("Attendance can be marked once the meeting has started."), code="not_started")
    candidates = {u.pk: u for u in selectors.attendance_candidates(meeting=meeting)}
    current = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting, unmarked_at__isnull=True)
               .select_related("person")}
    unknown = set(present_ids) - set(candidates) - set(current)
    if unknown:
        raise ValidationError(_("Only people registered for the meeting or taking part in the collaborative can be marked."))
    marked = unmarked = 0
    for person_id in sorted(set(present_ids) - set(current)):
        attendance_mark(meeting=meeting, person=candidates[person_id], organiser=organiser)
        marked += 1
    for person_id in sorted(set(current) - set(present_ids)):
        attendance_unmark(meeting=meeting, person=current[person_id].person, organiser=organiser)
        unmarked += 1
    return marked, unmarked


@transaction.atomic
def minutes_record(*, meeting: Meeting, minutes: str, actor) -> Meeting:
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": _("Enter the minutes")})
    if not meeting.has_started():
        raise ValidationError(_("Minutes can be recorded once the meeting has started."), code="not_started")
    first = not meeting.minutes
    meeting.minutes = minutes
    meeting.minutes_recorded_at = timezone.now()
    meeting.minutes_recorded_by = actor
    meeting.save(update_fields=["minutes", "minutes_recorded_at", "minutes_recorded_by"])
    audit_record(
        action="coproduction.meeting.minutes_recorded",
        summary=f"Minutes {'published' if first else 'updated'} for the meeting “{meeting.title}”",
        actor=actor, target=meeting, public=True, data={"characters": len(minutes)},
    )
    return meeting


# --- ideas and actions ---------------------------------------------------------------------------

@transaction.atomic
def idea_record(*, meeting: Meeting, title: str, actor, description: str = "", needs=()) -> Idea:
    idea = Idea(collaborative=meeting.collaborative, meeting=meeting, title=(title or "").strip(),
                description=(description or "").strip(), created_by=actor)
    idea.full_clean()
    idea.save()
    if needs:
        idea.needs.set(needs)
    audit_record(
        action="coproduction.idea.recorded", summary=f"Idea recorded at “{meeting.title}”: {idea.title}",
        actor=actor, target=idea, public=True, data={"needs": sorted(n.pk for n in needs)},
    )
    return idea


def owner_label(*, collaborative: Collaborative, owner) -> str:
    """Staff are named with their role; everyone else by how they take part, never by name."""
    if owner.role_set() & STAFF_ROLES:
        return _label(owner)
    participant = Participant.objects.filter(collaborative=collaborative, person=owner).first()
    if participant is not None:
        return participant.get_participant_type_display()
    return str(_("A participant"))


@transaction.atomic
def action_record(*, collaborative: Collaborative, title: str, owner, due_date: dt.date, actor,
                  meeting: Meeting | None = None, idea: Idea | None = None, description: str = "",
                  needs=()) -> Action:
    errors = {}
    if not Participant.objects.active().filter(collaborative=collaborative, person=owner).exists():
        errors["owner"] = _("The owner must take part in the collaborative")
    if due_date is not None and due_date < timezone.localdate():
        errors["due_date"] = _("Due date must be today or in the future")
    if idea is not None and idea.collaborative_id != collaborative.pk:
        errors["idea"] = _("Choose an idea from this collaborative")
    if errors:
        raise ValidationError(errors)
    action = Action(
        collaborative=collaborative, meeting=meeting, idea=idea, title=(title or "").strip(),
        description=(description or "").strip(), owner=owner,
        owner_label=owner_label(collaborative=collaborative, owner=owner), due_date=due_date, created_by=actor,
    )
    action.full_clean()
    action.save()
    if needs:
        action.needs.set(needs)
    audit_record(
        action="coproduction.action.recorded",
        summary=f"Action agreed in {collaborative.name}: {action.title} ({action.owner_label}, due {due_date:%d %B %Y})",
        actor=actor, target=action, public=True, data={"needs": sorted(n.pk for n in needs)},
    )
    return action


@transaction.atomic
def action_update_status(*, action: Action, status: str, actor, note: str = "") -> ActionUpdate:
    locked = Action.objects.select_for_update().get(pk=action.pk)
    if status not in ACTION_TRANSITIONS.get(locked.status, frozenset()):
        try:
            label = A(status).label
        except ValueError:
            label = status
        raise ValidationError(
            {"status": _("An action that is “%(current)s” cannot be changed to “%(new)s”")
             % {"current": locked.get_status_display(), "new": label}},
        )
    update = ActionUpdate.objects.create(
        action=locked, from_status=locked.status, to_status=status, note=(note or "").strip(), by=actor,
        by_label=owner_label(collaborative=locked.collaborative, owner=actor),
    )
    locked.status = status
    locked.completed_at = timezone.now() if status == A.DONE else None
    locked.full_clean()
    locked.save(update_fields=["status", "completed_at"])
    audit_record(
        action="coproduction.action.status_changed",
        summary=f"Action “{locked.title}”: {A(update.from_status).label} → {A(status).label}",
        actor=actor, target=locked, public=True, data={"from": update.from_status, "to": status, "note": update.note},
    )
    action.status, action.completed_at = locked.status, locked.completed_at
    return update


@transaction.atomic
def link_to_elsewhere(*, item: Idea | Action, target, actor) -> Idea | Action:
    """Link an idea or action to what answers it in a later app (a commissioning project, a
    budgeting process). The extension point for those apps: see ADR 0531."""
    from django.contrib.contenttypes.models import ContentType

    if target is None or target.pk is None or target._meta.app_label not in LINKABLE_APPS:
        raise ValidationError(_("Ideas and actions can only be linked to commissioning or budgeting."))
    item.linked_type = ContentType.objects.get_for_model(target)
    item.linked_id = target.pk
    item.full_clean()
    item.save(update_fields=["linked_type", "linked_id"])
    audit_record(
        action=f"coproduction.{item._meta.model_name}.linked",
        summary=f"“{item}” linked to {target._meta.verbose_name} “{target}”",
        actor=actor, target=item, public=True, data={"linked": f"{target._meta.label_lower}:{target.pk}"},
    )
    return item
