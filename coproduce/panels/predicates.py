"""Who someone is in a panel. Each predicate takes the user and a volunteer or invitation."""

from __future__ import annotations

import rules

from coproduce.accounts.predicates import is_signed_in


@rules.predicate
def is_own_volunteering(user, volunteer) -> bool:
    """The signed-in person is this volunteer."""
    return bool(is_signed_in(user) and volunteer is not None and volunteer.user_id == user.pk)


@rules.predicate
def is_own_invitation(user, invitation) -> bool:
    """The place was offered to the signed-in person."""
    return bool(is_signed_in(user) and invitation is not None and invitation.volunteer.user_id == user.pk)
