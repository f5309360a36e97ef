"""Checking quiz banks: the JSON Schema for structure, Python for meaning.

One path for everything (``coursekit check``, ``coursekit quiz export``, ``quiz.show``):
:func:`parse_bank` reads the file safely (:mod:`coursekit.quiz.loader`), validates it
against the published ``bank.schema.json`` with ``jsonschema``, maps every schema error
back to the file, line and item id, and then runs the checks JSON Schema cannot express:
correct-option counts, unique ids and texts (after Unicode normalisation), known match
categories, finite numbers, the safe Markdown of every text, and whether each item can
be written in every export format. A bank that passes here exports without error.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursekit.quiz import markdown
from coursekit.quiz.bibliography import Bibliography, display_path
from coursekit.quiz.loader import DocPath, Document, LoadError, read_document, shorten
from coursekit.quiz.model import (
    Bank,
    Choice,
    Item,
    MatchItem,
    MultipleItem,
    NumericItem,
    OpenItem,
    OrderItem,
    Pair,
    Problem,
    SingleItem,
    Step,
)
from coursekit.quiz.schema import (
    SCHEMA_FILE,
    Collector,
    bank_schema,
    did_you_mean,
    label,
    schema_problems,
)

__all__ = ["SCHEMA_FILE", "Parsed", "bank_schema", "normalise_text", "parse_bank"]

# Bump when the rendered format changes so browsers drop answers saved for the old one.
FORMAT_VERSION = "3"
# Numbers are written in plain decimal in every export: keep them in a sane range.
MAX_MAGNITUDE = 1e15
MIN_MAGNITUDE = 1e-9
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")


def normalise_text(text: str) -> str:
    """The form used to compare texts for look-alike duplicates.

    NFKC, format characters (zero-width spaces, joiners, soft hyphens) removed, case
    folded and whitespace collapsed: ``"Café"`` (NFC), ``"Cafe\\u0301"`` (NFD),
    ``"ca\\u200bfé"`` and ``" CAFÉ "`` are all the same option.
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    text = _INVISIBLE.sub("", text)
    return " ".join(unicodedata.normalize("NFKC", text.casefold()).split())


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


