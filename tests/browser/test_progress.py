"""The progress page of the built book, in headless Chromium.

Answer one question right on the PTSD quiz page and one wrong on the MDMA quiz page, then open
the progress page: both are counted per quiz and per learning objective, the wrong one is
offered in "Review what I missed", answering it there (keyboard only) updates the progress,
and "Delete all my quiz progress" clears everything. Expected values come from the bank YAML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coursekit.teaching import load_objectives

from .test_quiz_browser import AXE, active, focus_by_tab, raw_items, text_of
from .test_quiz_browser import run_axe as run_axe_page

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


def run_axe(page: Any, within: str = "") -> list[dict[str, Any]]:
    """Serious/critical axe violations on the page, or only inside ``within`` (a selector)."""
    if not within:
        return run_axe_page(page)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async sel => (await axe.run({include: [sel]}, {resultTypes: ['violations']}))
             .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""",
        within,
    )
    return [v for v in found if v["impact"] in {"serious", "critical"}]


def axe_clean(page: Any, log: Any, within: str = "") -> list[dict[str, Any]]:
    """Serious/critical axe violations, after checking the page logged no error so far.

    axe-core's stylesheet preload resolves the theme's ``@import`` against the page and asks
    for a missing ``basic.css``; that 404 comes from the check, not the page, so it is dropped.
    """
    assert not log.console_errors and not log.page_errors, log.console_errors + log.page_errors
    found = run_axe(page, within) if within else run_axe(page)
    log.console_errors[:] = [
        e
        for e in log.console_errors
        if not (e.startswith("Failed to load resource") and ".css" in e)
    ]
    return found


PROGRESS = "book/progress.html"
PAGES = {"ptsd": "book/ptsd/07-quiz.html", "mdma": "book/mdma/06-quiz.html"}


def single(bank_id: str) -> dict[str, Any]:
    return next(it for it in raw_items(bank_id) if it["type"] == "single")


def graded(bank_id: str) -> int:
    return sum(it["type"] != "open" for it in raw_items(bank_id))


def answer(page: Any, url: str, bank_id: str, *, right: bool) -> dict[str, Any]:
    """Answer the bank's first single-answer item (by clicks) and wait for it to be saved."""
    item = single(bank_id)
    page.goto(url, wait_until="load")
    page.wait_for_function("() => document.querySelector('[data-quiz-id]').dataset.quizReady")
    choice = next(n for n, o in enumerate(item["options"]) if bool(o.get("correct")) == right)
    node = page.locator(f'[data-item-id="{item["id"]}"]')
    node.locator("fieldset input").nth(choice).check()
    node.locator("[data-action=check]").click()
    verdict = "✓ Correct." if right else "✗ Not quite."
    assert text_of(node.locator("[data-quiz-feedback]")).startswith(verdict)
    page.wait_for_function(
        """id => Object.keys(localStorage).some(k => k.startsWith('coursekit-quiz:' + id + ':')
                 && JSON.parse(localStorage.getItem(k)).items)""",
        arg=bank_id,
    )
    return item


def row(page: Any, table: str, attr: str, key: str) -> list[str]:
    cells = page.locator(f'[data-progress-table="{table}"] tr[{attr}="{key}"] > *')
    return [text_of(cells.nth(i)) for i in range(cells.count())]


def open_progress(page: Any, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "() => document.querySelector('[data-progress]').dataset.progressReady === 'true'"
    )


