"""Who someone is in a trust. Each predicate takes the user and a trust, proposal or membership."""

from __future__ import annotations

import rules

from coproduce.accounts.predicates import is_officer, is_signed_in


def _trust_id(obj) -> int | None:
    if obj is None:
        return None
    if obj._meta.model_name == "trust":
        return obj.pk
    return getattr(obj, "trust_id", None)


@rules.predicate
def is_trust_member(user, obj) -> bool:
    """A current member of the trust."""
    from .models import Membership

    trust_id = _trust_id(obj)
    return bool(is_signed_in(user) and trust_id and Membership.objects.current().filter(trust_id=trust_id, user=user).exists())


@rules.predicate
def is_trust_board_member(user, obj) -> bool:
    """Sits on the trust's board now."""
    from .models import BoardSeat

    trust_id = _trust_id(obj)
    return bool(
        is_signed_in(user) and trust_id
        and BoardSeat.objects.filter(trust_id=trust_id, user=user, ended_on__isnull=True).exists()
    )


@rules.predicate
def is_assigned_to_trust(user, obj) -> bool:
    from .models import Trust

    trust_id = _trust_id(obj)
    return bool(is_signed_in(user) and trust_id and Trust.officers.through.objects.filter(trust_id=trust_id, user_id=user.pk).exists())


#: A council officer who supports this trust (named on the trust): sees the register, joins people in person.
is_trust_officer = is_officer & is_assigned_to_trust


@rules.predicate
def is_own_membership(user, membership) -> bool:
    return bool(is_signed_in(user) and membership is not None and membership.user_id == user.pk)
