"""Exercises, the objectives map and time on task in the built book, in Chromium."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from coursekit.teaching import course_map

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
OBJECTIVES, EXERCISES, ITEMS = course_map(ROOT / "book")
BY_PAGE: dict[str, list[str]] = defaultdict(list)
for _exercise in EXERCISES:
    BY_PAGE[_exercise.page].append(_exercise.label)


def _plain(text: str) -> str:
    """Text without emphasis marks, with straight quotes and single spaces."""
    for curly, straight in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, straight)
    return " ".join(text.replace("*", "").split())


@pytest.mark.parametrize("page_name", sorted(BY_PAGE))
def test_solutions_are_hidden_and_open_with_the_keyboard(
    new_page, http_base: str, page_name: str
) -> None:
    page, log = new_page()
    # charts are checked on every page by test_pages; here they would only cost time
    page.route("**/vendor/vega*.js", lambda route: route.abort())
    page.goto(f"{http_base}/{page_name}.html", wait_until="domcontentloaded")
    for label in BY_PAGE[page_name]:
        exercise = page.locator(f"#{label}")
        assert exercise.count() == 1, f"{label} is not on {page_name}"
        assert exercise.locator(":scope > .admonition-title").is_visible()
    # coursekit-exercises.js names the buttons once sphinx-togglebutton has added them
    page.wait_for_function(
        """() => {
             const buttons = [...document.querySelectorAll('main .solution button.toggle-button')];
             return buttons.length === document.querySelectorAll('main .solution').length
               && buttons.every(b => (b.getAttribute('aria-label') || '').startsWith('Show or'));
           }""",
        timeout=30_000,
    )
    solutions = page.locator("main .solution")
    assert solutions.count() == len(BY_PAGE[page_name])
    for n in range(solutions.count()):
        solution = solutions.nth(n)
        body = solution.locator(":scope > :not(.admonition-title)").first
        button = solution.locator("button.toggle-button")
        button.wait_for(state="attached")
        assert not body.is_visible(), f"{page_name}: solution {n + 1} is visible at load"
        assert button.get_attribute("aria-expanded") == "false"
        label = button.get_attribute("aria-label") or ""
        assert label.startswith("Show or hide the model answer"), label
        button.focus()
        assert page.evaluate("() => document.activeElement.classList.contains('toggle-button')")
        page.keyboard.press("Enter")
        body.wait_for(state="visible")
        assert button.get_attribute("aria-expanded") == "true"
        page.keyboard.press("Enter")
        body.wait_for(state="hidden")
    assert log.page_errors == [] and log.blocked == []


def test_the_objective_map_renders(new_page, http_base: str) -> None:
    page, log = new_page()
    page.goto(f"{http_base}/book/about/objectives-map.html")
    rows = page.locator("table.ck-objective-table tbody tr")
    assert rows.count() == len(OBJECTIVES)
    assert page.locator("table.ck-objective-table").count() == len(OBJECTIVES.chapters)
    for objective in OBJECTIVES:
        row = page.locator(f"tr#map-{objective.id}")
        assert row.count() == 1
        assert _plain(objective.text)[:40] in _plain(row.inner_text())
    # every exercise link leads to the exercise
    hrefs = page.locator("table.ck-objective-table td:nth-child(3) a").evaluate_all(
        "links => links.map(a => a.href)"
    )
    assert len(hrefs) >= len(EXERCISES)
    target = hrefs[0]
    page.goto(target)
    assert page.locator(f"#{target.split('#')[1]}.exercise").count() == 1
    assert log.console_errors == [] and log.blocked == []
