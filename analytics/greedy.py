"""Weighted maximum coverage by the greedy algorithm: naive (the oracle) and lazy (CELF).

Given candidate sets of elements and a weight per element, pick up to ``k`` candidates one
at a time, each time the one adding the most not-yet-covered weight.  Coverage is
submodular, so a candidate's gain never grows as others are picked; the lazy variant keeps
stale gains in a max-heap as upper bounds and recomputes only the top one, which is exact
and picks the same candidates.  Ties go to the lower candidate index in both variants, so
they agree step by step, not just in total.  Elements missing from ``weights`` weigh 0.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from analytics._common import JsonResult

E = TypeVar("E", bound=Hashable)


@dataclass(frozen=True, slots=True)
class GreedyStep(JsonResult):
    """The ``candidate`` index picked, its marginal ``gain`` and the ``total`` covered so far."""

    candidate: int
    gain: int
    total: int


def _gain(candidate: Collection[E], weights: Mapping[E, int], covered: set[E]) -> int:
    return sum(weights.get(e, 0) for e in candidate if e not in covered)


def naive_greedy(sets: Sequence[Collection[E]], weights: Mapping[E, int], k: int) -> tuple[GreedyStep, ...]:
    """Recompute every candidate's gain at every step: O(k * total set size).

    Stops after ``k`` steps or when no candidate adds anything.

    Examples
    --------
    >>> naive_greedy([{"a", "b"}, {"b", "c", "d"}, {"a"}], {"a": 5, "b": 1, "c": 1, "d": 1}, 3)
    (GreedyStep(candidate=0, gain=6, total=6), GreedyStep(candidate=1, gain=2, total=8))
    """
    covered: set[E] = set()
    steps: list[GreedyStep] = []
    total = 0
    while len(steps) < k:
        best, best_gain = -1, 0
        for i, candidate in enumerate(sets):
            g = _gain(candidate, weights, covered)
            if g > best_gain:
                best, best_gain = i, g
        if best < 0:
            break
        covered.update(sets[best])
        total += best_gain
        steps.append(GreedyStep(best, best_gain, total))
    return tuple(steps)


def lazy_greedy(sets: Sequence[Collection[E]], weights: Mapping[E, int], k: int) -> tuple[GreedyStep, ...]:
    """Lazy greedy (CELF): same picks as :func:`naive_greedy`, far fewer gain evaluations.

    Examples
    --------
    >>> lazy_greedy([{"a", "b"}, {"b", "c", "d"}, {"a"}], {"a": 5, "b": 1, "c": 1, "d": 1}, 3)
    (GreedyStep(candidate=0, gain=6, total=6), GreedyStep(candidate=1, gain=2, total=8))
    """
    covered: set[E] = set()
    heap = [(-_gain(candidate, weights, covered), i) for i, candidate in enumerate(sets)]
    heapq.heapify(heap)
    fresh_at = [0] * len(sets)
    steps: list[GreedyStep] = []
    total = 0
    while heap and len(steps) < k:
        neg, i = heapq.heappop(heap)
        if neg == 0:
            break  # the best upper bound is 0: nothing adds anything
        if fresh_at[i] == len(steps):
            covered.update(sets[i])
            total -= neg
            steps.append(GreedyStep(i, -neg, total))
            continue
        g = _gain(sets[i], weights, covered)
        fresh_at[i] = len(steps)
        if g > 0:
            heapq.heappush(heap, (-g, i))
    return tuple(steps)
