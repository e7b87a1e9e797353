"""Writes to the time-credit ledger. Every function is atomic, idempotent on its event key and audited.

Lock order, to avoid deadlocks: the member's account first (SELECT … FOR UPDATE), then the
reward or policy row, then the system account (updated with F() expressions).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.audit.services import audit_record

from .credits import CreditAmountError, format_credits, rule_hundredths, to_hundredths
from .defaults import default_rule_fields
from .models import (
    Account,
    CouncilTaxPolicy,
    EarningRule,
    LedgerEntry,
    LedgerTransaction,
    Redemption,
    Reward,
    RewardClaim,
)

EVENT_KEY_MAX = 200


# --- accounts -------------------------------------------------------------------------------

def system_account(kind: str) -> Account:
    """The one account of a system kind (issuing, rewards, council_tax), created on first use."""
    if kind == Account.Kind.MEMBER:
        raise ValueError("member accounts belong to a member: use member_account()")
    account = Account.objects.filter(kind=kind).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=kind, name=str(Account.Kind(kind).label))
    except IntegrityError:
        return Account.objects.get(kind=kind)


def member_account(member) -> Account:
    """The member's account, opened the first time credits reach them."""
    account = Account.objects.filter(user=member).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=Account.Kind.MEMBER, user=member, name=member.full_name or member.email)
    except IntegrityError:
        return Account.objects.get(user=member)


def _lock(account: Account) -> Account:
    return Account.objects.select_for_update().get(pk=account.pk)


def _member_ward(member):
    neighbourhood = getattr(member, "neighbourhood", None)
    return neighbourhood.ward if neighbourhood is not None else None


@dataclass(frozen=True)
class _Posted:
    transaction: LedgerTransaction
    created: bool


def _post(*, event_key: str, kind: str, member, credits: int, lines: list[tuple[Account, int]],
          reason: str, rule: EarningRule | None = None, actor=None,
          reverses: LedgerTransaction | None = None) -> _Posted:
    """Insert one balanced transaction, or return the one already posted under `event_key`.

    The unique index on `event_key` is what makes this safe when the same event arrives twice at
    once: the second INSERT waits for the first to commit, fails, and we return the first.
    """
    if sum(amount for _account, amount in lines) != 0:
        raise ValueError("a transaction's entries must sum to zero")
    if any(amount == 0 for _account, amount in lines):
        raise ValueError("an entry must move credits")
    tx = LedgerTransaction(
        event_key=event_key, kind=kind, member=member, credits=credits, rule=rule, reason=reason[:300],
        ward=_member_ward(member), actor=actor if getattr(actor, "is_authenticated", False) else None,
        reverses=reverses,
    )
    tx.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            tx.save()
    except IntegrityError:
        existing = LedgerTransaction.objects.filter(event_key=event_key).first()
        if existing is None:
            raise
        return _Posted(existing, False)
    LedgerEntry.objects.bulk_create([LedgerEntry(transaction=tx, account=a, amount=amount) for a, amount in lines])
    for account, amount in lines:
        Account.objects.filter(pk=account.pk).update(balance=F("balance") + amount)
    return _Posted(tx, True)


def _check_event_key(event_key: str) -> str:
    key = (event_key or "").strip()
    if not key:
        raise ValidationError(_("Every posting needs an event key, so the same event never pays twice."))
    if len(key) > EVENT_KEY_MAX:
        raise ValidationError(_("An event key can be at most %(n)s characters.") % {"n": EVENT_KEY_MAX})
    return key


def _hundredths(credits, *, what: str) -> int:
    try:
        return to_hundredths(credits)
    except CreditAmountError as exc:
        raise ValidationError(_("%(what)s: %(problem)s") % {"what": what, "problem": str(exc)})


# --- issuing --------------------------------------------------------------------------------

def rule_get(rule: str | EarningRule) -> EarningRule:
    if isinstance(rule, EarningRule):
        return rule
    found = EarningRule.objects.filter(slug=rule).first()
    if found is None and default_rule_fields(rule) is not None:
        try:
            with transaction.atomic():
                found, _created = EarningRule.objects.get_or_create(slug=rule, defaults=default_rule_fields(rule))
        except IntegrityError:
            found = EarningRule.objects.get(slug=rule)
    if found is None:
        raise ValidationError(_("There is no earning rule called “%(rule)s”.") % {"rule": rule})
    return found


