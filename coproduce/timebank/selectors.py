"""Reads of the time-credit ledger: statements, the catalogue, totals by ward and the ledger check."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from .models import (
    Account,
    CouncilTaxPolicy,
    EarningRule,
    LedgerEntry,
    LedgerTransaction,
    Redemption,
    Reward,
)


def account_for(member) -> Account | None:
    return Account.objects.filter(user=member).first() if getattr(member, "pk", None) else None


def statement_entries(*, account: Account):
    """The member's entries, newest first, with what each was for (one query per page)."""
    return (
        LedgerEntry.objects.filter(account=account)
        .select_related("transaction", "transaction__rule", "transaction__reverses")
        .annotate(reversed=Exists(LedgerTransaction.objects.filter(reverses=OuterRef("transaction"))))
        .order_by("-transaction__created_at", "-id")
    )


def with_running_balance(entries: list[LedgerEntry], *, balance_after_first: int) -> list[LedgerEntry]:
    """Set `balance_after` on a newest-first page of entries, given the balance after its first."""
    running = balance_after_first
    for entry in entries:
        entry.balance_after = running
        running -= entry.amount
    return entries


def balance_after_entry(*, account: Account, entry: LedgerEntry) -> int:
    """The balance right after `entry`: the account balance less every later entry."""
    later = LedgerEntry.objects.filter(account=account).filter(
        Q(transaction__created_at__gt=entry.transaction.created_at)
        | Q(transaction__created_at=entry.transaction.created_at, id__gt=entry.id)
    )
    return derived_balance(account) - (later.aggregate(total=Sum("amount"))["total"] or 0)


def derived_balance(account: Account) -> int:
    return LedgerEntry.objects.filter(account=account).aggregate(total=Sum("amount"))["total"] or 0


def statement_totals(*, account: Account) -> dict[str, int]:
    """Earned, spent and redeemed for one member, each net of corrections."""
    rows = (
        LedgerEntry.objects.filter(account=account)
        .values("transaction__kind", "transaction__reverses__kind")
        .annotate(total=Sum("amount"))
    )
    totals = {"issue": 0, "spend": 0, "redeem": 0}
    for row in rows:
        kind = row["transaction__reverses__kind"] or row["transaction__kind"]
        if kind in totals:
            totals[kind] += row["total"]
    return {"earned": totals["issue"], "spent": -totals["spend"], "redeemed": -totals["redeem"]}


def reward_list(*, include_inactive: bool = False):
    rewards = Reward.objects.select_related("offered_by")
    if not include_inactive:
        rewards = rewards.filter(is_active=True)
    return rewards.order_by("price", "title")


def policy_current(*, today=None) -> CouncilTaxPolicy | None:
    today = today or timezone.localdate()
    return (
        CouncilTaxPolicy.objects.filter(is_active=True, year_starts__lte=today, year_ends__gte=today)
        .order_by("-year_starts")
        .first()
    )


def member_redemptions(*, member, policy: CouncilTaxPolicy | None = None):
    redemptions = Redemption.objects.filter(member=member).select_related("policy", "transaction")
    if policy is not None:
        redemptions = redemptions.filter(policy=policy)
    return redemptions.annotate(reversed=Exists(LedgerTransaction.objects.filter(reverses=OuterRef("transaction"))))


def redemption_lines(*, policy: CouncilTaxPolicy):
    return (
        Redemption.objects.filter(policy=policy).select_related("member", "transaction")
        .annotate(reversed=Exists(LedgerTransaction.objects.filter(reverses=OuterRef("transaction"))))
        .order_by("created_at", "id")
    )


def rule_list():
    return EarningRule.objects.filter(is_active=True).order_by("-credits_per_unit", "name")


@dataclass(frozen=True)
class WardTotal:
    ward_id: int | None
    ward_name: str
    issued: int
    members: int


