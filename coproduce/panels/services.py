"""Every change to a panel goes through here: keyword-only, atomic, validated, audited.

Status workflow (explicit map below; each change adds a `PanelStatusChange` row):

    recruiting → closed → selected → ended
         ↘ cancelled ↙

Closing fixes the pool and commits to the seed (ADR 0750). The selection runs as a Celery task
(`tasks.run_selection`) that calls `selection_run`. Declines are replaced from the reserve list
(ADR 0751). Answers are erased when the panel ends or is cancelled (ADR 0752).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import secrets
import time
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coproduce.audit.services import audit_record
from coproduce.places.models import Ward

from . import features, selection
from .models import (
    ATTACHMENTS,
    Algorithm,
    FailureKind,
    Feature,
    FeatureValue,
    Invitation,
    InvitationStatus,
    Panel,
    PanelStatus,
    PanelStatusChange,
    Selection,
    SelectionState,
    Volunteer,
)

logger = logging.getLogger("coproduce")


class PanelError(Exception):
    """A request that cannot be done now; the message says why, in plain English."""


TRANSITIONS: dict[str, frozenset[str]] = {
    PanelStatus.RECRUITING: frozenset({PanelStatus.CLOSED, PanelStatus.CANCELLED}),
    PanelStatus.CLOSED: frozenset({PanelStatus.SELECTED, PanelStatus.CANCELLED}),
    PanelStatus.SELECTED: frozenset({PanelStatus.ENDED}),
    PanelStatus.ENDED: frozenset(),
    PanelStatus.CANCELLED: frozenset(),
}


def _transition(panel: Panel, to: str, *, user=None, note: str = "") -> None:
    if to not in TRANSITIONS[panel.status]:
        raise PanelError(_("A panel that is “%(from)s” cannot become “%(to)s”.")
                         % {"from": panel.get_status_display(), "to": PanelStatus(to).label})
    PanelStatusChange.objects.create(panel=panel, from_status=panel.status, to_status=to, note=note,
                                     changed_by=user if getattr(user, "is_authenticated", False) else None)
    panel.status = to


def _locked(panel: Panel) -> Panel:
    return Panel.objects.select_for_update().get(pk=panel.pk)


# ---------------------------------------------------------------- opening a recruitment


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "panel"
    slug, n = base, 2
    while Panel.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _attach(panel: Panel, thing) -> None:
    if thing is None:
        return
    label = f"{thing._meta.app_label}.{thing._meta.model_name}"
    field = ATTACHMENTS.get(label)
    if field is None:
        raise ValidationError({"attached_to": _("A panel cannot be attached to that.")})
    setattr(panel, field, thing)


@transaction.atomic
def panel_create(*, user, title: str, purpose: str, size: int, closes_on: dt.date, ends_on: dt.date,
                 feature_keys: Iterable[str], min_age: int | None = None, max_age: int | None = None,
                 algorithm: str = Algorithm.LEXIMIN, one_per_household: bool = True, attached_to=None,
                 today: dt.date | None = None) -> Panel:
    """Open a recruitment. Quotas start at 0 to `size` for every answer; set them on the quotas page."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if closes_on is not None and closes_on <= today:
        errors["closes_on"] = _("The closing date must be in the future")
    if ends_on is not None and closes_on is not None and ends_on <= closes_on:
        errors["ends_on"] = _("The panel must end after recruitment closes")
    keys = [key for key in features.QUESTIONS if key in set(feature_keys)]
    unknown = set(feature_keys) - set(features.QUESTIONS)
    if not keys or unknown:
        errors["feature_keys"] = _("Choose at least one question to ask volunteers")
    if errors:
        raise ValidationError(errors)
    panel = Panel(title=title.strip(), slug=_unique_slug(title), purpose=purpose.strip(), size=size,
                  closes_on=closes_on, ends_on=ends_on, min_age=min_age, max_age=max_age, algorithm=algorithm,
                  one_per_household=one_per_household, created_by=user)
    _attach(panel, attached_to)
    panel.full_clean()
    panel.save()
    wards = list(Ward.objects.order_by("name"))
    for position, key in enumerate(keys):
        question = features.QUESTIONS[key]
        feature = Feature.objects.create(panel=panel, key=key, label=str(question.label),
                                         question=str(question.question), hint=str(question.hint),
                                         position=position)
        choices = features.choices_for(key, min_age=min_age, max_age=max_age, wards=wards)
        FeatureValue.objects.bulk_create([
            FeatureValue(feature=feature, key=choice.key, label=str(choice.label), position=n,
                         quota_min=0, quota_max=size)
            for n, choice in enumerate(choices)
        ])
    audit_record(action="panels.panel.opened", summary=f"Recruitment opened for the panel “{panel.title}”",
                 actor=user, target=panel, public=True,
                 data={"size": size, "closes_on": closes_on.isoformat(), "algorithm": algorithm,
                       "questions": keys, "attached_to": str(panel.attached_to or "")})
    return panel


