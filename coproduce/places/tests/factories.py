"""factory_boy factories for places. Other apps import these in their tests."""

from __future__ import annotations

import factory

from coproduce.places.models import Council, Neighbourhood, Postcode, Ward

# Letters allowed in the last two characters of a UK postcode (no C, I, K, M, O, V).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def postcode_for(n: int) -> str:
    """A distinct, well-formed (but made-up) postcode for each n ≥ 0, in the fictional RV area."""
    district, rest = divmod(n, 10 * len(_INWARD_LETTERS) ** 2)
    sector, rest = divmod(rest, len(_INWARD_LETTERS) ** 2)
    first, second = divmod(rest, len(_INWARD_LETTERS))
    return f"RV{district + 1} {sector}{_INWARD_LETTERS[first]}{_INWARD_LETTERS[second]}"


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ("gss_code",)

    name = "Riverside Co-operative Council"
    slug = "riverside"
    gss_code = "E09000099"


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Test Ward {n}")
    slug = factory.Sequence(lambda n: f"test-ward-{n}")
    gss_code = factory.Sequence(lambda n: f"E05{900000 + n:06d}")


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    ward = factory.SubFactory(WardFactory)
    name = factory.Sequence(lambda n: f"Test Neighbourhood {n}")
    slug = factory.Sequence(lambda n: f"test-neighbourhood-{n}")
    kind = Neighbourhood.Kind.NEIGHBOURHOOD


class PostcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Postcode

    postcode = factory.Sequence(postcode_for)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
