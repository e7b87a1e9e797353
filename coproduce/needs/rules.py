"""Permissions of the needs app. Views name these; they never test roles themselves.

Reading needs, support counts, responses and indicators is public: no permission is needed.
The status rules (which response may follow which, indicators only on accepted needs, no
support for closed needs) live in services.py, so the person gets a message, not a 403.
"""

from __future__ import annotations

import rules

from coproduce.accounts.predicates import is_officer, is_verified_resident

# A verified resident raises needs and supports other residents' needs (one support each).
rules.add_perm("needs.raise_need", is_verified_resident)
rules.add_perm("needs.support_need", is_verified_resident)
# Officers answer on the record and set the outcome indicators of accepted needs.
rules.add_perm("needs.respond_need", is_officer)
rules.add_perm("needs.add_indicator", is_officer)