def quota_problems(*, size: int, quotas: Mapping[Feature, list[tuple[FeatureValue, int, int]]]) -> list[str]:
    """Plain-English reasons a set of quotas can never be met, whoever volunteers."""
    problems = []
    for feature, rows in quotas.items():
        for value, low, high in rows:
            if low > high:
                problems.append(_("%(feature)s, %(value)s: the fewest (%(min)s) is more than the most (%(max)s)")
                                % {"feature": feature.label, "value": value.label, "min": low, "max": high})
            elif low > size:
                problems.append(_("%(feature)s, %(value)s: the fewest (%(min)s) is more than the %(size)s places")
                                % {"feature": feature.label, "value": value.label, "min": low, "size": size})
        total_min = sum(low for _value, low, _high in rows)
        total_max = sum(high for _value, _low, high in rows)
        if total_min > size:
            problems.append(_("%(feature)s: the fewest people add up to %(total)s, more than the %(size)s places")
                            % {"feature": feature.label, "total": total_min, "size": size})
        if total_max < size:
            problems.append(_("%(feature)s: the most people add up to %(total)s, fewer than the %(size)s places")
                            % {"feature": feature.label, "total": total_max, "size": size})
    return problems


def quotas_editable(panel: Panel) -> bool:
    """Before closing; after closing only when no panel can be drawn with what was committed
    (too few volunteers, or the library said the quotas cannot be met), so editing can never
    be used to draw again with a seed someone might already know (ADR 0750)."""
    if panel.status == PanelStatus.RECRUITING:
        return True
    if panel.status != PanelStatus.CLOSED or panel.selection_state in (SelectionState.QUEUED, SelectionState.RUNNING):
        return False
    if panel.selection_state == SelectionState.FAILED and panel.selection_failure == FailureKind.QUOTAS:
        return True
    return panel.volunteers.in_pool().count() < panel.size


@transaction.atomic
def panel_set_quotas(*, panel: Panel, user, size: int, quotas: Mapping[int, tuple[int, int]]) -> Panel:
    """Set the panel size and the fewest/most people per answer (`quotas`: value id → (min, max))."""
    panel = _locked(panel)
    if not quotas_editable(panel):
        raise PanelError(_("The size and quotas were fixed when recruitment closed."))
    if size is None or size < 1:
        raise ValidationError({"size": _("The panel needs at least 1 place")})
    by_feature: dict[Feature, list[tuple[FeatureValue, int, int]]] = {}
    values = list(FeatureValue.objects.filter(feature__panel=panel).select_related("feature"))
    for value in values:
        low, high = quotas.get(value.pk, (value.quota_min, value.quota_max))
        by_feature.setdefault(value.feature, []).append((value, low, high))
    problems = quota_problems(size=size, quotas=by_feature)
    if problems:
        raise ValidationError(problems)
    before = {v.pk: (v.quota_min, v.quota_max) for v in values}
    for value in values:
        value.quota_min, value.quota_max = quotas.get(value.pk, (value.quota_min, value.quota_max))
        value.full_clean()
    FeatureValue.objects.bulk_update(values, ["quota_min", "quota_max"])
    old_size, panel.size = panel.size, size
    panel.full_clean()
    panel.save(update_fields=["size"])
    changed = [f"{v.feature.key}/{v.key}: {before[v.pk][0]}–{before[v.pk][1]} → {v.quota_min}–{v.quota_max}"
               for v in values if before[v.pk] != (v.quota_min, v.quota_max)]
    data = {"size": [old_size, size], "changed": changed}
    if panel.status == PanelStatus.CLOSED:
        # The old seed could never draw a panel; publish it as void and commit to a new one.
        data["void_seed"] = panel.seed
        data["void_seed_sha256"] = panel.seed_sha256
        _commit_seed(panel)
        panel.selection_state, panel.selection_failure, panel.selection_error = "", "", ""
        panel.selection_progress, panel.selection_stage = 0, ""
        panel.save()
        data["seed_sha256"] = panel.seed_sha256
        data["inputs_sha256"] = panel.inputs_sha256
    audit_record(action="panels.quotas.changed", summary=f"Size and quotas of the panel “{panel.title}” changed",
                 actor=user, target=panel, public=True, data=data)
    return panel


