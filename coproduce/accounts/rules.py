"""Permissions of the accounts app. Views name these; they never test roles themselves."""

from __future__ import annotations

import rules

from .predicates import is_administrator, is_officer, is_self

# Officers (and administrators) check residency: approve or reject pending residents.
rules.add_perm("accounts.verify_user", is_officer | is_administrator)
# Officers see the register of residents; anyone may see their own account.
rules.add_perm("accounts.view_user", is_officer | is_administrator | is_self)
# The letters waiting to be posted contain one-time codes: only officers and administrators.
rules.add_perm("accounts.view_lettercode", is_officer | is_administrator)
# Granting and revoking roles is an administrator's job only.
rules.add_perm("accounts.change_role", is_administrator)
