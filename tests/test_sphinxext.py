"""The book's Sphinx extension: fresh outputs and accessible markup."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from coursekit import sphinxext


def _app(srcdir: Path) -> SimpleNamespace:
    return SimpleNamespace(srcdir=str(srcdir))


def test_changed_quiz_bank_changes_the_fingerprint(tmp_path: Path) -> None:
    banks = tmp_path / "book" / "quizzes"
    banks.mkdir(parents=True)
    (banks / "a.yml").write_text("id: a\n")
    first = sphinxext.inputs_fingerprint(tmp_path)
    assert sphinxext.inputs_fingerprint(tmp_path) == first
    (banks / "a.yml").write_text("id: a\ntitle: changed\n")
    assert sphinxext.inputs_fingerprint(tmp_path) != first


def test_every_page_is_reread_when_inputs_change(tmp_path: Path) -> None:
    (tmp_path / "book" / "quizzes").mkdir(parents=True)
    env = SimpleNamespace(found_docs={"a", "b", "c"})
    # First build with this extension: nothing recorded yet, so everything is re-read.
    assert sphinxext._outdated(_app(tmp_path), env, set(), {"a"}, set()) == ["b", "c"]
    # Nothing changed since: Sphinx's own change detection is enough.
    assert sphinxext._outdated(_app(tmp_path), env, set(), set(), set()) == []
    # A quiz bank changes: every page is re-read (and so re-executed).
    (tmp_path / "book" / "quizzes" / "new.yml").write_text("id: new\n")
    assert sphinxext._outdated(_app(tmp_path), env, set(), set(), set()) == ["a", "b", "c"]


def test_body_fixes_remove_mislabelled_toggles_and_deprecated_roles() -> None:
    body = (
        '<summary aria-label="Toggle hidden content"><p>Show code cell source</p></summary>'
        '<div role="list"><div class="citation" role="doc-biblioentry">A</div></div>'
    )
    fixed = sphinxext._fix_body(body)
    assert "aria-label" not in fixed
    assert 'role="listitem"' in fixed and "doc-biblioentry" not in fixed


def test_sidebar_toggles_get_a_name() -> None:
    html = (
        '<ul><li class="toctree-l1 has-children"><a class="reference internal" href="x.html">'
        "Chapter 1</a><details><summary><span class='toctree-toggle'></span></summary>"
        "<ul><li>Section</li></ul></details></li></ul>"
    )
    out = sphinxext._name_toggles(html)
    assert "Show or hide the pages in Chapter 1" in out
    assert 'class="visually-hidden"' in out


def test_thebe_assets_are_dropped_from_pages() -> None:
    script = SimpleNamespace(filename=None, attributes={"body": 'const THEBE_JS_URL = "x"'})
    keep = SimpleNamespace(filename="quiz.js", attributes={})
    context = {"script_files": [script, keep], "css_files": ["sphinx-thebe.css", "quiz.css"]}
    sphinxext._page_context(None, "p", "page.html", context, None)
    assert context["script_files"] == [keep]
    assert context["css_files"] == ["quiz.css"]
    assert context["default_mode"] == "light"
