"""Open-response items: schema, validation, grading, static HTML, live widgets, exports and
the progress page that gathers results across banks."""

from __future__ import annotations

import base64
import importlib.util
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from coursekit import quiz
from coursekit.quiz.export import to_answer_key, to_gift
from coursekit.quiz.live import LiveQuiz
from coursekit.quiz.model import RATINGS, OpenItem
from coursekit.quiz.progress import (
    decode_progress,
    progress_data,
    progress_page,
    quiz_pages,
    render_progress,
)
from coursekit.quiz.qti import to_qti
from coursekit.quiz.render import decode_payload, render_static
from coursekit.teaching import load_objectives

ROOT = Path(__file__).resolve().parents[1]
QUIZZES = ROOT / "book" / "quizzes"
CHAPTER_BANKS = ("ptsd", "mdma", "ketamine")
BIB = """
@article{smith2020, author = {Smith, Ann}, title = {First}, journal = {J}, year = {2020}}
"""
MODEL = "A waiting list is a **weak** comparator, and nobody is blind to a psychotherapy."
RUBRIC = [
    "Names the waiting list as a weak comparator.",
    "Names expectancy or allegiance.",
    "Proposes an active control.",
]


def open_item(**changes: Any) -> dict[str, Any]:
    item = {
        "id": "t-open",
        "type": "open",
        "prompt": "Why may the effect be overestimated?",
        "objective": "test-appraisal",
        "sources": ["smith2020"],
        "explanation": "Comparators matter.",
        "model_answer": MODEL,
        "rubric": list(RUBRIC),
    }
    item.update(changes)
    return {k: v for k, v in item.items() if v is not None}


def single_item() -> dict[str, Any]:
    return {
        "id": "t-single",
        "type": "single",
        "prompt": "Pick A.",
        "objective": "test-objective",
        "sources": ["smith2020"],
        "explanation": "Because.",
        "options": [
            {"text": "A", "correct": True, "feedback": "Right."},
            {"text": "B", "feedback": "Wrong."},
        ],
    }


def write_bank(tmp_path: Path, *items: dict[str, Any]) -> Path:
    folder = tmp_path / "quizzes"
    folder.mkdir(exist_ok=True)
    (tmp_path / "references.bib").write_text(BIB, encoding="utf-8")
    path = folder / "t.yml"
    data = {"id": "t", "title": "Test bank", "items": list(items)}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def problems(tmp_path: Path, *items: dict[str, Any]) -> list[str]:
    return [str(p) for p in quiz.validate(write_bank(tmp_path, *items)).problems]


@pytest.fixture
def bank(tmp_path: Path) -> quiz.Bank:
    return quiz.load_bank(write_bank(tmp_path, single_item(), open_item()))


# --------------------------------------------------------------------------- schema, validation


def test_schema_knows_the_open_type() -> None:
    from coursekit.quiz.validate import bank_schema

    item = bank_schema()["$defs"]["item"]
    assert "open" in item["properties"]["type"]["enum"]
    rubric = item["properties"]["rubric"]
    assert (rubric["minItems"], rubric["maxItems"]) == (3, 6)
    assert "open" in quiz.ITEM_TYPES


def test_a_valid_open_item_loads(tmp_path: Path, bank: quiz.Bank) -> None:
    assert problems(tmp_path, single_item(), open_item()) == []
    item = bank.item("t-open")
    assert isinstance(item, OpenItem)
    assert item.model_answer == MODEL and item.rubric == tuple(RUBRIC)
    assert bank.type_counts() == {"single": 1, "open": 1}
    assert [it.id for it in bank.graded] == ["t-single"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"rubric": None}, "missing field 'rubric'"),
        ({"model_answer": None}, "missing field 'model_answer'"),
        (
            {"rubric": RUBRIC[:2]},
            "an open item needs at least 3 rubric criteria (3 to 6); it has 2",
        ),
        ({"rubric": [f"Criterion {n}" for n in range(7)]}, "rubric has 7 entries; at most 6"),
        ({"rubric": [*RUBRIC[:2], " names the waiting list as a WEAK comparator. "]}, "appears"),
        ({"model_answer": "  "}, "model_answer must not be empty"),
        ({"options": [{"text": "A", "feedback": "x"}]}, "field 'options' does not apply to open"),
        ({"model_answer": "Comparators matter."}, "model_answer repeats the explanation"),
        ({"rubric": [*RUBRIC[:2], "[bad](javascript:alert(1))"]}, "rubric[3]"),
        ({"modelanswer": "x"}, "did you mean 'model_answer'?"),
    ],
)
def test_open_item_problems_are_reported_with_lines(
    tmp_path: Path, changes: dict[str, Any], expected: str
) -> None:
    found = problems(tmp_path, open_item(**changes))
    assert any(expected in p for p in found), found
    assert all(re.search(r"t\.yml:\d+:", p) for p in found), found