# ---------------------------------------------------------------- volunteering


def _age(date_of_birth: dt.date, today: dt.date) -> int:
    return today.year - date_of_birth.year - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))


def volunteer_problem(*, panel: Panel, user, today: dt.date | None = None) -> str:
    """Why this person cannot volunteer now ('' if they can)."""
    today = today or timezone.localdate()
    if panel.status != PanelStatus.RECRUITING or today > panel.closes_on:
        return _("Volunteering for this panel closed on %(date)s.") % {"date": panel.closes_on.strftime("%-d %B %Y")}
    if not getattr(user, "is_authenticated", False) or not user.is_verified_resident:
        return _("Only residents whose address has been checked can volunteer.")
    if panel.min_age is not None or panel.max_age is not None:
        if user.date_of_birth is None:
            return _("This panel is for people %(range)s, and your account has no date of birth. "
                     "Ask an officer to add it.") % {"range": panel.age_range_text}
        age = _age(user.date_of_birth, today)
        if (panel.min_age is not None and age < panel.min_age) or (panel.max_age is not None and age > panel.max_age):
            return _("This panel is for people %(range)s.") % {"range": panel.age_range_text}
    if panel.volunteers.in_pool().filter(user=user).exists():
        return _("You have already volunteered for this panel.")
    return ""


def suggested_answers(*, panel: Panel, user, today: dt.date | None = None) -> dict[str, str]:
    """Answers we can fill in from the account (ward, age band); the volunteer can change them."""
    today = today or timezone.localdate()
    answers: dict[str, str] = {}
    if user.neighbourhood_id:
        answers["ward"] = user.neighbourhood.ward.slug
    band = features.age_band_for(date_of_birth=user.date_of_birth, today=today, min_age=panel.min_age,
                                 max_age=panel.max_age)
    if band:
        answers["age-band"] = band
    return answers


@transaction.atomic
def volunteer_register(*, panel: Panel, user, answers: Mapping[str, str], consent: bool,
                       today: dt.date | None = None) -> Volunteer:
    """Add a resident to the pool with their answers, given with their consent."""
    panel = _locked(panel)
    problem = volunteer_problem(panel=panel, user=user, today=today)
    if problem:
        raise PanelError(problem)
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for feature in panel.features.prefetch_related("values"):
        allowed = {v.key for v in feature.values.all()}
        answer = answers.get(feature.key, "")
        if answer not in allowed:
            errors[feature.key] = _("Answer the question: %(question)s") % {"question": feature.question}
        else:
            clean[feature.key] = answer
    if not consent:
        errors["consent"] = _("Tick the box to agree to how we use your answers")
    if errors:
        raise ValidationError(errors)
    number = (panel.volunteers.aggregate(m=Max("number"))["m"] or 0) + 1
    now = timezone.now()
    volunteer = Volunteer(
        panel=panel, user=user, number=number, answers=clean, consented_at=now, volunteered_at=now,
        household_key=selection.household_key(secret=settings.SECRET_KEY, postcode=user.postcode,
                                               address_line=user.address_line),
    )
    volunteer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:  # two submissions at once: the first one counts
        raise PanelError(_("You have already volunteered for this panel."))
    # No answers in the audit log: they are personal and are erased when the panel ends.
    audit_record(action="panels.volunteer.joined", summary=f"A resident volunteered for the panel “{panel.title}”",
                 actor=user, target=panel, public=False, data={"number": number})
    return volunteer