def totals_by_ward(*, since=None) -> list[WardTotal]:
    """Credits earned by members in each ward (net of corrections), largest first. Public figures."""
    from coproduce.places.models import Ward

    issues = LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.ISSUE)
    if since is not None:
        issues = issues.filter(created_at__gte=since)
    reversed_issues = LedgerTransaction.objects.filter(
        kind=LedgerTransaction.Kind.REVERSAL, reverses__kind=LedgerTransaction.Kind.ISSUE
    )
    if since is not None:
        reversed_issues = reversed_issues.filter(reverses__created_at__gte=since)
    gross = {r["ward"]: r for r in issues.values("ward").annotate(total=Sum("credits"), members=Count("member", distinct=True))}
    back = {r["reverses__ward"]: r["total"] for r in reversed_issues.values("reverses__ward").annotate(total=Sum("credits"))}
    names = dict(Ward.objects.values_list("id", "name"))
    rows = [
        WardTotal(
            ward_id=ward_id, ward_name=names.get(ward_id, "") if ward_id else "",
            issued=row["total"] - back.get(ward_id, 0), members=row["members"],
        )
        for ward_id, row in gross.items()
    ]
    for ward_id, name in names.items():
        if ward_id not in gross:
            rows.append(WardTotal(ward_id=ward_id, ward_name=name, issued=0, members=0))
    return sorted(rows, key=lambda r: (-r.issued, r.ward_name))


# --- the ledger check -------------------------------------------------------------------------

@dataclass
class LedgerReport:
    entries: int = 0
    accounts: int = 0
    sum_of_all_balances: int = 0
    negative_member_balances: int = 0
    issued: int = 0
    spent: int = 0
    redeemed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _net(kind: str) -> int:
    gross = LedgerTransaction.objects.filter(kind=kind).aggregate(t=Sum("credits"))["t"] or 0
    back = LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.REVERSAL, reverses__kind=kind).aggregate(
        t=Sum("credits")
    )["t"] or 0
    return gross - back


def ledger_check() -> LedgerReport:
    """Verify every invariant of the ledger from the entries themselves; list what is broken."""
    report = LedgerReport()
    report.entries = LedgerEntry.objects.count()
    report.accounts = Account.objects.count()
    report.sum_of_all_balances = LedgerEntry.objects.aggregate(t=Sum("amount"))["t"] or 0
    if report.sum_of_all_balances != 0:
        report.problems.append(f"All balances sum to {report.sum_of_all_balances} hundredths, not 0.")

    derived = {
        row["account"]: row["total"]
        for row in LedgerEntry.objects.values("account").annotate(total=Sum("amount"))
    }
    for account_id, kind, cached in Account.objects.values_list("id", "kind", "balance"):
        balance = derived.get(account_id, 0)
        if kind == Account.Kind.MEMBER and balance < 0:
            report.negative_member_balances += 1
            report.problems.append(f"Member account {account_id} has a negative balance ({balance} hundredths).")
        if balance != cached:
            report.problems.append(
                f"Account {account_id}: cached balance {cached} differs from its entries ({balance}) (hundredths)."
            )

    unbalanced = (
        LedgerTransaction.objects.annotate(total=Sum("entries__amount"), n=Count("entries"))
        .filter(Q(total__isnull=True) | ~Q(total=0) | Q(n__lt=2))
        .values_list("id", "total", "n")
    )
    for tx_id, total, n in unbalanced[:50]:
        report.problems.append(f"Transaction {tx_id} has {n} entries summing to {total or 0}, not a balanced pair.")

    moved = LedgerEntry.objects.filter(amount__gt=0).values("transaction").annotate(total=Sum("amount"))
    mismatched = LedgerTransaction.objects.annotate(
        moved=Subquery(moved.filter(transaction=OuterRef("pk")).values("total")[:1])
    ).exclude(moved=F("credits"))
    for tx_id, credits, moved_total in mismatched.values_list("id", "credits", "moved")[:50]:
        report.problems.append(f"Transaction {tx_id} says it moved {credits} but its entries move {moved_total}.")

    mirrored = LedgerEntry.objects.filter(transaction__kind=LedgerTransaction.Kind.REVERSAL).values(
        "transaction__reverses", "account"
    ).annotate(total=Sum("amount"))
    originals = {
        (row["transaction"], row["account"]): row["total"]
        for row in LedgerEntry.objects.filter(transaction__reversed_by__isnull=False)
        .values("transaction", "account")
        .annotate(total=Sum("amount"))
    }
    for row in mirrored:
        key = (row["transaction__reverses"], row["account"])
        if originals.get(key, 0) != -row["total"]:
            report.problems.append(f"The correction of transaction {key[0]} does not mirror it exactly.")
            break

    report.issued = _net(LedgerTransaction.Kind.ISSUE)
    report.spent = _net(LedgerTransaction.Kind.SPEND)
    report.redeemed = _net(LedgerTransaction.Kind.REDEEM)
    return report

