"""Permissions of the coproduction app. Views name these; they never test roles themselves.

Collaboratives, meetings, minutes, ideas and actions are public to read. Names of participants,
registrations and access needs are for the collaborative's organisers only.
"""

from __future__ import annotations

import rules

from coproduce.accounts.predicates import is_officer, is_signed_in

from .predicates import is_action_owner, is_collaborative_organiser

# An officer sets up a collaborative and becomes its first organiser.
rules.add_perm("coproduction.create_collaborative", is_officer)
# Anyone signed in can join an open collaborative and register for its meetings.
rules.add_perm("coproduction.join_collaborative", is_signed_in)
rules.add_perm("coproduction.register_meeting", is_signed_in)
# The collaborative's organisers run it: participants, meetings, registrations with access
# needs, attendance (which pays time credits), minutes, ideas and actions.
rules.add_perm("coproduction.manage_participants", is_collaborative_organiser)
rules.add_perm("coproduction.schedule_meeting", is_collaborative_organiser)
rules.add_perm("coproduction.view_registrations", is_collaborative_organiser)
rules.add_perm("coproduction.mark_attendance", is_collaborative_organiser)
rules.add_perm("coproduction.record_minutes", is_collaborative_organiser)
rules.add_perm("coproduction.record_idea", is_collaborative_organiser)
rules.add_perm("coproduction.record_action", is_collaborative_organiser)
# An action's owner reports progress on it; organisers can too.
rules.add_perm("coproduction.update_action", is_collaborative_organiser | is_action_owner)
