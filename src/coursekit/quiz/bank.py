"""Quiz banks: the YAML schema, loading, validation and grading.

A bank is one YAML file ``book/quizzes/<bank-id>.yml``. The schema is documented field by
field in ``book/about/instructors.md``. Loading never shows a Python traceback for a
mistake in a bank: every problem becomes a :class:`Problem` naming the file, the line,
the item id and what is wrong.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import json
import random
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from coursekit import _checks, _paths
from coursekit.quiz import markdown

__all__ = [
    "ITEM_TYPES",
    "Bank",
    "BankError",
    "Bibliography",
    "Choice",
    "ChoiceItem",
    "Item",
    "MatchItem",
    "MultipleItem",
    "NumericItem",
    "OrderItem",
    "Outcome",
    "Pair",
    "Problem",
    "SingleItem",
    "Step",
    "ValidationReport",
    "bank_path",
    "load_bank",
    "read_bibliography",
    "validate",
]

ITEM_TYPES = ("single", "multiple", "numeric", "match", "order")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COMMON_REQUIRED = ("id", "type", "prompt", "objective", "sources", "explanation")
_TYPE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # type: (required fields, optional fields)
    "single": (("options",), ()),
    "multiple": (("options",), ()),
    "numeric": (("answer", "tolerance", "feedback"), ("unit",)),
    "match": (("categories", "pairs"), ()),
    "order": (("sequence",), ()),
}
_ALL_TYPE_FIELDS = {name for req, opt in _TYPE_FIELDS.values() for name in (*req, *opt)}
_BANK_FIELDS = ("id", "title", "items")
# Bump when the rendered format changes so browsers drop answers saved for the old one.
_FORMAT_VERSION = "1"


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
        item = f" item {self.item_id!r}:" if self.item_id else ""
        return f"{where}:{item} {self.message}"


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
            _checks.require_choice("category", c, self.categories)
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

    def type_counts(self) -> dict[str, int]:
        """Number of items of each type, in the order of :data:`ITEM_TYPES`."""
        counts = {t: sum(it.type == t for it in self.items) for t in ITEM_TYPES}
        return {t: n for t, n in counts.items() if n}


def _option_index(value: object, n: int) -> int:
    index = _checks.require_int_at_least("response", value, 0)
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
        number = _checks.require_finite("response", value)
    except ValueError:
        return None
    return number


# --------------------------------------------------------------------------- YAML reading


class _LineDict(dict):
    """A mapping that remembers the line it started on."""

    line: int | None = None


class _LineLoader(yaml.SafeLoader):
    """Safe loader that records line numbers and rejects duplicate keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    data = _LineDict()
    data.line = node.start_mark.line + 1
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in data:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        data[key] = loader.construct_object(value_node, deep=True)
    return data


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _display(path: Path) -> str:
    """Show ``path`` relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_yaml(path: Path, shown: str) -> tuple[Any, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, f"is not valid UTF-8 text ({exc.reason})")]
    except OSError as exc:
        return None, [Problem(shown, f"cannot be read: {exc.strerror or exc}")]
    try:
        return yaml.load(text, Loader=_LineLoader), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = f"column {mark.column + 1}: " if mark else ""
        detail = exc.problem or exc.context or "invalid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        return None, [Problem(shown, f"malformed YAML: {col}{detail}{context}", line=line)]
    except yaml.YAMLError as exc:
        return None, [Problem(shown, f"malformed YAML: {exc}")]


# --------------------------------------------------------------------------- validation


class _Collector:
    """Collects problems for one file, with the item and line they belong to."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Problem] = []
        # (item id, line, sources) of every item with a valid id, even a broken one, so
        # ids and sources are checked across banks in the same run as everything else.
        self.citations: list[tuple[str, int | None, tuple[str, ...]]] = []

    def add(self, message: str, *, line: int | None = None, item_id: str | None = None) -> None:
        self.problems.append(Problem(self.shown, message, line, item_id))


def _line(value: object, fallback: int | None) -> int | None:
    return getattr(value, "line", None) or fallback