@transaction.atomic
def volunteer_withdraw(*, volunteer: Volunteer, user, today: dt.date | None = None) -> Volunteer:
    """Leave the pool while recruitment is open; the answers are erased at once."""
    panel = _locked(volunteer.panel)
    if not panel.is_open_for_volunteers(today):
        raise PanelError(_("Recruitment has closed, so the pool is fixed. If you are chosen you can decline."))
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.withdrawn_at is not None:
        raise PanelError(_("You have already withdrawn."))
    now = timezone.now()
    volunteer.withdrawn_at = now
    volunteer.answers = {}
    volunteer.household_key = ""
    volunteer.answers_erased_at = now
    volunteer.save()
    audit_record(action="panels.volunteer.withdrew", summary=f"A volunteer withdrew from the panel “{panel.title}”",
                 actor=user, target=panel, public=False, data={"number": volunteer.number})
    return volunteer


# ---------------------------------------------------------------- closing and the seed


def pool_entries(panel: Panel) -> list[selection.PoolEntry]:
    return [
        selection.PoolEntry(number=v.number, answers=dict(v.answers), household=v.household_key)
        for v in panel.volunteers.in_pool().order_by("number")
    ]


def quota_rows(panel: Panel) -> list[selection.QuotaRow]:
    return [
        selection.QuotaRow(feature=v.feature.key, value=v.key, min=v.quota_min, max=v.quota_max,
                           feature_label=v.feature.label, value_label=v.label)
        for v in FeatureValue.objects.filter(feature__panel=panel).select_related("feature").order_by(
            "feature__position", "position")
    ]


def current_inputs_sha256(panel: Panel) -> str:
    return selection.inputs_sha256(size=panel.size, algorithm=panel.algorithm,
                                   one_per_household=panel.one_per_household,
                                   quotas=quota_rows(panel), pool=pool_entries(panel))


