"""Every page of the built book, offline, in real headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_axe, site_pages

pytestmark = pytest.mark.browser


def _wait_for_charts(page: object) -> None:
    page.wait_for_function(
        """() => [...document.querySelectorAll('figure.ck-chart')]
              .every(f => ['rendered', 'error'].includes(f.dataset.ckState))""",
        timeout=20_000,
    )


def _check_page(page: object, log: object, url: str, name: str) -> list[str]:
    page.goto(url, wait_until="load")
    _wait_for_charts(page)
    page.wait_for_timeout(150)
    problems = []
    if log.blocked:
        problems.append(f"{name}: blocked external requests {log.blocked}")
    if log.console_errors or log.page_errors:
        problems.append(f"{name}: console errors {log.console_errors + log.page_errors}")
    charts = page.locator("figure.ck-chart")
    for i in range(charts.count()):
        fig = charts.nth(i)
        state = fig.get_attribute("data-ck-state")
        drawn = fig.locator(".ck-chart-view svg, .ck-chart-view canvas").count()
        if state != "rendered" or drawn == 0:
            problems.append(f"{name}: chart {i} not rendered (state={state})")
    return problems


def test_site_has_pages(site_dir: Path) -> None:
    pages = site_pages(site_dir)
    assert len(pages) >= 5, pages
    assert site_dir / "book" / "index.html" in pages


def test_every_page_offline_over_http_and_accessible(
    site_dir: Path, http_base: str, new_page
) -> None:
    problems: list[str] = []
    for path in site_pages(site_dir):
        rel = path.relative_to(site_dir).as_posix()
        page, log = new_page()
        problems += _check_page(page, log, f"{http_base}/{rel}", rel)
        for v in run_axe(page):
            problems.append(f"{rel}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}")
        page.close()
    assert not problems, "\n".join(problems)


def test_every_page_offline_from_disk(site_dir: Path, new_page) -> None:
    problems: list[str] = []
    for path in site_pages(site_dir):
        page, log = new_page(allow=())
        problems += _check_page(page, log, path.as_uri(), path.name)
        page.close()
    assert not problems, "\n".join(problems)
