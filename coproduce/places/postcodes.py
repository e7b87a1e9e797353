"""UK postcodes: normalising and checking their shape (not whether they exist)."""

from __future__ import annotations

import re

# The shape of a UK postcode (outward code, space, inward code), including GIR 0AA.
POSTCODE_RE = re.compile(r"^(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]? ?[0-9][ABD-HJLNP-UW-Z]{2})$")


def normalise_postcode(text: str) -> str:
    """' sw1a1aa ' → 'SW1A 1AA'. Returns '' when the text is not shaped like a postcode."""
    compact = re.sub(r"\s+", "", (text or "").upper())
    if len(compact) < 5 or len(compact) > 7:
        return ""
    candidate = f"{compact[:-3]} {compact[-3:]}"
    return candidate if POSTCODE_RE.match(candidate) else ""
