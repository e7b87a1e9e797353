"""Demo organisations: 64 providers and community groups, eight of each legal form.

Names, identifiers and VAT numbers are made up. Numbers are drawn from ranges the registers
have not reached (Companies House 99xxxxxx, Charity Commission 19xxxxx, FCA societies 9xxxxxR,
school URNs 99xxxx, UKPRN 1999xxxx); the council's GB-LAE code RVC is not a real authority's
(a test checks it against mySociety's list). VAT numbers pass HMRC's check digits but are random.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.text import slugify

from coproduce.audit.services import audit_record
from coproduce.places.models import Ward

from .models import LegalForm, Membership, Organisation, OrganisationIdentifier, VatStatus
from .vat import WEIGHTS

DEMO_COUNCIL_LAE_CODE = "RVC"
PROVIDER_LOGIN = "provider@demo.coproduce.org.uk"
RESIDENT_LOGIN = "resident@demo.coproduce.org.uk"

P, C = Organisation.Kind.PROVIDER, Organisation.Kind.COMMUNITY
# (name, kind, scheme of the main identifier or "" for the legal form's usual one, what it does)
ORGANISATIONS: dict[str, list[tuple[str, str, str, str]]] = {
    LegalForm.COOPERATIVE_SOCIETY: [
        ("Riverside Youth Co-operative", P, "", "Youth clubs and detached youth work, run by young people and youth workers together."),
        ("Northbank Care Co-operative", P, "", "Home care owned by its care workers and the people they support."),
        ("Tideway Food Co-op", C, "", "A members' food co-op selling affordable fruit, vegetables and staples."),
        ("Quayside Cleaning Co-operative", P, "", "Office and community-building cleaning, owned by its cleaners."),
        ("Abbey Mills Home Care Co-operative", P, "", "Care at home for older and disabled people across the east of the borough."),
        ("Ferry Lane Bike Workers' Co-op", P, "GB-COH", "Bike repair, cycle training and a recycled-bike shop."),
        ("Hollybush Childcare Co-operative", P, "", "A nursery and after-school club owned by parents and staff."),
        ("Lockside Tenants' Management Co-operative", C, "", "Tenants managing repairs and caretaking on their own estate."),
    ],
    LegalForm.COMMUNITY_BENEFIT_SOCIETY: [
        ("Riverside Community Energy", C, "", "Solar panels on school and community roofs, owned by local shareholders."),
        ("Castle Green Community Pub Society", C, "", "The Green Man, bought by the community when it came up for sale."),
        ("Westmoor Community Shop", C, "", "A community-owned shop and post office."),
        ("Marsh Gate Community Land Trust", C, "", "Permanently affordable homes on land held for the community."),
        ("Orchard Vale Growing Society", C, "", "Market gardens, a community orchard and food growing with schools."),
        ("Kingsmead Community Hall Society", C, "", "Runs Kingsmead Hall for community groups, classes and events."),
        ("Ashgrove Community Bakery", P, "", "A bakery training and employing local people, with a café."),
        ("Priory Community Sports Society", C, "", "Football pitches and a clubhouse owned by the clubs that use them."),
    ],
    LegalForm.CIC: [
        ("Northbank Care Mutual CIC", P, "", "Reablement and day opportunities for adults, spun out of council services."),
        ("Bridgefield Arts CIC", P, "", "Community arts projects, murals and festivals."),
        ("Lockside Digital Skills CIC", P, "", "Free computer classes and device lending for residents."),
        ("Tanners Hill Repair Café CIC", C, "", "Monthly repair cafés and tool library."),
        ("Gasholder Park Play CIC", P, "", "Holiday play schemes and adventure play."),
        ("Fieldgate Wellbeing CIC", P, "", "Peer support and wellbeing courses for people with mental health needs."),
        ("Coldharbour Youth Media CIC", P, "", "Film, radio and journalism training for young people."),
        ("Chapel End Community Transport CIC", P, "", "Door-to-door minibus trips for people who cannot use buses."),
    ],
    LegalForm.CHARITY: [
        ("Riverside Foodbank", C, "", "Emergency food parcels and advice on benefits and debt."),
        ("St Anne's Carers' Centre", P, "", "Support, breaks and advice for unpaid carers."),
        ("Elmstead Older People's Forum", C, "", "A voice for older residents, with lunch clubs and outings."),
        ("Hartfield Mind", P, "", "Mental health advice, counselling and crisis support."),
        ("Cedar Park Refugee Welcome", C, "", "English classes, befriending and advice for refugees."),
        ("Priory Youth Club", C, "", "An evening youth club and summer activities."),
        ("Abbey Mills Adventure Playground", P, "", "A staffed adventure playground open to all children."),
        ("Quayside Scottish Heritage Trust", C, "GB-SC", "Scottish dance and music classes; registered in Scotland."),
    ],
    LegalForm.COMPANY_LIMITED_BY_GUARANTEE: [
        ("Riverside Tenants' Federation", C, "", "The federation of the borough's tenants' and residents' associations."),
        ("Hollybush Community Association", C, "", "Runs the Hollybush Centre and its community programme."),
        ("Kingsmead Development Trust", P, "", "Community-led regeneration, workspace and a community café."),
        ("Westmoor Sports Association", C, "", "Grassroots football, netball and cricket clubs."),
        ("Eastwharf Traders' Association", C, "", "Independent shops and market traders of Eastwharf."),
        ("Ferry Lane Residents' Association", C, "", "Residents of Ferry Lane and the streets around it."),
        ("Bankside Reach Neighbourhood Forum", C, "", "Prepares the neighbourhood plan for Bankside Reach."),
        ("Orchard Vale Community Transport", P, "", "Group travel and dial-a-ride for community groups."),
    ],
    LegalForm.PUBLIC_SERVICE_MUTUAL: [
        ("Riverside Libraries Mutual", P, "", "Runs the borough's eight libraries, owned by staff and library users."),
        ("Northbank Youth Services Mutual", P, "GB-MPR", "Youth services spun out of the council as a staff-and-user mutual."),
        ("Riverside Adult Social Care Mutual", P, "", "Social work and care management owned by its staff."),
        ("Riverside Parks Mutual", P, "", "Parks, green spaces and the borough's tree service."),
        ("Riverside School Improvement Mutual", P, "", "School improvement advisers owned by the schools they serve."),
        ("Riverside Leisure Trust", P, "GB-MPR", "Leisure centres and swimming pools, run for the community."),
        ("Riverside Community Health Mutual", P, "", "District nursing and community therapy."),
        ("Riverside Early Years Mutual", P, "", "Children's centres and early years support for families."),
    ],
    LegalForm.PRIVATE_COMPANY: [
        ("Lockside Catering Ltd", P, "", "School meals and meals on wheels, cooked fresh in the borough."),
        ("Bridgefield Builders Ltd", P, "", "Repairs and adaptations to council and housing association homes."),
        ("Quayside Taxis Ltd", P, "", "Accessible taxis for school and social care transport."),
        ("Marsh Gate Plumbing Ltd", P, "", "Plumbing and heating repairs."),
        ("Abbey Mills Print Ltd", P, "", "Printing and design for local organisations."),
        ("Fieldgate Cleaning Services Ltd", P, "", "Commercial cleaning."),
        ("Riverside IT Support Ltd", P, "", "IT support for small organisations."),
        ("Tanners Hill Landscaping Ltd", P, "", "Grounds maintenance and landscaping."),
    ],
    LegalForm.PUBLIC_BODY: [
        ("Riverside Co-operative Council", P, "GB-LAE", "The borough council."),
        ("Riverside Community Health NHS Trust", P, "GB-NHS", "Community and mental health services."),
        ("Riverside Integrated Care Partnership", P, "GB-NHS", "Plans and buys health services with the council."),
        ("Riverside College", P, "GB-UKPRN", "Further education, apprenticeships and adult learning."),
        ("Northbank Primary School", C, "GB-EDU", "A community primary school."),
        ("Quayside Academy", C, "GB-EDU", "A secondary school."),
        ("Riverside Fire Safety Partnership", P, "GB-GOR", "Home fire-safety visits with the fire service."),
        ("Riverside Youth Justice Board", P, "GB-GOR", "Youth offending and prevention services."),
    ],
}
USUAL_SCHEME = {
    LegalForm.COOPERATIVE_SOCIETY: "GB-MPR", LegalForm.COMMUNITY_BENEFIT_SOCIETY: "GB-MPR",
    LegalForm.CIC: "GB-COH", LegalForm.CHARITY: "GB-CHC", LegalForm.COMPANY_LIMITED_BY_GUARANTEE: "GB-COH",
    LegalForm.PUBLIC_SERVICE_MUTUAL: "GB-COH", LegalForm.PRIVATE_COMPANY: "GB-COH", LegalForm.PUBLIC_BODY: "GB-LAE",
}
VAT_CHANCE = {  # how likely each legal form is to be VAT registered
    LegalForm.PRIVATE_COMPANY: 0.9, LegalForm.PUBLIC_SERVICE_MUTUAL: 0.8, LegalForm.COOPERATIVE_SOCIETY: 0.6,
    LegalForm.CIC: 0.4, LegalForm.COMMUNITY_BENEFIT_SOCIETY: 0.4, LegalForm.COMPANY_LIMITED_BY_GUARANTEE: 0.2,
    LegalForm.CHARITY: 0.1, LegalForm.PUBLIC_BODY: 0.5,
}


def demo_vat_number(rng: random.Random) -> str:
    """A random GB VAT number whose check digits are right (mod 97 or mod 9755)."""
    while True:
        digits = [rng.randrange(10) for _ in range(7)]
        total = sum(d * w for d, w in zip(digits, WEIGHTS, strict=True))
        check = (-total) % 97 if rng.random() < 0.5 else (-total - 55) % 97
        if check < 100:
            return "GB" + "".join(map(str, digits)) + f"{check:02d}"


class _Numbers:
    """Made-up identifiers, unique within the demo, in ranges the real registers have not reached."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[tuple[str, str]] = set()

    def make(self, scheme: str) -> str:
        while True:
            value = self._draw(scheme)
            if (scheme, value) not in self.used:
                self.used.add((scheme, value))
                return value

    def _draw(self, scheme: str) -> str:
        r = self.rng
        match scheme:
            case "GB-COH":
                return f"99{r.randrange(10**6):06d}"
            case "GB-CHC":
                return f"19{r.randrange(10**5):05d}"
            case "GB-SC":
                return f"SC9{r.randrange(10**5):05d}"
            case "GB-MPR":
                return f"9{r.randrange(10**5):05d}R"
            case "GB-EDU":
                return f"99{r.randrange(10**4):04d}"
            case "GB-UKPRN":
                return f"1999{r.randrange(10**4):04d}"
            case "GB-NHS":
                return f"Z{r.choice('QVWX')}{r.randrange(10)}"
            case "GB-GOR":
                return f"RV{r.randrange(1000, 10000)}"
            case "GB-LAE":
                return DEMO_COUNCIL_LAE_CODE
        raise ValueError(scheme)