def new_seed() -> str:
    return secrets.token_hex(selection.SEED_HEX_DIGITS // 2)


def _commit_seed(panel: Panel, seed: str | None = None) -> None:
    panel.seed = seed or new_seed()
    panel.seed_sha256 = selection.seed_sha256(panel.seed)
    panel.seed_committed_at = timezone.now()
    panel.inputs_sha256 = current_inputs_sha256(panel)


@transaction.atomic
def panel_close(*, panel: Panel, user, today: dt.date | None = None, seed: str | None = None) -> Panel:
    """After the closing date: fix the pool and publish the hash of a fresh random seed.

    `seed` is for the demo borough only (so it is the same on every machine)."""
    panel = _locked(panel)
    today = today or timezone.localdate()
    if panel.status != PanelStatus.RECRUITING:
        raise PanelError(_("Recruitment for this panel has already closed."))
    if today <= panel.closes_on:
        raise PanelError(_("Recruitment closes at the end of %(date)s. You can close it after that.")
                         % {"date": panel.closes_on.strftime("%-d %B %Y")})
    _commit_seed(panel, seed)
    panel.closed_at = timezone.now()
    pool = panel.volunteers.in_pool().count()
    _transition(panel, PanelStatus.CLOSED, user=user, note=f"{pool} volunteers")
    panel.full_clean()
    panel.save()
    audit_record(
        action="panels.recruitment.closed",
        summary=f"Recruitment closed for the panel “{panel.title}” with {pool} volunteers; "
        f"the seed's SHA-256 is {panel.seed_sha256}",
        actor=user, target=panel, public=True,
        data={"volunteers": pool, "seed_sha256": panel.seed_sha256, "inputs_sha256": panel.inputs_sha256},
    )
    return panel


# ---------------------------------------------------------------- the draw


#: A draw queued or running for longer than this is taken to have died with its worker.
STALE_SELECTION = dt.timedelta(hours=1)


def selection_in_progress(panel: Panel) -> bool:
    """Queued or running, and recent enough to still be alive (a worker that died must not
    block the panel for ever; the draw's last step is locked, so a second run is harmless)."""
    if panel.selection_state not in (SelectionState.QUEUED, SelectionState.RUNNING):
        return False
    return panel.selection_requested_at is None or timezone.now() - panel.selection_requested_at < STALE_SELECTION


@transaction.atomic
def selection_request(*, panel: Panel, user) -> Panel:
    """Queue the draw; the Celery task does the work and records its progress on the panel."""
    panel = _locked(panel)
    if panel.status != PanelStatus.CLOSED:
        raise PanelError(_("The panel can be chosen only after recruitment has closed, and only once."))
    if selection_in_progress(panel):
        raise PanelError(_("The selection is already running."))
    if panel.selection_state == SelectionState.FAILED and panel.selection_failure == FailureKind.QUOTAS:
        raise PanelError(_("The quotas cannot be met with these volunteers. Change the quotas first."))
    pool = panel.volunteers.in_pool().count()
    if pool < panel.size:
        raise PanelError(_("The panel has %(size)s places but only %(pool)s people volunteered. "
                           "Make the panel smaller, or cancel it and recruit again.")
                         % {"size": panel.size, "pool": pool})
    panel.selection_state = SelectionState.QUEUED
    panel.selection_progress = 0
    panel.selection_stage = _("Waiting to start")
    panel.selection_error = ""
    panel.selection_failure = ""
    panel.selection_requested_at = timezone.now()
    panel.selection_requested_by = user
    panel.save()
    audit_record(action="panels.selection.requested", summary=f"Selection started for the panel “{panel.title}”",
                 actor=user, target=panel, public=True, data={"algorithm": panel.algorithm, "volunteers": pool})
    from .tasks import run_selection

    panel_id = panel.pk
    transaction.on_commit(lambda: run_selection.delay(panel_id))
    return panel


def _record_progress(panel_id: int, percent: int, stage: str) -> None:
    Panel.objects.filter(pk=panel_id).update(selection_progress=percent, selection_stage=stage[:200],
                                             selection_state=SelectionState.RUNNING)


class _Progress:
    """Turns the library's (stage, fraction) callbacks into at most one row update per percent
    and stage. The bar never goes backwards, even if a later stage starts its fraction at 0."""

    def __init__(self, panel_id: int, low: int = 5, high: int = 90):
        self.panel_id, self.low, self.high = panel_id, low, high
        self.last: tuple[int, str] = (low, "")

    def __call__(self, stage: str, fraction: float) -> None:
        percent = self.low + round((self.high - self.low) * min(max(float(fraction), 0.0), 1.0))
        percent = max(percent, self.last[0])
        if self.last != (percent, stage):
            self.last = (percent, stage)
            _record_progress(self.panel_id, percent, stage)


def _fail(panel: Panel, kind: str, message: str) -> Panel:
    with transaction.atomic():
        Panel.objects.filter(pk=panel.pk).update(
            selection_state=SelectionState.FAILED, selection_failure=kind, selection_error=message[:4000],
            selection_stage=_("Stopped"))
        audit_record(action="panels.selection.failed",
                     summary=f"No panel could be chosen for “{panel.title}”: {message}"[:500],
                     target=panel, public=True, data={"failure": kind})
    panel.refresh_from_db()
    return panel


def quota_fulfilment(panel: Panel, drawn: Iterable[int]) -> list[dict]:
    drawn = set(drawn)
    pool = pool_entries(panel)
    rows = []
    for value in FeatureValue.objects.filter(feature__panel=panel).select_related("feature").order_by(
            "feature__position", "position"):
        having = [p for p in pool if p.answers.get(value.feature.key) == value.key]
        rows.append({
            "feature": value.feature.key, "feature_label": value.feature.label, "value": value.key,
            "value_label": value.label, "min": value.quota_min, "max": value.quota_max,
            "volunteers": len(having), "chosen": sum(1 for p in having if p.number in drawn),
        })
    return rows


def selection_run(*, panel_id: int) -> Panel:
    """The task's body: check the inputs are what was committed, draw, publish, invite."""
    from coproduce.sortition import InfeasibleQuotasError, SortitionError

    panel = Panel.objects.get(pk=panel_id)
    if panel.status != PanelStatus.CLOSED or panel.selection_state not in (SelectionState.QUEUED, SelectionState.RUNNING):
        return panel
    _record_progress(panel.pk, 2, _("Checking the pool and quotas against the ones fixed at closing"))
    pool, quotas = pool_entries(panel), quota_rows(panel)
    digest = selection.inputs_sha256(size=panel.size, algorithm=panel.algorithm,
                                     one_per_household=panel.one_per_household, quotas=quotas, pool=pool)
    if digest != panel.inputs_sha256:
        return _fail(panel, FailureKind.ERROR, _("The volunteers or quotas are not the ones fixed when recruitment "
                                                 "closed, so the draw was stopped. Tell the data protection officer."))
    started = time.monotonic()
    try:
        result = selection.draw(pool=pool, quotas=quotas, size=panel.size, algorithm=panel.algorithm,
                                one_per_household=panel.one_per_household, seed=panel.seed,
                                progress=_Progress(panel.pk))
    except InfeasibleQuotasError as exc:
        return _fail(panel, FailureKind.QUOTAS, str(exc))
    except SortitionError as exc:
        return _fail(panel, FailureKind.ERROR, str(exc))
    except Exception:  # noqa: BLE001 - shown as a plain message; the details go to the log
        logger.exception("panel selection failed", extra={"panel_id": panel.pk})
        return _fail(panel, FailureKind.ERROR, _("The selection stopped because of an unexpected error. "
                                                 "Nothing was drawn; try again or ask for help."))
    seconds = time.monotonic() - started
    _record_progress(panel.pk, 95, _("Publishing the result and inviting the people chosen"))
    with transaction.atomic():
        panel = _locked(panel)
        if panel.status != PanelStatus.CLOSED:
            return panel
        outcome = Selection.objects.create(
            panel=panel, algorithm=result.algorithm, library=result.library, seed=panel.seed,
            seed_sha256=panel.seed_sha256, seed_committed_at=panel.seed_committed_at, inputs_sha256=digest,
            pool_size=len(pool), panel_size=panel.size, min_probability=result.min_probability,
            probabilities=[[n, p] for n, p in result.probabilities.items()],
            distribution=[[p, members] for p, members in result.distribution],
            panels_in_distribution=len(result.distribution), drawn=result.drawn, reserve=result.reserve,
            quota_fulfilment=quota_fulfilment(panel, result.drawn), seconds=round(seconds, 3),
            explanation=result.explanation, probabilities_exact=result.probabilities_exact,
        )
        volunteers = {v.number: v for v in panel.volunteers.in_pool().filter(number__in=result.drawn)}
        invitations = [Invitation.objects.create(panel=panel, volunteer=volunteers[n]) for n in result.drawn]
        _transition(panel, PanelStatus.SELECTED, note=f"{len(invitations)} people invited")
        panel.selection_state = SelectionState.DONE
        panel.selection_progress = 100
        panel.selection_stage = _("Finished")
        panel.save()
        audit_record(
            action="panels.selection.drawn",
            summary=f"Panel “{panel.title}” chosen by {panel.get_algorithm_display()} from {len(pool)} volunteers; "
            f"seed {panel.seed}; lowest chance {result.min_probability:.2%}",
            target=panel, public=True,
            data={"selection": outcome.pk, "seed": panel.seed, "seed_sha256": panel.seed_sha256,
                  "inputs_sha256": digest, "drawn": result.drawn, "min_probability": result.min_probability,
                  "library": result.library},
        )
        _notify([inv.pk for inv in invitations])
    return panel


#: False while the demo borough is seeded: its made-up people get no emails.
SEND_EMAILS: contextvars.ContextVar[bool] = contextvars.ContextVar("panels_send_emails", default=True)


def _notify(invitation_ids: list[int]) -> None:
    from .tasks import send_invitation_email

    if SEND_EMAILS.get():
        transaction.on_commit(lambda: [send_invitation_email.delay(pk) for pk in invitation_ids])


# ---------------------------------------------------------------- invitations and replacements


def can_take_place(*, seated: list[selection.PoolEntry], candidate: selection.PoolEntry,
                   quotas: list[selection.QuotaRow], size: int, one_per_household: bool) -> bool:
    """Whether `candidate` can fill an empty place: no maximum is passed, the places still
    empty afterwards can still reach every minimum, and no one else from their household is on
    the panel. With one empty place this is exactly "the panel meets every quota"."""
    if one_per_household and candidate.household and candidate.household in {s.household for s in seated}:
        return False
    members = [*seated, candidate]
    empty_after = size - len(members)
    if empty_after < 0:
        return False
    counts: dict[tuple[str, str], int] = {}
    for member in members:
        for feature, value in member.answers.items():
            counts[(feature, value)] = counts.get((feature, value), 0) + 1
    shortfall: dict[str, int] = {}
    for q in quotas:
        have = counts.get((q.feature, q.value), 0)
        if have > q.max:
            return False
        shortfall[q.feature] = shortfall.get(q.feature, 0) + max(0, q.min - have)
    return all(missing <= empty_after for missing in shortfall.values())


def _replace(declined: Invitation, *, user) -> Invitation | None:
    panel = declined.panel
    outcome = panel.selection
    seated_rows = list(panel.invitations.holding_a_place().select_related("volunteer"))
    seated = [selection.PoolEntry(number=i.volunteer.number, answers=i.volunteer.answers,
                                  household=i.volunteer.household_key) for i in seated_rows]
    already = set(panel.invitations.values_list("volunteer__number", flat=True))
    quotas = quota_rows(panel)
    volunteers = {v.number: v for v in panel.volunteers.in_pool().filter(user__isnull=False)}
    for position, number in enumerate(outcome.reserve, start=1):
        volunteer = volunteers.get(number)
        if number in already or volunteer is None or volunteer.answers_erased_at is not None:
            continue
        candidate = selection.PoolEntry(number=number, answers=volunteer.answers, household=volunteer.household_key)
        if can_take_place(seated=seated, candidate=candidate, quotas=quotas, size=panel.size,
                          one_per_household=panel.one_per_household):
            invitation = Invitation.objects.create(panel=panel, volunteer=volunteer, replaces=declined,
                                                   reserve_position=position)
            audit_record(
                action="panels.invitation.replacement",
                summary=f"Volunteer {number} (reserve {position}) invited to the panel “{panel.title}” "
                f"in place of volunteer {declined.volunteer.number}",
                actor=user, target=panel, public=True,
                data={"volunteer": number, "reserve_position": position, "replaces": declined.volunteer.number},
            )
            _notify([invitation.pk])
            return invitation
    audit_record(action="panels.invitation.no_replacement",
                 summary=f"No one on the reserve list keeps the panel “{panel.title}” within its quotas; "
                 f"the place of volunteer {declined.volunteer.number} stays empty",
                 actor=user, target=panel, public=True, data={"replaces": declined.volunteer.number})
    return None


@transaction.atomic
def invitation_respond(*, invitation: Invitation, user, accept: bool) -> Invitation | None:
    """Accept or decline a place (an officer may record a reply given in person or by phone).

    Returns the replacement's invitation when a decline was filled from the reserve list."""
    panel = _locked(invitation.panel)
    invitation = Invitation.objects.select_for_update().select_related("volunteer").get(pk=invitation.pk)
    if panel.status != PanelStatus.SELECTED:
        raise PanelError(_("This panel is no longer taking replies."))
    if invitation.status == InvitationStatus.DECLINED:
        raise PanelError(_("This place was declined and has been offered to someone else."))
    if accept and invitation.status == InvitationStatus.ACCEPTED:
        raise PanelError(_("You have already accepted this place."))
    invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.responded_by = user
    invitation.full_clean()
    invitation.save()
    number = invitation.volunteer.number
    audit_record(action="panels.invitation.accepted" if accept else "panels.invitation.declined",
                 summary=f"Volunteer {number} {'accepted' if accept else 'declined'} a place on the panel “{panel.title}”",
                 actor=user, target=panel, public=True, data={"volunteer": number})
    if accept:
        return None
    invitation.panel = panel
    return _replace(invitation, user=user)


# ---------------------------------------------------------------- ending, cancelling, retention


@transaction.atomic
def volunteers_forget(*, panel: Panel, actor=None) -> int:
    """Erase every volunteer's answers and household key, and unlink the accounts of everyone
    who did not take a place on the panel. Volunteer numbers and the published result stay."""
    panel = _locked(panel)
    now = timezone.now()
    members = set(panel.invitations.filter(status=InvitationStatus.ACCEPTED).values_list("volunteer_id", flat=True))
    erased = 0
    for volunteer in panel.volunteers.select_for_update().filter(answers_erased_at__isnull=True):
        volunteer.answers = {}
        volunteer.household_key = ""
        volunteer.answers_erased_at = now
        if volunteer.pk not in members:
            volunteer.user = None
        volunteer.save(update_fields=["answers", "household_key", "answers_erased_at", "user"])
        erased += 1
    # People who withdrew earlier had their answers erased then; unlink them too.
    panel.volunteers.filter(withdrawn_at__isnull=False, user__isnull=False).update(user=None)
    panel.answers_erased_at = now
    panel.save(update_fields=["answers_erased_at"])
    audit_record(action="panels.answers.erased",
                 summary=f"Volunteers' answers erased for the panel “{panel.title}” ({erased} volunteers)",
                 actor=actor, target=panel, public=True, data={"erased": erased})
    return erased


@transaction.atomic
def panel_end(*, panel: Panel, user=None, note: str = "") -> Panel:
    """The panel's work is done: close it and erase the volunteers' answers."""
    panel = _locked(panel)
    _transition(panel, PanelStatus.ENDED, user=user, note=note)
    panel.save(update_fields=["status"])
    audit_record(action="panels.panel.ended", summary=f"The panel “{panel.title}” finished its work",
                 actor=user, target=panel, public=True, data={"note": note})
    volunteers_forget(panel=panel, actor=user)
    panel.refresh_from_db()
    return panel


@transaction.atomic
def panel_cancel(*, panel: Panel, user=None, reason: str) -> Panel:
    panel = _locked(panel)
    if panel.selection_state in (SelectionState.QUEUED, SelectionState.RUNNING):
        raise PanelError(_("Wait for the selection to finish before cancelling."))
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the panel is cancelled")})
    _transition(panel, PanelStatus.CANCELLED, user=user, note=reason)
    panel.save(update_fields=["status"])
    audit_record(action="panels.panel.cancelled", summary=f"The panel “{panel.title}” was cancelled: {reason}"[:500],
                 actor=user, target=panel, public=True, data={"reason": reason})
    volunteers_forget(panel=panel, actor=user)
    panel.refresh_from_db()
    return panel


def forget_due(*, today: dt.date | None = None, dry_run: bool = False) -> list[tuple[Panel, str]]:
    """What the retention command does: end panels past their end date (cancel recruitments
    that never drew a panel), and erase answers still held for ended or cancelled panels."""
    today = today or timezone.localdate()
    done: list[tuple[Panel, str]] = []
    for panel in Panel.objects.filter(answers_erased_at__isnull=True).order_by("pk"):
        if panel.status in (PanelStatus.ENDED, PanelStatus.CANCELLED):
            action = "erase"
        elif panel.ends_on < today and panel.status == PanelStatus.SELECTED:
            action = "end"
        elif panel.ends_on < today and panel.selection_state not in (SelectionState.QUEUED, SelectionState.RUNNING):
            action = "cancel"
        else:
            continue
        done.append((panel, action))
        if dry_run:
            continue
        if action == "erase":
            volunteers_forget(panel=panel)
        elif action == "end":
            panel_end(panel=panel, note="The panel's end date passed.")
        else:
            panel_cancel(panel=panel, reason="The panel's end date passed before a panel was chosen.")
    return done
