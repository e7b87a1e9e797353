"""Permissions of the timebank app. Views name these; they never test roles themselves."""

from __future__ import annotations

import rules

from coproduce.accounts.predicates import is_administrator, is_officer, is_resident, is_signed_in

from .predicates import is_account_holder

# Everyone signed in has a statement (empty until they earn) and may spend what they hold.
rules.add_perm("timebank.view_statement", is_signed_in)
rules.add_perm("timebank.claim_reward", is_signed_in)
# Council-tax discounts are for residents; the policy's own rules (checked address, cap) are
# explained on the page.
rules.add_perm("timebank.redeem_credit", is_resident)
# Officers issue credits by hand, look up a member's account and correct mistakes by reversal.
rules.add_perm("timebank.issue_credit", is_officer)
rules.add_perm("timebank.view_account", is_account_holder | is_officer | is_administrator)
rules.add_perm("timebank.reverse_transaction", is_officer)
# The council-tax discount lines (names, addresses, references) go to the revenues team only.
rules.add_perm("timebank.view_redemption", is_officer)