def seed(*, rng: random.Random, log: Callable[[str], None]) -> None:
    wards = list(Ward.objects.order_by("gss_code"))
    numbers = _Numbers(rng)
    organisations: list[Organisation] = []
    identifiers: list[tuple[int, OrganisationIdentifier]] = []
    for legal_form, rows in ORGANISATIONS.items():
        for name, kind, scheme, about in rows:
            council = scheme == "GB-LAE"
            if council:
                name = settings.COPRODUCE_COUNCIL_NAME
            vat_registered = rng.random() < VAT_CHANCE[legal_form]
            if vat_registered:
                vat_status = VatStatus.REGISTERED
            else:
                exempt_forms = (LegalForm.CHARITY, LegalForm.PUBLIC_BODY, LegalForm.COMPANY_LIMITED_BY_GUARANTEE)
                vat_status = VatStatus.EXEMPT if legal_form in exempt_forms else VatStatus.NOT_REGISTERED
            index = len(organisations)
            organisations.append(Organisation(
                name=name, slug=slugify(name), kind=kind, legal_form=legal_form, description=about,
                # The council serves the whole borough; a few others are based outside it.
                ward=rng.choice(wards) if wards and not council and rng.random() < 0.9 else None,
                vat_status=vat_status, vat_number=demo_vat_number(rng) if vat_registered else "",
                website=f"https://{slugify(name)}.example.org/",
            ))
            main = scheme or USUAL_SCHEME[legal_form]
            identifiers.append((index, OrganisationIdentifier(scheme=main, identifier=numbers.make(main), is_primary=True)))
            # Charitable companies and registered societies also have a second identifier.
            if legal_form == LegalForm.CHARITY and rng.random() < 0.4:
                identifiers.append((index, OrganisationIdentifier(scheme="GB-COH", identifier=numbers.make("GB-COH"))))
            if main == "GB-COH" and legal_form == LegalForm.COMPANY_LIMITED_BY_GUARANTEE and rng.random() < 0.3:
                identifiers.append((index, OrganisationIdentifier(scheme="GB-CHC", identifier=numbers.make("GB-CHC"))))
    Organisation.objects.bulk_create(organisations)
    for index, identifier in identifiers:
        identifier.organisation = organisations[index]
    OrganisationIdentifier.objects.bulk_create([identifier for _, identifier in identifiers])

    primary = {organisations[i].pk: row.org_id for i, row in identifiers if row.is_primary}
    for organisation in organisations:
        audit_record(
            action="organisations.organisation.registered",
            summary=f"{organisation.name} ({organisation.get_legal_form_display()}, {primary[organisation.pk]}) registered",
            target=organisation, public=True, actor_label="demo",
            data={"org_id": primary[organisation.pk], "legal_form": organisation.legal_form, "kind": organisation.kind,
                  "ward": organisation.ward.gss_code if organisation.ward else None, "vat_status": organisation.vat_status},
        )

    memberships = _demo_memberships(rng, organisations)
    Membership.objects.bulk_create(memberships)
    log(f"  {len(organisations)} organisations, {len(identifiers)} identifiers, {len(memberships)} memberships")


