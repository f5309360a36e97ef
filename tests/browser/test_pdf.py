"""The printable course: `coursekit pdf` over the built book, checked by reading the PDFs.

One test prints the whole course once (with the session's Chromium) and checks both files,
so that parallel workers never print it twice.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from coursekit.quiz.bank import load_bank
from coursekit.quiz.markdown import to_text
from coursekit.quiz.progress import quiz_pages
from coursekit.teaching.pdf import print_course, site_pages

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def _norm(text: str) -> str:
    """Lower case, single spaces, ligatures (Chromium prints "fi" as one glyph) undone and
    hyphenated words broken over two lines ("cut-⏎point") joined again."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()
    return re.sub(r"(?<=[a-z])- (?=[a-z])", "-", text)


def _pdf_text(path: Path) -> tuple[str, list[str]]:
    from pypdf import PdfReader

    pages = [_norm(p.extract_text() or "") for p in PdfReader(path).pages]
    return " ".join(pages), pages


def _windows(text: str, words: int = 7) -> list[str]:
    """Every run of ``words`` plain words in ``text`` (no numbers, maths or symbols: those
    are extracted differently from the two PDFs), in order."""
    tokens = _norm(text).split()
    plain = [bool(re.fullmatch(r"[a-z][a-z'’-]*[a-z][,.;:]?", t)) for t in tokens]
    runs = [i for i in range(len(tokens) - words + 1) if all(plain[i : i + words])]
    return list(dict.fromkeys(" ".join(tokens[i : i + words]) for i in runs))


def test_the_course_prints_without_answers_and_the_key_with_them(
    browser: object, site_dir: Path, tmp_path: Path
) -> None:
    report = print_course(site_dir, tmp_path, root=ROOT, browser=browser)
    assert report.problems == []
    assert report.course.is_file() and report.answer_key.is_file()

    # A section per page, in the order of the table of contents, each starting a sheet.
    pages = site_pages(site_dir, ROOT)
    assert len(report.sections) == len(pages) >= 30
    starts = [start for _, start in report.sections]
    assert starts == sorted(set(starts)) and starts[0] == 0
    assert report.course_pages >= len(pages)
    course, sheets = _pdf_text(report.course)
    for (heading, start), (name, _) in zip(report.sections, pages, strict=True):
        words = _norm(heading).split()[:3]
        assert " ".join(words) in sheets[start], f"{name}: its section should start on a new page"
    from pypdf import PdfReader

    outline = [item.title for item in PdfReader(report.course).outline]
    assert outline == [heading for heading, _ in report.sections]

    # Quizzes are printed with their questions ...
    banks = [load_bank(bank_id) for bank_id in quiz_pages()]
    assert banks
    for bank in banks:
        for window in _windows(to_text(bank.items[0].prompt), 5)[:1]:
            assert window in course, f"{bank.id}: question missing from the PDF"

    # ... and no answer is printed anywhere: no model answer of an exercise, no quiz
    # explanation. The same text is in the answer key (so the check can fail).
    key, _ = _pdf_text(report.answer_key)
    solutions = []
    public = []  # what any reader sees without opening an answer: answers must not match it
    for _, path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        found = soup.select("main .solution")
        for solution in found:
            solution.extract()
        public.append(_norm(soup.get_text(" ")))
        for solution in found:
            title = solution.select_one(".admonition-title")
            if title:
                title.decompose()
            # one paragraph at a time: list numbers are drawn by CSS, not in the text
            solutions.append([p.get_text(" ") for p in solution.find_all("p")])
    assert len(solutions) >= 25
    checked = 0
    seen = " ".join(public)

    def distinctive(text: str) -> list[str]:
        return [w for w in _windows(text) if w not in seen][:1]

    for paragraphs in solutions:
        windows = [w for text in paragraphs for w in distinctive(text)]
        for window in windows[:1] + windows[len(windows) // 2 :][:1]:
            assert window not in course, f"a model answer is printed in the course: {window!r}"
            assert window in key, f"the answer key misses a model answer: {window!r}"
            checked += 1
    for bank in banks:
        for item in bank.items:
            for window in distinctive(to_text(item.explanation)):
                assert window not in course, f"{bank.id}/{item.id}: explanation printed"
                assert window in key, f"{bank.id}/{item.id}: explanation missing from the key"
                checked += 1
    assert checked >= 100
    assert "objective:" in key


def test_printing_reports_what_went_wrong_on_a_page(browser: object, tmp_path: Path) -> None:
    """The print pass is also the book's from-disk check (tests/browser/test_pages.py relies
    on it): a request leaving the disk, a script error, a console error and an undrawn chart
    on a page are each reported, with the page."""
    site = tmp_path / "site"
    (site / "book").mkdir(parents=True)
    (site / "book" / "index.html").write_text("<title>Index</title><h1>Index</h1>")
    bad = site / "book" / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html lang='en'><head><title>Bad</title></head><body><main><article>"
        "<h1>Bad page</h1>"
        "<img alt='' src='https://example.org/remote.png'>"
        "<figure class='ck-chart' data-ck-state='rendered'><div class='ck-chart-view'></div>"
        "</figure>"
        "<script>console.error('broken widget'); undefined_function();</script>"
        "</article></main></body></html>",
        encoding="utf-8",
    )
    report = print_course(
        site, tmp_path / "out", root=ROOT, browser=browser, pages=[("book/bad", bad)]
    )
    problems = "\n".join(report.problems)
    assert "blocked a request to https://example.org/remote.png" in problems
    assert "bad.html: console error: broken widget" in problems
    assert "bad.html: script error:" in problems and "undefined_function" in problems
    assert "book/bad: 1 chart(s) not drawn" in problems
    assert report.course.is_file() and report.course_pages >= 1


def test_every_link_and_stylesheet_of_the_answer_key_resolves(site_dir: Path) -> None:
    """Exercises are copied into the answer key from pages in sub-folders, and the key's
    ``<base>`` is the site root: their links must still lead to the files they named."""
    from urllib.parse import unquote, urlsplit

    from coursekit.teaching.pdf import answer_key_html

    soup = BeautifulSoup(answer_key_html(site_dir, ROOT, "Course"), "html.parser")
    base = soup.select_one("base")["href"]
    targets = [tag.get(attr) for attr in ("href", "src") for tag in soup.select(f"[{attr}]")]
    local = [t for t in targets if t != base and urlsplit(t).scheme in {"", "file"}]
    assert len(local) >= 50
    missing = []
    for target in local:
        url = urlsplit(target)
        path = Path(unquote(url.path)) if url.scheme == "file" else site_dir / unquote(url.path)
        if url.path and not path.is_file():
            missing.append(target)
    assert missing == []
