"""Permissions of the organisations app. Views name these; they never test roles themselves."""

from __future__ import annotations

import rules

from coproduce.accounts.predicates import is_administrator, is_officer

from .predicates import is_organisation_member, is_organisation_owner

is_council_staff = is_officer | is_administrator

# Officers register provider and community organisations (public audit entry).
rules.add_perm("organisations.add_organisation", is_council_staff)
# The member list is personal data: only the organisation's own members and council staff see it.
rules.add_perm("organisations.view_membership", is_organisation_member | is_council_staff)
# Owners manage their organisation's members; officers can too (e.g. to add the first owner).
rules.add_perm("organisations.change_membership", is_organisation_owner | is_council_staff)
rules.add_perm("organisations.add_organisationidentifier", is_organisation_owner | is_council_staff)
