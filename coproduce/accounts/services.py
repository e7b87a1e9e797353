"""Writes for accounts: registration, residency checks, letter codes, roles, MFA and profiles.

Every function is keyword-only, runs in its own transaction and writes the audit log.
Bad input raises `django.core.exceptions.ValidationError` with a message for each field,
and nothing is changed.
"""

from __future__ import annotations

import datetime as dt
import enum
import hmac
import random
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from coproduce.audit.services import audit_record
from coproduce.places.models import Postcode
from coproduce.places.postcodes import normalise_postcode

from . import totp
from .models import (
    STAFF_ROLES,
    LetterCode,
    Role,
    RoleAssignment,
    TotpDevice,
    User,
    VerificationEvent,
)

#: How long a posted letter code can be used.
LETTER_CODE_DAYS = 30
#: Wrong tries allowed per letter code before a new letter is needed.
LETTER_CODE_MAX_ATTEMPTS = 5
#: No ambiguous characters (0/O, 1/I/L): letters are typed in from paper.
LETTER_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LETTER_CODE_LENGTH = 8
#: People aged YOUNG_MEMBER_AGES (inclusive) are young members; younger people cannot register.
YOUNG_MEMBER_AGES = (11, 25)
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


# --- small pure helpers -------------------------------------------------------------------

def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def normalise_letter_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def format_letter_code(code: str) -> str:
    """'ABCDEFGH' → 'ABCD-EFGH', as printed on the letter."""
    return f"{code[:4]}-{code[4:]}" if len(code) == LETTER_CODE_LENGTH else code


def letter_code_hash(*, user_id: int, code: str) -> str:
    """A keyed hash (HMAC-SHA256 with SECRET_KEY). Codes are random, short-lived and allow five
    tries, so a slow password hash is not needed; the key stops a leaked table being checked
    offline. See ADR 0201."""
    return salted_hmac("coproduce.accounts.letter_code", f"{user_id}:{normalise_letter_code(code)}",
                       algorithm="sha256").hexdigest()


def new_letter_code(rng: random.Random | None = None) -> str:
    """A random code; the demo passes its seeded `rng`, everything else uses the system's CSPRNG."""
    chooser = rng or secrets.SystemRandom()
    return "".join(chooser.choice(LETTER_CODE_ALPHABET) for _ in range(LETTER_CODE_LENGTH))


def english(text) -> str:
    """Audit summaries are stored once, in English, whatever language the actor uses."""
    with translation.override("en-gb"):
        return str(text)


def postcode_lookup(text: str) -> Postcode:
    """The borough's Postcode row for `text`, or ValidationError({"postcode": …}) saying what is wrong."""
    normalised = normalise_postcode(text)
    if not text or not text.strip():
        raise ValidationError({"postcode": _("Enter your postcode")})
    if not normalised:
        raise ValidationError({"postcode": _("Enter a real postcode, like SE11 5QY")})
    row = Postcode.objects.select_related("neighbourhood__ward").filter(postcode=normalised).first()
    if row is None:
        raise ValidationError({"postcode": _(
            "%(postcode)s is not a postcode in %(council)s. You can only register if you live in the borough."
        ) % {"postcode": normalised, "council": settings.COPRODUCE_COUNCIL_NAME}})
    return row


