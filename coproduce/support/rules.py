"""Permissions of the support app. The catalogue is public; requests belong to their organisation.

Names avoid Django's model-permission codenames (`add_supportrequest`…), which the admin uses.
"""

from __future__ import annotations

import rules

from .predicates import (
    belongs_to_an_organisation,
    belongs_to_organisation,
    belongs_to_requesting_organisation,
    is_officer,
)

# Anyone in an organisation of the register can ask for a service for it.
rules.add_perm("support.make_request", belongs_to_an_organisation)
# The organisation and officers see a request; only the organisation cancels it.
rules.add_perm("support.view_request", belongs_to_requesting_organisation | is_officer)
rules.add_perm("support.cancel_request", belongs_to_requesting_organisation)
# Officers run the catalogue, fulfil requests and see every organisation's usage.
rules.add_perm("support.fulfil_request", is_officer)
rules.add_perm("support.add_service", is_officer)
rules.add_perm("support.view_usage", is_officer | belongs_to_organisation)
