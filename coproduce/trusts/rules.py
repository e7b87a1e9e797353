"""Permissions of the trusts app. Views name these; they never test roles themselves.

The register of members is never public: only the trust's board and its council officers.
"""

from __future__ import annotations

import rules

from coproduce.accounts.predicates import is_signed_in

from .predicates import is_own_membership, is_trust_board_member, is_trust_member, is_trust_officer

# Anyone signed in may ask to join; the service explains any reason they cannot.
rules.add_perm("trusts.join_trust", is_signed_in)
# Assisted participation: a trust officer joins someone in person.
rules.add_perm("trusts.enrol_membership", is_trust_officer)
# The register (names, classes, joined, left) and its CSV export.
rules.add_perm("trusts.view_register", is_trust_officer | is_trust_board_member)
# A member leaves; a trust officer can record someone leaving.
rules.add_perm("trusts.end_membership", is_own_membership | is_trust_officer)
# Decisions are published to members (and to the board and officers who run them).
rules.add_perm("trusts.view_proposal", is_trust_member | is_trust_board_member | is_trust_officer)
rules.add_perm("trusts.add_proposal", is_trust_board_member | is_trust_officer)
rules.add_perm("trusts.respond_proposal", is_trust_member)
rules.add_perm("trusts.close_proposal", is_trust_board_member | is_trust_officer)
