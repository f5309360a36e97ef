"""The welcome page's demo exercise works statically: no kernel, keyboard only."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def test_static_slider_moves_the_chart(site_dir: Path, new_page) -> None:
    page, log = new_page(allow=())
    page.goto((site_dir / "book" / "index.html").as_uri())
    figure = page.locator("figure.ck-chart").first
    page.wait_for_function(
        "() => document.querySelector('figure.ck-chart')?.dataset.ckState === 'rendered'"
    )
    slider = figure.locator(".vega-bindings input[type=range]").first
    assert slider.get_attribute("aria-labelledby"), "the slider needs a programmatic label"
    before_svg = figure.locator("svg").first.inner_html()
    before_value = slider.input_value()

    slider.focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)

    assert slider.input_value() != before_value
    assert figure.locator("svg").first.inner_html() != before_svg
    assert not log.blocked and not log.console_errors and not log.page_errors
