"""Quiz banks from people we do not control: safe loading, one validation path, exports
that always succeed for a bank that checks, and answers that stay out of the markup."""

from __future__ import annotations

import base64
import importlib
import json
import re
import shutil
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from coursekit import quiz
from coursekit.cli import main
from coursekit.quiz import markdown
from coursekit.quiz.export import plain_number, to_answer_key, to_gift
from coursekit.quiz.loader import MAX_BYTES, load_text
from coursekit.quiz.render import decode_payload, render_static
from coursekit.quiz.validate import bank_schema, normalise_text

ROOT = Path(__file__).resolve().parents[1]
QUIZZES = ROOT / "book" / "quizzes"
SCHEMA = ROOT / "src" / "coursekit" / "quiz" / "bank.schema.json"
BIB = "@article{k2020, author = {Kay, Ann}, title = {T}, journal = {J}, year = {2020}}\n"
HEADER = "# yaml-language-server: $schema=../../src/coursekit/quiz/bank.schema.json\n"


def _common(item_id: str, kind: str) -> dict[str, Any]:
    return {
        "id": item_id,
        "type": kind,
        "prompt": f"Question {item_id}?",
        "objective": "o",
        "sources": ["k2020"],
        "explanation": "Explained.",
    }


def good_bank(bank_id: str = "t") -> dict[str, Any]:
    """One valid item of every type."""
    return {
        "id": bank_id,
        "title": "Test",
        "items": [
            {
                **_common(f"{bank_id}-single", "single"),
                "options": [
                    {"text": "Right", "correct": True, "feedback": "Yes, right."},
                    {"text": "Wrong", "correct": False, "feedback": "No, wrong."},
                ],
            },
            {
                **_common(f"{bank_id}-multiple", "multiple"),
                "options": [
                    {"text": "A", "correct": True, "feedback": "fa"},
                    {"text": "B", "correct": True, "feedback": "fb"},
                    {"text": "C", "correct": False, "feedback": "fc"},
                ],
            },
            {
                **_common(f"{bank_id}-numeric", "numeric"),
                "answer": 0.0000001,
                "tolerance": 0.00000002,
                "unit": "mg",
                "feedback": {"correct": "Yes.", "incorrect": "No."},
            },
            {
                **_common(f"{bank_id}-match", "match"),
                "categories": ["X", "Y"],
                "pairs": [
                    {"text": f"s{n}", "category": "X" if n % 2 else "Y", "feedback": f"f{n}"}
                    for n in range(3)
                ],
            },
            {
                **_common(f"{bank_id}-order", "order"),
                "sequence": [{"text": f"step {n}", "feedback": f"g{n}"} for n in range(3)],
            },
        ],
    }


@pytest.fixture
def book(tmp_path: Path) -> Path:
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/index\n", encoding="utf-8")
    (tmp_path / "book" / "quizzes").mkdir(parents=True)
    (tmp_path / "book" / "references.bib").write_text(BIB, encoding="utf-8")
    return tmp_path / "book"


@pytest.fixture(autouse=True)
def no_datasets(monkeypatch: pytest.MonkeyPatch) -> None:
    """``coursekit check`` also checks datasets; these tests are about quiz banks only."""
    module = types.ModuleType("coursekit.evidence.datasets")
    module.check_datasets = lambda: []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "coursekit.evidence.datasets", module)


def write(book: Path, name: str, content: str | bytes | dict[str, Any]) -> Path:
    path = book / "quizzes" / f"{name}.yml"
    if isinstance(content, dict):
        content = yaml.safe_dump(content, sort_keys=False, allow_unicode=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def problems(book: Path) -> list[quiz.Problem]:
    return list(quiz.validate(book / "quizzes").problems)


def one_problem(book: Path) -> quiz.Problem:
    found = problems(book)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- safe YAML

BILLION_LAUGHS = 'lol: &lol0 "lol"\n' + "".join(
    f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 10)}]\n" for i in range(1, 10)
)