def test_model_answer_and_rubric_do_not_apply_to_other_types(tmp_path: Path) -> None:
    item = single_item() | {"model_answer": "x", "rubric": RUBRIC}
    found = problems(tmp_path, item)
    assert any("field 'model_answer' does not apply to single items" in p for p in found)
    assert any("field 'rubric' does not apply to single items" in p for p in found)


def test_one_validation_path_for_check_export_and_show(tmp_path: Path) -> None:
    path = write_bank(tmp_path, open_item(rubric=RUBRIC[:2]))
    with pytest.raises(quiz.BankError, match="at least 3 rubric criteria"):
        quiz.show(path, mode="static")
    assert not quiz.validate(path).ok


# --------------------------------------------------------------------------- grading


def test_open_item_is_self_assessed(bank: quiz.Bank) -> None:
    item = bank.item("t-open")
    assert not item.check({"text": "  "}).answered
    unrated = item.check({"text": "Waiting lists.", "met": [0]})
    assert not unrated.answered and unrated.right == 1
    partly = item.check({"text": "Waiting lists.", "met": [2, 0], "rating": "partly"})
    assert (partly.answered, partly.correct, partly.right, partly.total) == (True, False, 2, 3)
    assert item.check({"text": "x", "rating": "fully"}).correct
    with pytest.raises(ValueError, match="rating"):
        item.check({"text": "x", "rating": "great"})
    with pytest.raises(ValueError, match="criterion"):
        item.check({"text": "x", "met": [3]})
    assert RATINGS == ("not-yet", "partly", "fully")


# --------------------------------------------------------------------------- static HTML


def test_static_markup_keeps_model_answer_and_rubric_encoded(bank: quiz.Bank) -> None:
    markup = render_static(bank)
    node = re.search(r'<li [^>]*data-item-id="t-open"[^>]*>', markup).group(0)
    assert 'data-item-type="open"' in node and 'data-item-objective="test-appraisal"' in node
    assert '<label class="ck-quiz-text-label" for="ckq-t-t-open-text">Your answer</label>' in markup
    assert '<textarea id="ckq-t-t-open-text"' in markup
    for secret in ("weak", "waiting list", "Names expectancy", "active control", "Comparators"):
        assert secret.lower() not in markup.lower(), secret
    payload = decode_payload(re.search(r'data-quiz-payload="([^"]*)"', node).group(1))
    assert "<strong>weak</strong>" in payload["model"]
    assert [r.rstrip(".") for r in payload["rubric"]] == [r.rstrip(".") for r in RUBRIC]
    assert [r[0] for r in payload["ratings"]] == list(RATINGS)
    # the open item has no Check button; the score counts the graded item only
    li = markup[markup.index(node) : markup.index("</li>", markup.index(node))]
    assert 'data-action="check"' not in li and "Show model answer" in li
    assert "0 of 1 correct" in markup
    assert "0 of 1 open answers self-assessed (not counted in the score)" in markup
    assert "data-quiz-self" in markup


def test_banks_without_open_items_render_as_before(tmp_path: Path) -> None:
    markup = render_static(quiz.load_bank(write_bank(tmp_path, single_item())))
    assert "data-quiz-self" not in markup and "0 of 1 correct" in markup


