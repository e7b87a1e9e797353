"""Demo support services: the council's back office offered to community organisations, with
requests from organisations in every status (some from the demo provider's organisation)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from coproduce.accounts.models import User
from coproduce.organisations.models import Membership

from . import services

CATALOGUE = [
    # name, category, summary, pence, unit, service level, working days
    ("IT support desk", "it", "Help by phone and remote support for staff laptops, email and Wi-Fi.", 3500, "person-month",
     "Answered within 1 working hour; fixed within 2 working days.", 2),
    ("Microsoft 365 and email", "it", "Accounts, email and shared files on the council's charity licence.", 450, "person-month",
     "Accounts set up within 3 working days.", 3),
    ("Payroll", "payroll", "Monthly payroll, payslips, pension auto-enrolment and HMRC returns.", 1500, "person-month",
     "Payslips on the last working day of the month.", 10),
    ("HR advice line", "hr", "Advice on contracts, recruitment, grievances and disciplinaries.", 6500, "hour",
     "Call back within 1 working day.", 1),
    ("Contract and governance legal review", "legal", "A council lawyer reviews a contract, lease or set of rules.", 9500, "hour",
     "Written advice within 10 working days.", 10),
    ("Finance system and bookkeeping", "finance", "Accounts on the council's finance system, with month-end reports.", 12000, "month",
     "Month-end reports by the 10th working day.", 15),
    ("DBS checks", "dbs", "Standard and enhanced criminal record checks for staff and volunteers.", 4400, "check",
     "Submitted to the DBS within 2 working days of complete forms.", 2),
    ("Group insurance", "insurance", "Public and employer's liability cover under the council's group policy.", 42000, "year",
     "Cover confirmed within 5 working days.", 5),
]


def seed(*, rng: random.Random, log: Callable[[str], None]) -> None:
    officer = User.objects.filter(email="officer@demo.coproduce.org.uk").first()
    created = [services.support_service_create(actor=officer, name=name, category=category, summary=summary, price_pence=pence,
                                               price_unit=unit, service_level=level, response_working_days=days)
               for name, category, summary, pence, unit, level, days in CATALOGUE]
    memberships = list(Membership.objects.select_related("organisation", "user").order_by("organisation__name", "pk"))
    seen: set[int] = set()
    requesters = []
    for m in memberships:
        if m.organisation_id not in seen:
            seen.add(m.organisation_id)
            requesters.append(m)
    provider = next((m for m in requesters if m.user.email == "provider@demo.coproduce.org.uk"), None)
    others = [m for m in requesters if m is not provider]
    chosen = ([provider] if provider else []) + rng.sample(others, k=min(9, len(others)))
    today = timezone.localdate()
    count = 0
    for index, membership in enumerate(chosen):
        for service in rng.sample(created, k=rng.randint(1, 3)):
            quantity = {"person-month": rng.randint(3, 25), "hour": rng.randint(1, 6), "check": rng.randint(1, 12)}.get(
                service.price_unit, 1)
            row = services.support_request_create(service=service, organisation=membership.organisation,
                                                  actor=membership.user, quantity=quantity,
                                                  details="For our staff and volunteers.",
                                                  today=today - dt.timedelta(days=rng.randint(2, 120)))
            count += 1
            roll = rng.random()
            if officer is None or (index == 0 and count == 1):
                continue  # the demo provider's first request is still waiting
            if roll < 0.8:
                services.support_request_decide(request=row, actor=officer, to_status="accepted")
                if roll < 0.6:
                    services.support_request_decide(request=row, actor=officer, to_status="fulfilled", note="In place.")
            elif roll < 0.9:
                services.support_request_decide(request=row, actor=officer, to_status="declined",
                                                note="Your organisation already has this through its umbrella body.")
    log(f"  {len(created)} support services, {count} requests")