def test_billion_laughs_fails_fast_with_a_clear_message(book: Path) -> None:
    text = "id: t\n" + BILLION_LAUGHS.replace("lol: ", "title: ")
    assert 700 <= len(text.encode()) <= 800
    write(book, "t", text)
    start = time.perf_counter()
    problem = one_problem(book)
    assert time.perf_counter() - start < 1.0
    assert problem.line is not None
    assert "aliases" in problem.message and "more than" in problem.message


def test_an_alias_that_refers_to_itself_is_a_message(book: Path) -> None:
    write(book, "t", "id: t\ntitle: &a [*a]\nitems: []\n")
    problem = one_problem(book)
    assert "refers to itself" in problem.message and problem.line == 2


def test_a_few_small_aliases_still_load(book: Path) -> None:
    common = {"objective": "o", "sources": ["k2020"], "explanation": "E."}
    data = good_bank()
    for item in data["items"]:
        item.update(common)
    text = yaml.safe_dump(data, sort_keys=False)  # PyYAML writes the shared dict as aliases
    assert "*id001" in text
    write(book, "t", text)
    assert problems(book) == []


def test_unhashable_key_is_one_line_with_file_and_line(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(book, "t", "id: t\ntitle: T\n? [a, b]\n: 1\nitems: []\n")
    problem = one_problem(book)
    assert problem.line == 3 and "field name" in problem.message
    code, _out, err = run_cli(["check", "--book", str(book)], capsys)
    assert code == 1 and "Traceback" not in err
    assert err.splitlines()[0].startswith(f"{path}:3: ")


DEEP = ["[" * 10_000, "{a: " * 5_000, "items:\n  " + "- " * 2_000 + "x\n"]


@pytest.mark.parametrize("text", DEEP, ids=["flow-lists", "flow-maps", "block"])
def test_deep_nesting_is_a_message_not_a_recursion_error(book: Path, text: str) -> None:
    write(book, "t", text)
    problem = one_problem(book)
    assert "nested more than" in problem.message and problem.line is not None


def test_oversized_file_is_refused_quickly(book: Path) -> None:
    line = "x" * (52 * 1024 * 1024)
    write(book, "t", "id: t\ntitle: " + line + "\n")
    start = time.perf_counter()
    problem = one_problem(book)
    assert time.perf_counter() - start < 5
    assert f"larger than {MAX_BYTES // 1_000_000} MB" in problem.message
    assert len(str(problem)) < 300


def test_long_values_are_shortened_in_messages(book: Path) -> None:
    data = good_bank()
    data["items"][0]["id"] = "X" * 1_500_000
    write(book, "t", data)
    found = problems(book)
    assert found and all(len(str(p)) < 1000 for p in found)
    assert any("…" in str(p) for p in found)


def test_non_text_field_names_and_tags_are_refused(book: Path) -> None:
    write(book, "t", "id: t\ntitle: T\ntrue: 1\nitems: []\n")
    assert "must be text" in one_problem(book).message
    write(book, "t", "id: t\ntitle: !!python/object:os.system ls\nitems: []\n")
    problem = one_problem(book)
    assert problem.line == 2


def test_loader_records_lines() -> None:
    doc = load_text(HEADER + "id: t\nitems:\n  - id: a\n    prompt: p\n")
    assert doc.lines[("id",)] == 2
    assert doc.line(("items", 0)) == 4
    assert doc.line(("items", 0, "prompt")) == 5


def test_schema_comment_line_at_the_top_does_not_break_loading(book: Path) -> None:
    write(book, "t", HEADER + yaml.safe_dump(good_bank(), sort_keys=False))
    assert problems(book) == []


# --------------------------------------------------------------------------- the schema


def test_schema_is_draft_2020_12_and_accepts_every_bank_in_the_book() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert bank_schema() == schema
    validator = jsonschema.Draft202012Validator(schema)
    banks = sorted(QUIZZES.glob("*.yml"))
    assert banks
    for path in banks:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], f"{path.name}: {errors}"


def test_schema_rejects_what_check_rejects() -> None:
    validator = jsonschema.Draft202012Validator(bank_schema())
    data = good_bank()
    data["items"][3]["pairs"].pop()  # two pairs: GIFT matching needs three
    assert list(validator.iter_errors(data))
    data = good_bank()
    data["items"][2]["sequence"] = []  # a field of another type
    assert list(validator.iter_errors(data))


