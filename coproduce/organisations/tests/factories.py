"""factory_boy factories for organisations. Other apps import these in their tests.

    OrganisationFactory()                         a provider co-operative society with a GB-MPR id
    OrganisationFactory(legal_form=LegalForm.CIC) pass scheme/identifier to match: see PREFERRED_SCHEMES
    MembershipFactory(organisation=org, user=u, role=Membership.MemberRole.OWNER)
"""

from __future__ import annotations

import factory

from coproduce.organisations.models import (
    LegalForm,
    Membership,
    Organisation,
    OrganisationIdentifier,
    VatStatus,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    class Params:
        scheme = "GB-MPR"
        identifier = factory.Sequence(lambda n: f"{n + 1}R")

    name = factory.Sequence(lambda n: f"Test Co-operative {n}")
    slug = factory.Sequence(lambda n: f"test-co-operative-{n}")
    kind = Organisation.Kind.PROVIDER
    legal_form = LegalForm.COOPERATIVE_SOCIETY
    vat_status = VatStatus.NOT_REGISTERED
    vat_number = ""
    primary = factory.RelatedFactory(
        "coproduce.organisations.tests.factories.OrganisationIdentifierFactory",
        factory_related_name="organisation",
        scheme=factory.SelfAttribute("..scheme"),
        identifier=factory.SelfAttribute("..identifier"),
        is_primary=True,
    )


class OrganisationIdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationIdentifier

    organisation = factory.SubFactory(OrganisationFactory)
    scheme = "GB-COH"
    identifier = factory.Sequence(lambda n: f"{n + 1:08d}")
    is_primary = False


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory("coproduce.accounts.tests.factories.UserFactory")
    role = Membership.MemberRole.MEMBER
