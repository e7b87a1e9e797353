"""Writes for trusts: joining, leaving, the board and decisions. Atomic, validated and audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.audit.services import audit_record

from . import tally
from .models import BoardSeat, MemberClass, Membership, Proposal, Response, Trust

# --- eligibility ---------------------------------------------------------------------------------


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def lives_in_area(*, trust: Trust, neighbourhood) -> bool:
    if neighbourhood is None:
        return False
    if trust.area_kind == Trust.AreaKind.BOROUGH:
        return neighbourhood.ward.council_id == trust.council_id
    if trust.area_kind == Trust.AreaKind.WARDS:
        return trust.wards.filter(pk=neighbourhood.ward_id).exists()
    return trust.neighbourhoods.filter(pk=neighbourhood.pk).exists()


def area_text(trust: Trust) -> str:
    """The trust's area in words: "the whole of Riverside", "Oakfield ward", "Marsh Estate"."""
    if trust.area_kind == Trust.AreaKind.BOROUGH:
        return _("the whole of %(council)s") % {"council": trust.council.name}
    if trust.area_kind == Trust.AreaKind.WARDS:
        names = [w.name for w in trust.wards.all()]
        return _("%(places)s (wards)") % {"places": ", ".join(names)} if len(names) > 1 else _("%(place)s ward") % {
            "place": names[0] if names else "?"
        }
    return ", ".join(n.name for n in trust.neighbourhoods.all())


def membership_refusals(*, trust: Trust, user, member_class: MemberClass, in_person: bool = False,
                        today: dt.date | None = None) -> list[str]:
    """Every reason `user` cannot join `trust` in `member_class`, in plain English; empty when they can."""
    today = today or timezone.localdate()
    reasons: list[str] = []
    if member_class.trust_id != trust.pk:
        return [_("%(cls)s is not a class of membership of %(trust)s.") % {"cls": member_class.name, "trust": trust.name}]
    if not trust.is_open:
        reasons.append(_("%(trust)s is not taking new members at the moment.") % {"trust": trust.name})
    current = Membership.objects.current().filter(trust=trust, user=user).first()
    if current is not None:
        reasons.append(
            _("You are already a member of %(trust)s (since %(date)s).")
            % {"trust": trust.name, "date": timezone.localtime(current.joined_at).strftime("%-d %B %Y")}
        )
    if not member_class.joinable_online and not in_person:
        reasons.append(
            _("Members in the %(cls)s class are added by a trust officer in person, not online. Contact the trust to join this way.")
            % {"cls": member_class.name}
        )
    if member_class.requires_residency:
        if not user.is_verified_resident:
            reasons.append(
                _("Membership is for residents of %(area)s, and your address has not been checked yet. "
                  "Check your address from your account page, then try again.") % {"area": area_text(trust)}
            )
        elif not lives_in_area(trust=trust, neighbourhood=user.neighbourhood):
            reasons.append(
                _("Membership is for residents of %(area)s. Your address is in %(place)s (%(ward)s ward), which is outside the area.")
                % {"area": area_text(trust), "place": user.neighbourhood.name, "ward": user.neighbourhood.ward.name}
            )
    if member_class.min_age is not None or member_class.max_age is not None:
        if user.date_of_birth is None:
            reasons.append(
                _("Members in the %(cls)s class must be %(range)s. Add your date of birth to your account so we can check.")
                % {"cls": member_class.name, "range": member_class.age_range_text}
            )
        else:
            age = age_on(user.date_of_birth, today)
            too_young = member_class.min_age is not None and age < member_class.min_age
            too_old = member_class.max_age is not None and age > member_class.max_age
            if too_young or too_old:
                reasons.append(
                    _("Members in the %(cls)s class must be %(range)s. You are %(age)s.")
                    % {"cls": member_class.name, "range": member_class.age_range_text, "age": age}
                )
    return reasons


def _create_membership(**fields) -> Membership:
    membership = Membership(**fields)
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError(_("%(name)s is already a member of this trust.") % {"name": fields["user"].display_name})
    return membership


@transaction.atomic
def membership_join(*, trust: Trust, user, member_class: MemberClass) -> Membership:
    """An eligible resident joins online. Raises ValidationError with every reason when not eligible."""
    reasons = membership_refusals(trust=trust, user=user, member_class=member_class)
    if reasons:
        raise ValidationError(reasons)
    membership = _create_membership(trust=trust, user=user, member_class=member_class, joined_via=Membership.JoinedVia.ONLINE)
    audit_record(
        action="trusts.membership.joined", summary=f"A resident joined {trust.name} ({member_class.name})",
        actor=user, target=membership, data={"trust": trust.slug, "class": member_class.slug, "via": "online"},
    )
    return membership


