"""Demo co-production: a mental-health collaborative with a year of monthly breakfast meetings
(attendance paid in time credits through the timebank, minutes, ideas and actions linked to
needs) and two meetings open for registration; and a youth services collaborative working with
the youth trust.

The past is written directly (the services refuse meetings in the past and due dates gone by),
backdated to when it happened. Attendance goes through the service, so the credits are real
ledger postings, and the upcoming registrations go through the service too.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from coproduce.accounts.models import Role, User
from coproduce.needs.models import Category, Need

from . import services
from .models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Collaborative,
    Idea,
    Meeting,
    Participant,
    ParticipantType,
    Registration,
)

DOMAIN = "demo.coproduce.org.uk"
P = ParticipantType

ACCESSIBILITY = (
    "Step-free access through the side entrance on Church Street. Hearing loop in the room. Accessible "
    "toilet on the ground floor. A quiet room is available. Breakfast is provided, with vegan and halal "
    "options. Travel costs are refunded on the day. Ask for a BSL interpreter when you register."
)
YOUTH_ACCESSIBILITY = (
    "Step-free access. Gender-neutral and accessible toilets. Food provided. Bus fares refunded. "
    "Youth workers are there to help if you have not been to a meeting before."
)
THEMES = [
    ("What happens at 2am when you are in crisis", "Crisis support out of hours",
     "A crisis café open in the evenings and at night, run with peer supporters"),
    ("Getting help before things get bad", "Early help and waiting times",
     "A drop-in where anyone can talk to a peer supporter without a referral"),
    ("Carers' voices", "Support for carers", "Carers' breakfast once a month with a benefits adviser"),
    ("Leaving hospital", "Discharge from hospital", "A named peer supporter for everyone leaving the ward"),
    ("Housing and mental health", "Housing", "A housing officer at the Living Well hub one day a week"),
    ("Work and wellbeing", "Employment", "Job coaching for people with mental health conditions"),
    ("Young adults moving from children's services", "Transition at 18", "A joint clinic for 16 to 25 year olds"),
    ("Physical health for people with serious mental illness", "Physical health",
     "Health checks at the community centre, not only at the GP"),
    ("Peer support", "Peer support", "Paid peer support worker posts in every team"),
    ("Reviewing the alliance contract", "Commissioning", "Service users on the panel that reviews the contract"),
    ("Culture and community", "Black and minority ethnic communities",
     "Community-led wellbeing groups in churches, mosques and temples"),
    ("What we achieved this year", "Annual review", "A yearly open meeting to report back to the borough"),
]
YOUTH_THEMES = [
    ("What young people want from youth clubs", "Youth clubs", "Youth clubs open on Friday and Saturday nights"),
    ("Feeling safe on the way home", "Safety", "Youth workers at the bus station on weekend evenings"),
    ("Mental health in schools", "Wellbeing", "Peer mentors in every secondary school"),
    ("Choosing who runs our services", "Commissioning", "Young people on every evaluation panel"),
]


def _first_tuesday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(1 - day.weekday()) % 7)


def _month(today: dt.date, offset: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 + offset
    return index // 12, index % 12 + 1


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)), timezone.get_current_timezone())


def _participants(collab, people: list[tuple[User, str]], *, joined: dt.datetime) -> None:
    Participant.objects.bulk_create([
        Participant(collaborative=collab, person=p, participant_type=kind, joined_at=joined)
        for p, kind in people if not Participant.objects.filter(collaborative=collab, person=p).exists()
    ])


def _hold_meetings(*, rng, collab, organiser, themes, dates, start, end, venue, online, accessibility,
                   needs, now, people, owners) -> tuple[int, int, int]:
    """Past meetings: registrations, attendance (paid), minutes, ideas and actions."""
    attended = ideas_n = actions_n = 0
    for n, (day, (title, topic, idea_title)) in enumerate(zip(dates, themes, strict=False)):
        starts, ends = _at(day, *start), _at(day, *end)
        meeting = Meeting.objects.create(
            collaborative=collab, title=title, starts_at=starts, ends_at=ends, venue=venue, online_url=online,
            accessibility=accessibility, capacity=40, organiser=organiser,
            agenda=f"Welcome and introductions\n{topic}: what is working, what is not\nIdeas and actions\nAny other business",
            created_at=starts - dt.timedelta(days=28),
        )
        coming = rng.sample(people, k=min(len(people), rng.randrange(12, 22)))
        Registration.objects.bulk_create([
            Registration(meeting=meeting, person=p, registered_at=starts - dt.timedelta(days=rng.randrange(2, 20)),
                         access_needs=p.accessibility_needs if rng.random() < 0.6 else "")
            for p in coming
        ])
        for person in coming:
            if rng.random() < 0.85:
                services.attendance_mark(meeting=meeting, person=person, organiser=organiser)
                attended += 1
        there = meeting.attendances.count()
        services.minutes_record(
            meeting=meeting, actor=organiser,
            minutes=(f"{there} people took part: people who use services, carers, practitioners and commissioners.\n\n"
                     f"{topic}. People shared what had happened to them and what would have helped. "
                     f"The main point: {idea_title.lower()}.\n\n"
                     "The commissioners explained what the budget covers this year and what it does not. "
                     "Everyone agreed the actions below, and to review them at the next meeting."),
        )
        Meeting.objects.filter(pk=meeting.pk).update(minutes_recorded_at=min(ends + dt.timedelta(days=2), now))
        idea = Idea.objects.create(collaborative=collab, meeting=meeting, title=idea_title,
                                   description=f"Raised in the discussion on {topic.lower()}.",
                                   created_by=organiser, created_at=ends)
        linked = rng.sample(needs, k=min(len(needs), rng.randrange(1, 3)))
        idea.needs.set(linked)
        ideas_n += 1
        for k in range(rng.randrange(1, 3)):
            owner = owners[(n + k) % len(owners)]
            due = (ends + dt.timedelta(days=rng.randrange(20, 120))).date()
            age = (now - ends).days
            if age < 70:  # agreed at the last two meetings: still being worked on
                status = rng.choice([ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.IN_PROGRESS])
            elif age < 160:
                status = rng.choice([ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.DONE])
            else:
                status = ActionStatus.DONE if rng.random() < 0.85 else ActionStatus.IN_PROGRESS
            done_at = (min(ends + dt.timedelta(days=rng.randrange(10, max(11, min(age, 100)))), now)
                       if status == ActionStatus.DONE else None)
            action = Action.objects.create(
                collaborative=collab, meeting=meeting, idea=idea if k == 0 else None,
                title=(f"Find out what {idea_title[0].lower()}{idea_title[1:]} would cost" if k == 0
                       else f"Report back on {topic.lower()} at the next meeting"),
                owner=owner, owner_label=services.owner_label(collaborative=collab, owner=owner), due_date=due,
                status=status, completed_at=done_at, created_by=organiser, created_at=ends,
            )
            action.needs.set(linked[:1])
            if status != ActionStatus.OPEN:
                steps = ([ActionStatus.IN_PROGRESS] if status == ActionStatus.IN_PROGRESS
                         else [ActionStatus.IN_PROGRESS, ActionStatus.DONE])
                previous = ActionStatus.OPEN
                for i, step in enumerate(steps):
                    ActionUpdate.objects.create(
                        action=action, from_status=previous, to_status=step, by=owner,
                        by_label=action.owner_label, created_at=min(ends + dt.timedelta(days=7 * (i + 1)), done_at or now),
                        note="Started: meeting the provider next week." if step == ActionStatus.IN_PROGRESS
                        else "Done, and reported back to the collaborative.",
                    )
                    previous = step
            actions_n += 1
    return attended, ideas_n, actions_n


def _schedule_upcoming(*, rng, collab, organiser, titles, dates, start, end, venue, online, accessibility, people,
                       extra=()) -> int:
    registered = 0
    for day, title in zip(dates, titles, strict=False):
        meeting = services.meeting_schedule(
            collaborative=collab, organiser=organiser, title=title, starts_at=_at(day, *start), ends_at=_at(day, *end),
            venue=venue, online_url=online, accessibility=accessibility, capacity=40,
            agenda="Welcome\nActions from last time\nMain discussion\nIdeas and actions",
        )
        for person in [*extra, *rng.sample(people, k=min(len(people), rng.randrange(6, 14)))]:
            if not Registration.objects.filter(meeting=meeting, person=person).exists():
                services.meeting_register(meeting=meeting, person=person, access_needs=person.accessibility_needs)
                registered += 1
        extra = ()  # the named demo people register for the first upcoming meeting only
    return registered


def seed(*, rng: random.Random, log: Callable[[str], None]) -> None:
    # The demo logins (resident@, officer@, carer@ …), not the 2,000 residents (first.last.n@).
    named = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{DOMAIN}").order_by("pk")
             if "." not in u.email.split("@")[0]}
    officer = named.get("officer") or User.objects.filter(roles__role=Role.OFFICER).order_by("pk").first()
    if officer is None:
        log("  no officer to organise: demo collaboratives skipped")
        return
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate()
    residents = list(
        User.objects.filter(roles__role=Role.RESIDENT, verification_status=User.Verification.VERIFIED, is_active=True)
        .exclude(email__in=[u.email for u in named.values()]).order_by("pk").distinct()
    )

    # --- the mental-health collaborative (Living Well, evidence §1.1) ------------------------------
    living_well = services.collaborative_create(
        name="Riverside Living Well Collaborative",
        summary="People who use mental health services, carers, practitioners and commissioners design "
                "mental health support together, over breakfast, once a month.",
        description="We bring together people with lived experience of mental illness, carers, GPs, NHS and "
                    "council staff, voluntary groups and the people who commission services. We start from "
                    "the belief that people are experts in their own lives.\n\n"
                    "Anyone who uses mental health services in the borough, or cares for someone who does, is "
                    "welcome. Taking part earns time credits: one for every hour of a meeting.",
        created_by=officer, organiser_type=P.COMMISSIONER,
    )
    Collaborative.objects.filter(pk=living_well.pk).update(created_at=now - dt.timedelta(days=400))
    kinds = [P.SERVICE_USER] * 5 + [P.CARER] * 3 + [P.RESIDENT] * 2
    pool = rng.sample(residents, k=min(len(residents), 34))
    people = [(p, rng.choice(kinds)) for p in pool[:28]]
    for key, kind in (("serviceuser", P.SERVICE_USER), ("carer", P.CARER), ("resident", P.RESIDENT),
                      ("provider", P.PROVIDER), ("councillor", P.COUNCILLOR)):
        if key in named:
            people.append((named[key], kind))
    practitioners = pool[28:32]
    people += [(p, P.PRACTITIONER) for p in practitioners]
    _participants(living_well, people, joined=now - dt.timedelta(days=390))
    if "serviceuser" in named:  # a person with lived experience co-organises
        Participant.objects.filter(collaborative=living_well, person=named["serviceuser"]).update(is_organiser=True)
    members = [p for p, _kind in people]
    owners = [officer] + [p for p in (named.get("serviceuser"), named.get("carer")) if p] + practitioners[:2]
    mh_needs = list(Need.objects.filter(category__in=[Category.HEALTH, Category.CARE]).order_by("created_at", "pk")[:40])
    # The twelve most recent first Tuesdays that have gone by (this month's too, if it has).
    past_dates = sorted(d for d in (_first_tuesday(*_month(today, -i)) for i in range(0, 13)) if _at(d, 10, 0) < now)[-12:]
    attended, ideas, actions = _hold_meetings(
        rng=rng, collab=living_well, organiser=officer, themes=THEMES, dates=past_dates, start=(8, 30), end=(10, 0),
        venue="Riverside Town Hall, Committee Room 2, Church Street",
        online="https://meet.riverside.example.org.uk/living-well", accessibility=ACCESSIBILITY,
        needs=mh_needs, now=now, people=members, owners=owners,
    )
    upcoming = []
    offset = 0
    while len(upcoming) < 2:
        day = _first_tuesday(*_month(today, offset))
        if _at(day, 8, 30) > now:
            upcoming.append(day)
        offset += 1
    demo_resident = named.get("resident")
    registered = _schedule_upcoming(
        rng=rng, collab=living_well, organiser=officer, dates=upcoming,
        titles=["Crisis café: the plan so far", "Talking to the commissioners about next year's budget"],
        start=(8, 30), end=(10, 0), venue="Riverside Town Hall, Committee Room 2, Church Street",
        online="https://meet.riverside.example.org.uk/living-well", accessibility=ACCESSIBILITY, people=members,
        extra=[demo_resident] if demo_resident else [],
    )
    log(f"  {living_well.name}: {len(people) + 1} people, 12 meetings held ({attended} attendances paid in time "
        f"credits), {ideas} ideas, {actions} actions, 2 upcoming meetings with {registered} registrations")

    # --- the youth services collaborative, with the youth trust if there is one -------------------
    try:
        from coproduce.trusts.models import Trust

        youth_trust = Trust.objects.filter(slug="young-riverside").first()
    except ImportError:  # pragma: no cover - trusts is an installed app
        youth_trust = None
    youth = services.collaborative_create(
        name="Young Riverside Services Collaborative",
        summary="Young people, youth workers and commissioners decide together what youth services the "
                "borough needs and who should run them.",
        description="Set up with the Young Riverside Co-operative so that young people shape every youth service "
                    "the council pays for, estate by estate. Open to anyone aged 11 to 25 who lives in the borough.",
        created_by=officer, trust=youth_trust, organiser_type=P.COMMISSIONER,
    )
    young = list(
        User.objects.filter(roles__role=Role.YOUNG_MEMBER, verification_status=User.Verification.VERIFIED)
        .exclude(email__in=[u.email for u in named.values()]).order_by("pk").distinct()[:200]
    )
    young_people = [(p, P.YOUNG_PERSON) for p in rng.sample(young, k=min(len(young), 18))]
    if "young" in named:
        young_people.append((named["young"], P.YOUNG_PERSON))
    workers = [(p, P.PRACTITIONER) for p in rng.sample(residents, k=min(len(residents), 3))]
    _participants(youth, young_people + workers, joined=now - dt.timedelta(days=150))
    youth_needs = list(Need.objects.filter(category=Category.YOUTH).order_by("created_at", "pk")[:20])
    youth_dates = sorted(d for d in (_first_tuesday(*_month(today, -i)) + dt.timedelta(days=2) for i in range(0, 5))
                         if _at(d, 19, 0) < now)[-4:]
    y_attended, y_ideas, y_actions = _hold_meetings(
        rng=rng, collab=youth, organiser=officer, themes=YOUTH_THEMES, dates=youth_dates, start=(17, 30), end=(19, 0),
        venue="The Hub youth centre, Station Road", online="", accessibility=YOUTH_ACCESSIBILITY,
        needs=youth_needs, now=now, people=[p for p, _k in young_people + workers],
        owners=[officer] + [p for p, _k in workers],
    )
    next_youth = next(d for d in (_first_tuesday(*_month(today, k)) + dt.timedelta(days=2) for k in range(0, 3))
                      if _at(d, 17, 30) > now)
    y_registered = _schedule_upcoming(
        rng=rng, collab=youth, organiser=officer, dates=[next_youth], titles=["Planning the summer programme"],
        start=(17, 30), end=(19, 0), venue="The Hub youth centre, Station Road", online="",
        accessibility=YOUTH_ACCESSIBILITY, people=[p for p, _k in young_people],
        extra=[named["young"]] if "young" in named else [],
    )
    log(f"  {youth.name}{' (with ' + youth_trust.name + ')' if youth_trust else ''}: 4 meetings held "
        f"({y_attended} attendances), {y_ideas} ideas, {y_actions} actions, 1 upcoming with {y_registered} registrations")
