"""Demo trusts: a youth services trust for the borough (users 11–25 and staff, counted class by
class), a tenants' trust for one estate, and a green-spaces trust for the borough, with members
drawn from the demo residents, boards and decisions (one open, others closed with outcomes).

The demo resident login joins the tenants' trust when they live on its estate, and the
green-spaces trust in any case; the demo young member joins the youth trust; the demo officer
supports every trust (so can see the registers).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from coproduce.accounts.models import User
from coproduce.places.models import Council, Neighbourhood

from . import services
from .models import BoardSeat, Membership, Proposal, Response, Trust

DEMO_DOMAIN = "demo.coproduce.org.uk"

PROPOSALS = {
    "youth": [
        ("Open the Eastwharf youth club on Sunday afternoons",
         "Young members asked for somewhere to go on Sundays. The trust would move two evening sessions to Sunday 2pm–6pm.",
         "carried", "The club opens on Sundays from next month. We will look at attendance after six months."),
        ("Commission a detached youth work team for the estates",
         "Put £120,000 of the trust's budget into street-based youth workers across the borough's estates.",
         "not_carried", "Staff members did not support this as it stands; the board will bring back a smaller pilot."),
    ],
    "tenants": [
        ("Turn the old laundry room into a community room",
         "The laundry room has been empty for two years. Tenants could run it as a room for clubs and meetings.",
         "carried", "The council has agreed the change of use. Keys will be held by the trust's secretary."),
        ("Ban ball games on the central green",
         "Some tenants asked for a ban after windows were broken.",
         "blocked", "Two members blocked the proposal because it would leave children nowhere to play. The board will consult on a fenced play area instead."),
    ],
    "green": [
        ("Plant 200 street trees in the next planting season",
         "Ask the council to fund 200 trees chosen by residents street by street.",
         "carried", "The trust will put a bid to the neighbourhood budget with the list of streets."),
    ],
}
OPEN_PROPOSALS = {
    "youth": ("Elect two young members to the commissioning panel",
              "The trust can send two young members to sit on the panel that chooses the next youth provider. Shall we hold an election?"),
    "tenants": ("Ask for secure bike storage by every block",
                "Residents have asked for bike sheds. The trust would put this to the council's housing capital programme."),
    "green": ("Run a monthly litter pick on the towpath",
              "Volunteers earn time credits; the council lends equipment."),
}
POSITIONS = ["agree", "abstain", "disagree", "block"]


def _age(dob: dt.date, today: dt.date) -> int:
    return services.age_on(dob, today)


def seed(*, rng: random.Random, log: Callable[[str], None]) -> None:
    council = Council.objects.order_by("pk").first()
    if council is None:
        log("  no council: demo trusts skipped")
        return
    today = timezone.localdate()
    now = timezone.now().replace(microsecond=0)
    officer = User.objects.filter(email=f"officer@{DEMO_DOMAIN}").first()
    resident = User.objects.filter(email=f"resident@{DEMO_DOMAIN}").first()
    young = User.objects.filter(email=f"young@{DEMO_DOMAIN}").first()

    estates = list(Neighbourhood.objects.filter(kind=Neighbourhood.Kind.ESTATE, ward__council=council).order_by("slug"))
    if not estates:
        log("  no estates: demo trusts skipped")
        return
    home = resident.neighbourhood if resident is not None else None
    estate = home if home is not None and home.kind == Neighbourhood.Kind.ESTATE else estates[0]

    youth = services.trust_create(
        name="Young Riverside Co-operative", slug="young-riverside",
        summary="The youth services trust: young people and youth workers decide together how youth services are designed and who runs them.",
        description="Any young person aged 11 to 25 who lives in the borough can join. Youth workers join as staff members, so it is a two-way mutual: decisions must carry with both young members and staff.",
        council=council, actor=officer, votes_by_class=True, default_quorum_percent=10,
        classes=[
            {"slug": "user", "name": "Young member", "description": "Young people aged 11 to 25 who live in the borough.",
             "min_age": 11, "max_age": 25, "requires_residency": True, "joinable_online": True},
            {"slug": "staff", "name": "Staff", "description": "Youth workers in the trust's services; added by a trust officer.",
             "requires_residency": False, "joinable_online": False},
        ],
    )
    tenants = services.trust_create(
        name=f"{estate.name} Tenants' Trust", slug=f"{estate.slug}-tenants",
        summary=f"The tenants and leaseholders of {estate.name} running their estate's services together.",
        council=council, actor=officer, area_kind=Trust.AreaKind.NEIGHBOURHOODS, neighbourhoods=[estate],
        default_quorum_percent=20,
        classes=[{"slug": "tenant", "name": "Tenant or leaseholder", "description": f"Anyone who lives on {estate.name}.",
                  "min_age": 16, "requires_residency": True, "joinable_online": True}],
    )
    green = services.trust_create(
        name="Riverside Green Spaces Trust", slug="green-spaces",
        summary="Residents looking after the borough's parks, towpaths and street trees with the council.",
        council=council, actor=officer, default_quorum_percent=10,
        classes=[{"slug": "community", "name": "Community member", "description": "Residents of the borough aged 16 or over.",
                  "min_age": 16, "requires_residency": True, "joinable_online": True}],
    )
    if officer is not None:
        for trust in (youth, tenants, green):
            trust.officers.add(officer)

    residents = list(
        User.objects.filter(verification_status=User.Verification.VERIFIED, neighbourhood__isnull=False,
                            date_of_birth__isnull=False, roles__role="resident")
        .exclude(email__in=[f"resident@{DEMO_DOMAIN}", f"young@{DEMO_DOMAIN}"])
        .select_related("neighbourhood").order_by("pk").distinct()
    )
    classes = {(c.trust_id, c.slug): c for t in (youth, tenants, green) for c in t.member_classes.all()}
    start = now - dt.timedelta(days=700)
    memberships: list[Membership] = []

    def joined_at() -> dt.datetime:
        return start + dt.timedelta(seconds=rng.randrange(0, int((now - start).total_seconds()) - 86_400))

    def add(trust, cls_slug, user, *, in_person=False, left=False):
        when = joined_at()
        memberships.append(Membership(
            trust=trust, user=user, member_class=classes[(trust.pk, cls_slug)], joined_at=when,
            joined_via=Membership.JoinedVia.IN_PERSON if in_person else Membership.JoinedVia.ONLINE,
            recorded_by=officer if in_person else None,
            assistance_note="Joined at a drop-in session with an officer" if in_person else "",
            left_at=when + (now - when) * rng.uniform(0.3, 0.9) if left else None,
            left_reason=rng.choice(["Moved away", "No longer have time", ""]) if left else "",
        ))

    young_people = [u for u in residents if 11 <= _age(u.date_of_birth, today) <= 25]
    adults = [u for u in residents if _age(u.date_of_birth, today) >= 16]
    for user in young_people:
        if rng.random() < 0.55:
            add(youth, "user", user, in_person=rng.random() < 0.15, left=rng.random() < 0.06)
    workers = rng.sample([u for u in residents if 24 <= _age(u.date_of_birth, today) <= 60], k=min(14, len(residents)))
    for user in workers:
        add(youth, "staff", user, in_person=officer is not None)
    for user in adults:
        if user.neighbourhood_id == estate.pk and rng.random() < 0.8:
            add(tenants, "tenant", user, in_person=rng.random() < 0.2, left=rng.random() < 0.05)
        if rng.random() < 0.08:
            add(green, "community", user, left=rng.random() < 0.05)
    if resident is not None:
        for trust, slug in ((tenants, "tenant"), (green, "community")):
            if not services.membership_refusals(trust=trust, user=resident, member_class=classes[(trust.pk, slug)]):
                add(trust, slug, resident)
    if young is not None and not services.membership_refusals(trust=youth, user=young, member_class=classes[(youth.pk, "user")]):
        add(youth, "user", young)
    Membership.objects.bulk_create(memberships, batch_size=1000)

    seats: list[BoardSeat] = []
    for trust, sizes in ((youth, {"user": 4, "staff": 2}), (tenants, {"tenant": 4}), (green, {"community": 3})):
        current = [m for m in memberships if m.trust_id == trust.pk and m.left_at is None
                   and m.user_id not in {getattr(resident, "pk", None), getattr(young, "pk", None)}]
        roles = ["chair", "secretary", "treasurer"] + ["member"] * 10
        for slug, size in sizes.items():
            pool = [m for m in current if m.member_class.slug == slug]
            for m in rng.sample(pool, k=min(size, len(pool))):
                seats.append(BoardSeat(trust=trust, user_id=m.user_id, role=roles.pop(0),
                                       started_on=timezone.localdate(m.joined_at) + dt.timedelta(days=30)))
    BoardSeat.objects.bulk_create(seats)

    proposals = 0
    for key, trust in (("youth", youth), ("tenants", tenants), ("green", green)):
        current = [m for m in memberships if m.trust_id == trust.pk and m.left_at is None]
        author_id = next((s.user_id for s in seats if s.trust_id == trust.pk and s.role == "chair"), officer.pk if officer else None)
        for months_ago, (title, body, outcome, statement) in enumerate(PROPOSALS[key], start=1):
            closes = now - dt.timedelta(days=40 * months_ago)
            proposal = Proposal.objects.create(
                trust=trust, title=title, body=body, author_id=author_id, opened_at=closes - dt.timedelta(days=14),
                closes_at=closes, quorum_percent=trust.default_quorum_percent, votes_by_class=trust.votes_by_class,
            )
            _respond(rng, proposal, current, outcome, when=closes - dt.timedelta(days=3))
            result = services.proposal_count(proposal=proposal)
            Proposal.objects.filter(pk=proposal.pk).update(
                status=Proposal.Status.CLOSED, outcome=result.outcome, tally=result.as_dict(), outcome_statement=statement,
                review_on=today + dt.timedelta(days=120 + 30 * months_ago), closed_at=closes + dt.timedelta(days=1),
                closed_by_id=author_id,
            )
            proposals += 1
        title, body = OPEN_PROPOSALS[key]
        proposal = Proposal.objects.create(
            trust=trust, title=title, body=body, author_id=author_id, opened_at=now - dt.timedelta(days=3),
            closes_at=now + dt.timedelta(days=6), quorum_percent=trust.default_quorum_percent,
            votes_by_class=trust.votes_by_class,
        )
        others = [m for m in current if m.user_id not in {getattr(resident, "pk", None), getattr(young, "pk", None)}]
        _respond(rng, proposal, rng.sample(others, k=len(others) // 12), "carried", when=now - dt.timedelta(days=1))
        proposals += 1
    log(f"  3 trusts, {len(memberships)} memberships, {len(seats)} board seats, {proposals} proposals "
        f"(tenants' trust: {estate.name})")


def _respond(rng: random.Random, proposal: Proposal, members: list[Membership], lean: str, *, when) -> None:
    """Responses from about a third of `members`, leaning towards `lean` (a demo, not a prediction)."""
    weights = {
        "carried": [70, 15, 15, 0],
        "not_carried": [35, 15, 50, 0],
        "blocked": [60, 10, 28, 2],
    }[lean]
    chosen = [m for m in members if rng.random() < 0.35]
    rows = []
    blocks = 0
    for m in chosen:
        position = rng.choices(POSITIONS, weights=weights)[0]
        if proposal.votes_by_class and lean == "not_carried" and m.member_class.slug == "staff":
            position = "disagree"
        if position == "block":
            blocks += 1
        rows.append(Response(proposal=proposal, membership=m, user_id=m.user_id, position=position,
                             reason="It would leave children nowhere to play." if position == "block" else "",
                             responded_at=when))
    if lean == "blocked" and not blocks and rows:
        rows[0].position = "block"
        rows[0].reason = "It would leave children nowhere to play."
    Response.objects.bulk_create(rows)
