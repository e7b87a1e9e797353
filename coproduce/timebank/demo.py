"""Demo time credits: this year's council-tax policy, a rewards catalogue from the council and
partner organisations, and a year and a half of credit histories for a few hundred residents,
including the demo resident login (earnings, a reward, a council-tax discount and a correction).

Histories are written with bulk_create, member by member in date order, so no balance ever
goes below zero, and every transaction's entries sum to zero; `coproduce timebank check`
passes on the demo. One audit entry records the load.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from coproduce.accounts.models import User
from coproduce.audit.services import audit_record
from coproduce.organisations.models import Organisation

from . import services
from .credits import rule_hundredths
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

DEMO_DOMAIN = "demo.coproduce.org.uk"

REWARDS = [
    # title, description, hundredths, stock, partner?
    ("Swim at a council leisure centre", "One swim session at any council pool.", 100, None, False),
    ("Gym session", "One gym session at a council leisure centre.", 200, None, False),
    ("Adult learning short course", "A six-week evening course at the borough's adult college.", 1000, 20, False),
    ("Theatre ticket", "A ticket for a Tuesday or Wednesday performance.", 400, 40, True),
    ("Community café lunch", "Lunch at the community café, any weekday.", 100, None, True),
    ("Bike repair and service", "A full service at the community bike workshop.", 300, 25, True),
]
EARNING = [
    ("volunteering", ["Litter pick on the towpath", "Helping at the food bank", "Reading with children at the library",
                      "Community garden work day", "Stewarding the summer fair"]),
    ("peer_support", ["Peer support group", "Befriending visit", "Buddying a new member"]),
    ("meeting_attendance", ["Youth trust members' meeting", "Tenants' trust open meeting", "Neighbourhood forum"]),
    ("evaluation_panel", ["Youth services tender evaluation panel", "Community transport tender panel"]),
]
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _financial_year(today: dt.date) -> tuple[dt.date, dt.date]:
    start_year = today.year if today >= dt.date(today.year, 4, 1) else today.year - 1
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)


def seed(*, rng: random.Random, log: Callable[[str], None]) -> None:
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    officer = User.objects.filter(email=f"officer@{DEMO_DOMAIN}").first()
    resident = User.objects.filter(email=f"resident@{DEMO_DOMAIN}").select_related("neighbourhood").first()

    year_starts, year_ends = _financial_year(today)
    policy = services.policy_create(
        name=f"Time credits council-tax discount {year_starts.year}/{str(year_ends.year)[2:]}",
        description="Residents who give their time can take up to £100 a year off their household's council-tax bill: "
                    "1 time credit for each £1. The discount is made under section 13A(1)(c) of the Local Government "
                    "Finance Act 1992 and shows on your next bill.",
        year_starts=year_starts, year_ends=year_ends, credits_per_pound=1, annual_cap_pence=10_000,
        cap_basis=CouncilTaxPolicy.CapBasis.HOUSEHOLD, actor=officer,
    )
    partners = list(Organisation.objects.filter(Q(kind="community") | Q(legal_form="charity")).order_by("slug")[:3])
    rewards = []
    for i, (title, description, price, stock, partner) in enumerate(REWARDS):
        offered_by = partners[i % len(partners)] if partner and partners else None
        rewards.append(services.reward_create(
            title=title, description=description, price=Decimal(price) / 100,
            stock=stock, offered_by=offered_by, actor=officer,
            how_to_use="Show the code on your statement at the desk." if offered_by is None
            else f"Show the code to {offered_by.name}.",
        ))

    rules = {r.slug: r for r in EarningRule.objects.all()}
    for slug, *_rest in EARNING:
        rules[slug] = services.rule_get(slug)
    people = list(
        User.objects.filter(verification_status=User.Verification.VERIFIED, neighbourhood__isnull=False, roles__role="resident")
        .exclude(email=f"resident@{DEMO_DOMAIN}").select_related("neighbourhood").order_by("pk").distinct()
    )
    members = rng.sample(people, k=min(320, len(people)))
    if resident is not None and resident.is_verified_resident:
        members.append(resident)

    issuing = services.system_account(Account.Kind.ISSUING)
    rewards_account = services.system_account(Account.Kind.REWARDS)
    tax_account = services.system_account(Account.Kind.COUNCIL_TAX)
    accounts = Account.objects.bulk_create(
        [Account(kind=Account.Kind.MEMBER, user=m, name=m.full_name, opened_at=now - dt.timedelta(days=540)) for m in members]
    )
    if any(a.pk is None for a in accounts):
        by_user = dict(Account.objects.filter(user__in=members).values_list("user_id", "pk"))
        for a in accounts:
            a.pk = a.id = by_user[a.user_id]

    plans: list[tuple[LedgerTransaction, list[tuple[Account, int]], object]] = []
    balances = {a.pk: 0 for a in (issuing, rewards_account, tax_account, *accounts)}
    stock = {r.pk: r.stock for r in rewards}
    household_used: dict[str, int] = {}
    counter = 0

    def plan(member, account, kind, credits, lines, reason, when, rule=None, extra=None, reverses=None):
        nonlocal counter
        counter += 1
        tx = LedgerTransaction(
            event_key=f"demo.{kind}:{counter}", kind=kind, member=member, credits=credits, rule=rule, reason=reason,
            ward_id=member.neighbourhood.ward_id if member.neighbourhood_id else None,
            actor=officer if kind in ("issue", "reversal") else member, created_at=when, reverses=reverses,
        )
        plans.append((tx, lines, extra))
        for acc, amount in lines:
            balances[acc.pk] += amount
        return tx

    for member, account in zip(members, accounts, strict=True):
        is_resident_login = resident is not None and member.pk == resident.pk
        events = 12 if is_resident_login else rng.randrange(1, 14)
        days = sorted(rng.sample(range(5, 540), k=events), reverse=True)
        for n, days_ago in enumerate(days):
            when = now - dt.timedelta(days=days_ago, minutes=rng.randrange(0, 600))
            slug, reasons = rng.choice(EARNING)
            rule = rules[slug]
            units = rng.choice([1, 1.5, 2, 2, 3]) if rule.unit == "hour" else 1
            credits = rule_hundredths(rule.credits_per_unit, Decimal(str(units)))
            credits = min(credits, rule.max_credits_per_event or credits)
            tx = plan(member, account, "issue", credits, [(account, credits), (issuing, -credits)], rng.choice(reasons), when, rule=rule)
            if is_resident_login and n == 3:  # a mistake, corrected by a reversing entry a day later
                plan(member, account, "reversal", credits, [(account, -credits), (issuing, credits)],
                     f"Correction of “{tx.reason}”: entered twice", when + dt.timedelta(days=1), reverses=tx)
            if (n in (4, 8)) if is_resident_login else rng.random() < 0.25:
                affordable = [r for r in rewards if r.price <= balances[account.pk] and (stock[r.pk] is None or stock[r.pk] > 0)]
                if affordable:
                    reward = rng.choice(affordable)
                    if stock[reward.pk] is not None:
                        stock[reward.pk] -= 1
                    code = "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
                    plan(member, account, "spend", reward.price, [(account, -reward.price), (rewards_account, reward.price)],
                         reward.title, when + dt.timedelta(days=2), extra=("claim", reward, code))
        household = services.household_key(member)
        spare = balances[account.pk] // 100 - (6 if is_resident_login else 0)  # the demo login keeps some to spend
        pounds = min(spare, (10_000 - household_used.get(household, 0)) // 100, 10 if is_resident_login else rng.randrange(5, 40))
        if pounds >= 5 and (is_resident_login or rng.random() < 0.2):
            credits = pounds * policy.credits_per_pound
            when = max(now - dt.timedelta(days=1 if is_resident_login else rng.randrange(1, 60)),
                       timezone.make_aware(dt.datetime.combine(year_starts, dt.time(12))))
            if when > plans[-1][0].created_at:  # only after everything the member already had
                household_used[household] = household_used.get(household, 0) + pounds * 100
                plan(member, account, "redeem", credits, [(account, -credits), (tax_account, credits)],
                     f"£{pounds} off council tax ({policy.name})", when, extra=("redeem", pounds, household))

    # Originals first, so each correction can point at the transaction it reverses.
    for batch in ([tx for tx, _l, _e in plans if tx.reverses is None], [tx for tx, _l, _e in plans if tx.reverses is not None]):
        LedgerTransaction.objects.bulk_create(batch, batch_size=1000)
        if any(tx.pk is None for tx in batch):
            by_key = dict(LedgerTransaction.objects.filter(event_key__startswith="demo.").values_list("event_key", "pk"))
            for tx in batch:
                tx.pk = tx.id = by_key[tx.event_key]
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(transaction=tx, account=acc, amount=amount) for tx, lines, _e in plans for acc, amount in lines],
        batch_size=2000,
    )
    claims, redemptions = [], []
    for tx, _lines, extra in plans:
        if extra and extra[0] == "claim":
            claims.append(RewardClaim(reward=extra[1], member=tx.member, transaction=tx, code=extra[2], claimed_at=tx.created_at))
        elif extra and extra[0] == "redeem":
            redemptions.append(Redemption(
                policy=policy, member=tx.member, transaction=tx, discount_pence=extra[1] * 100, household_key=extra[2],
                council_tax_reference=f"RV{rng.randrange(10_000_000, 99_999_999)}", created_at=tx.created_at,
            ))
    RewardClaim.objects.bulk_create(claims)
    Redemption.objects.bulk_create(redemptions)
    for reward in rewards:
        reward.stock = stock[reward.pk]
    Reward.objects.bulk_update(rewards, ["stock"])
    for acc in (issuing, rewards_account, tax_account, *accounts):
        acc.balance = balances[acc.pk]
    Account.objects.bulk_update([issuing, rewards_account, tax_account, *accounts], ["balance"], batch_size=1000)
    audit_record(
        action="timebank.demo.loaded", summary=f"Demo time-credit histories loaded: {len(plans)} transactions",
        actor=None, actor_label="demo", data={"transactions": len(plans), "members": len(accounts)},
    )
    log(f"  {len(accounts)} members with credit histories, {len(plans)} transactions, {len(claims)} rewards claimed, "
        f"{len(redemptions)} council-tax discounts, {len(rewards)} rewards, policy {policy.name}")
