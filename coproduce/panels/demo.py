"""Demo panels: a youth panel of 30 chosen by LEXIMIN from about 300 young volunteers (the real
library runs during seeding), and an open recruitment the demo resident can volunteer for.

Everything is drawn from the seeded `rng`, including the draw's seed, so the demo borough
(and its published result) is the same on every machine.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from django.utils import timezone

from coproduce.accounts.demo import DEMO_LOGINS
from coproduce.accounts.models import Role, User
from coproduce.budgeting.models import Process
from coproduce.trusts.models import Trust

from . import services
from .models import FeatureValue, Panel

DEMO_DOMAIN = "demo.coproduce.org.uk"
YOUTH_POOL = 300
YOUTH_SIZE = 30

# Who volunteers is not who lives here: more young women than men came forward, and fewer of
# the youngest. The quotas (below) are set from the borough, not from the pool.
YOUTH_ANSWERS = {
    "gender": [("woman", 0.56), ("man", 0.40), ("another", 0.025), ("prefer-not-to-say", 0.015)],
    "disability": [("yes", 0.14), ("no", 0.83), ("prefer-not-to-say", 0.03)],
    "ethnicity": [("asian", 0.17), ("black", 0.24), ("mixed", 0.09), ("white", 0.43), ("other", 0.05),
                  ("prefer-not-to-say", 0.02)],
}
YOUTH_QUOTAS = {
    "age-band": {"11-15": (6, 9), "16-18": (6, 9), "19-21": (5, 8), "22-25": (6, 9)},
    "gender": {"woman": (13, 16), "man": (13, 16), "another": (0, 2), "prefer-not-to-say": (0, 2)},
    "disability": {"yes": (3, 6), "no": (22, 27), "prefer-not-to-say": (0, 2)},
    "ethnicity": {"asian": (5, 8), "black": (5, 8), "mixed": (1, 4), "white": (11, 15), "other": (0, 3),
                  "prefer-not-to-say": (0, 2)},
}
WARD_QUOTA = (0, 2)
# Youngest volunteers are under-represented in the pool: keep only some of them.
KEEP_UNDER_16 = 0.85

REVIEW_ANSWERS = {
    "gender": [("woman", 0.5), ("man", 0.47), ("another", 0.02), ("prefer-not-to-say", 0.01)],
    "disability": [("yes", 0.18), ("no", 0.8), ("prefer-not-to-say", 0.02)],
    "tenure": [("owner", 0.3), ("social", 0.35), ("private", 0.25), ("family", 0.08), ("other", 0.02)],
}
REVIEW_QUOTAS = {
    "gender": {"woman": (5, 7), "man": (5, 7), "another": (0, 1), "prefer-not-to-say": (0, 1)},
    "disability": {"yes": (2, 4), "no": (7, 10), "prefer-not-to-say": (0, 1)},
    "tenure": {"owner": (3, 5), "social": (3, 5), "private": (2, 4), "family": (0, 2), "other": (0, 1)},
}


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    roll, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if roll < total:
            return value
    return weighted[-1][0]


def _age(dob: dt.date, today: dt.date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def _quota_ids(panel: Panel, quotas: dict[str, dict[str, tuple[int, int]]],
               default: tuple[int, int] | None = None) -> dict[int, tuple[int, int]]:
    result = {}
    for value in FeatureValue.objects.filter(feature__panel=panel).select_related("feature"):
        named = quotas.get(value.feature.key, {})
        if value.key in named:
            result[value.pk] = named[value.key]
        elif default is not None and value.feature.key == "ward":
            result[value.pk] = default
    return result


def _answers(rng: random.Random, user: User, panel: Panel, weights: dict, today: dt.date) -> dict[str, str]:
    answers = services.suggested_answers(panel=panel, user=user, today=today)
    for key, weighted in weights.items():
        answers[key] = _pick(rng, weighted)
    return answers


def seed(*, rng: random.Random, log: Callable[[str], None]) -> None:
    officer = User.objects.filter(email=f"officer@{DEMO_DOMAIN}").first()
    if officer is None:
        log("  no demo officer: panels skipped")
        return
    today = timezone.localdate()
    quiet = services.SEND_EMAILS.set(False)
    try:
        _youth_panel(rng=rng, log=log, officer=officer, today=today)
        _open_recruitment(rng=rng, log=log, officer=officer, today=today)
    finally:
        services.SEND_EMAILS.reset(quiet)


def _youth_panel(*, rng: random.Random, log, officer: User, today: dt.date) -> None:
    opened = today - dt.timedelta(days=56)
    closes_on = today - dt.timedelta(days=14)
    trust = Trust.objects.filter(slug="young-riverside").first()
    panel = services.panel_create(
        user=officer, title="Youth Services Panel 2026",
        purpose=("Thirty young people aged 11 to 25 who advise the youth services trust on how its budget for "
                 "youth clubs, mentoring and holiday activities is spent.\n\n"
                 "The panel meets once a month for a year, in the evening, with food. Members earn time credits "
                 "for every meeting and get their travel paid."),
        size=YOUTH_SIZE, closes_on=closes_on, ends_on=today + dt.timedelta(days=350),
        feature_keys=["age-band", "gender", "ward", "disability", "ethnicity"], min_age=11, max_age=25,
        attached_to=trust, today=opened,
    )
    services.panel_set_quotas(panel=panel, user=officer, size=YOUTH_SIZE,
                              quotas=_quota_ids(panel, YOUTH_QUOTAS, default=WARD_QUOTA))

    candidates = [
        user for user in User.objects.filter(
            roles__role=Role.YOUNG_MEMBER, verification_status=User.Verification.VERIFIED,
            neighbourhood__isnull=False, date_of_birth__isnull=False,
        ).select_related("neighbourhood__ward").order_by("pk")
        if 11 <= _age(user.date_of_birth, closes_on) <= 25
    ]
    kai = next((u for u in candidates if u.email == f"young@{DEMO_DOMAIN}"), None)
    rng.shuffle(candidates)
    pool = [u for u in candidates if _age(u.date_of_birth, closes_on) >= 16 or rng.random() < KEEP_UNDER_16]
    pool = pool[:YOUTH_POOL]
    if kai is not None and kai not in pool:
        pool[-1] = kai
    for user in pool:
        services.volunteer_register(panel=panel, user=user, answers=_answers(rng, user, panel, YOUTH_ANSWERS, closes_on),
                                    consent=True, today=closes_on)
    seed_hex = f"{rng.getrandbits(128):032x}"
    services.panel_close(panel=panel, user=officer, today=closes_on + dt.timedelta(days=1), seed=seed_hex)
    services.selection_request(panel=panel, user=officer)
    started = time.monotonic()
    panel = services.selection_run(panel_id=panel.pk)
    seconds = time.monotonic() - started
    if not hasattr(panel, "selection"):
        log(f"  youth panel: no panel drawn ({panel.selection_error})")
        return
    outcome = panel.selection
    log(f"  youth panel: {YOUTH_SIZE} of {len(pool)} volunteers drawn by {outcome.algorithm} in {seconds:.1f}s, "
        f"lowest chance {outcome.min_probability:.2%}, {outcome.panels_in_distribution} panels in the lottery")

    # Replies: most accept, two decline (their places go down the reserve list), a few are waiting.
    invitations = list(panel.invitations.select_related("volunteer__user").order_by("volunteer__number"))
    declines = set(rng.sample(range(len(invitations)), 2))
    waiting = set(rng.sample(sorted(set(range(len(invitations))) - declines), 3))
    for index, invitation in enumerate(invitations):
        person = invitation.volunteer.user
        if index in waiting or person is None or person.email == f"young@{DEMO_DOMAIN}":
            continue
        services.invitation_respond(invitation=invitation, user=person, accept=index not in declines)


def _open_recruitment(*, rng: random.Random, log, officer: User, today: dt.date) -> None:
    process = Process.objects.filter(slug="borough-community-fund-2026").first()
    panel = services.panel_create(
        user=officer, title="Community fund review panel",
        purpose=("Twelve residents who look at how the borough community fund was spent this year and "
                 "recommend changes to the rules for next year.\n\n"
                 "Four evening meetings in the spring. Members earn time credits and get travel and "
                 "childcare paid."),
        size=12, closes_on=today + dt.timedelta(days=21), ends_on=today + dt.timedelta(days=140),
        feature_keys=["age-band", "gender", "ward", "disability", "tenure"], min_age=16,
        attached_to=process, today=today - dt.timedelta(days=7),
    )
    bands = FeatureValue.objects.filter(feature__panel=panel, feature__key="age-band").order_by("position")
    ages = {band.key: (0, 4) for band in bands}
    services.panel_set_quotas(panel=panel, user=officer, size=12,
                              quotas=_quota_ids(panel, {**REVIEW_QUOTAS, "age-band": ages}, default=(0, 2)))
    # Made-up residents only: the named demo logins (the resident among them) have not volunteered.
    adults = [
        user for user in User.objects.filter(
            roles__role=Role.RESIDENT, verification_status=User.Verification.VERIFIED, neighbourhood__isnull=False,
            date_of_birth__isnull=False,
        ).exclude(email__in=[login.email for login in DEMO_LOGINS]).select_related("neighbourhood__ward").order_by("pk")
        if _age(user.date_of_birth, today) >= 26
    ]
    rng.shuffle(adults)
    for user in adults[:41]:
        services.volunteer_register(panel=panel, user=user, answers=_answers(rng, user, panel, REVIEW_ANSWERS, today),
                                    consent=True, today=today)
    log(f"  open recruitment: “{panel.title}”, {min(41, len(adults))} volunteers so far, closes {panel.closes_on}")