def _did_you_mean(word: str, options: Sequence[str]) -> str:
    """A ``" (did you mean 'x'?)"`` hint naming the option closest to ``word``, or ``""``."""
    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _text(
    raw: Mapping[str, Any],
    key: str,
    out: _Collector,
    *,
    where: str,
    item_id: str | None,
    line: int | None,
    required: bool = True,
    markup: bool = True,
) -> str:
    """Read a text field: present, a string (numbers are accepted), not blank, valid markup."""
    label = f"{where}{key}"
    if key not in raw:
        if required:
            out.add(f"missing field {label!r}", line=line, item_id=item_id)
        return ""
    value = raw[key]
    if isinstance(value, bool) or value is None or not isinstance(value, str | int | float):
        hint = " (quote the value in YAML)" if isinstance(value, bool) else ""
        shown = json.dumps(value) if isinstance(value, bool | None) else type(value).__name__
        out.add(f"{label} must be text, got {shown}{hint}", line=line, item_id=item_id)
        return ""
    text = str(value)
    if not text.strip():
        if required:
            out.add(f"{label} must not be empty", line=line, item_id=item_id)
        return ""
    if markup:
        for issue in markdown.problems(text):
            out.add(f"{label}: {issue}", line=line, item_id=item_id)
    return text


def _mapping_list(
    raw: Mapping[str, Any], key: str, out: _Collector, *, item_id: str, line: int | None
) -> list[Mapping[str, Any]]:
    if key not in raw:
        out.add(f"missing field {key!r}", line=line, item_id=item_id)
        return []
    value = raw[key]
    if not isinstance(value, list) or not value:
        out.add(f"{key} must be a non-empty list", line=_line(value, line), item_id=item_id)
        return []
    entries = []
    for n, entry in enumerate(value, start=1):
        if isinstance(entry, dict):
            entries.append(entry)
        else:
            out.add(
                f"{key} entry {n} must be a mapping such as {{text: ..., feedback: ...}}",
                line=line,
                item_id=item_id,
            )
    return entries


def _entries(
    raw: Mapping[str, Any],
    key: str,
    fields: Sequence[str],
    out: _Collector,
    *,
    item_id: str,
    line: int | None,
) -> Iterator[tuple[int, Mapping[str, Any], dict[str, Any]]]:
    """Yield ``(number, entry, where)`` for each mapping of the list ``key``, after
    flagging its unknown fields; ``where`` holds the keyword arguments of :func:`_text`."""
    for n, entry in enumerate(_mapping_list(raw, key, out, item_id=item_id, line=line), 1):
        where = dict(where=f"{key}[{n}].", item_id=item_id, line=_line(entry, line))
        _unknown_fields(entry, fields, out, **where)
        yield n, entry, where


def _unknown_fields(
    raw: Mapping[str, Any],
    allowed: Iterable[str],
    out: _Collector,
    *,
    where: str,
    item_id: str | None,
    line: int | None,
) -> None:
    allowed = tuple(allowed)
    for key in raw:
        if key not in allowed:
            hint = _did_you_mean(str(key), allowed)
            out.add(
                f"unknown field {where + str(key)!r}{hint}; allowed: {', '.join(allowed)}",
                line=line,
                item_id=item_id,
            )


def _unique_texts(
    texts: Sequence[str], what: str, out: _Collector, *, item_id: str, line: int | None
) -> None:
    seen: set[str] = set()
    for text in texts:
        norm = " ".join(text.split()).casefold()
        if norm and norm in seen:
            out.add(f"{what} {text!r} appears more than once", line=line, item_id=item_id)
        seen.add(norm)


def _parse_choices(
    raw: Mapping[str, Any], kind: str, out: _Collector, item_id: str, line: int | None
) -> tuple[Choice, ...]:
    choices = []
    fields = ("text", "correct", "feedback")
    for n, entry, where in _entries(raw, "options", fields, out, item_id=item_id, line=line):
        text = _text(entry, "text", out, **where)
        fb = _text(entry, "feedback", out, **where)
        correct = entry.get("correct", False)
        if not isinstance(correct, bool):
            out.add(
                f"options[{n}].correct must be true or false, got {correct!r}",
                line=where["line"],
                item_id=item_id,
            )
            correct = False
        choices.append(Choice(text, correct, fb))
    if not choices:
        return ()
    if len(choices) < 2:
        out.add("needs at least 2 options", line=line, item_id=item_id)
    n_correct = sum(c.correct for c in choices)
    if kind == "single" and n_correct != 1:
        problem = "no correct option" if n_correct == 0 else f"{n_correct} correct options"
        out.add(
            f"{problem}: a single-answer item needs exactly one option with correct: true "
            "(use type: multiple for several)",
            line=line,
            item_id=item_id,
        )
    if kind == "multiple" and n_correct == 0:
        out.add(
            "no correct option: a multiple-answer item needs at least one option with "
            "correct: true",
            line=line,
            item_id=item_id,
        )
    _unique_texts([c.text for c in choices], "option", out, item_id=item_id, line=line)
    return tuple(choices)


