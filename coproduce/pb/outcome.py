"""The result of a count and its explanation trail.

Money in the trail is a `float` rounded only for display; the decisions themselves were taken
in exact arithmetic wherever they could go either way (see `docs/decisions/0301-*.md`).

The trail's records (`Round`, `Standing`, `Dropped`) are named tuples: immutable like the
`Outcome`, and four times cheaper to create than frozen dataclasses, which matters because a
count makes one per round and per project compared (decision 0307). An Equal Shares count makes
its trail when it is first read (`Trail`, decision 0311): a count whose trail nobody reads does
not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, NamedTuple


class Dropped(NamedTuple):
    """A project ruled out in a round, and why.

    `reason` is one of:

    * ``"cannot-afford"`` (Equal Shares): its supporters had `available` between them, less than
      its cost `needed`;
    * ``"does-not-fit"`` (greedy, Phragmén): only `available` of the budget was left;
    * ``"over-budget"``: it costs more than the whole budget;
    * ``"no-supporters"``: nobody voted for it (in a way this rule counts);
    * ``"stopped"`` (Phragmén): the count stopped before it could be chosen.
    """

    project_id: str
    reason: str
    needed: float
    available: float


class Standing(NamedTuple):
    """Where a project stood in a round: the rule's measure and its supporters' money left."""

    project_id: str
    score: float
    supporters_money: float | None = None


class Round(NamedTuple):
    """One step of a count.

    * `selected`: the project chosen in this round (None in a round that only rules projects out);
    * `score`: the measure that chose it — Equal Shares: ρ, the price per unit of satisfaction
      (per supporter for unit utilities, per currency unit of cost for cost utilities, per point
      for points and Borda); greedy: total satisfaction per unit of cost (for ``greedy_cost``
      the number of votes); Phragmén: the new maximum load;
    * `price_per_voter`: what each supporter who could afford it paid (Equal Shares with
      approval utilities) or the load each supporter reached (Phragmén);
    * `supporters`, `paid_in_full`, `paid_all_left`, `had_nothing_left`: how the supporters paid;
    * `effective_votes`: the cost divided by the full share — how many supporters' full shares
      the project was worth (Equal Shares with approval utilities);
    * `money_left`: Equal Shares: the voters' money left after the round, in total;
      greedy and Phragmén: the budget left;
    * `supporters_money_after`: Equal Shares: what its supporters still had afterwards;
    * `tied_with`: projects with exactly the same measure that lost the tie-break (smallest id wins);
    * `dropped`, `standings`: projects ruled out in this round, and those compared with the winner.
    """

    number: int
    selected: str | None = None
    score: float | None = None
    price_per_voter: float | None = None
    supporters: int = 0
    paid_in_full: int = 0
    paid_all_left: int = 0
    had_nothing_left: int = 0
    effective_votes: float | None = None
    money_left: float = 0.0
    supporters_money_after: float | None = None
    tied_with: tuple[str, ...] = ()
    dropped: tuple[Dropped, ...] = ()
    standings: tuple[Standing, ...] = ()
    note: str = ""


class Trail:
    """The rounds of a count, made by `make` the first time they are asked for, then kept.

    Equal Shares takes its decisions without writing the trail; reading it runs the last pass
    again, writing every round (the same decisions: they are exact). `make` is then let go, and
    with it what it needed (decision 0311).
    """

    __slots__ = ("_make", "_rounds")

    def __init__(self, make: Callable[[], Sequence[Round]]) -> None:
        self._make: Callable[[], Sequence[Round]] | None = make
        self._rounds: tuple[Round, ...] | None = None

    def __call__(self) -> tuple[Round, ...]:
        if self._rounds is None:
            assert self._make is not None
            self._rounds = tuple(self._make())
            self._make = None
        return self._rounds

    def __getstate__(self) -> tuple[Round, ...]:
        """Pickled (or copied) as its rounds, made now: what makes them may not pickle."""
        return self()

    def __setstate__(self, rounds: tuple[Round, ...]) -> None:
        self._make, self._rounds = None, rounds


@dataclass(frozen=True)
class Outcome:
    """The result of counting an election with one rule.

    `selected` lists project ids in the order the rule chose them (for ``seq_phragmen`` too,
    although pabutools reports that rule's result sorted by id). `exhaustive` is True when no
    unselected project fits in what is left of the budget. `rounds` is the explanation trail
    (`trail`: the rounds, or a `Trail` that makes them when first read).
    """

    rule: str
    selected: tuple[str, ...]
    cost: int | Fraction
    budget: Fraction
    exhaustive: bool
    trail: tuple[Round, ...] | Trail = field(default=(), repr=False, compare=False)
    voter_budget: Fraction | None = None
    initial_voter_budget: Fraction | None = None
    passes: int = 0
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def rounds(self) -> tuple[Round, ...]:
        """The explanation trail, round by round."""
        return self.trail if isinstance(self.trail, tuple) else self.trail()

    def to_json(self) -> dict[str, Any]:
        """``{"rule", "selected", "cost", "budget", "exhaustive"}`` with JSON numbers."""
        return {
            "rule": self.rule,
            "selected": list(self.selected),
            "cost": json_number(self.cost),
            "budget": json_number(self.budget),
            "exhaustive": self.exhaustive,
        }


def json_number(value: Fraction | int) -> int | float:
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else float(value)
