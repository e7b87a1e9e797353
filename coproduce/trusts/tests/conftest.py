import pytest

from coproduce.places.tests.factories import NeighbourhoodFactory
from coproduce.trusts.models import Trust
from coproduce.trusts.tests.factories import MemberClassFactory, TrustFactory


@pytest.fixture
def estate():
    return NeighbourhoodFactory(name="Marsh Estate", kind="estate")


@pytest.fixture
def youth_trust(estate):
    """A borough-wide youth trust: users 11–25 who live in the borough; staff added in person."""
    trust = TrustFactory(name="Young Riverside", slug="young-riverside", council=estate.ward.council, votes_by_class=True)
    MemberClassFactory(trust=trust, slug="user", name="Young member", min_age=11, max_age=25, position=0)
    MemberClassFactory(trust=trust, slug="staff", name="Staff", requires_residency=False, joinable_online=False, position=1)
    return trust


@pytest.fixture
def tenants_trust(estate):
    trust = TrustFactory(name="Marsh Tenants", slug="marsh-tenants", council=estate.ward.council,
                         area_kind=Trust.AreaKind.NEIGHBOURHOODS)
    trust.neighbourhoods.set([estate])
    MemberClassFactory(trust=trust, slug="tenant", name="Tenant")
    return trust