class _ItemChecker:
    def __init__(self, raw: Mapping[str, Any], index: int, out: Collector) -> None:
        self.raw = raw
        self.base: DocPath = ("items", index)
        self.item_id = str(raw["id"])
        self.out = out

    def add(self, message: str, *inner: str | int) -> None:
        self.out.add(message, (*self.base, *inner), self.item_id)

    def markup(self, value: Any, *inner: str | int) -> str:
        text = _text(value)
        for issue in markdown.problems(text):
            self.add(f"{label(inner)}: {issue}", *inner)
        return text

    def unique(self, texts: Sequence[str], what: str, key: str) -> None:
        seen: dict[str, int] = {}
        for n, text in enumerate(texts):
            norm = normalise_text(text)
            if norm in seen:
                first = texts[seen[norm]]
                same = (
                    ""
                    if first == text
                    else f" (it differs from {shorten(first)} only in case, spacing, invisible "
                    "characters or Unicode form)"
                )
                self.add(f"{what} {shorten(text)} appears more than once{same}", key, n)
            else:
                seen[norm] = n

    def build(self) -> Item | None:
        raw = self.raw
        before = len(self.out.problems)
        kind = raw["type"]
        sources = tuple(str(k) for k in raw["sources"])
        for key in sorted({k for k in sources if sources.count(k) > 1}):
            self.add(f"source {key!r} is listed twice", "sources")
        base = dict(
            id=self.item_id,
            prompt=self.markup(raw["prompt"], "prompt"),
            objective=str(raw["objective"]),
            sources=sources,
            explanation=self.markup(raw["explanation"], "explanation"),
            line=self.out.doc.line(self.base),
        )
        item: Item
        if kind in ("single", "multiple"):
            item = self._choices(kind, base)
        elif kind == "numeric":
            item = self._numeric(base)
        elif kind == "match":
            item = self._match(base)
        elif kind == "open":
            item = self._open(base)
        else:
            item = self._order(base)
        if len(self.out.problems) == before:
            from coursekit.quiz.export import export_problems

            for message in export_problems(item):
                self.add(message)
        return item if len(self.out.problems) == before else None

    def _choices(self, kind: str, base: dict[str, Any]) -> Item:
        options = []
        for n, entry in enumerate(self.raw["options"]):
            options.append(
                Choice(
                    self.markup(entry["text"], "options", n, "text"),
                    bool(entry.get("correct", False)),
                    self.markup(entry["feedback"], "options", n, "feedback"),
                )
            )
        n_correct = sum(o.correct for o in options)
        if kind == "single" and n_correct != 1:
            problem = "no correct option" if n_correct == 0 else f"{n_correct} correct options"
            self.add(
                f"{problem}: a single-answer item needs exactly one option with correct: true "
                "(use type: multiple for several)"
            )
        if kind == "multiple" and n_correct == 0:
            self.add(
                "no correct option: a multiple-answer item needs at least one option with "
                "correct: true"
            )
        self.unique([o.text for o in options], "option", "options")
        cls = SingleItem if kind == "single" else MultipleItem
        return cls(**base, options=tuple(options))

    def _number(self, key: str) -> float:
        value = self.raw[key]
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            self.add(f"{key} must be a finite number, got {shorten(value)}", key)
        elif number != 0 and not MIN_MAGNITUDE <= abs(number) <= MAX_MAGNITUDE:
            self.add(
                f"{key} must be 0 or between {MIN_MAGNITUDE:g} and {MAX_MAGNITUDE:g} in size, "
                f"got {shorten(value)} (choose another unit)",
                key,
            )
        return number

    def _numeric(self, base: dict[str, Any]) -> Item:
        answer = self._number("answer")
        tolerance = self._number("tolerance")
        finite = math.isfinite(answer) and math.isfinite(tolerance)
        if finite and answer != 0 and tolerance > 0 and tolerance >= abs(answer) * 10:
            self.add(
                f"tolerance {tolerance:g} is more than ten times the answer {answer:g}; "
                "almost any number would count as correct",
                "tolerance",
            )
        fb = self.raw["feedback"]
        return NumericItem(
            **base,
            answer=answer,
            tolerance=tolerance,
            unit=_text(self.raw.get("unit", "")),
            feedback_correct=self.markup(fb["correct"], "feedback", "correct"),
            feedback_incorrect=self.markup(fb["incorrect"], "feedback", "incorrect"),
        )

    def _match(self, base: dict[str, Any]) -> Item:
        categories = [str(c) for c in self.raw["categories"]]
        for n, c in enumerate(categories):
            self.markup(c, "categories", n)
        self.unique(categories, "category", "categories")
        pairs = []
        for n, entry in enumerate(self.raw["pairs"]):
            text = self.markup(entry["text"], "pairs", n, "text")
            category = str(entry["category"])
            if category not in categories:
                self.add(
                    f"pairs[{n + 1}] ({shorten(text)}) uses unknown category {shorten(category)}"
                    f"{did_you_mean(category, categories)}; categories: "
                    f"{', '.join(shorten(c, 40) for c in categories)}",
                    "pairs",
                    n,
                    "category",
                )
            feedback = self.markup(entry["feedback"], "pairs", n, "feedback")
            pairs.append(Pair(text, category, feedback))
        self.unique([p.text for p in pairs], "statement", "pairs")
        return MatchItem(**base, categories=tuple(categories), pairs=tuple(pairs))

    def _order(self, base: dict[str, Any]) -> Item:
        steps = [
            Step(
                self.markup(entry["text"], "sequence", n, "text"),
                self.markup(entry["feedback"], "sequence", n, "feedback"),
            )
            for n, entry in enumerate(self.raw["sequence"])
        ]
        self.unique([s.text for s in steps], "sequence element", "sequence")
        return OrderItem(**base, sequence=tuple(steps))

    def _open(self, base: dict[str, Any]) -> Item:
        model = self.markup(self.raw["model_answer"], "model_answer")
        rubric = [self.markup(c, "rubric", n) for n, c in enumerate(self.raw["rubric"])]
        self.unique(rubric, "rubric criterion", "rubric")
        if normalise_text(model) == normalise_text(base["explanation"]):
            self.add("model_answer repeats the explanation; say what a good answer contains")
        return OpenItem(**base, model_answer=model, rubric=tuple(rubric))


# --------------------------------------------------------------------------- one bank


Citation = tuple[str, int | None, tuple[str, ...]]


@dataclass
class Parsed:
    """The result of checking one bank file on its own."""

    bank: Bank | None
    problems: list[Problem]
    citations: list[Citation] = field(default_factory=list)


