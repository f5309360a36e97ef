"""Self-check quizzes in headless Chromium: a standalone page and every quiz in the built book.

The expected answers come from the bank YAML files read in Python, never from the page.
Answers on the "keyboard path" are entered with the keyboard alone: Tab to reach a
control, Space/arrow keys to choose, Enter to press buttons (numbers are typed).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import axe_playwright_python
import pytest
import yaml
from playwright.sync_api import expect

from coursekit import quiz
from coursekit._paths import static_dir
from coursekit.quiz import markdown
from coursekit.quiz.progress import quiz_pages
from coursekit.quiz.render import render_document

from .conftest import site_pages

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
QUIZZES = ROOT / "book" / "quizzes"
DEMO = QUIZZES / "demo.yml"
AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"


# --------------------------------------------------------------------------- helpers


def norm(text: str) -> str:
    return " ".join(text.split())


def shown(markdown_text: str) -> str:
    """What the page shows for a bank text (the DOM's textContent, whitespace collapsed)."""
    return markdown.text_content(markdown.to_html(markdown_text))


def raw_items(quiz_id: str) -> list[dict[str, Any]]:
    """The bank's items as plain YAML data: the source of the expected answers."""
    return yaml.safe_load((QUIZZES / f"{quiz_id}.yml").read_text(encoding="utf-8"))["items"]


def text_of(locator: Any) -> str:
    return norm(locator.evaluate("e => e.textContent"))


def focus_by_tab(page: Any, target: Any, selector: str = "*", limit: int = 600) -> None:
    """Press Tab until focus is on ``target`` (or inside it, on an element matching
    ``selector``). Fails if Tab never gets there.

    When focus is outside the quiz that holds ``target``, Tab starts from the quiz's title,
    as it does for a reader who clicks there (a click on text sets where sequential focus
    navigation starts): every control of the quiz is still reached by Tab alone, without
    walking through the whole navigation first."""
    handle = target.element_handle()
    title = page.evaluate_handle(
        """t => { const q = t.closest('[data-quiz-id]'), a = document.activeElement;
             return q && !(a && q.contains(a)) ? q.querySelector('.ck-quiz-title') : null; }""",
        handle,
    ).as_element()
    if title is not None:
        title.click()
    for _ in range(limit):
        if page.evaluate(
            """([c, s]) => { const a = document.activeElement;
                 return !!a && (a === c || c.contains(a)) && a.matches(s); }""",
            [handle, selector],
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"the Tab key never reached {selector} in {target}")


def active(page: Any, script: str) -> Any:
    return page.evaluate(f"() => {{ const a = document.activeElement; return {script}; }}")


def answer_by_keyboard(page: Any, node: Any, item: dict[str, Any]) -> None:
    """Enter the correct answer with the keyboard only, then press Check with Enter."""
    kind = item["type"]
    if kind == "single":
        target = next(n for n, o in enumerate(item["options"]) if o["correct"])
        focus_by_tab(page, node.locator(".ck-quiz-options"), "input[type=radio]")
        if not active(page, "a.checked"):
            page.keyboard.press("Space")
        steps = target - int(active(page, "a.value"))
        for _ in range(abs(steps)):
            page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
        assert int(active(page, "a.value")) == target and active(page, "a.checked")
    elif kind == "multiple":
        boxes = node.locator("fieldset input[type=checkbox]")
        for n, option in enumerate(item["options"]):
            focus_by_tab(page, boxes.nth(n))
            if active(page, "a.checked") != option["correct"]:
                page.keyboard.press("Space")
            assert active(page, "a.checked") == option["correct"]
    elif kind == "numeric":
        focus_by_tab(page, node.locator("fieldset input[type=number]"))
        page.keyboard.type(repr(item["answer"]).removesuffix(".0"))
    elif kind == "match":
        selects = node.locator("fieldset select")
        for n, pair in enumerate(item["pairs"]):
            want = item["categories"].index(pair["category"]) + 1  # option 0 is the prompt
            focus_by_tab(page, selects.nth(n))
            steps = want - int(active(page, "a.selectedIndex"))
            for _ in range(abs(steps)):
                page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
            assert int(active(page, "a.selectedIndex")) == want
    else:
        texts = [shown(s["text"]) for s in item["sequence"]]
        for position, wanted in enumerate(texts):
            steps = node.locator("[data-step]")
            current = [
                text_of(steps.nth(i).locator(".ck-quiz-step-text")) for i in range(len(texts))
            ]
            index = current.index(wanted)
            if index == position:
                continue
            focus_by_tab(page, steps.nth(index).locator("[data-move=up]"))
            for _ in range(index - position):
                page.keyboard.press("Enter")
            # focus follows the moved element
            moved = node.locator("[data-step]").nth(position)
            assert active(page, "a.closest('[data-step]')") is not None
            assert moved.evaluate("li => li.contains(document.activeElement)")
        final = [
            text_of(node.locator("[data-step] .ck-quiz-step-text").nth(i))
            for i in range(len(texts))
        ]
        assert final == texts
    focus_by_tab(page, node.locator("[data-action=check]"))
    page.keyboard.press("Enter")


def answer_wrongly(node: Any, item: dict[str, Any]) -> str:
    """Give a wrong answer with ordinary clicks; return feedback text the page must show."""
    kind = item["type"]
    if kind == "single":
        wrong = next(n for n, o in enumerate(item["options"]) if not o["correct"])
        node.locator("fieldset input").nth(wrong).check()
        expected = item["options"][wrong]["feedback"]
    elif kind == "multiple":
        wrong = next(n for n, o in enumerate(item["options"]) if not o["correct"])
        for n, option in enumerate(item["options"]):
            if option["correct"] or n == wrong:
                node.locator("fieldset input").nth(n).check()
        expected = item["options"][wrong]["feedback"]
    elif kind == "numeric":
        value = item["answer"] + item["tolerance"] + max(1.0, abs(item["answer"]))
        node.locator("fieldset input").fill(repr(float(value)))
        expected = item["feedback"]["incorrect"]
    elif kind == "match":
        cats = item["categories"]
        for n, pair in enumerate(item["pairs"]):
            wrong = (cats.index(pair["category"]) + 1) % len(cats)
            node.locator("fieldset select").nth(n).select_option(str(wrong))
        expected = item["pairs"][0]["feedback"]
    else:
        # the initial, shuffled order is never the solution: check it as it stands
        texts = [shown(s["text"]) for s in item["sequence"]]
        steps = node.locator("[data-step] .ck-quiz-step-text")
        current = [text_of(steps.nth(i)) for i in range(len(texts))]
        misplaced = next(t for k, t in enumerate(current) if texts[k] != t)
        expected = item["sequence"][texts.index(misplaced)]["feedback"]
    node.locator("[data-action=check]").click()
    return shown(expected)


def reload_until_ready(page: Any) -> None:
    """Reload, then wait until the new document has set up its quizzes.

    The old document carries the same "ready" mark, so it is also given a token the new
    document lacks: the wait cannot be satisfied before the new document is there."""
    page.evaluate("() => { window.__ckBeforeReload = true; }")
    page.reload(wait_until="load")
    page.wait_for_function(
        """() => !window.__ckBeforeReload && [...document.querySelectorAll('[data-quiz-id]')]
             .every(q => q.dataset.quizReady)"""
    )


def storage_keys(page: Any, quiz_id: str) -> list[str]:
    return page.evaluate(
        "id => Object.keys(localStorage).filter(k => k.startsWith('coursekit-quiz:' + id + ':'))",
        quiz_id,
    )


def exercise_quizzes(page: Any, url: str, where: str) -> None:
    """Drive every quiz on the page at ``url`` through the full scenario."""
    page.goto(url, wait_until="load")
    roots = page.locator("[data-quiz-id]")
    assert roots.count() >= 1, f"{where}: no quiz"
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-quiz-id]')].every(q => q.dataset.quizReady)"
    )
    quizzes = []
    for q in range(roots.count()):
        root = roots.nth(q)
        quiz_id = root.get_attribute("data-quiz-id")
        items = raw_items(quiz_id)
        nodes = root.locator("[data-item-id]")
        assert [nodes.nth(i).get_attribute("data-item-id") for i in range(nodes.count())] == [
            it["id"] for it in items
        ], f"{where}: {quiz_id} items differ from the bank"
        # open items are self-assessed, outside the score: tests/browser/test_open_response.py
        quizzes.append((quiz_id, [it for it in items if it["type"] != "open"]))

    # 1. the keyboard path: every answer correct, the score counts up, focus moves to retry
    for q, (_quiz_id, items) in enumerate(quizzes):
        root = roots.nth(q)
        score = root.locator("[data-quiz-score]")
        assert text_of(score) == f"0 of {len(items)} correct"
        for n, item in enumerate(items, start=1):
            node = root.locator(f'[data-item-id="{item["id"]}"]')
            answer_by_keyboard(page, node, item)
            feedback = text_of(node.locator("[data-quiz-feedback]"))
            assert feedback.startswith("✓ Correct."), f"{where}: {item['id']}: {feedback}"
            assert text_of(score) == f"{n} of {len(items)} correct", f"{where}: {item['id']}"
            retry = node.locator("[data-action=retry]")
            assert retry.is_visible() and retry.evaluate("b => b === document.activeElement")
            assert node.locator("[data-action=check]").is_hidden()

    # 2. a reload keeps the progress (once the batched write has happened: quiz.js saves
    # shortly after each answer, and on pagehide)
    page.wait_for_function(
        """(quizzes) => quizzes.every(([id, n]) => Object.keys(localStorage).some(k =>
             k.startsWith('coursekit-quiz:' + id + ':') && Object.values(
               JSON.parse(localStorage.getItem(k)).items || {}
             ).filter(s => s.checked).length >= n))""",
        arg=[[quiz_id, len(items)] for quiz_id, items in quizzes],
        timeout=10_000,
    )
    # Chromium hands a page's localStorage writes to the browser process asynchronously; on a
    # loaded machine a reload at once can still read the previous state.
    page.wait_for_timeout(500)
    reload_until_ready(page)
    for q, (quiz_id, items) in enumerate(quizzes):
        root = roots.nth(q)
        restored = f"{len(items)} of {len(items)} correct"
        try:
            expect(root.locator("[data-quiz-score]")).to_have_text(restored, timeout=5_000)
        except AssertionError as exc:
            stored = page.evaluate("() => Object.assign({}, localStorage)")
            raise AssertionError(f"{where}: {quiz_id} not restored; localStorage {stored}") from exc
        for item in items:
            node = root.locator(f'[data-item-id="{item["id"]}"]')
            assert text_of(node.locator("[data-quiz-feedback]")).startswith("✓ Correct.")
            assert node.locator("[data-action=retry]").is_visible()
        assert len(storage_keys(page, quiz_id)) == 1

    # 3. Reset (pressed with the keyboard) clears answers, feedback and saved progress
    for q, (quiz_id, items) in enumerate(quizzes):
        root = roots.nth(q)
        focus_by_tab(page, root.locator("[data-action=reset]"))
        page.keyboard.press("Enter")
        assert text_of(root.locator("[data-quiz-score]")).endswith(f"0 of {len(items)} correct")
        assert storage_keys(page, quiz_id) == []
        assert root.locator("[data-quiz-feedback] .ck-quiz-result").count() == 0
        assert root.locator("fieldset input:checked").count() == 0
    reload_until_ready(page)

    # 4. wrong answers show "Not quite", the feedback that applies, and the explanation
    for q, (_quiz_id, items) in enumerate(quizzes):
        root = roots.nth(q)
        assert text_of(root.locator("[data-quiz-score]")) == f"0 of {len(items)} correct"
        for item in items:
            node = root.locator(f'[data-item-id="{item["id"]}"]')
            expected = answer_wrongly(node, item)
            feedback = text_of(node.locator("[data-quiz-feedback]"))
            assert feedback.startswith("✗ Not quite."), f"{where}: {item['id']}: {feedback}"
            assert expected in feedback, f"{where}: {item['id']}: {expected!r} not in {feedback!r}"
            reveal = node.locator("[data-action=reveal]")
            reveal.click()
            assert reveal.get_attribute("aria-expanded") == "true"
            explanation = node.locator("[data-quiz-explanation]")
            assert explanation.is_visible()
            assert shown(item["explanation"]) in text_of(explanation)
            assert "Source" in text_of(explanation)
        assert text_of(root.locator("[data-quiz-score]")) == f"0 of {len(items)} correct"


