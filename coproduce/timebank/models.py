"""Reciprocity: a double-entry, append-only ledger of time credits.

Amounts are integer hundredths of a credit (ADR 0500). Every change of balance is a
`LedgerTransaction` with two or more `LedgerEntry` rows that sum to zero; the member's
balance is the sum of their entries, cached on `Account.balance` in the same database
transaction (ADR 0501). Corrections are new reversing transactions, never edits (ADR 0502).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .credits import format_credits


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a posted ledger row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The time-credit ledger is append-only: post a reversal instead.")

    def delete(self):
        raise AppendOnlyError("The time-credit ledger is append-only: post a reversal instead.")


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The time-credit ledger is append-only: post a reversal instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The time-credit ledger is append-only: post a reversal instead.")


class Account(models.Model):
    """One account per member, plus one system account of each other kind."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        ISSUING = "issuing", _("Council issuing account")
        REWARDS = "rewards", _("Rewards account")
        COUNCIL_TAX = "council_tax", _("Council-tax redemption account")

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MEMBER)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="timebank_account"
    )
    name = models.CharField(max_length=200, blank=True)
    balance = models.BigIntegerField(
        default=0, help_text=_("Cached sum of this account's entries, in hundredths of a credit.")
    )
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=~Q(kind="member"), name="timebank_one_system_account_per_kind"),
            models.CheckConstraint(
                condition=(Q(kind="member") & Q(user__isnull=False)) | (~Q(kind="member") & Q(user__isnull=True)),
                name="timebank_member_accounts_have_a_member",
            ),
            models.CheckConstraint(
                condition=~Q(kind="member") | Q(balance__gte=0), name="timebank_member_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.MEMBER:
            return self.name or str(self.user)
        return str(self.get_kind_display())

    @property
    def balance_display(self) -> str:
        return format_credits(self.balance)


class EarningRule(models.Model):
    """How many credits an activity earns. A rule can pay nothing (a governance vote)."""

    class Unit(models.TextChoices):
        HOUR = "hour", _("per hour")
        SESSION = "session", _("per session")
        EVENT = "event", _("per occasion")

    slug = models.SlugField(unique=True, max_length=60)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.HOUR)
    credits_per_unit = models.PositiveIntegerField(help_text=_("Hundredths of a credit per unit; 0 means it pays nothing."))
    max_credits_per_event = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Hundredths of a credit; the most one occasion can earn.")
    )
    officer_can_issue = models.BooleanField(default=True, help_text=_("Offered on the officer's issue form."))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def pays_nothing(self) -> bool:
        return self.credits_per_unit == 0

    @property
    def rate_display(self) -> str:
        if self.pays_nothing:
            return str(_("No credits"))
        return f"{format_credits(self.credits_per_unit)} {self.get_unit_display()}"


class LedgerTransaction(AppendOnlyModel):
    """One event that moves credits. `event_key` is unique: the same event never pays twice."""

    class Kind(models.TextChoices):
        ISSUE = "issue", _("Credits earned")
        SPEND = "spend", _("Spent on a reward")
        REDEEM = "redeem", _("Council-tax discount")
        REVERSAL = "reversal", _("Correction")

    event_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="timebank_transactions")
    credits = models.BigIntegerField(help_text=_("Hundredths of a credit moved (always positive)."))
    rule = models.ForeignKey(EarningRule, null=True, blank=True, on_delete=models.PROTECT, related_name="transactions")
    reason = models.CharField(max_length=300)
    ward = models.ForeignKey(
        "places.Ward", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("The member's ward when the credits moved, for published totals by ward."),
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(credits__gt=0), name="timebank_transaction_moves_credits"),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False) | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="timebank_reversals_name_what_they_reverse",
            ),
        ]
        indexes = [models.Index(fields=["kind", "created_at"], name="timebank_tx_kind_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {format_credits(self.credits)} ({self.event_key})"


class LedgerEntry(AppendOnlyModel):
    """One side of a transaction: `amount` (hundredths) raises the account's balance when positive."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-transaction__created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="timebank_entry_not_zero")]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.account}: {format_credits(self.amount)}"


class Reward(models.Model):
    """Something a member can spend credits on, offered by the council or a partner organisation."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    offered_by = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="time_credit_rewards",
        help_text=_("Leave empty when the council offers it."),
    )
    price = models.PositiveIntegerField(help_text=_("Hundredths of a credit."))
    stock = models.PositiveIntegerField(null=True, blank=True, help_text=_("How many are left; empty means no limit."))
    how_to_use = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["price", "title"]
        constraints = [models.CheckConstraint(condition=Q(price__gt=0), name="timebank_reward_has_a_price")]

    def __str__(self) -> str:
        return self.title

    @property
    def price_display(self) -> str:
        return format_credits(self.price)

    @property
    def in_stock(self) -> bool:
        return self.stock is None or self.stock > 0


class RewardClaim(models.Model):
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="claims")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reward_claims")
    transaction = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, related_name="reward_claim")
    code = models.CharField(max_length=12, unique=True, help_text=_("Shown to the partner to use the reward."))
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-claimed_at"]

    def __str__(self) -> str:
        return f"{self.reward} ({self.code})"


class CouncilTaxPolicy(models.Model):
    """A council's s.13A(1)(c) discount scheme for one year: rate, annual cap and who may use it."""

    class CapBasis(models.TextChoices):
        HOUSEHOLD = "household", _("per household")
        MEMBER = "member", _("per member")

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    year_starts = models.DateField()
    year_ends = models.DateField()
    credits_per_pound = models.PositiveIntegerField(help_text=_("Hundredths of a credit for £1 off the bill."))
    annual_cap_pence = models.PositiveIntegerField(help_text=_("The most discount in the year, in pence."))
    cap_basis = models.CharField(max_length=20, choices=CapBasis.choices, default=CapBasis.HOUSEHOLD)
    requires_verified_resident = models.BooleanField(default=True)
    requires_council_tax_payer = models.BooleanField(
        default=True, help_text=_("The member must say they are named on the council-tax bill and give its reference.")
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-year_starts"]
        verbose_name_plural = "council-tax policies"
        constraints = [
            models.CheckConstraint(condition=Q(year_ends__gt=models.F("year_starts")), name="timebank_policy_year_ends_after_start"),
            models.CheckConstraint(condition=Q(credits_per_pound__gt=0), name="timebank_policy_positive_rate"),
            models.CheckConstraint(condition=Q(annual_cap_pence__gt=0), name="timebank_policy_positive_cap"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rate_display(self) -> str:
        return format_credits(self.credits_per_pound)


class Redemption(models.Model):
    """Credits turned into a council-tax discount: a line for the member's bill."""

    policy = models.ForeignKey(CouncilTaxPolicy, on_delete=models.PROTECT, related_name="redemptions")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_tax_redemptions")
    transaction = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, related_name="redemption")
    discount_pence = models.PositiveIntegerField()
    household_key = models.CharField(max_length=200, db_index=True)
    council_tax_reference = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.member} – {self.discount_pence}p"
