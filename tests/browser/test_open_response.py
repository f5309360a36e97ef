"""Open-response items in the built book, in headless Chromium, with the keyboard only.

The reader writes an answer, reveals the model answer and the rubric checklist, ticks and
rates; each step is announced in the item's aria-live feedback region; text and rating
survive a reload, and Reset clears them. The expected texts come from the bank YAML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_quiz_browser import (
    active,
    focus_by_tab,
    raw_items,
    reload_until_ready,
    run_axe,
    shown,
    text_of,
)

pytestmark = pytest.mark.browser


def axe_clean(page: Any, log: Any) -> list[dict[str, Any]]:
    """Serious/critical axe violations, after checking the page logged no error so far.

    axe-core's stylesheet preload resolves the theme's ``@import`` against the page and asks
    for a missing ``basic.css``; that 404 comes from the check, not the page, so it is dropped.
    """
    assert not log.console_errors and not log.page_errors, log.console_errors + log.page_errors
    found = run_axe(page)
    log.console_errors[:] = [
        e
        for e in log.console_errors
        if not (e.startswith("Failed to load resource") and ".css" in e)
    ]
    return found


PAGE = "book/ptsd/07-quiz.html"
ANSWER = "The waiting list is a weak control, and nobody is blind to a psychotherapy."

# Records every text the aria-live regions of the page take, in order.
WATCH_LIVE = """() => {
  window.__announced = [];
  const seen = new WeakSet();
  const watch = (region) => {
    if (seen.has(region)) return;
    seen.add(region);
    new MutationObserver(() => {
      const text = region.textContent.replace(/\\s+/g, ' ').trim();
      if (text) window.__announced.push(text);
    }).observe(region, {childList: true, subtree: true, characterData: true});
  };
  document.querySelectorAll('[aria-live], [role=status]').forEach(watch);
}"""


def open_item() -> dict[str, Any]:
    return next(it for it in raw_items("ptsd") if it["type"] == "open")


def announced(page: Any) -> list[str]:
    return page.evaluate("() => window.__announced.slice()")


def saved(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => { const k = Object.keys(localStorage)
                     .find(k => k.startsWith('coursekit-quiz:ptsd:'));
                   return k ? JSON.parse(localStorage.getItem(k)) : null; }"""
    )


