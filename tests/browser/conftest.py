"""Shared fixtures for browser tests over the built book.

Chromium is the system one (``/usr/bin/chromium``); nothing here downloads a
browser. Every request that does not go to the local site is aborted and
recorded, and every console error is recorded, so tests can assert on both.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from coursekit.teaching import pdf as _pdf

ROOT = Path(__file__).resolve().parents[2]
# The same system Chromium and start-up flags as `coursekit pdf` (one place for both).
CHROMIUM = _pdf.CHROMIUM
CHROMIUM_ARGS = list(_pdf.CHROMIUM_ARGS)


@dataclass
class PageLog:
    """What a page did: requests blocked for leaving the site, and console errors."""

    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def site_pages(site: Path) -> list[Path]:
    """Every content page of the built book (search and index pages excluded)."""
    skip = {"search.html", "genindex.html"}
    pages = [p for p in site.rglob("*.html") if p.name not in skip and "_static" not in p.parts]
    # The top-level index.html is only a redirect to book/index.html.
    return sorted(p for p in pages if p != site / "index.html")


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The built book; fails (never skips) when it has not been built."""
    site = Path(os.environ.get("COURSEKIT_SITE", ROOT / "_build" / "html"))
    if not (site / "book" / "index.html").is_file():
        pytest.fail(f"no built book at {site}: run `make book` first")
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def http_base(site_dir: Path) -> Iterator[str]:
    """Serve the built book over http on 127.0.0.1 for the session."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """The system Chromium, headless, started once per session."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (see .ci/run)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _is_local(url: str, allowed_prefixes: tuple[str, ...]) -> bool:
    return url.startswith(("file://", "data:", "blob:", "about:", *allowed_prefixes))


@pytest.fixture
def new_page(browser: object, request: pytest.FixtureRequest) -> Iterator[Callable[..., object]]:
    """Factory for offline pages: ``page, log = new_page()``.

    Each page lives in a fresh browser context (fresh localStorage unless a
    context is passed in), aborts every request that leaves the local site and
    records console errors.
    """
    contexts: list[object] = []

    def make(context: object | None = None, allow: tuple[str, ...] = ("http://127.0.0.1",)):
        ctx = context or browser.new_context(viewport={"width": 1280, "height": 900})
        if context is None:
            contexts.append(ctx)
        page = ctx.new_page()
        log = PageLog()

        def route(route_obj: object) -> None:
            url = route_obj.request.url
            if _is_local(url, allow):
                route_obj.continue_()
            else:
                log.blocked.append(url)
                route_obj.abort()

        page.route("**/*", route)
        page.on(
            "console",
            lambda msg: (
                log.console_errors.append(f"{msg.text} @ {msg.location}")
                if msg.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda err: log.page_errors.append(str(err)))
        return page, log

    yield make
    for ctx in contexts:
        ctx.close()


AXE_JS = None


def axe_source() -> str:
    """The axe-core script, loaded from disk (shipped by axe-playwright-python)."""
    global AXE_JS
    if AXE_JS is None:
        import axe_playwright_python

        AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    return AXE_JS


def run_axe(page: object) -> list[dict]:
    """Run axe-core on ``page``; return serious and critical violations."""
    page.add_script_tag(content=axe_source())
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                resultTypes: ['violations'],
                rules: {'label-content-name-mismatch': {enabled: true}},
            });
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in {"serious", "critical"}]


#: The longest browser test (it prints the whole book): started first, so that the workers
#: finish together instead of one of them starting it at the end.
LONG_TESTS = ("test_the_course_prints_without_answers_and_the_key_with_them",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run :data:`LONG_TESTS` first (see there)."""
    items.sort(key=lambda item: item.name not in LONG_TESTS)
