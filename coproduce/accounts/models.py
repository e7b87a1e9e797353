"""People: accounts, roles, residency verification and multi-factor authentication."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    YOUNG_MEMBER = "young_member", _("Young member")
    SERVICE_USER = "service_user", _("Service user")
    CARER = "carer", _("Carer")
    PROVIDER_USER = "provider_user", _("Provider user")
    EVALUATOR = "evaluator", _("Evaluator")
    OFFICER = "officer", _("Officer")
    COUNCILLOR = "councillor", _("Councillor")
    ADMINISTRATOR = "administrator", _("Administrator")


#: Roles that must use a second factor (TOTP) to sign in.
STAFF_ROLES = frozenset({Role.OFFICER, Role.COUNCILLOR, Role.ADMINISTRATOR})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        """A superuser is an administrator: powers come from the role (and MFA applies), see ADR 0200."""
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("full_name", email)
        user = self.create_user(email, password, **extra)
        RoleAssignment.objects.get_or_create(user=user, role=Role.ADMINISTRATOR)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", _("Not verified")
        PENDING = "pending", _("Waiting for checks")
        VERIFIED = "verified", _("Verified resident")
        REJECTED = "rejected", _("Not accepted")

    class VerificationMethod(models.TextChoices):
        NONE = "", _("None")
        OFFICER = "officer", _("Checked by an officer")
        LETTER = "letter", _("Code sent by letter")

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    address_line = models.CharField(max_length=300, blank=True)
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", null=True, blank=True, on_delete=models.SET_NULL, related_name="residents"
    )
    verification_status = models.CharField(max_length=20, choices=Verification.choices, default=Verification.UNVERIFIED, db_index=True)
    verification_method = models.CharField(max_length=20, choices=VerificationMethod.choices, blank=True, default="")
    verified_at = models.DateTimeField(null=True, blank=True)
    accessibility_needs = models.TextField(blank=True)
    preferred_language = models.CharField(max_length=10, default="en-gb")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text=_("Can use the Django admin site."))
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def public_label(self) -> str:
        """How this person appears on the public record: staff by name and role, residents not named."""
        staff = [r for r in self.role_set() if r in STAFF_ROLES]
        if staff:
            return f"{self.full_name} ({Role(sorted(staff)[0]).label})"
        return str(_("A resident"))

    def role_set(self) -> frozenset[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_cache = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.role_set()

    def has_perm(self, perm: str, obj=None) -> bool:
        """Django lets an active superuser pass every check; we do not, for our own rules.

        Permissions defined with django-rules (``"<app>.<verb>_<model>"`` in each app's
        rules.py) are always evaluated on their predicates, so a superuser who is not a
        verified resident cannot vote or support as one. The Django admin's model
        permissions keep Django's usual superuser shortcut. See ADR 0200.
        """
        import rules

        if self.is_active and rules.perm_exists(perm):
            return rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    @property
    def needs_mfa(self) -> bool:
        return bool(self.role_set() & STAFF_ROLES)

    @property
    def is_verified_resident(self) -> bool:
        return self.verification_status == self.Verification.VERIFIED and self.neighbourhood_id is not None


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class TotpDevice(models.Model):
    """A time-based one-time password authenticator app (RFC 6238)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    confirmed = models.BooleanField(default=False)
    last_used_step = models.BigIntegerField(default=0, help_text=_("Stops a code being used twice."))
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Authenticator of {self.user}"


class LetterCode(models.Model):
    """A one-time code posted to a resident's address to prove they live there.

    Only a keyed hash of the code is kept for checking. The plain code waits in
    `print_code` for the letter to be printed and is wiped when an officer marks the
    letter posted (ADR 0201).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="letter_codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    print_code = models.CharField(max_length=16, blank=True, help_text=_("Kept only until the letter is posted."))
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True, help_text=_("Replaced by a newer code."))

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Letter code for {self.user} ({self.created_at:%Y-%m-%d})"


class VerificationEvent(models.Model):
    """One change of a person's residency status: append-only history behind `verification_status`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_events")
    from_status = models.CharField(max_length=20, choices=User.Verification.choices)
    to_status = models.CharField(max_length=20, choices=User.Verification.choices)
    method = models.CharField(max_length=20, choices=User.VerificationMethod.choices, blank=True, default="")
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user}: {self.from_status} → {self.to_status}"


class WelcomeEmailSent(models.Model):
    """Records that the welcome email went out, so a retried background task never sends it twice."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="welcome_email")
    sent_at = models.DateTimeField(default=timezone.now)
    sent_to = models.EmailField()

    def __str__(self) -> str:
        return f"Welcome email to {self.sent_to}"
