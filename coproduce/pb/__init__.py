"""`coproduce.pb`: participatory-budgeting elections, pabulib files and counting rules.

A pure library (no Django): read or build an `Election`, `count` it with one of `RULES`, and
`explain` the result to a resident. Outcomes equal those of pabutools 1.2.3 (the reference
implementation) including its tie-breaking, computed far faster. See `docs/pb.md`.

    >>> from coproduce.pb import Ballot, Election, Project, count
    >>> election = Election(
    ...     projects=[Project("a", 60), Project("b", 50), Project("c", 40)],
    ...     ballots=[Ballot("1", ("a",)), Ballot("2", ("a",)), Ballot("3", ("b", "c"))],
    ...     budget=100,
    ... )
    >>> count(election, "mes_cost").selected
    ('a',)
"""

from coproduce.pb.constraints import BallotRules, constraint_problems
from coproduce.pb.election import VOTE_TYPES, Ballot, Election, Points, Project
from coproduce.pb.errors import CountError, ElectionError, PbError, PbFileError, Problem, RuleError
from coproduce.pb.explain import explain
from coproduce.pb.outcome import Dropped, Outcome, Round, Standing
from coproduce.pb.pabulib import parse_pb, read_pb, validate_pb, write_pb
from coproduce.pb.rules import DESCRIPTIONS, RULES, count, rules_for

__all__ = [
    "RULES",
    "DESCRIPTIONS",
    "VOTE_TYPES",
    "Ballot",
    "BallotRules",
    "CountError",
    "Dropped",
    "Election",
    "ElectionError",
    "Outcome",
    "PbError",
    "PbFileError",
    "Points",
    "Problem",
    "Project",
    "Round",
    "RuleError",
    "Standing",
    "constraint_problems",
    "count",
    "explain",
    "parse_pb",
    "read_pb",
    "rules_for",
    "validate_pb",
    "write_pb",
]
