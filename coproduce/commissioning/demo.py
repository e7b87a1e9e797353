"""Demo commissioning: seven projects across the cycle, all made through the services.

* Lunch clubs for older people — Analyse, linked to residents' accepted needs.
* Peer support for mental health — Plan: outcomes, options appraised with their VAT cost,
  co-designed with the demo service user and carer, route chosen.
* Holiday play and activities — Do: open for bids now, with a question answered (the demo
  provider can bid).
* Youth services for the estates — Do, with the youth trust: bids opened, a panel of an officer
  and resident evaluators (the demo evaluator still has to declare interests and score).
* Day opportunities for adults — Do: a light-touch contract reserved for public service mutuals,
  awarded, contract signed.
* Estate grounds and community growing — Review: competed, moderated, awarded after the
  standstill, contract with KPIs.
* Library home delivery — Plan, delivered in-house (no procurement).

Dates are relative to today; every choice comes from the `rng` passed in.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from coproduce.accounts.models import Role, RoleAssignment, User
from coproduce.organisations.models import LegalForm, Membership, Organisation, VatStatus

from . import services
from .models import BidStatus, CriterionKind, PanelAssignment
from .selectors import bank_holidays
from .standstill import is_working_day

DEMO = "demo.coproduce.org.uk"
D = Decimal
THIRTY = Decimal(30)


def _user(key: str) -> User | None:
    return User.objects.filter(email=f"{key}@{DEMO}").first()


def _organisation(name: str, legal_form: str, vat_status: str = VatStatus.NOT_REGISTERED) -> Organisation:
    """The organisations demo's organisation of this name, or a stand-in when run on its own."""
    found = Organisation.objects.filter(name=name).first()
    if found is not None:
        return found
    from django.utils.text import slugify

    return Organisation.objects.create(name=name, slug=slugify(name), legal_form=legal_form, vat_status=vat_status,
                                       vat_number="GB980780684" if vat_status == VatStatus.REGISTERED else "")


def _writer(organisation: Organisation, fallback_email: str) -> User:
    """Someone who writes bids for the organisation (made a bid writer if needed)."""
    membership = (Membership.objects.filter(organisation=organisation, role__in=[Membership.MemberRole.OWNER,
                                                                                  Membership.MemberRole.BID_WRITER])
                  .select_related("user").order_by("pk").first())
    if membership is not None:
        user = membership.user
    else:
        user = User.objects.filter(email=fallback_email).first() or User.objects.create_user(
            email=fallback_email, password=None, full_name=f"Bid writer, {organisation.name}")
        Membership.objects.get_or_create(organisation=organisation, user=user,
                                         defaults={"role": Membership.MemberRole.BID_WRITER})
    RoleAssignment.objects.get_or_create(user=user, role=Role.PROVIDER_USER)
    user.__dict__.pop("_role_cache", None)
    return user


def _eligible(opportunity, people: list[User]) -> list[User]:
    """People who belong to no bidding organisation (they could not sit on the panel)."""
    bidders = set(Membership.objects.filter(organisation__bids__opportunity=opportunity).values_list("user_id", flat=True))
    return [p for p in people if p.pk not in bidders]


def _working_day(day: dt.date, holidays) -> dt.date:
    while not is_working_day(day, holidays):
        day += dt.timedelta(days=1)
    return day


def _at_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _evaluator(user: User) -> User:
    RoleAssignment.objects.get_or_create(user=user, role=Role.EVALUATOR)
    user.__dict__.pop("_role_cache", None)
    return user


