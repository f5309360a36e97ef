"""No hand-typed numeric claims in the course text.

Scans the Markdown of every page (``book/**/*.md``), the markdown cells of every notebook
(``book/**/*.ipynb``, read only) and the text fields of every quiz bank for numeric claims:
percentages, effect sizes (``d = 0.9``, ``g = 0.24``, SMD, odds ratios), sample sizes
(``n = 30``, ``30 participants``), p-values, confidence intervals, ``±`` spreads, doses and
other measured quantities (``mg``, ``mmHg`` ...) and dates of events (``4 June 2024``,
``December 2001``).

A claim is fine when its figure comes from the data:

* in pages and notebooks, through the ``{ck}`` role, ``{glue:text}``/``{glue}`` or ``{eval}``
  (roles are removed before the scan, so only hand-typed figures remain);
* in quiz banks (plain YAML text, where roles are not available), when every number in the
  claim is a value stored in a dataset (the helper shared with ``test_quiz_explanations``).

Anything else fails unless the line is listed in ``tests/prose_allowlist.yml`` (section
``prose``) by file and a stable substring, with a reason. ``book/reference/glossary.md`` is not
scanned: it is generated from the ``glossary`` dataset (``tests/test_data.py`` checks that it is
in sync), so its figures already live in data.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
ALLOWLIST = Path(__file__).resolve().parent / "prose_allowlist.yml"
GENERATED = {"book/reference/glossary.md"}


def _helpers():
    spec = importlib.util.spec_from_file_location(
        "_quiz_number_helpers", Path(__file__).resolve().parent / "test_quiz_explanations.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


helpers = _helpers()

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# a number, including psychometric decimals written without the leading zero (α = .94)
NUM = r"[−-]?(?:\d(?:[\d,]*\d)?(?:\.\d+)?|\.\d+)"
CLAIM_PATTERNS: dict[str, re.Pattern[str]] = {
    "percentage": re.compile(rf"(?<![\w.]){NUM}\s?%"),
    "effect size": re.compile(
        rf"(?<!\w)(?:d|g|r|SMD|OR|RR|HR|NNT|κ|α)\s?(?:=|<|>|≈|≥|≤)\s?{NUM}|"
        rf"\b(?:SMD|odds ratio|risk ratio|Cohen's d|Hedges' g)\s+(?:of\s+)?{NUM}"
    ),
    "sample size": re.compile(
        rf"(?<!\w)[nN]\s?=\s?\d|(?<![Pp]hase )(?<![\w.\-]){NUM}\s+(?:participants|patients|people|"
        r"persons|volunteers|veterans|users|subjects|adults|women|men|civilians|respondents|students|"
        r"studies|trials|RCTs|cases|deaths|responders|controls|infusions)\b"
    ),
    "p-value": re.compile(r"(?<!\w)[pP]\s?(?:=|<|>|≤|≥)\s?0?\.\d"),
    "confidence interval": re.compile(rf"\b(?:CI|HDI)\b\s*[=:,]?\s*{NUM}"),
    "spread": re.compile(rf"{NUM}\s?±\s?{NUM}"),
    "dose or measurement": re.compile(
        rf"(?<![\w.]){NUM}\s?(?:mg/kg|mg|µg|mcg|mmHg|ng/mL|pg/mL|mmol/L|µM)(?!\w)"
    ),
    "date": re.compile(rf"\b\d{{1,2}}\s(?:{MONTHS})\s\d{{4}}\b|\b(?:{MONTHS})\s\d{{4}}\b"),
}

ROLES = re.compile(
    r"\{(?:ck|glue:text|glue:md|glue|eval|cite(?::[a-z]+)?|doc|term|ref|numref|download)\}`[^`]*`"
)
INLINE_CODE = re.compile(r"``[^`]*``|`[^`]*`")
URL = re.compile(r"https?://\S+")
LABELS = re.compile(r"95\s?%\s?(?=CI\b|HDI\b|confidence|credible)")
CODE_FENCE = re.compile(r"^\s*(```+|~~~+)\s*(\{[^}]*\})?")


def clean(line: str) -> str:
    """Remove roles (data-driven figures, citations), inline code, URLs and interval labels."""
    line = ROLES.sub(" ", line)
    line = INLINE_CODE.sub(" ", line)
    line = URL.sub(" ", line)
    return LABELS.sub(" ", line)


def claims_in(line: str) -> list[tuple[str, str]]:
    """(kind, matched text) for every numeric claim left in ``line`` after :func:`clean`."""
    text = clean(line)
    return [(kind, m.group(0)) for kind, pat in CLAIM_PATTERNS.items() for m in pat.finditer(text)]


def _prose_lines(text: str) -> Iterator[str]:
    """Lines of Markdown outside plain code fences (directive fences such as ```{note} stay)."""
    stack: list[tuple[str, bool]] = []  # (fence marker, is a plain code block)
    for line in text.splitlines():
        match = CODE_FENCE.match(line)
        if match:
            marker = match.group(1)
            if stack and line.strip() == stack[-1][0]:
                stack.pop()
                continue
            if not (stack and stack[-1][1]):
                stack.append((marker, match.group(2) is None))
                continue
        if any(plain for _, plain in stack):
            continue
        yield line


def _bank_texts(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in {"id", "type", "objective", "sources", "answer", "tolerance", "correct"} and (
                not isinstance(value, str) or key != "correct"
            ):
                continue
            yield from _bank_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _bank_texts(value)


def scanned_lines() -> Iterator[tuple[str, str, str]]:
    """(file, kind of file, line) for every line the audit reads."""
    for path in sorted(BOOK.rglob("*.md")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in GENERATED or "_build" in path.parts:
            continue
        for line in _prose_lines(path.read_text(encoding="utf-8")):
            yield rel, "page", line
    for path in sorted(BOOK.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts or "_build" in path.parts:
            continue
        rel = path.relative_to(ROOT).as_posix()
        for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
            if cell.get("cell_type") != "markdown":
                continue
            src = cell.get("source", "")
            for line in _prose_lines("".join(src) if isinstance(src, list) else src):
                yield rel, "notebook", line
    for path in sorted((BOOK / "quizzes").glob("*.yml")):
        rel = path.relative_to(ROOT).as_posix()
        bank = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for text in _bank_texts(bank):
            for line in text.splitlines():
                yield rel, "bank", line


def allowlist() -> list[dict[str, str]]:
    raw = yaml.safe_load(ALLOWLIST.read_text(encoding="utf-8")) or {}
    entries = raw.get("prose", []) or []
    for entry in entries:
        assert {"file", "contains", "why"} <= set(entry), f"incomplete allow-list entry: {entry}"
        assert str(entry["why"]).strip(), f"allow-list entry without a reason: {entry}"
    return entries


def _allowed(rel: str, line: str, entries: list[dict[str, str]]) -> dict[str, str] | None:
    for entry in entries:
        if entry["file"] == rel and entry["contains"] in line:
            return entry
    return None


def unsupported_claims(rel: str, kind: str, line: str) -> list[str]:
    found = claims_in(line)
    if kind == "bank":
        # Quiz text has no roles: a claim is supported when all its numbers are dataset values.
        found = [(k, m) for k, m in found if helpers.unmatched_numbers(m)]
    return [f"{k}: {m!r}" for k, m in found]


# ---------------------------------------------------------------------------
# The detector itself
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kinds"),
    [
        ("Of 4,961 eligible people, 1,792 responded (36%).", {"percentage"}),
        (
            "In 30 civilians the effect was d = 1.13 (95% CI 0.36–1.91).",
            {"sample size", "effect size", "confidence interval"},
        ),
        ("The difference was significant (p = 0.022).", {"p-value"}),
        ("a single infusion of 0.5 mg/kg", {"dose or measurement"}),
        ("approved on 5 March 2019 and again in December 2001", {"date"}),
        ("lasted 34.44 ± 19.12 days", {"spread"}),
        (
            "Of {ck}`facts/heir2019-eligible/value` eligible people "
            "({ck}`facts/heir2019-response-rate/value`%)",
            set(),
        ),
        ("*d* = {glue:text}`mapp1_d:.2f` in {glue:text}`n` participants", set()),
        ("The PCL-5 has 20 items; DSM-5 (2013) and the Phase 3 trials", set()),
        ("see `d = 0.8` in code and {cite:p}`mitchell2021`", set()),
    ],
)
def test_claim_detector(line: str, kinds: set[str]) -> None:
    assert {k for k, _ in claims_in(line)} == kinds


def test_bank_claims_are_checked_against_the_data() -> None:
    assert unsupported_claims("book/quizzes/x.yml", "bank", "g = 0.20 (95% CI −0.08 to 0.48)") == []
    assert unsupported_claims("book/quizzes/x.yml", "bank", "g = 0.72") != []
    assert unsupported_claims("book/about/x.md", "page", "g = 0.20") != []


# ---------------------------------------------------------------------------
# The audit
# ---------------------------------------------------------------------------


def test_no_hand_typed_numeric_claims() -> None:
    entries = allowlist()
    problems = []
    for rel, kind, line in scanned_lines():
        bad = unsupported_claims(rel, kind, line)
        if bad and _allowed(rel, line, entries) is None:
            problems.append(f"{rel}: {'; '.join(bad)} :: {line.strip()[:110]}")
    assert not problems, (
        f"{len(problems)} hand-typed numeric claim(s); move the figure into a dataset and use "
        "{ck}/{glue}, or allow-list the line with a reason:\n" + "\n".join(problems)
    )


def test_allowlist_is_short_and_every_entry_is_used() -> None:
    entries = allowlist()
    assert len(entries) <= 25, "the allow-list is meant to stay short"
    lines = list(scanned_lines())
    for entry in entries:
        hits = [
            (rel, kind, line)
            for rel, kind, line in lines
            if rel == entry["file"] and entry["contains"] in line
        ]
        assert hits, f"allow-list entry matches no line: {entry['file']}: {entry['contains']!r}"
        assert any(unsupported_claims(*hit) for hit in hits), (
            f"allow-list entry is no longer needed: {entry['file']}: {entry['contains']!r}"
        )