def _number(
    raw: Mapping[str, Any], key: str, out: _Collector, item_id: str, line: int | None
) -> float | None:
    if key not in raw:
        out.add(f"missing field {key!r}", line=line, item_id=item_id)
        return None
    try:
        if key == "tolerance":
            return _checks.require_nonnegative(key, raw[key])
        return _checks.require_finite(key, raw[key])
    except ValueError as exc:
        out.add(str(exc), line=line, item_id=item_id)
        return None


def _parse_item(raw: Mapping[str, Any], index: int, out: _Collector) -> Item | None:
    line = _line(raw, None)
    raw_id = raw.get("id")
    item_id = raw_id if isinstance(raw_id, str) and raw_id else None
    label = item_id or f"#{index}"
    before = len(out.problems)

    if "id" not in raw:
        out.add(f"item {label}: missing field 'id'", line=line)
    elif not isinstance(raw_id, str) or not SLUG.match(raw_id):
        out.add(
            f"id must use lowercase letters, digits and single hyphens, got {raw_id!r}",
            line=line,
            item_id=item_id or label,
        )
    item_key = item_id or label

    kind = raw.get("type")
    if "type" not in raw:
        out.add("missing field 'type'", line=line, item_id=item_key)
        kind = None
    else:
        if kind not in ITEM_TYPES:
            out.add(
                f"unknown type {kind!r}; use one of: {', '.join(ITEM_TYPES)}",
                line=line,
                item_id=item_key,
            )
            kind = None

    allowed = list(_COMMON_REQUIRED)
    if kind:
        required, optional = _TYPE_FIELDS[kind]
        allowed += [*required, *optional]
        for key in raw:
            if key in _ALL_TYPE_FIELDS and key not in allowed:
                out.add(
                    f"field {key!r} does not apply to {kind} items",
                    line=line,
                    item_id=item_key,
                )
    _unknown_fields(
        {k: v for k, v in raw.items() if k not in _ALL_TYPE_FIELDS},
        allowed,
        out,
        where="",
        item_id=item_key,
        line=line,
    )

    common = dict(where="", item_id=item_key, line=line)
    prompt = _text(raw, "prompt", out, **common)
    explanation = _text(raw, "explanation", out, **common)
    objective = _text(raw, "objective", out, markup=False, **common)
    if objective and not SLUG.match(objective):
        out.add(
            f"objective must be a slug (lowercase letters, digits, hyphens), got {objective!r}",
            line=line,
            item_id=item_key,
        )
    sources: tuple[str, ...] = ()
    if "sources" not in raw:
        out.add("missing field 'sources'", line=line, item_id=item_key)
    else:
        value = raw["sources"]
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(k, str) and k.strip() for k in value)
        ):
            out.add(
                "sources must be a non-empty list of bib keys, e.g. [lassemo2017]",
                line=line,
                item_id=item_key,
            )
        else:
            sources = tuple(k.strip() for k in value)
            for key in sorted({k for k in sources if sources.count(k) > 1}):
                out.add(f"source {key!r} is listed twice", line=line, item_id=item_key)
    if item_id is not None and SLUG.match(item_id):
        out.citations.append((item_id, line, sources))

    base = dict(
        id=item_key,
        prompt=prompt,
        objective=objective,
        sources=sources,
        explanation=explanation,
        line=line,
    )
    item: Item | None = None
    if kind in ("single", "multiple"):
        options = _parse_choices(raw, kind, out, item_key, line)
        cls = SingleItem if kind == "single" else MultipleItem
        item = cls(**base, options=options)
    elif kind == "numeric":
        item = _parse_numeric(raw, out, item_key, line, base)
    elif kind == "match":
        item = _parse_match(raw, out, item_key, line, base)
    elif kind == "order":
        item = _parse_order(raw, out, item_key, line, base)
    return item if len(out.problems) == before else None


