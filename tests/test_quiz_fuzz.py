"""Fuzzing the quiz bank command line with Hypothesis.

Properties, for random YAML documents, random text and mutations of a valid bank:

- ``coursekit check`` and ``coursekit quiz export FILE`` never print a traceback and exit
  with 0 or 1;
- every failure names the file (with a line where the mistake has one);
- every call ends within a time bound;
- a bank that checks exports to GIFT and to an answer key, and both hold every item.

Example counts are modest so the suite runs in well under a minute on two cores.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import time
import types
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit.cli import main

BIB = "@article{k2020, author = {Kay, Ann}, title = {T}, journal = {J}, year = {2020}}\n"
TIME_LIMIT = 10.0  # seconds per command: generous, the point is "never hangs"
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
    database=None,
)


@pytest.fixture(scope="module", autouse=True)
def no_datasets() -> Iterator[None]:
    """``coursekit check`` also checks the datasets; keep these runs about quiz banks."""
    name = "coursekit.evidence.datasets"
    module = types.ModuleType(name)
    module.check_datasets = lambda: []  # type: ignore[attr-defined]
    saved = sys.modules.get(name)
    sys.modules[name] = module
    yield
    if saved is None:
        sys.modules.pop(name, None)
    else:
        sys.modules[name] = saved


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/index\n", encoding="utf-8")
    (root / "book" / "quizzes").mkdir(parents=True)
    (root / "book" / "references.bib").write_text(BIB, encoding="utf-8")
    return root / "book"


def run(args: list[str]) -> tuple[int, str, str, float]:
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - start


def assert_clean_failure(code: int, err: str, path: Path, elapsed: float, *, summary: str) -> None:
    assert elapsed < TIME_LIMIT, f"took {elapsed:.1f}s"
    assert code in (0, 1)
    assert "Traceback" not in err and 'File "' not in err
    assert "internal error" not in err, err[:500]
    if code == 0:
        return
    lines = err.splitlines()
    assert lines, "a failure must say something"
    for line in lines:
        if line.startswith(summary):
            continue
        assert line.startswith(str(path)), f"does not name the file: {line[:200]!r}"
        assert len(line) < 2000
    # a YAML syntax error has a line: it must be given
    for line in lines:
        if "malformed YAML" in line and "column" in line:
            assert re.match(rf"{re.escape(str(path))}:\d+: ", line), line[:200]


def check_and_export(book: Path, text: str | bytes) -> tuple[int, str]:
    path = book / "quizzes" / "fuzz.yml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, _out, err, elapsed = run(["check", "--book", str(book)])
    assert_clean_failure(code, err, path, elapsed, summary="coursekit check:")
    export_code, gift, err, elapsed = run(["quiz", "export", str(path)])
    assert_clean_failure(export_code, err, path, elapsed, summary="coursekit quiz export:")
    # one validation path: a bank that checks exports. (check also compares source keys
    # with references.bib, which export does not need, so the converse need not hold.)
    if code == 0:
        assert export_code == 0, err[:500]
    return code, gift


# --------------------------------------------------------------------------- strategies

TEXT = st.text(max_size=40)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | TEXT
KEYS = st.sampled_from(
    ["id", "title", "items", "type", "prompt", "options", "text", "correct", "feedback",
     "answer", "tolerance", "pairs", "categories", "sequence", "sources", "explanation",
     "objective", "unit"]
) | TEXT  # fmt: skip
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(KEYS, children, max_size=6),
    max_leaves=30,
)


def valid_bank(texts: list[str] | None = None) -> dict[str, Any]:
    t = iter(texts or [])

    def word(default: str) -> str:
        return f"{default} {next(t, '')}".strip()

    common = {"objective": "o", "sources": ["k2020"]}
    return {
        "id": "fuzz",
        "title": word("Fuzz"),
        "items": [
            {
                "id": "fuzz-single",
                "type": "single",
                "prompt": word("Pick"),
                "explanation": word("Because"),
                **common,
                "options": [
                    {"text": word("1."), "correct": True, "feedback": word("yes")},
                    {"text": word("2."), "correct": False, "feedback": word("no")},
                ],
            },
            {
                "id": "fuzz-multiple",
                "type": "multiple",
                "prompt": word("Pick some"),
                "explanation": word("Because"),
                **common,
                "options": [
                    {"text": word("1."), "correct": True, "feedback": word("a")},
                    {"text": word("2."), "correct": True, "feedback": word("b")},
                    {"text": word("3."), "correct": False, "feedback": word("c")},
                ],
            },
            {
                "id": "fuzz-numeric",
                "type": "numeric",
                "prompt": word("How many"),
                "explanation": word("Because"),
                **common,
                "answer": 0.000125,
                "tolerance": 0.00001,
                "unit": "mg",
                "feedback": {"correct": word("yes"), "incorrect": word("no")},
            },
            {
                "id": "fuzz-match",
                "type": "match",
                "prompt": word("Sort"),
                "explanation": word("Because"),
                **common,
                "categories": ["X", "Y"],
                "pairs": [
                    {"text": word(f"{n}."), "category": "XY"[n % 2], "feedback": word("f")}
                    for n in range(3)
                ],
            },
            {
                "id": "fuzz-order",
                "type": "order",
                "prompt": word("Order"),
                "explanation": word("Because"),
                **common,
                "sequence": [{"text": word(f"{n}."), "feedback": word("g")} for n in range(3)],
            },
        ],
    }


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            yield from _paths(value, (*prefix, n))


@st.composite
def mutated_banks(draw: st.DrawFn) -> dict[str, Any]:
    data = valid_bank()
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["delete", "replace", "duplicate"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(DOCUMENTS)
        elif isinstance(parent, list):
            parent.append(parent[path[-1]])
        else:
            parent[path[-1]] = [parent[path[-1]], parent[path[-1]]]
    return data


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


# --------------------------------------------------------------------------- properties


@FUZZ
@given(DOCUMENTS)
def test_random_documents_never_crash(book: Path, data: Any) -> None:
    check_and_export(book, dump(data))


@FUZZ
@given(st.text(max_size=300) | st.binary(max_size=300))
def test_random_text_never_crashes(book: Path, text: str | bytes) -> None:
    check_and_export(book, text)


@FUZZ
@given(mutated_banks())
def test_mutated_banks_never_crash(book: Path, data: dict[str, Any]) -> None:
    check_and_export(book, dump(data))


@FUZZ
@given(st.data())
def test_text_mutations_of_a_valid_bank_never_crash(book: Path, data: st.DataObject) -> None:
    text = dump(valid_bank())
    for _ in range(data.draw(st.integers(1, 3))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 40)))
        insert = data.draw(st.text(max_size=20) | st.sampled_from(["*a", "&a ", "? [", "{", "\t"]))
        text = text[:start] + insert + text[end:]
    check_and_export(book, text)


SAFE_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="$[]\\`*_<&"
    ),
    max_size=30,
)


def _gift_questions(gift: str) -> list[str]:
    return re.findall(r"^::(.+?)::", gift, flags=re.MULTILINE)


@FUZZ
@given(st.lists(SAFE_TEXT, min_size=30, max_size=30))
def test_valid_banks_round_trip_through_both_exports(book: Path, texts: list[str]) -> None:
    data = valid_bank(texts)
    code, gift = check_and_export(book, dump(data))
    assert code == 0, "a valid bank with unicode text must check"
    ids = [item["id"] for item in data["items"]]
    assert _gift_questions(gift) == ids
    numbers = re.findall(r"\{#\s*=([^:]+):([^#]+)#", gift)
    assert [(float(a), float(t)) for a, t in numbers] == [(0.000125, 0.00001)]
    assert all("e" not in a + t for a, t in numbers)
    path = book / "quizzes" / "fuzz.yml"
    code, key, err, _elapsed = run(["quiz", "export", str(path), "--format", "answer-key"])
    assert code == 0, err
    for n, item_id in enumerate(ids, start=1):
        assert f"## {n}. `{item_id}`" in key
    pytest.importorskip("text2qti")
    zipped = book / "fuzz.zip"
    code, _out, err, _elapsed = run(
        ["quiz", "export", str(path), "--format", "qti", "-o", str(zipped)]
    )
    assert code == 0, err
    with zipfile.ZipFile(zipped) as archive:
        xml = [archive.read(n) for n in archive.namelist() if n.endswith(".xml")]
    titles = [
        el.get("title")
        for doc in xml
        for el in ElementTree.fromstring(doc).iter()
        if el.tag.endswith("}item")
    ]
    assert titles == ids[:3]  # match and order items are reported, not exported
    assert err.count("not exported") == 2
