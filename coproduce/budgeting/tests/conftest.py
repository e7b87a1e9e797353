import pytest

from coproduce.accounts.testing import sign_in
from coproduce.accounts.tests.factories import OfficerFactory, ResidentFactory

from .factories import make_process


@pytest.fixture
def voting_process(db):
    return make_process(phase="voting")


@pytest.fixture
def voter(voting_process):
    return ResidentFactory(neighbourhood=voting_process.neighbourhood)


@pytest.fixture
def officer(db):
    return OfficerFactory()


@pytest.fixture
def officer_client(client, officer):
    return sign_in(client, officer)
