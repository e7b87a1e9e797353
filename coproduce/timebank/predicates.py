"""Who may do what with time credits."""

from __future__ import annotations

import rules

from coproduce.accounts.predicates import is_signed_in


@rules.predicate
def is_account_holder(user, account) -> bool:
    """The member account belongs to the signed-in person."""
    return bool(is_signed_in(user) and account is not None and account.user_id == user.pk)
