"""Plain-English explanations of a count: why one project won or lost.

`explain(outcome, election, project_id)` reads the outcome's trail and tells the story of one
project in a few short paragraphs, with money in the election's currency.
"""

from __future__ import annotations

from fractions import Fraction

from coproduce.pb.election import Election
from coproduce.pb.errors import ElectionError
from coproduce.pb.outcome import Dropped, Outcome, Round
from coproduce.pb.rules import DESCRIPTIONS

#: What greedy rules rank projects by, in words.
GREEDY_MEASURES = {"greedy_cost": "votes", "greedy_card": "votes per unit of cost",
                   "greedy_points": "points per unit of cost", "greedy_borda": "Borda points per unit of cost"}


def money(value: float | Fraction | int, currency: str = "") -> str:
    """``1500000`` → ``"1,500,000 PLN"``; pennies shown only when there are some."""
    amount = float(value)
    text = f"{amount:,.0f}" if abs(amount - round(amount)) < 0.005 else f"{amount:,.2f}"
    return f"{text} {currency}".strip()


def _name(election: Election, project_id: str) -> str:
    project = election.project(project_id)
    return f"project {project_id} ({project.name})" if project.name else f"project {project_id}"


def _number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.1f}"


def _people(count: int) -> str:
    return f"{count:,} voter{'s' if count != 1 else ''}"


def explain(outcome: Outcome, election: Election, project_id: str) -> str:
    """The story of `project_id` in `outcome` (counted from `election`), in plain English."""
    try:
        project = election.project(project_id)
    except ElectionError:
        raise ElectionError(f"there is no project {project_id!r} in this election") from None
    currency = election.currency
    name = _name(election, project_id)
    rule = outcome.rule
    lines = [f"Rule: {DESCRIPTIONS.get(rule, rule)}.",
             f"Budget: {money(outcome.budget, currency)}. {name[0].upper() + name[1:]} costs "
             f"{money(project.cost, currency)}."]
    if rule.startswith("mes_") and outcome.voter_budget is not None:
        share = f"Each of the {_people(election.num_voters)} started with an equal share of the budget"
        if outcome.initial_voter_budget is not None and outcome.voter_budget != outcome.initial_voter_budget:
            step = Fraction(outcome.options.get("voter_budget_increment", 1))
            steps = (outcome.voter_budget - outcome.initial_voter_budget) / step
            lines.append(f"{share}: {money(outcome.initial_voter_budget, currency)}. To use more of the budget, "
                         f"the shares were raised {float(steps):,.0f} times by {money(step, currency)}, to "
                         f"{money(outcome.voter_budget, currency)} each; the result below is the count at that share.")
        else:
            lines.append(f"{share}: {money(outcome.voter_budget, currency)} each.")

    chosen_round = next((r for r in outcome.rounds if r.selected == project_id), None)
    drop = next(((r, d) for r in outcome.rounds for d in r.dropped if d.project_id == project_id), None)
    if chosen_round is not None:
        position = outcome.selected.index(project_id) + 1
        lines.append(f"Result: chosen, {_ordinal(position)} of the {len(outcome.selected)} projects chosen.")
        lines.append(_why_chosen(outcome, chosen_round, election, currency))
    else:
        lines.append("Result: not chosen.")
        lines.append(_why_not(outcome, drop, project_id, election, currency))
    return "\n\n".join(line for line in lines if line)