def test_progress_counts_reviews_and_resets(http_base: str, new_page: Any, site_dir: Path) -> None:
    assert (site_dir / PROGRESS).is_file(), "book/progress is not in the built book's toc"
    page, log = new_page()
    right = answer(page, f"{http_base}/{PAGES['ptsd']}", "ptsd", right=True)
    wrong = answer(page, f"{http_base}/{PAGES['mdma']}", "mdma", right=False)

    open_progress(page, f"{http_base}/{PROGRESS}")
    assert page.locator("[data-progress-fallback]").is_hidden()
    assert "Nothing is sent anywhere" in text_of(page.locator(".ck-progress-privacy"))
    status = page.locator("[data-progress-status]")
    assert status.get_attribute("role") == "status"
    assert "answered 2 of" in text_of(status) and "1 correctly" in text_of(status)
    assert text_of(status).endswith("1 question to review.")

    # per quiz (chapter)
    ptsd_row = row(page, "banks", "data-progress-bank", "ptsd")
    mdma_row = row(page, "banks", "data-progress-bank", "mdma")
    assert ptsd_row[1:3] == [f"1 of {graded('ptsd')}", "1 of 1"], ptsd_row
    assert mdma_row[1:3] == [f"1 of {graded('mdma')}", "0 of 1"], mdma_row
    link = page.locator('[data-progress-table="banks"] tr[data-progress-bank="ptsd"] a')
    assert link.get_attribute("href") == "ptsd/07-quiz.html"
    assert row(page, "banks", "data-progress-bank", "ketamine")[1] == f"0 of {graded('ketamine')}"

    # per learning objective
    objective_right = row(page, "objectives", "data-progress-objective", right["objective"])
    objective_wrong = row(page, "objectives", "data-progress-objective", wrong["objective"])
    # rows are named by the objective's text from book/objectives/, not its id
    texts = {o.id: o.text for o in load_objectives(ROOT / "book")}
    assert objective_right[0] == texts[right["objective"]] and objective_right[2] == "1 of 1"
    assert objective_wrong[0] == texts[wrong["objective"]] and objective_wrong[2] == "0 of 1"
    assert axe_clean(page, log) == []

    # review what I missed: only the wrong item, answered again with the keyboard
    review = page.locator("[data-progress-review]")
    assert review.locator("[data-item-id]").count() == 1
    node = review.locator(f'[data-item-id="{wrong["id"]}"]')
    assert node.count() == 1
    assert node.locator("fieldset input:checked").count() == 0  # a fresh start
    target = next(n for n, o in enumerate(wrong["options"]) if o.get("correct"))
    focus_by_tab(page, node.locator(".ck-quiz-options"), "input[type=radio]")
    if not active(page, "a.checked"):
        page.keyboard.press("Space")
    steps = target - int(active(page, "a.value"))
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    focus_by_tab(page, node.locator("[data-action=check]"))
    page.keyboard.press("Enter")
    assert text_of(node.locator("[data-quiz-feedback]")).startswith("✓ Correct.")
    assert node.locator("[data-quiz-feedback]").get_attribute("aria-live") == "polite"
    page.wait_for_function(
        """() => [...document.querySelectorAll('tr[data-progress-bank="mdma"] td')]
                 .map(td => td.textContent)[1] === '1 of 1'"""
    )
    assert axe_clean(page, log) == []

    # the chapter page sees the review answer; the other answers are still there
    page.goto(f"{http_base}/{PAGES['mdma']}", wait_until="load")
    page.wait_for_function("() => document.querySelector('[data-quiz-id]').dataset.quizReady")
    chapter_node = page.locator(f'[data-item-id="{wrong["id"]}"]')
    assert text_of(chapter_node.locator("[data-quiz-feedback]")).startswith("✓ Correct.")

    # after a reload nothing is left to review
    open_progress(page, f"{http_base}/{PROGRESS}")
    assert page.locator("[data-progress-review] [data-item-id]").count() == 0
    assert text_of(page.locator("[data-progress-review-intro]")).startswith("Nothing to review")

    # delete all progress, with the keyboard and a confirmation step
    reset = page.locator("[data-progress-action=reset]")
    focus_by_tab(page, reset)
    page.keyboard.press("Enter")
    assert reset.get_attribute("aria-expanded") == "true"
    assert active(page, "a.dataset.progressAction") == "cancel"
    page.keyboard.press("Shift+Tab")
    assert active(page, "a.dataset.progressAction") == "confirm"
    page.keyboard.press("Enter")
    assert text_of(status).startswith("All quiz progress was deleted from this browser.")
    assert active(page, "a.dataset.progressAction") == "reset"
    assert (
        page.evaluate(
            "() => Object.keys(localStorage).filter(k => k.startsWith('coursekit-quiz:'))"
        )
        == []
    )
    assert row(page, "banks", "data-progress-bank", "ptsd")[1] == f"0 of {graded('ptsd')}"
    assert not log.blocked, log.blocked
    assert not log.console_errors and not log.page_errors, log.console_errors + log.page_errors


def test_open_answers_rated_partly_are_offered_for_review(http_base: str, new_page: Any) -> None:
    item = next(it for it in raw_items("ketamine") if it["type"] == "open")
    page, log = new_page()
    page.goto(f"{http_base}/book/ketamine/08-quiz.html", wait_until="load")
    page.wait_for_function("() => document.querySelector('[data-quiz-id]').dataset.quizReady")
    node = page.locator(f'[data-item-id="{item["id"]}"]')
    node.locator("textarea").fill("Regression to the mean; no control group.")
    node.locator("[data-action=reveal]").click()
    node.locator('input[data-rating="partly"]').check()
    page.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('coursekit-quiz:ketamine:'))"
    )
    open_progress(page, f"{http_base}/{PROGRESS}")
    assert row(page, "banks", "data-progress-bank", "ketamine")[3].startswith("1 of ")
    review = page.locator(f'[data-progress-review] [data-item-id="{item["id"]}"]')
    assert review.count() == 1 and review.get_attribute("data-item-type") == "open"
    review.locator("textarea").fill("Regression to the mean, selection, no randomised control.")
    review.locator("[data-action=reveal]").click()
    assert review.locator("[data-quiz-explanation]").is_visible()
    review.locator('input[data-rating="fully"]').check()
    assert axe_clean(page, log) == []
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    assert axe_clean(page, log, ".ck-progress") == []
    assert not log.console_errors and not log.page_errors, log.console_errors + log.page_errors


def test_progress_page_from_disk_without_progress(site_dir: Path, new_page: Any) -> None:
    page, log = new_page(allow=())
    open_progress(page, (site_dir / PROGRESS).as_uri())
    assert text_of(page.locator("[data-progress-review-intro]")).startswith("Nothing to review yet")
    assert "answered 0 of" in text_of(page.locator("[data-progress-status]"))
    assert not log.blocked, log.blocked
    assert not log.console_errors and not log.page_errors, log.console_errors + log.page_errors
