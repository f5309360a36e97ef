"""The printable course: one PDF of the built book, and an answer-key PDF for instructors.

Each page of the built book (``_build/html``), in table-of-contents order, is opened from
disk in the system Chromium (Playwright with ``executable_path``; nothing is downloaded),
once its charts have drawn, and printed with the print stylesheet of ``coursekit.css``:
no navigation, charts in their initial state, quizzes with their questions and options
but no buttons, feedback or answers (those are never in the page until a student
answers), exercise solutions left out. ``pypdf`` joins the pages and adds one bookmark
per page, so the PDF has a section (starting on a new sheet) per page of the book.
Whatever goes wrong on the way is reported, page by page: a request that would leave the
disk (refused), a script or console error, a chart that did not draw.

The answer key is one HTML document printed the same way: every exercise with its model
answer, copied from the built pages, and every quiz's answer key
(:func:`coursekit.quiz.export.to_answer_key`, with objective texts) rendered with
``markdown-it-py``. Chromium's own PDF printer and these two libraries do the work; this
module only orders pages and assembles the answer key, which no library does for a book.
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CHROMIUM_ARGS", "PrintReport", "answer_key_html", "print_course", "site_pages"]

CHROMIUM = os.environ.get("COURSEKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
)
#: Pages of the book that make no sense on paper.
SKIP = ("book/progress",)
_PDF = {
    "format": "A4",
    "print_background": True,
    "margin": {"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
    "display_header_footer": True,
    "header_template": "<span></span>",
}


@dataclass
class PrintReport:
    """What was printed: the files, page counts and each book page's first PDF page."""

    course: Path
    answer_key: Path
    course_pages: int = 0
    answer_key_pages: int = 0
    sections: list[tuple[str, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def site_pages(site: Path, root: Path) -> list[tuple[str, Path]]:
    """``(docname, html file)`` of every page to print, in table-of-contents order."""
    from coursekit._paths import toc_pages

    pages = []
    for name in toc_pages(root):
        path = site / f"{name}.html"
        if name not in SKIP and path.is_file():
            pages.append((name, path))
    return pages


def _footer(title: str) -> str:
    return (
        '<div style="font-size:8px;width:100%;padding:0 16mm;display:flex;'
        'justify-content:space-between;color:#444;font-family:sans-serif">'
        f"<span>{html.escape(title)}</span>"
        '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
    )


def _wait_for_page(page: object) -> None:
    """Wait until the charts have drawn, MathJax has typeset and the fonts are ready."""
    page.wait_for_load_state("load")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        """() => Array.from(document.querySelectorAll('figure.ck-chart')).every(
             f => ['rendered', 'error'].includes(f.getAttribute('data-ck-state')))""",
        timeout=30_000,
    )
    page.evaluate(  # type: ignore[attr-defined]
        """() => Promise.all([
             window.MathJax && MathJax.startup && MathJax.startup.promise
               ? MathJax.startup.promise : true,
             document.fonts.ready]).then(() => true)"""
    )


def _print_pages(
    browser: object, pages: Sequence[tuple[str, Path]], title: str, report: PrintReport
) -> list[tuple[str, bytes]]:
    """Print each page to PDF bytes; requests that would leave the disk are refused."""

    def local_only(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            report.problems.append(f"blocked a request to {url}")
            route.abort()  # type: ignore[attr-defined]

    out = []
    context = browser.new_context()  # type: ignore[attr-defined]
    context.route("**/*", local_only)
    page = context.new_page()
    page.on("pageerror", lambda exc: report.problems.append(f"{page.url}: script error: {exc}"))
    page.on(
        "console",
        lambda msg: (
            report.problems.append(f"{page.url}: console error: {msg.text}")
            if msg.type == "error"
            else None
        ),
    )
    try:
        for name, path in pages:
            # each page opens as a reader sees it on screen, then prints
            page.emulate_media(media="screen")
            page.goto(path.resolve().as_uri())
            _wait_for_page(page)
            undrawn = page.evaluate(
                """() => [...document.querySelectorAll('figure.ck-chart')].filter(f =>
                     f.dataset.ckState !== 'rendered'
                     || !f.querySelector('.ck-chart-view svg, .ck-chart-view canvas')).length"""
            )
            if undrawn:
                report.problems.append(f"{name}: {undrawn} chart(s) not drawn")
            page.emulate_media(media="print")
            heading = page.evaluate(
                "() => (document.querySelector('main article h1') || {}).textContent"
                " || document.title"
            )
            heading = " ".join(str(heading).replace("#", "").split()) or name
            label = heading if heading.startswith(title) else f"{title} · {heading}"
            data = page.pdf(**_PDF, footer_template=_footer(label))
            out.append((heading, data))
    finally:
        context.close()
    return out


def _join(parts: Sequence[tuple[str, bytes]], dest: Path, title: str) -> list[tuple[str, int]]:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    sections = []
    for heading, data in parts:
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(data)))
        writer.add_outline_item(title=heading, page_number=start)
        sections.append((heading, start))
    writer.add_metadata({"/Title": title})
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("wb") as handle:
        writer.write(handle)
    return sections


