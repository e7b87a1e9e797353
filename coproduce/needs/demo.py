"""Demo needs: several hundred needs and desired outcomes across the wards, with supports from
demo residents, officers' responses on the record, and outcome indicators on accepted needs.

Needs and supports are written with bulk_create; responses and indicators go through the
services, so they are on the public record (audit log) like real ones.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from coproduce.accounts.models import Role, User
from coproduce.places.models import Neighbourhood

from . import services
from .models import Category, Need, NeedResponse, NeedSupport

NEED_COUNT = 420
DEMO_RESIDENT_EMAIL = "resident@demo.coproduce.org.uk"
DEMO_OFFICER_EMAIL = "officer@demo.coproduce.org.uk"

C = Category
NEEDS: dict[str, list[str]] = {
    C.YOUTH: [
        "Somewhere safe for teenagers to meet in the evening", "Reopen the youth club on Fridays",
        "Detached youth workers on the estate at weekends", "Free holiday activities for 11 to 16 year olds",
        "Mentoring for young people leaving school without a plan", "A music studio young people can book",
        "Football coaching that does not cost anything", "Youth workers who speak Somali and Portuguese",
    ],
    C.HOUSING: [
        "Repairs to damp flats fixed within weeks, not months", "Lifts in the tower blocks that work",
        "Help for private renters facing eviction", "A tenants' hall the residents manage themselves",
        "Better lighting on the stairwells", "Secure bike storage for flats",
        "Advice on overcrowding and transfers", "Faster action on mould in council homes",
    ],
    C.CARE: [
        "A lunch club for older people who live alone", "Respite for carers of people with dementia",
        "Home care visits that are longer than 15 minutes", "A befriending scheme for housebound neighbours",
        "Support for young carers after school", "A day centre for adults with learning disabilities",
        "Help with shopping for people coming out of hospital", "Carers' drop-in with advice on benefits",
    ],
    C.ENVIRONMENT: [
        "More frequent bin collections on the high street", "Food waste collection for flats",
        "Street trees on the main road", "Clean up the fly-tipping behind the shops",
        "A community compost scheme", "Cleaner air outside the primary school",
        "Recycling that works for blocks of flats", "Graffiti removed from the underpass",
    ],
    C.SAFETY: [
        "Street lighting on the path to the station", "Safer routes for children walking to school",
        "Action on drug dealing by the garages", "A neighbourhood watch that meets in the evening",
        "Victim support in community languages", "Safe spaces for women on night buses",
        "CCTV that works in the car park", "Stop the speeding on the estate roads",
    ],
    C.PARKS: [
        "Working toilets in the park", "A playground for toddlers near the flats",
        "Outdoor gym equipment for all ages", "Benches along the river path",
        "A community garden on the empty land", "Keep the park gates open until dusk in summer",
        "Wildflower meadows instead of mown grass", "A water fountain by the sports pitches",
    ],
    C.ECONOMY: [
        "Cheap workspace for local start-ups", "Apprenticeships with local employers",
        "Help for market traders after the rent rise", "English classes with childcare",
        "Free digital skills sessions at the library", "A credit union branch on the high street",
        "Jobs for local people on the regeneration site", "Support for people returning to work after illness",
    ],
    C.HEALTH: [
        "Mental health support without a long wait", "A crisis café open at night",
        "Walking groups for people with long-term conditions", "Healthy cooking classes for families",
        "A GP surgery that answers the phone", "Peer support for new mothers",
        "Stop-smoking support in the community centre", "Support for people who hear voices",
    ],
    C.TRANSPORT: [
        "A pedestrian crossing by the school", "Dropped kerbs for wheelchairs and buggies",
        "A bus stop with a shelter and seating", "Fix the potholes on the main road",
        "Secure cycle parking at the station", "Slower traffic on residential streets",
        "Step-free access at the station", "A community minibus for older residents",
    ],
    C.OTHER: [
        "A community hall people can hire cheaply", "Free wifi in the community centre",
        "Information from the council in plain English", "A noticeboard for local events",
        "Help filling in forms at the library", "Longer opening hours at the library",
    ],
}
OUTCOMES: dict[str, list[str]] = {
    C.YOUTH: ["Fewer young people drawn into violence", "Every young person has something to do after school"],
    C.HOUSING: ["Nobody lives in a damp home", "Tenants have a real say over repairs"],
    C.CARE: ["Older people are less lonely", "Carers get a break when they need one"],
    C.ENVIRONMENT: ["Streets that are clean every day", "Half of household waste recycled"],
    C.SAFETY: ["People feel safe walking home at night", "Fewer burglaries on the estate"],
    C.PARKS: ["Every child can play outside within five minutes of home"],
    C.ECONOMY: ["More local people in good local jobs", "Small shops stay open on the high street"],
    C.HEALTH: ["People get mental health help before a crisis", "Fewer people go to A&E with no other option"],
    C.TRANSPORT: ["Children walk or cycle to school safely", "Everyone can get around without a car"],
    C.OTHER: ["Residents can find out what is going on"],
}
DESCRIPTIONS = [
    "This has been a problem for as long as I have lived here, and it is getting worse.",
    "Neighbours and I have talked about this at the tenants' meeting several times.",
    "It affects older people and families with young children most.",
    "Other areas nearby have this and it makes a real difference.",
    "We would be happy to help run it if the council could support us.",
    "Since the funding was cut last year there is nothing in its place.",
    "People have stopped reporting it because nothing happens.",
]
REASONS = {
    Need.Status.ACCEPTED_COMMISSIONING: [
        "The need is clear from residents' support and our own data. It goes into the next commissioning "
        "cycle, with residents on the evaluation panel.",
        "Accepted. The service specification will be written with the residents who raised it.",
    ],
    Need.Status.ACCEPTED_BUDGET: [
        "This can be met locally: it is put forward to the ward's neighbourhood budget, where residents vote.",
        "Accepted for the neighbourhood budget. Projects that answer it can be proposed in the next round.",
    ],
    Need.Status.ALREADY_MET: [
        "A service already does this: the community centre runs it on Tuesdays and Thursdays. We will "
        "publicise it better, with the residents who raised it.",
        "This started in the spring and is funded for three years.",
    ],
    Need.Status.NOT_POSSIBLE: [
        "The land belongs to the housing association, not the council. We have passed the need on to them "
        "and will publish their answer.",
        "This is the responsibility of the NHS, not the council. We have raised it with the local health "
        "partnership and will report back.",
    ],
}
INDICATORS = {
    C.YOUTH: ("Young people using evening sessions each week", "young people", 0, 60),
    C.HOUSING: ("Homes with damp or mould reported and not fixed", "homes", 140, 20),
    C.CARE: ("Older people at the lunch club each week", "people", 0, 45),
    C.ENVIRONMENT: ("Fly-tipping reports each month", "reports", 85, 30),
    C.SAFETY: ("Residents who feel safe walking after dark", "%", 41, 70),
    C.PARKS: ("Families using the playground on a weekday", "families", 10, 50),
    C.ECONOMY: ("Local residents starting apprenticeships each year", "people", 6, 30),
    C.HEALTH: ("Days from referral to first mental health appointment", "days", 84, 21),
    C.TRANSPORT: ("Children walking or cycling to school", "%", 38, 60),
    C.OTHER: ("Residents who say they know what the council is doing", "%", 22, 50),
}
SECOND_INDICATOR = ("Residents satisfied with the service", "%", 30, 75)


def seed(*, rng: random.Random, log: Callable[[str], None]) -> None:
    residents = list(
        User.objects.filter(roles__role=Role.RESIDENT, verification_status=User.Verification.VERIFIED,
                            neighbourhood__isnull=False, is_active=True)
        .order_by("pk").values_list("pk", "neighbourhood_id", "neighbourhood__ward_id")
    )
    neighbourhoods = list(Neighbourhood.objects.order_by("pk").values_list("pk", "ward_id"))
    if not residents or not neighbourhoods:
        log("  no verified residents or places: demo needs skipped")
        return
    by_ward: dict[int, list[int]] = defaultdict(list)
    for pk, _nbhd, ward in residents:
        by_ward[ward].append(pk)
    everyone = [pk for pk, _n, _w in residents]
    now = timezone.now().replace(microsecond=0)

    needs: list[Need] = []
    raisers: list[int] = []
    for _ in range(NEED_COUNT):
        raiser, nbhd_id, ward_id = rng.choice(residents)
        category = rng.choice(Category.values)
        is_outcome = rng.random() < 0.18
        title = rng.choice(OUTCOMES[category] if is_outcome else NEEDS[category])
        roll = rng.random()
        place = (
            {"borough_wide": True} if roll < 0.1
            else {"ward_id": ward_id, "area_ward_id": ward_id} if roll < 0.35
            else {"neighbourhood_id": nbhd_id, "area_ward_id": ward_id}
        )
        needs.append(Need(
            kind=Need.Kind.OUTCOME if is_outcome else Need.Kind.NEED, title=title, category=category,
            description=" ".join(rng.sample(DESCRIPTIONS, k=2)), raised_by_id=raiser,
            created_at=now - dt.timedelta(days=rng.randrange(1, 730), minutes=rng.randrange(1440)), **place,
        ))
        raisers.append(raiser)
    needs.sort(key=lambda n: n.created_at)
    raisers = [n.raised_by_id for n in needs]
    Need.objects.bulk_create(needs, batch_size=500)
    if any(n.pk is None for n in needs):
        ids = list(Need.objects.order_by("created_at", "pk").values_list("pk", flat=True))
        for need, pk in zip(needs, ids, strict=True):
            need.pk = need.id = pk

    supports: list[NeedSupport] = []
    demo_resident = User.objects.filter(email=DEMO_RESIDENT_EMAIL).first()
    for need, raiser in zip(needs, raisers, strict=True):
        pool = by_ward.get(need.area_ward_id) or everyone
        wanted = min(int(rng.paretovariate(1.3)) * 3 + rng.randrange(0, 6), len(pool) - 1, 120)
        chosen = {raiser, *rng.sample(pool, k=max(wanted, 0))}
        age = (now - need.created_at).days
        for supporter in sorted(chosen):
            supports.append(NeedSupport(need=need, supporter_id=supporter,
                                        created_at=need.created_at + dt.timedelta(days=rng.randrange(0, age + 1))))
        need.support_count = len(chosen)
    if demo_resident is not None and demo_resident.neighbourhood_id:
        ward_id = demo_resident.neighbourhood.ward_id
        local = [n for n in needs if n.area_ward_id in (ward_id, None)][:8]
        for need in local:
            if not any(s.need is need and s.supporter_id == demo_resident.pk for s in supports):
                supports.append(NeedSupport(need=need, supporter_id=demo_resident.pk, created_at=now - dt.timedelta(days=3)))
                need.support_count += 1
    NeedSupport.objects.bulk_create(supports, batch_size=2000)
    Need.objects.bulk_update(needs, ["support_count"], batch_size=500)

    officer = (User.objects.filter(email=DEMO_OFFICER_EMAIL).first()
               or User.objects.filter(roles__role=Role.OFFICER).order_by("pk").first())
    responded = indicators = 0
    if officer is not None:
        statuses = [Need.Status.ACCEPTED_COMMISSIONING, Need.Status.ACCEPTED_BUDGET,
                    Need.Status.ALREADY_MET, Need.Status.NOT_POSSIBLE]
        weights = [3, 4, 2, 2]
        for need in needs:
            age = (now - need.created_at).days
            if age < 30 or rng.random() < 0.35:
                continue
            status = rng.choices(statuses, weights=weights)[0]
            when = need.created_at + dt.timedelta(days=rng.randrange(7, min(age, 90)))
            history = [status]
            if status == Need.Status.NOT_POSSIBLE and rng.random() < 0.2:
                history = [Need.Status.NOT_POSSIBLE, Need.Status.OPEN, Need.Status.ACCEPTED_BUDGET]
            for step, target in enumerate(history):
                reasons = (rng.choice(REASONS[target]) if target in REASONS
                           else "Reopened: the housing association has offered the land after all.")
                response = services.need_respond(need=need, officer=officer, status=target, reasons=reasons)
                stamp = min(when + dt.timedelta(days=30 * step), now)
                NeedResponse.objects.filter(pk=response.pk).update(created_at=stamp)
                Need.objects.filter(pk=need.pk).update(responded_at=stamp)
            responded += 1
            if need.status in Need.ACCEPTED:
                name, unit, baseline, target = INDICATORS[need.category]
                services.outcome_indicator_add(
                    need=need, officer=officer, name=name, unit=unit, baseline=Decimal(baseline),
                    target=Decimal(target), target_date=(now + dt.timedelta(days=rng.randrange(180, 900))).date(),
                )
                indicators += 1
                if rng.random() < 0.3:
                    name, unit, baseline, target = SECOND_INDICATOR
                    services.outcome_indicator_add(
                        need=need, officer=officer, name=name, unit=unit, baseline=Decimal(baseline),
                        target=Decimal(target), target_date=(now + dt.timedelta(days=rng.randrange(365, 900))).date(),
                    )
                    indicators += 1
    log(f"  {len(needs)} needs, {len(supports)} supports, {responded} with officer responses, {indicators} outcome indicators")