@transaction.atomic
def membership_enrol_in_person(*, trust: Trust, user, member_class: MemberClass, officer, note: str = "") -> Membership:
    """An officer joins someone in person (assisted participation). The same rules apply, except
    that classes which cannot be joined online can be joined this way; the officer is recorded."""
    if user.pk == getattr(officer, "pk", None):
        raise ValidationError(_("Officers cannot enrol themselves: ask another officer of the trust."))
    reasons = membership_refusals(trust=trust, user=user, member_class=member_class, in_person=True)
    if reasons:
        raise ValidationError(reasons)
    membership = _create_membership(
        trust=trust, user=user, member_class=member_class, joined_via=Membership.JoinedVia.IN_PERSON,
        recorded_by=officer, assistance_note=(note or "").strip()[:300],
    )
    audit_record(
        action="trusts.membership.enrolled_in_person",
        summary=f"An officer joined a member to {trust.name} in person ({member_class.name})",
        actor=officer, target=membership, data={"trust": trust.slug, "class": member_class.slug, "via": "in_person"},
    )
    return membership


@transaction.atomic
def membership_leave(*, membership: Membership, actor, reason: str = "", now=None) -> Membership:
    """End a membership (kept on the register with the date it ended) and any board seat with it."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_at is not None:
        raise ValidationError(_("This membership already ended on %(date)s.") % {
            "date": timezone.localtime(membership.left_at).strftime("%-d %B %Y")})
    now = now or timezone.now()
    membership.left_at = now
    membership.left_reason = (reason or "").strip()[:300]
    membership.save(update_fields=["left_at", "left_reason"])
    BoardSeat.objects.filter(trust=membership.trust, user=membership.user, ended_on__isnull=True).update(
        ended_on=timezone.localdate(now)
    )
    audit_record(
        action="trusts.membership.left", summary=f"A member left {membership.trust.name}", actor=actor,
        target=membership, data={"trust": membership.trust.slug, "by_self": getattr(actor, "pk", None) == membership.user_id},
    )
    return membership


# --- board -----------------------------------------------------------------------------------------


@transaction.atomic
def board_seat_add(*, trust: Trust, user, role: str, actor, started_on: dt.date | None = None) -> BoardSeat:
    if not Membership.objects.current().filter(trust=trust, user=user).exists():
        raise ValidationError(_("Only a member of the trust can sit on its board."))
    if BoardSeat.objects.filter(trust=trust, user=user, ended_on__isnull=True).exists():
        raise ValidationError(_("%(name)s already sits on the board.") % {"name": user.display_name})
    seat = BoardSeat(trust=trust, user=user, role=role, started_on=started_on or timezone.localdate())
    seat.full_clean(validate_constraints=False)
    seat.save()
    audit_record(
        action="trusts.board.seat_added", summary=f"{seat.get_role_display()} of {trust.name} appointed",
        actor=actor, target=seat, data={"trust": trust.slug, "role": role}, public=True,
    )
    return seat


# --- decisions --------------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(*, trust: Trust, author, title: str, body: str, closes_at: dt.datetime,
                    quorum_percent: int | None = None, now=None) -> Proposal:
    now = now or timezone.now()
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Enter a title for the proposal")
    if not (body or "").strip():
        errors["body"] = _("Say what members are being asked to decide")
    if closes_at is None or closes_at <= now + dt.timedelta(hours=24):
        errors["closes_at"] = _("The closing date must be at least a day from now, so members have time to respond")
    elif closes_at > now + dt.timedelta(days=90):
        errors["closes_at"] = _("The closing date must be within 90 days")
    quorum = trust.default_quorum_percent if quorum_percent is None else quorum_percent
    if not 0 <= quorum <= 100:
        errors["quorum_percent"] = _("The quorum must be between 0 and 100 percent")
    if errors:
        raise ValidationError(errors)
    proposal = Proposal(
        trust=trust, author=author, title=title.strip(), body=body.strip(), opened_at=now, closes_at=closes_at,
        quorum_percent=quorum, votes_by_class=trust.votes_by_class,
    )
    proposal.full_clean()
    proposal.save()
    audit_record(
        action="trusts.proposal.opened", summary=f"{trust.name}: proposal put to members: {proposal.title}",
        actor=author, target=proposal, data={"closes_at": closes_at.isoformat(), "quorum_percent": quorum},
    )
    return proposal


@transaction.atomic
def proposal_respond(*, proposal: Proposal, user, position: str, reason: str = "", now=None) -> Response:
    """A member states (or changes) their position while the proposal is open. One member, one response."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_open_for_responses(now):
        raise ValidationError(_("This proposal closed on %(date)s: responses are no longer taken.") % {
            "date": timezone.localtime(proposal.closes_at).strftime("%-d %B %Y at %H:%M")})
    if position not in Response.Position.values:
        raise ValidationError({"position": _("Choose agree, abstain, disagree or block")})
    reason = (reason or "").strip()
    if position == Response.Position.BLOCK and not reason:
        raise ValidationError({"reason": _("Say why you are blocking: a block stops the proposal")})
    membership = Membership.objects.current().filter(trust=proposal.trust, user=user).first()
    if membership is None:
        raise ValidationError(_("Only members of %(trust)s can respond.") % {"trust": proposal.trust.name})
    response, created = Response.objects.update_or_create(
        proposal=proposal, user=user,
        defaults={"membership": membership, "position": position, "reason": reason, "responded_at": now or timezone.now()},
    )
    audit_record(
        action="trusts.proposal.responded" if created else "trusts.proposal.response_changed",
        summary=f"A member responded to “{proposal.title}”", actor=user, target=response,
        data={"proposal": proposal.pk},
    )
    return response


