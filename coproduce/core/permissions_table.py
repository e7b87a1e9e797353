"""Build `docs/permissions.md` from the django-rules registry, so the table never drifts from the code."""

from __future__ import annotations

from collections import defaultdict

import rules
from django.contrib.auth.models import AnonymousUser

from coproduce.accounts.models import Role, User

HEADER = """# Who may do what

This file is generated from the permission rules in the code by
`coproduce permissions-table --write`; a test fails when it is out of date.

Each app's permissions are named `"<app>.<verb>_<thing>"` and defined in `coproduce/<app>/rules.py`
from the predicates in `predicates.py`. A ✓ means a person with only that role (and a verified
residency, for residents) holds the permission in general. Many permissions also depend on the
object — membership of *this* trust, *this* evaluation panel, a lot without a conflict of interest,
the phase of *this* process — and the last column gives the rule itself, so those conditions are
visible. A `·` means the role does not have it without such a condition.
"""


def _user_with_role(role: str | None) -> User | AnonymousUser:
    if role is None:
        return AnonymousUser()
    user = User(pk=None, email=f"{role}@example.org", full_name=role)
    user.verification_status = User.Verification.VERIFIED
    user.neighbourhood_id = 0  # "lives in the borough": verified residency needs a neighbourhood
    user._role_cache = frozenset({role})
    return user


def _holds(user, permission: str) -> bool:
    try:
        return bool(rules.has_perm(permission, user))
    except Exception:  # noqa: BLE001 - an object-level predicate that needs an object
        return False


def permissions_markdown() -> str:
    roles: list[tuple[str, str | None]] = [("anonymous", None)] + [(str(r.label), r.value) for r in Role]
    users = {key: _user_with_role(key) for _label, key in roles}
    by_app: dict[str, list[str]] = defaultdict(list)
    for name in sorted(rules.permissions.permissions):
        by_app[name.split(".", 1)[0]].append(name)
    lines = [HEADER]
    for app in sorted(by_app):
        lines.append(f"\n## {app}\n")
        lines.append("| permission | " + " | ".join(label for label, _ in roles) + " | rule |")
        lines.append("|---|" + "---|" * len(roles) + "---|")
        for name in by_app[app]:
            cells = ["✓" if _holds(users[key], name) else "·" for _label, key in roles]
            rule = rules.permissions.permissions[name].name.replace("|", "\\|")
            lines.append(f"| `{name}` | " + " | ".join(cells) + f" | `{rule}` |")
    return "\n".join(lines) + "\n"