def _score(rule: str, score: float | None, currency: str) -> str:
    """A greedy score in words: "265 votes", "4.7 votes per 1,000 PLN"."""
    value = score or 0.0
    if rule == "greedy_cost":
        return f"{_number(value)} votes"
    what = {"greedy_card": "votes", "greedy_points": "points", "greedy_borda": "Borda points"}[rule]
    unit = currency or "of cost"
    scale = 1
    while value and value * scale < 1 and scale < 10**9:
        scale *= 1000
    per = f"per {scale:,} {unit}" if scale > 1 else f"per {unit}" if currency else "per unit of cost"
    return f"{_number(value * scale)} {what} {per}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _why_chosen(outcome: Outcome, item: Round, election: Election, currency: str) -> str:
    rule = outcome.rule
    tie = ""
    if item.tied_with:
        others = ", ".join(item.tied_with)
        tie = (f" It tied exactly with {others}; ties go to the smallest project id, "
               f"compared as text.")
    if item.note and item.note.startswith("filling up"):
        return (f"It was chosen in the final stage, when the money left over after Equal Shares was used "
                f"greedily, most-voted project first ({_number(item.score or 0)} votes); "
                f"{money(item.money_left, currency)} of the budget was left after it.{tie}")
    if rule.startswith("greedy_"):
        measure = GREEDY_MEASURES[rule]
        return (f"Projects were taken in order of {measure}; it came {_ordinal(item.number)} in that order "
                f"({_score(rule, item.score, currency)}) and still fitted in the budget. "
                f"{money(item.money_left, currency)} of the budget was left after it.{tie}")
    if rule == "seq_phragmen":
        return (f"In round {item.number} its {_people(item.supporters)} had together earned enough to buy it first: "
                f"each of them reached a load of {money(item.price_per_voter or 0, currency)}, the smallest of any "
                f"project that round. {money(item.money_left, currency)} of the budget was left after it.{tie}")
    if item.note.startswith("costs nothing"):
        return "It costs nothing, so Equal Shares chooses it before any round."
    cost = election.project(item.selected or "").cost
    parts = [f"In round {item.number} it was the project its supporters could pay for at the lowest price."]
    if item.price_per_voter is not None:
        parts.append(f"A full share was {money(item.price_per_voter, currency)} per supporter "
                     f"(worth {_number(item.effective_votes or 0)} full-share votes, the 'effective vote count').")
    else:
        parts.append(f"The price was {money(item.score or 0, currency)} per point of satisfaction.")
    payers = [f"{item.paid_in_full:,} paid their full share"]
    if item.paid_all_left:
        payers.append(f"{item.paid_all_left:,} paid everything they had left")
    if item.had_nothing_left:
        payers.append(f"{item.had_nothing_left:,} had nothing left to give")
    parts.append(f"Of its {item.supporters:,} supporters, " + ", ".join(payers) + f"; together they paid its "
                 f"{money(cost, currency)}, and had {money(item.supporters_money_after or 0, currency)} left afterwards.")
    runner = next((s for s in sorted(item.standings, key=lambda s: s.score) if s.project_id != item.selected), None)
    if runner is not None:
        parts.append(f"The next best that round was {runner.project_id} at a price of {_number(runner.score)} "
                     f"per unit against {_number(item.score or 0)}.")
    return " ".join(parts) + tie


def _why_not(outcome: Outcome, drop: tuple[Round, Dropped] | None, project_id: str, election: Election,
             currency: str) -> str:
    if drop is None:
        return "The count ended before this project was considered."
    item, why = drop
    needed, available = money(why.needed, currency), money(why.available, currency)
    if why.reason == "no-supporters":
        return "Nobody supported it (in the way this rule counts support), so Equal Shares cannot fund it."
    if why.reason == "over-budget":
        return f"It costs more than the whole budget ({available}), so it was left out from the start."
    if why.reason == "does-not-fit" and outcome.rule.startswith(("greedy_", "mes_")):
        if outcome.rule.startswith("mes_"):
            stage, measure = "When the money left over was filled greedily, most-voted first", "votes"
        else:
            measure = GREEDY_MEASURES[outcome.rule]
            stage = f"Projects were taken in order of {measure}"
        shown = _score(outcome.rule, item.score, currency) if outcome.rule.startswith("greedy_") else \
            f"{_number(item.score or 0)} votes"
        return (f"{stage}; when its turn came ({_ordinal(item.number)} in the order, {shown})"
                f" only {available} of the budget was left, less than its cost of {needed}, so it was skipped.")
    if why.reason in ("does-not-fit", "stopped"):
        if why.reason == "does-not-fit":
            return (f"In round {item.number} it had the smallest load, but it costs {needed} and only {available} "
                    f"of the budget was left, so the count stopped there.")
        return (f"The count stopped in round {item.number} ({item.note.removeprefix('stopped: ')}), "
                f"before this project's supporters had earned enough to buy it.")
    earlier = [s for r in outcome.rounds if r.number < item.number for s in r.standings if s.project_id == project_id]
    text = (f"In round {item.number} its supporters had only {available} left between them, less than its cost "
            f"of {needed}, so they could no longer pay for it.")
    if earlier:
        last = earlier[-1]
        text = (f"While it was still affordable it never had the lowest price (last seen at {_number(last.score)} "
                f"per unit of satisfaction). ") + text
    tail = [r for r in outcome.rounds if r.number > item.number and r.note.startswith("filling up")]
    if tail:
        text += " It did not fit in the money left over when the rest was filled greedily either."
    return text
