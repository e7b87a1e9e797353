"""Tender evaluation arithmetic: quality scores, price scores, gates, flags and ranking.

Framework-free (no Django import), so the web evaluation and the analysts' command
`coproduce commissioning score FILE.json` run exactly the same code. Formulas are those of
docs/domain.md §3.2–3.4 and are explained in docs/commissioning.md:

* a quality criterion's weighted score is ``score / scale_max × weight``; the score is the
  moderated consensus score, or the mean of the evaluators' scores, as fixed at publication;
* ``lowest-price-ratio``: ``price_weight × P_min / P_i``;
* ``linear-deviation``: ``price_weight × max(0, 1 − (P_i − P_min) / P_min)``;
* ``price-per-quality-point``: ``P_i / Q_i`` (lowest wins; the price weight must be 0);

where ``P_min`` is the lowest price among the bids that pass every gate. All arithmetic is exact
(`Fraction`); results are rounded half-up to 4 decimal places only when shown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import Any

PLACES = 4


class PriceFormula(StrEnum):
    LOWEST_PRICE_RATIO = "lowest-price-ratio"
    LINEAR_DEVIATION = "linear-deviation"
    PRICE_PER_QUALITY_POINT = "price-per-quality-point"


class Aggregation(StrEnum):
    CONSENSUS = "consensus"
    MEAN = "mean"


class ScoringError(ValueError):
    """Bad tender data. `field` names where the problem is (`bids[1].price`)."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        self.message = message
        super().__init__(f"{field_name}: {message}")


@dataclass(frozen=True)
class Criterion:
    """A scored quality (or social-value) question. `weight` is in points out of 100."""

    id: str
    weight: Decimal
    gate_min: int | None = None
    social_value: bool = False


@dataclass(frozen=True)
class Bid:
    bidder: str
    price: Decimal
    evaluator_scores: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    consensus_scores: Mapping[str, int] = field(default_factory=dict)
    failed_gates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tender:
    scale_max: int
    price_weight: Decimal
    price_formula: PriceFormula
    aggregation: Aggregation
    criteria: tuple[Criterion, ...]
    bids: tuple[Bid, ...]
    estimate: Decimal | None = None
    abnormally_low_below_estimate: Decimal | None = None
    abnormally_low_below_mean: Decimal | None = None
    spread_flag_points: int = 2
    social_value_minimum: Decimal = Decimal(10)


@dataclass(frozen=True)
class CriterionResult:
    id: str
    score: Fraction
    weighted: Fraction
    spread: int | None
    passed_gate: bool


@dataclass(frozen=True)
class BidResult:
    bidder: str
    rank: int
    price: Decimal
    quality_score: Fraction
    price_score: Fraction | None
    total: Fraction
    pqp: Fraction | None
    passed_gates: bool
    flags: tuple[str, ...]
    criteria: tuple[CriterionResult, ...]


@dataclass(frozen=True)
class Evaluation:
    tender: Tender
    ranking: tuple[BidResult, ...]
    lowest_compliant_price: Decimal
    explanation: tuple[str, ...]


def four_places(value: Fraction | int) -> Decimal:
    """Round an exact value half-up (away from zero) to 4 decimal places, without floats."""
    value = Fraction(value)
    scaled = value * 10**PLACES
    sign = -1 if scaled < 0 else 1
    magnitude = abs(scaled)
    rounded = (2 * magnitude.numerator + magnitude.denominator) // (2 * magnitude.denominator)
    return Decimal(sign * rounded).scaleb(-PLACES)


# ---------------------------------------------------------------------------------------------
# Validation (shared by the file reader and the web, so both refuse the same things)


def _sum(values: Sequence[Decimal]) -> Decimal:
    total = Decimal(0)
    for value in values:
        total += value
    return total


