import pytest
from django.core.exceptions import ValidationError

from coproduce.audit.models import AuditEntry
from coproduce.places.tests.factories import CouncilFactory, NeighbourhoodFactory, WardFactory
from coproduce.timebank.tests.people import officer, person
from coproduce.trusts import services
from coproduce.trusts.models import BoardSeat, Membership, Trust

pytestmark = pytest.mark.django_db


def _classes(trust):
    return {c.slug: c for c in trust.member_classes.all()}


def test_an_eligible_young_resident_joins_online(youth_trust, estate):
    member = person(neighbourhood=estate, age=17)
    membership = services.membership_join(trust=youth_trust, user=member, member_class=_classes(youth_trust)["user"])
    assert membership.joined_via == "online" and membership.left_at is None
    assert AuditEntry.objects.filter(action="trusts.membership.joined", object_id=str(membership.pk)).exists()


@pytest.mark.parametrize(
    ("age", "expected"),
    [(26, "Members in the Young member class must be aged 11 to 25. You are 26."),
     (10, "Members in the Young member class must be aged 11 to 25. You are 10.")],
)
def test_age_outside_the_range_is_refused_with_the_exact_reason(youth_trust, estate, age, expected):
    member = person(neighbourhood=estate, age=age)
    with pytest.raises(ValidationError) as excinfo:
        services.membership_join(trust=youth_trust, user=member, member_class=_classes(youth_trust)["user"])
    assert excinfo.value.messages == [expected]
    assert not Membership.objects.exists()


def test_age_boundaries_are_inclusive(youth_trust, estate):
    for age in (11, 25):
        member = person(neighbourhood=estate, age=age)
        assert services.membership_refusals(trust=youth_trust, user=member, member_class=_classes(youth_trust)["user"]) == []


def test_no_date_of_birth_is_explained(youth_trust, estate):
    member = person(neighbourhood=estate)
    reasons = services.membership_refusals(trust=youth_trust, user=member, member_class=_classes(youth_trust)["user"])
    assert reasons == ["Members in the Young member class must be aged 11 to 25. Add your date of birth to your account so we can check."]


def test_living_outside_the_estate_is_refused_naming_where_they_live(tenants_trust):
    elsewhere = NeighbourhoodFactory(name="Hilltop", ward=WardFactory(name="Northgate", council=tenants_trust.council))
    member = person(neighbourhood=elsewhere)
    with pytest.raises(ValidationError) as excinfo:
        services.membership_join(trust=tenants_trust, user=member, member_class=_classes(tenants_trust)["tenant"])
    assert excinfo.value.messages == [
        "Membership is for residents of Marsh Estate. Your address is in Hilltop (Northgate ward), which is outside the area."
    ]


def test_an_unchecked_address_is_refused(tenants_trust, estate):
    member = person(neighbourhood=estate, verified=False)
    reasons = services.membership_refusals(trust=tenants_trust, user=member, member_class=_classes(tenants_trust)["tenant"])
    assert len(reasons) == 1 and "your address has not been checked yet" in reasons[0]


def test_borough_residency_means_a_neighbourhood_of_this_council(youth_trust):
    other_council = CouncilFactory(name="Elsewhere", slug="elsewhere", gss_code="E09000098")
    outsider = person(neighbourhood=NeighbourhoodFactory(ward=WardFactory(council=other_council)), age=15)
    reasons = services.membership_refusals(trust=youth_trust, user=outsider, member_class=_classes(youth_trust)["user"])
    assert reasons and "outside the area" in reasons[0]


def test_ward_area(estate):
    from coproduce.trusts.tests.factories import MemberClassFactory, TrustFactory

    trust = TrustFactory(council=estate.ward.council, area_kind=Trust.AreaKind.WARDS)
    trust.wards.set([estate.ward])
    cls = MemberClassFactory(trust=trust)
    inside = person(neighbourhood=NeighbourhoodFactory(ward=estate.ward))
    outside = person(neighbourhood=NeighbourhoodFactory(ward=WardFactory(council=estate.ward.council)))
    assert services.membership_refusals(trust=trust, user=inside, member_class=cls) == []
    assert "outside the area" in services.membership_refusals(trust=trust, user=outside, member_class=cls)[0]


def test_a_double_join_is_refused_and_changes_nothing(tenants_trust, estate):
    member = person(neighbourhood=estate)
    tenant = _classes(tenants_trust)["tenant"]
    services.membership_join(trust=tenants_trust, user=member, member_class=tenant)
    with pytest.raises(ValidationError, match="already a member"):
        services.membership_join(trust=tenants_trust, user=member, member_class=tenant)
    assert Membership.objects.filter(trust=tenants_trust, user=member).count() == 1


def test_the_database_refuses_two_current_memberships_even_if_the_check_is_skipped(tenants_trust, estate):
    """The partial unique constraint is the backstop for two join requests at the same moment."""
    member = person(neighbourhood=estate)
    tenant = _classes(tenants_trust)["tenant"]
    services._create_membership(trust=tenants_trust, user=member, member_class=tenant)
    with pytest.raises(ValidationError, match="already a member"):
        services._create_membership(trust=tenants_trust, user=member, member_class=tenant)


def test_staff_cannot_join_online_but_an_officer_can_enrol_them_in_person(youth_trust):
    staff_class = _classes(youth_trust)["staff"]
    youth_worker = person(verified=False, roles=())
    assert services.membership_refusals(trust=youth_trust, user=youth_worker, member_class=staff_class) == [
        "Members in the Staff class are added by a trust officer in person, not online. Contact the trust to join this way."
    ]
    staff = officer()
    membership = services.membership_enrol_in_person(
        trust=youth_trust, user=youth_worker, member_class=staff_class, officer=staff, note="Youth club staff meeting"
    )
    assert (membership.joined_via, membership.recorded_by, membership.assistance_note) == (
        "in_person", staff, "Youth club staff meeting")
    assert AuditEntry.objects.filter(action="trusts.membership.enrolled_in_person").count() == 1


def test_in_person_joining_still_applies_the_rules(youth_trust, estate):
    too_old = person(neighbourhood=estate, age=40)
    with pytest.raises(ValidationError, match="You are 40"):
        services.membership_enrol_in_person(
            trust=youth_trust, user=too_old, member_class=_classes(youth_trust)["user"], officer=officer())
    assert not Membership.objects.exists()


def test_leaving_keeps_the_register_line_ends_the_board_seat_and_allows_rejoining(tenants_trust, estate):
    member = person(neighbourhood=estate)
    tenant = _classes(tenants_trust)["tenant"]
    first = services.membership_join(trust=tenants_trust, user=member, member_class=tenant)
    services.board_seat_add(trust=tenants_trust, user=member, role="chair", actor=officer())
    services.membership_leave(membership=first, actor=member, reason="Moving away")
    first.refresh_from_db()
    assert first.left_at is not None and first.left_reason == "Moving away"
    assert BoardSeat.objects.get(user=member).ended_on is not None
    with pytest.raises(ValidationError, match="already ended"):
        services.membership_leave(membership=first, actor=member)
    services.membership_join(trust=tenants_trust, user=member, member_class=tenant)
    assert Membership.objects.filter(trust=tenants_trust, user=member).count() == 2


def test_only_members_sit_on_the_board(tenants_trust, estate):
    with pytest.raises(ValidationError, match="Only a member"):
        services.board_seat_add(trust=tenants_trust, user=person(neighbourhood=estate), role="chair", actor=officer())
