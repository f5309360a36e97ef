"""The quiz data model: items, banks, outcomes and grading.

These classes are built by :mod:`coursekit.quiz.validate` from a bank that passed every
check; they hold no YAML and do no I/O. Each item type grades a response with ``check``.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path
from typing import Any

__all__ = [
    "GRADED_TYPES",
    "ITEM_TYPES",
    "RATINGS",
    "SLUG",
    "Bank",
    "BankError",
    "Choice",
    "ChoiceItem",
    "Item",
    "MatchItem",
    "MultipleItem",
    "NumericItem",
    "OpenItem",
    "OrderItem",
    "Outcome",
    "Pair",
    "Problem",
    "SingleItem",
    "Step",
    "count_of",
]


def count_of(n: int, noun: str, plural: str | None = None) -> str:
    """``"1 question"``, ``"2 questions"``: a count with its noun in the right number."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


ITEM_TYPES = ("single", "multiple", "numeric", "match", "order", "open")
#: Item types graded automatically (they count toward "N of M correct").
GRADED_TYPES = ITEM_TYPES[:-1]
#: Self-ratings of an open-response item, worst first.
RATINGS = ("not-yet", "partly", "fully")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _require_finite(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return out


def _require_index(name: str, value: object) -> int:
    if isinstance(value, bool) or not (isinstance(value, Real) and float(value).is_integer()):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if int(value) < 0:
        raise ValueError(f"{name} must be at least 0, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------- data model


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank: where it is and what it is."""

    file: str
    message: str
    line: int | None = None
    item_id: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        item = f" item {_clip(repr(self.item_id), 80)}:" if self.item_id else ""
        return f"{where}:{item} {_clip(self.message, 600)}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class BankError(ValueError):
    """A bank could not be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Choice:
    """An option of a single- or multiple-answer item."""

    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Pair:
    """A statement of a match item and the category it belongs to."""

    text: str
    category: str
    feedback: str


@dataclass(frozen=True)
class Step:
    """One element of an order item (the bank lists them in the correct order)."""

    text: str
    feedback: str


@dataclass(frozen=True)
class Outcome:
    """The result of checking one response.

    ``answered`` is false when the response is incomplete (nothing chosen, a statement
    without a category); such a response is not graded and does not count as an attempt.
    ``right``/``total`` count the parts that are right (options, statements, positions).
    ``feedback`` holds the bank's feedback texts (safe Markdown) that apply to the response.
    """

    answered: bool
    correct: bool
    right: int
    total: int
    feedback: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Item:
    """Fields shared by every item type."""

    id: str
    prompt: str
    objective: str
    sources: tuple[str, ...]
    explanation: str
    line: int | None = field(default=None, compare=False, repr=False)

    type = ""

    def check(self, response: Any) -> Outcome:  # pragma: no cover - overridden
        """Grade ``response``; see the subclasses for the response format."""
        raise TypeError(f"{type(self).__name__} cannot be graded")


@dataclass(frozen=True)
class ChoiceItem(Item):
    """Base class of single- and multiple-answer items."""

    options: tuple[Choice, ...] = ()

    @property
    def correct_indices(self) -> tuple[int, ...]:
        """Indices (in bank order) of the correct options."""
        return tuple(i for i, o in enumerate(self.options) if o.correct)


@dataclass(frozen=True)
class SingleItem(ChoiceItem):
    """Exactly one option is correct. Response: the chosen option's index, or ``None``."""

    type = "single"

    def check(self, response: int | None) -> Outcome:
        """Grade the index of the chosen option."""
        if response is None:
            return Outcome(False, False, 0, 1, note="Choose an answer first.")
        index = _option_index(response, len(self.options))
        correct = self.options[index].correct
        return Outcome(True, correct, int(correct), 1, (self.options[index].feedback,))


@dataclass(frozen=True)
class MultipleItem(ChoiceItem):
    """One or more options are correct. Response: the indices of the chosen options."""

    type = "multiple"

    def check(self, response: Iterable[int] | None) -> Outcome:
        """Grade the set of chosen option indices; every correct one and no other."""
        chosen = sorted({_option_index(i, len(self.options)) for i in (response or ())})
        if not chosen:
            return Outcome(False, False, 0, len(self.options), note="Choose at least one answer.")
        right = sum((i in chosen) == o.correct for i, o in enumerate(self.options))
        missed = any(o.correct and i not in chosen for i, o in enumerate(self.options))
        note = "At least one correct answer is not selected." if missed else ""
        return Outcome(
            True,
            right == len(self.options),
            right,
            len(self.options),
            tuple(self.options[i].feedback for i in chosen),
            note,
        )


@dataclass(frozen=True)
class NumericItem(Item):
    """A number within ``tolerance`` of ``answer`` is correct. Response: a number."""

    answer: float = 0.0
    tolerance: float = 0.0
    unit: str = ""
    feedback_correct: str = ""
    feedback_incorrect: str = ""

    type = "numeric"

    def accepts(self, value: float) -> bool:
        """Whether ``value`` lies within the tolerance (with a little rounding slack)."""
        slack = 1e-9 * max(1.0, abs(self.answer))
        return abs(value - self.answer) <= self.tolerance + slack

    def check(self, response: float | str | None) -> Outcome:
        """Grade a number (a string such as ``"16"`` or ``"0,5"`` is parsed)."""
        value = _parse_number(response)
        if value is None:
            return Outcome(False, False, 0, 1, note="Enter a number first.")
        correct = self.accepts(value)
        text = self.feedback_correct if correct else self.feedback_incorrect
        return Outcome(True, correct, int(correct), 1, (text,))


@dataclass(frozen=True)
class MatchItem(Item):
    """Statements sorted into categories. Response: one category name per pair, in order."""

    categories: tuple[str, ...] = ()
    pairs: tuple[Pair, ...] = ()

    type = "match"

    def check(self, response: Sequence[str | None] | None) -> Outcome:
        """Grade a list of category names (``None`` for a statement left blank)."""
        chosen = list(response or ())
        if len(chosen) != len(self.pairs):
            raise ValueError(
                f"response must give one category per statement ({len(self.pairs)}), "
                f"got {len(chosen)}"
            )
        if any(c is None or c == "" for c in chosen):
            return Outcome(
                False, False, 0, len(self.pairs), note="Choose a category for every statement."
            )
        for c in chosen:
            if c not in self.categories:
                raise ValueError(
                    f"category must be one of {', '.join(map(repr, self.categories))}; got {c!r}"
                )
        hits = [c == p.category for c, p in zip(chosen, self.pairs, strict=True)]
        right = sum(hits)
        correct = right == len(self.pairs)
        shown = [p.feedback for p, hit in zip(self.pairs, hits, strict=True) if correct or not hit]
        note = f"{right} of {len(self.pairs)} statements are in the right category."
        return Outcome(True, correct, right, len(self.pairs), tuple(shown), note)


@dataclass(frozen=True)
class OrderItem(Item):
    """Elements to put in order. Response: the step indices (bank order) as arranged."""

    sequence: tuple[Step, ...] = ()

    type = "order"

    def check(self, response: Sequence[int] | None) -> Outcome:
        """Grade an arrangement: ``[0, 1, 2, ...]`` is the correct order."""
        arranged = list(response or ())
        if any(i is None for i in arranged):
            return Outcome(False, False, 0, len(self.sequence), note="Fill every position.")
        if sorted(arranged) != list(range(len(self.sequence))):
            if len(set(arranged)) != len(arranged):
                return Outcome(
                    False, False, 0, len(self.sequence), note="Use each element exactly once."
                )
            raise ValueError(
                f"response must arrange the step indices 0..{len(self.sequence) - 1}, "
                f"got {arranged!r}"
            )
        hits = [step == position for position, step in enumerate(arranged)]
        right = sum(hits)
        correct = right == len(self.sequence)
        shown = [
            self.sequence[step].feedback
            for step, hit in zip(arranged, hits, strict=True)
            if correct or not hit
        ]
        note = f"{right} of {len(self.sequence)} are in the right position."
        return Outcome(True, correct, right, len(self.sequence), tuple(shown), note)

    def display_order(self) -> tuple[int, ...]:
        """The order in which the steps are first shown: shuffled, never already correct.

        Deterministic (seeded by the item id) so the book and saved progress agree.
        """
        order = list(range(len(self.sequence)))
        seed = int(hashlib.sha256(self.id.encode()).hexdigest()[:12], 16)
        random.Random(seed).shuffle(order)
        if order == sorted(order) and len(order) > 1:
            order = order[1:] + order[:1]
        return tuple(order)


@dataclass(frozen=True)
class OpenItem(Item):
    """An open-response item: the reader writes an answer, then compares it with a model
    answer and a rubric checklist and rates it themself.

    It is never graded automatically and does not count toward the score. Response: a
    mapping ``{"text": str, "met": [criterion indices], "rating": one of RATINGS or ""}``.
    """

    model_answer: str = ""
    rubric: tuple[str, ...] = ()

    type = "open"

    def check(self, response: Any) -> Outcome:
        """Record a self-assessment: ``answered`` once the text is written and a rating
        chosen; ``correct`` when the reader rated the answer ``"fully"``. ``right``/``total``
        count the rubric criteria the reader ticked."""
        data = response if isinstance(response, dict) else {"text": response}
        text = str(data.get("text") or "")
        met = sorted({_require_index("criterion", i) for i in data.get("met") or ()})
        if any(i >= len(self.rubric) for i in met):
            raise ValueError(f"criterion indices must be below {len(self.rubric)}, got {met!r}")
        rating = str(data.get("rating") or "")
        if rating and rating not in RATINGS:
            raise ValueError(f"rating must be one of {', '.join(RATINGS)}; got {rating!r}")
        total = len(self.rubric)
        if not text.strip():
            return Outcome(False, False, 0, total, note="Write an answer first.")
        if not rating:
            return Outcome(
                False, False, len(met), total, note="Compare with the model answer, then rate it."
            )
        note = f"Self-assessed: {rating.replace('-', ' ')}; {len(met)} of {total} points covered."
        return Outcome(True, rating == "fully", len(met), total, (), note)


@dataclass(frozen=True)
class Bank:
    """A validated quiz bank."""

    id: str
    title: str
    items: tuple[Item, ...]
    path: Path | None = field(default=None, compare=False)
    digest: str = field(default="", compare=False)

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def item(self, item_id: str) -> Item:
        """Return the item with id ``item_id``."""
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(f"bank {self.id!r} has no item {item_id!r}")

    @property
    def sources(self) -> tuple[str, ...]:
        """Every bib key cited by the bank, in first-use order."""
        return tuple(dict.fromkeys(key for it in self.items for key in it.sources))

    @property
    def graded(self) -> tuple[Item, ...]:
        """The items that count toward the score (every type except ``open``)."""
        return tuple(it for it in self.items if it.type in GRADED_TYPES)

    def type_counts(self) -> dict[str, int]:
        """Number of items of each type, in the order of :data:`ITEM_TYPES`."""
        counts = {t: sum(it.type == t for it in self.items) for t in ITEM_TYPES}
        return {t: n for t, n in counts.items() if n}


def _option_index(value: object, n: int) -> int:
    index = _require_index("response", value)
    if index >= n:
        raise ValueError(f"response must be an option index below {n}, got {value!r}")
    return index


def _parse_number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            return None
    try:
        number = _require_finite("response", value)
    except ValueError:
        return None
    return number