def _demo_memberships(rng: random.Random, organisations: list[Organisation]) -> list[Membership]:
    User = get_user_model()
    by_name = {o.name: o for o in organisations}
    memberships: list[Membership] = []
    taken: set[tuple[int, int]] = set()

    def add(organisation: Organisation, user_id: int, role: str) -> None:
        if (organisation.pk, user_id) not in taken:
            taken.add((organisation.pk, user_id))
            memberships.append(Membership(organisation=organisation, user_id=user_id, role=role))

    demo_logins = dict(User.objects.filter(email__in=[PROVIDER_LOGIN, RESIDENT_LOGIN]).values_list("email", "pk"))
    if PROVIDER_LOGIN in demo_logins:
        add(by_name["Riverside Youth Co-operative"], demo_logins[PROVIDER_LOGIN], Membership.MemberRole.OWNER)
    if RESIDENT_LOGIN in demo_logins:
        add(by_name["Riverside Community Energy"], demo_logins[RESIDENT_LOGIN], Membership.MemberRole.MEMBER)
    people = list(
        User.objects.filter(neighbourhood__isnull=False, is_active=True)
        .exclude(Q(email__in=[PROVIDER_LOGIN, RESIDENT_LOGIN]))
        .order_by("pk").values_list("pk", flat=True)[:400]
    )
    if not people:
        return memberships
    for organisation in rng.sample(organisations, k=min(24, len(organisations))):
        members = rng.sample(people, k=rng.randint(1, 3))
        for position, user_id in enumerate(members):
            role = (Membership.MemberRole.OWNER if position == 0 else
                    rng.choice([Membership.MemberRole.BID_WRITER, Membership.MemberRole.MEMBER]))
            add(organisation, user_id, role)
    return memberships