def test_every_chapter_bank_hides_its_model_answers() -> None:
    for bank_id in CHAPTER_BANKS:
        b = quiz.load_bank(bank_id)
        markup = render_static(b)
        for item in b:
            if isinstance(item, OpenItem):
                shown = quiz.markdown_to_html(item.model_answer)
                assert shown[:60] not in markup
                for criterion in item.rubric:
                    assert quiz.markdown_to_html(criterion)[:40] not in markup


# --------------------------------------------------------------------------- live widgets


def test_live_open_item(bank: quiz.Bank) -> None:
    live = LiveQuiz(bank)
    ui = live.items["t-open"]
    assert ui.check_button.layout.display == "none"
    assert ui.reveal_button.description == "Show model answer"
    ui.reveal_button.click()  # nothing written yet
    assert not ui.revealed and "Write your answer first" in ui.feedback.value
    ui.inputs[0].value = "Waiting lists are weak controls."
    ui.reveal_button.click()
    assert ui.revealed and ui.explanation.layout.display != "none"
    assert len(ui.criteria) == 3
    ui.criteria[0].value = True
    ui.rating.value = "partly"
    result = live.results["t-open"]
    assert (result.answered, result.correct) == (True, False)
    assert "partly" in ui.feedback.value
    assert (live.results.score, live.results.total) == (0, 1)
    assert live.results.self_assessed == (1, 1)
    assert "1 of 1 open answers self-assessed" in live.score.value
    assert ui.response() == {
        "text": "Waiting lists are weak controls.",
        "met": [0],
        "rating": "partly",
    }
    live.reset()
    assert ui.inputs[0].value == "" and ui.rating.value is None and not ui.revealed
    assert live.results.self_assessed == (0, 1)


# --------------------------------------------------------------------------- exports


def test_gift_writes_an_essay_with_the_model_answer_as_general_feedback(bank: quiz.Bank) -> None:
    gift = to_gift(bank)
    block = gift[gift.index("::t-open::") :]
    block = block[: block.index("\n}") + 2]
    lines = block.splitlines()
    assert lines[0].endswith("{") and lines[-1] == "}"
    assert len(lines) == 3 and lines[1].startswith("\t####")
    assert "Model answer." in lines[1] and "<strong>weak</strong>" in lines[1]
    assert "Names expectancy or allegiance." in lines[1] and "Sources\\: " in lines[1]
    assert not re.search(r"^\t[=~]", block, re.MULTILINE)  # no answers: an essay


def test_answer_key_has_model_answer_and_rubric(bank: quiz.Bank) -> None:
    key = to_answer_key(bank)
    assert "(open response, self-assessed)" in key
    assert f"**Model answer.** {MODEL}" in key
    for criterion in RUBRIC:
        assert f"- [ ] {criterion}" in key


def test_qti_writes_an_essay_question(bank: quiz.Bank) -> None:
    exported = to_qti(bank)
    assert exported.skipped == ()
    assert re.search(r"^2\.  .*\n\.\.\. .*\n____$", exported.source, re.MULTILINE)
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        xml = "".join(
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")
        )
    assert "essay_question" in xml
    assert "Names expectancy or allegiance" in xml


def test_chapter_banks_export_in_every_format() -> None:
    for bank_id in CHAPTER_BANKS:
        b = quiz.load_bank(bank_id)
        assert to_gift(b).count("####") == len(b)
        assert "open response, self-assessed" in to_answer_key(b)
        assert not [s for s in to_qti(b).skipped if "open" in s]


# --------------------------------------------------------------------------- the chapter banks


OBJECTIVE_TEXTS = {o.id: o.text for o in load_objectives(ROOT / "book")}


def _raw(bank_id: str) -> list[dict[str, Any]]:
    return yaml.safe_load((QUIZZES / f"{bank_id}.yml").read_text(encoding="utf-8"))["items"]