def _project(officer, *, title, summary, area, service_type, value, term, assessment, outcomes, option, route,
             specification, trust=None, ward=None, co_designers=(), costs=(8_000_000, 2_000_000), stop_at="do"):
    project = services.project_create(actor=officer, title=title, summary=summary, service_area=area, ward=ward,
                                      service_type=service_type, trust=trust)
    needs = []
    if apps.is_installed("coproduce.needs"):
        Need = apps.get_model("needs", "Need")
        needs = list(Need.objects.accepted().filter(category=area).order_by("-support_count", "pk")[:3])
    services.project_update_analysis(project=project, actor=officer, needs_assessment=assessment, needs=needs)
    if stop_at == "analyse":
        return project
    services.project_advance(project=project, actor=officer, to_stage="plan",
                             decision="There is a need and a mandate: agreed with the cabinet member and residents.")
    services.project_update_plan(
        project=project, actor=officer, service_type=service_type, estimated_value_pence=value, term_months=term,
        procurement_start=None, specification=specification,
        procurement_plan="One lot. Market engagement event with local organisations; social value weighted at 10 points or more.",
        conflicts_assessment="Every evaluator and co-designer declares interests per lot; officers who manage current "
                             "providers do not evaluate.",
    )
    for statement, measure, target in outcomes:
        services.outcome_add(project=project, actor=officer, statement=statement, measure=measure, target=target)
    for user, kind in co_designers:
        if user is not None:
            services.co_designer_add(project=project, actor=officer, user=user, kind=kind)
    staff, vatable = costs
    chosen = None
    for kind in ("in-house", "grant", option) if option not in ("in-house", "grant") else ("contract", option):
        row = services.option_add(project=project, actor=officer, kind=kind, summary=OPTION_TEXT[kind],
                                  staff_cost_pence=staff, vatable_cost_pence=vatable,
                                  margin_percent=D(5) if kind in ("contract", "reserved") else D(0))
        if kind == option:
            chosen = row
    services.option_prefer(option=chosen, actor=officer, reasons="Residents on the design group preferred it and it is affordable.")
    if route:
        services.project_choose_route(project=project, actor=officer, route=route)
    project.refresh_from_db()
    if stop_at == "plan":
        return project
    services.project_advance(project=project, actor=officer, to_stage="do", decision="Plan and route approved by the director.")
    project.refresh_from_db()
    return project


OPTION_TEXT = {
    "in-house": "Keep the service in-house. The council reclaims the VAT on its purchases.",
    "grant": "Grant-fund a community organisation. Simple, but the council cannot specify outcomes as tightly.",
    "contract": "Contract after an open competition, small lots so local organisations can bid.",
    "reserved": "Reserve the contract for public service mutuals (Procurement Act 2023 s.33), at most 5 years.",
    "co-produced": "Co-produce the service with the people who use it.",
}

QUALITY = (
    (CriterionKind.QUALITY, D(30), None, "How will you reach and involve the people this service is for?"),
    (CriterionKind.QUALITY, D(25), 2, "How will you keep people safe? (safeguarding)"),
    (CriterionKind.SOCIAL_VALUE, D(15), None, "What will you do for the area: local jobs, volunteering, spending locally?"),
    (CriterionKind.PASS_FAIL, D(0), None, "Do you hold employer's and public liability insurance of at least £5 million?"),
)


def _opportunity(project, officer, *, title, summary, published, deadline, estimate, price_weight=THIRTY, lots=("Borough-wide",),
                 aggregation="consensus", criteria=QUALITY):
    opportunity = services.opportunity_create(project=project, actor=officer, title=title, summary=summary)
    services.opportunity_update(opportunity=opportunity, actor=officer, deadline=deadline, estimate_pence=estimate,
                                price_weight=price_weight, aggregation=aggregation,
                                local_employment="Say how many of the jobs will go to people living in the borough.",
                                timetable="Evaluation by a panel of officers and residents within four weeks of the deadline; "
                                          "award decision two weeks later; the contract starts after the standstill.")
    for lot in lots:
        services.lot_add(opportunity=opportunity, actor=officer, title=lot)
    for kind, weight, gate, question in criteria:
        services.criterion_add(opportunity=opportunity, actor=officer, kind=kind, question=question, weight=weight,
                               gate_min=gate, guidance="Give examples from your work in the last three years.")
    services.opportunity_publish(opportunity=opportunity, actor=officer, now=published)
    opportunity.refresh_from_db()
    return opportunity


