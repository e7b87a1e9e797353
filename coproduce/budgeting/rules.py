"""Permissions of the budgeting app. Views name these; phases are checked by the services."""

from __future__ import annotations

import rules

from .predicates import is_area_member, is_budget_officer, is_eligible_voter

# Officers set up processes, choose the counting rule, cost projects and run the count.
rules.add_perm("budgeting.add_process", is_budget_officer)
rules.add_perm("budgeting.change_process", is_budget_officer)
rules.add_perm("budgeting.review_project", is_budget_officer)
rules.add_perm("budgeting.count_process", is_budget_officer)
rules.add_perm("budgeting.add_paper_ballot", is_budget_officer)
rules.add_perm("budgeting.change_delivery", is_budget_officer)
# Verified residents of the area share ideas and propose projects.
rules.add_perm("budgeting.add_project", is_area_member)
# Eligible voters (area, verification, minimum age) vote and change their own ballot.
rules.add_perm("budgeting.vote_process", is_eligible_voter)