def answer_key_html(site: Path, root: Path, title: str) -> str:
    """The answer key as one HTML document; a ``<base>`` points its assets at ``site``."""
    from bs4 import BeautifulSoup
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    from coursekit.quiz.bank import load_bank
    from coursekit.quiz.export import to_answer_key
    from coursekit.quiz.progress import quiz_pages
    from coursekit.teaching.objectives import ObjectiveError, load_objectives

    book = root / "book"
    parts = [
        f"<h1>{html.escape(title)}: answer key</h1>",
        "<p>For instructors. Part 1 gives every exercise with its model answer, page by page; "
        "part 2 gives every self-check quiz with its answers, explanations, sources and "
        "learning objectives.</p>",
        '<h2 class="ck-key-part">Part 1. Exercises and model answers</h2>',
    ]
    for _name, path in site_pages(site, root):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        blocks = soup.select("main .exercise, main .solution")
        if not blocks:
            continue
        h1 = soup.select_one("main article h1")
        heading = h1.get_text(" ", strip=True).replace("#", "").strip() if h1 else path.stem
        parts.append(f'<section class="ck-key-page"><h3>{html.escape(heading)}</h3>')
        for block in blocks:
            for cls in ("dropdown", "toggle", "toggle-hidden"):
                if cls in block.get("class", []):
                    block["class"].remove(cls)
            for button in block.select("button.toggle-button"):
                button.decompose()
            _absolute_links(block, path)
            parts.append(str(block))
        parts.append("</section>")
    try:
        texts = {o.id: o.text for o in load_objectives(book)}
    except ObjectiveError:
        texts = {}
    # maths as MathJax delimiters, typeset by the book's own MathJax when the key is printed
    md = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin, renderer=_tex)
    parts.append('<h2 class="ck-key-part">Part 2. Quiz answer keys</h2>')
    for bank_id in quiz_pages(book):
        key = to_answer_key(load_bank(bank_id, book=book), objectives=texts)
        key = key.replace("\n# ", "\n### ").replace("\n## ", "\n#### ")
        key = "### " + key[2:] if key.startswith("# ") else key
        parts.append(f'<section class="ck-key-bank">{md.render(key)}</section>')
    body = "\n".join(parts)
    base = html.escape(site.resolve().as_uri() + "/")
    return _KEY_TEMPLATE.format(title=html.escape(title), base=base, body=body)


def _absolute_links(block: object, page: Path) -> None:
    """Point the links and images of a block copied from ``page`` at their targets (the
    answer key's ``<base>`` is the site root, not the page's folder)."""
    from urllib.parse import urljoin, urlsplit

    for tag in block.select("[href], [src]"):  # type: ignore[attr-defined]
        for attr in ("href", "src"):
            value = tag.get(attr)
            if value is None or urlsplit(value).scheme or value.startswith("/"):
                continue
            tag[attr] = urljoin(page.resolve().as_uri(), value)


