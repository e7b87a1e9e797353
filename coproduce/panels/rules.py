"""Permissions of the panels app. Views name these; they never test roles themselves.

Panels, their quotas and their published results are public. What each volunteer answered is
never shown to anyone, officers included: officers see only counts per answer. Officers see the
names of the people invited, because they contact them.
"""

from __future__ import annotations

import rules

from coproduce.accounts.predicates import is_officer, is_verified_resident

from .predicates import is_own_invitation, is_own_volunteering

# Officers open recruitments and run them: quotas, closing, the draw, ending or cancelling.
rules.add_perm("panels.add_panel", is_officer)
rules.add_perm("panels.change_panel", is_officer)
# The names of the people invited (officers contact them; never published).
rules.add_perm("panels.view_invitations", is_officer)
# Verified residents may volunteer; the service explains any other reason (age, closed, twice).
rules.add_perm("panels.add_volunteer", is_verified_resident)
rules.add_perm("panels.delete_volunteer", is_own_volunteering)
# The person invited replies; an officer may record a reply given by phone or in person.
rules.add_perm("panels.respond_invitation", is_own_invitation | is_officer)
