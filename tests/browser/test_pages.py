"""Every page of the built book, offline, in real headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursekit._paths import toc_pages
from coursekit.teaching import load_objectives
from coursekit.teaching.pdf import SKIP
from coursekit.teaching.pdf import site_pages as site_pages_to_print

from .conftest import ROOT, run_axe, site_pages

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


#: Pages that show an estimated time under their title: every page with learning objectives.
TIMED = {o.page for o in load_objectives(ROOT / "book")}
_TIME = re.compile(
    r"^(Estimated time|This chapter|The whole course): about (\d+ hours? ?)?(\d+ minutes?)?"
    r"( of study)? \(reading at \d+ words a minute"
)


def _check_time(page: object, name: str) -> list[str]:
    """The time-on-task line: present, under the page's title, in the stated form."""
    line = page.locator("main article p.ck-time")
    if line.count() != 1:
        return [f"{name}: no estimated time under the title"]
    text = line.inner_text()
    chapter = name.endswith("/index.html") and name != "book/index.html"
    whole = name == "book/index.html"
    expected = "The whole course" if whole else "This chapter" if chapter else "Estimated time"
    under_title = page.evaluate(
        "() => { const p = document.querySelector('main article p.ck-time');"
        " const h = p.parentElement.querySelector('h1');"
        " return !!h && !!(h.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING); }"
    )
    if not _TIME.match(text) or not text.startswith(expected) or not under_title:
        return [f"{name}: unexpected time line {text!r}"]
    return []


#: Every page of the book, from the table of contents (known before the book is built, so
#: each page is its own test and the workers share them).
PAGES = toc_pages(ROOT)


def test_site_has_pages(site_dir: Path) -> None:
    pages = site_pages(site_dir)
    assert len(pages) >= 5, pages
    assert site_dir / "book" / "index.html" in pages
    built = {p.relative_to(site_dir).with_suffix("").as_posix() for p in pages}
    assert built == set(PAGES), "the tests below walk exactly the pages of the built book"


@pytest.mark.parametrize("name", PAGES)
def test_page_offline_over_http_and_accessible(
    site_dir: Path, http_base: str, new_page, name: str
) -> None:
    rel = f"{name}.html"
    assert (site_dir / rel).is_file(), f"{rel} is not in the built book"
    page, log = new_page()
    problems = _check_page(page, log, f"{http_base}/{rel}", rel)
    for v in run_axe(page):
        problems.append(f"{rel}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}")
    if name in TIMED:
        problems += _check_time(page, rel)
    assert not problems, "\n".join(problems)


#: Pages opened from disk here. The printed pages are opened from disk, one by one, by the
#: PDF test (tests/browser/test_pdf.py): it asserts the same (nothing requested from outside
#: the disk, no script or console error, every chart drawn), so each page loads once for both.
NOT_PRINTED = [name for name in PAGES if name in SKIP]


def test_every_page_is_opened_from_disk_once(site_dir: Path) -> None:
    printed = {name for name, _ in site_pages_to_print(site_dir, ROOT)}
    assert NOT_PRINTED, "the progress page is not printed: it is checked here"
    assert printed | set(NOT_PRINTED) == set(PAGES)


@pytest.mark.parametrize("name", NOT_PRINTED)
def test_page_offline_from_disk(site_dir: Path, new_page, name: str) -> None:
    path = site_dir / f"{name}.html"
    assert path.is_file(), f"{path} is not in the built book"
    page, log = new_page(allow=())
    problems = _check_page(page, log, path.as_uri(), path.name)
    assert not problems, "\n".join(problems)
