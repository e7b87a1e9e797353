"""Writes for organisations. Each call is one transaction with its audit entry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coproduce.audit.services import audit_record

from .models import Membership, Organisation, OrganisationIdentifier, VatStatus
from .orgid import OrgIdError, identifier_check

#: Slugs that would clash with the app's own pages.
RESERVED_SLUGS = frozenset({"register", "new"})


def organisation_slug(name: str) -> str:
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _identifier_taken(scheme: str, identifier: str) -> Organisation | None:
    row = OrganisationIdentifier.objects.select_related("organisation").filter(scheme=scheme, identifier=identifier).first()
    return row.organisation if row else None


def _checked_identifier(scheme: str, identifier: str):
    try:
        checked = identifier_check(scheme=scheme, identifier=identifier)
    except OrgIdError as error:
        raise ValidationError({"identifier": str(error)})
    owner = _identifier_taken(checked.scheme, checked.identifier)
    if owner is not None:
        raise ValidationError({"identifier": _("%(org_id)s already belongs to %(name)s.") % {
            "org_id": checked.org_id, "name": owner.name}})
    return checked


@transaction.atomic
def organisation_register(*, name: str, legal_form: str, scheme: str, identifier: str,
                          kind: str = Organisation.Kind.PROVIDER, ward=None, description: str = "",
                          website: str = "", vat_status: str = VatStatus.NOT_REGISTERED, vat_number: str = "",
                          actor=None) -> Organisation:
    """Register an organisation with its main org-id. Refuses a malformed or already used identifier."""
    checked = _checked_identifier(scheme, identifier)
    organisation = Organisation(
        name=name.strip(), slug=organisation_slug(name), kind=kind, legal_form=legal_form, ward=ward,
        description=description, website=website, vat_status=vat_status, vat_number=vat_number.strip(),
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    organisation.full_clean()
    organisation.save()
    primary = OrganisationIdentifier(organisation=organisation, scheme=checked.scheme,
                                     identifier=checked.identifier, is_primary=True)
    primary.full_clean()
    primary.save()
    audit_record(
        action="organisations.organisation.registered",
        summary=f"{organisation.name} ({organisation.get_legal_form_display()}, {primary.org_id}) registered",
        actor=actor, target=organisation, public=True,
        data={"org_id": primary.org_id, "legal_form": legal_form, "kind": kind,
              "ward": ward.gss_code if ward else None, "vat_status": vat_status},
    )
    return organisation


@transaction.atomic
def organisation_identifier_add(*, organisation: Organisation, scheme: str, identifier: str,
                                is_primary: bool = False, actor=None) -> OrganisationIdentifier:
    """Add another org-id (e.g. a charity's company number). A new primary demotes the old one."""
    checked = _checked_identifier(scheme, identifier)
    if is_primary:
        organisation.identifiers.filter(is_primary=True).update(is_primary=False)
    row = OrganisationIdentifier(organisation=organisation, scheme=checked.scheme, identifier=checked.identifier,
                                 is_primary=is_primary or not organisation.identifiers.exists())
    row.full_clean()
    row.save()
    audit_record(
        action="organisations.identifier.added",
        summary=f"{row.org_id} added to {organisation.name}" + (" as its main identifier" if row.is_primary else ""),
        actor=actor, target=organisation, public=True, data={"org_id": row.org_id, "is_primary": row.is_primary},
    )
    return row


@transaction.atomic
def membership_add(*, organisation: Organisation, user, role: str = Membership.MemberRole.MEMBER,
                   actor=None) -> Membership:
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError({"email": _("%(name)s is already a member of %(organisation)s.") % {
            "name": user.display_name, "organisation": organisation.name}})
    membership = Membership(organisation=organisation, user=user, role=role,
                            added_by=actor if getattr(actor, "is_authenticated", False) else None)
    membership.full_clean()
    membership.save()
    # Who belongs to which organisation is personal data: recorded, not published.
    audit_record(
        action="organisations.membership.added",
        summary=f"A member was added to {organisation.name} ({membership.get_role_display()})",
        actor=actor, target=membership, public=False,
        data={"organisation": organisation.pk, "user": user.pk, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor=None) -> None:
    """Remove a member. The last owner cannot be removed, so someone can always manage the organisation."""
    membership = Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    organisation = membership.organisation
    if membership.role == Membership.MemberRole.OWNER and not organisation.memberships.filter(
        role=Membership.MemberRole.OWNER
    ).exclude(pk=membership.pk).exists():
        raise ValidationError(_("%(name)s is the only owner of %(organisation)s. Make someone else an owner first.") % {
            "name": membership.user.display_name, "organisation": organisation.name})
    audit_record(
        action="organisations.membership.removed",
        summary=f"A member was removed from {organisation.name} ({membership.get_role_display()})",
        actor=actor, target=membership, public=False,
        data={"organisation": organisation.pk, "user": membership.user_id, "role": membership.role},
    )
    membership.delete()
