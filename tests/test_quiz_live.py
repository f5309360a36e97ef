"""The live ipywidgets quiz, driven from Python as a reader would in JupyterLab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from coursekit import quiz
from coursekit.quiz.live import LiveQuiz

DEMO = Path(__file__).resolve().parents[1] / "book" / "quizzes" / "demo.yml"


@pytest.fixture(scope="module")
def raw() -> list[dict[str, Any]]:
    """The demo items as plain YAML data: the reference for right and wrong answers."""
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))["items"]


@pytest.fixture
def live() -> LiveQuiz:
    return quiz.show(DEMO, mode="live")


def _raw_item(raw: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(item for item in raw if item["type"] == kind)


def _correct_choice_indices(item: dict[str, Any]) -> list[int]:
    return [n for n, o in enumerate(item["options"]) if o["correct"]]


def test_single_choice_radio_buttons(live: LiveQuiz, raw: list[dict[str, Any]]) -> None:
    item = _raw_item(raw, "single")
    ui = live.items[item["id"]]
    right = _correct_choice_indices(item)[0]
    wrong = next(n for n in range(len(item["options"])) if n != right)

    ui.inputs[0].value = wrong
    ui.check_button.click()
    result = live.results[item["id"]]
    assert (result.answered, result.correct, result.attempts) == (True, False, 1)
    assert "Not quite" in ui.feedback.value
    assert item["options"][wrong]["feedback"].split()[0] in ui.feedback.value
    assert ui.inputs[0].disabled and ui.retry_button.layout.display != "none"

    ui.retry_button.click()
    assert not ui.inputs[0].disabled and ui.feedback.value == ""
    ui.inputs[0].value = right
    ui.check_button.click()
    result = live.results[item["id"]]
    assert (result.correct, result.attempts) == (True, 2)
    assert "Correct" in ui.feedback.value
    assert live.results.score == 1
    assert "1 of 6 correct" in live.score.value


def test_radio_labels_are_the_option_texts(live: LiveQuiz, raw: list[dict[str, Any]]) -> None:
    item = _raw_item(raw, "single")
    labels = [label for label, _value in live.items[item["id"]].inputs[0].options]
    assert labels == [o["text"] for o in item["options"]]


def test_nothing_chosen_is_not_an_attempt(live: LiveQuiz, raw: list[dict[str, Any]]) -> None:
    item = _raw_item(raw, "single")
    ui = live.items[item["id"]]
    ui.check_button.click()
    result = live.results[item["id"]]
    assert (result.answered, result.attempts) == (False, 0)
    assert "Choose an answer" in ui.feedback.value
    assert not ui.inputs[0].disabled


def test_multiple_answers_checkboxes(live: LiveQuiz, raw: list[dict[str, Any]]) -> None:
    item = _raw_item(raw, "multiple")
    ui = live.items[item["id"]]
    right = _correct_choice_indices(item)
    assert len(ui.inputs) == len(item["options"])

    ui.inputs[right[0]].value = True  # only one of the correct ones
    ui.check_button.click()
    assert not live.results[item["id"]].correct
    assert "not selected" in ui.feedback.value

    ui.retry_button.click()
    for n in right:
        ui.inputs[n].value = True
    ui.check_button.click()
    assert live.results[item["id"]].correct
    assert live.results[item["id"]].attempts == 2


def test_numeric_float_text_with_tolerance(live: LiveQuiz, raw: list[dict[str, Any]]) -> None:
    item = _raw_item(raw, "numeric")
    ui = live.items[item["id"]]
    box = ui.inputs[0]
    box.value = item["answer"] + item["tolerance"] + 0.5
    ui.check_button.click()
    assert not live.results[item["id"]].correct
    assert item["feedback"]["incorrect"].split()[0] in ui.feedback.value

    ui.retry_button.click()
    box.value = item["answer"] - item["tolerance"]
    ui.check_button.click()
    assert live.results[item["id"]].correct
    assert item["feedback"]["correct"].split()[0] in ui.feedback.value


def test_match_dropdowns(live: LiveQuiz, raw: list[dict[str, Any]]) -> None:
    item = _raw_item(raw, "match")
    ui = live.items[item["id"]]
    assert len(ui.inputs) == len(item["pairs"])
    answers = [p["category"] for p in item["pairs"]]

    for dropdown, answer in zip(ui.inputs[:-1], answers[:-1], strict=True):
        dropdown.value = answer
    ui.check_button.click()  # last statement left blank
    assert not live.results[item["id"]].answered
    assert "every statement" in ui.feedback.value

    wrong = next(c for c in item["categories"] if c != answers[-1])
    ui.inputs[-1].value = wrong
    ui.check_button.click()
    result = live.results[item["id"]]
    assert result.answered and not result.correct
    assert f"{len(answers) - 1} of {len(answers)}" in ui.feedback.value
    assert item["pairs"][-1]["feedback"].split()[0] in ui.feedback.value

    ui.retry_button.click()
    ui.inputs[-1].value = answers[-1]
    ui.check_button.click()
    assert live.results[item["id"]].correct


def test_order_dropdowns_per_position(live: LiveQuiz, raw: list[dict[str, Any]]) -> None:
    item = _raw_item(raw, "order")
    ui = live.items[item["id"]]
    texts = [s["text"] for s in item["sequence"]]
    assert len(ui.inputs) == len(texts)
    # the choices are the elements, shown in a shuffled order
    labels = [label for label, _value in ui.inputs[0].options]
    assert sorted(labels) == sorted(texts) and labels != texts

    def choose(order: list[str]) -> None:
        for dropdown, text in zip(ui.inputs, order, strict=True):
            dropdown.value = dict(dropdown.options)[text]

    choose(texts[:1] * len(texts))
    ui.check_button.click()
    assert not live.results[item["id"]].answered
    assert "exactly once" in ui.feedback.value

    swapped = [texts[1], texts[0], *texts[2:]]
    choose(swapped)
    ui.check_button.click()
    assert not live.results[item["id"]].correct

    ui.retry_button.click()
    choose(texts)
    ui.check_button.click()
    assert live.results[item["id"]].correct


def test_reveal_toggles_the_explanation(live: LiveQuiz, raw: list[dict[str, Any]]) -> None:
    item = _raw_item(raw, "numeric")
    ui = live.items[item["id"]]
    assert ui.explanation.layout.display == "none"
    ui.reveal_button.click()
    assert ui.explanation.layout.display != "none"
    assert ui.reveal_button.description == "Hide explanation"
    assert "Lewis et al. 2020" in ui.explanation.value
    ui.reveal_button.click()
    assert ui.explanation.layout.display == "none"


def test_results_and_reset(live: LiveQuiz, raw: list[dict[str, Any]]) -> None:
    single = _raw_item(raw, "single")
    numeric = _raw_item(raw, "numeric")
    live.items[single["id"]].set_response(_correct_choice_indices(single)[0])
    live.items[single["id"]].check()
    live.items[numeric["id"]].set_response(numeric["answer"])
    live.items[numeric["id"]].check()
    results = live.results
    assert (results.score, results.total) == (2, 6)
    records = {r["item_id"]: r for r in results.as_records()}
    assert records[single["id"]] == {
        "item_id": single["id"],
        "type": "single",
        "answered": True,
        "correct": True,
        "attempts": 1,
    }
    assert "2 of 6 correct" in str(results)

    live.reset_button.click()
    after = live.results
    assert after.score == 0
    assert all(not r.answered and r.attempts == 0 for r in after)
    assert live.items[single["id"]].inputs[0].value is None
    assert not live.items[numeric["id"]].inputs[0].disabled
    assert "0 of 6 correct" in live.score.value
    with pytest.raises(KeyError):
        after["no-such-item"]


def test_quiz_display_exposes_the_live_results() -> None:
    shown = quiz.show(DEMO)
    first = next(iter(shown.live.items.values()))
    first.set_response(0)
    first.check()
    assert shown.results[first.item.id].attempts == 1
    shown.reset()
    assert shown.results[first.item.id].attempts == 0
