"""Search works from disk and over http, with no console errors."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("over", ["file", "http"])
def test_search_finds_pages_without_console_errors(
    over: str, site_dir: Path, http_base: str, new_page
) -> None:
    if over == "http":
        page, log = new_page()
        url = f"{http_base}/search.html?q=esketamine"
    else:
        page, log = new_page(allow=())
        url = (site_dir / "search.html").as_uri() + "?q=esketamine"
    page.goto(url, wait_until="load")
    results = page.locator("#search-results ul.search li")
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results ul.search li').length > 0",
        timeout=20_000,
    )
    page.wait_for_timeout(1500)  # let any summary requests finish (or fail)
    assert results.count() >= 3
    assert log.blocked == []
    assert log.console_errors == [] and log.page_errors == []
    if over == "http":
        # Over http the results keep their summaries.
        assert page.locator("#search-results p.context").count() > 0