def proposal_count(*, proposal: Proposal) -> tally.Tally:
    """Count a proposal now: current members of the trust, their responses, per class when the rules say so."""
    memberships = Membership.objects.current().filter(trust=proposal.trust).select_related("member_class")
    class_of = {m.user_id: m.member_class.slug for m in memberships}
    eligible: dict[str, int] = {c.slug: 0 for c in proposal.trust.member_classes.all()}
    for slug in class_of.values():
        eligible[slug] = eligible.get(slug, 0) + 1
    responses = [
        (class_of[user_id], position)
        for user_id, position in proposal.responses.values_list("user_id", "position")
        if user_id in class_of
    ]
    return tally.count(
        responses=responses, eligible=eligible, quorum_percent=proposal.quorum_percent, by_class=proposal.votes_by_class
    )


@transaction.atomic
def proposal_close(*, proposal: Proposal, actor, outcome_statement: str, review_on: dt.date | None,
                   now=None) -> Proposal:
    """After the closing time: count, record the outcome with the board's statement and a review date."""
    now = now or timezone.now()
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    errors = {}
    if proposal.status == Proposal.Status.CLOSED:
        raise ValidationError(_("This proposal has already been closed."))
    if now < proposal.closes_at:
        raise ValidationError(_("Members can respond until %(date)s: close it after that.") % {
            "date": timezone.localtime(proposal.closes_at).strftime("%-d %B %Y at %H:%M")})
    if not (outcome_statement or "").strip():
        errors["outcome_statement"] = _("Write the outcome statement that members will read")
    if review_on is not None and review_on <= timezone.localdate(now):
        errors["review_on"] = _("The review date must be in the future")
    if errors:
        raise ValidationError(errors)
    result = proposal_count(proposal=proposal)
    proposal.status = Proposal.Status.CLOSED
    proposal.outcome = result.outcome
    proposal.tally = result.as_dict()
    proposal.outcome_statement = outcome_statement.strip()
    proposal.review_on = review_on
    proposal.closed_at = now
    proposal.closed_by = actor
    proposal.full_clean()
    proposal.save()
    audit_record(
        action="trusts.proposal.closed",
        summary=f"{proposal.trust.name}: “{proposal.title}” {proposal.get_outcome_display().lower()}",
        actor=actor, target=proposal, data=proposal.tally,
    )
    return proposal


# --- trusts ---------------------------------------------------------------------------------------


@transaction.atomic
def trust_create(*, name: str, slug: str, summary: str, council, actor, area_kind: str = Trust.AreaKind.BOROUGH,
                 wards=(), neighbourhoods=(), classes: list[dict] | None = None, votes_by_class: bool = False,
                 description: str = "", default_quorum_percent: int = 10) -> Trust:
    trust = Trust(
        name=name, slug=slug, summary=summary, council=council, area_kind=area_kind, votes_by_class=votes_by_class,
        description=description, default_quorum_percent=default_quorum_percent,
    )
    trust.full_clean()
    if area_kind == Trust.AreaKind.WARDS and not wards:
        raise ValidationError(_("Choose the wards the trust serves."))
    if area_kind == Trust.AreaKind.NEIGHBOURHOODS and not neighbourhoods:
        raise ValidationError(_("Choose the neighbourhoods or estates the trust serves."))
    trust.save()
    trust.wards.set(wards)
    trust.neighbourhoods.set(neighbourhoods)
    for position, fields in enumerate(classes or [{"slug": "member", "name": "Member"}]):
        member_class = MemberClass(trust=trust, position=position, **fields)
        member_class.full_clean()
        member_class.save()
    audit_record(
        action="trusts.trust.created", summary=f"Trust set up: {name}", actor=actor, target=trust,
        data={"area_kind": area_kind, "classes": [c["slug"] for c in classes or []]}, public=True,
    )
    return trust
