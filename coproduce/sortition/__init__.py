"""`coproduce.sortition`: fair stratified selection of panels from a pool of volunteers.

A pure library (no Django): frozen dataclasses in, a `Selection` out.

    import random
    from coproduce.sortition import Person, Quota, select

    people = [Person("p1", {"age": "16-29", "ward": "Northbank"}, household="h7"), ...]
    quotas = [Quota("age", "16-29", min=3, max=5), ...]
    selection = select(people, quotas, 20, algorithm="leximin", rng=random.Random(seed))
    selection.panel               # the ids drawn
    selection.probabilities       # everyone's chance under the lottery (adds up to 20)
    selection.min_probability
    selection.distribution        # (panel, probability) pairs: the lottery itself
    selection.lottery(1000, rng)  # a published lottery of 1,000 tickets (pipage rounding)

Algorithms: "leximin" (Flanigan et al., Nature 2021: the lowest chance as high as possible,
then the next…), "maximin" (only the lowest) and "legacy" (the old greedy method). Everything
runs on the open-source HiGHS solver. See docs/panels.md ("The selection library") and ADRs
0700–0701.
"""

from coproduce import __version__
from coproduce.sortition.csv_files import read_people_csv, read_quotas_csv
from coproduce.sortition.errors import (
    BadInputError,
    InfeasibleQuotasError,
    InputProblem,
    QuotaChange,
    SolverError,
    SortitionError,
)
from coproduce.sortition.feasibility import check_quotas
from coproduce.sortition.lottery import pipage_round, published_lottery
from coproduce.sortition.model import (
    ALGORITHMS,
    Level,
    Lottery,
    Person,
    Quota,
    Selection,
    SolveStats,
)
from coproduce.sortition.selection import select

__all__ = [
    "ALGORITHMS",
    "BadInputError",
    "InfeasibleQuotasError",
    "InputProblem",
    "Level",
    "Lottery",
    "Person",
    "Quota",
    "QuotaChange",
    "Selection",
    "SolveStats",
    "SolverError",
    "SortitionError",
    "__version__",
    "check_quotas",
    "pipage_round",
    "published_lottery",
    "read_people_csv",
    "read_quotas_csv",
    "select",
]