def _parse_numeric(
    raw: Mapping[str, Any],
    out: _Collector,
    item_id: str,
    line: int | None,
    base: dict[str, Any],
) -> NumericItem:
    answer = _number(raw, "answer", out, item_id, line)
    tolerance = _number(raw, "tolerance", out, item_id, line)
    unit = _text(
        raw, "unit", out, where="", item_id=item_id, line=line, required=False, markup=False
    )
    fb_correct = fb_incorrect = ""
    if "feedback" not in raw:
        out.add("missing field 'feedback'", line=line, item_id=item_id)
    elif not isinstance(raw["feedback"], dict):
        out.add(
            "feedback must be a mapping {correct: ..., incorrect: ...}", line=line, item_id=item_id
        )
    else:
        fb = raw["feedback"]
        fline = _line(fb, line)
        where = dict(where="feedback.", item_id=item_id, line=fline)
        _unknown_fields(fb, ("correct", "incorrect"), out, **where)
        fb_correct = _text(fb, "correct", out, **where)
        fb_incorrect = _text(fb, "incorrect", out, **where)
    return NumericItem(
        **base,
        answer=answer or 0.0,
        tolerance=tolerance or 0.0,
        unit=unit,
        feedback_correct=fb_correct,
        feedback_incorrect=fb_incorrect,
    )


def _parse_order(
    raw: Mapping[str, Any],
    out: _Collector,
    item_id: str,
    line: int | None,
    base: dict[str, Any],
) -> OrderItem:
    steps = []
    fields = ("text", "feedback")
    for _n, entry, where in _entries(raw, "sequence", fields, out, item_id=item_id, line=line):
        steps.append(
            Step(_text(entry, "text", out, **where), _text(entry, "feedback", out, **where))
        )
    if steps and len(steps) < 2:
        out.add("an order item needs at least 2 elements", line=line, item_id=item_id)
    _unique_texts([s.text for s in steps], "sequence element", out, item_id=item_id, line=line)
    return OrderItem(**base, sequence=tuple(steps))


def _parse_match(
    raw: Mapping[str, Any],
    out: _Collector,
    item_id: str,
    line: int | None,
    base: dict[str, Any],
) -> MatchItem:
    categories: list[str] = []
    if "categories" not in raw:
        out.add("missing field 'categories'", line=line, item_id=item_id)
    else:
        value = raw["categories"]
        if not isinstance(value, list) or not all(isinstance(c, str) and c.strip() for c in value):
            out.add("categories must be a list of non-empty texts", line=line, item_id=item_id)
        else:
            categories = list(value)
            if len(categories) < 2:
                out.add("a match item needs at least 2 categories", line=line, item_id=item_id)
            _unique_texts(categories, "category", out, item_id=item_id, line=line)
            for c in categories:
                for issue in markdown.problems(c):
                    out.add(f"categories: {issue}", line=line, item_id=item_id)
    pairs = []
    fields = ("text", "category", "feedback")
    for n, entry, where in _entries(raw, "pairs", fields, out, item_id=item_id, line=line):
        text = _text(entry, "text", out, **where)
        category = _text(entry, "category", out, markup=False, **where)
        if category and categories and category not in categories:
            hint = _did_you_mean(category, categories)
            out.add(
                f"pairs[{n}] ({text!r}) uses unknown category {category!r}{hint}; "
                f"categories: {', '.join(map(repr, categories))}",
                line=where["line"],
                item_id=item_id,
            )
        fb = _text(entry, "feedback", out, **where)
        pairs.append(Pair(text, category, fb))
    _unique_texts([p.text for p in pairs], "statement", out, item_id=item_id, line=line)
    return MatchItem(**base, categories=tuple(categories), pairs=tuple(pairs))


