"""Exports: Moodle GIFT (read back with a reference reader) and the Markdown answer key."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from coursekit import quiz
from coursekit.quiz import markdown
from coursekit.quiz.export import ExportError, gift_escape, to_answer_key, to_gift

DEMO = Path(__file__).resolve().parents[1] / "book" / "quizzes" / "demo.yml"

# Grade percentages Moodle accepts on import ("Error if grade not listed"), from its
# question bank grade menu.
MOODLE_PERCENTS = {
    100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667,
    14.28571, 12.5, 11.11111, 10, 5,
}  # fmt: skip

# --------------------------------------------------------------------------- reference reader
# Follows Moodle's GIFT import: escaped characters are swapped for placeholders first,
# the answer block is the text between the first "{" and the first "}", general feedback
# follows the last "####", numeric answers start with "#", multiple choice contains "~",
# matching contains "=" and "->".

_ESCAPES = ["\\:", "\\#", "\\=", "\\{", "\\}", "\\~", "\\n"]
_CHARS = [":", "#", "=", "{", "}", "~", "\n"]


def _protect(text: str) -> str:
    text = text.replace("\\\\", "\ue000")
    for n, esc in enumerate(_ESCAPES):
        text = text.replace(esc, chr(0xE001 + n))
    return text


def _restore(text: str) -> str:
    for n, char in enumerate(_CHARS):
        text = text.replace(chr(0xE001 + n), char)
    return text.replace("\ue000", "\\").strip()


def _split_feedback(answer: str) -> tuple[str, str]:
    text, _, feedback = answer.partition("#")
    return _restore(text), _restore(feedback)


def read_gift(text: str) -> list[dict[str, Any]]:
    questions = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = [line for line in block.splitlines() if not line.strip().startswith("//")]
        body = _protect("\n".join(lines).strip())
        if not body or body.startswith("$CATEGORY:"):
            continue
        assert body.startswith("::"), body[:80]
        name, rest = body[2:].split("::", 1)
        start, end = rest.index("{"), rest.index("}")
        assert rest[end + 1 :].strip() == "", "text after the answer block"
        prompt, answers = rest[:start], rest[start + 1 : end]
        general = ""
        if "####" in answers:
            answers, general = answers.rsplit("####", 1)
        answers = answers.strip()
        q: dict[str, Any] = {
            "name": _restore(name),
            "prompt": _restore(prompt),
            "general": _restore(general),
        }
        if answers.startswith("#"):
            rest_answers, _, wrong = answers[1:].partition("~")
            q["type"] = "numeric"
            q["answers"] = []
            for part in [p for p in rest_answers.split("=") if p.strip()]:
                value, feedback = _split_feedback(part)
                number, _, tolerance = value.partition(":")
                q["answers"].append((float(number), float(tolerance or 0), feedback))
            q["wrong_feedback"] = _split_feedback(wrong)[1] if wrong else ""
        elif "~" in answers:
            q["type"] = "multichoice"
            q["single"] = "=" in answers
            q["answers"] = []
            for part in [p.strip() for p in answers.replace("=", "~=").split("~") if p.strip()]:
                if part.startswith("="):
                    weight, part = 100.0, part[1:]
                elif match := re.match(r"^%(-?[0-9.]+)%", part):
                    weight, part = float(match.group(1)), part[match.end() :]
                else:
                    weight = 0.0
                answer, feedback = _split_feedback(part)
                q["answers"].append((weight, answer, feedback))
        elif "=" in answers and "->" in answers:
            q["type"] = "match"
            q["pairs"] = []
            for part in [p for p in answers.split("=") if p.strip()]:
                left, _, right = part.partition("->")
                q["pairs"].append((_restore(left), _restore(right)))
        else:
            q["type"] = "other"
        questions.append(q)
    return questions


def text_of(html: str) -> str:
    """The text of exported HTML, TeX delimiters removed: ``\\(x\\)`` becomes ``x``."""
    return markdown.text_content(html).replace("\\(", "").replace("\\)", "")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def raw_demo() -> list[dict[str, Any]]:
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))["items"]


@pytest.fixture(scope="module")
def demo_gift() -> dict[str, dict[str, Any]]:
    return {q["name"]: q for q in read_gift(to_gift(quiz.load_bank(DEMO)))}


def _write(tmp_path: Path, items: list[dict[str, Any]], bank_id: str = "x") -> quiz.Bank:
    path = tmp_path / f"{bank_id}.yml"
    data = {"id": bank_id, "title": "Export test", "items": items}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return quiz.load_bank(path)


def _common(item_id: str, kind: str, prompt: str = "Question?") -> dict[str, Any]:
    return {
        "id": item_id,
        "type": kind,
        "prompt": prompt,
        "objective": "o",
        "sources": ["k2020"],
        "explanation": "Explained.",
    }


def _options(correct: int, wrong: int) -> list[dict[str, Any]]:
    return [
        {"text": f"right {n}", "correct": True, "feedback": f"fb right {n}"} for n in range(correct)
    ] + [
        {"text": f"wrong {n}", "correct": False, "feedback": f"fb wrong {n}"} for n in range(wrong)
    ]


# --------------------------------------------------------------------------- GIFT, every type


def test_gift_has_one_question_per_item(demo_gift: dict, raw_demo: list) -> None:
    assert list(demo_gift) == [it["id"] for it in raw_demo]
    for item in raw_demo:
        q = demo_gift[item["id"]]
        assert q["prompt"].startswith("[html]")
        assert text_of(q["prompt"][6:]).startswith(markdown.to_plain(item["prompt"]))
        assert text_of(q["general"]).startswith(markdown.to_plain(item["explanation"]))
        assert "Sources:" in q["general"]


def test_gift_single(demo_gift: dict, raw_demo: list) -> None:
    for item in [it for it in raw_demo if it["type"] == "single"]:
        q = demo_gift[item["id"]]
        assert q["type"] == "multichoice" and q["single"]
        assert [w for w, _a, _f in q["answers"]] == [
            100.0 if o["correct"] else 0.0 for o in item["options"]
        ]
        for (_w, answer, feedback), option in zip(q["answers"], item["options"], strict=True):
            assert text_of(answer) == markdown.to_plain(option["text"])
            assert text_of(feedback) == markdown.to_plain(option["feedback"])


def test_gift_single_writes_math_as_tex(demo_gift: dict) -> None:
    q = demo_gift["demo-rescorla-wagner-lambda"]
    assert r"\(\Delta V = \alpha\beta(\lambda - \Sigma V)\)" in q["prompt"]
    assert q["answers"][0][1] == r"\(\lambda = 0\)"


def test_gift_multiple_weights(demo_gift: dict, raw_demo: list) -> None:
    item = next(it for it in raw_demo if it["type"] == "multiple")
    q = demo_gift[item["id"]]
    assert q["type"] == "multichoice" and not q["single"]
    weights = [w for w, _a, _f in q["answers"]]
    right = [w for w, o in zip(weights, item["options"], strict=True) if o["correct"]]
    wrong = [w for w, o in zip(weights, item["options"], strict=True) if not o["correct"]]
    assert sum(right) == pytest.approx(100, abs=1e-3)
    assert sum(wrong) == pytest.approx(-100, abs=1e-3)
    assert all(w > 0 for w in right) and all(w < 0 for w in wrong)
    assert {abs(w) for w in weights} <= MOODLE_PERCENTS


@pytest.mark.parametrize(("n_right", "n_wrong"), [(1, 1), (2, 2), (3, 1), (4, 3), (6, 2)])
def test_gift_multiple_weights_for_several_shapes(
    tmp_path: Path, n_right: int, n_wrong: int
) -> None:
    bank = _write(tmp_path, [{**_common("x-m", "multiple"), "options": _options(n_right, n_wrong)}])
    (q,) = read_gift(to_gift(bank))
    weights = [w for w, _a, _f in q["answers"]]
    assert sum(w for w in weights if w > 0) == pytest.approx(100, abs=1e-3)
    assert sum(w for w in weights if w < 0) == pytest.approx(-100, abs=1e-3)
    assert {abs(w) for w in weights} <= MOODLE_PERCENTS


def test_gift_numeric(demo_gift: dict, raw_demo: list) -> None:
    item = next(it for it in raw_demo if it["type"] == "numeric")
    q = demo_gift[item["id"]]
    assert q["type"] == "numeric"
    ((value, tolerance, feedback),) = q["answers"]
    assert (value, tolerance) == (item["answer"], item["tolerance"])
    assert text_of(feedback) == item["feedback"]["correct"]
    assert text_of(q["wrong_feedback"]) == item["feedback"]["incorrect"]
    assert f"in {item['unit']}" in text_of(q["prompt"])


def test_gift_match(demo_gift: dict, raw_demo: list) -> None:
    item = next(it for it in raw_demo if it["type"] == "match")
    q = demo_gift[item["id"]]
    assert q["type"] == "match"
    assert [(text_of(a), b) for a, b in q["pairs"]] == [
        (p["text"], p["category"]) for p in item["pairs"]
    ]
    # per-statement feedback, which GIFT matching cannot hold, is in the general feedback
    for pair in item["pairs"]:
        assert pair["feedback"] in text_of(q["general"])


def test_gift_match_keeps_unused_categories_as_extra_answers(tmp_path: Path) -> None:
    pairs = [{"text": f"s{n}", "category": "A", "feedback": f"f{n}"} for n in range(3)]
    item = {**_common("x-match", "match"), "categories": ["A", "B"], "pairs": pairs}
    (q,) = read_gift(to_gift(_write(tmp_path, [item])))
    assert q["pairs"] == [("s0", "A"), ("s1", "A"), ("s2", "A"), ("", "B")]


def test_gift_order_becomes_matching_to_positions(demo_gift: dict, raw_demo: list) -> None:
    item = next(it for it in raw_demo if it["type"] == "order")
    q = demo_gift[item["id"]]
    assert q["type"] == "match"
    positions = {text_of(a): int(b) for a, b in q["pairs"]}
    assert positions == {s["text"]: n for n, s in enumerate(item["sequence"], start=1)}
    assert [text_of(a) for a, _b in q["pairs"]] != [s["text"] for s in item["sequence"]]
    assert "position" in text_of(q["prompt"])


def test_gift_escapes_special_characters(tmp_path: Path) -> None:
    nasty = r"a~b = c#d {e} f:g \h"
    item = {
        **_common("x-esc", "single", prompt=f"Prompt {nasty}"),
        "options": [
            {"text": f"yes {nasty}", "correct": True, "feedback": f"fb {nasty}"},
            {"text": "no", "correct": False, "feedback": "plain"},
        ],
    }
    gift = to_gift(_write(tmp_path, [item]))
    body = gift.split("::x-esc::", 1)[1]
    assert "{" not in body.split("{", 1)[0].replace("\\{", "")  # only escaped braces in prompt
    for char in "~=#{}:":
        assert f"\\{char}" in body
    (q,) = read_gift(gift)
    assert text_of(q["prompt"].removeprefix("[html]")) == f"Prompt {nasty}"
    assert text_of(q["answers"][0][1]) == f"yes {nasty}"
    assert text_of(q["answers"][0][2]) == f"fb {nasty}"
    assert gift_escape("x\ny") == "x y"


def test_gift_bank_text_cannot_inject_markup(tmp_path: Path) -> None:
    item = {
        **_common("x-xss", "single", prompt="<script>alert(1)</script>"),
        "options": [
            {"text": "<img src=x onerror=alert(1)>", "correct": True, "feedback": "ok"},
            {"text": "no", "correct": False, "feedback": "<script>x</script>"},
        ],
    }
    gift = to_gift(_write(tmp_path, [item]))
    assert "<script" not in gift and "<img" not in gift
    assert "&lt;script&gt;" in gift


# --------------------------------------------------------------------------- unsupported


def _problems(tmp_path: Path, items: list[dict[str, Any]]) -> str:
    with pytest.raises(quiz.BankError) as info:
        _write(tmp_path, items)
    return str(info.value)


def test_match_with_two_pairs_is_refused_when_loading(tmp_path: Path) -> None:
    pairs = [{"text": f"s{n}", "category": "A" if n else "B", "feedback": "f"} for n in range(2)]
    message = _problems(
        tmp_path, [{**_common("x-two", "match"), "categories": ["A", "B"], "pairs": pairs}]
    )
    assert "item 'x-two': a match item needs at least 3 statements" in message


def test_order_with_two_elements_is_refused_when_loading(tmp_path: Path) -> None:
    steps = [{"text": "a", "feedback": "f"}, {"text": "b", "feedback": "g"}]
    message = _problems(tmp_path, [{**_common("x-ord", "order"), "sequence": steps}])
    assert re.search(r"item 'x-ord':.*at least 3 elements", message)


def test_unweightable_multiple_is_refused_and_every_bad_item_is_named(tmp_path: Path) -> None:
    steps = [{"text": "a", "feedback": "f"}, {"text": "b", "feedback": "g"}]
    items = [
        {**_common("x-many", "multiple"), "options": _options(11, 1)},
        {**_common("x-ord", "order"), "sequence": steps},
        {**_common("x-fine", "multiple"), "options": _options(2, 2)},
    ]
    message = _problems(tmp_path, items)
    assert "x-many" in message and "11 correct" in message
    assert "x-ord" in message
    assert "x-fine" not in message


def test_exporter_still_refuses_items_built_in_python() -> None:
    """A bank built in code (bypassing the checks) still fails clearly, never silently."""
    item = quiz.MatchItem(
        id="x-two",
        prompt="Sort.",
        objective="o",
        sources=("k2020",),
        explanation="E.",
        categories=("A", "B"),
        pairs=(quiz.Pair("s1", "A", "f"), quiz.Pair("s2", "B", "f")),
    )
    bank = quiz.Bank("x", "X", (item,))
    with pytest.raises(ExportError, match=r"item 'x-two': GIFT matching needs at least 3 pairs"):
        to_gift(bank)


def test_unknown_format_is_rejected() -> None:
    with pytest.raises(ExportError, match="format must be one of gift, answer-key"):
        quiz.export(quiz.load_bank(DEMO), "qti")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- answer key


def test_answer_key_lists_answers_explanations_and_sources(raw_demo: list) -> None:
    key = to_answer_key(quiz.load_bank(DEMO))
    sections = re.split(r"^## ", key, flags=re.MULTILINE)[1:]
    assert len(sections) == len(raw_demo)
    for section, item in zip(sections, raw_demo, strict=True):
        assert f"`{item['id']}`" in section.splitlines()[0]
        assert " ".join(item["explanation"].split())[:40] in section
        for source in item["sources"]:
            assert f"(`{source}`)" in section
        if item["type"] in ("single", "multiple"):
            for option in item["options"]:
                marker = "**Correct**" if option["correct"] else "Wrong"
                assert f"- {marker}: {option['text']}" in section
        elif item["type"] == "numeric":
            low, high = item["answer"] - item["tolerance"], item["answer"] + item["tolerance"]
            assert f"**Answer:** {item['answer']} {item['unit']}" in section
            assert f"from {low} to {high}" in section
        elif item["type"] == "match":
            for pair in item["pairs"]:
                assert f"- {pair['text']} → **{pair['category']}**" in section
        else:
            numbered = re.findall(r"^(\d+)\. (.+?)  $", section, flags=re.MULTILINE)
            assert [t for _n, t in numbered] == [s["text"] for s in item["sequence"]]
    assert "Lassemo et al. 2017" in key  # short label from references.bib


def test_answer_key_names_each_items_objective_with_its_text(raw_demo: list) -> None:
    texts = {item["objective"]: f"Objective text for {item['objective']}." for item in raw_demo}
    key = to_answer_key(quiz.load_bank(DEMO), objectives=texts)
    sections = re.split(r"^## ", key, flags=re.MULTILINE)[1:]
    for section, item in zip(sections, raw_demo, strict=True):
        line = next(ln for ln in section.splitlines() if ln.startswith("**Objective:**"))
        assert line == f"**Objective:** `{item['objective']}`: {texts[item['objective']]}"
    # without the objectives data the id alone is given
    bare = to_answer_key(quiz.load_bank(DEMO))
    assert f"**Objective:** `{raw_demo[0]['objective']}`\n" in bare


def test_answer_key_escapes_html(tmp_path: Path) -> None:
    item = {
        **_common("x-xss", "single", prompt="<script>alert(1)</script>"),
        "options": [
            {"text": "<img src=x onerror=alert(1)>", "correct": True, "feedback": "ok"},
            {"text": "no", "correct": False, "feedback": "no"},
        ],
    }
    key = to_answer_key(_write(tmp_path, [item]))
    assert "<script" not in key and "<img" not in key
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in key
