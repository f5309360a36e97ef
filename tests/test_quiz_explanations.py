"""Every number in a quiz item's explanation or feedback agrees with the course's data.

A number in an explanation or a feedback text passes when it appears as a value in some row of
some dataset (``src/coursekit/datasets/*.csv``: trials, facts, epidemiology, treatments,
timeline, glossary ...), when it is a year cited in ``book/references.bib``, or when the item is
listed with that number in ``tests/prose_allowlist.yml`` (section ``quiz``) with a reason. A
number that matches nothing makes the test fail: fix the text, or add the checked figure to a
dataset (usually ``facts``) with its source and confidence.

The datasets are read directly from their CSV files, so this test does not depend on how the
``coursekit`` package is laid out.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BANKS = ROOT / "book" / "quizzes"
BIB = ROOT / "book" / "references.bib"
ALLOWLIST = Path(__file__).resolve().parent / "prose_allowlist.yml"

# Free-text columns that describe or annotate a row; numbers inside them are not data values.
_NOT_VALUES = {"notes", "statement", "reference", "recompute_note", "status_reason", "note"}

# A number: not glued to a letter, digit, dot or hyphen before it (so "PCL-5", "DSM-5", "CYP2D6",
# "NCT04560660" and "MP4" are not numbers), and not followed by a letter or by "-letter"
# (so "5-HT2A" and "2R" are not numbers either). Thousands separators are allowed.
NUMBER = re.compile(
    r"(?<![\w.\-/])[−-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])"
    r"|(?<![\w.\-/])[−-]?\d+(?:\.\d+)?(?![\w]|-[A-Za-z]|\.\d)"
)


def datasets_dir() -> Path:
    """The directory holding the dataset CSVs (``src/coursekit/datasets`` or its new home)."""
    for candidate in (
        ROOT / "src" / "coursekit" / "datasets",
        ROOT / "src" / "coursekit" / "evidence" / "datasets",
    ):
        if (candidate / "trials.csv").is_file():
            return candidate
    raise FileNotFoundError("no datasets directory with trials.csv found")


def normalise(token: str) -> float:
    """``"1,634"`` -> 1634.0, ``"−0.17"`` -> 0.17 (signs are ignored: texts say "fell by 12.7")."""
    cleaned = token.replace("−", "-").replace(",", "").lstrip("+-")
    return round(abs(float(cleaned)), 6)


# Labels that contain digits but state no finding: the level of an interval and a rate's base.
LABELS = re.compile(r"95\s?%\s?(?=CI\b|HDI\b|confidence|credible)|per 100,000")


def numbers_in(text: str) -> list[str]:
    """The number tokens in ``text`` as written (``"1,634"``, ``"0.20"``, ``"−0.08"``)."""
    return [m.group(0) for m in NUMBER.finditer(LABELS.sub(" ", text or ""))]


def _cell_numbers(raw: str) -> Iterator[float]:
    raw = raw.strip()
    if not raw:
        return
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        d = date.fromisoformat(raw)
        yield float(d.year)
        yield float(d.day)
        return
    for token in numbers_in(raw):
        yield normalise(token)


@functools.cache
def data_values() -> frozenset[float]:
    """Every number stored as a value in any dataset row (dates give their year and day)."""
    values: set[float] = set()
    for path in sorted(datasets_dir().glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for col, raw in row.items():
                    if col is None or col in _NOT_VALUES or raw is None:
                        continue
                    values.update(_cell_numbers(raw))
    return frozenset(values)


@functools.cache
def cited_years() -> frozenset[float]:
    text = BIB.read_text(encoding="utf-8")
    return frozenset(float(y) for y in re.findall(r"^\s*year\s*=\s*\{?(\d{4})", text, re.M))


def is_data_number(token: str, values: frozenset[float] | None = None) -> bool:
    """True when ``token`` equals a value stored in the datasets (or a cited year)."""
    values = data_values() if values is None else values
    number = normalise(token)
    if number in values:
        return True
    return bool(re.fullmatch(r"(19|20)\d\d", token)) and number in cited_years()


def unmatched_numbers(text: str, values: frozenset[float] | None = None) -> list[str]:
    """The numbers in ``text`` that match no dataset value."""
    return [t for t in numbers_in(text) if not is_data_number(t, values)]


# ---------------------------------------------------------------------------
# Quiz texts
# ---------------------------------------------------------------------------

_FEEDBACK_KEYS = {"explanation", "feedback", "correct", "incorrect"}


def _feedback_texts(node: object, inside_feedback: bool = False) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str):
                if key in _FEEDBACK_KEYS or (inside_feedback and key in {"correct", "incorrect"}):
                    yield value
            else:
                yield from _feedback_texts(value, inside_feedback or key == "feedback")
    elif isinstance(node, list):
        for value in node:
            yield from _feedback_texts(value, inside_feedback)


def quiz_feedback() -> Iterator[tuple[str, str, str]]:
    """(bank id, item id, text) for every explanation and feedback text in every bank."""
    for path in sorted(BANKS.glob("*.yml")):
        bank = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in bank.get("items", []) or []:
            for text in _feedback_texts(item):
                yield path.stem, str(item.get("id")), text


def quiz_allowlist() -> dict[tuple[str, str], set[float]]:
    raw = yaml.safe_load(ALLOWLIST.read_text(encoding="utf-8")) or {}
    out: dict[tuple[str, str], set[float]] = {}
    for entry in raw.get("quiz", []) or []:
        assert entry.get("why"), f"allow-list entry without a reason: {entry}"
        key = (entry["bank"], entry["item"])
        out.setdefault(key, set()).update(normalise(str(n)) for n in entry["numbers"])
    return out


# ---------------------------------------------------------------------------
# Tests of the helpers: the check must be able to fail
# ---------------------------------------------------------------------------

TOY = frozenset({0.27, 0.03, 0.51, 1634.0, 88.0, 2017.0})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("g = 0.27 (95% CI 0.03 to 0.51)", []),
        ("g = 0.72 (95% CI 0.03 to 0.51)", ["0.72"]),
        ("1,634 people; 88 per 100,000", []),
        ("in 95 people", ["95"]),
        ("a swapped figure: 1,643 people", ["1,643"]),
        ("PCL-5, DSM-5, CYP2D6, 5-HT2A and NCT04560660 are names, not numbers", []),
        ("−0.51 to −0.03", []),
    ],
)
def test_number_matching_helper(text: str, expected: list[str]) -> None:
    assert unmatched_numbers(text, TOY) == expected


def test_a_wrong_number_is_caught_against_the_real_data() -> None:
    # Borgogna 2024 reported g = 0.27 overall and 0.20 after bias correction; 0.72 is no value.
    assert unmatched_numbers("The corrected estimate was g = 0.20.") == []
    assert unmatched_numbers("The corrected estimate was g = 0.72.") == ["0.72"]
    # The Norwegian incidence figures are 88 (women) and 31 (men) per 100,000 person-years.
    assert unmatched_numbers("88 and 31 per 100,000") == []
    assert unmatched_numbers("88 and 38.1 per 100,000") == ["38.1"]


def test_allowlist_entries_are_used() -> None:
    """Each quiz allow-list number still occurs in its item and is still not in the data."""
    texts: dict[tuple[str, str], str] = {}
    for bank, item, text in quiz_feedback():
        texts[(bank, item)] = texts.get((bank, item), "") + "\n" + text
    for (bank, item), numbers in quiz_allowlist().items():
        assert (bank, item) in texts, f"allow-list names a missing item {bank}/{item}"
        present = {normalise(t) for t in numbers_in(texts[(bank, item)])}
        for number in numbers:
            assert number in present, f"{bank}/{item}: allow-listed {number} no longer in the text"
            assert number not in data_values(), (
                f"{bank}/{item}: {number} is now a dataset value; remove it from the allow-list"
            )


# ---------------------------------------------------------------------------
# The real check
# ---------------------------------------------------------------------------


def test_every_quiz_number_agrees_with_the_data() -> None:
    allowed = quiz_allowlist()
    problems = []
    for bank, item, text in quiz_feedback():
        extra = allowed.get((bank, item), set())
        bad = [t for t in unmatched_numbers(text) if normalise(t) not in extra]
        if bad:
            problems.append(f"{bank}/{item}: {', '.join(bad)} in {text[:90]!r}")
    assert not problems, "numbers not found in any dataset:\n" + "\n".join(problems)
