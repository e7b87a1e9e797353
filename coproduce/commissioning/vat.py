"""What a service really costs the council once VAT is accounted for (docs/domain.md §5).

No Django. Amounts are whole pence (int) in, exact Fractions out; `to_pence` rounds half-up.

Symbols follow domain.md §5.2: `staff` = costs that carry no VAT (C_staff), `vatable` = VATable
purchases net of VAT (C_v), `rate` = VAT rate v (20%), `margin` = the provider's margin or
surplus m, `recovery` = the share α of VAT the council gets back under s.33 VATA 1994
(1 for non-business statutory services).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

STANDARD_RATE = Fraction(1, 5)


class DeliveryMode(StrEnum):
    IN_HOUSE = "in-house"
    REGISTERED = "vat-registered-provider"
    EXEMPT = "vat-exempt-provider"
    NOT_REGISTERED = "unregistered-provider"


@dataclass(frozen=True)
class ServiceCosts:
    staff: int
    vatable: int
    margin: Fraction = Fraction(0)
    rate: Fraction = STANDARD_RATE
    recovery: Fraction = Fraction(1)

    def __post_init__(self) -> None:
        if self.staff < 0 or self.vatable < 0:
            raise ValueError("costs cannot be negative")
        if self.staff + self.vatable == 0:
            raise ValueError("enter at least one cost")
        if not 0 <= self.recovery <= 1:
            raise ValueError("the VAT recovery share is between 0 and 1")
        if self.margin < 0 or self.rate < 0:
            raise ValueError("margin and VAT rate cannot be negative")


@dataclass(frozen=True)
class ModeCost:
    mode: DeliveryMode
    price: Fraction  # what the supplier charges before VAT (the in-house cost for in-house)
    vat_charged: Fraction
    council_net_cost: Fraction
    irrecoverable_input_vat: Fraction  # VAT on inputs nobody gets back


def council_net_cost(price: Fraction | int, *, vat_charged: bool, rate: Fraction = STANDARD_RATE,
                     recovery: Fraction = Fraction(1)) -> Fraction:
    """Price + VAT charged − the part of that VAT the council recovers."""
    price = Fraction(price)
    vat = rate * price if vat_charged else Fraction(0)
    return price + vat - recovery * vat


def delivery_costs(costs: ServiceCosts) -> tuple[ModeCost, ...]:
    c_s, c_v, v, m, a = Fraction(costs.staff), Fraction(costs.vatable), costs.rate, costs.margin, costs.recovery
    in_house_vat = v * c_v
    in_house = ModeCost(
        DeliveryMode.IN_HOUSE, c_s + c_v, Fraction(0), c_s + c_v + (1 - a) * in_house_vat, (1 - a) * in_house_vat
    )
    registered_price = (c_s + c_v) * (1 + m)
    registered = ModeCost(
        DeliveryMode.REGISTERED, registered_price, v * registered_price,
        council_net_cost(registered_price, vat_charged=True, rate=v, recovery=a), (1 - a) * v * registered_price,
    )
    # A provider that cannot register (or only makes exempt supplies) pays VAT on its inputs and
    # cannot reclaim it, so the VAT ends up inside its price.
    exempt_price = (c_s + c_v * (1 + v)) * (1 + m)
    exempt = ModeCost(DeliveryMode.EXEMPT, exempt_price, Fraction(0), exempt_price, v * c_v * (1 + m))
    unregistered = ModeCost(DeliveryMode.NOT_REGISTERED, exempt_price, Fraction(0), exempt_price, v * c_v * (1 + m))
    return (in_house, registered, exempt, unregistered)


def uplift_against_in_house(costs: ServiceCosts) -> Fraction:
    """domain.md §5.2: with no margin, exempt or unregistered delivery costs v·C_v / (C_staff + C_v) more."""
    return costs.rate * costs.vatable / (costs.staff + costs.vatable)


def to_pence(value: Fraction) -> int:
    """Round half-up to a whole penny."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    return sign * ((2 * magnitude.numerator + magnitude.denominator) // (2 * magnitude.denominator))