def run_axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .map(v => ({id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    return [v for v in found if v["impact"] in {"serious", "critical"}]


@pytest.fixture
def standalone(tmp_path: Path) -> Callable[..., Path]:
    """Write the demo quiz as a page with linked quiz.js/quiz.css; return its path."""

    def make(bank: quiz.Bank | None = None, name: str = "quiz.html") -> Path:
        for asset in ("quiz.js", "quiz.css"):
            shutil.copy(static_dir() / asset, tmp_path / asset)
        page = tmp_path / name
        page.write_text(render_document(bank or quiz.load_bank(DEMO)), encoding="utf-8")
        return page

    return make


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """Serve ``tmp_path`` on 127.0.0.1 (axe-core fetches stylesheets, which file:// forbids)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _assert_clean(log: Any) -> None:
    assert not log.blocked, log.blocked
    assert not log.console_errors and not log.page_errors, log.console_errors + log.page_errors


# --------------------------------------------------------------------------- standalone page


def test_standalone_demo_quiz_full_scenario(standalone: Callable[..., Path], new_page: Any) -> None:
    page, log = new_page(allow=())
    exercise_quizzes(page, standalone().as_uri(), "standalone demo")
    _assert_clean(log)


def test_standalone_page_has_no_serious_accessibility_violations(
    standalone: Callable[..., Path], new_page: Any, served: str
) -> None:
    page, log = new_page()
    page.goto(f"{served}/{standalone().name}", wait_until="load")
    page.wait_for_function("() => document.querySelector('[data-quiz-id]').dataset.quizReady")
    assert run_axe(page) == []
    # again with feedback, explanations and locked inputs on screen
    items = raw_items("demo")
    for item in items:
        node = page.locator(f'[data-item-id="{item["id"]}"]')
        answer_wrongly(node, item)
        node.locator("[data-action=reveal]").click()
    assert run_axe(page) == []
    # and in the book's dark theme
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    assert run_axe(page) == []
    _assert_clean(log)


def test_focus_is_visible_and_follows_the_actions(
    standalone: Callable[..., Path], new_page: Any
) -> None:
    page, log = new_page(allow=())
    page.goto(standalone().as_uri(), wait_until="load")
    page.wait_for_function("() => document.querySelector('[data-quiz-id]').dataset.quizReady")
    first = page.locator("[data-item-id]").first
    check = first.locator("[data-action=check]")
    focus_by_tab(page, check)
    outline = check.evaluate(
        "b => [getComputedStyle(b).outlineStyle, parseFloat(getComputedStyle(b).outlineWidth)]"
    )
    assert outline[0] != "none" and outline[1] >= 2
    # Check with nothing chosen: a hint, no attempt, focus stays
    page.keyboard.press("Enter")
    assert text_of(first.locator("[data-quiz-feedback]")) == "Choose an answer first."
    assert check.evaluate("b => b === document.activeElement")
    # answer, then Try again returns focus to the chosen radio
    first.locator("fieldset input").nth(1).check()
    check.click()
    page.keyboard.press("Enter")  # focus is on "Try again"
    assert active(page, "a.type") == "radio" and active(page, "a.value") == "1"
    assert not first.locator("fieldset input").first.is_disabled()
    _assert_clean(log)


def test_changed_bank_does_not_restore_stale_answers(
    standalone: Callable[..., Path], new_page: Any, tmp_path: Path
) -> None:
    page, log = new_page(allow=())
    path = standalone()
    page.goto(path.as_uri(), wait_until="load")
    first_item = raw_items("demo")[0]
    node = page.locator(f'[data-item-id="{first_item["id"]}"]')
    node.locator("fieldset input").first.check()
    node.locator("[data-action=check]").click()
    assert text_of(page.locator("[data-quiz-score]")) != "0 of 6 correct"
    # progress is written to localStorage in a batch shortly after the click
    page.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('coursekit-quiz:demo:'))"
    )
    old_keys = storage_keys(page, "demo")
    assert old_keys
    # the same quiz id with edited content gets a new version: nothing is restored
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data["items"][0]["explanation"] += " Edited."
    edited = tmp_path / "edited" / "demo.yml"
    edited.parent.mkdir()
    edited.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    standalone(quiz.load_bank(edited))
    reload_until_ready(page)
    assert text_of(page.locator("[data-quiz-score]")) == "0 of 6 correct"
    assert node.locator("fieldset input:checked").count() == 0
    assert not set(old_keys) & set(storage_keys(page, "demo"))
    _assert_clean(log)


def test_late_inserted_quiz_is_initialised_by_course_quiz_init(
    standalone: Callable[..., Path], new_page: Any
) -> None:
    page, log = new_page(allow=())
    page.goto(standalone().as_uri(), wait_until="load")
    markup = quiz.render_static(quiz.load_bank(DEMO))
    page.evaluate(
        """html => { const box = document.createElement('div'); box.id = 'late';
                     box.innerHTML = html; document.body.appendChild(box);
                     window.CourseQuiz.init(box); }""",
        markup,
    )
    late = page.locator("#late [data-quiz-id]")
    assert late.get_attribute("data-quiz-ready") == "true"
    item = raw_items("demo")[0]
    node = late.locator(f'[data-item-id="{item["id"]}"]')
    right = next(n for n, o in enumerate(item["options"]) if o["correct"])
    node.locator("fieldset input").nth(right).check()
    node.locator("[data-action=check]").click()
    assert text_of(node.locator("[data-quiz-feedback]")).startswith("✓ Correct.")
    _assert_clean(log)


def test_inline_static_preview_works_without_files(tmp_path: Path, new_page: Any) -> None:
    """``quiz.show(..., mode="static")`` carries its own script and style (JupyterLab)."""
    html = quiz.show(DEMO, mode="static")._repr_mimebundle_()["text/html"]
    page_file = tmp_path / "preview.html"
    page_file.write_text(f"<!DOCTYPE html><html lang='en'><body>{html}</body></html>", "utf-8")
    page, log = new_page(allow=())
    page.goto(page_file.as_uri(), wait_until="load")
    item = next(it for it in raw_items("demo") if it["type"] == "numeric")
    node = page.locator(f'[data-item-id="{item["id"]}"]')
    node.locator("fieldset input").fill(str(item["answer"]))
    node.locator("fieldset input").press("Enter")
    assert text_of(node.locator("[data-quiz-feedback]")).startswith("✓ Correct.")
    assert (
        node.locator(".ck-quiz-correct").evaluate("e => getComputedStyle(e).borderLeftStyle")
        == "solid"
    )
    _assert_clean(log)


# --------------------------------------------------------------------------- the built book


#: The pages that show a quiz (``quiz.show`` in their notebook), one test each.
QUIZ_PAGES = sorted(set(quiz_pages(ROOT / "book").values()))


def test_every_page_with_a_quiz_is_tested(site_dir: Path) -> None:
    pages = {
        p.relative_to(site_dir / "book").with_suffix("").as_posix()
        for p in site_pages(site_dir)
        if ' data-quiz-id="' in p.read_text(encoding="utf-8")
    }
    assert pages, f"no page of the built book at {site_dir} contains a quiz"
    assert pages <= set(QUIZ_PAGES)


@pytest.mark.parametrize("name", QUIZ_PAGES)
def test_every_quiz_in_the_built_book(site_dir: Path, new_page: Any, name: str) -> None:
    path = site_dir / "book" / f"{name}.html"
    assert ' data-quiz-id="' in path.read_text(encoding="utf-8"), f"{name} shows no quiz"
    page, log = new_page(allow=())
    exercise_quizzes(page, path.as_uri(), path.relative_to(site_dir).as_posix())
    _assert_clean(log)