def check_date_of_birth(date_of_birth: dt.date, *, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    if date_of_birth.year < 1900:
        raise ValidationError({"date_of_birth": _("Date of birth must be a real date")})
    if date_of_birth >= today:
        raise ValidationError({"date_of_birth": _("Date of birth must be in the past")})
    if age_on(date_of_birth, today) < YOUNG_MEMBER_AGES[0]:
        raise ValidationError({"date_of_birth": _("You must be %(age)s or older to register") % {"age": YOUNG_MEMBER_AGES[0]}})


# --- registration --------------------------------------------------------------------------

@transaction.atomic
def user_register(*, full_name: str, email: str, date_of_birth: dt.date, postcode: str,
                  address_line: str, password: str, preferred_language: str = "en-gb") -> User:
    """Create a resident's account: pending until their letter code or an officer confirms where they live."""
    errors: dict[str, list[str]] = {}

    def collect(exc: ValidationError) -> None:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)

    email = normalise_email(email)
    full_name = (full_name or "").strip()
    address_line = (address_line or "").strip()
    if not full_name:
        errors["full_name"] = [_("Enter your full name")]
    if not address_line:
        errors["address_line"] = [_("Enter the first line of your address")]
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("An account already uses this email address. Sign in, or reset your password if you have forgotten it.")]
    row = None
    try:
        row = postcode_lookup(postcode)
    except ValidationError as exc:
        collect(exc)
    try:
        check_date_of_birth(date_of_birth)
    except ValidationError as exc:
        collect(exc)
    if preferred_language not in LANGUAGE_CODES:
        errors["preferred_language"] = [_("Choose a language from the list")]

    user = User(
        email=email, full_name=full_name, date_of_birth=date_of_birth,
        postcode=row.postcode if row else normalise_postcode(postcode), address_line=address_line,
        neighbourhood=row.neighbourhood if row else None, preferred_language=preferred_language,
        verification_status=User.Verification.PENDING,
    )
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    try:
        user.full_clean(exclude=["password", *errors.keys()])
    except ValidationError as exc:
        collect(exc)
    if errors:
        raise ValidationError(errors)

    user.set_password(password)
    user.save()
    roles = [Role.RESIDENT]
    low, high = YOUNG_MEMBER_AGES
    if low <= age_on(date_of_birth, timezone.localdate()) <= high:
        roles.append(Role.YOUNG_MEMBER)
    RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=role) for role in roles])
    VerificationEvent.objects.create(
        user=user, from_status=User.Verification.UNVERIFIED, to_status=User.Verification.PENDING,
        reason="registered", actor=user,
    )
    audit_record(
        action="accounts.user.registered", summary="A resident registered and is waiting for residency checks.",
        actor=user, target=user,
        data={"neighbourhood_id": user.neighbourhood_id, "roles": [str(r) for r in roles]}, public=False,
    )
    letter_code_issue(user=user, actor=user)

    from .tasks import send_welcome_email

    transaction.on_commit(lambda: send_welcome_email.delay(user.pk))
    return user


# --- letter codes --------------------------------------------------------------------------

@transaction.atomic
def letter_code_issue(*, user: User, actor: User | None, code: str | None = None) -> tuple[LetterCode, str]:
    """Put a new letter with a one-time code in the post queue; any older unused code stops working.

    Returns the row and the plain code (for the letter only: never show it on screen to the resident).
    """
    if user.verification_status == User.Verification.VERIFIED:
        raise ValidationError(_("This person's residency is already verified."))
    if user.verification_status == User.Verification.REJECTED:
        raise ValidationError(_("An officer did not accept this person's address. Only an officer can reopen the check."))
    if user.neighbourhood_id is None or not user.address_line:
        raise ValidationError(_("There is no address in the borough to post a letter to."))
    now = timezone.now()
    LetterCode.objects.filter(user=user, used_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=now, print_code=""
    )
    code = normalise_letter_code(code) if code else new_letter_code()
    letter = LetterCode(
        user=user, code_hash=letter_code_hash(user_id=user.pk, code=code), created_at=now,
        expires_at=now + dt.timedelta(days=LETTER_CODE_DAYS), print_code=code,
    )
    letter.full_clean()
    letter.save()
    if user.verification_status == User.Verification.UNVERIFIED:
        _set_status(user=user, to=User.Verification.PENDING, method="", reason="letter sent", actor=actor)
    audit_record(
        action="accounts.letter_code.issued", summary="A letter with a residency code was queued for posting.",
        actor=actor, target=user, data={"letter_code_id": letter.pk, "expires_at": letter.expires_at.isoformat()},
        public=False,
    )
    if settings.COPRODUCE_DEMO:
        from .tasks import send_letter_email

        transaction.on_commit(lambda: send_letter_email.delay(letter.pk))
    return letter, code


class LetterCheck(enum.StrEnum):
    VERIFIED = "verified"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"
    NO_CODE = "no_code"
    ALREADY_VERIFIED = "already_verified"


@dataclass(frozen=True)
class LetterCheckResult:
    outcome: LetterCheck
    attempts_left: int = 0


def letter_code_live(*, user: User) -> LetterCode | None:
    return LetterCode.objects.filter(user=user, used_at__isnull=True, withdrawn_at__isnull=True).first()