def _tex(content: str, options: dict) -> str:
    """dollarmath's renderer: TeX between MathJax's delimiters, HTML-escaped."""
    if options.get("display_mode"):
        return f'<div class="math">\\[{html.escape(content)}\\]</div>'
    return f'<span class="math">\\({html.escape(content)}\\)</span>'


_KEY_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}: answer key</title>
<base href="{base}">
<link rel="stylesheet" href="_static/styles/pydata-sphinx-theme.css">
<link rel="stylesheet" href="_static/styles/sphinx-book-theme.css">
<link rel="stylesheet" href="_static/exercise.css">
<link rel="stylesheet" href="_static/coursekit.css">
<style>
body {{ font-family: sans-serif; margin: 0 auto; max-width: 48rem; line-height: 1.45; }}
h2.ck-key-part {{ break-before: page; }}
h2.ck-key-part:first-of-type {{ break-before: avoid; }}
section.ck-key-bank h3 {{ break-before: page; }}
.admonition {{ break-inside: avoid-page; }}
/* the course's print stylesheet leaves solutions out; the answer key is where they belong */
@media print {{ .solution {{ display: block !important; }} }}
</style>
<script>window.MathJax = {{ options: {{ enableMenu: false }} }};</script>
<script defer src="_static/vendor/tex-svg.js"></script>
</head><body><main>{body}</main></body></html>
"""


def print_course(
    site: Path,
    out_dir: Path,
    *,
    root: Path | None = None,
    title: str | None = None,
    chromium: str = CHROMIUM,
    pages: Sequence[tuple[str, Path]] | None = None,
    progress: Callable[[str], None] | None = None,
    browser: object | None = None,
) -> PrintReport:
    """Print the course and its answer key into ``out_dir`` (``course.pdf``, ``answer-key.pdf``).

    ``site`` is the built book; ``root`` the course folder (default: found as usual);
    ``pages`` limits the course PDF to some pages; ``browser`` is a Playwright browser to use
    instead of launching one (tests share theirs). Raises ``FileNotFoundError`` when
    the book is not built or Chromium is missing.
    """
    from playwright.sync_api import sync_playwright

    from coursekit._paths import project_root

    root = Path(root) if root else project_root()
    site = Path(site)
    if not (site / "book" / "index.html").is_file():
        raise FileNotFoundError(f"no built book at {site}: run `make book` first")
    if browser is None and not Path(chromium).is_file():
        raise FileNotFoundError(f"no Chromium at {chromium} (install Debian's chromium package)")
    title = title or _book_title(root)
    pages = list(pages) if pages is not None else site_pages(site, root)
    out_dir = Path(out_dir)
    report = PrintReport(course=out_dir / "course.pdf", answer_key=out_dir / "answer-key.pdf")
    if browser is not None:
        _print_both(browser, site, root, title, pages, report, progress)
    else:
        with sync_playwright() as p:
            launched = p.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
            try:
                _print_both(launched, site, root, title, pages, report, progress)
            finally:
                launched.close()
    from pypdf import PdfReader

    report.course_pages = len(PdfReader(report.course).pages)
    report.answer_key_pages = len(PdfReader(report.answer_key).pages)
    return report


def _print_both(
    browser: object,
    site: Path,
    root: Path,
    title: str,
    pages: Sequence[tuple[str, Path]],
    report: PrintReport,
    progress: Callable[[str], None] | None,
) -> None:
    if progress:
        progress(f"printing {len(pages)} pages")
    parts = _print_pages(browser, pages, title, report)
    report.sections = _join(parts, report.course, title)
    with tempfile.TemporaryDirectory() as tmp:
        key_file = Path(tmp) / "answer-key.html"
        key_file.write_text(answer_key_html(site, root, title), encoding="utf-8")
        if progress:
            progress("printing the answer key")
        key = _print_pages(browser, [("answer-key", key_file)], title, report)
    _join([(f"{title}: answer key", key[0][1])], report.answer_key, f"{title}: answer key")


def _book_title(root: Path) -> str:
    import yaml

    try:
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        config = {}
    return str(config.get("title") or "Course")