def _bid(opportunity, organisation, writer, *, price_pounds, at, charges_vat=False, submit=True):
    lot = opportunity.lots.order_by("number").first()
    bid = services.bid_start(opportunity=opportunity, lot=lot, organisation=organisation, actor=writer, now=at)
    answers = {c.pk: f"{organisation.name}: {ANSWER[c.kind]}" for c in opportunity.criteria.all()}
    services.bid_save(bid=bid, actor=writer, price_pence=price_pounds * 100, charges_vat=charges_vat,
                      social_value_commitment="Two apprenticeships for local young people; 200 volunteer hours a year.",
                      local_jobs_fte=D("3.5"), answers=answers, now=at)
    if submit:
        services.bid_submit(bid=bid, actor=writer, now=at)
    return bid


ANSWER = {
    CriterionKind.QUALITY: "we will work with residents' groups and the trust to reach people who do not use services now, "
                           "with sessions where they already meet.",
    CriterionKind.SOCIAL_VALUE: "we recruit locally, pay the London Living Wage and buy from local suppliers.",
    CriterionKind.PASS_FAIL: "yes, certificates attached.",
}


def _evaluate(opportunity, officer, moderator, evaluators, rng, *, opened_at, profile, finish=True):
    """Open the bids, seat the panel, score (around each bidder's profile) and moderate."""
    services.opportunity_open_bids(opportunity=opportunity, actor=officer, now=opened_at)
    lot = opportunity.lots.order_by("number").first()
    services.panel_member_add(opportunity=opportunity, actor=officer, user=moderator, lots=[lot], is_moderator=True)
    for person in evaluators:
        services.panel_member_add(opportunity=opportunity, actor=officer, user=person, lots=[lot])
    scale = opportunity.scale_max
    scored = [c for c in opportunity.criteria.order_by("pk") if c.is_scored]
    bids = list(opportunity.bids.filter(status=BidStatus.OPENED).select_related("organisation").order_by("organisation__name"))
    for person in [moderator, *evaluators]:
        assignment = PanelAssignment.objects.get(member__user=person, lot=lot)
        services.conflict_declare(assignment=assignment, actor=person, has_conflict=False)
        if person == moderator:
            continue
        for bid in bids:
            centre = profile[bid.organisation.name]
            scores = {c.pk: (max(0, min(scale, centre + rng.choice([-1, 0, 0, 1]))),
                             "Clear evidence from their current work." if centre >= 3 else "Little evidence given.")
                      for c in scored}
            services.evaluator_score_bid(assignment=assignment, bid=bid, actor=person, scores=scores)
        services.evaluator_submit_scores(assignment=assignment, actor=person)
    if not finish:
        return lot
    for bid in bids:
        for c in opportunity.criteria.order_by("pk"):
            if c.is_scored:
                services.moderation_record(bid=bid, criterion=c, actor=moderator, score=profile[bid.organisation.name],
                                           reason="The panel agreed after discussing each evaluator's evidence.")
            else:
                services.moderation_record(bid=bid, criterion=c, actor=moderator, passed=True,
                                           reason="Insurance certificates checked.")
    services.lot_moderation_complete(lot=lot, actor=moderator, notes="Panel met in person; every evaluator attended.")
    return lot


