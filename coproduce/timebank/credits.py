"""Time credits are stored as integer hundredths of a credit (see ADR 0500).

1 hour of participation = 1 credit = 100 hundredths. These two functions are the only
place that converts between what people type or read and what the ledger stores.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

HUNDREDTHS_PER_CREDIT = 100


class CreditAmountError(ValueError):
    """An amount of credits that cannot be stored exactly (not a number, or finer than 0.01)."""


def to_hundredths(credits: Decimal | int | str) -> int:
    """`Decimal("2.5")` → 250. Refuses floats and anything finer than a hundredth, never rounds."""
    if isinstance(credits, bool) or isinstance(credits, float):
        raise CreditAmountError("Give credits as a whole number or a Decimal, not a float.")
    try:
        value = Decimal(str(credits).strip()) if not isinstance(credits, Decimal) else credits
    except InvalidOperation:
        raise CreditAmountError(f"{credits!r} is not a number of credits.")
    if not value.is_finite():
        raise CreditAmountError(f"{credits!r} is not a number of credits.")
    scaled = value * HUNDREDTHS_PER_CREDIT
    if scaled != scaled.to_integral_value():
        raise CreditAmountError(f"{credits} credits has more than two decimal places.")
    return int(scaled)


def rule_hundredths(credits_per_unit: int, quantity: Decimal | int) -> int:
    """Hundredths earned for `quantity` units (hours, sessions) at a rule's rate, rounded half up."""
    exact = Decimal(credits_per_unit) * Decimal(quantity)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_hundredths(hundredths: int) -> Decimal:
    return (Decimal(int(hundredths)) / HUNDREDTHS_PER_CREDIT).quantize(Decimal("0.01"))


def format_credits(hundredths: int | None) -> str:
    """250 → "2.5"; 300 → "3"; -125 → "-1.25": as few decimals as the amount needs."""
    if hundredths is None:
        return ""
    sign = "-" if hundredths < 0 else ""
    whole, rest = divmod(abs(int(hundredths)), HUNDREDTHS_PER_CREDIT)
    if rest == 0:
        return f"{sign}{whole:,}"
    text = f"{rest:02d}".rstrip("0")
    return f"{sign}{whole:,}.{text}"


def json_credits(hundredths: int) -> int | float:
    """A JSON number for an amount: an integer when whole, else a two-decimal number."""
    whole, rest = divmod(int(hundredths), HUNDREDTHS_PER_CREDIT)
    if rest == 0:
        return whole
    return float(from_hundredths(hundredths))