@transaction.atomic
def letter_code_verify(*, user: User, code: str) -> LetterCheckResult:
    """Check the code from the letter. A wrong try is counted (and stays counted)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.verification_status == User.Verification.VERIFIED:
        return LetterCheckResult(LetterCheck.ALREADY_VERIFIED)
    if user.verification_status != User.Verification.PENDING:
        return LetterCheckResult(LetterCheck.NO_CODE)
    letter = letter_code_live(user=user)
    if letter is None:
        return LetterCheckResult(LetterCheck.NO_CODE)
    now = timezone.now()
    if letter.expires_at <= now:
        return LetterCheckResult(LetterCheck.EXPIRED)
    if letter.attempts >= LETTER_CODE_MAX_ATTEMPTS:
        return LetterCheckResult(LetterCheck.LOCKED)
    letter.attempts += 1
    matches = hmac.compare_digest(letter.code_hash, letter_code_hash(user_id=user.pk, code=code))
    if not matches:
        letter.save(update_fields=["attempts"])
        left = LETTER_CODE_MAX_ATTEMPTS - letter.attempts
        return LetterCheckResult(LetterCheck.WRONG if left > 0 else LetterCheck.LOCKED, attempts_left=left)
    letter.used_at = now
    letter.print_code = ""
    letter.save(update_fields=["attempts", "used_at", "print_code"])
    _set_status(user=user, to=User.Verification.VERIFIED, method=User.VerificationMethod.LETTER,
                reason="letter code", actor=user)
    audit_record(
        action="accounts.user.verified", summary="A resident confirmed their address with the code from a letter.",
        actor=user, target=user, data={"method": "letter", "neighbourhood_id": user.neighbourhood_id}, public=False,
    )
    return LetterCheckResult(LetterCheck.VERIFIED)


@transaction.atomic
def letter_mark_posted(*, letter: LetterCode, actor: User) -> LetterCode:
    """The letter has been printed and posted: the plain code is wiped."""
    letter = LetterCode.objects.select_for_update().get(pk=letter.pk)
    if letter.posted_at is not None:
        raise ValidationError(_("This letter is already marked as posted."))
    if letter.withdrawn_at is not None or letter.used_at is not None:
        raise ValidationError(_("This letter is no longer needed: its code was replaced or already used."))
    letter.posted_at = timezone.now()
    letter.posted_by = actor
    letter.print_code = ""
    letter.save(update_fields=["posted_at", "posted_by", "print_code"])
    audit_record(
        action="accounts.letter_code.posted", summary="A residency letter was posted.",
        actor=actor, target=letter.user, data={"letter_code_id": letter.pk}, public=False,
    )
    return letter


# --- residency decisions by officers -------------------------------------------------------

def _set_status(*, user: User, to: str, method: str, reason: str, actor: User | None) -> None:
    event = VerificationEvent(
        user=user, from_status=user.verification_status, to_status=to, method=method, reason=reason,
        actor=actor if actor is not None and actor.pk else None,
    )
    user.verification_status = to
    user.verification_method = method if to == User.Verification.VERIFIED else ""
    user.verified_at = timezone.now() if to == User.Verification.VERIFIED else None
    user.save(update_fields=["verification_status", "verification_method", "verified_at"])
    event.save()


#: Which residency decisions an officer can take from each status.
OFFICER_TRANSITIONS: dict[str, set[str]] = {
    User.Verification.UNVERIFIED: {User.Verification.VERIFIED, User.Verification.REJECTED},
    User.Verification.PENDING: {User.Verification.VERIFIED, User.Verification.REJECTED},
    User.Verification.REJECTED: {User.Verification.VERIFIED},
    User.Verification.VERIFIED: {User.Verification.REJECTED},
}


@transaction.atomic
def user_residency_decide(*, user: User, actor: User, approve: bool, reason: str) -> User:
    """An officer approves or rejects a person's residency, with the reason for the record."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Enter the reason for your decision")})
    user = User.objects.select_for_update().get(pk=user.pk)
    to = User.Verification.VERIFIED if approve else User.Verification.REJECTED
    if to not in OFFICER_TRANSITIONS.get(user.verification_status, set()):
        raise ValidationError(_("This person's residency is already %(status)s.") % {
            "status": user.get_verification_status_display().lower()})
    if approve and user.neighbourhood_id is None:
        raise ValidationError(_("This person has no neighbourhood: their postcode is not in the borough."))
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot decide on your own residency."))
    _set_status(user=user, to=to, method=User.VerificationMethod.OFFICER if approve else "", reason=reason, actor=actor)
    LetterCode.objects.filter(user=user, used_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), print_code=""
    )
    audit_record(
        action="accounts.user.verified" if approve else "accounts.user.rejected",
        summary="An officer confirmed a resident's address." if approve else "An officer did not accept a resident's address.",
        actor=actor, target=user, data={"method": "officer", "reason": reason}, public=False,
    )
    return user