def seed(*, rng: random.Random, log: Callable[[str], None]) -> None:
    officer = _user("officer")
    if officer is None:
        log("  no demo officer: commissioning demo skipped")
        return
    today = timezone.localdate()
    holidays = bank_holidays()
    resident, evaluator, young = _user("resident"), _user("evaluator"), _user("young")
    service_user, carer = _user("serviceuser"), _user("carer")
    Trust = apps.get_model("trusts", "Trust") if apps.is_installed("coproduce.trusts") else None
    youth_trust = Trust.objects.filter(slug="young-riverside").first() if Trust else None
    moderator = User.objects.filter(roles__role=Role.OFFICER).exclude(pk=officer.pk).order_by("pk").first() or officer
    other_officer_evaluator = officer if moderator != officer else None

    # 1. Analyse -------------------------------------------------------------------------------
    _project(officer, title="Lunch clubs and hot meals for older people", area="care", service_type="light-touch",
             summary="Somewhere to eat a hot meal in company, near home, for older people living alone.",
             value=None, term=None, option="grant", route="", outcomes=(), specification="", stop_at="analyse",
             assessment="Residents raised isolation and poor diet among older people living alone. Two lunch clubs "
                        "closed last year. Elders' forum survey: 62% would come weekly if it were within a bus stop.")

    # 2. Plan: co-designed, options appraised with VAT -----------------------------------------
    _project(officer, title="Peer support for mental health", area="health", service_type="light-touch",
             summary="Peer-led support groups and one-to-one peer mentors for people recovering from mental ill health.",
             value=36_000_000, term=36, option="contract", route="open", stop_at="plan",
             co_designers=((service_user, "service_user"), (carer, "carer"), (resident, "resident")),
             assessment="The Living Well collaborative found most people supported were not known to secondary care.",
             outcomes=(("People stay well and out of crisis", "Crisis referrals from people supported", "Down 20%"),
                       ("People make their own choices", "Say they are in control of their support (survey)", "75%")),
             specification="Weekly peer groups in every ward; trained peer mentors; run with people with lived experience.",
             costs=(7_200_000, 1_800_000))

    # 3. In-house (no procurement) --------------------------------------------------------------
    _project(officer, title="Library home delivery", area="care", service_type="services",
             summary="Books and audiobooks delivered to residents who cannot get to a library.",
             value=6_000_000, term=24, option="in-house", route="", stop_at="plan",
             assessment="600 housebound residents; the mobile library stopped in 2024.",
             outcomes=(("Housebound residents keep reading", "Residents receiving deliveries", "400"),),
             specification="Monthly deliveries by library staff and volunteers.", costs=(2_400_000, 600_000))

    # 4. Do: open for bids now ------------------------------------------------------------------
    play = _project(officer, title="Holiday play and activities", area="youth", service_type="services",
                    summary="Free play schemes with a meal in every school holiday, for children aged 5 to 11.",
                    value=9_000_000, term=12, option="contract", route="open",
                    assessment="Holiday hunger: 3,100 children get free school meals in term time only.",
                    outcomes=(("Children eat well in the holidays", "Meals served", "12,000"),),
                    specification="Play sessions and a hot lunch on 30 days of the school holidays, in four wards.")
    opportunity = _opportunity(play, officer, title="Holiday play and activities", estimate=7_000_000,
                               summary="We want free holiday play with a hot lunch for children aged 5 to 11 in four wards. "
                                       "Small and local organisations are welcome to bid, alone or together.",
                               published=timezone.now() - dt.timedelta(days=10),
                               deadline=_at_noon(_working_day(today + dt.timedelta(days=21), holidays)))
    play_bidder = _organisation("Gasholder Park Play CIC", LegalForm.CIC)
    _bid(opportunity, play_bidder, _writer(play_bidder, f"bids.gasholder@{DEMO}"), price_pounds=68_000,
         at=timezone.now() - dt.timedelta(days=2))
    asker = _user("provider") or officer
    question = services.clarification_ask(opportunity=opportunity, actor=asker,
                                          question="Can two organisations bid together for different wards?",
                                          now=timezone.now() - dt.timedelta(days=5))
    services.clarification_answer(clarification=question, actor=officer,
                                  answer="Yes. One organisation leads the bid and names its partners and their wards.")

    # 5. Do: youth services with the youth trust, resident evaluators ------------------------------
    youth = _project(officer, title="Youth services for the estates", area="youth", service_type="light-touch",
                     summary="Youth clubs and detached youth work on the borough's estates, chosen with young people.",
                     value=45_000_000, term=36, option="contract", route="open", trust=youth_trust,
                     co_designers=((young, "young_person"),),
                     assessment="Young people and the youth trust: nowhere to go after 6pm; violence concentrated on three estates.",
                     outcomes=(("Young people feel safe in the evening", "Say they feel safe (youth survey)", "70%"),
                               ("Young people shape the service", "Sessions planned with young members", "Every term")),
                     specification="Three evening youth clubs and a detached team on the estates; young members plan the programme.")
    deadline = _at_noon(_working_day(today - dt.timedelta(days=6), holidays))
    opportunity = _opportunity(youth, officer, title="Youth services for the estates", estimate=30_000_000,
                               summary="The Young Riverside Co-operative and the council are choosing who runs youth clubs and "
                                       "street-based youth work on the estates for three years. Young people sit on the panel.",
                               published=deadline - dt.timedelta(days=35), deadline=deadline)
    profile = {}
    for name, form, price, centre in (("Riverside Youth Co-operative", LegalForm.COOPERATIVE_SOCIETY, 335_000, 4),
                                      ("Northbank Youth Services Mutual", LegalForm.PUBLIC_SERVICE_MUTUAL, 355_000, 4),
                                      ("Coldharbour Youth Media CIC", LegalForm.CIC, 298_000, 3)):
        organisation = _organisation(name, form)
        fallback = f"provider@{DEMO}" if name == "Riverside Youth Co-operative" else f"bids.{organisation.slug[:20]}@{DEMO}"
        _bid(opportunity, organisation, _writer(organisation, fallback), price_pounds=price,
             at=deadline - dt.timedelta(days=3 + len(profile)))
        profile[name] = centre
    later = _eligible(opportunity, [p for p in (evaluator, young) if p is not None])
    first = []
    if youth_trust is not None:
        members = (User.objects.filter(trust_memberships__trust=youth_trust, trust_memberships__left_at__isnull=True,
                                       trust_memberships__member_class__slug="user")
                   .exclude(pk__in=[p.pk for p in later]).order_by("pk").distinct()[:10])
        first = _eligible(opportunity, list(members))[:1]
    residents = [_evaluator(p) for p in [*first, *later]]
    lot = _evaluate(opportunity, officer, moderator, residents[:1], rng, opened_at=deadline + dt.timedelta(hours=1),
                    profile=profile, finish=False)
    for person in residents[1:]:  # the demo evaluator and young member still have to declare and score
        services.panel_member_add(opportunity=opportunity, actor=officer, user=person, lots=[lot])

    # 6. Do: reserved for public service mutuals, awarded, contract signed ---------------------------
    day_ops = _project(officer, title="Day opportunities for adults with learning disabilities", area="care",
                       service_type="light-touch-reservable", value=72_000_000, term=36, option="reserved",
                       route="reserved-mutual", co_designers=((service_user, "service_user"),),
                       summary="Day centres and community activities run by a mutual owned by its staff, with users on the board.",
                       assessment="The Resource Centre's users and staff want to run the service as a mutual.",
                       outcomes=(("People do what matters to them", "Personal goals met (review)", "80%"),),
                       specification="Day opportunities five days a week; activities chosen by the people who use them.",
                       costs=(16_000_000, 4_000_000))
    closed = _at_noon(_working_day(today - dt.timedelta(days=75), holidays))
    opportunity = _opportunity(day_ops, officer, title="Day opportunities for adults with learning disabilities",
                               summary="Reserved for public service mutuals: run day opportunities for three years.",
                               published=closed - dt.timedelta(days=30), deadline=closed, estimate=58_000_000)
    profile = {}
    for name, price, centre in (("Riverside Adult Social Care Mutual", 588_000, 4), ("Riverside Community Health Mutual", 560_000, 3)):
        organisation = _organisation(name, LegalForm.PUBLIC_SERVICE_MUTUAL, VatStatus.EXEMPT)
        _bid(opportunity, organisation, _writer(organisation, f"bids.{organisation.slug[:20]}@{DEMO}"), price_pounds=price,
             at=closed - dt.timedelta(days=4 + len(profile)))
        profile[name] = centre
    panel_people = [p for p in (evaluator, other_officer_evaluator, service_user) if p is not None]
    panel_people = _eligible(opportunity, panel_people)
    lot = _evaluate(opportunity, officer, moderator, [_evaluator(p) if not p.has_role(Role.OFFICER) else p for p in panel_people],
                    rng, opened_at=closed + dt.timedelta(hours=2), profile=profile)
    notice = _working_day(closed.date() + dt.timedelta(days=14), holidays)
    award = services.lot_award(lot=lot, actor=officer, notice_published_on=notice, voluntary_standstill=True,
                               reasons="Highest total: strongest plan for involving the people who use the service.")
    services.contract_create(award=award, actor=officer, start_date=_first_of_next_month(award.contract_from),
                             today=award.contract_from, kpis=[
                                 {"name": "People attending each week", "unit": "people", "target": 140, "frequency": "monthly"},
                                 {"name": "Personal goals met", "unit": "%", "target": 80},
                                 {"name": "Users on the mutual's board", "unit": "people", "target": 3, "frequency": "annually"},
                             ])

    # 7. Review: competed, moderated, awarded after a mandatory standstill ----------------------------
    grounds = _project(officer, title="Estate grounds and community growing", area="environment", service_type="services",
                       summary="Grounds maintenance on council estates, with food growing led by tenants.",
                       value=28_800_000, term=24, option="contract", route="open",
                       assessment="Tenants rated grounds maintenance the worst estate service; three estates want growing spaces.",
                       outcomes=(("Estates are green and well kept", "Tenants satisfied with grounds (survey)", "75%"),
                                 ("Tenants grow food", "Growing plots in use", "60")),
                       specification="Grass, shrubs and trees on 14 estates; growing spaces built and run with tenants.",
                       costs=(14_000_000, 6_000_000))
    closed = _at_noon(_working_day(today - dt.timedelta(days=150), holidays))
    opportunity = _opportunity(grounds, officer, title="Estate grounds and community growing",
                               summary="Keep the estates green and help tenants grow food, for two years.",
                               published=closed - dt.timedelta(days=30), deadline=closed, estimate=22_000_000)
    profile = {}
    for name, form, vat, price, centre in (
        ("Tanners Hill Landscaping Ltd", LegalForm.PRIVATE_COMPANY, VatStatus.REGISTERED, 214_000, 3),
        ("Orchard Vale Growing Society", LegalForm.COMMUNITY_BENEFIT_SOCIETY, VatStatus.NOT_REGISTERED, 229_000, 4),
        ("Riverside Parks Mutual", LegalForm.PUBLIC_SERVICE_MUTUAL, VatStatus.REGISTERED, 236_000, 4),
    ):
        organisation = _organisation(name, form, vat)
        _bid(opportunity, organisation, _writer(organisation, f"bids.{organisation.slug[:20]}@{DEMO}"), price_pounds=price,
             at=closed - dt.timedelta(days=2 + len(profile)), charges_vat=organisation.vat_status == VatStatus.REGISTERED)
        profile[name] = centre
    lot = _evaluate(opportunity, officer, moderator,
                    [_evaluator(p) for p in _eligible(opportunity, [p for p in (evaluator, resident) if p is not None])] or [officer],
                    rng, opened_at=closed + dt.timedelta(hours=1), profile=profile)
    notice = _working_day(closed.date() + dt.timedelta(days=10), holidays)
    award = services.lot_award(lot=lot, actor=officer, notice_published_on=notice,
                               reasons="Most advantageous tender: best tenant involvement and growing plan at a fair price.")
    contract = services.contract_create(award=award, actor=officer, start_date=_first_of_next_month(award.contract_from),
                                        today=award.contract_from, kpis=[
                                            {"name": "Tenants satisfied with grounds", "unit": "%", "target": 75},
                                            {"name": "Growing plots in use", "unit": "plots", "target": 60},
                                            {"name": "Grass cuts missed", "unit": "cuts", "target": 2, "direction": "lower",
                                             "frequency": "monthly"},
                                        ])
    services.project_advance(project=grounds, actor=officer, to_stage="review",
                             decision=f"Contract {contract.reference} signed; performance reviewed with tenants each quarter.")
    log("  7 commissioning projects: analyse 1, plan 2, do 3, review 1; 2 contracts")