def test_schema_error_names_line_and_item(book: Path) -> None:
    data = good_bank()
    data["items"][1]["options"][2]["correct"] = "yes"
    path = write(book, "t", data)
    problem = one_problem(book)
    assert problem.item_id == "t-multiple"
    assert "options[3].correct must be true or false" in problem.message
    lines = path.read_text(encoding="utf-8").splitlines()
    assert problem.line is not None and "correct: 'yes'" in lines[problem.line - 1]


def test_exponent_written_as_text_gets_a_hint(book: Path) -> None:
    text = yaml.safe_dump(good_bank(), sort_keys=False).replace("answer: 1.0e-07", "answer: 1e-3")
    assert "answer: 1e-3" in text
    write(book, "t", text)
    problem = one_problem(book)
    assert problem.item_id == "t-numeric"
    assert "answer must be a number" in problem.message
    assert "1.0e-3" in problem.message and "0.001" in problem.message


# --------------------------------------------------------------------------- duplicates


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Caf\u00e9", "Cafe\u0301"),  # NFC and NFD
        ("Placebo", "Pla\u200bcebo"),  # zero-width space
        ("Placebo", "  placebo "),  # case and spacing
        ("Placebo", "Place\u00adbo"),  # soft hyphen
        ("ﬁve", "five"),  # compatibility ligature
    ],
)
def test_look_alike_duplicate_options_are_caught(book: Path, first: str, second: str) -> None:
    assert normalise_text(first) == normalise_text(second)
    data = good_bank()
    data["items"][0]["options"] = [
        {"text": first, "correct": True, "feedback": "a"},
        {"text": second, "correct": False, "feedback": "b"},
    ]
    write(book, "t", data)
    problem = one_problem(book)
    assert problem.item_id == "t-single" and "appears more than once" in problem.message


def test_different_options_are_not_duplicates() -> None:
    assert normalise_text("Café") != normalise_text("Cafe")
    assert normalise_text("a b") != normalise_text("ab")


# --------------------------------------------------------------------------- math and links


def test_text_with_less_than_in_math_keeps_its_text_and_balanced_markup() -> None:
    html = markdown.to_html(r"$\text{a<b}$ and $x<y$")
    assert markdown.problems(r"$\text{a<b}$") == []
    assert "a&lt;b" in html
    assert markdown.text_content(html).startswith("a<b")
    for tag in ("math", "mrow", "mtext"):
        assert html.count(f"<{tag}") == html.count(f"</{tag}>")


def test_safe_links_only() -> None:
    assert '<a href="mailto:a@b.org">' in markdown.to_html("[m](mailto:a@b.org)")
    assert '<a href="../about/index.html">' in markdown.to_html("[r](../about/index.html)")
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x"):
        html = markdown.to_html(f"[x]({bad})")
        assert "<a " not in html
        assert markdown.problems(f"[x]({bad})")
    assert "&lt;b&gt;" in markdown.to_html("<b>raw</b>")


# --------------------------------------------------------------------------- one path


def test_a_bank_that_checks_exports_in_every_format(
    book: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(book, "t", good_bank())
    assert run_cli(["check", "--book", str(book)], capsys)[0] == 0
    for fmt in ("gift", "answer-key"):
        code, out, err = run_cli(["quiz", "export", str(path), "--format", fmt], capsys)
        assert code == 0, err
        assert out


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["items"][3]["pairs"].pop(), "at least 3 statements"),
        (lambda d: d["items"][4]["sequence"].pop(), "at least 3 elements"),
        (
            lambda d: d["items"][1].update(
                options=[{"text": f"o{n}", "correct": n < 11, "feedback": "f"} for n in range(12)]
            ),
            "Moodle cannot weight 11 correct",
        ),
    ],
)
def test_what_export_refuses_check_refuses(
    book: Path, capsys: pytest.CaptureFixture[str], change: Any, words: str
) -> None:
    data = good_bank()
    change(data)
    path = write(book, "t", data)
    code, _out, err = run_cli(["check", "--book", str(book)], capsys)
    assert code == 1 and words in err
    code, out, err = run_cli(["quiz", "export", str(path)], capsys)
    assert code == 1 and out == "" and words in err
    with pytest.raises(quiz.BankError, match=words):
        quiz.show(path)


