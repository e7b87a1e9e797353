"""Demo people: 2,000+ residents spread over the demo neighbourhoods, and one login per role.

Every password here is for the demo borough only. The residents share one password and are
written with `bulk_create`. An Argon2 hash takes up to a second on a busy machine, so the
demo passwords' hashes are computed once and kept below (`DEMO_PASSWORD_HASHES`; a test
checks each still matches its password). A password missing from it is hashed at seed time.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from coproduce.places.models import Postcode

from . import services
from .models import LetterCode, Role, RoleAssignment, TotpDevice, User, VerificationEvent

DEMO_DOMAIN = "demo.coproduce.org.uk"
RESIDENT_COUNT = 2_100
RESIDENT_PASSWORD = "demo-resident-2026"

#: Argon2 hashes of the public demo passwords (made with `make_password`; checked by a test).
DEMO_PASSWORD_HASHES = {
    "demo-admin-2026":
        "argon2$argon2id$v=19$m=102400,t=2,p=8$cTRlaDdKNWtYODlndXZ2bVBZTGdHcA$ZO/TP3JTBQ9DCI/UbOv8v2LrT7G81H72SfNQVhOFQEM",
    "demo-carer-2026":
        "argon2$argon2id$v=19$m=102400,t=2,p=8$WmJ2aHpCWk5TTHpiVk9zbG53UDJsbA$8jxmS+pLoRcXjviYt2Pj+cDrJLsFxndha1Xj4UItMVg",
    "demo-councillor-2026":
        "argon2$argon2id$v=19$m=102400,t=2,p=8$d3l4UHI0cFZIcXhVT3V3Y0c4SmM0cA$n1ukw6633Ew9lPvvqmAwgKEdd5WeHPhjhqq+payx9QA",
    "demo-evaluator-2026":
        "argon2$argon2id$v=19$m=102400,t=2,p=8$a0NkbUx4S2RVUGRoc21jNWtHUGI5Wg$MH3AqbXJKPiFxneFEfDW3YITt1l0pOcCOaUIIYki/h4",
    "demo-officer-2026":
        "argon2$argon2id$v=19$m=102400,t=2,p=8$eXFRWjQ4cFphQnlma2daODRXSmRPMA$v8BMiXC7PQHnUN5Ysj52mFBy1/GE3+Gnz8r9BXAqOFs",
    "demo-pending-2026":
        "argon2$argon2id$v=19$m=102400,t=2,p=8$S2Z3UlNYcWhzUE9DdHJtMk93ZE9ENA$LiWKeX+8sfTe61hfwWh8MlQ7UF4TDICJ93f2uxpw8Jo",
    "demo-provider-2026":
        "argon2$argon2id$v=19$m=102400,t=2,p=8$cjJheXhDN1dGWXN1b2R5V0x2VkVtRA$qpO2PuXgZadAHLaxAEVjk27PcUe7VnRdITawHoIH+78",
    "demo-resident-2026":
        "argon2$argon2id$v=19$m=102400,t=2,p=8$V2VaeERsVG9SbG9WSXdDbGNlM3o1Tw$NIR06+HuxHYHoy3ledPDFqeUQJLta9IDBR3H9oHeio0",
    "demo-serviceuser-2026":
        "argon2$argon2id$v=19$m=102400,t=2,p=8$OXFBemJrelk3WlZiZ0tuOXVQcDZyMw$t0Oyto+IO7sPllOewckZT6xZiLcZRGUrSQj4l02Y3J8",
    "demo-young-2026":
        "argon2$argon2id$v=19$m=102400,t=2,p=8$cTNTZjNQWXpTREo1QjJ5RHVqWjZPUQ$uLIyfsEM7IypPHTBOqjPG4rNcFmH8w4Iwnr4c/+sawg",
}


def demo_password_hash(password: str) -> str:
    return DEMO_PASSWORD_HASHES.get(password) or make_password(password)


FIRST_NAMES = [
    "Oliver", "Amelia", "George", "Isla", "Harry", "Olivia", "Jack", "Ava", "Grace", "Joseph", "Margaret",
    "Patricia", "David", "Susan", "Thomas", "Emily", "James", "Charlotte", "Sophie", "Samuel", "Lily", "Alfie",
    "Mohammed", "Aisha", "Priya", "Arjun", "Fatima", "Omar", "Zainab", "Hamza", "Yusuf", "Maryam", "Bilal",
    "Imran", "Noor", "Hassan", "Layla", "Yasmin", "Deepak", "Sunita", "Rajesh", "Anjali", "Gurpreet", "Harjit",
    "Kwame", "Ama", "Chidi", "Ngozi", "Tunde", "Folake", "Kofi", "Abena", "Chiamaka", "Emeka",
    "Marcus", "Shanice", "Jerome", "Leroy", "Chantelle", "Tyrone", "Keisha", "Delroy",
    "Siobhan", "Ciaran", "Niamh", "Sean", "Aoife", "Eilidh", "Callum", "Fiona", "Rhys", "Cerys", "Dylan", "Megan",
    "Piotr", "Agnieszka", "Tomasz", "Katarzyna", "João", "Ana", "Tiago", "Beatriz", "Mehmet", "Elif", "Emre",
    "Ayşe", "Wei", "Mei", "Jun", "Xin", "Hodan", "Abdi", "Amina", "Sofia", "Luca", "Giulia", "Mateo", "Lucía",
    "Rosa", "Nadia", "Andrei", "Ioana", "Thanh", "Linh",
]
SURNAMES = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Roberts", "Johnson", "Walker",
    "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Clarke",
    "Patel", "Khan", "Ahmed", "Hussain", "Ali", "Begum", "Singh", "Kaur", "Sharma", "Shah", "Rahman", "Islam",
    "Chowdhury", "Mistry", "Okafor", "Adeyemi", "Mensah", "Boateng", "Owusu", "Okonkwo", "Adebayo", "Campbell",
    "Morgan", "Murphy", "O'Brien", "Kelly", "Byrne", "MacDonald", "Fraser", "Reid", "Jenkins", "Price", "Kowalski",
    "Nowak", "Wiśniewska", "Silva", "Santos", "Ferreira", "Pereira", "Yılmaz", "Demir", "Kaya", "Chen", "Wang",
    "Zhang", "Nguyen", "Tran", "Warsame", "Mohamed", "Abdullahi", "Rossi", "Russo", "García", "Martínez",
    "Francis", "Joseph", "Grant", "Popescu", "Ionescu",
]
STREETS = [
    "Albert", "Victoria", "Church", "Station", "Mill", "Park", "Chapel", "Canal", "Orchard", "Market", "Ferry",
    "Wharf", "Granville", "Elm", "Oak", "Beech", "Cedar", "Hawthorn", "Alma", "Nelson", "Jubilee", "Priory",
    "Tanner", "Baker", "Cooper", "Lime", "Willow", "Holly", "Ropery", "Lock",
]
STREET_KINDS = ["Road", "Street", "Lane", "Avenue", "Close", "Gardens", "Grove", "Terrace", "Way", "Place"]
BLOCKS = ["House", "Court", "Tower", "Point", "Lodge"]


@dataclass(frozen=True)
class DemoLogin:
    key: str
    email: str
    password: str
    full_name: str
    roles: tuple[str, ...]
    age: int
    verified: bool = True
    note: str = ""

    @property
    def totp_secret(self) -> str:
        """A fixed, public authenticator key for demo staff: `coproduce demo-code` prints its code."""
        return base64.b32encode(f"coproduce-demo-{self.key}-2026".encode()).decode().rstrip("=")


def _login(key: str, name: str, roles: tuple[str, ...], age: int, **extra) -> DemoLogin:
    email_name = {"administrator": "admin", "service_user": "serviceuser", "provider_user": "provider",
                  "young_member": "young"}.get(key, key)
    return DemoLogin(key=key, email=f"{email_name}@{DEMO_DOMAIN}", password=f"demo-{email_name}-2026",
                     full_name=name, roles=roles, age=age, **extra)


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    _login("resident", "Rosa Mensah", (Role.RESIDENT,), 41),
    _login("young_member", "Kai Okafor", (Role.RESIDENT, Role.YOUNG_MEMBER), 17),
    _login("service_user", "Deepak Mistry", (Role.RESIDENT, Role.SERVICE_USER), 58),
    _login("carer", "Siobhan Kelly", (Role.RESIDENT, Role.CARER), 46),
    _login("provider_user", "Tomasz Nowak", (Role.RESIDENT, Role.PROVIDER_USER), 39),
    _login("evaluator", "Grace Adebayo", (Role.RESIDENT, Role.EVALUATOR), 63),
    _login("pending", "Elif Demir", (Role.RESIDENT,), 29, verified=False, note="waiting for residency checks"),
    _login("officer", "Priya Sharma", (Role.OFFICER,), 44),
    _login("councillor", "Marcus Campbell", (Role.COUNCILLOR, Role.RESIDENT), 52),
    _login("administrator", "Ana Ferreira", (Role.ADMINISTRATOR,), 36),
)
STAFF_KEYS = {"officer", "councillor", "administrator"}


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _birth_date(rng: random.Random, today: dt.date, age: int) -> dt.date:
    return today - dt.timedelta(days=age * 365 + rng.randrange(0, 365))


def _address(rng: random.Random) -> str:
    if rng.random() < 0.35:
        return f"Flat {rng.randrange(1, 120)}, {rng.choice(STREETS)} {rng.choice(BLOCKS)}"
    return f"{rng.randrange(1, 240)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"


def _age(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.18:
        return rng.randrange(11, 26)
    if roll < 0.85:
        return rng.randrange(26, 67)
    return rng.randrange(67, 96)


def seed(*, rng: random.Random, log: Callable[[str], None]) -> None:
    postcodes: dict[int, list[str]] = defaultdict(list)
    for neighbourhood_id, postcode in Postcode.objects.order_by("postcode").values_list("neighbourhood_id", "postcode"):
        postcodes[neighbourhood_id].append(postcode)
    neighbourhood_ids = sorted(postcodes)
    if not neighbourhood_ids:
        log("  no postcodes in the places table: demo residents skipped")
        return
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    resident_hash = demo_password_hash(RESIDENT_PASSWORD)

    users: list[User] = []
    plans: list[tuple[str, dt.date, str | None]] = []  # (status, dob, letter code)
    used_emails: set[str] = set()
    for number in range(RESIDENT_COUNT):
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        # Every neighbourhood gets someone; the rest are spread at random.
        neighbourhood_id = neighbourhood_ids[number] if number < len(neighbourhood_ids) else rng.choice(neighbourhood_ids)
        email = f"{_ascii(first)}.{_ascii(last)}.{number + 1}@{DEMO_DOMAIN}"
        used_emails.add(email)
        age = _age(rng)
        dob = _birth_date(rng, today, age)
        joined = now - dt.timedelta(days=rng.randrange(3, 720), seconds=rng.randrange(0, 86_400))
        roll = rng.random()
        status = (User.Verification.VERIFIED if roll < 0.86 else
                  User.Verification.PENDING if roll < 0.97 else User.Verification.REJECTED)
        method = (User.VerificationMethod.LETTER if rng.random() < 0.7 else User.VerificationMethod.OFFICER) \
            if status == User.Verification.VERIFIED else ""
        users.append(User(
            email=email, full_name=f"{first} {last}", date_of_birth=dob,
            postcode=rng.choice(postcodes[neighbourhood_id]), address_line=_address(rng),
            neighbourhood_id=neighbourhood_id, verification_status=status, verification_method=method,
            verified_at=joined + dt.timedelta(days=rng.randrange(2, 9)) if status == User.Verification.VERIFIED else None,
            preferred_language="pt" if rng.random() < 0.04 else "en-gb",
            accessibility_needs=rng.choice(["", "", "", "", "", "Step-free access, please.", "Large print papers.",
                                            "I use a hearing loop.", "Easy read documents help me."]),
            password=resident_hash, date_joined=joined,
        ))
        plans.append((status, dob, services.new_letter_code(rng) if status == User.Verification.PENDING else None))

    named_pending_code = services.new_letter_code(rng)
    named: dict[str, User] = {}
    for login in DEMO_LOGINS:
        is_staff_only = login.key in {"officer", "administrator"}
        neighbourhood_id = None if is_staff_only else neighbourhood_ids[len(named) % len(neighbourhood_ids)]
        status = (User.Verification.VERIFIED if login.verified else User.Verification.PENDING) if neighbourhood_id else User.Verification.UNVERIFIED
        user = User(
            email=login.email, full_name=login.full_name, date_of_birth=_birth_date(rng, today, login.age),
            postcode=postcodes[neighbourhood_id][0] if neighbourhood_id else "",
            address_line=_address(rng) if neighbourhood_id else "", neighbourhood_id=neighbourhood_id,
            verification_status=status,
            verification_method=User.VerificationMethod.OFFICER if status == User.Verification.VERIFIED else "",
            verified_at=now - dt.timedelta(days=30) if status == User.Verification.VERIFIED else None,
            password=demo_password_hash(login.password), date_joined=now - dt.timedelta(days=60),
        )
        user.save()
        named[login.key] = user

    User.objects.bulk_create(users, batch_size=500)
    if any(u.pk is None for u in users):  # databases that do not return ids from bulk inserts
        by_email = dict(User.objects.filter(email__in=used_emails).values_list("email", "pk"))
        for user in users:
            user.pk = user.id = by_email[user.email]

    roles: list[RoleAssignment] = []
    events: list[VerificationEvent] = []
    letters: list[LetterCode] = []
    officer = named["officer"]
    for user, (status, dob, code) in zip(users, plans, strict=True):
        roles.append(RoleAssignment(user=user, role=Role.RESIDENT, granted_at=user.date_joined))
        if 11 <= services.age_on(dob, today) <= 25:
            roles.append(RoleAssignment(user=user, role=Role.YOUNG_MEMBER, granted_at=user.date_joined))
        events.append(VerificationEvent(user=user, from_status=User.Verification.UNVERIFIED,
                                        to_status=User.Verification.PENDING, reason="registered",
                                        actor=user, created_at=user.date_joined))
        if status == User.Verification.VERIFIED:
            by_officer = user.verification_method == User.VerificationMethod.OFFICER
            events.append(VerificationEvent(
                user=user, from_status=User.Verification.PENDING, to_status=status, method=user.verification_method,
                reason="Checked against the electoral register." if by_officer else "letter code",
                actor=officer if by_officer else user, created_at=user.verified_at,
            ))
        elif status == User.Verification.REJECTED:
            events.append(VerificationEvent(
                user=user, from_status=User.Verification.PENDING, to_status=status,
                reason="Not on the electoral register or council tax list at this address.", actor=officer,
                created_at=user.date_joined + dt.timedelta(days=5),
            ))
        elif code is not None:
            posted = rng.random() < 0.5
            letters.append(LetterCode(
                user=user, code_hash=services.letter_code_hash(user_id=user.pk, code=code),
                created_at=user.date_joined, expires_at=user.date_joined + dt.timedelta(days=services.LETTER_CODE_DAYS),
                print_code="" if posted else code, posted_at=user.date_joined + dt.timedelta(days=1) if posted else None,
                posted_by=officer if posted else None,
            ))
    for login in DEMO_LOGINS:
        user = named[login.key]
        roles.extend(RoleAssignment(user=user, role=role, granted_at=user.date_joined) for role in login.roles)
        if login.key in STAFF_KEYS:
            TotpDevice.objects.create(user=user, secret=login.totp_secret, confirmed=True)
    pending = named["pending"]
    letters.append(LetterCode(
        user=pending, code_hash=services.letter_code_hash(user_id=pending.pk, code=named_pending_code),
        created_at=now - dt.timedelta(days=2), expires_at=now + dt.timedelta(days=services.LETTER_CODE_DAYS - 2),
        print_code=named_pending_code,
    ))
    RoleAssignment.objects.bulk_create(roles, batch_size=1000)
    VerificationEvent.objects.bulk_create(events, batch_size=1000)
    LetterCode.objects.bulk_create(letters, batch_size=1000)
    verified = sum(1 for status, _dob, _code in plans if status == User.Verification.VERIFIED)
    log(f"  {len(users):,} residents in {len(neighbourhood_ids)} neighbourhoods ({verified:,} verified), "
        f"{len(DEMO_LOGINS)} named demo logins, {len(letters)} letter codes")


def demo_login_table() -> str:
    """The demo logins, printed by `coproduce demo`."""
    rows = [(str(Role(login.key).label) if login.key in Role.values else "Resident (waiting for checks)",
             login.email, login.password) for login in DEMO_LOGINS]
    header = ("Role", "Email", "Password")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    lines = ["", "Demo logins (these passwords work only in this demo borough):", ""]
    lines.append("  ".join(text.ljust(width) for text, width in zip(header, widths, strict=True)).rstrip())
    lines.append("  ".join("-" * width for width in widths))
    lines.extend("  ".join(text.ljust(width) for text, width in zip(row, widths, strict=True)).rstrip() for row in rows)
    lines.append("")
    lines.append("Officers, councillors and administrators also need a one-time code at sign-in:")
    lines.append("  run `coproduce demo-code EMAIL` in another terminal, e.g. coproduce demo-code officer@" + DEMO_DOMAIN)
    pending = User.objects.filter(email=f"pending@{DEMO_DOMAIN}").first()
    letter = services.letter_code_live(user=pending) if pending else None
    if letter is not None and letter.print_code:
        lines.append(f"The letter code of pending@{DEMO_DOMAIN} is {services.format_letter_code(letter.print_code)} "
                     "(enter it at /accounts/verify/).")
    lines.append(f"The {RESIDENT_COUNT:,} other demo residents (e.g. on the officers' Residents page) all use the "
                 f"password {RESIDENT_PASSWORD}; it works only in the demo.")
    return "\n".join(lines) + "\n"