def validate(tender: Tender) -> None:
    """Raise ScoringError naming the first bad field; return None when the tender can be scored."""
    if tender.scale_max < 1:
        raise ScoringError("scale_max", "must be a whole number of at least 1")
    if not 0 <= tender.price_weight <= 100:
        raise ScoringError("price_weight", "must be between 0 and 100 points")
    if tender.price_formula is PriceFormula.PRICE_PER_QUALITY_POINT and tender.price_weight != 0:
        raise ScoringError(
            "price_weight",
            "must be 0 with price-per-quality-point: price is divided by the quality score, not weighted",
        )
    if tender.price_formula is not PriceFormula.PRICE_PER_QUALITY_POINT and tender.price_weight == 0:
        raise ScoringError("price_weight", f"must be more than 0 with {tender.price_formula.value}")
    if not tender.criteria:
        raise ScoringError("criteria", "list at least one quality criterion")
    seen: set[str] = set()
    for index, criterion in enumerate(tender.criteria):
        where = f"criteria[{index}]"
        if not criterion.id:
            raise ScoringError(f"{where}.id", "give each criterion an id, such as Q1")
        if criterion.id in seen:
            raise ScoringError(f"{where}.id", f"{criterion.id} is used twice")
        seen.add(criterion.id)
        if criterion.weight <= 0:
            raise ScoringError(f"{where}.weight", "must be more than 0 points")
        if criterion.gate_min is not None and not 0 <= criterion.gate_min <= tender.scale_max:
            raise ScoringError(f"{where}.gate_min", f"must be on the scale 0–{tender.scale_max}")
    quality = _sum([c.weight for c in tender.criteria])
    if tender.price_weight + quality != 100:
        raise ScoringError(
            "criteria",
            f"weights must add up to 100 points: price {tender.price_weight} + criteria {quality}"
            f" = {tender.price_weight + quality}",
        )
    social = [c.weight for c in tender.criteria if c.social_value]
    if social and _sum(social) < tender.social_value_minimum:
        raise ScoringError(
            "criteria",
            f"social value criteria weigh {_sum(social)} points; they must weigh at least"
            f" {tender.social_value_minimum}",
        )
    if tender.estimate is not None and tender.estimate <= 0:
        raise ScoringError("estimate", "must be more than 0")
    for name, share in (
        ("abnormally_low_below_estimate", tender.abnormally_low_below_estimate),
        ("abnormally_low_below_mean", tender.abnormally_low_below_mean),
    ):
        if share is not None and not 0 <= share < 1:
            raise ScoringError(name, "must be a share between 0 and 1, such as 0.15 for 15%")
    if tender.abnormally_low_below_estimate is not None and tender.estimate is None:
        raise ScoringError("estimate", "is needed when abnormally_low_below_estimate is given")
    if tender.spread_flag_points < 1:
        raise ScoringError("spread_flag_points", "must be at least 1")
    if not tender.bids:
        raise ScoringError("bids", "list at least one bid")
    bidders: set[str] = set()
    ids = [c.id for c in tender.criteria]
    for index, bid in enumerate(tender.bids):
        where = f"bids[{index}]"
        if not bid.bidder:
            raise ScoringError(f"{where}.bidder", "give each bid a bidder name")
        if bid.bidder in bidders:
            raise ScoringError(f"{where}.bidder", f"{bid.bidder} appears twice")
        bidders.add(bid.bidder)
        if bid.price <= 0:
            raise ScoringError(f"{where}.price", "must be more than 0")
        _check_scores(tender, where, bid, ids)


def _check_scale(tender: Tender, where: str, score: int) -> None:
    if not 0 <= score <= tender.scale_max:
        raise ScoringError(where, f"{score} is outside the scale 0–{tender.scale_max}")