# --- roles ---------------------------------------------------------------------------------

@transaction.atomic
def role_grant(*, user: User, role: str, actor: User) -> RoleAssignment:
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError({"role": _("Choose a role from the list")})
    if RoleAssignment.objects.filter(user=user, role=role).exists():
        raise ValidationError({"role": _("%(name)s already has the role %(role)s") % {"name": user.full_name, "role": role.label}})
    assignment = RoleAssignment(user=user, role=role, granted_by=actor)
    assignment.full_clean()
    assignment.save()
    user.__dict__.pop("_role_cache", None)
    staff = role in STAFF_ROLES
    audit_record(
        action="accounts.role.granted",
        summary=(f"{user.full_name} was given the role {english(role.label)}." if staff else f"A person was given the role {english(role.label)}."),
        actor=actor, target=user, data={"role": role.value}, public=staff,
    )
    return assignment


@transaction.atomic
def role_revoke(*, user: User, role: str, actor: User) -> None:
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError({"role": _("Choose a role from the list")})
    if role == Role.ADMINISTRATOR and user.pk == actor.pk:
        raise ValidationError({"role": _("You cannot remove your own administrator role. Ask another administrator.")})
    deleted, _rows = RoleAssignment.objects.filter(user=user, role=role).delete()
    if not deleted:
        raise ValidationError({"role": _("%(name)s does not have the role %(role)s") % {"name": user.full_name, "role": role.label}})
    user.__dict__.pop("_role_cache", None)
    staff = role in STAFF_ROLES
    audit_record(
        action="accounts.role.revoked",
        summary=(f"{user.full_name} no longer has the role {english(role.label)}." if staff else f"A person no longer has the role {english(role.label)}."),
        actor=actor, target=user, data={"role": role.value}, public=staff,
    )


# --- multi-factor authentication -----------------------------------------------------------

@transaction.atomic
def totp_device_confirm(*, user: User, secret: str, code: str) -> bool:
    """Save the authenticator once the person proves it works by typing its current code."""
    step = totp.matching_step(secret=secret, code=code, last_used_step=0)
    if step is None:
        return False
    TotpDevice.objects.filter(user=user).delete()
    device = TotpDevice(user=user, secret=secret, confirmed=True, last_used_step=step)
    device.full_clean()
    device.save()
    user._state.fields_cache.pop("totp_device", None)
    audit_record(action="accounts.mfa.set_up", summary="A staff member set up an authenticator app.",
                 actor=user, target=user, data={}, public=False)
    return True


@transaction.atomic
def totp_verify(*, user: User, code: str) -> bool:
    """Check a sign-in code; a code (time step) that was already used is refused."""
    device = TotpDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return False
    step = totp.matching_step(secret=device.secret, code=code, last_used_step=device.last_used_step)
    if step is None:
        return False
    device.last_used_step = step
    device.save(update_fields=["last_used_step"])
    return True


@transaction.atomic
def totp_device_reset(*, user: User, actor: User) -> None:
    """An administrator removes a lost authenticator; the person sets up a new one at next sign-in."""
    deleted, _rows = TotpDevice.objects.filter(user=user).delete()
    if not deleted:
        raise ValidationError(_("%(name)s has no authenticator to reset.") % {"name": user.full_name})
    user._state.fields_cache.pop("totp_device", None)
    audit_record(action="accounts.mfa.reset", summary=f"The authenticator of {user.full_name} was reset.",
                 actor=actor, target=user, data={}, public=False)


# --- profile -------------------------------------------------------------------------------

@transaction.atomic
def profile_update(*, user: User, full_name: str, accessibility_needs: str, preferred_language: str) -> User:
    full_name = (full_name or "").strip()
    errors: dict[str, list[str]] = {}
    if not full_name:
        errors["full_name"] = [_("Enter your full name")]
    if preferred_language not in LANGUAGE_CODES:
        errors["preferred_language"] = [_("Choose a language from the list")]
    if errors:
        raise ValidationError(errors)
    user.full_name = full_name
    user.accessibility_needs = (accessibility_needs or "").strip()
    user.preferred_language = preferred_language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "accessibility_needs", "preferred_language"])
    audit_record(action="accounts.profile.updated", summary="A person updated their profile.",
                 actor=user, target=user, data={"fields": ["full_name", "accessibility_needs", "preferred_language"]},
                 public=False)
    return user
