"""Where the generators' choices come from: a seeded random (the corpus) or Hypothesis."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from hypothesis import strategies as st

__all__ = ["Choices", "DrawnChoices", "SeededChoices"]

T = TypeVar("T")


class Choices(Protocol):
    """The few kinds of choice the generators make."""

    def integer(self, low: int, high: int) -> int: ...

    def chance(self, p: float) -> bool: ...

    def pick(self, options: Sequence[T]) -> T: ...

    def subset(self, options: Sequence[T], p: float = 0.5) -> list[T]: ...


class SeededChoices:
    """Choices from `random.Random(seed)`: the same seed gives the same case on every machine."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def integer(self, low: int, high: int) -> int:
        return self._random.randint(low, high)

    def chance(self, p: float) -> bool:
        return self._random.random() < p

    def pick(self, options: Sequence[T]) -> T:
        return options[self._random.randrange(len(options))]

    def subset(self, options: Sequence[T], p: float = 0.5) -> list[T]:
        return [o for o in options if self.chance(p)]


class DrawnChoices:
    """Choices drawn by Hypothesis inside `st.composite`, so failures shrink."""

    def __init__(self, draw: Any) -> None:
        self._draw = draw

    def integer(self, low: int, high: int) -> int:
        return self._draw(st.integers(low, high))

    def chance(self, p: float) -> bool:
        # Shrinks towards False: the simpler shape is the one without the feature.
        return self._draw(st.integers(0, 99)) >= round(100 * (1 - p))

    def pick(self, options: Sequence[T]) -> T:
        return options[self._draw(st.integers(0, len(options) - 1))]

    def subset(self, options: Sequence[T], p: float = 0.5) -> list[T]:
        return [o for o in options if self.chance(p)]