# --------------------------------------------------------------------------- GIFT numbers


def _gift_numbers(gift: str) -> list[str]:
    return re.findall(r"\{#\s*=\s*([^:#\s]+):([^#\s]+)#", gift)


def test_gift_numbers_are_plain_decimal(book: Path) -> None:
    bank = quiz.load_bank(write(book, "t", good_bank()))
    gift = to_gift(bank)
    numbers = _gift_numbers(gift.replace("\n", " "))
    assert numbers == [("0.0000001", "0.00000002")]
    for answer, tolerance in numbers:
        assert re.fullmatch(r"-?\d+(\.\d+)?", answer) and re.fullmatch(r"\d+(\.\d+)?", tolerance)
        assert float(answer) == 1e-7 and float(tolerance) == 2e-8
    assert "e-0" not in to_answer_key(bank)


@pytest.mark.parametrize("value", [1e-7, 2.5e-9, 123456789012.5, 1e15, -3.25e-5, 0.1, 42.0])
def test_plain_number_round_trips(value: float) -> None:
    text = plain_number(value)
    assert "e" not in text.lower() and float(text) == value


# --------------------------------------------------------------------------- CLI safety


@pytest.mark.parametrize("target", ["same", "other-bank", "new.yaml"])
def test_export_never_overwrites_a_bank(
    book: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    path = write(book, "t", good_bank())
    other = write(book, "u", good_bank("u"))
    before = path.read_bytes(), other.read_bytes()
    out = {"same": path, "other-bank": other, "new.yaml": book / "quizzes" / "new.yaml"}[target]
    code, _out, err = run_cli(["quiz", "export", str(path), "-o", str(out)], capsys)
    assert code == 1 and "refusing to write" in err and "Traceback" not in err
    assert (path.read_bytes(), other.read_bytes()) == before
    # the same file spelt another way is refused too
    sneaky = book / "quizzes" / ".." / "quizzes" / "t.yml"
    code, _out, err = run_cli(["quiz", "export", str(path), "--output", str(sneaky)], capsys)
    assert code == 1 and "refusing to write" in err


def test_unexpected_errors_are_one_line(
    book: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(book, "t", good_bank())

    def boom(*_a: Any, **_k: Any) -> str:
        raise RuntimeError("something odd\nwith two lines")

    monkeypatch.setattr(importlib.import_module("coursekit.quiz.export"), "to_gift", boom)
    code, _out, err = run_cli(["quiz", "export", str(path)], capsys)
    assert code == 1
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "internal error (RuntimeError)" in err


# --------------------------------------------------------------------------- rendering


def test_rendering_is_deterministic_across_banks_and_calls(book: Path) -> None:
    bank = quiz.load_bank(write(book, "t", good_bank()))
    other = quiz.load_bank(write(book, "u", good_bank("u")))
    first = render_static(bank)
    render_static(other)
    assert render_static(bank) == first
    ids = re.findall(r' id="([^"]+)"', first)
    assert len(ids) == len(set(ids))
    assert all(i.startswith("ckq-t") for i in ids)
    assert 'id="ckq-t-t-single"' in first


def _bank_paths() -> list[Path]:
    return sorted(QUIZZES.glob("*.yml"))


def _hidden_texts(item: quiz.Item) -> Iterator[str]:
    yield item.explanation
    if isinstance(item, quiz.SingleItem | quiz.MultipleItem):
        for option in item.options:
            yield option.feedback
    elif isinstance(item, quiz.NumericItem):
        yield item.feedback_correct
        yield item.feedback_incorrect
    elif isinstance(item, quiz.MatchItem):
        for pair in item.pairs:
            yield pair.feedback
    elif isinstance(item, quiz.OrderItem):
        for step in item.sequence:
            yield step.feedback


@pytest.mark.parametrize("path", _bank_paths(), ids=lambda p: p.stem)
def test_static_html_of_every_bank_hides_answers_and_explanations(path: Path) -> None:
    bank = quiz.load_bank(path)
    html = render_static(bank)
    visible = markdown.text_content(html)
    for item in bank.items:
        for text in _hidden_texts(item):
            shown = markdown.to_text(text)
            words = shown if len(shown) <= 40 else shown[:40]
            if len(words) >= 12:  # very short feedback ("Yes.") can occur anywhere
                assert words not in visible, f"{item.id}: {words!r} is readable"
                assert words not in html, f"{item.id}: {words!r} is in the markup"
        if isinstance(item, quiz.NumericItem):
            node = re.search(rf'data-item-id="{item.id}"[^>]*>', html)
            assert node
            tag = re.sub(r'data-quiz-payload="[^"]*"', "", node.group(0))
            assert plain_number(item.answer) not in tag
        if isinstance(item, quiz.SingleItem | quiz.MultipleItem):
            # which option is correct is not in the markup: every option looks the same
            assert "data-correct" not in html
            assert not re.search(r"<input[^>]*\bchecked\b", html)
    # ... but the encoded payload carries them, for quiz.js to reveal after an answer
    payloads = re.findall(r'data-quiz-payload="([^"]+)"', html)
    assert len(payloads) == len(bank)
    decoded = [decode_payload(p) for p in payloads]
    assert all("explanation" in d for d in decoded)


def test_payload_round_trips_non_ascii_through_quiz_js_decoder() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    js = (ROOT / "src" / "coursekit" / "static" / "quiz.js").read_text(encoding="utf-8")
    match = re.search(r"function decode\(token\) \{.*?\n  \}\n", js, re.S)
    assert match, "quiz.js has no decode(token) function"
    data = {"text": "Benzenhöfer – ✓ 日本語 😀 «»", "n": [1, 2.5]}
    token = base64.b64encode(json.dumps(data, ensure_ascii=False).encode("utf-8")).decode()
    script = match.group(0) + f"process.stdout.write(JSON.stringify(decode({token!r})));"
    done = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == data


def test_quiz_js_batches_storage_writes() -> None:
    js = (ROOT / "src" / "coursekit" / "static" / "quiz.js").read_text(encoding="utf-8")
    assert js.count("localStorage.setItem") == 1
    assert "setTimeout(flush" in js
    # the click path updates one item, never serialises every item's DOM state
    act = re.search(r"function act\(.*?\n    \}\n", js, re.S)
    assert act and "items.forEach" not in act.group(0)
    assert act.group(0).index("check(it") < act.group(0).index("persist(it)")


# --------------------------------------------------------------------------- found by fuzzing


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("id: t\ntitle: T\x1f\n", 2),  # a control character PyYAML's reader refuses
        ("items: true\n", 1),  # items of the wrong type
        ("id: t\ntitle: T\nitems:\n  - id: a\n    type: [order, order]\n", 5),  # unhashable type
    ],
)
def test_fuzz_regressions_are_messages_with_a_line(
    book: Path, capsys: pytest.CaptureFixture[str], text: str, line: int
) -> None:
    path = write(book, "t", text)
    found = problems(book)
    assert found and all("internal error" not in str(p) for p in found)
    assert any(p.line == line for p in found), found
    code, _out, err = run_cli(["quiz", "export", str(path)], capsys)
    assert code == 1 and "Traceback" not in err and str(path) in err


def test_unknown_field_points_at_its_own_line_and_is_shortened(book: Path) -> None:
    data = good_bank()
    data["items"][2]["tolerence"] = 1
    data["items"][2]["k" * 10_000] = 1
    path = write(book, "t", data)
    found = problems(book)
    assert len(found) == 2, found
    lines = path.read_text(encoding="utf-8").splitlines()
    typo = next(p for p in found if "tolerence" in p.message)
    assert "did you mean 'tolerance'" in typo.message
    assert typo.line is not None and lines[typo.line - 1].lstrip().startswith("tolerence:")
    long = next(p for p in found if p is not typo)
    assert len(str(long)) < 1000 and "…" in long.message
