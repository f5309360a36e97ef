"""Time on task: a page's estimated study time from what is on it.

The estimate is deliberately simple and stated on every page: reading time at a fixed rate
plus a fixed allowance per exercise and per quiz item (more for an open-response item).
The rates are Sphinx configuration values (``coursekit_reading_wpm`` and friends, see
:mod:`coursekit.sphinxext.teaching`) so an instructor can set them for their students.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Rates", "TimeEstimate", "estimate", "format_minutes"]


@dataclass(frozen=True)
class Rates:
    """How the estimate is computed."""

    words_per_minute: int = 180
    minutes_per_exercise: int = 8
    minutes_per_item: int = 1
    minutes_per_open_item: int = 5

    def __post_init__(self) -> None:
        for name in ("words_per_minute", "minutes_per_exercise"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{name} must be a whole number above 0, not {value!r}")
        for name in ("minutes_per_item", "minutes_per_open_item"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of minutes, not {value!r}")


@dataclass(frozen=True)
class TimeEstimate:
    """A page's (or chapter's) estimated minutes, and what they are made of."""

    words: int = 0
    exercises: int = 0
    items: int = 0
    open_items: int = 0
    reading_minutes: float = 0.0
    minutes: int = 0

    def __add__(self, other: TimeEstimate) -> TimeEstimate:
        return TimeEstimate(
            words=self.words + other.words,
            exercises=self.exercises + other.exercises,
            items=self.items + other.items,
            open_items=self.open_items + other.open_items,
            reading_minutes=self.reading_minutes + other.reading_minutes,
            minutes=self.minutes + other.minutes,
        )


def _count(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number of at least 0, not {value!r}")
    return value


def estimate(
    words: int, exercises: int = 0, items: int = 0, open_items: int = 0, rates: Rates = Rates()
) -> TimeEstimate:
    """Estimated minutes for a page: reading plus exercises plus quiz items, rounded up.

    ``items`` counts every quiz item, ``open_items`` how many of them are open-response
    (they take :attr:`Rates.minutes_per_open_item` instead of :attr:`Rates.minutes_per_item`).
    """
    words = _count("words", words)
    exercises = _count("exercises", exercises)
    items = _count("items", items)
    open_items = _count("open_items", open_items)
    if open_items > items:
        raise ValueError(f"open_items ({open_items}) cannot exceed items ({items})")
    reading = words / rates.words_per_minute
    total = (
        reading
        + exercises * rates.minutes_per_exercise
        + (items - open_items) * rates.minutes_per_item
        + open_items * rates.minutes_per_open_item
    )
    return TimeEstimate(words, exercises, items, open_items, reading, math.ceil(total))


def format_minutes(minutes: int) -> str:
    """``"45 minutes"``, ``"1 hour"``, ``"2 hours 5 minutes"``."""
    minutes = _count("minutes", minutes)
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("s" if hours != 1 else ""))
    if rest or not hours:
        parts.append(f"{rest} minute" + ("s" if rest != 1 else ""))
    return " ".join(parts)