def _digest(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{_FORMAT_VERSION}\n{canonical}".encode()).hexdigest()[:16]


@dataclass
class _Parsed:
    bank: Bank | None
    problems: list[Problem]
    citations: list[tuple[str, int | None, tuple[str, ...]]] = field(default_factory=list)


def _parse_bank(path: Path) -> _Parsed:
    """Read and check one bank file on its own (no bibliography, no other banks)."""
    shown = _display(path)
    data, problems = _read_yaml(path, shown)
    if problems:
        return _Parsed(None, problems)
    out = _Collector(shown)
    if data is None:
        out.add("file is empty; a bank needs id, title and items")
        return _Parsed(None, out.problems)
    if not isinstance(data, dict):
        out.add("the top level must be a mapping with id, title and items", line=1)
        return _Parsed(None, out.problems)
    _unknown_fields(data, _BANK_FIELDS, out, where="", item_id=None, line=data.line)
    bank_id = data.get("id")
    if "id" not in data:
        out.add("missing field 'id' (the bank id, equal to the file name without .yml)", line=1)
    elif not isinstance(bank_id, str) or not SLUG.match(bank_id):
        out.add(f"bank id must use lowercase letters, digits and hyphens, got {bank_id!r}", line=1)
    elif bank_id != path.stem:
        out.add(f"bank id {bank_id!r} must equal the file name {path.stem!r}", line=1)
    title = _text(data, "title", out, where="", item_id=None, line=1)
    items: list[Item] = []
    raw_items = data.get("items")
    if "items" not in data:
        out.add("missing field 'items'", line=1)
    elif not isinstance(raw_items, list) or not raw_items:
        out.add("items must be a non-empty list", line=_line(raw_items, 1))
    else:
        seen: dict[str, int | None] = {}
        for n, raw in enumerate(raw_items, start=1):
            if not isinstance(raw, dict):
                out.add(f"item #{n} must be a mapping", line=None)
                continue
            item = _parse_item(raw, n, out)
            raw_id = raw.get("id")
            if isinstance(raw_id, str):
                if raw_id in seen:
                    first = seen[raw_id]
                    at = f" (first used on line {first})" if first else ""
                    out.add(
                        f"duplicate item id: already used in this bank{at}",
                        line=_line(raw, None),
                        item_id=raw_id,
                    )
                    out.citations = [c for c in out.citations if c[1] != _line(raw, None)]
                    continue
                seen[raw_id] = _line(raw, None)
            if item is not None:
                items.append(item)
    problems = sorted(out.problems, key=lambda p: p.line or 0)
    if problems:
        return _Parsed(None, problems, out.citations)
    bank = Bank(str(bank_id), title, tuple(items), path, _digest(data))
    return _Parsed(bank, [], out.citations)


# --------------------------------------------------------------------------- bibliography


@dataclass(frozen=True)
class Bibliography:
    """The keys of ``references.bib`` and a short label for each (``Lassemo et al. 2017``)."""

    path: Path
    labels: Mapping[str, str]
    titles: Mapping[str, str] = field(default_factory=dict)

    def __contains__(self, key: object) -> bool:
        return key in self.labels

    def label(self, key: str) -> str:
        """Return a short author-year label for ``key`` (the key itself when unknown)."""
        return self.labels.get(key, key)


def _latex_text(value: str) -> str:
    try:
        decoded = codecs.decode(value, "ulatex")
    except Exception:  # latexcodec raises on unusual input; fall back to the raw text
        decoded = value
    return " ".join(decoded.replace("{", "").replace("}", "").split())


def _short_label(entry: Any) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    year = _latex_text(entry.fields.get("year", "")) or "n.d."
    if not people:
        org = _latex_text(entry.fields.get("organization", "") or entry.fields.get("title", ""))
        return f"{org} {year}".strip()
    names = []
    for person in people[:3]:
        last = " ".join(part.render_as("text") for part in person.rich_last_names)
        names.append(_latex_text(last))
    if len(people) > 1 and names[min(len(people), 3) - 1].casefold() == "others":
        return f"{names[0]} et al. {year}"
    if len(people) == 1:
        who = names[0]
    elif len(people) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who} {year}"


_BIB_CACHE: dict[tuple[Path, float], Bibliography] = {}


def read_bibliography(path: Path | str) -> Bibliography:
    """Parse ``references.bib`` with pybtex.

    Raises ``FileNotFoundError`` if the file is missing and ``ValueError`` with pybtex's
    message if it cannot be parsed.
    """
    from pybtex.database import parse_file
    from pybtex.exceptions import PybtexError

    path = Path(path)
    stamp = (path.resolve(), path.stat().st_mtime)
    if stamp in _BIB_CACHE:
        return _BIB_CACHE[stamp]
    try:
        data = parse_file(str(path), bib_format="bibtex")
    except PybtexError as exc:
        raise ValueError(f"{_display(path)}: cannot parse the bibliography: {exc}") from exc
    labels = {key: _short_label(entry) for key, entry in data.entries.items()}
    titles = {
        key: _latex_text(entry.fields.get("title", "")) for key, entry in data.entries.items()
    }
    bib = Bibliography(path, labels, titles)
    _BIB_CACHE[stamp] = bib
    return bib


def _check_sources(
    shown: str, citations: Iterable[tuple[str, int | None, tuple[str, ...]]], bib: Bibliography
) -> list[Problem]:
    folded = {k.casefold(): k for k in bib.labels}
    problems = []
    for item_id, line, sources in citations:
        for key in sources:
            if key in bib:
                continue
            if key.casefold() in folded:
                hint = f" (the bibliography spells it {folded[key.casefold()]!r})"
            else:
                hint = _did_you_mean(key, list(bib.labels))
            problems.append(
                Problem(
                    shown,
                    f"unknown source key {key!r}: not in {_display(bib.path)}{hint}",
                    line,
                    item_id,
                )
            )
    return problems