@pytest.mark.parametrize("bank_id", CHAPTER_BANKS)
def test_each_chapter_has_two_open_items_on_appraisal(bank_id: str) -> None:
    items = [it for it in _raw(bank_id) if it["type"] == "open"]
    assert len(items) >= 2
    bib = quiz.read_bibliography(ROOT / "book" / "references.bib")
    for it in items:
        assert it["objective"] in OBJECTIVE_TEXTS, f"{it['id']}: unknown objective"
        assert 3 <= len(it["rubric"]) <= 6
        assert all(key in bib for key in it["sources"])
        assert len(it["model_answer"].split()) >= 60


def _number_helpers() -> Any:
    spec = importlib.util.spec_from_file_location(
        "_quiz_numbers", Path(__file__).resolve().parent / "test_quiz_explanations.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_numbers_in_model_answers_and_rubrics_agree_with_the_data() -> None:
    helpers = _number_helpers()
    bad = []
    for path in sorted(QUIZZES.glob("*.yml")):
        for it in _raw(path.stem):
            if it["type"] != "open":
                continue
            for text in [it["prompt"], it["model_answer"], *it["rubric"]]:
                bad += [f"{it['id']}: {n}" for n in helpers.unmatched_numbers(text)]
    assert not bad, bad


# --------------------------------------------------------------------------- the progress page


def test_quiz_pages_follow_the_book() -> None:
    pages = quiz_pages()
    assert pages["ptsd"] == "ptsd/07-quiz" and pages["ketamine"] == "ketamine/08-quiz"
    assert list(pages).index("ptsd") < list(pages).index("mdma") < list(pages).index("ketamine")


def test_progress_data_carries_every_bank_shown_in_the_book() -> None:
    data = {b["id"]: b for b in progress_data()}
    assert set(CHAPTER_BANKS) <= set(data)
    ptsd = data["ptsd"]
    assert ptsd["version"] == quiz.load_bank("ptsd").digest
    assert ptsd["page"] == "ptsd/07-quiz.html"
    [waitlist] = [it for it in ptsd["items"] if it["id"] == "ptsd-open-waitlist-bias"]
    objective = next(it for it in _raw("ptsd") if it["id"] == waitlist["id"])["objective"]
    assert waitlist == {
        "id": "ptsd-open-waitlist-bias",
        "type": "open",
        "objective": objective,
        "objective_text": OBJECTIVE_TEXTS[objective],
    }
    assert "data-quiz-payload" not in ptsd["markup"]
    assert 'id="ckq-ptsd-review-title"' in ptsd["markup"]
    assert set(ptsd["payloads"]) == {it["id"] for it in ptsd["items"]}


def test_progress_page_keeps_answers_out_of_clear_text() -> None:
    page = render_progress()
    token = re.search(r'data-progress-banks="([^"]*)"', page).group(1)
    assert decode_progress(token) == progress_data()
    visible = page.replace(token, "")
    for bank_id in CHAPTER_BANKS:
        for item in quiz.load_bank(bank_id):
            assert quiz.markdown_to_html(item.explanation)[:50] not in visible
            if isinstance(item, OpenItem):
                assert quiz.markdown_to_html(item.model_answer)[:50] not in visible
    assert "Nothing is sent anywhere" in page
    assert "window.CourseProgress" in page  # progress.js inlined
    assert base64.b64decode(token)[:2] == b"\x1f\x8b"  # gzip


def test_progress_page_display_object() -> None:
    shown = progress_page()
    bundle = shown._repr_mimebundle_()
    assert bundle["text/html"] == shown.html and "built book" in bundle["text/plain"]
    assert "data-progress-fallback" in shown.html  # what JupyterLab shows
    assert quiz.progress_page is progress_page


def test_progress_js_is_classic_offline_and_small() -> None:
    from coursekit._paths import static_dir

    js = (static_dir() / "progress.js").read_text(encoding="utf-8")
    assert len(js.encode("utf-8")) < 12 * 1024
    assert not re.search(r"^\s*(import|export)\b", js, re.MULTILINE)
    for word in ("http://", "https://", "fetch(", "XMLHttpRequest", "eval(", "document.write"):
        assert word not in js
    sinks = re.findall(r"\.innerHTML\s*=\s*([^;]+);", js)
    assert sinks == ["bank.markup"], sinks
