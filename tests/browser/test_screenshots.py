"""Screenshots of the built book for the README, taken by the browser tests so they stay current.

Every run takes them (into a temporary folder) and checks what they show; with
``COURSEKIT_UPDATE_SCREENSHOTS=1`` (``make screenshots``) they are also copied to
``docs/screenshots/``, the files the README shows.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"


def _keep(shot: Path) -> None:
    assert shot.stat().st_size > 10_000, f"{shot.name} looks empty"
    if os.environ.get("COURSEKIT_UPDATE_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SHOTS / shot.name)


def test_screenshot_of_an_explorer(site_dir: Path, new_page, tmp_path: Path) -> None:
    page, log = new_page(allow=())
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto((site_dir / "book" / "ptsd" / "04-fear-learning.html").as_uri(), wait_until="load")
    figure = page.locator("figure.ck-chart").first
    page.wait_for_function(
        "f => f.dataset.ckState === 'rendered'", arg=figure.element_handle(), timeout=20_000
    )
    figure.scroll_into_view_if_needed()
    shot = tmp_path / "explorer.png"
    figure.screenshot(path=str(shot))
    _keep(shot)
    assert log.console_errors == [] and log.blocked == []


def test_screenshot_of_a_quiz_with_feedback(site_dir: Path, new_page, tmp_path: Path) -> None:
    page, log = new_page(allow=())
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto((site_dir / "book" / "index.html").as_uri(), wait_until="load")
    item = page.locator("[data-quiz-id] [data-item-type=single]").first
    item.locator("fieldset input").nth(1).check()
    item.locator("[data-action=check]").click()
    feedback = item.locator("[data-quiz-feedback]")
    assert feedback.inner_text().strip(), "the quiz should give feedback"
    item.scroll_into_view_if_needed()
    shot = tmp_path / "quiz.png"
    item.screenshot(path=str(shot))
    _keep(shot)
    assert log.console_errors == [] and log.blocked == []


def test_readme_shows_the_screenshots() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"!\[[^\]]+\]\((docs/screenshots/[^)]+)\)", readme)
    expected = {"explorer.png", "quiz.png", "jupyterlab.png"}
    assert {f"docs/screenshots/{name}" for name in expected} <= set(shown)
    for rel in shown:
        assert (ROOT / rel).is_file(), f"README shows a missing screenshot: {rel}"