# --------------------------------------------------------------------------- public entry points


def bank_path(bank_id_or_path: str | Path, *, book: Path | None = None) -> Path:
    """Resolve a bank id (``"demo"``) or a path to the bank's YAML file.

    An id is looked up as ``<book>/quizzes/<id>.yml``, where ``<book>`` defaults to the
    ``book/`` folder found by walking up from the working directory.
    """
    text = str(bank_id_or_path)
    if isinstance(bank_id_or_path, Path) or text.endswith((".yml", ".yaml")) or "/" in text:
        path = Path(bank_id_or_path)
        if not path.is_file():
            raise FileNotFoundError(f"quiz bank file {text!r} does not exist")
        return path
    if not SLUG.match(text):
        raise ValueError(f"bank id must use lowercase letters, digits and hyphens, got {text!r}")
    folder = (book or _paths.book_dir()) / "quizzes"
    path = folder / f"{text}.yml"
    if not path.is_file():
        available = sorted(p.stem for p in folder.glob("*.yml"))
        listing = ", ".join(available) if available else "none"
        raise FileNotFoundError(
            f"no quiz bank {text!r}: {_display(path)} does not exist (available: {listing})"
        )
    return path


def load_bank(bank_id_or_path: str | Path, *, book: Path | None = None) -> Bank:
    """Load and check one bank by id or path; raise :class:`BankError` listing its problems.

    Source keys are checked against the bibliography by :func:`validate` (and
    ``coursekit check``), not here, so a notebook can show a quiz while
    ``references.bib`` is being edited.
    """
    parsed = _parse_bank(bank_path(bank_id_or_path, book=book))
    if parsed.problems or parsed.bank is None:
        raise BankError(parsed.problems)
    return parsed.bank


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate` found: the banks that loaded and every problem."""

    banks: tuple[Bank, ...]
    problems: tuple[Problem, ...]
    bibliography: Path | None = None

    @property
    def ok(self) -> bool:
        """True when there are no problems."""
        return not self.problems

    def __bool__(self) -> bool:
        return self.ok


def validate(
    target: str | Path | Iterable[str | Path] | None = None,
    *,
    bibliography: str | Path | None = None,
) -> ValidationReport:
    """Check banks on their own, against each other and against the bibliography.

    ``target`` is a folder of banks (default: ``book/quizzes``), one bank file, or a list
    of bank files. ``bibliography`` defaults to ``references.bib`` next to the quiz folder.
    Item ids must be unique across all banks checked together.
    """
    if target is None:
        target = _paths.book_dir() / "quizzes"
    if isinstance(target, str | Path) and Path(target).is_dir():
        folder = Path(target)
        paths = sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
    else:
        paths = [Path(target)] if isinstance(target, str | Path) else [Path(p) for p in target]
        folder = paths[0].parent if paths else Path.cwd()
    bib_path = Path(bibliography) if bibliography else folder.parent / "references.bib"

    parsed: list[tuple[str, _Parsed]] = []
    problems: list[Problem] = []
    for path in paths:
        if path.suffix == ".yaml":
            problems.append(
                Problem(_display(path), "quiz banks must use the .yml extension (rename the file)")
            )
        elif not path.is_file():
            problems.append(Problem(_display(path), "does not exist"))
        else:
            parsed.append((_display(path), _parse_bank(path)))

    bib: Bibliography | None = None
    if not bib_path.is_file():
        if paths:
            problems.append(
                Problem(
                    _display(bib_path),
                    "bibliography not found; every item's sources must be keys in it",
                )
            )
    else:
        try:
            bib = read_bibliography(bib_path)
        except ValueError as exc:
            problems.append(Problem(_display(bib_path), str(exc)))

    banks: list[Bank] = []
    first_use: dict[str, tuple[str, int | None]] = {}
    for shown, result in parsed:
        found = list(result.problems)
        for item_id, line, _sources in result.citations:
            if item_id in first_use:
                other, other_line = first_use[item_id]
                at = f"{other}:{other_line}" if other_line else other
                found.append(
                    Problem(shown, f"duplicate item id: already used in {at}", line, item_id)
                )
            else:
                first_use[item_id] = (shown, line)
        if bib is not None:
            found += _check_sources(shown, result.citations, bib)
        problems += sorted(found, key=lambda p: p.line or 0)
        if result.bank is not None and not found:
            banks.append(result.bank)
    return ValidationReport(tuple(banks), tuple(problems), bib_path if bib else None)