def _digest(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{FORMAT_VERSION}\n{canonical}".encode()).hexdigest()[:16]


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _citations(data: dict[str, Any], doc: Document) -> list[Citation]:
    """(item id, line, sources) of every item with a valid id, even a broken one."""
    out: list[Citation] = []
    items = data.get("items")
    for n, raw in enumerate(items if isinstance(items, list) else ()):
        if not isinstance(raw, dict):
            continue
        item_id = raw.get("id")
        if isinstance(item_id, str) and _SLUG.match(item_id):
            sources = raw.get("sources")
            keys = (
                tuple(k for k in sources if isinstance(k, str) and k.strip())
                if isinstance(sources, list)
                else ()
            )
            out.append((item_id, doc.line(("items", n)), keys))
    return out


def parse_bank(path: Path) -> Parsed:
    """Read and check one bank file on its own (no bibliography, no other banks).

    Never raises for a bad bank: even an unexpected failure of a check becomes a problem
    naming the file.
    """
    shown = display_path(path)
    try:
        return _parse_bank(path, shown)
    except RecursionError:
        return Parsed(None, [Problem(shown, "the bank is nested too deeply to check")])
    except Exception as exc:  # a bug in a check must not hide which file triggered it
        detail = shorten(f"{type(exc).__name__}: {exc}", 200)[1:-1]
        return Parsed(None, [Problem(shown, f"internal error while checking this bank ({detail})")])


def _unique_prompts(items: Sequence[Item], out: Collector) -> None:
    """Two items with the same prompt are a copy-and-paste slip (and QTI refuses them)."""
    seen: dict[str, Item] = {}
    for n, item in enumerate(items):
        key = normalise_text(item.prompt)
        if key in seen:
            out.add(
                f"prompt is the same as the prompt of item {seen[key].id!r}; "
                "each question needs its own wording",
                ("items", n),
                item.id,
            )
        else:
            seen[key] = item


def _parse_bank(path: Path, shown: str) -> Parsed:
    try:
        doc = read_document(path)
    except LoadError as exc:
        return Parsed(None, [Problem(shown, exc.message, exc.line)])
    out = Collector(shown, doc)
    data = doc.data
    if data is None:
        out.add("file is empty; a bank needs id, title and items")
        return Parsed(None, out.problems)
    if not isinstance(data, dict):
        out.add("the top level must be a mapping with id, title and items", ())
        return Parsed(None, out.problems)
    broken = schema_problems(data, out)
    bank_id = data.get("id")
    if isinstance(bank_id, str) and _SLUG.match(bank_id) and bank_id != path.stem:
        out.add(f"bank id {bank_id!r} must equal the file name {path.stem!r}", ("id",))
    title = data.get("title")
    if isinstance(title, str | int | float) and not isinstance(title, bool):
        for issue in markdown.problems(str(title)):
            out.add(f"title: {issue}", ("title",))
    citations = _citations(data, doc)
    items: list[Item] = []
    raw_items = data.get("items")
    if isinstance(raw_items, list):
        seen: dict[str, int] = {}
        for n, raw in enumerate(raw_items):
            raw_id = raw.get("id") if isinstance(raw, dict) else None
            if isinstance(raw_id, str) and raw_id in seen:
                first = doc.line(("items", seen[raw_id]))
                at = f" (first used on line {first})" if first else ""
                out.add(f"duplicate item id: already used in this bank{at}", ("items", n), raw_id)
                line = doc.line(("items", n))
                citations = [c for c in citations if not (c[0] == raw_id and c[1] == line)]
                continue
            if isinstance(raw_id, str):
                seen[raw_id] = n
            if n in broken or not isinstance(raw, dict):
                continue
            item = _ItemChecker(raw, n, out).build()
            if item is not None:
                items.append(item)
        _unique_prompts(items, out)
    problems = sorted(out.problems, key=lambda p: p.line or 0)
    if problems:
        return Parsed(None, problems, citations)
    bank = Bank(str(bank_id), _text(data["title"]), tuple(items), path, _digest(data))
    return Parsed(bank, [], citations)


def check_sources(shown: str, citations: Iterable[Citation], bib: Bibliography) -> list[Problem]:
    """Problems for every cited key that is not in ``bib`` (with a spelling hint)."""
    folded = {k.casefold(): k for k in bib.labels}
    problems = []
    for item_id, line, sources in citations:
        for key in sources:
            if key in bib:
                continue
            if key.casefold() in folded:
                hint = f" (the bibliography spells it {folded[key.casefold()]!r})"
            else:
                hint = did_you_mean(key, list(bib.labels))
            problems.append(
                Problem(
                    shown,
                    f"unknown source key {shorten(key)}: not in {display_path(bib.path)}{hint}",
                    line,
                    item_id,
                )
            )
    return problems
