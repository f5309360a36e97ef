"""Objectives as data: every objective is practised, every exercise answered, ids resolve.

The course's own data must pass :func:`coursekit.teaching.coverage_problems`; the other
tests show that each kind of gap is reported (so the first test can fail).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coursekit.teaching import (
    ItemRef,
    ObjectiveError,
    course_map,
    coverage_problems,
    find_exercises,
    load_objectives,
    objective_map,
)
from coursekit.teaching.exercises import page_sources

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


@pytest.fixture(scope="module")
def course():
    return course_map(BOOK)


def test_the_course_has_no_gaps(course) -> None:
    objectives, exercises, items = course
    assert len(objectives) >= 40, "every content page lists its objectives in book/objectives/"
    assert len(exercises) >= 25
    assert coverage_problems(objectives, exercises, items) == []


def test_every_objective_maps_to_an_exercise_or_item(course) -> None:
    rows = objective_map(*course)
    bare = [r.objective for r in rows if not r.exercises and not r.items]
    assert bare == []


def test_every_exercise_asks_then_answers(course) -> None:
    _, exercises, _ = course
    for ex in exercises:
        assert ex.title and ex.title.lower() != "exercise", ex.label
        assert len(ex.body.split()) >= 12, f"{ex.label}: the task is too short to be a task"
        assert ex.solution and len(ex.solution.split()) >= 25, f"{ex.label}: thin model answer"
        assert "dropdown" in ex.solution_classes, ex.label


def test_pages_render_their_objectives_from_data(course) -> None:
    objectives, _, _ = course
    sources = dict(page_sources(BOOK))
    for page in objectives.pages:
        assert page in sources, f"objectives listed for a page that does not exist: {page}"
        text = sources[page]
        assert "```{objectives}" in text, f"{page} should render its objectives with the directive"
        heading = text.split("## Learning objectives", 1)
        if len(heading) == 2:
            block = heading[1].split("\n## ", 1)[0]
            assert "\n- " not in block, f"{page}: objectives typed by hand next to the data"


def test_content_pages_have_objectives(course) -> None:
    objectives, _, _ = course
    sources = dict(page_sources(BOOK))
    typed = [p for p, text in sources.items() if "## Learning objectives" in text]
    missing = [p for p in typed if p not in objectives.pages]
    assert missing == []


def test_quiz_items_name_known_objectives(course) -> None:
    objectives, _, items = course
    assert items
    assert {ref.objective for ref in items} <= objectives.ids()


# ---- the checks catch each kind of gap -------------------------------------------------


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """chapter: demo
title: "Demo chapter"
pages:
  - page: book/demo/01-page
    objectives:
      - id: demo-one
        text: "Explain the first idea in your own words."
        exercises: [ex-demo-one]
      - id: demo-two
        text: "Compute the second thing from a table."
"""

PAGE = """# Page

```{exercise} Predict the first idea
:label: ex-demo-one

Predict what happens to the outcome when the input doubles, then check with the explorer.
```

