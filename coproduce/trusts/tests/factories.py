"""factory_boy factories for trusts."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from coproduce.places.tests.factories import CouncilFactory
from coproduce.timebank.tests.people import officer
from coproduce.trusts.models import MemberClass, Membership, Proposal, Trust


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust

    name = factory.Sequence(lambda n: f"Test Trust {n}")
    slug = factory.Sequence(lambda n: f"test-trust-{n}")
    summary = "A trust for testing."
    council = factory.SubFactory(CouncilFactory)
    area_kind = Trust.AreaKind.BOROUGH
    default_quorum_percent = 50


class MemberClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberClass

    trust = factory.SubFactory(TrustFactory)
    slug = factory.Sequence(lambda n: f"class-{n}")
    name = factory.Sequence(lambda n: f"Class {n}")
    requires_residency = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member_class = factory.SubFactory(MemberClassFactory)
    trust = factory.SelfAttribute("member_class.trust")


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    trust = factory.SubFactory(TrustFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    body = "Shall we do it?"
    opened_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=4))
    quorum_percent = 50
    author = factory.LazyFunction(officer)