def _check_scores(tender: Tender, where: str, bid: Bid, ids: list[str]) -> None:
    for key in bid.evaluator_scores:
        if key not in ids:
            raise ScoringError(f"{where}.evaluator_scores.{key}", "is not one of the criteria")
    for key in bid.consensus_scores:
        if key not in ids:
            raise ScoringError(f"{where}.consensus_scores.{key}", "is not one of the criteria")
    for key, scores in bid.evaluator_scores.items():
        if not scores and tender.aggregation is Aggregation.MEAN:
            raise ScoringError(f"{where}.evaluator_scores.{key}", "needs at least one evaluator's score")
        for position, score in enumerate(scores):
            _check_scale(tender, f"{where}.evaluator_scores.{key}[{position}]", score)
    for key, score in bid.consensus_scores.items():
        _check_scale(tender, f"{where}.consensus_scores.{key}", score)
    for criterion_id in ids:
        if tender.aggregation is Aggregation.CONSENSUS and criterion_id not in bid.consensus_scores:
            raise ScoringError(f"{where}.consensus_scores.{criterion_id}", "is missing (aggregation is consensus)")
        if tender.aggregation is Aggregation.MEAN and criterion_id not in bid.evaluator_scores:
            raise ScoringError(f"{where}.evaluator_scores.{criterion_id}", "is missing (aggregation is mean)")


# ---------------------------------------------------------------------------------------------
# Scoring


@dataclass(frozen=True)
class _Scored:
    bid: Bid
    quality: Fraction
    criteria: tuple[CriterionResult, ...]
    passed: bool
    gate_flags: tuple[str, ...]


def _criterion_score(tender: Tender, bid: Bid, criterion: Criterion) -> CriterionResult:
    evaluator = bid.evaluator_scores.get(criterion.id, ())
    spread = (max(evaluator) - min(evaluator)) if evaluator else None
    if tender.aggregation is Aggregation.CONSENSUS:
        score = Fraction(bid.consensus_scores[criterion.id])
    else:
        score = Fraction(sum(evaluator), len(evaluator))
    weighted = score / tender.scale_max * Fraction(criterion.weight)
    passed = criterion.gate_min is None or score >= criterion.gate_min
    return CriterionResult(criterion.id, score, weighted, spread, passed)


def _price_score(tender: Tender, price: Decimal, lowest: Decimal) -> Fraction | None:
    weight = Fraction(tender.price_weight)
    ratio = Fraction(lowest) / Fraction(price)
    if tender.price_formula is PriceFormula.LOWEST_PRICE_RATIO:
        # Capped at the full weight: only a bid that failed a gate can be cheaper than P_min.
        return weight * min(Fraction(1), ratio)
    if tender.price_formula is PriceFormula.LINEAR_DEVIATION:
        deviation = (Fraction(price) - Fraction(lowest)) / Fraction(lowest)
        return weight * min(Fraction(1), max(Fraction(0), 1 - deviation))
    return None


