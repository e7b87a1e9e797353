"""Which procurement regime a contract falls under, and what that allows and requires.

No Django: the thresholds in force on the day are passed in (the app keeps them as dated rows).
Follows docs/domain.md §2.2 (classification), §2.3 (below threshold), §2.5 (standstill),
§2.7 (reserved contracts for public service mutuals) and §2.9 (light touch).

Values are compared *including VAT*, over the whole term with any extensions, and a value equal
to a threshold is at or above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ServiceType(StrEnum):
    SERVICES = "services"
    LIGHT_TOUCH = "light-touch"
    LIGHT_TOUCH_RESERVABLE = "light-touch-reservable"
    WORKS = "works"


class Regime(StrEnum):
    BELOW_NOT_NOTIFIABLE = "below-not-notifiable"
    BELOW_NOTIFIABLE = "below-notifiable"
    LIGHT_TOUCH = "light-touch"
    ABOVE = "above-threshold"


class Route(StrEnum):
    DIRECT_AWARD = "direct-award"
    QUOTES = "quotes"
    OPEN = "open"
    COMPETITIVE_FLEXIBLE = "competitive-flexible"
    RESERVED_MUTUAL = "reserved-mutual"


class Standstill(StrEnum):
    MANDATORY = "mandatory"  # 8 working days (s.51)
    VOLUNTARY = "voluntary"  # light touch: exempt, but the council may choose one
    NONE = "none"


#: s.33: a reserved contract may run for at most 5 years.
RESERVED_MAX_TERM_MONTHS = 60


@dataclass(frozen=True)
class Thresholds:
    """The values (pence, VAT-inclusive) in force on the procurement's start date."""

    services: int
    light_touch: int
    works: int
    notifiable: int


@dataclass(frozen=True)
class Classification:
    regime: Regime
    value_pence: int
    threshold_pence: int  # the threshold the value was compared with to decide the regime
    routes: tuple[Route, ...]
    notices: tuple[str, ...]
    standstill: Standstill
    reasons: tuple[str, ...]

    @property
    def allows_reserved(self) -> bool:
        return Route.RESERVED_MUTUAL in self.routes


def _pounds(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" + (f".{rest:02d}" if rest else "")


def classify(value_pence: int, service_type: ServiceType, thresholds: Thresholds,
             term_months: int | None = None) -> Classification:
    if value_pence <= 0:
        raise ValueError("The estimated value must be more than £0")
    reasons: list[str] = []
    if service_type is ServiceType.WORKS:
        upper = thresholds.works
    elif service_type in (ServiceType.LIGHT_TOUCH, ServiceType.LIGHT_TOUCH_RESERVABLE):
        upper = thresholds.light_touch
    else:
        upper = thresholds.services
    light = service_type in (ServiceType.LIGHT_TOUCH, ServiceType.LIGHT_TOUCH_RESERVABLE)

    if value_pence >= upper:
        reasons.append(f"{_pounds(value_pence)} is at or above the {_pounds(upper)} threshold.")
        competitive = (Route.OPEN, Route.COMPETITIVE_FLEXIBLE)
        direct = (Route.DIRECT_AWARD,)
        if light:
            routes: tuple[Route, ...] = competitive
            if service_type is ServiceType.LIGHT_TOUCH_RESERVABLE:
                if term_months is not None and term_months > RESERVED_MAX_TERM_MONTHS:
                    reasons.append("A reserved contract may last at most 5 years (s.33), so it is not offered.")
                else:
                    routes += (Route.RESERVED_MUTUAL,)
            routes += direct
            return Classification(
                Regime.LIGHT_TOUCH, value_pence, upper, routes,
                (
                    "Conflicts assessment before the tender notice (s.83)",
                    "Tender notice on the Central Digital Platform (a transparency notice for a direct award, "
                    "which needs a Schedule 5 justification)",
                    "Assessment summary for every bidder",
                    "Contract award notice",
                    "Contract details notice after the contract is signed",
                ),
                Standstill.VOLUNTARY,
                (*reasons, "Light-touch contracts are exempt from the mandatory standstill; a voluntary one may be kept."),
            )
        return Classification(
            Regime.ABOVE, value_pence, upper, competitive + direct,
            (
                "Conflicts assessment before the tender notice (s.83)",
                "Tender notice on the Central Digital Platform (a transparency notice for a direct award, "
                "which needs a Schedule 5 justification)",
                "Assessment summary for every bidder",
                "Contract award notice, then a standstill of 8 working days",
                "Contract details notice after the contract is signed",
                "At least 3 KPIs if the value is over £5 million (s.52)",
            ),
            Standstill.MANDATORY,
            tuple(reasons),
        )
    reasons.append(f"{_pounds(value_pence)} is below the {_pounds(upper)} threshold.")
    below_routes = (Route.DIRECT_AWARD, Route.QUOTES, Route.OPEN)
    if value_pence >= thresholds.notifiable:
        reasons.append(f"It is at or above {_pounds(thresholds.notifiable)}, so it is notifiable.")
        return Classification(
            Regime.BELOW_NOTIFIABLE, value_pence, thresholds.notifiable, below_routes,
            (
                "If advertised: a below-threshold tender notice on the Central Digital Platform before "
                "advertising anywhere else",
                "No suitability pre-qualification: ask for it only within the evaluation (s.85)",
                "Contract details notice as soon as reasonably practicable after the contract is signed",
            ),
            Standstill.NONE,
            tuple(reasons),
        )
    reasons.append(f"It is below {_pounds(thresholds.notifiable)}, so no notice is required by the Act.")
    return Classification(
        Regime.BELOW_NOT_NOTIFIABLE, value_pence, thresholds.notifiable, below_routes,
        (
            "No notice duty under the Act: the council's contract procedure rules apply",
            "Contracts over £5,000 are published quarterly under the Local Government Transparency Code",
        ),
        Standstill.NONE,
        tuple(reasons),
    )