def credits_for_rule(*, rule: str | EarningRule, quantity: Decimal | int) -> Decimal:
    """Credits that `quantity` units (hours of a meeting, panel sessions) earn under a rule."""
    found = rule_get(rule)
    hundredths = rule_hundredths(found.credits_per_unit, quantity)
    if found.max_credits_per_event is not None:
        hundredths = min(hundredths, found.max_credits_per_event)
    return Decimal(hundredths) / 100


@transaction.atomic
def credit_issue_for_event(*, member, event_key: str, credits: Decimal | int, reason: str, rule: str,
                           actor=None) -> LedgerTransaction | None:
    """Pay `member` for one event: debit the council's issuing account, credit the member.

    Idempotent on `event_key`: a second call (even at the same moment, from another request)
    returns the transaction already posted and pays nothing more. Returns None when the rule pays
    nothing (a governance vote) or `credits` is 0. Raises ValidationError on bad input.
    """
    key = _check_event_key(event_key)
    existing = LedgerTransaction.objects.filter(event_key=key).first()
    if existing is not None:
        return existing
    found = rule_get(rule)
    if not found.is_active:
        raise ValidationError(_("The earning rule “%(rule)s” is no longer used.") % {"rule": found.name})
    amount = _hundredths(credits, what=_("Credits"))
    if amount < 0:
        raise ValidationError(_("Credits issued cannot be negative: correct a mistake by reversing it."))
    if found.pays_nothing or amount == 0:
        return None
    if found.max_credits_per_event is not None and amount > found.max_credits_per_event:
        raise ValidationError(
            _("%(rule)s pays at most %(max)s credits for one occasion; %(asked)s were asked for.")
            % {"rule": found.name, "max": format_credits(found.max_credits_per_event), "asked": format_credits(amount)}
        )
    if member is None or not member.is_active:
        raise ValidationError(_("Credits can only be issued to an active member."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say what the credits are for."))
    account = member_account(member)
    issuing = system_account(Account.Kind.ISSUING)
    posted = _post(
        event_key=key, kind=LedgerTransaction.Kind.ISSUE, member=member, credits=amount,
        lines=[(account, amount), (issuing, -amount)], reason=reason, rule=found, actor=actor,
    )
    if posted.created:
        audit_record(
            action="timebank.credits.issued",
            summary=f"{format_credits(amount)} time credits issued: {found.name}",
            actor=actor, target=posted.transaction,
            data={"event_key": key, "rule": found.slug, "hundredths": amount, "member_id": member.pk},
        )
    return posted.transaction


@transaction.atomic
def credit_issue(*, member, rule: str | EarningRule, quantity: Decimal | int, reason: str, event_key: str,
                 actor) -> LedgerTransaction | None:
    """An officer issues credits by hand: `quantity` units of a rule (hours, sessions)."""
    found = rule_get(rule)
    if not found.officer_can_issue:
        raise ValidationError(_("%(rule)s credits are issued automatically, not by hand.") % {"rule": found.name})
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ValidationError(_("Enter how many hours or sessions, more than 0."))
    credits = credits_for_rule(rule=found, quantity=quantity)
    return credit_issue_for_event(
        member=member, event_key=event_key, credits=credits, reason=reason, rule=found.slug, actor=actor
    )


# --- spending ---------------------------------------------------------------------------------

def _new_claim_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def _require_balance(account: Account, needed: int) -> None:
    if account.balance < needed:
        raise ValidationError(
            _("You need %(needed)s credits but have %(have)s. Nothing has been spent.")
            % {"needed": format_credits(needed), "have": format_credits(account.balance)}
        )


@transaction.atomic
def reward_claim(*, member, reward: Reward, event_key: str, actor=None) -> RewardClaim:
    """Spend credits on a reward. Refuses (and changes nothing) when the member cannot afford it."""
    key = _check_event_key(event_key)
    existing = LedgerTransaction.objects.filter(event_key=key).first()
    if existing is not None:
        claim = RewardClaim.objects.filter(transaction=existing).first()
        if claim is None or claim.member_id != member.pk:
            raise ValidationError(_("This request was already used for something else."))
        return claim
    account = _lock(member_account(member))
    reward = Reward.objects.select_for_update().get(pk=reward.pk)
    if not reward.is_active:
        raise ValidationError(_("%(reward)s is no longer offered.") % {"reward": reward.title})
    if not reward.in_stock:
        raise ValidationError(_("%(reward)s has run out. Nothing has been spent.") % {"reward": reward.title})
    _require_balance(account, reward.price)
    posted = _post(
        event_key=key, kind=LedgerTransaction.Kind.SPEND, member=member, credits=reward.price,
        lines=[(account, -reward.price), (system_account(Account.Kind.REWARDS), reward.price)],
        reason=f"{reward.title}" + (f" ({reward.offered_by.name})" if reward.offered_by_id else ""), actor=actor or member,
    )
    if not posted.created:  # lost a race with the same request: return what it made
        return RewardClaim.objects.get(transaction=posted.transaction)
    if reward.stock is not None:
        Reward.objects.filter(pk=reward.pk).update(stock=F("stock") - 1)
    claim = RewardClaim.objects.create(reward=reward, member=member, transaction=posted.transaction, code=_new_claim_code())
    audit_record(
        action="timebank.reward.claimed",
        summary=f"{format_credits(reward.price)} time credits spent on {reward.title}",
        actor=actor or member, target=claim, data={"event_key": key, "reward_id": reward.pk, "hundredths": reward.price},
    )
    return claim


# --- council-tax discount ----------------------------------------------------------------------

COUNCIL_TAX_REFERENCE = re.compile(r"^[A-Z0-9]{6,12}$")


def household_key(member) -> str:
    """The address a council-tax bill goes to; a member without an address is their own household."""
    postcode = re.sub(r"\s+", "", (member.postcode or "")).upper()
    line = re.sub(r"\s+", " ", (member.address_line or "")).strip().lower()
    if postcode and line:
        return f"{postcode}|{line}"
    return f"member:{member.pk}"


def redemption_used_pence(*, policy: CouncilTaxPolicy, member) -> int:
    """Discount already taken this policy year by the member (or their household), net of corrections."""
    redemptions = Redemption.objects.filter(policy=policy, transaction__reversed_by__isnull=True)
    if policy.cap_basis == CouncilTaxPolicy.CapBasis.HOUSEHOLD:
        redemptions = redemptions.filter(household_key=household_key(member))
    else:
        redemptions = redemptions.filter(member=member)
    return redemptions.aggregate(total=Sum("discount_pence"))["total"] or 0


def policy_ineligibility(*, policy: CouncilTaxPolicy, member, today=None) -> list[str]:
    """Why `member` cannot use `policy` today, in plain English; empty when they can."""
    today = today or timezone.localdate()
    reasons = []
    if not policy.is_active or not (policy.year_starts <= today <= policy.year_ends):
        reasons.append(
            _("The %(policy)s runs from %(start)s to %(end)s.")
            % {"policy": policy.name, "start": policy.year_starts.strftime("%-d %B %Y"), "end": policy.year_ends.strftime("%-d %B %Y")}
        )
    if policy.requires_verified_resident and not member.is_verified_resident:
        reasons.append(_("Only residents whose address in the borough has been checked can take a council-tax discount."))
    return reasons


@transaction.atomic
def council_tax_redeem(*, member, policy: CouncilTaxPolicy, pounds: int, council_tax_reference: str,
                       confirms_liable: bool, event_key: str, actor=None) -> Redemption:
    """Turn credits into £`pounds` off the member's council-tax bill, within the policy's annual cap."""
    key = _check_event_key(event_key)
    existing = LedgerTransaction.objects.filter(event_key=key).first()
    if existing is not None:
        found = Redemption.objects.filter(transaction=existing).first()
        if found is None or found.member_id != member.pk:
            raise ValidationError(_("This request was already used for something else."))
        return found
    if isinstance(pounds, bool) or not isinstance(pounds, int) or pounds < 1:
        raise ValidationError(_("Enter a discount of at least £1, in whole pounds."))
    reference = re.sub(r"\s+", "", council_tax_reference or "").upper()
    if policy.requires_council_tax_payer:
        if not confirms_liable:
            raise ValidationError(_("Confirm that you are named on the council-tax bill."))
        if not COUNCIL_TAX_REFERENCE.match(reference):
            raise ValidationError(_("Enter your council-tax account reference: 6 to 12 letters and numbers, as printed on your bill."))
    account = _lock(member_account(member))
    policy = CouncilTaxPolicy.objects.select_for_update().get(pk=policy.pk)  # serialises the cap check
    reasons = policy_ineligibility(policy=policy, member=member)
    if reasons:
        raise ValidationError(reasons)
    discount_pence = pounds * 100
    used = redemption_used_pence(policy=policy, member=member)
    if used + discount_pence > policy.annual_cap_pence:
        left = max(policy.annual_cap_pence - used, 0)
        raise ValidationError(
            _("The discount is capped at £%(cap)s a year %(basis)s. £%(used)s has been taken already, so you can take up to £%(left)s more.")
            % {"cap": policy.annual_cap_pence // 100, "basis": policy.get_cap_basis_display(), "used": used // 100, "left": left // 100}
        )
    credits = pounds * policy.credits_per_pound
    _require_balance(account, credits)
    posted = _post(
        event_key=key, kind=LedgerTransaction.Kind.REDEEM, member=member, credits=credits,
        lines=[(account, -credits), (system_account(Account.Kind.COUNCIL_TAX), credits)],
        reason=_("£%(pounds)s off council tax (%(policy)s)") % {"pounds": pounds, "policy": policy.name},
        actor=actor or member,
    )
    if not posted.created:
        return Redemption.objects.get(transaction=posted.transaction)
    redemption = Redemption(
        policy=policy, member=member, transaction=posted.transaction, discount_pence=discount_pence,
        household_key=household_key(member), council_tax_reference=reference,
    )
    redemption.full_clean(exclude=["transaction"])
    redemption.save()
    audit_record(
        action="timebank.council_tax.redeemed",
        summary=f"£{pounds} council-tax discount for {format_credits(credits)} time credits",
        actor=actor or member, target=redemption, data={"event_key": key, "policy_id": policy.pk, "pounds": pounds},
    )
    return redemption


# --- corrections ---------------------------------------------------------------------------------

@transaction.atomic
def transaction_reverse(*, original: LedgerTransaction, reason: str, actor) -> LedgerTransaction:
    """Correct a mistake with a new transaction that mirrors `original`. Never edits the ledger."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why this is being corrected."))
    original = LedgerTransaction.objects.get(pk=original.pk)
    if original.kind == LedgerTransaction.Kind.REVERSAL:
        raise ValidationError(_("A correction cannot itself be reversed: issue or spend again instead."))
    if LedgerTransaction.objects.filter(reverses=original).exists():
        raise ValidationError(_("This has already been corrected."))
    entries = list(original.entries.select_related("account"))
    member_entries = [e for e in entries if e.account.kind == Account.Kind.MEMBER]
    for entry in member_entries:
        account = _lock(entry.account)
        if account.balance - entry.amount < 0:
            raise ValidationError(
                _("Reversing this would leave the member with %(balance)s credits, less than none: they have spent them already.")
                % {"balance": format_credits(account.balance - entry.amount)}
            )
    posted = _post(
        event_key=f"timebank.reversal:{original.pk}", kind=LedgerTransaction.Kind.REVERSAL, member=original.member,
        credits=original.credits, lines=[(e.account, -e.amount) for e in entries],
        reason=_("Correction of “%(reason)s”: %(why)s") % {"reason": original.reason, "why": reason}, actor=actor,
        reverses=original,
    )
    if not posted.created:
        return posted.transaction
    claim = RewardClaim.objects.filter(transaction=original).select_related("reward").first()
    if claim is not None and claim.reward.stock is not None:
        Reward.objects.filter(pk=claim.reward_id).update(stock=F("stock") + 1)
    audit_record(
        action="timebank.transaction.reversed",
        summary=f"Correction: {format_credits(original.credits)} time credits ({original.get_kind_display()}) reversed",
        actor=actor, target=posted.transaction, data={"reverses": original.pk, "reason": reason},
    )
    return posted.transaction


@transaction.atomic
def credit_reverse_for_event(*, event_key: str, reason: str, actor) -> LedgerTransaction | None:
    """Reverse whatever was posted under `event_key` (an attendance marked by mistake).

    Returns the correction, the existing correction if it was already reversed, or None when
    nothing was posted under that key (a rule that pays nothing). Refused, changing nothing, if
    the member has already spent the credits.
    """
    original = LedgerTransaction.objects.filter(event_key=_check_event_key(event_key)).first()
    if original is None:
        return None
    already = LedgerTransaction.objects.filter(reverses=original).first()
    if already is not None:
        return already
    return transaction_reverse(original=original, reason=reason, actor=actor)


# --- catalogue and policy ------------------------------------------------------------------------

@transaction.atomic
def reward_create(*, title: str, price: Decimal | int, actor, description: str = "", offered_by=None,
                  stock: int | None = None, how_to_use: str = "") -> Reward:
    reward = Reward(
        title=title, description=description, offered_by=offered_by, price=_hundredths(price, what=_("Price")),
        stock=stock, how_to_use=how_to_use,
    )
    reward.full_clean()
    reward.save()
    audit_record(
        action="timebank.reward.created", summary=f"Reward offered for time credits: {title}", actor=actor,
        target=reward, data={"hundredths": reward.price, "stock": stock}, public=True,
    )
    return reward


@transaction.atomic
def policy_create(*, name: str, year_starts, year_ends, credits_per_pound: Decimal | int, annual_cap_pence: int,
                  cap_basis: str, actor, requires_verified_resident: bool = True,
                  requires_council_tax_payer: bool = True, description: str = "") -> CouncilTaxPolicy:
    if year_starts and year_ends and year_ends <= year_starts:
        raise ValidationError(_("The policy year must end after it starts."))
    policy = CouncilTaxPolicy(
        name=name, description=description, year_starts=year_starts, year_ends=year_ends,
        credits_per_pound=_hundredths(credits_per_pound, what=_("Credits per pound")), annual_cap_pence=annual_cap_pence,
        cap_basis=cap_basis, requires_verified_resident=requires_verified_resident,
        requires_council_tax_payer=requires_council_tax_payer,
    )
    policy.full_clean()
    policy.save()
    audit_record(
        action="timebank.policy.created", summary=f"Council-tax discount policy set: {name}", actor=actor,
        target=policy, public=True,
        data={"credits_per_pound": policy.credits_per_pound, "annual_cap_pence": annual_cap_pence, "cap_basis": cap_basis},
    )
    return policy


@transaction.atomic
def rule_set(*, slug: str, name: str, credits_per_unit: Decimal | int, unit: str, actor=None, description: str = "",
             max_credits_per_event: Decimal | int | None = None, officer_can_issue: bool = True) -> EarningRule:
    """Create or change an earning rule (changes apply to events posted from now on)."""
    rule = EarningRule.objects.filter(slug=slug).first() or EarningRule(slug=slug)
    rule.name = name
    rule.description = description
    rule.unit = unit
    rule.credits_per_unit = _hundredths(credits_per_unit, what=_("Credits per unit"))
    rule.max_credits_per_event = (
        None if max_credits_per_event is None else _hundredths(max_credits_per_event, what=_("Most credits per occasion"))
    )
    rule.officer_can_issue = officer_can_issue
    rule.full_clean()
    rule.save()
    audit_record(
        action="timebank.rule.set", summary=f"Earning rule {name}: {rule.rate_display}", actor=actor, target=rule,
        public=True, data={"slug": slug, "credits_per_unit": rule.credits_per_unit, "unit": unit},
    )
    return rule
