"""The Method of Equal Shares (MES), with pabutools' outcomes and far less work.

How a round works (as in pabutools and equalshares.net): every voter starts with the same share
b of the budget. A project is affordable if its supporters have at least its cost between them.
Its price ρ is the smallest number such that, if every supporter pays ρ × (their utility) or
everything they have left when that is less, the cost is covered. The affordable project with
the smallest ρ is chosen (ties: smallest project id), its supporters pay, and the next round
starts. The count ends when no project is affordable.

Why it is fast (see `docs/decisions/0302-*.md`):

* Voters with identical ballots are one group. A voter's money left depends only on the chosen
  projects they support and the prices paid: ``max(0, b − Σ ρ_s × u_s)``.
* Two ways to keep that money (`STRATEGIES`): per ballot group, gathered and summed at C speed
  with `operator.itemgetter` and `map` ("groups"); or, for each project, a histogram of its
  supporters by *pattern* (the chosen projects they support), cached by the set of chosen
  projects so that repeated runs (add1) reuse them ("patterns").
* Arithmetic is in floats with a running bound on rounding error. A decision whose margin is
  within that bound (in practice: a genuine tie) is taken again in exact `Fraction`s, by
  re-running the pass exactly, so outcomes equal exact-arithmetic MES.
* For the add1 completion, every pass also bounds how fast each price and balance can change
  with the per-voter budget b while the choices stay the same. It thereby proves an interval of
  b over which every decision stays the same, and the increments inside it are skipped: they
  would give the same outcome. The certificate is built round by round, so the next pass takes
  over the rounds still certain at its b and prices only their winners again.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import accumulate, compress, repeat
from operator import add, gt, mul, not_, sub, truediv
from typing import Any

from coproduce.pb.election import Money, quick
from coproduce.pb.errors import CountError
from coproduce.pb.outcome import Dropped, Round, Standing, Trail
from coproduce.pb.pick import Picker, picker
from coproduce.pb.profile import Profile

#: Bound on the relative rounding of one float operation, with a wide safety margin
#: (IEEE double rounding is 2**-53).
EPS = 2.0**-48
#: Stop an add1 completion after this many MES passes.
MAX_PASSES = 200_000
#: A pass at b + Δ takes over the rounds of the pass at b that stay certain over at least
#: KEEP × Δ (not just Δ: a round taken over keeps only what is left of its interval, which
#: could end the next interval sooner than a fresh look would).
#: (2: measured on add1 counts of Warsaw 2023 Mokotów and Rembertów, Warsaw 2025 Targówek and
#: Utilities_8; 1, 3, 4 and 8 were no better.)
KEEP = 2.0
#: How far ahead (in steps of the add1 completion) a voter without money is looked at: one
#: surely short over it has a rate of 0; one who may not be has a rate lowered by their shortfall
#: spread over it, and the interval is cut to it (decision 0313). Long while certified intervals
#: are long; short where they keep ending within a few steps, where a long look makes every
#: such voter look as if about to have money again. The short one is a little over 3 steps so
#: that a round certified over it can be handed over twice (`KEEP`).
LONG_HORIZON = 32.0
SHORT_HORIZON = 3.0 + 2**-6
#: Switch to the short horizon after a pass certified for less than this many steps; back to the
#: long one after a pass certified for the whole short horizon. (2: measured against 1, 3, 4 and
#: 8 on the add1 counts of Warsaw's districts, Toulouse 2024, Swiecie 2023 and Budapest 2024.)
SHORT_AFTER = 2.0
#: Cached pattern histograms kept before the cache is emptied (memory bound).
CACHE_LIMIT = 400_000

Num = float | Fraction
Pattern = tuple[tuple[int, int | Fraction], ...]
#: (pattern number, utility for the project) → number of supporters
HistKey = tuple[int, int | Fraction]


#: How one MES pass is computed: "groups" keeps each distinct ballot's money; "patterns" keeps,
#: for each project, its supporters grouped by the chosen projects they support, cached across
#: passes (best when ballots are short and many voters share patterns, as in Kraków).
STRATEGIES: tuple[str, ...] = ("groups", "patterns")


def choose_strategy(profile: Profile, *, repeated: bool = False) -> str:
    """Work per ballot group for a single count; for repeated counts (add1) on large files with
    short ballots, cached pattern histograms pay off (measured on the shared pabulib files:
    Kraków 2024 4×, Łódź 2023 2× faster; 1,000-group files with long ballots 2× slower)."""
    if not profile.items or not repeated:
        return "groups"
    mean_length = sum(len(items) for items in profile.items) / len(profile.items)
    return "patterns" if mean_length <= 6 and len(profile.items) >= 5000 else "groups"


def _first(entry: tuple[Any, ...]) -> Any:
    return entry[0]


#: A histogram as parallel tuples: (picker of pattern values, utilities, voters, pattern numbers)
Arrays = tuple[Picker, tuple[int | Fraction, ...], tuple[int, ...], tuple[int, ...]]


class _Uncertain(Exception):
    """A float decision was too close to call: the pass is re-run in exact arithmetic."""


#: Supporters of a project who share one pattern and one utility for it:
#: (money left / utility, money left, utility, voters, error bound of the money, its rate bound)
_Entry = tuple[Num, Num, int | Fraction, int, float, float]


@dataclass
class _Eval:
    q: int
    rho: Num
    err: float
    slope: float  # bound on |d rho / d b|
    money: Num  # supporters' money in total
    exact: Fraction | tuple[Money, int | Fraction] | None  # exact price (or cost, utility) when known
    entries: list[_Entry]  # pattern strategy: supporters by pattern, in order of money per utility
    poor: int  # entries[:poor] (or the first `poor` groups in order) pay everything they have
    order: list[int] | None = None  # group strategy: supporters in order of money per utility
    money_now: tuple[Num, ...] = ()  # group strategy: supporters' money before paying
    # group strategy: (voters who paid all they had or had nothing, who paid in full, money after)
    payments: tuple[int, int, Num] | None = None


@dataclass
class Prefix:
    """The first rounds of a certified pass at b, known to go the same way at b + `shift`.

    `winners` are those rounds' choices; `limits[r]` how far past b + `shift` round r's
    decisions stay certain; `bounds` (round, project, price, error, rate) the prices seen in
    those rounds, already lowered by rate × shift, so still lower bounds at b + `shift`;
    `dropped` (round, project) the projects their supporters could not afford.
    """

    winners: list[int]
    limits: list[float]
    bounds: list[tuple[int, int, float, float, float]]
    dropped: list[tuple[int, int]]


@dataclass
class PassResult:
    """One MES run at a fixed per-voter budget."""

    selected: list[int]
    exact: bool
    stable_for: float = 0.0
    rounds: list[Round] = field(default_factory=list)
    # certified passes: how far past b each round's decisions stay certain, the prices seen and
    # the projects found unaffordable, by round (0 = the first round)
    limits: list[float] = field(default_factory=list)
    bounds: list[tuple[int, int, float, float, float]] = field(default_factory=list)
    dropped: list[tuple[int, int]] = field(default_factory=list)

    def prefix(self, shift: float) -> Prefix | None:
        """What a pass at b + `shift` can take over from this one (None: nothing).

        Every round whose decisions are certain over [b, b + shift] chooses the same project
        there; its prices are lower bounds minus their rate × shift (docs/decisions/0306).
        """
        if self.exact or shift <= 0:
            return None
        rounds = 0
        for limit in self.limits:
            if limit * (1 - 1e-6) < KEEP * shift:
                break
            rounds += 1
        if not rounds:
            return None
        bounds = [(r, q, value - slope * shift, err + 4 * EPS * (abs(value) + slope * shift), slope)
                  for r, q, value, err, slope in self.bounds if r < rounds]
        return Prefix(self.selected[:rounds], [limit - shift for limit in self.limits[:rounds]], bounds,
                      [(r, q) for r, q in self.dropped if r < rounds])


class EqualShares:
    """MES on one grouped profile; `run(b)` counts with per-voter budget b."""

    def __init__(self, profile: Profile, strategy: str = "auto", *, repeated: bool = False) -> None:
        self.profile = profile
        self.ids = profile.projects.ids
        self.cost = profile.projects.cost
        m = profile.m
        self.m = m
        self.mult = profile.mult
        self.binary = profile.utility in ("cost", "card")
        members: list[list[int]] = [[] for _ in range(m)]
        utilities: list[list[int | Fraction]] = [[] for _ in range(m)]
        for g, items in enumerate(profile.items):
            for p in items:
                members[p].append(g)
        if self.binary:  # one utility per project: no need to collect it per voter group
            same = [1] * m if profile.utility == "card" else list(self.cost)
        else:
            # (a loop of its own: one loop over zipped items and utilities, appending both, took
            # 12-32 % longer on the small files' ranked and points ballots)
            for items, utils in zip(profile.items, profile.utils, strict=True):
                for p, u in zip(items, utils, strict=False):  # equally long in a Profile: not checked each time
                    utilities[p].append(u)
        # supporters of each project as parallel sequences: group, voters in it, utility (the
        # lists made here are kept as they are: copying them into tuples is work every count did)
        self.members: list[list[int]] = members
        self.pick: list[Picker] = [picker(s) for s in members]
        self.weights: list[tuple[int, ...]]
        # as many groups as voters (`mult` sums to `voters`): every group is one voter, every weight 1
        alone = profile.voters == len(self.mult)
        if alone:
            self.weights = [(1,) * len(s) for s in members]
            self.supporter_count = list(map(len, members))
        else:
            everyone = list(self.mult)
            self.weights = [pick(everyone) for pick in self.pick]
            self.supporter_count = list(map(sum, self.weights))
        self.utilities: list[Sequence[int | Fraction]] = (
            [(same[q],) * len(members[q]) for q in range(m)] if self.binary else list(utilities))
        totals: list[int | Fraction] = (
            list(map(mul, same, self.supporter_count)) if self.binary
            else list(map(sum, utilities)) if alone  # (weights all 1)
            else [sum(map(mul, w, us)) for w, us in zip(self.weights, self.utilities, strict=True)])
        self.total_utility = totals
        cost = self.cost
        self.eligible: list[int] = []
        self.free: list[int] = []
        self.unsupported: list[int] = []
        # float passes start from the price each project would have if nobody ran short
        self.start_bound: dict[int, float] = {}
        self.start_err: dict[int, float] = {}
        for q, total in enumerate(totals):  # (one loop: this is work every count does)
            if total <= 0:
                self.unsupported.append(q)
            elif cost[q] == 0:
                self.free.append(q)
            else:
                self.eligible.append(q)
                value = self.start_bound[q] = float(cost[q]) / float(total)
                self.start_err[q] = 4 * EPS * value
        if strategy == "auto":
            strategy = choose_strategy(profile, repeated=repeated)
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {strategy!r}")
        self.strategy = strategy
        self._patterns_ready = False  # the pattern strategy's structures are made on first use

    # the pattern strategy's structures (`prepare_patterns`)
    pairs: list[tuple[tuple[int, int | Fraction], ...]]
    supset: list[frozenset[int]]
    utility_of: list[dict[int, int | Fraction]]
    base: list[dict[HistKey, int]]
    _cache: dict[tuple[frozenset[int], int], dict[HistKey, int]]
    _cache_size: int
    _pair: dict[tuple[int, int], frozenset[int]]
    _pattern_ids: dict[Pattern, int]
    patterns: list[Pattern]
    _nodes_of: dict[int, list[frozenset[int]]]
    _arrays: dict[tuple[frozenset[int], int], Arrays]

    def arrays(self, node: frozenset[int], q: int, hist: dict[HistKey, int]) -> Arrays:
        """A histogram as (picker of its patterns' values, utilities, voters, pattern numbers)."""
        found = self._arrays.get((node, q))
        if found is None:
            keys = list(hist)
            pids = tuple(pid for pid, _ in keys)
            found = (picker(pids), tuple(u for _, u in keys), tuple(hist.values()), pids)
            self._arrays[(node, q)] = found
        return found

    def prepare_patterns(self) -> None:
        """Build what the pattern strategy needs (once)."""
        if self._patterns_ready:
            return
        self._patterns_ready = True  # (not made in `__init__`: a single count does not use them)
        self.pairs, self.supset, self.utility_of, self.base = [], [], [], []
        self._cache, self._cache_size, self._pair, self._nodes_of, self._arrays = {}, 0, {}, {}, {}
        self._pattern_ids, self.patterns = {(): 0}, [()]
        if not self.profile.items:
            return
        self.pairs = [tuple(zip(items, utils, strict=True))
                      for items, utils in zip(self.profile.items, self.profile.utils, strict=True)]
        self.supset = [frozenset(s) for s in self.members]
        self.utility_of = [dict(zip(s, us, strict=True)) for s, us in zip(self.members, self.utilities, strict=True)]
        self.base = []
        for weights, utilities in zip(self.weights, self.utilities, strict=True):
            hist: dict[HistKey, int] = {}
            for w, u in zip(weights, utilities, strict=True):
                hist[(0, u)] = hist.get((0, u), 0) + w
            self.base.append(hist)

    # -- supporter histograms -------------------------------------------------------------

    def _both(self, q: int, s: int) -> frozenset[int]:
        found = self._pair.get((q, s))
        if found is None:
            found = self.supset[q] & self.supset[s]
            self._pair[(q, s)] = found
        return found

    def _pattern_id(self, pattern: Pattern) -> int:
        found = self._pattern_ids.get(pattern)
        if found is None:
            found = len(self.patterns)
            self._pattern_ids[pattern] = found
            self.patterns.append(pattern)
        return found

    def nearest(self, q: int, node: frozenset[int],
                chain: list[frozenset[int]] | None = None) -> tuple[frozenset[int], dict[HistKey, int]]:
        """A cached histogram of q for a large set of choices contained in `node`.

        `chain` (the sets of choices of the current count, ending with `node`) is searched
        first, from the latest; otherwise every cached set for q is considered.
        """
        cache = self._cache
        found = cache.get((node, q))
        if found is not None:
            return node, found
        if chain:
            for earlier in reversed(chain):
                found = cache.get((earlier, q))
                if found is not None:
                    return earlier, found
        best: frozenset[int] = frozenset()
        for known in self._nodes_of.get(q, ()):
            if len(known) > len(best) and known <= node:
                best = known
        return (best, self._cache[(best, q)]) if best else (best, self.base[q])

    def histogram(self, q: int, node: frozenset[int],
                  near: tuple[frozenset[int], dict[HistKey, int]] | None = None) -> dict[HistKey, int]:
        """Supporters of q after the choices `node`, by (pattern, utility for q) → voters.

        Built from the cached histogram of the largest set of choices already seen (in this
        run or an earlier one) that is contained in `node`; only supporters of q who also
        support a project chosen since then change pattern.
        """
        base_node, start = near or self.nearest(q, node)
        if base_node == node:
            return start
        hist = dict(start)
        newer = node - base_node
        if len(newer) == 1:
            changed: frozenset[int] | set[int] = self._both(q, next(iter(newer)))
        else:
            changed = set()
            for s in newer:
                changed |= self._both(q, s)
        if changed:
            utility = self.utility_of[q]
            mult = self.mult
            pairs = self.pairs
            ids = self._pattern_ids
            for g in changed:
                u = utility[g]
                w = mult[g]
                group = pairs[g]
                before = tuple([pair for pair in group if pair[0] in base_node])
                old: HistKey = (ids[before], u)
                left = hist[old] - w
                if left:
                    hist[old] = left
                else:
                    del hist[old]
                after = tuple([pair for pair in group if pair[0] in node])
                found = ids.get(after)
                new: HistKey = (self._pattern_id(after) if found is None else found, u)
                hist[new] = hist.get(new, 0) + w
        if self._cache_size > CACHE_LIMIT:
            self._cache.clear()
            self._nodes_of.clear()
            self._arrays.clear()
            self._cache_size = 0
        self._cache[(node, q)] = hist
        self._nodes_of.setdefault(q, []).append(node)
        self._cache_size += len(hist)
        return hist

    # -- one pass -------------------------------------------------------------------------

    def run(self, b: Fraction, *, exact: bool = False, certify: bool = False, record: bool = False,
            certify_min: float = 0.0, prefix: Prefix | None = None, horizon: float = LONG_HORIZON) -> PassResult:
        """MES with per-voter budget `b`: floats first, exact Fractions if a decision is too close.

        With `certify`, `PassResult.stable_for` is a length Δ ≥ 0 such that every per-voter budget
        in [b, b + Δ] gives the same choices (0 when that cannot be shown, or is below `certify_min`).
        A `prefix` (from an earlier certified pass, see `PassResult.prefix`) saves re-examining
        the projects of the rounds it covers: only their winners are priced again. `horizon`
        (in units of `certify_min`) is how far ahead voters without money are looked at (see
        `LONG_HORIZON`).
        """
        kind: type[_Pass] = _GroupPass
        if self.strategy == "patterns":
            self.prepare_patterns()
            kind = _PatternPass
        if not exact:
            try:
                return kind(self, b, exact=False, certify=certify, record=record, certify_min=certify_min,
                            prefix=prefix, horizon=horizon).run()
            except _Uncertain:
                pass
        return kind(self, b, exact=True, certify=False, record=record).run()


class _Pass:
    """One MES run at a fixed per-voter budget; subclasses say how supporters' money is kept."""

    #: whether `_evaluate` needs the set of choices made so far (kept in `chain`), or only the
    #: money left (then the set is not made again every round)
    keeps_choices = True

    def __init__(self, engine: EqualShares, b: Fraction, *, exact: bool, certify: bool, record: bool,
                 certify_min: float = 0.0, prefix: Prefix | None = None, horizon: float = LONG_HORIZON) -> None:
        self.e = engine
        self.exact = exact
        self.prefix = prefix if certify and not exact and not record else None
        self.certify = certify and not exact
        self.certify_min = certify_min
        # a voter without money whose balance is this far below zero (in units of its rate of
        # change) is assumed to stay without money, which the interval is shortened to guarantee;
        # one less far below counts at a rate lowered accordingly (`_secant`)
        self.horizon = horizon * certify_min
        self.record = record
        self.b_exact = b
        self.b: Num = b if exact else float(b)
        self.rho: dict[int, Num] = {}
        self.rho_err: dict[int, float] = {}
        self.rho_slope: dict[int, float] = {}  # bound on |d rho / d b|
        self.limit = math.inf
        self.chain: list[frozenset[int]] = []  # the sets of choices so far in this count
        # certified group passes: the projects found unaffordable, as (round, project, their
        # supporters' money, its error bounds, its rate bounds, total money, its error bound)
        self.short: list[tuple[int, int, tuple[float, ...], tuple[float, ...], tuple[float, ...], float, float]] = []

    # Certification. Along an interval of b over which the sequence of choices is the same,
    # every price is non-increasing in b and every voter's money non-decreasing, and their
    # rates of change are bounded by the rates at b computed as if every voter without money
    # might get some back (docs/decisions/0302). A price at b + Δ is therefore between its value
    # at b and that value minus Δ × its rate bound. `_keep` shrinks the interval so that a
    # quantity with value `margin` (error `err`) changing at rate `slope` keeps its sign.
    def _keep(self, margin: float, err: float, slope: float) -> None:
        if margin <= err:
            self.limit = 0.0
        elif slope < 0:
            room = (margin - err) / -slope
            if room < self.limit:
                self.limit = room
        if self.limit < self.certify_min:
            self.limit = 0.0
            self.certify = False

    def _secant(self, short: float, rate: float) -> float:
        """The rate of a voter without money who may not stay without money over the horizon:
        short by `short` > 0 now, and by at least `short` − `rate` × Δ at b + Δ.

        Their money at b + Δ is at most max(0, `rate` × Δ − `short`), which is convex in Δ and 0
        at Δ = 0, so on [0, horizon] it is at most Δ times its value at the horizon divided by
        the horizon: a rate lower by `short` / horizon, valid over the horizon, to which the
        interval is cut (decision 0313).
        """
        if self.horizon < self.limit:
            self._keep(self.horizon, 0.0, -1.0)
        return max(0.0, rate - short / self.horizon * (1 - 4 * EPS))

    def _evaluate(self, q: int, node: frozenset[int]) -> _Eval | None:
        raise NotImplementedError

    def _pay(self, winner: _Eval) -> None:
        """Take the winner's price from its supporters (after `rho` has been recorded)."""

    def _supporters_money(self, q: int, node: frozenset[int]) -> Num:
        raise NotImplementedError

    def _payments(self, winner: _Eval) -> tuple[int, int, int, Num]:
        """Supporters who paid in full, paid all they had, had nothing; their money after."""
        full = all_left = nothing = 0
        after: Num = 0.0
        for i, (_, money, utility, weight, _, _) in enumerate(winner.entries):
            if money == 0:
                nothing += weight
            elif i < winner.poor:
                all_left += weight
            else:
                full += weight
                after += weight * (money - winner.rho * utility)
        return full, all_left, nothing, after

    def run(self) -> PassResult:
        e = self.e
        chosen: list[int] = []
        nodes: list[frozenset[int]] = [frozenset()]
        self.chain = nodes
        remaining = set(e.eligible)
        # a lower bound on each project's price (its error, and its rate of change in b): at the
        # start, the price if every supporter could pay in full; later, the last price seen
        bound_of: dict[int, Num]
        if self.exact:
            bound_of = {q: Fraction(e.cost[q]) / Fraction(e.total_utility[q]) for q in e.eligible}
            err_of = dict.fromkeys(e.eligible, 0.0)
        else:
            bound_of, err_of = dict(e.start_bound), dict(e.start_err)
        slope_of = dict.fromkeys(e.eligible, 0.0)
        # certified passes: each round's limit, prices seen and projects found unaffordable
        limits: list[float] = []
        seen: list[tuple[int, int, float, float, float]] = []
        gone: list[tuple[int, int]] = []
        known = self.prefix
        if known is not None:  # its rounds go the same way here: only their winners are priced again
            for q in known.winners:
                found = self._evaluate(q, nodes[-1])
                if found is None:
                    raise _Uncertain  # impossible while the certificate holds; an exact pass is safe
                self._take(found, chosen, remaining, nodes)
            for _, q in known.dropped:
                remaining.discard(q)
            for _, q, value, err, slope in known.bounds:
                bound_of[q], err_of[q], slope_of[q] = value, err, slope
            limits, seen, gone = list(known.limits), list(known.bounds), list(known.dropped)
            self._keep(limits[-1], 0.0, -1.0)
        rounds: list[Round] = []
        money_left: Fraction | int = 0  # the voters' money left in total (for the trail only)
        if self.record:
            money_left = quick(self.b_exact * e.profile.voters)
            rounds.extend(self._opening_rounds(money_left))
            money_left -= sum(e.cost[q] for q in e.free)
        number = len(rounds)
        while True:
            number += 1
            order = sorted(remaining, key=bound_of.__getitem__)
            evaluated: list[_Eval] = []
            dropped: list[Dropped] = []
            best: _Eval | None = None
            pruned: list[int] = []
            for position, q in enumerate(order):
                bound, bound_err = bound_of[q], err_of[q]
                if best is not None and (
                        bound > best.rho if self.exact else bound - bound_err > best.rho + best.err):
                    pruned = order[position:]
                    break
                found = self._evaluate(q, nodes[-1])
                if found is None:
                    remaining.discard(q)
                    if self.certify:
                        gone.append((len(chosen), q))
                    if self.record:
                        dropped.append(Dropped(e.ids[q], "cannot-afford", float(e.cost[q]),
                                               float(self._supporters_money(q, nodes[-1]))))
                    continue
                bound_of[q] = found.rho
                err_of[q] = found.err
                slope_of[q] = found.slope
                if self.certify:
                    seen.append((len(chosen), q, float(found.rho), found.err, found.slope))
                evaluated.append(found)
                if best is None or found.rho < best.rho or (found.rho == best.rho and found.q < best.q):
                    best = found
            if best is None:
                if self.record:
                    rounds.append(Round(number, money_left=float(money_left), dropped=tuple(dropped),
                                        note="no remaining project can be paid for by its supporters"))
                break
            winner, tied = self._winner(best, evaluated)
            if self.certify:
                top = float(winner.rho)
                # the winner's price at b + target is at most `ceiling` (decision 0310): a rival
                # whose price cannot fall below it by then does not shorten the interval
                target = self.limit if self.limit < math.inf else 1024 * self.certify_min
                ceilings: list[float] = []  # at b and at b + target, made when first needed

                for other in evaluated:
                    if other.q in tied:
                        self._keep_tie(winner, other)
                    elif other is not winner:
                        margin, err = float(other.rho) - top, other.err + winner.err
                        if margin > err and other.slope * self.limit > margin - err \
                                and self._dearer(winner, target, ceilings, float(other.rho) - other.err, other.slope):
                            continue
                        self._keep(margin, err, -other.slope)
                # the projects not examined this round must stay dearer than the winner. They come
                # in increasing order of their bound, so stop once even the fastest fall among the
                # rest could not close the gap within the current interval.
                if pruned:
                    slopes = list(map(slope_of.__getitem__, pruned))
                    fastest_after = list(accumulate(reversed(slopes), max))[::-1]
                    limit = self.limit
                    floor = top + winner.err
                    for q, slope, fastest in zip(pruned, slopes, fastest_after, strict=True):
                        gap = stale = float(bound_of[q]) - err_of[q] - floor
                        if gap > 0 and slope * limit > gap and \
                                self._dearer(winner, target, ceilings, float(bound_of[q]) - err_of[q], slope):
                            if stale >= fastest * limit:
                                break
                            continue
                        if gap <= 0 or (slope > 0 and gap < slope * limit):
                            # its bound is the price seen in an earlier round: its price now is
                            # higher, and may keep the interval longer (decision 0310)
                            found = self._evaluate(q, nodes[-1])
                            if found is None:
                                remaining.discard(q)
                                gone.append((len(chosen), q))
                                continue
                            bound_of[q], err_of[q], slope_of[q] = found.rho, found.err, found.slope
                            seen.append((len(chosen), q, float(found.rho), found.err, found.slope))
                            slope = found.slope
                            gap = float(found.rho) - found.err - floor
                            if gap > 0 and slope * limit > gap and \
                                    self._dearer(winner, target, ceilings, float(found.rho) - found.err, slope):
                                if stale >= fastest * limit:
                                    break
                                continue
                        if gap <= 0:
                            limit = 0.0
                            break
                        if slope > 0 and gap < slope * limit:
                            limit = gap / slope
                        if stale >= fastest * limit:  # the rest are further away than its bound
                            break
                    if limit < self.limit:
                        self._keep(limit, 0.0, -1.0)
            self._take(winner, chosen, remaining, nodes)
            if self.certify:
                limits.append(self.limit)
            if self.record:
                money_left -= e.cost[winner.q]
                rounds.append(self._round(number, winner, tied, evaluated, dropped, money_left))
        if self.short:
            self._settle_short(chosen, limits, gone)
        # (`limits` stops growing when certification gives up: the rounds before stay certain)
        return PassResult(chosen, self.exact, self.limit if self.certify else 0.0, rounds, limits, seen, gone)

    def _settle_short(self, chosen: list[int], limits: list[float], gone: list[tuple[int, int]]) -> None:
        """Keep the certificate true for the projects found unaffordable (`_GroupPass`)."""

    def _ceiling(self, winner: _Eval, delta: float) -> float:
        """An upper bound on the winner's price at b + `delta` (`_GroupPass`; here: none)."""
        return math.inf

    def _dearer(self, winner: _Eval, target: float, ceilings: list[float], low: float, slope: float) -> bool:
        """True if a rival priced at least `low` at b, falling at most at `slope`, surely stays
        dearer than the winner up to b + `target` (`ceilings`: the winner's, made once per round)."""
        if not ceilings:  # no bound to make when the winner's price cannot fall or nothing is asked
            falls = winner.slope > 0 and target > 0
            ceilings.extend((self._ceiling(winner, 0.0), self._ceiling(winner, target)) if falls
                            else (math.inf, math.inf))
        return low > ceilings[0] and low - slope * target > ceilings[1]

    def _take(self, winner: _Eval, chosen: list[int], remaining: set[int], nodes: list[frozenset[int]]) -> None:
        """Choose the round's winner: its supporters pay its price."""
        q = winner.q
        chosen.append(q)
        remaining.discard(q)
        if self.keeps_choices:
            nodes.append(nodes[-1] | {q})
        self.rho[q] = winner.rho
        self.rho_err[q] = winner.err
        self.rho_slope[q] = winner.slope
        self._pay(winner)

    def _winner(self, best: _Eval, evaluated: list[_Eval]) -> tuple[_Eval, list[int]]:
        """The evaluated project with the smallest price (smallest id on a tie), and the tied ones."""
        if self.exact:
            tied = sorted(x.q for x in evaluated if x.rho == best.rho)
            winner = next(x for x in evaluated if x.q == tied[0])
            return winner, tied[1:]
        close = [x for x in evaluated if x is not best and x.rho - x.err <= best.rho + best.err]
        if not close:
            return best, []
        group = [best, *close]
        # exact prices as (cost, utility), both positive: compared by cross-multiplying, so
        # that no Fraction is made (a tie between many projects is common with cost utilities)
        pairs: list[tuple[Money | Fraction, int | Fraction]] = []
        for x in group:
            if x.exact is None:
                raise _Uncertain
            pairs.append(x.exact if isinstance(x.exact, tuple) else (x.exact, 1))
        low_cost, low_utility = pairs[0]
        for cost, utility in pairs[1:]:
            if cost * low_utility < low_cost * utility:
                low_cost, low_utility = cost, utility
        tied = sorted(x.q for x, (cost, utility) in zip(group, pairs, strict=True)
                      if cost * low_utility == low_cost * utility)
        winner = next(x for x in group if x.q == tied[0])
        if self.certify:
            for x in group:
                if x.q not in tied:  # exactly above the winner, but closer than float rounding
                    self.limit = 0.0
        return winner, tied[1:]

    def _keep_tie(self, winner: _Eval, other: _Eval) -> None:
        """A tie-break stays valid only while both prices stay constant (no poor supporters)."""
        if winner.slope == 0.0 and other.slope == 0.0:
            return
        self.limit = 0.0

    # -- explanation trail ---------------------------------------------------------------

    def _opening_rounds(self, money: Fraction | int) -> list[Round]:
        e = self.e
        opening: list[Round] = []
        unsupported = tuple(Dropped(e.ids[q], "no-supporters", float(e.cost[q]), 0.0) for q in e.unsupported)
        for q in e.free:
            opening.append(Round(len(opening) + 1, e.ids[q], 0.0, 0.0, e.supporter_count[q],
                                 paid_in_full=e.supporter_count[q], money_left=float(money),
                                 note="costs nothing, so it is chosen first"))
        if unsupported:
            opening.append(Round(len(opening) + 1, money_left=float(money), dropped=unsupported,
                                 note="projects that no voter supports are ruled out"))
        return opening

    def _round(self, number: int, winner: _Eval, tied: list[int], evaluated: list[_Eval],
               dropped: list[Dropped], money_left: Fraction | int) -> Round:
        e = self.e
        full, all_left, nothing, after = self._payments(winner)
        rho = winner.rho
        share: float | None = None
        effective: float | None = None
        if e.binary:
            share = float(rho * e.utilities[winner.q][0])
            effective = e.cost[winner.q] / share if share > 0 else None
        standings = tuple(Standing(e.ids[x.q], float(x.rho), float(x.money)) for x in evaluated)
        return Round(number, e.ids[winner.q], float(rho), share, full + all_left + nothing, full, all_left, nothing,
                     effective, float(money_left), float(after), tuple(e.ids[t] for t in tied), tuple(dropped),
                     standings)


class _PatternPass(_Pass):
    """Supporters of a project summarised by pattern histograms, cached across passes."""

    def __init__(self, engine: EqualShares, b: Fraction, *, exact: bool, certify: bool, record: bool,
                 certify_min: float = 0.0, prefix: Prefix | None = None, horizon: float = LONG_HORIZON) -> None:
        super().__init__(engine, b, exact=exact, certify=certify, record=record, certify_min=certify_min,
                         prefix=prefix, horizon=horizon)
        self.money: dict[int, tuple[Num, float, float]] = {0: (self.b, 0.0 if exact else EPS * float(b), 1.0)}
        # float strategy: money, error bound and rate bound of each pattern, by pattern number
        size = len(engine.patterns)
        self.value: list[float | None] = [None] * size
        self.error: list[float] = [0.0] * size
        self.rate: list[float] = [0.0] * size
        if not exact:
            self.value[0], self.error[0], self.rate[0] = float(b), EPS * float(b), 1.0

    def _money(self, pid: int) -> tuple[Num, float, float]:
        """(money left, error bound, bound on d/db) for voters with this pattern."""
        pattern = self.e.patterns[pid]
        value: Num = self.b
        if self.exact:
            for s, u in pattern:
                value -= u * self.rho[s]
            result: tuple[Num, float, float] = (value if value > 0 else Fraction(0), 0.0, 0.0)
        else:
            size = float(self.b)
            err = 0.0
            slope = 1.0
            rho, rho_err, rho_slope = self.rho, self.rho_err, self.rho_slope
            for s, u in pattern:
                term = u * rho[s]
                value -= term
                size += term
                err += u * rho_err[s]
                slope += u * rho_slope[s]
            err += EPS * (len(pattern) + 2) * size
            assert isinstance(value, float)
            if value > 0:
                result = (value, err, slope)
            elif self.certify and -value > slope * self.horizon:
                self._keep(-value, err, -slope)  # stays without money over the interval
                result = (0.0, max(0.0, value + err), 0.0)
            elif self.certify and -value - err > 0:
                result = (0.0, 0.0, self._secant(-value - err, slope))
            else:
                result = (0.0, max(0.0, value + err), slope)
        self.money[pid] = result
        if not self.exact:
            if pid >= len(self.value):
                grow = len(self.e.patterns) - len(self.value)
                self.value.extend([None] * grow)
                self.error.extend([0.0] * grow)
                self.rate.extend([0.0] * grow)
            self.value[pid], self.error[pid], self.rate[pid] = result  # type: ignore[assignment]
        return result

    def _vectors(self, pick: Picker, pids: tuple[int, ...]) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Money and error bound of each entry of a histogram (computing new patterns first)."""
        grow = len(self.e.patterns) - len(self.value)  # patterns created since this pass began
        if grow:
            self.value.extend([None] * grow)
            self.error.extend([0.0] * grow)
            self.rate.extend([0.0] * grow)
        values = pick(self.value)
        if None in values:
            for pid, value in zip(pids, values, strict=True):
                if value is None:
                    self._money(pid)
            values = pick(self.value)
        return values, pick(self.error)

    def _evaluate(self, q: int, node: frozenset[int]) -> _Eval | None:
        """Price of q now, or None if its supporters cannot afford it."""
        e = self.e
        cost = e.cost[q]
        near = e.nearest(q, node, self.chain)
        if near[0] != node and self._cannot_afford(near[1], cost, near[0], q):
            return None  # even with the money they had at an earlier stage
        hist = e.histogram(q, node, near)
        known = self.money.get
        rows: list[tuple[tuple[Num, float, float], int | Fraction, int]] = []
        total: Num
        if self.exact:
            total = 0
            for (pid, u), w in hist.items():
                found = known(pid) or self._money(pid)
                rows.append((found, u, w))
                total += w * found[0]
            if total < cost:
                return None
        else:
            pick, utilities, weights, pids = e.arrays(node, q, hist)
            values, errors = self._vectors(pick, pids)
            total = sum(map(mul, values, weights))
            total_err = sum(map(mul, errors, weights)) + EPS * (len(values) + 2) * total
            if total < cost - total_err:
                if self.certify:
                    self._keep(float(cost - total), total_err, -sum(map(mul, pick(self.rate), weights)))
                return None
            if total < cost + total_err:
                raise _Uncertain
            rates = pick(self.rate)
            entries_float: list[_Entry] = list(zip(map(truediv, values, utilities), values, utilities, weights,
                                                   errors, rates, strict=True))
        entries: list[_Entry] = entries_float if not self.exact else [
            (found[0] / u, found[0], u, w, found[1], found[2]) for found, u, w in rows]
        entries.sort(key=_first)
        weight_utility: Num = Fraction(self.e.total_utility[q]) if self.exact else float(self.e.total_utility[q])
        paid: Num = Fraction(0) if self.exact else 0.0
        poor = 0
        rho: Num = 0
        for _, money, utility, weight, _, _ in entries:
            if weight_utility <= 0:
                raise _Uncertain  # only possible through rounding
            rho = (cost - paid) / weight_utility
            if rho * utility <= money:
                break
            paid += weight * money
            weight_utility -= weight * utility
            poor += 1
        if self.exact:
            assert isinstance(rho, Fraction)
            return _Eval(q, rho, 0.0, 0.0, total, rho, entries, poor)
        return self._bounds(q, float(rho), float(total), entries, poor, cost)

    def _cannot_afford(self, hist: dict[HistKey, int], cost: Money, node: frozenset[int], q: int) -> bool:
        """True if the supporters' money in `hist` (an earlier stage) is surely below `cost`."""
        if not self.exact:
            pick, _, weights, pids = self.e.arrays(node, q, hist)
            values, errors = self._vectors(pick, pids)
            total_money = sum(map(mul, values, weights))
            margin = EPS * (len(values) + 2) * total_money + sum(map(mul, errors, weights))
            if total_money < cost - margin:
                if self.certify:
                    self._keep(cost - total_money, margin, -sum(map(mul, pick(self.rate), weights)))
                return True
            return False
        known = self.money.get
        total: Num = 0 if self.exact else 0.0
        total_err = total_slope = 0.0
        for (pid, _), w in hist.items():
            found = known(pid) or self._money(pid)
            total += w * found[0]
            total_err += w * found[1]
            total_slope += w * found[2]
        if self.exact:
            return total < cost
        total_err += EPS * (len(hist) + 2) * float(total)
        if total < cost - total_err:
            if self.certify:
                self._keep(cost - float(total), total_err, -total_slope)
            return True
        return False

    def _bounds(self, q: int, rho: float, total: float, entries: list[_Entry], poor: int, cost: Money) -> _Eval:
        """Error bound, derivative in b and (when cheap) exact value of a float price."""
        near_err = 0.0
        sure_rich: int | Fraction = 0
        poor_slope = 0.0
        all_sure = True
        for i, (_, money, utility, weight, err, slope) in enumerate(entries):
            if i < poor:
                poor_slope += weight * slope
                if err > 0 or money != 0:
                    all_sure = False
                near_err += weight * err
            else:
                reach = rho * utility
                if money - reach > err + 4 * EPS * reach:
                    sure_rich += weight * utility
                else:
                    near_err += weight * err
                    poor_slope += weight * slope
                    all_sure = False
        if sure_rich <= 0:
            raise _Uncertain
        err = (near_err + EPS * (len(entries) + 2) * (cost + total)) / float(sure_rich) + 4 * EPS * rho
        rate = poor_slope / float(sure_rich) * (1 + 4 * EPS * len(entries))
        return _Eval(q, rho, err, rate, total, (cost, sure_rich) if all_sure else None, entries, poor)

    def _supporters_money(self, q: int, node: frozenset[int]) -> Num:
        hist = self.e.histogram(q, node)
        known = self.money.get
        return sum(((known(pid) or self._money(pid))[0] * w for (pid, _), w in hist.items()),
                   0.0 if not self.exact else 0)


class _GroupPass(_Pass):
    """Money kept per distinct ballot; a project's supporters are gathered at C speed."""

    keeps_choices = False

    def __init__(self, engine: EqualShares, b: Fraction, *, exact: bool, certify: bool, record: bool,
                 certify_min: float = 0.0, prefix: Prefix | None = None, horizon: float = LONG_HORIZON) -> None:
        super().__init__(engine, b, exact=exact, certify=certify, record=record, certify_min=certify_min,
                         prefix=prefix, horizon=horizon)
        size = len(engine.mult)
        self.wallet: list[Num] = [self.b] * size
        self.error: list[float] = [] if exact else [EPS * self.b] * size  # bound on each wallet's error
        # bound on d wallet / d b, counting a voter without money as possibly getting some back
        self.rate: list[float] = [1.0] * size if self.certify else []

    def _evaluate(self, q: int, node: frozenset[int]) -> _Eval | None:
        e = self.e
        cost = e.cost[q]
        money = e.pick[q](self.wallet)
        weights = e.weights[q]
        total: Num = sum(map(mul, money, weights))
        if self.exact:
            if total < cost:
                return None
        else:
            errors = e.pick[q](self.error)
            total_err = sum(map(mul, errors, weights)) + EPS * (len(money) + 2) * float(total)
            if total < cost - total_err:
                if self.certify:  # settled at the end of the pass (`_settle_short`)
                    self.short.append((len(self.rho), q, money, errors, e.pick[q](self.rate), float(total), total_err))
                return None
            if total < cost + total_err:
                raise _Uncertain
        utilities = e.utilities[q]
        whole = e.total_utility[q]
        size = len(money)
        worst = 0.0  # float passes: the largest error of a supporter's money per unit of utility
        if e.binary:
            share = utilities[0]
            if not self.exact:
                rho0 = cost / float(whole)
                reach = rho0 * share
                most = max(errors)
                worst = most / float(share)
                if min(money) - reach > most + 4 * EPS * reach:  # nobody runs out of money
                    payments = None
                    if self.record:  # everyone pays in full
                        count = e.supporter_count[q]
                        payments = (0, count, total - rho0 * share * count)
                    return _Eval(q, rho0, 4 * EPS * rho0, 0.0, total, (cost, whole), [], 0, None, money, payments)
            keys: tuple[Num, ...] | list[Num] = money
        else:
            keys = list(map(truediv, money, utilities))
            if not self.exact:
                rho0 = cost / float(whole)
                worst = max(errors) / float(min(utilities))
                # nobody runs out of money: every money/utility (and its rounding) is above the
                # price by more than any supporter's error per unit of utility
                if min(keys) * (1 - 4 * EPS) - rho0 * (1 + 4 * EPS) > worst:
                    payments = None
                    if self.record:  # everyone pays in full
                        payments = (0, e.supporter_count[q], total - rho0 * whole)
                    return _Eval(q, rho0, 4 * EPS * rho0, 0.0, total, (cost, whole), [], 0, None, money, payments)
        order = sorted(range(size), key=keys.__getitem__)
        take = picker(order)
        in_order_money, in_order_weights = take(money), take(weights)
        paid_before = [0, *accumulate(map(mul, in_order_money, in_order_weights))]
        counted = [0, *accumulate(in_order_weights)]
        # used[i]: the utility of the first i supporters in that order
        used: list[Num]
        if e.binary:
            in_order_utility: tuple[int | Fraction, ...] = (share,) * size
            used = list(map(mul, repeat(share), counted))
        else:
            in_order_utility = take(utilities)
            used = [0, *accumulate(map(mul, in_order_utility, in_order_weights))]
        whole_n: Num = Fraction(whole) if self.exact else float(whole)
        cost_n: Num = Fraction(cost) if self.exact else float(cost)
        # the first supporter (in order of money per utility) who can pay the price in full:
        # everyone before pays all they have. The test is monotone, so bisect. (The price if the
        # first i pay all they have is (cost − paid_before[i]) / (whole − used[i]), written out.)
        low, high = 0, size - 1
        rest: Num = whole_n - used[high]
        if not (rest > 0 and (cost_n - paid_before[high]) / rest * in_order_utility[high] <= in_order_money[high]):
            if self.exact:
                raise AssertionError("an affordable project always has a price")
            raise _Uncertain  # only possible through rounding
        while low < high:
            middle = (low + high) // 2
            rest = whole_n - used[middle]
            if rest > 0 and (cost_n - paid_before[middle]) / rest * in_order_utility[middle] <= in_order_money[middle]:
                high = middle
            else:
                low = middle + 1
        poor = low
        rho: Num = (cost_n - paid_before[poor]) / (whole_n - used[poor])
        payments = None
        if self.record:  # who paid all they had (or had nothing), who paid in full, their money after
            after = (total - paid_before[poor]) - rho * (whole_n - used[poor])
            payments = (counted[poor], counted[size] - counted[poor], after)
        if self.exact:
            assert isinstance(rho, Fraction)
            return _Eval(q, rho, 0.0, 0.0, total, rho, [], poor, order, money, payments)
        rho = float(rho)
        # supporters near the poor/rich boundary count as possibly poor in the error bound
        tolerance = worst + 4 * EPS * rho
        near = poor
        scale = share if e.binary else 1  # binary: the keys are money, not money per utility
        while near < size and keys[order[near]] - rho * scale <= tolerance * scale:
            near += 1
        sure_rich = float(whole_n) - float(used[near])
        if sure_rich <= 0:
            raise _Uncertain
        unsure_errors = picker(order[:near])(errors) if near else ()
        unsure_err = sum(map(mul, unsure_errors, in_order_weights[:near])) if near else 0.0
        err = (unsure_err + EPS * (size + 2) * (cost + float(total))) / sure_rich + 4 * EPS * rho
        slope = 0.0
        if self.certify and near:
            unsure = order[:near]
            rates = e.pick[q](self.rate)
            slope = sum(map(mul, picker(unsure)(rates), picker(unsure)(weights))) / sure_rich
            slope *= 1 + 4 * EPS * near
        # the exact price is known cheaply when every supporter surely pays in full or surely has
        # exactly nothing left (a genuine tie between such prices is common: docs/decisions/0306)
        exact: tuple[Money, int | Fraction] | None = None
        if near == poor and not any(unsure_errors) and not any(in_order_money[:poor]):
            rich_utility = whole - used[poor]  # sums of whole utilities: exact
            if not isinstance(rich_utility, float):
                exact = (cost, rich_utility)
        return _Eval(q, rho, err, slope, total, exact, [], poor, order, money, payments)

    def _settle_short(self, chosen: list[int], limits: list[float], gone: list[tuple[int, int]]) -> None:
        """Keep the certificate true for the projects found unaffordable (decision 0310).

        Such a project need not stay unaffordable over the interval, only never be chosen:

        * at the end of the pass its supporters must still be short of its cost, with the money
          they have left then (or else the pass would go on and choose it);
        * in the rounds from the one where it was found unaffordable, it must never be cheaper
          than those rounds' winners: at most the dearest of their prices, since prices only
          fall as b grows and only rise from round to round. Its price at b + Δ is at least the
          price it would have if every supporter had their money at that round plus their
          rate bound × Δ, so it is enough that, at the winners' top price, those supporters
          could not pay its cost between them.

        Where neither holds over the whole interval, it is shortened as before: to where the
        project surely stays unaffordable. A project not surely unaffordable over a round's
        interval is not passed on as dropped (`Prefix.dropped`), so a later pass prices it again.
        """
        e = self.e
        rooms: list[float] = []  # how far past b each stays surely unaffordable, from its round on
        for _, q, _, _, rates, total, total_err in self.short:
            rise = sum(map(mul, rates, e.weights[q]))
            rooms.append((float(e.cost[q]) - total - total_err) / rise if rise > 0 else math.inf)
        if self.certify:
            for (_, q, *_), room in zip(self.short, rooms, strict=True):  # the end of the pass
                if room >= self.limit:
                    continue  # unaffordable then over the whole interval, so at the end too
                weights = e.weights[q]
                pick = e.pick[q]
                total_now: float = sum(map(mul, pick(self.wallet), weights))
                total_err = sum(map(mul, pick(self.error), weights)) + EPS * (len(weights) + 2) * total_now
                self._keep(float(e.cost[q]) - total_now, total_err, -sum(map(mul, pick(self.rate), weights)))
        tops = [float(self.rho[q]) + self.rho_err[q] for q in chosen[:len(limits)]]
        ceiling = list(accumulate(reversed(tops), max))[::-1]  # top price of the winners from round r on
        unsure: set[tuple[int, int]] = set()
        for (r, q, money, errors, rates, _, _), room in zip(self.short, rooms, strict=True):
            if r >= len(limits):
                continue  # after the last round kept: only the end of the pass matters
            if room >= limits[r]:
                continue
            unsure.add((r, q))
            fits = room
            for delta in (limits[r], self.limit):
                if room < delta < math.inf and self._never_chosen(q, money, errors, rates, ceiling[r], delta):
                    fits = delta
                    break
            for i in range(r, len(limits)):
                if limits[i] > fits:
                    limits[i] = fits
            if fits < self.limit:
                self._keep(fits, 0.0, -1.0)
        if unsure:
            gone[:] = [item for item in gone if item not in unsure]

    def _ceiling(self, winner: _Eval, delta: float) -> float:
        """An upper bound on the winner's price at b + `delta`, while the choices stay the same.

        A supporter surely never short of a price so far in this pass (money left above its
        error bound) gains at least `delta` by b + `delta` (b grows, prices fall); any other keeps
        at least nothing. The winner's price with those lower bounds of everyone's money is an
        upper bound on its price then. That bound is convex in `delta`, so a rival whose price
        (a lower bound falling linearly) is above it at 0 and at `delta` stays above it between.
        """
        e = self.e
        q = winner.q
        money = winner.money_now
        if not money:
            return math.inf
        above = list(map(sub, money, e.pick[q](self.error)))  # surely positive: never short so far
        low = list(map(max, above, repeat(0.0)))
        if delta:
            low = list(map(add, low, map(mul, map(gt, above, repeat(0.0)), repeat(delta))))
        weights = e.weights[q]
        cost = float(e.cost[q])
        if sum(map(mul, low, weights)) * (1 - 4 * EPS * (len(low) + 2)) <= cost:
            return math.inf
        utilities: tuple[float, ...] = ((float(e.utilities[q][0]),) * len(low) if e.binary
                                        else tuple(map(float, e.utilities[q])))
        size = len(low)
        if winner.order is not None and 0 < winner.poor < size:
            # first try the price with the same supporters short as now: if everyone, paying it
            # or all they have, covers the cost, it is an upper bound (no sorting needed)
            poor, rich = picker(winner.order[:winner.poor]), picker(winner.order[winner.poor:])
            rest = sum(map(mul, rich(utilities), rich(weights)))
            price = (cost - sum(map(mul, poor(low), poor(weights)))) / rest
            price += 8 * EPS * (size + 4) * (cost / rest + price)
            if sum(map(mul, map(min, low, map(mul, utilities, repeat(price))), weights)) \
                    * (1 - 8 * EPS * (size + 4)) >= cost:
                return float(price)
        keys = low if e.binary else list(map(truediv, low, utilities))  # money per unit of utility
        order = sorted(range(size), key=keys.__getitem__)
        take = picker(order)
        in_money, in_weights, in_utils = take(low), take(weights), take(utilities)
        paid = [0.0, *accumulate(map(mul, in_money, in_weights))]
        used = [0.0, *accumulate(map(mul, in_utils, in_weights))]
        whole = used[-1]
        first, last = 0, size - 1  # the first supporter (in order) who can pay the price in full
        while first < last:
            middle = (first + last) // 2
            if (cost - paid[middle]) / (whole - used[middle]) * in_utils[middle] <= in_money[middle]:
                last = middle
            else:
                first = middle + 1
        rest = whole - used[first]
        if rest <= 0:
            return math.inf
        price = (cost - paid[first]) / rest
        if price * in_utils[first] > in_money[first]:
            return math.inf  # only through rounding
        return float(price + 8 * EPS * (size + 4) * (cost / rest + price))

    def _never_chosen(self, q: int, money: tuple[float, ...], errors: tuple[float, ...], rates: tuple[float, ...],
                      ceiling: float, delta: float) -> bool:
        """True if q's supporters, each with money + error + rate × `delta`, could not pay its cost
        at the price `ceiling` (per unit of utility): then q's price stays above `ceiling`."""
        e = self.e
        most = map(add, map(add, money, errors), map(mul, rates, repeat(delta)))
        if e.binary:
            afford = map(min, most, repeat(ceiling * (1 + 4 * EPS) * float(e.utilities[q][0])))
        else:
            afford = map(min, most, map(mul, map(float, e.utilities[q]), repeat(ceiling * (1 + 4 * EPS))))
        paid = sum(map(mul, afford, e.weights[q]))
        return bool(paid * (1 + 16 * EPS * (len(money) + 4)) < float(e.cost[q]))

    def _payments(self, winner: _Eval) -> tuple[int, int, int, Num]:
        assert winner.payments is not None
        poor, full, after = winner.payments
        # only the winner's supporters with nothing left are counted (C speed)
        nothing = sum(compress(self.e.weights[winner.q], map(not_, winner.money_now))) if poor else 0
        return full, poor - nothing, nothing, after

    def _pay(self, winner: _Eval) -> None:
        e = self.e
        q, rho = winner.q, winner.rho
        wallet = self.wallet
        zero: Num = Fraction(0) if self.exact else 0.0
        members, utilities = e.members[q], e.utilities[q]
        if self.certify and winner.slope:  # (a price that cannot move changes no rate)
            self._pay_certified(winner)
            return
        if self.exact:
            for g, u in zip(members, utilities, strict=True):
                left = wallet[g] - rho * u
                wallet[g] = left if left > 0 else zero
        elif e.binary:  # one utility: the share and its error are the same for every supporter
            # (a loop of its own: one loop over zipped shares for both kinds made small counts
            # 2.5 % slower)
            error = self.error
            rounding = EPS * float(self.b)
            share = rho * utilities[0]
            share_err = utilities[0] * winner.err
            if winner.order is None:  # the quick price: everyone surely keeps some money
                for g in members:
                    wallet[g] -= share
                    error[g] = error[g] + share_err + rounding
                return
            for g in members:
                left = wallet[g] - share
                err = error[g] + share_err + rounding
                if left > 0:
                    wallet[g] = left
                    error[g] = err
                else:  # paid everything: exactly nothing left, unless rounding hid a little
                    wallet[g] = zero
                    error[g] = left + err if left + err > 0 else 0.0
        else:
            error = self.error
            rounding = EPS * float(self.b)
            price_err = winner.err
            if winner.order is None:  # the quick price: everyone surely keeps some money
                for g, u in zip(members, utilities, strict=True):
                    wallet[g] -= rho * u
                    error[g] = error[g] + u * price_err + rounding
                return
            for g, u in zip(members, utilities, strict=True):
                left = wallet[g] - rho * u
                err = error[g] + u * price_err + rounding
                if left > 0:
                    wallet[g] = left
                    error[g] = err
                else:  # paid everything: exactly nothing left, unless rounding hid a little
                    wallet[g] = zero
                    error[g] = left + err if left + err > 0 else 0.0

    def _pay_certified(self, winner: _Eval) -> None:
        """`_pay` in a certified float pass, also updating each payer's rate bound (see `_keep`).

        A rate bounds how fast a voter's money can grow with b over the interval. A payer who
        pays all they have, and whose money falls short of the price by so much that they would
        still fall short over the horizon (their money rising, the price falling, at most at
        their rate bounds), has exactly nothing left anywhere in the interval, which is shortened
        to make sure of it: their rate is then 0, and stays 0 (they pay nothing more in this
        pass). Without this, everyone who ever paid all they had would count as possibly
        getting money back, and the interval would end almost at once (decision 0310). A payer
        short by less counts at a rate lowered by their shortfall spread over the horizon
        (`_secant`, decision 0313).
        """
        e = self.e
        q, rho, slope = winner.q, winner.rho, winner.slope
        wallet, error, rate = self.wallet, self.error, self.rate
        rounding = EPS * float(self.b)
        price_err = winner.err
        horizon = self.horizon
        for g, u in zip(e.members[q], e.utilities[q], strict=True):
            left = wallet[g] - rho * u
            err = error[g] + u * price_err + rounding
            before = rate[g]
            if left > 0:
                wallet[g] = left
                error[g] = err
                rate[g] = before + u * slope
                continue
            wallet[g] = 0.0  # paid everything: exactly nothing left, unless rounding hid a little
            error[g] = left + err if left + err > 0 else 0.0
            if not before:
                continue  # already sure to have nothing over the interval
            fall = before + u * slope  # how fast the shortfall -left can shrink, at most
            short = -left - err
            if short > fall * horizon:
                self._keep(float(-left), err, -fall)
                rate[g] = 0.0
            elif short > 0:
                rate[g] = self._secant(short, fall)
            else:
                rate[g] = fall

    def _supporters_money(self, q: int, node: frozenset[int]) -> Num:
        total: Num = sum(map(mul, self.e.pick[q](self.wallet), self.e.weights[q]))
        return total


def is_exhaustive(chosen: list[int], candidates: list[int], cost: tuple[Money, ...], budget: Fraction) -> bool:
    """True if no project of `candidates` outside `chosen` fits in the budget left."""
    spent = sum(cost[q] for q in chosen)
    taken = set(chosen)
    return all(cost[q] + spent > budget for q in candidates if q not in taken)


@dataclass
class Add1Result:
    """The outcome of MES completed by raising the per-voter budget step by step (or of plain MES).

    `trail` makes the rounds of the final pass when first asked for (decision 0311).
    """

    selected: list[int]
    voter_budget: Fraction
    passes: int
    trail: Trail

    @property
    def rounds(self) -> tuple[Round, ...]:
        return self.trail()


def equal_shares_add1(engine: EqualShares, budget: Fraction, *, increment: Fraction = Fraction(1),
                      stop_when_exhaustive: bool = True, exact: bool = False, skip: bool = True,
                      progress: Callable[[int, Fraction], None] | None = None) -> Add1Result:
    """pabutools' ``method_of_equal_shares(..., voter_budget_increment=increment)``.

    MES is run with per-voter budget B/n, B/n + increment, …; the first outcome that is
    exhaustive (over projects with supporters) is returned, or the last one before an outcome
    that costs more than the budget. With ``stop_when_exhaustive=False`` only the second
    condition stops it (``exhaustion_by_budget_increase(..., exhaustive_stop=False)``).
    With ``skip`` (the default) increments inside a proven-stable interval are skipped.
    """
    voters = engine.profile.voters
    start = budget / voters
    cost = engine.cost
    free = list(engine.free)
    k = 0
    passes = 0
    previous: int | None = None
    final: int | None = None
    prefix: Prefix | None = None
    kept: list[int] = []  # the choices at step `previous` (those of the pass that proved it)
    horizon = LONG_HORIZON
    while True:
        b = start + k * increment
        result = engine.run(b, exact=exact, certify=skip and not exact, certify_min=float(increment), prefix=prefix,
                            horizon=horizon)
        passes += 1
        if progress is not None:
            progress(passes, b)
        chosen = free + result.selected
        if sum(cost[q] for q in chosen) > budget:
            final = previous
            break
        if stop_when_exhaustive and is_exhaustive(chosen, engine.eligible, cost, budget):
            final = k
            kept = chosen
            break
        kept = chosen
        jump = 0
        if skip and not result.exact and result.stable_for > 0:
            room = result.stable_for * (1 - 1e-6) / float(increment)
            jump = int(min(room, 1e12))
        steps = result.stable_for / float(increment)
        if horizon == LONG_HORIZON and steps < SHORT_AFTER:
            horizon = SHORT_HORIZON  # the intervals here are short: look less far ahead
        elif horizon == SHORT_HORIZON and steps >= horizon * (1 - 1e-6):
            horizon = LONG_HORIZON  # the short horizon cut this interval: it may be longer
        previous = k + jump
        k = previous + 1
        prefix = result.prefix(float((jump + 1) * increment)) if skip else None
        if passes >= MAX_PASSES:
            raise CountError(f"the budget completion did not finish after {MAX_PASSES} runs of Equal Shares")
    if final is None:
        return Add1Result(free, start, passes, Trail(list))
    b = start + final * increment
    profile = engine.profile  # not the engine: its pattern caches can be large

    def replay() -> list[Round]:
        return EqualShares(profile).run(b, exact=exact, record=True).rounds

    return Add1Result(kept, b, passes, Trail(replay))


def equal_shares(engine: EqualShares, budget: Fraction, *, exact: bool = False) -> Add1Result:
    """Plain MES with per-voter budget B/n (no completion)."""
    b = budget / engine.profile.voters
    result = engine.run(b, exact=exact)

    def replay() -> list[Round]:
        return engine.run(b, exact=exact, record=True).rounds

    return Add1Result(list(engine.free) + result.selected, b, 1, Trail(replay))
