"""Permissions of the commissioning app. Views name these; they never test roles themselves.

Reading projects, published opportunities, the question-and-answer log, awards and contracts is
public and needs no permission. Timing rules (deadlines, sealed bids, stages) live in services.py
so people get a message rather than a 403.
"""

from __future__ import annotations

import rules

from .predicates import (
    belongs_to_an_organisation,
    belongs_to_bidder,
    has_evaluation_seats,
    is_evaluator,
    is_officer,
    is_provider_user,
    moderates_lot,
    sits_on_lot,
    writes_bids_for_an_organisation,
    writes_this_bid,
)

# Commissioners (officers) run the cycle: projects, artefacts, stage decisions, opportunities,
# panels, opening bids, answering questions, awards and contracts.
rules.add_perm("commissioning.add_project", is_officer)
rules.add_perm("commissioning.change_project", is_officer)
rules.add_perm("commissioning.add_opportunity", is_officer)
rules.add_perm("commissioning.change_opportunity", is_officer)
rules.add_perm("commissioning.publish_opportunity", is_officer)
rules.add_perm("commissioning.open_bids", is_officer)
rules.add_perm("commissioning.answer_clarification", is_officer)
rules.add_perm("commissioning.manage_panel", is_officer)
rules.add_perm("commissioning.view_evaluation", is_officer)
rules.add_perm("commissioning.award_lot", is_officer)
rules.add_perm("commissioning.add_contract", is_officer)

# Provider organisations ask questions and bid through the people who write their bids.
rules.add_perm("commissioning.ask_clarification", is_provider_user & belongs_to_an_organisation)
rules.add_perm("commissioning.add_bid", is_provider_user & writes_bids_for_an_organisation)
rules.add_perm("commissioning.change_bid", is_provider_user & writes_this_bid)
rules.add_perm("commissioning.view_own_bids", is_provider_user & belongs_to_an_organisation)
rules.add_perm("commissioning.view_assessment_summary", belongs_to_bidder | is_officer)

# Evaluators (residents with the evaluator role, and officers) see only the lots they sit on.
rules.add_perm("commissioning.view_evaluations", (is_evaluator | is_officer) & has_evaluation_seats)
rules.add_perm("commissioning.evaluate_lot", (is_evaluator | is_officer) & sits_on_lot)
rules.add_perm("commissioning.moderate_lot", is_officer & moderates_lot)