def evaluate(tender: Tender) -> Evaluation:
    """Score, flag and rank every bid. Raises ScoringError when the tender is not valid."""
    validate(tender)
    explanation: list[str] = []
    scored: list[_Scored] = []
    for bid in tender.bids:
        results = tuple(_criterion_score(tender, bid, c) for c in tender.criteria)
        gate_flags = tuple(f"failed-gate:{r.id}" for r in results if not r.passed_gate) + tuple(
            f"failed-gate:{name}" for name in bid.failed_gates
        )
        scored.append(_Scored(bid, sum((r.weighted for r in results), Fraction(0)), results, not gate_flags, gate_flags))

    compliant = [s for s in scored if s.passed]
    pool = compliant or scored
    lowest = min(s.bid.price for s in pool)
    explanation.append(
        f"Lowest price among bids that pass every gate: {lowest}"
        if compliant
        else f"No bid passes every gate; lowest price of all bids: {lowest}"
    )

    rows: list[tuple[_Scored, Fraction | None, Fraction, Fraction | None, list[str]]] = []
    for item in scored:
        bid = item.bid
        flags = list(item.gate_flags)
        price_score = _price_score(tender, bid.price, lowest)
        pqp: Fraction | None = None
        if tender.price_formula is PriceFormula.PRICE_PER_QUALITY_POINT:
            total = item.quality
            if item.quality > 0:
                pqp = Fraction(bid.price) / item.quality
            else:
                flags.append("zero-quality-score")
        else:
            assert price_score is not None
            total = item.quality + price_score
        if tender.aggregation is Aggregation.CONSENSUS:
            flags.extend(
                f"spread:{r.id}" for r in item.criteria if r.spread is not None and r.spread >= tender.spread_flag_points
            )
        if tender.estimate is not None and tender.abnormally_low_below_estimate is not None:
            floor = Fraction(tender.estimate) * (1 - Fraction(tender.abnormally_low_below_estimate))
            if Fraction(bid.price) < floor:
                flags.append("abnormally-low")
        if tender.abnormally_low_below_mean is not None:
            others = [s.bid.price for s in compliant if s.bid.bidder != bid.bidder]
            if others:
                mean = Fraction(sum(others, Decimal(0))) / len(others)
                if Fraction(bid.price) < mean * (1 - Fraction(tender.abnormally_low_below_mean)):
                    flags.append("abnormally-low-against-other-bids")
        for r in item.criteria:
            explanation.append(
                f"{bid.bidder} {r.id}: {four_places(r.score)} / {tender.scale_max} × "
                f"{next(c.weight for c in tender.criteria if c.id == r.id)} = {four_places(r.weighted)}"
            )
        if price_score is not None:
            explanation.append(f"{bid.bidder} price {bid.price}: price score {four_places(price_score)}")
        rows.append((item, price_score, total, pqp, flags))

    def order(row: tuple[_Scored, Fraction | None, Fraction, Fraction | None, list[str]]) -> tuple[Any, ...]:
        item, _price, total, pqp, _flags = row
        if tender.price_formula is PriceFormula.PRICE_PER_QUALITY_POINT:
            primary: tuple[Any, ...] = (pqp is None, pqp if pqp is not None else Fraction(0))
        else:
            primary = (-total,)
        return (not item.passed, *primary, -item.quality, item.bid.price)

    rows.sort(key=lambda row: (order(row), row[0].bid.bidder))
    ranking: list[BidResult] = []
    previous_key: tuple[Any, ...] | None = None
    rank = 0
    for position, row in enumerate(rows, start=1):
        key = order(row)
        if key != previous_key:
            rank = position
        previous_key = key
        item, price_score, total, pqp, flags = row
        tied = sum(1 for other in rows if order(other) == key) > 1
        if tied:
            flags.append("tied")
        ranking.append(
            BidResult(
                bidder=item.bid.bidder, rank=rank, price=item.bid.price, quality_score=item.quality,
                price_score=price_score, total=total, pqp=pqp, passed_gates=item.passed,
                flags=tuple(flags), criteria=item.criteria,
            )
        )
    explanation.append(
        "Ranked by "
        + ("lowest price per quality point" if tender.price_formula is PriceFormula.PRICE_PER_QUALITY_POINT else "highest total")
        + "; ties go to the higher quality score, then the lower price; bids failing a gate rank last."
    )
    return Evaluation(tender=tender, ranking=tuple(ranking), lowest_compliant_price=lowest, explanation=tuple(explanation))


# ---------------------------------------------------------------------------------------------
# The analysts' file format (documented in docs/commissioning.md)


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ScoringError(where, "must be a number")
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise ScoringError(where, "must be a number")
    if not number.is_finite():
        raise ScoringError(where, "must be a number")
    return number