```{solution} ex-demo-one
:class: dropdown

It doubles too, because the model is linear in the input; a student who expects a curve has
mixed up the model with the data it was fitted to, which bend at the top of the range.
```
"""


def _demo(tmp_path: Path, objectives: str = GOOD, page: str = PAGE):
    book = tmp_path / "book"
    (book / "objectives").mkdir(parents=True)
    (book / "demo").mkdir()
    _write(book / "objectives", "demo.yml", objectives)
    _write(book / "demo", "01-page.md", page)
    return load_objectives(book), find_exercises(book)


def test_an_objective_with_nothing_is_reported(tmp_path: Path) -> None:
    objectives, exercises = _demo(tmp_path)
    problems = coverage_problems(objectives, exercises, [])
    assert problems == ["objective demo-two (book/demo/01-page) has no exercise and no quiz item"]
    item = ItemRef("demo", "q1", "demo-two", "book/demo/02-quiz")
    assert coverage_problems(objectives, exercises, [item]) == []


def test_an_unknown_objective_in_a_quiz_is_reported(tmp_path: Path) -> None:
    objectives, exercises = _demo(tmp_path)
    items = [ItemRef("demo", "q1", "demo-two"), ItemRef("demo", "q2", "demo-tow")]
    assert coverage_problems(objectives, exercises, items) == [
        "quiz demo, item q2: unknown objective 'demo-tow'"
    ]


def test_an_exercise_without_model_answer_is_reported(tmp_path: Path) -> None:
    page = PAGE.split("```{solution}")[0]
    objectives, exercises = _demo(tmp_path, page=page)
    problems = coverage_problems(objectives, exercises, [ItemRef("demo", "q", "demo-two")])
    assert problems == ["book/demo/01-page: exercise ex-demo-one has no model answer ({solution})"]


def test_an_open_solution_is_reported(tmp_path: Path) -> None:
    page = PAGE.replace(":class: dropdown\n", "")
    objectives, exercises = _demo(tmp_path, page=page)
    problems = coverage_problems(objectives, exercises, [ItemRef("demo", "q", "demo-two")])
    assert problems == [
        "book/demo/01-page: the solution of ex-demo-one is not collapsed (:class: dropdown)"
    ]


def test_an_exercise_outside_every_objective_is_reported(tmp_path: Path) -> None:
    objectives, exercises = _demo(tmp_path, objectives=GOOD.replace("[ex-demo-one]", "[]"))
    problems = coverage_problems(objectives, exercises, [ItemRef("demo", "q", "demo-two")])
    assert "book/demo/01-page: exercise ex-demo-one practises no listed objective" in problems
    assert "objective demo-one (book/demo/01-page) has no exercise and no quiz item" in problems


def test_a_missing_exercise_label_is_reported(tmp_path: Path) -> None:
    objectives, exercises = _demo(tmp_path, objectives=GOOD.replace("[ex-demo-one]", "[ex-demo-1]"))
    problems = coverage_problems(objectives, exercises, [ItemRef("demo", "q", "demo-two")])
    assert "objective demo-one: exercise ex-demo-1 does not exist" in problems


def test_exercises_are_found_in_notebook_markdown(tmp_path: Path) -> None:
    book = tmp_path / "book"
    (book / "demo").mkdir(parents=True)
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": PAGE.split("```{solution}")[0]},
        {"cell_type": "code", "metadata": {}, "source": "```{exercise} not me\n```", "outputs": []},
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": "```{solution}" + PAGE.split("```{solution}")[1],
        },
    ]
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (book / "demo" / "01-page.ipynb").write_text(json.dumps(nb))
    [ex] = find_exercises(book)
    assert (ex.label, ex.title, ex.page) == (
        "ex-demo-one",
        "Predict the first idea",
        "book/demo/01-page",
    )
    assert ex.solution and ex.solution.startswith("It doubles")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("id: demo-two", "id: two"), "demo.yml:9: pages[1].objectives[2].id"),
        (GOOD.replace("id: demo-two", "id: other-two"), "demo.yml:9: id 'other-two' should start"),
        (GOOD.replace("id: demo-two", "id: demo-one"), "demo.yml:9: id 'demo-one' is also used"),
        (GOOD.replace("title:", "titel:"), "demo.yml"),
        (GOOD + "  - page: book/demo/01-page\n    objectives: []\n", "demo.yml"),
        ("chapter: [unclosed\n", "demo.yml:"),
        ("a: &a [*a]\n", "demo.yml"),
    ],
)
def test_malformed_objective_files_give_one_line_each(
    tmp_path: Path, text: str, expected: str
) -> None:
    book = tmp_path / "book"
    (book / "objectives").mkdir(parents=True)
    _write(book / "objectives", "demo.yml", text)
    with pytest.raises(ObjectiveError) as caught:
        load_objectives(book)
    assert caught.value.problems
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems
    assert all("\n" not in p and "Traceback" not in p for p in caught.value.problems)


def test_an_overview_objective_is_practised_through_what_it_includes(tmp_path: Path) -> None:
    overview = GOOD + (
        "  - page: book/demo/index\n"
        "    objectives:\n"
        "      - id: demo-all\n"
        '        text: "Explain and compute the chapter\'s two ideas."\n'
        "        includes: [demo-one, demo-two]\n"
    )
    objectives, exercises = _demo(tmp_path, objectives=overview)
    item = ItemRef("demo", "q1", "demo-two", "book/demo/02-quiz")
    assert coverage_problems(objectives, exercises, [item]) == []
    row = objective_map(objectives, exercises, [item])[-1]
    assert row.objective == "demo-all"
    assert row.pages == ("book/demo/index", "book/demo/01-page", "book/demo/02-quiz")
    assert [label for label, _ in row.exercises] == ["ex-demo-one"] and row.items == (item,)


def test_an_overview_of_an_unknown_objective_is_refused(tmp_path: Path) -> None:
    book = tmp_path / "book"
    (book / "objectives").mkdir(parents=True)
    text = GOOD.replace("        exercises: [ex-demo-one]\n", "        includes: [demo-zero]\n")
    _write(book / "objectives", "demo.yml", text)
    with pytest.raises(ObjectiveError, match="demo-one includes unknown objective 'demo-zero'"):
        load_objectives(book)
