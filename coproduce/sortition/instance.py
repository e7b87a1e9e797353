"""The checked, normalised form of a selection problem that the algorithms work on.

People with the same answer to every quota feature (and no housemates in the pool) are
interchangeable: every fair algorithm here gives them the same probability. They are grouped
into *types* with a count, so the solvers choose "how many of each type" instead of "which
people". People who share a household stay types of their own, because the household rule
treats them differently from their look-alikes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coproduce.sortition.errors import BadInputError, InputProblem
from coproduce.sortition.model import Person, Quota

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def normal(text: str) -> str:
    """How names are compared: ignoring case and surrounding spaces."""
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class Instance:
    """A validated problem.

    Quota rows are numbered 0…Q-1 in input order; `features` lists each feature's quota rows.
    `types`: T groups of interchangeable people; `members[t]` are indices into `people`.
    `matrix[q, t]` is 1 when type t has the value of quota row q. `households` lists, for each
    household with two or more people in the pool, the (single-person) types of its members.
    `codes[t, f]` is the position of type t's value among feature f's values.
    """

    people: tuple[Person, ...]
    quotas: tuple[Quota, ...]
    size: int
    features: tuple[tuple[str, tuple[int, ...]], ...]
    counts: IntArray
    members: tuple[tuple[int, ...], ...]
    matrix: IntArray
    lower: IntArray
    upper: IntArray
    codes: IntArray
    rows: IntArray
    households: tuple[tuple[int, ...], ...]
    household_of: IntArray

    @property
    def n(self) -> int:
        return len(self.people)

    @property
    def type_count(self) -> int:
        return len(self.members)

    def ids(self, people: Iterable[int]) -> frozenset[str]:
        return frozenset(self.people[i].id for i in people)

    def household_rows(self, columns: int) -> list[FloatArray]:
        """One linear-program row per household (0 ≤ row · x ≤ 1: at most one of its people),
        over `columns` columns of which the first `type_count` are the types."""
        rows = []
        for household in self.households:
            row = np.zeros(columns)
            row[list(household)] = 1.0
            rows.append(row)
        return rows


def build_instance(people: Sequence[Person], quotas: Sequence[Quota], size: int) -> Instance:
    """Check the input and group the people into types. Raises `BadInputError`."""
    problems: list[InputProblem] = []
    people = tuple(people)
    quotas = tuple(quotas)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        problems.append(InputProblem(f"the panel size must be a whole number of at least 1, not {size!r}"))
    elif size > len(people):
        problems.append(InputProblem(f"the panel size {size} is more than the {len(people)} people in the pool"))
    if not quotas:
        problems.append(InputProblem("there are no quotas"))
    for q in quotas:
        if not isinstance(q, Quota):
            raise BadInputError(f"quotas must be Quota objects, not {type(q).__name__}")
    for p in people:
        if not isinstance(p, Person):
            raise BadInputError(f"people must be Person objects, not {type(p).__name__}")

    # Quota rows, grouped by feature in order of first appearance.
    feature_rows: dict[str, list[int]] = {}
    feature_name: dict[str, str] = {}
    value_row: dict[tuple[str, str], int] = {}
    for index, q in enumerate(quotas):
        f, v = normal(q.feature), normal(q.value)
        if (f, v) in value_row:
            problems.append(InputProblem(f"quota {q.feature} '{q.value}' is given twice"))
            continue
        value_row[(f, v)] = index
        feature_rows.setdefault(f, []).append(index)
        feature_name.setdefault(f, q.feature)
    features = tuple((feature_name[f], tuple(rows)) for f, rows in feature_rows.items())
    feature_keys = list(feature_rows)

    seen_ids: dict[str, int] = {}
    vectors: list[tuple[int, ...]] = []
    for position, person in enumerate(people):
        if not str(person.id).strip():
            problems.append(InputProblem(f"person number {position + 1} has an empty id"))
        elif person.id in seen_ids:
            problems.append(InputProblem(f"the id '{person.id}' is used by more than one person"))
        seen_ids.setdefault(person.id, position)
        answers = {normal(k): v for k, v in person.features.items()}
        answer_rows: list[int] = []
        for f in feature_keys:
            if f not in answers:
                problems.append(InputProblem(f"person '{person.id}' has no answer for {feature_name[f]}"))
                answer_rows.append(-1)
                continue
            row = value_row.get((f, normal(answers[f])))
            if row is None:
                known = ", ".join(quotas[r].value for r in feature_rows[f])
                problems.append(InputProblem(
                    f"person '{person.id}': {feature_name[f]} is '{answers[f]}', which has no quota "
                    f"(the quotas for {feature_name[f]} are for: {known})"))
                answer_rows.append(-1)
                continue
            answer_rows.append(row)
        vectors.append(tuple(answer_rows))
    if problems:
        raise BadInputError(problems)

    # Households with two or more people in the pool.
    by_household: dict[str, list[int]] = {}
    for position, person in enumerate(people):
        if person.household is not None and str(person.household).strip():
            by_household.setdefault(normal(person.household), []).append(position)
    shared = [members for members in by_household.values() if len(members) > 1]
    in_shared = {i for members in shared for i in members}

    type_of_vector: dict[tuple[int, ...], int] = {}
    members: list[list[int]] = []
    person_type: list[int] = []
    for position, vector in enumerate(vectors):
        if position in in_shared:
            members.append([position])
            person_type.append(len(members) - 1)
            continue
        t = type_of_vector.get(vector)
        if t is None:
            t = len(members)
            type_of_vector[vector] = t
            members.append([])
        members[t].append(position)
        person_type.append(t)
    type_count = len(members)
    quota_count = len(quotas)
    matrix = np.zeros((quota_count, type_count), dtype=np.int64)
    rows = np.zeros((type_count, len(features)), dtype=np.int64)
    codes = np.zeros((type_count, len(features)), dtype=np.int64)
    for t, group in enumerate(members):
        vector = vectors[group[0]]
        for j, row in enumerate(vector):
            matrix[row, t] = 1
            rows[t, j] = row
            codes[t, j] = features[j][1].index(row)
    household_types = tuple(tuple(person_type[i] for i in group) for group in shared)
    household_of = np.full(type_count, -1, dtype=np.int64)
    for h, group_types in enumerate(household_types):
        for t in group_types:
            household_of[t] = h
    return Instance(
        people=people,
        quotas=quotas,
        size=size,
        features=features,
        counts=np.array([len(g) for g in members], dtype=np.int64),
        members=tuple(tuple(g) for g in members),
        matrix=matrix,
        lower=np.array([q.min for q in quotas], dtype=np.int64),
        upper=np.array([q.max for q in quotas], dtype=np.int64),
        codes=codes,
        rows=rows,
        households=household_types,
        household_of=household_of,
    )