def _whole(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ScoringError(where, "must be a whole number")
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ScoringError(where, "must be a whole number")
        return int(value)
    return value


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScoringError(where, "must be an object ({…})")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ScoringError(where, "must be a list ([…])")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ScoringError(where, "must be text")
    return str(value)


def _choice(value: Any, where: str, choices: type[StrEnum]) -> Any:
    allowed = [c.value for c in choices]
    if value not in allowed:
        raise ScoringError(where, "must be one of " + ", ".join(f'"{a}"' for a in allowed))
    return choices(value)


def _require(data: dict[str, Any], key: str, where: str = "") -> Any:
    if key not in data:
        raise ScoringError(f"{where}{key}", "is missing")
    return data[key]


def tender_from_json(text: str) -> Tender:
    """Read the analysts' JSON format. Numbers are read as exact decimals, never floats."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ScoringError(f"line {exc.lineno} column {exc.colno}", f"not valid JSON ({exc.msg})")
    return tender_from_dict(data)


def tender_from_dict(data: Any) -> Tender:
    root = _mapping(data, "(file)")
    criteria = []
    for index, raw in enumerate(_list(_require(root, "criteria"), "criteria")):
        where = f"criteria[{index}]"
        item = _mapping(raw, where)
        gate = item.get("gate_min")
        social = item.get("social_value", False)
        if not isinstance(social, bool):
            raise ScoringError(f"{where}.social_value", "must be true or false")
        criteria.append(
            Criterion(
                id=_text(_require(item, "id", f"{where}."), f"{where}.id"),
                weight=_number(_require(item, "weight", f"{where}."), f"{where}.weight"),
                gate_min=None if gate is None else _whole(gate, f"{where}.gate_min"),
                social_value=social,
            )
        )
    bids = []
    for index, raw in enumerate(_list(_require(root, "bids"), "bids")):
        where = f"bids[{index}]"
        item = _mapping(raw, where)
        evaluator: dict[str, tuple[int, ...]] = {}
        for key, scores in _mapping(item.get("evaluator_scores", {}), f"{where}.evaluator_scores").items():
            path = f"{where}.evaluator_scores.{key}"
            evaluator[key] = tuple(_whole(s, f"{path}[{i}]") for i, s in enumerate(_list(scores, path)))
        consensus = {
            key: _whole(score, f"{where}.consensus_scores.{key}")
            for key, score in _mapping(item.get("consensus_scores", {}), f"{where}.consensus_scores").items()
        }
        failed = tuple(
            _text(name, f"{where}.failed_gates[{i}]")
            for i, name in enumerate(_list(item.get("failed_gates", []), f"{where}.failed_gates"))
        )
        bids.append(
            Bid(
                bidder=_text(_require(item, "bidder", f"{where}."), f"{where}.bidder"),
                price=_number(_require(item, "price", f"{where}."), f"{where}.price"),
                evaluator_scores=evaluator,
                consensus_scores=consensus,
                failed_gates=failed,
            )
        )

    def optional(key: str) -> Decimal | None:
        return None if root.get(key) is None else _number(root[key], key)

    tender = Tender(
        scale_max=_whole(_require(root, "scale_max"), "scale_max"),
        price_weight=_number(root.get("price_weight", 0), "price_weight"),
        price_formula=_choice(_require(root, "price_formula"), "price_formula", PriceFormula),
        aggregation=_choice(_require(root, "aggregation"), "aggregation", Aggregation),
        criteria=tuple(criteria),
        bids=tuple(bids),
        estimate=optional("estimate"),
        abnormally_low_below_estimate=optional("abnormally_low_below_estimate"),
        abnormally_low_below_mean=optional("abnormally_low_below_mean"),
        spread_flag_points=_whole(root.get("spread_flag_points", 2), "spread_flag_points"),
    )
    validate(tender)
    return tender


def tender_as_dict(tender: Tender) -> dict[str, Any]:
    """The tender in the analysts' file format, so a web evaluation can be re-run by hand."""
    out: dict[str, Any] = {
        "scale_max": tender.scale_max,
        "price_weight": tender.price_weight,
        "price_formula": tender.price_formula.value,
        "aggregation": tender.aggregation.value,
        "criteria": [
            {"id": c.id, "weight": c.weight, **({"gate_min": c.gate_min} if c.gate_min is not None else {}),
             **({"social_value": True} if c.social_value else {})}
            for c in tender.criteria
        ],
    }
    if tender.estimate is not None:
        out["estimate"] = tender.estimate
    if tender.abnormally_low_below_estimate is not None:
        out["abnormally_low_below_estimate"] = tender.abnormally_low_below_estimate
    if tender.abnormally_low_below_mean is not None:
        out["abnormally_low_below_mean"] = tender.abnormally_low_below_mean
    if tender.spread_flag_points != 2:
        out["spread_flag_points"] = tender.spread_flag_points
    out["bids"] = [
        {"bidder": b.bidder, "price": b.price,
         "evaluator_scores": {k: list(v) for k, v in b.evaluator_scores.items()},
         "consensus_scores": dict(b.consensus_scores),
         **({"failed_gates": list(b.failed_gates)} if b.failed_gates else {})}
        for b in tender.bids
    ]
    return out


def evaluation_as_dict(evaluation: Evaluation) -> dict[str, Any]:
    """The documented output shape; numbers are Decimals with 4 places (see `dumps`)."""
    tender = evaluation.tender
    return {
        "price_formula": tender.price_formula.value,
        "aggregation": tender.aggregation.value,
        "weights": {"price": tender.price_weight, **{c.id: c.weight for c in tender.criteria}},
        "lowest_compliant_price": evaluation.lowest_compliant_price,
        "ranking": [
            {
                "bidder": row.bidder,
                "rank": row.rank,
                "price": row.price,
                "quality_score": four_places(row.quality_score),
                "price_score": None if row.price_score is None else four_places(row.price_score),
                "total": four_places(row.total),
                "pqp": None if row.pqp is None else four_places(row.pqp),
                "passed_gates": row.passed_gates,
                "flags": list(row.flags),
                "criteria": {
                    r.id: {"score": four_places(r.score), "weighted": four_places(r.weighted)} for r in row.criteria
                },
            }
            for row in evaluation.ranking
        ],
    }


def dumps(value: Any, indent: int = 2, _level: int = 0) -> str:
    """JSON with Decimals written as numbers exactly as they are (json cannot do this itself)."""
    pad = " " * (indent * (_level + 1))
    end = " " * (indent * _level)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{json.dumps(str(k))}: {dumps(v, indent, _level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        if all(isinstance(v, str | int | Decimal) and not isinstance(v, bool) for v in value):
            return "[" + ", ".join(dumps(v) for v in value) + "]"
        return "[\n" + ",\n".join(pad + dumps(v, indent, _level + 1) for v in value) + "\n" + end + "]"
    if isinstance(value, Decimal):
        return format(value, "f")
    return json.dumps(value)


def evaluation_as_text(evaluation: Evaluation) -> str:
    """A plain table for people, followed by the working."""
    tender = evaluation.tender
    pqp = tender.price_formula is PriceFormula.PRICE_PER_QUALITY_POINT
    header = ["Rank", "Bidder", "Quality", "Price score", "Total", "£/point" if pqp else "", "Gates", "Flags"]
    lines = []
    for row in evaluation.ranking:
        lines.append(
            [
                str(row.rank),
                row.bidder,
                str(four_places(row.quality_score)),
                "-" if row.price_score is None else str(four_places(row.price_score)),
                str(four_places(row.total)),
                ("-" if row.pqp is None else str(four_places(row.pqp))) if pqp else "",
                "passed" if row.passed_gates else "FAILED",
                ", ".join(row.flags),
            ]
        )
    columns = [i for i, h in enumerate(header) if h]
    widths = {i: max(len(header[i]), *(len(line[i]) for line in lines)) for i in columns}
    out = ["  ".join(header[i].ljust(widths[i]) for i in columns).rstrip()]
    out += ["  ".join(line[i].ljust(widths[i]) for i in columns).rstrip() for line in lines]
    out.append("")
    out.append(f"Price formula: {tender.price_formula.value}; aggregation: {tender.aggregation.value}.")
    out.extend(evaluation.explanation)
    return "\n".join(out)
