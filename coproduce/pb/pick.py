"""`picker(indexes)`: the values at some places of a sequence, gathered at C speed.

Counting gathers the same places of many lists over and over (a project's supporters' money, a
row's cells), so each set of places is turned once into a function that does it in C.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

#: A function returning the values at fixed places of a sequence, as a tuple.
Picker = Callable[[Sequence[Any]], tuple[Any, ...]]


def picker(indexes: Sequence[int]) -> Picker:
    """A function returning the values at `indexes` of a sequence, as a tuple (C speed)."""
    if len(indexes) == 1:
        only = indexes[0]
        return lambda values: (values[only],)
    if not indexes:
        return lambda values: ()
    getter: Picker = itemgetter(*indexes)
    return getter