def test_open_item_by_keyboard_with_announcements_reload_and_reset(
    http_base: str, new_page: Any
) -> None:
    item = open_item()
    n_open = sum(it["type"] == "open" for it in raw_items("ptsd"))
    n_graded = len(raw_items("ptsd")) - n_open
    page, log = new_page()
    page.goto(f"{http_base}/{PAGE}", wait_until="load")
    page.wait_for_function("() => document.querySelector('[data-quiz-id]').dataset.quizReady")
    source = page.content()
    assert shown(item["model_answer"])[:60] not in source
    assert all(shown(c)[:40] not in source for c in item["rubric"])
    page.evaluate(WATCH_LIVE)

    node = page.locator(f'[data-item-id="{item["id"]}"]')
    reveal = node.locator("[data-action=reveal]")
    feedback = node.locator("[data-quiz-feedback]")
    assert feedback.get_attribute("aria-live") == "polite"
    assert node.locator("[data-action=check]").count() == 0

    # 1. revealing before writing is refused, and focus goes to the text box
    focus_by_tab(page, reveal)
    page.keyboard.press("Enter")
    assert text_of(feedback).startswith("Write your answer first")
    assert active(page, "a.tagName") == "TEXTAREA"
    assert reveal.get_attribute("aria-expanded") == "false"

    # 2. write, Tab to the button, reveal
    page.keyboard.type(ANSWER)
    page.keyboard.press("Tab")
    assert active(page, "a.dataset.action") == "reveal"
    page.keyboard.press("Enter")
    assert reveal.get_attribute("aria-expanded") == "true"
    assert text_of(reveal) == "Hide model answer"
    box = node.locator("[data-quiz-explanation]")
    assert box.is_visible()
    assert shown(item["model_answer"])[:80] in text_of(box)
    assert shown(item["explanation"])[:80] in text_of(box)
    assert "Source" in text_of(box)
    assert text_of(feedback).startswith("Model answer and checklist shown")

    # 3. tick the first criterion with Space, rate "Partly" with the arrow keys
    criteria = node.locator("input[data-criterion]")
    assert criteria.count() == len(item["rubric"])
    focus_by_tab(page, criteria.first)
    page.keyboard.press("Space")
    assert criteria.first.is_checked()
    assert f"1 of {len(item['rubric'])} points covered" in text_of(feedback)
    focus_by_tab(page, node.locator(".ck-quiz-rating"), "input[type=radio]")
    page.keyboard.press("Space")  # select the focused rating ("Not yet")
    page.keyboard.press("ArrowRight")  # radio arrows move and select: "Partly"
    assert node.locator('input[data-rating="partly"]').is_checked()
    assert "Your rating: partly." in text_of(feedback)
    self_score = page.locator("[data-quiz-self]")
    assert self_score.get_attribute("aria-live") == "polite"
    assert text_of(self_score).startswith(f"1 of {n_open} open answers self-assessed")
    assert text_of(page.locator("[data-quiz-score]")) == f"0 of {n_graded} correct"
    texts = announced(page)
    assert any(t.startswith("Write your answer first") for t in texts), texts
    assert any(t.startswith("Model answer and checklist shown") for t in texts), texts
    assert any("Your rating: partly." in t for t in texts), texts
    assert any(t.startswith("1 of ") and "self-assessed" in t for t in texts), texts
    assert axe_clean(page, log) == []

    # 4. the text and the rating are kept in the browser and survive a reload
    page.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('coursekit-quiz:ptsd:'))"
    )
    state = saved(page)["items"][item["id"]]
    assert state["value"] == {"text": ANSWER, "met": [0], "rating": "partly"}
    assert state["checked"] and not state["correct"] and state["revealed"]
    reload_until_ready(page)
    node = page.locator(f'[data-item-id="{item["id"]}"]')
    assert node.locator("textarea").input_value() == ANSWER
    assert node.locator("[data-quiz-explanation]").is_visible()
    assert node.locator("input[data-criterion]").first.is_checked()
    assert node.locator('input[data-rating="partly"]').is_checked()
    assert text_of(page.locator("[data-quiz-self]")).startswith(f"1 of {n_open}")

    # 5. Reset (keyboard) clears the text, the rating and the saved progress
    focus_by_tab(page, page.locator("[data-action=reset]"))
    page.keyboard.press("Enter")
    assert node.locator("textarea").input_value() == ""
    assert node.locator("[data-quiz-explanation]").is_hidden()
    assert node.locator("[data-action=reveal]").get_attribute("aria-expanded") == "false"
    assert text_of(page.locator("[data-quiz-self]")).startswith(f"0 of {n_open}")
    assert saved(page) is None
    reload_until_ready(page)
    assert page.locator(f'[data-item-id="{item["id"]}"] textarea').input_value() == ""
    assert not log.blocked, log.blocked
    assert not log.console_errors and not log.page_errors, log.console_errors + log.page_errors


def test_open_items_in_dark_mode_are_accessible(http_base: str, new_page: Any) -> None:
    item = open_item()
    page, log = new_page()
    page.goto(f"{http_base}/{PAGE}", wait_until="load")
    page.wait_for_function("() => document.querySelector('[data-quiz-id]').dataset.quizReady")
    node = page.locator(f'[data-item-id="{item["id"]}"]')
    node.locator("textarea").fill(ANSWER)
    node.locator("[data-action=reveal]").click()
    node.locator('input[data-rating="fully"]').check()
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    assert axe_clean(page, log) == []
    assert not log.console_errors and not log.page_errors, log.console_errors + log.page_errors


def test_the_site_has_the_open_items(site_dir: Path) -> None:
    html = (site_dir / PAGE).read_text(encoding="utf-8")
    assert f'data-item-id="{open_item()["id"]}"' in html
    assert 'data-item-type="open"' in html
