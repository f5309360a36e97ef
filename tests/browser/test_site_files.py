"""The built pages as files: lean, with no widget state and no answers in clear text.

These read the HTML of the built book (no browser needed), so they run with the browser
tests, after the strict build.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from coursekit import quiz

from .conftest import site_pages

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
MAX_PAGE_BYTES = 150_000


def _visible_text(markup: str) -> str:
    text = re.sub(r"<[^>]+>", " ", markup)
    return " ".join(html.unescape(text).split())


def _plain(markdown: str) -> str:
    return _visible_text(quiz.markdown_to_html(markdown))


def _secrets() -> dict[str, list[str]]:
    """Per bank: explanation and feedback sentences that must not appear in clear text."""
    out: dict[str, list[str]] = {}
    for path in sorted((ROOT / "book" / "quizzes").glob("*.yml")):
        bank = quiz.load_bank(path)
        texts = []
        for item in bank:
            texts.append(_plain(item.explanation))
            for option in getattr(item, "options", ()) or ():
                if getattr(option, "feedback", ""):
                    texts.append(_plain(option.feedback))
        # A 60-character window from the middle of each text is enough to recognise it, and
        # avoids matching short phrases ("Yes.") or sentence openings shared with the prose.
        out[bank.id] = [t[len(t) // 2 - 30 : len(t) // 2 + 30] for t in texts if len(t) >= 60]
    return out


def test_no_page_embeds_widget_state(site_dir: Path) -> None:
    offenders = [
        p.relative_to(site_dir).as_posix()
        for p in site_pages(site_dir)
        if "application/vnd.jupyter.widget-state+json" in p.read_text(encoding="utf-8")
    ]
    assert not offenders, f"pages with widget state: {offenders}"


def test_every_page_is_lean(site_dir: Path) -> None:
    sizes = {p.relative_to(site_dir).as_posix(): p.stat().st_size for p in site_pages(site_dir)}
    heavy = {name: size for name, size in sizes.items() if size > MAX_PAGE_BYTES}
    assert not heavy, f"pages over {MAX_PAGE_BYTES:,} bytes of their own HTML: {heavy}"


def test_no_quiz_explanation_or_feedback_in_clear_text(site_dir: Path) -> None:
    secrets = _secrets()
    assert sum(len(v) for v in secrets.values()) > 50, "expected many explanations to look for"
    pages = {p: _visible_text(p.read_text(encoding="utf-8")) for p in site_pages(site_dir)}
    raw = {p: p.read_text(encoding="utf-8") for p in pages}
    leaks = []
    for bank_id, texts in secrets.items():
        hosts = [p for p in pages if f'data-quiz-id="{bank_id}"' in raw[p]]
        assert hosts, f"no built page shows the {bank_id!r} quiz"
        for text in texts:
            for path in hosts:
                if text in pages[path] or html.escape(text) in raw[path]:
                    leaks.append(f"{path.name}: {bank_id}: {text!r}")
    assert not leaks, "quiz answers readable in page source:\n" + "\n".join(leaks[:20])


def test_the_leak_check_sees_text_that_is_in_a_page(site_dir: Path) -> None:
    """Control: a sentence that is in the page's prose is found by the same check."""
    page = site_dir / "book" / "about" / "safety.html"
    visible = _visible_text(page.read_text(encoding="utf-8"))
    window = visible[len(visible) // 2 : len(visible) // 2 + 40]
    assert window in visible


def test_sidebar_names_each_chapter_once(site_dir: Path) -> None:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(
        (site_dir / "book" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    nav = soup.select_one("nav.bd-docs-nav") or soup
    captions = [c.get_text(" ", strip=True) for c in nav.select("p.caption, .caption-text")]
    links = [a.get_text(" ", strip=True) for a in nav.select("a.reference")]
    assert links, "the sidebar should list the pages"
    repeated = sorted(set(captions) & set(links))
    assert not repeated, f"sidebar shows these names twice (caption and link): {repeated}"


def test_notebook_pages_offer_their_notebook_for_download(site_dir: Path) -> None:
    page = (site_dir / "book" / "ptsd" / "03-measurement.html").read_text(encoding="utf-8")
    match = re.search(r'href="([^"]*_sources/book/ptsd/03-measurement\.ipynb)"', page)
    assert match, "the page should link to its .ipynb"
    target = (site_dir / "book" / "ptsd" / match.group(1)).resolve()
    assert target.is_file() and target.suffix == ".ipynb"


def test_pages_offer_one_search_field(site_dir: Path) -> None:
    page = (site_dir / "book" / "index.html").read_text(encoding="utf-8")
    assert page.count('class="btn search-button-field') == 1
