"""The capstone's risk-of-bias worksheet in the built book, offline, by keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_axe

pytestmark = pytest.mark.browser

PAGE = "book/appraisal/01-appraise-a-trial.html"
KEY = "coursekit-appraisal:capstone-v1"


@pytest.mark.parametrize("over", ["http", "file"])
def test_worksheet_saves_reveals_compares_and_resets(
    over: str, site_dir: Path, http_base: str, new_page
) -> None:
    url = f"{http_base}/{PAGE}" if over == "http" else (site_dir / PAGE).as_uri()
    page, log = new_page(allow=("http://127.0.0.1",) if over == "http" else ())
    page.goto(url, wait_until="load")
    sheet = page.locator("section[data-ck-rob]")
    assert sheet.count() == 1
    # Model answers are not readable before they are asked for.
    model = page.locator("#ck-rob-mapp1-d4-m")
    assert model.is_hidden()
    assert model.inner_text().strip() == ""

    # Judge one domain and give a reason; both survive a reload.
    page.select_option("#ck-rob-mapp1-d1-j", "low")
    page.fill("#ck-rob-mapp1-d1-r", "Central randomisation was described.")
    # reasons are saved after a short pause in typing
    page.wait_for_function(
        "() => Object.values(localStorage).some(v => v.includes('Central randomisation'))"
    )
    page.reload(wait_until="load")
    assert page.input_value("#ck-rob-mapp1-d1-j") == "low"
    assert page.input_value("#ck-rob-mapp1-d1-r") == "Central randomisation was described."

    # Reveal a model answer with the keyboard; it is announced and its button says so.
    button = page.locator('[aria-controls="ck-rob-mapp1-d4-m"]')
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert model.is_visible() and len(model.inner_text().strip()) > 40
    # The status region is cleared, then filled, so screen readers announce each change.
    page.wait_for_function(
        """() => document.querySelector('section[data-ck-rob] [role=status]')
                   .textContent.trim().length > 0""",
        timeout=10_000,
    )

    # Compare the three studies.
    page.click('[data-action="compare"]')
    compare = page.locator("#ck-rob-compare")
    assert compare.is_visible() and compare.locator("table").count() == 1

    # Reset deletes the saved answers.
    page.click('section[data-ck-rob] [data-action="reset"]')
    assert page.evaluate("(k) => window.localStorage.getItem(k)", KEY) is None
    assert page.input_value("#ck-rob-mapp1-d1-j") == ""
    assert log.blocked == []
    assert log.console_errors == [] and log.page_errors == []
    # Last: axe reads every stylesheet, and its own requests are not the page's.
    assert not run_axe(page), "serious accessibility findings on the worksheet"
