"""factory_boy factories for the timebank."""

from __future__ import annotations

import datetime as dt

import factory

from coproduce.timebank.models import CouncilTaxPolicy, Reward


class RewardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reward

    title = factory.Sequence(lambda n: f"Swim session {n}")
    description = "One swim at a council leisure centre."
    price = 200
    stock = 10


class CouncilTaxPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilTaxPolicy

    name = "Council-tax discount for time credits 2026/27"
    year_starts = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=100))
    year_ends = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=265))
    credits_per_pound = 100
    annual_cap_pence = 5000
    cap_basis = CouncilTaxPolicy.CapBasis.HOUSEHOLD
